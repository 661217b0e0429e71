"""The voice indicator: the pure rule on label lists, and the real seed 000 in a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, clear_concern_flags, seed
from typer.testing import CliRunner

from voice.cli import app
from voice.indicators import (
    VOICE_ROW_NAME,
    compute_all_voice_indicators,
    compute_voice_indicator,
    voice_indicator_from_labels,
    voice_rag,
)
from voice.ingest.indicators import indicator_key
from voice.records import HUMAN, MODEL, Tag
from voice.store import Store

runner = CliRunner()
Q1 = "2017/18 Q1"
CRS = "Children's Rights Service: Child Protection"


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def db(voice_home: Path) -> Store:
    return Store(f"sqlite:///{voice_home / 'voice.db'}")


def labels(good: int = 0, unsure: int = 0, nsg: int = 0, untagged: int = 0) -> list[str | None]:
    return ["good"] * good + ["unsure"] * unsure + ["not_so_good"] * nsg + [None] * untagged


def write_quotes(path: Path, period: str, rows: list[tuple[str, str]]) -> Path:
    """A small quote CSV: (text, label) rows for one period."""
    lines = ["text,label,period,source"]
    lines += [f'"{text}",{label},{period},{CRS}' for text, label in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# the pure rule
# ---------------------------------------------------------------------------------------------


def test_seed_000_split_from_labels() -> None:
    v = voice_indicator_from_labels(labels(2, 3, 4, 7), Q1, None)
    assert v.text == "good 22% (2 of 9), unsure 33% (3 of 9), not so good 44% (4 of 9)"
    assert (v.n_tagged, v.n_untagged) == (9, 7)
    assert v.counts == {"good": 2, "unsure": 3, "not_so_good": 4}
    assert v.shares["good"] == pytest.approx(2 / 9)
    assert v.share_not_so_good == pytest.approx(4 / 9)
    assert v.previous_period == "2016/17 Q4"
    assert (v.previous_share_good, v.direction, v.rag) == (None, "no previous data", "R")


@pytest.mark.parametrize(
    ("good", "unsure", "nsg", "rag"),
    [
        (6, 4, 0, "G"),  # good exactly 60%
        (6, 2, 2, "G"),  # and not so good exactly 20%
        (6, 1, 3, "A"),  # good 60% but not so good 30%
        (5, 5, 0, "A"),  # good 50%
        (5, 1, 4, "R"),  # not so good exactly 40%
        (5, 2, 3, "A"),  # not so good 30%, good 50%
        (3, 7, 0, "A"),  # good exactly 30% is not below 30%
        (2, 5, 0, "R"),  # good 28.6%
        (0, 5, 0, "R"),  # nothing good
        (5, 0, 0, "G"),  # exactly 5 tagged: rated
    ],
)
def test_rag_rule_edges(good: int, unsure: int, nsg: int, rag: str) -> None:
    assert voice_indicator_from_labels(labels(good, unsure, nsg), Q1, None).rag == rag
    assert voice_rag(good, nsg, good + unsure + nsg) == rag


@pytest.mark.parametrize(("good", "unsure", "nsg"), [(4, 0, 0), (0, 0, 4), (1, 1, 2), (0, 0, 0)])
def test_fewer_than_five_tagged_has_no_rag(good: int, unsure: int, nsg: int) -> None:
    v = voice_indicator_from_labels(labels(good, unsure, nsg, untagged=20), Q1, None)
    assert v.rag is None  # untagged quotes do not count towards the five
    assert v.n_untagged == 20


def test_no_tagged_quotes() -> None:
    v = voice_indicator_from_labels(labels(untagged=3), Q1, labels(5, 5))
    assert v.text == "no quotes tagged by people"
    assert (v.share_good, v.share_unsure, v.share_not_so_good) == (None, None, None)
    assert (v.direction, v.rag) == (None, None)
    ind = v.as_indicator()
    assert (ind.value, ind.unit, ind.count, ind.denominator) == (None, None, None, None)


@pytest.mark.parametrize(
    ("current", "previous", "direction"),
    [
        (labels(5, 5), labels(9, 11), "better"),  # 50% vs 45%: exactly +5 points
        (labels(9, 11), labels(5, 5), "worse"),  # exactly -5 points
        (labels(5, 5), labels(46, 54), "similar"),  # +4 points
        (labels(5, 5), labels(54, 46), "similar"),  # -4 points
        (labels(5, 5), labels(0, 0, 0, 4), "no previous data"),  # previous all untagged
        (labels(5, 5), [], "no previous data"),
        (labels(5, 5), None, "no previous data"),
    ],
)
def test_direction_threshold(current: list, previous: list | None, direction: str) -> None:
    assert voice_indicator_from_labels(current, Q1, previous).direction == direction


def test_unknown_label_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown label"):
        voice_indicator_from_labels(["good", "brilliant"], Q1, None)


def test_period_that_is_not_a_quarter_has_no_previous() -> None:
    v = voice_indicator_from_labels(labels(3, 2), "2017", labels(1))
    assert v.previous_period is None and v.direction == "worse"  # 60% vs 100%


def test_as_indicator_fills_the_appendix_row() -> None:
    v = voice_indicator_from_labels(labels(2, 3, 4, 7), Q1, labels(6, 2, 2))
    ind = v.as_indicator()
    assert ind.indicator == VOICE_ROW_NAME
    assert ind.key == indicator_key(VOICE_ROW_NAME)
    assert ind.key == indicator_key(
        "Feedback from families and evaluation provides evidence of positive impact"
    )
    assert (ind.period, ind.period_label, ind.unit) == (Q1, "Q1", "%")
    assert (ind.value, ind.count, ind.denominator) == (22.2, 2.0, 9.0)
    assert (ind.previous_value, ind.previous_period, ind.direction) == (60.0, "2016/17 Q4", "worse")
    assert (ind.polarity, ind.rag) == ("high", "R")
    assert ind.note == v.text


# ---------------------------------------------------------------------------------------------
# the real seed in a real store
# ---------------------------------------------------------------------------------------------


def test_seed_000_voice_indicator(voice_home: Path) -> None:
    assert run("import-seed", seed("000")).exit_code == 0
    clear_concern_flags(voice_home)  # detect-7 holds some seed quotes until an officer reviews them
    v = compute_voice_indicator(db(voice_home), Q1)
    assert v.text == "good 22% (2 of 9), unsure 33% (3 of 9), not so good 44% (4 of 9)"
    assert (v.n_tagged, v.n_untagged, v.rag, v.direction) == (9, 7, "R", "no previous data")
    only_crs = compute_voice_indicator(db(voice_home), Q1, source=CRS)
    assert (only_crs.n_tagged, only_crs.n_untagged) == (9, 0)


def test_direction_against_a_previous_period_from_a_csv(voice_home: Path, tmp_path: Path) -> None:
    run("import-seed", seed("000"))
    previous = write_quotes(
        tmp_path / "q4.csv",
        "2016/17 Q4",
        [(f"good thing {i}", "good") for i in range(6)]
        + [("not sure 1", "Don't know"), ("not sure 2", "unsure")]
        + [("bad 1", "not so good"), ("bad 2", "What's not so good?")],
    )
    r = run("import", previous)
    assert r.exit_code == 0, r.output
    v = compute_voice_indicator(db(voice_home), Q1)
    assert v.previous_period == "2016/17 Q4"
    assert v.previous_share_good == pytest.approx(0.6)
    assert v.direction == "worse"  # 60% -> 22%
    prev = compute_voice_indicator(db(voice_home), "2016/17 Q4")
    assert (prev.rag, prev.direction) == ("G", "no previous data")  # good 60%, not so good 20%


def test_people_tags_decide_and_proposals_are_counted_apart(voice_home: Path) -> None:
    run("import-seed", seed("000"))
    clear_concern_flags(voice_home)  # detect-7 holds some seed quotes until an officer reviews them
    store = db(voice_home)
    current = store.current_tags()
    tagged = next(
        q for q in store.quotes(period=Q1) if current.get(q.id) and current[q.id].label == "not_so_good"
    )
    untagged = next(q for q in store.quotes(period=Q1) if q.id not in current)
    store.add_tag(Tag(quote_id=tagged.id, label="good", who="alice", origin=HUMAN))
    store.add_tags([Tag(quote_id=untagged.id, label="good", who="model", origin=MODEL, model_version="t")])
    # a model tag does not override a human one
    store.add_tags([Tag(quote_id=tagged.id, label="unsure", who="model", origin=MODEL, model_version="t")])
    v = compute_voice_indicator(store, Q1)
    # alice's retag counts; the model's proposal for the untagged quote is in no share
    assert v.counts == {"good": 3, "unsure": 3, "not_so_good": 3}
    assert (v.n_tagged, v.n_proposed, v.n_untagged) == (9, 1, 6)
    assert v.proposed_counts == {"good": 1, "unsure": 0, "not_so_good": 0}
    # undoing alice's tag: the source document's tag stands again, still a people's tag
    store.undo_tag(tagged.id, who="alice")
    assert compute_voice_indicator(store, Q1).counts == {"good": 2, "unsure": 3, "not_so_good": 4}


def test_example_file_period_is_small_and_better(voice_home: Path) -> None:
    run("import-seed", seed("000"))
    run("import", ROOT / "corpus" / "examples" / "quotes.csv")
    store = db(voice_home)
    q2 = compute_voice_indicator(store, "2017/18 Q2")
    assert q2.text == "good 50% (2 of 4), unsure 25% (1 of 4), not so good 25% (1 of 4)"
    assert (q2.n_untagged, q2.rag, q2.direction) == (1, None, "better")  # 4 tagged: no RAG
    assert [v.period for v in compute_all_voice_indicators(store)] == [Q1, "2017/18 Q2"]
    for source in (None, "Children's Rights Service: Child Protection"):
        one_pass = compute_all_voice_indicators(store, source)
        assert one_pass == [compute_voice_indicator(store, v.period, source) for v in one_pass]


def test_empty_period_is_refused(voice_home: Path) -> None:
    with pytest.raises(ValueError):
        compute_voice_indicator(db(voice_home), "")


# ---------------------------------------------------------------------------------------------
# people's tags only: the model's proposals never make a share, a direction or a RAG
# ---------------------------------------------------------------------------------------------


def test_proposals_alone_give_no_share_and_no_rag() -> None:
    proposed = ["good"] * 5 + ["unsure"] * 2 + ["not_so_good"] * 2
    v = voice_indicator_from_labels(labels(untagged=2), Q1, labels(9, 1), proposed=proposed)
    assert (v.n_tagged, v.n_proposed, v.n_untagged) == (0, 9, 2)
    assert (v.share_good, v.rag, v.direction) == (None, None, None)
    assert v.rag_note.startswith("no quote is tagged by people; 9 proposed by the model")
    assert v.provisional_shares == pytest.approx({"good": 5 / 9, "unsure": 2 / 9, "not_so_good": 2 / 9})
    assert v.provisional_text.startswith("proposed by the model, not yet checked: good 56% (5 of 9)")
    row = v.as_row()
    assert (row["people_tagged"], row["model_proposed"], row["rag"], row["pct_good"]) == (0, 9, None, None)
    assert row["provisional_shares_from_proposals"] == {"good": 55.6, "unsure": 22.2, "not_so_good": 22.2}
    ind = v.as_indicator()
    assert (ind.value, ind.rag, ind.denominator) == (None, None, None)
    assert "9 proposed by the model, not counted" in ind.note


def add_period(store: Store, period: str, n: int) -> list[str]:
    """``n`` untagged quotes of one period; their ids."""
    from voice.records import Quote

    quotes = [Quote(f"quote {i} of {period}", source=CRS, period=period) for i in range(n)]
    store.add_quotes(quotes)
    return [q.id for q in quotes]


def model_tags(ids: list[str], label: str) -> list[Tag]:
    return [Tag(quote_id=i, label=label, who="model", origin=MODEL, model_version="t") for i in ids]


def test_nine_model_labels_and_one_human_tag_give_no_rag(store: Store) -> None:
    ids = add_period(store, Q1, 10)
    store.add_tags(model_tags(ids[:9], "not_so_good"))  # alone, 9 of 10 not so good would be Red
    store.add_tag(Tag(quote_id=ids[9], label="not_so_good", who="alice", origin=HUMAN))
    v = compute_voice_indicator(store, Q1)
    assert (v.n_tagged, v.n_proposed, v.n_untagged) == (1, 9, 0)
    assert v.counts == {"good": 0, "unsure": 0, "not_so_good": 1}
    assert v.rag is None and v.rag_note.startswith("fewer than 5 quotes tagged by people; 9 proposed")
    assert compute_all_voice_indicators(store) == [v]


def test_direction_compares_people_tags_only(store: Store) -> None:
    previous = add_period(store, "2016/17 Q4", 10)
    store.add_tags(model_tags(previous, "good"))  # the model alone thinks the last quarter was all good
    current = add_period(store, Q1, 5)
    for qid in current:
        store.add_tag(Tag(quote_id=qid, label="unsure", who="alice", origin=HUMAN))
    v = compute_voice_indicator(store, Q1)
    assert (v.previous_share_good, v.direction, v.rag) == (None, "no previous data", "R")
    store.add_tag(Tag(quote_id=previous[0], label="good", who="bob", origin=HUMAN))
    v = compute_voice_indicator(store, Q1)
    assert (v.previous_share_good, v.direction) == (1.0, "worse")  # one person's tag: 100% good
    assert compute_all_voice_indicators(store)[-1] == v


def test_an_undone_tag_leaves_the_proposal_uncounted(store: Store) -> None:
    ids = add_period(store, Q1, 5)
    store.add_tags(model_tags(ids, "good"))
    for qid in ids:
        store.add_tag(Tag(quote_id=qid, label="good", who="alice", origin=HUMAN))
    assert compute_voice_indicator(store, Q1).rag == "G"
    store.undo_tag(ids[0], who="alice")
    v = compute_voice_indicator(store, Q1)
    assert (v.n_tagged, v.n_proposed, v.rag) == (4, 1, None)
