"""The dashboard view (voice/dashboard.py) on the real seed dashboards and seed quotes."""

from __future__ import annotations

import pytest
from conftest import seed

from voice.indicators import build_dashboard, dashboard_periods, linked_sources
from voice.ingest.indicators import read_indicators
from voice.ingest.seed_appendix import read_seed_appendix
from voice.records import HUMAN, MODEL, Indicator, Quote, Tag
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
    assert board.periods == ["2016/17 Q2", "2017/18 Q1"]  # the trend ends at the chosen quarter
    groups = board.grouped()
    social_care = groups[("Children and young people are safe within caring family homes", "Social Care")]
    cp = next(r for r in social_care if r.key == CP_REVIEWS)
    assert (cp.value, cp.rag, cp.national_quartile, cp.sn_average) == ("99.0%", "G", 1, 94.0)
    assert cp.trend == [98.6, 99.0]
    assert cp.direction == "= similar"
    assert cp.trend_text == "2016/17 Q2 98.6 ▁█ 99 2017/18 Q1"
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
    assert row.count == "9 tagged by people"
    assert row.rag == "R"


def test_small_numbers_formatter_reaches_the_voice_row(store: Store) -> None:
    load(store, "000")
    board = build_dashboard(store, "2017/18 Q1", count_formatter=lambda n: "<5" if n < 5 else "many")
    assert next(r for r in board.rows if r.is_voice).count == "many tagged by people"


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


def model_only_quarter(store: Store, period: str, labels: list[str]) -> list[str]:
    """Quotes of ``period`` labelled only by the model (one per label); their ids."""
    quotes = [Quote(f"quote {i}", source="Care leavers", period=period) for i in range(len(labels))]
    store.add_quotes(quotes)
    store.add_tags(
        Tag(quote_id=q.id, label=label, who="model", origin=MODEL, model_version="t")
        for q, label in zip(quotes, labels, strict=True)
    )
    return [q.id for q in quotes]


def test_a_quarter_only_the_model_labelled_has_no_rag_and_says_why(store: Store) -> None:
    load(store, "000")
    model_only_quarter(store, "2017/18 Q2", ["unsure"] * 17 + ["not_so_good"] * 30)
    board = build_dashboard(store, "2017/18 Q2")
    [row] = [r for r in board.rows if r.is_voice]
    assert row.rag is None and row.direction == ""
    assert row.value == "not rated: no quote is tagged by people"
    assert row.count == "proposed by the model, not yet checked: 47"
    assert row.trend == [22.2, None]  # Q1's people's tags; Q2 has none
    assert build_dashboard(store, "2017/18 Q2").filter_rag(["R", "A", "G"]).rows == []


def test_nine_model_labels_and_one_human_tag_give_no_rag_on_the_dashboard(store: Store) -> None:
    ids = model_only_quarter(store, "2017/18 Q2", ["not_so_good"] * 10)
    store.add_tag(Tag(quote_id=ids[0], label="not_so_good", who="alice", origin=HUMAN))
    [row] = [r for r in build_dashboard(store, "2017/18 Q2").rows if r.is_voice]
    assert row.rag is None
    assert row.count == "1 tagged by people · proposed by the model, not yet checked: 9"
    hidden = build_dashboard(store, "2017/18 Q2", count_formatter=lambda n: "<5" if n < 5 else str(n))
    [row] = [r for r in hidden.rows if r.is_voice]
    assert (row.rag, row.value) == (None, "not rated: fewer than 5 quotes tagged by people")


def test_trend_ends_at_the_chosen_quarter_with_gaps_and_labelled_ends(store: Store) -> None:
    load(store, "000", "001", "003")
    key = CP_REVIEWS
    q2 = next(r for r in build_dashboard(store, "2017/18 Q2").rows if r.key == key)
    assert q2.trend_periods == ("2016/17 Q2", "2017/18 Q1", "2017/18 Q2")
    assert q2.trend_text.startswith("2016/17 Q2 98.6 ") and q2.trend_text.endswith(" 97.2 2017/18 Q2")
    # a quarter in between without the indicator is a gap, not joined
    store.add_quotes([Quote("a quote", source="S", period="2017/18 Q3")])
    store.add_indicators([Indicator(indicator="CP reviews", key=key, period="2017/18 Q4", value=95.0)])
    q4 = next(r for r in build_dashboard(store, "2017/18 Q4").rows if r.key == key)
    assert q4.trend[-2:] == [None, 95.0] and q4.trend_periods[-2:] == ("2017/18 Q3", "2017/18 Q4")
    assert "·" in q4.trend_text


def test_default_period_is_the_newest_with_indicators_and_nearest_is_offered(store: Store) -> None:
    from voice.indicators import default_period, nearest_with_indicators

    load(store, "000")
    store.add_quotes([Quote("next quarter's quote", source="S", period="2018/19 Q1")])
    assert dashboard_periods(store)[0] == "2018/19 Q1"
    assert default_period(store) == "2017/18 Q1"  # not a quarter with no indicators
    assert nearest_with_indicators(store, "2018/19 Q1") == "2017/18 Q1"


@pytest.mark.parametrize(
    ("direction", "polarity", "shown"),
    [
        ("better", None, "✓ better"),
        ("worse", None, "✗ worse"),
        ("similar", "low", "= similar"),
        ("better", "low", "▼ better (low is good)"),
        ("higher", "low", "▲ higher: worse"),
        ("decrease", "low", "▼ lower: better"),
        ("higher", None, "▲ higher"),
        ("↑ similar", None, "= similar"),
    ],
)
def test_one_direction_marker_in_words_that_agrees_with_polarity(direction, polarity, shown) -> None:
    from voice.indicators import direction_text

    assert direction_text(direction, polarity) == shown
