"""The dashboard view (voice/dashboard.py) on the real seed dashboards and seed quotes."""

from __future__ import annotations

from conftest import seed

from voice.indicators import build_dashboard, dashboard_periods, linked_sources
from voice.ingest.indicators import read_indicators
from voice.ingest.seed_appendix import read_seed_appendix
from voice.records import Indicator
from voice.store import Store

CP_REVIEWS = "% child protection cases which were reviewed within timescales"


def load(store: Store, *prefixes: str) -> None:
    for p in prefixes:
        store.add_indicators(read_indicators(seed(p)).rows)
    appendix = read_seed_appendix(seed("000"))
    store.add_quotes(appendix.quotes, appendix.tags)


def test_periods_newest_first(store: Store) -> None:
    load(store, "000", "001", "003")
    assert dashboard_periods(store) == ["2017/18 Q2", "2017/18 Q1", "2016/17 Q2"]


def test_rows_grouped_by_area_and_section_with_trend(store: Store) -> None:
    load(store, "000", "001", "003")
    board = build_dashboard(store, "2017/18 Q1")
    assert board.periods == ["2016/17 Q2", "2017/18 Q1", "2017/18 Q2"]
    groups = board.grouped()
    social_care = groups[("Children and young people are safe within caring family homes", "Social Care")]
    cp = next(r for r in social_care if r.key == CP_REVIEWS)
    assert (cp.value, cp.rag, cp.national_quartile, cp.sn_average) == ("99.0%", "G", 1, 94.0)
    assert cp.trend == [98.6, 99.0, 97.2]
    assert cp.direction == "► similar"
    assert any("child protection" in s.lower() for s in cp.linked_sources)


def test_voice_row_replaces_see_appendix(store: Store) -> None:
    load(store, "000")
    board = build_dashboard(store, "2017/18 Q1")
    voice_rows = [r for r in board.rows if r.is_voice]
    assert len(voice_rows) == 1
    row = voice_rows[0]
    assert "See Appendix" not in row.value
    # the seed's nine labelled quotes: 2 good, 3 unsure, 4 not so good
    assert row.value == "good 22% · unsure 33% · not so good 44%"
    assert row.count == "9 quotes"
    assert row.rag == "R"


def test_small_numbers_formatter_reaches_the_voice_row(store: Store) -> None:
    load(store, "000")
    board = build_dashboard(store, "2017/18 Q1", count_formatter=lambda n: "<5" if n < 5 else "many")
    assert next(r for r in board.rows if r.is_voice).count == "many quotes"


def test_filter_rag_shows_only_the_reds(store: Store) -> None:
    load(store, "000")
    board = build_dashboard(store, "2017/18 Q1").filter_rag(["R"])
    assert board.rows and all(r.rag == "R" for r in board.rows)
    assert len(build_dashboard(store, "2017/18 Q1").filter_rag([]).rows) > len(board.rows)


def test_links_by_keyword() -> None:
    sources = ["Children's Rights Service: Child Protection", "Care leavers", "Early Help families"]
    leavers = Indicator(indicator="% care leavers in suitable accommodation", section="Social Care")
    assert linked_sources(leavers, sources) == (
        "Children's Rights Service: Child Protection",
        "Care leavers",
    )
    school = Indicator(indicator="% pupils at good schools", section="Education Quality")
    assert linked_sources(school, sources) == ()


def test_empty_store_has_no_periods(store: Store) -> None:
    assert dashboard_periods(store) == []
    assert build_dashboard(store, "2017/18 Q1").rows == []
