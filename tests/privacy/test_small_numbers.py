"""Small numbers on what is shown: complementary suppression and attribution among the quotes shown.

``protect_counts`` is checked against a brute-force reader who knows the rule ("<5" is 1-4, "5+"
is 5 or more) and tries every set of numbers that fits what is shown.
"""

from __future__ import annotations

import itertools
import sys
import types
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from voice.cli import app
from voice.indicators import build_dashboard
from voice.privacy import (
    COMPLEMENT,
    OFFICER,
    PUBLIC_ROLE,
    SUPPRESSED,
    TOTAL,
    coarsen_attributions,
    protect_counts,
)
from voice.records import HUMAN, Quote, Tag
from voice.report import ReportQuote, appendix_markdown
from voice.store import Store

runner = CliRunner()
P = "2017/18 Q1"


def _range(text: str, limit: int) -> range:
    if text == SUPPRESSED:
        return range(1, 5)
    if text == COMPLEMENT:
        return range(5, limit + 1)
    return range(int(text), int(text) + 1)


def worked_out(counts: dict[str, int], total: int | None = None) -> dict[str, set[int]]:
    """For each count, every value a reader could give it from the protected texts."""
    texts = protect_counts(counts, total, PUBLIC_ROLE)
    whole = sum(counts.values()) if total is None else total
    limit = whole + 10
    keys = list(counts)
    rest = whole - sum(counts.values())
    cells = [_range(texts[k], limit) for k in keys] + ([range(0, limit + 1)] if rest else [])
    totals = set(_range(texts[TOTAL], limit))
    seen: dict[str, set[int]] = {k: set() for k in [*keys, "rest"]}
    for combo in itertools.product(*cells):
        if sum(combo) in totals:
            for k, v in zip([*keys, "rest"], combo, strict=False):
                seen[k].add(v)
    return seen


@pytest.mark.parametrize(
    "counts, total",
    [
        ((7, 8, 3), None),  # "18 quotes: 7 good, 8 don't know, <5 not so good" gave 3 back
        ((20, 0, 1), None),
        ((5, 1, 0), None),
        ((1, 1, 10), None),  # two "<5" adding up to 2: each is 1
        ((4, 4, 10), None),  # two "<5" adding up to 8: each is 4
        ((3, 9, 9, 9), None),
        ((2, 3, 4), None),
        ((1, 0, 0), None),
        ((7, 8), 18),  # a count left out of the row is worked out as the rest
    ],
)
def test_no_hidden_small_count_can_be_worked_out(counts, total):
    named = dict(zip(["good", "unsure", "not_so_good", "untagged"], counts, strict=False))
    texts = protect_counts(named, total, PUBLIC_ROLE)
    options = worked_out(named, total)
    for key, n in named.items():
        if 0 < n < 5:
            assert texts[key] == SUPPRESSED
            assert len(options[key]) >= 2 and n in options[key], (texts, key, options[key])
    whole = sum(named.values()) if total is None else total
    if 0 < whole - sum(named.values()) < 5:
        assert len(options["rest"]) >= 2, (texts, options["rest"])


def test_the_examples_read_as_expected():
    assert protect_counts({"good": 7, "unsure": 8, "not_so_good": 3}) == {
        "good": COMPLEMENT, "unsure": "8", "not_so_good": SUPPRESSED, TOTAL: "18",
    }  # fmt: skip
    assert protect_counts({"good": 20, "unsure": 0, "not_so_good": 1}) == {
        "good": COMPLEMENT, "unsure": "0", "not_so_good": SUPPRESSED, TOTAL: "21",
    }  # fmt: skip
    # 5+ and <5 adding up to 6 can only be 5 and 1: the total goes too
    assert protect_counts({"good": 5, "not_so_good": 1}) == {
        "good": COMPLEMENT, "not_so_good": SUPPRESSED, TOTAL: COMPLEMENT,
    }  # fmt: skip
    assert protect_counts({"good": 6, "unsure": 7, "not_so_good": 8}) == {
        "good": "6", "unsure": "7", "not_so_good": "8", TOTAL: "21",
    }  # fmt: skip
    assert protect_counts({"good": 0, "unsure": 0}) == {"good": "0", "unsure": "0", TOTAL: "0"}
    assert protect_counts({"good": 7, "unsure": 8, "not_so_good": 3}, role=OFFICER) == {
        "good": "7", "unsure": "8", "not_so_good": "3", TOTAL: "18",
    }  # fmt: skip
    with pytest.raises(ValueError):
        protect_counts({"good": 5}, total=4)


