"""Flags and reviews in the store: screened once, held until reviewed, append-only, audited.

Real SQLite (and PostgreSQL where marked) through the ``store`` fixture.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from voice import config
from voice.errors import InputError, NotFoundError, StoreError
from voice.records import Quote
from voice.safeguarding import _flags, review_flag, screen_quotes, screen_store
from voice.store import Store, concern_summary, flagged_quotes, unreviewed_concern_ids
from voice.store._tables import concern_flags_table, concern_reviews_table, concern_screens_table

Q1 = "2017/18 Q1"
SAFE = Quote("My social worker listens to me.", source="CP", period=Q1)
DISCLOSURE = Quote("My stepdad hits me when mum is out. I want to kill myself.", source="CP", period=Q1)
LONE = Quote("I ran away last week.", source="Missing panel", period="2017/18 Q3")


def _rows(store: Store, table) -> int:  # type: ignore[no-untyped-def]
    with store.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture
def screened(store: Store) -> Store:
    store.add_quotes([SAFE, DISCLOSURE, LONE])
    result = screen_store(store, who="importer")
    assert result.screened == 3 and set(result.flagged) == {DISCLOSURE.id, LONE.id}
    return store


@pytest.mark.both_databases
def test_a_disclosure_is_flagged_with_its_reasons_and_held(screened: Store) -> None:
    item = next(f for f in flagged_quotes(screened) if f.quote.id == DISCLOSURE.id)
    assert item.waiting and item.held and item.status == "not yet reviewed"
    assert set(item.kinds) == {"physical abuse", "self-harm or suicidal thoughts"}
    cues = {(r.kind, r.cue) for r in item.reasons}
    assert ("physical abuse", "hits me") in cues and ("self-harm or suicidal thoughts", "kill myself") in cues
    assert all(r.sentence and r.source == "rule" for r in item.reasons)
    assert screened.held_quote_ids() == {DISCLOSURE.id, LONE.id}
    assert [q.id for q in screened.quotes()] == [SAFE.id]
    assert {q.id for q in screened.quotes(include_held=True)} == {SAFE.id, DISCLOSURE.id, LONE.id}
    # a held quote's period and source give nothing away either
    assert screened.periods() == [Q1] and screened.sources() == ["CP"]
    assert "2017/18 Q3" in screened.periods(include_held=True)
    assert [a["action"] for a in screened.audit_log()][:1] == ["concern flag"]
    assert "hits" not in screened.audit_log()[0]["detail"]  # counts only, never the words


@pytest.mark.both_databases
def test_screening_again_adds_no_flag(screened: Store) -> None:
    flags, screens = _rows(screened, concern_flags_table), _rows(screened, concern_screens_table)
    assert screen_store(screened).screened == 0
    assert screen_quotes(screened, [SAFE, DISCLOSURE, LONE]).screened == 0
    screened.add_quotes([SAFE, DISCLOSURE])  # the same quotes imported again
    assert screen_store(screened).flagged == ()
    assert (_rows(screened, concern_flags_table), _rows(screened, concern_screens_table)) == (flags, screens)


@pytest.mark.both_databases
def test_a_review_returns_the_quote_and_writes_an_audit_row(screened: Store) -> None:
    review = review_flag(screened, DISCLOSURE.id, "Referred to the front door / MASH", "alice", "rang MASH")
    assert review.outcome == "referred to the front door / MASH"
    assert (review.who, review.keep_out) == ("alice", False)
    assert review.at is not None and review.id is not None
    assert DISCLOSURE.id in {q.id for q in screened.quotes()}
    assert unreviewed_concern_ids(screened) == {LONE.id}
    audit = screened.audit_log()[0]
    assert (audit["who"], audit["action"]) == ("alice", "concern review")
    assert audit["detail"] == f"{DISCLOSURE.id}: referred to the front door / MASH (with a note)"
    assert "rang MASH" not in audit["detail"]
    item = flagged_quotes(screened, DISCLOSURE.id)[0]
    assert item.review is not None and item.review.note == "rang MASH" and not item.held


@pytest.mark.both_databases
def test_keep_out_holds_for_good_and_the_newest_review_decides(screened: Store) -> None:
    review_flag(screened, LONE.id, "keep out of reports", "alice")
    assert LONE.id in screened.held_quote_ids() and LONE.id not in unreviewed_concern_ids(screened)
    review_flag(screened, LONE.id, "not a concern", "bob")
    assert LONE.id not in screened.held_quote_ids()
    review_flag(screened, LONE.id, "keep out of reports", "carol")
    assert LONE.id in screened.held_quote_ids()
    reviews = flagged_quotes(screened, LONE.id)[0].reviews
    assert [r.who for r in reviews] == ["alice", "bob", "carol"]  # every review kept, oldest first
    assert _rows(screened, concern_reviews_table) == 3
    summary = concern_summary(screened)
    assert (summary.waiting, summary.reviewed) == (1, 1)
    assert summary.oldest_days() == 0


def _all(store: Store) -> list[list[tuple]]:
    tables = (concern_screens_table, concern_flags_table, concern_reviews_table)
    with store.connect() as conn:
        return [[tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))] for t in tables]


def test_flags_and_reviews_are_append_only(screened: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every later screen and review adds rows; none stored before is changed or removed."""
    review_flag(screened, LONE.id, "not a concern", "alice")
    before = _all(screened)
    review_flag(screened, LONE.id, "keep out of reports", "bob")
    review_flag(screened, DISCLOSURE.id, "not a concern", "carol")
    monkeypatch.setattr(_flags, "detector_version", lambda: "next-version")
    screen_store(screened)
    after = _all(screened)
    for old, new in zip(before, after, strict=True):
        assert set(old) <= set(new) and len(new) > len(old)