def _item(label: str, i: int, **who) -> ReportQuote:  # type: ignore[no-untyped-def]
    return ReportQuote(Quote(f"quote {label} {i}", source="S", period=P, id=f"{label}{i}", **who), label)


def test_appendix_counts_line_uses_complementary_suppression():
    items = [_item("good", i) for i in range(7)] + [_item("unsure", i) for i in range(8)]
    items += [_item("not_so_good", i) for i in range(3)]
    md = appendix_markdown(items, counts_text=lambda c, t: protect_counts(c, t, PUBLIC_ROLE))
    assert "18 quotes tagged by people: 5+ good, 8 don't know, <5 not so good." in md
    assert "7 good" not in md
    assert "18 quotes tagged by people: 7 good, 8 don't know, 3 not so good." in appendix_markdown(items)


def test_attribution_is_coarsened_among_the_quotes_shown_not_the_period(voice_home: Path, monkeypatch):
    """Eight 11-year-olds in the period, four shown: four "young person, 10–12" would say too much."""
    module = types.ModuleType("voice.privacy._redact")
    module.redact_text = lambda text: text
    monkeypatch.setitem(sys.modules, "voice.privacy._redact", module)
    store = Store(f"sqlite:///{voice_home / 'voice.db'}")
    quotes = [
        Quote(f"what I think number {i}", gender="Female", age=11, source="S", period=P) for i in range(8)
    ]
    store.add_quotes(quotes)
    stored = store.quotes()
    store.add_tags(
        [Tag(q.id, "good" if i < 4 else "not_so_good", "officer", HUMAN) for i, q in enumerate(stored)]
    )
    assert set(coarsen_attributions(stored, PUBLIC_ROLE).values()) == {"Female, 11"}  # the whole period
    out = voice_home / "good.md"
    r = runner.invoke(app, ["appendix", "--period", P, "--label", "good", "-o", str(out)])
    assert r.exit_code == 0, r.output
    md = out.read_text(encoding="utf-8")
    assert md.count("\u201c") == 4
    for told in ("Female", "11", "10–12", "young person"):
        assert told not in md, md
    r = runner.invoke(app, ["appendix", "--period", P, "-o", str(out)])  # all eight shown: 8 share it
    assert r.exit_code == 0 and out.read_text(encoding="utf-8").count("Female, 11") == 8


def test_theme_summaries_protect_the_split_and_coarsen_among_the_examples():
    from voice.themes import summarise_for_role

    quotes = [
        Quote(f"we talk about school {i}", gender="Male", age=12, period=P, id=f"q{i}") for i in range(18)
    ]
    ids = [q.id for q in quotes]
    theme = SimpleNamespace(
        id="t1", label="school", size=18, quote_ids=ids, representative_ids=ids[:3],
        keywords=("school",), pinned=False, edited=False,
    )  # fmt: skip
    result = SimpleNamespace(themes=[theme], answered=18)
    labels = {
        q.id: ("good" if i < 7 else "unsure" if i < 15 else "not_so_good") for i, q in enumerate(quotes)
    }
    (s,) = summarise_for_role(result, quotes, labels, PUBLIC_ROLE)
    assert s.size_text == "18" and s.count_texts["not_so_good"] == SUPPRESSED
    assert s.count_texts["good"] == COMPLEMENT and s.count_texts["unsure"] == "8"
    assert "7 good" not in s.sentence and "3 not so good" not in s.sentence
    # eighteen 12-year-olds in the period, three shown: no attribution at all
    assert [q.attribution for q in s.quotes] == ["", "", ""]
    (o,) = summarise_for_role(result, quotes, labels, OFFICER)
    assert o.count_texts["good"] == "7" and o.quotes[0].attribution == "Male, 12"


def test_dashboard_voice_row_shows_no_share_that_gives_a_hidden_count(store: Store):
    quotes = [Quote(f"feedback {i}", period=P, source="S") for i in range(18)]
    store.add_quotes(quotes)
    stored = store.quotes()
    store.add_tags(
        [
            Tag(q.id, "good" if i < 7 else "unsure" if i < 15 else "not_so_good", "officer", HUMAN)
            for i, q in enumerate(stored)
        ]
    )
    public = build_dashboard(
        store,
        P,
        count_formatter=lambda n: "<5" if 0 < n < 5 else str(n),
        counts_text=lambda c, t: protect_counts(c, t, PUBLIC_ROLE),
    )
    row = next(r for r in public.rows if r.is_voice)
    assert row.value == "good 5+ · unsure 44% · not so good <5" and row.count == "18 tagged by people"
    officer = next(r for r in build_dashboard(store, P).rows if r.is_voice)
    assert officer.value == "good 39% · unsure 44% · not so good 17%"