def test_unknown_outcome_names_the_configured_ones(screened: Store) -> None:
    with pytest.raises(InputError) as info:
        review_flag(screened, DISCLOSURE.id, "fine", "alice")
    message = str(info.value)
    assert "\n" not in message and all(o in message for o in config.CONCERN_OUTCOMES)
    with pytest.raises(InputError, match="needs a note"):
        review_flag(screened, DISCLOSURE.id, "other (see note)", "alice")
    with pytest.raises(InputError, match="who reviewed"):
        review_flag(screened, DISCLOSURE.id, "not a concern", "  ")
    with pytest.raises(NotFoundError):
        review_flag(screened, SAFE.id, "not a concern", "alice")
    assert _rows(screened, concern_reviews_table) == 0


def test_outcomes_are_configurable(screened: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "CONCERN_OUTCOMES", ("Strategy discussion held", "No further action"))
    monkeypatch.setattr(config, "CONCERN_KEEP_OUT_OUTCOMES", ("Strategy discussion held",))
    review_flag(screened, DISCLOSURE.id, "strategy DISCUSSION held", "alice")
    assert DISCLOSURE.id in screened.held_quote_ids()
    with pytest.raises(InputError, match="No further action"):
        review_flag(screened, DISCLOSURE.id, "not a concern", "alice")
    monkeypatch.setenv("VOICE_SAFEGUARDING_PROCEDURE", "Follow the Leicestershire procedures.")
    assert _flags.procedure_text() == "Follow the Leicestershire procedures."


def test_a_new_detector_version_screens_again_but_a_review_stands(
    screened: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    review_flag(screened, DISCLOSURE.id, "already known to the service", "alice")
    monkeypatch.setattr(_flags, "detector_version", lambda: "next-version")
    result = screen_store(screened)
    assert result.screened == 3 and set(result.flagged) == {DISCLOSURE.id, LONE.id}
    assert screened.held_quote_ids() == {LONE.id}  # the officer read the whole quote: it stays reviewed
    assert len(flagged_quotes(screened, DISCLOSURE.id)[0].flags) == 2


def test_a_review_on_a_locked_database_stores_nothing(
    screened: Store, voice_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (_rows(screened, concern_reviews_table), len(screened.audit_log()))
    monkeypatch.setattr(config, "SQLITE_BUSY_TIMEOUT_S", 0.3)
    locked = Store(screened.url)  # a fresh engine picks up the short timeout
    lock = sqlite3.connect(voice_home / "voice.db", isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="locked"):
            review_flag(locked, DISCLOSURE.id, "not a concern", "alice")
    finally:
        lock.rollback()
        lock.close()
        locked.close()
    assert (_rows(screened, concern_reviews_table), len(screened.audit_log())) == before
