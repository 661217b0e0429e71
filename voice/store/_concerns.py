"""Safeguarding flags and the officers' reviews of them: append-only, like tags.

Three tables (``voice.store._tables``):

* ``concern_screens``: which quote each detector version has read (flagged or not), so a quote is
  screened once per version.
* ``concern_flags``: one row per flagged quote and detector version: kinds, reasons (JSON: kind,
  cue, sentence, source), score, version, time.
* ``concern_reviews``: one row per review: outcome, whether it keeps the quote out of reports,
  who, when, an optional note. The newest review decides; earlier ones stay.

A quote is *held* (left out of themes, counts, charts, the appendix and every export:
``Store.quotes``) while it has a flag and no review, and for good when its newest review keeps
it out. A review covers the quote, not one flag: the officer has read the whole quote, so a later
detector version flagging the same words again does not put it back in the queue.
Every write is one ``Store.transaction()`` with its audit row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import insert, select

from voice.errors import InputError, NotFoundError
from voice.records import Quote
from voice.store._store import (
    BATCH_ROWS,
    Store,
    _chunks,
    _insert_if_new,
    _now,
    _row_to_quote,
    _utc,
)
from voice.store._tables import (
    concern_flags_table,
    concern_reviews_table,
    concern_screens_table,
    quotes_table,
)


@dataclass(frozen=True)
class ConcernReason:
    """One reason a quote was flagged: the kind of harm, the cue, the sentence it was found in."""

    kind: str
    cue: str
    sentence: str
    source: str = "rule"


@dataclass(frozen=True)
class ConcernFlag:
    """A detector's flag on one quote."""

    quote_id: str
    kinds: tuple[str, ...]
    reasons: tuple[ConcernReason, ...]
    score: float | None
    detector_version: str
    at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class ConcernReview:
    """An officer's review of a flagged quote; ``keep_out`` keeps it out of reports for good."""

    quote_id: str
    outcome: str
    who: str
    keep_out: bool = False
    note: str | None = None
    at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class FlaggedQuote:
    """A flagged quote with every flag and review, oldest first."""

    quote: Quote
    flags: tuple[ConcernFlag, ...]
    reviews: tuple[ConcernReview, ...] = ()

    @property
    def review(self) -> ConcernReview | None:
        """The newest review (the one that decides), or None."""
        return self.reviews[-1] if self.reviews else None

    @property
    def waiting(self) -> bool:
        """True while no officer has reviewed it."""
        return not self.reviews

    @property
    def held(self) -> bool:
        """True while it is left out of themes, counts and reports."""
        return self.review is None or self.review.keep_out

    @property
    def status(self) -> str:
        """``not yet reviewed``, or the newest review's outcome."""
        return "not yet reviewed" if self.review is None else self.review.outcome

    @property
    def flagged_at(self) -> datetime | None:
        """When it was first flagged."""
        return self.flags[0].at if self.flags else None

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every kind of harm any flag named, without repeats."""
        return tuple(dict.fromkeys(k for f in self.flags for k in f.kinds))

    @property
    def reasons(self) -> tuple[ConcernReason, ...]:
        """Every reason any flag gave, without repeats."""
        return tuple(dict.fromkeys(r for f in self.flags for r in f.reasons))


@dataclass(frozen=True)
class ConcernSummary:
    """How many flagged quotes wait for a review, since when, and how many were reviewed."""

    waiting: int
    oldest_waiting_at: datetime | None
    reviewed: int

    def oldest_days(self, now: datetime | None = None) -> int | None:
        """Whole days the oldest waiting flag has waited (None when none waits)."""
        if self.oldest_waiting_at is None:
            return None
        return ((now or datetime.now(UTC)) - self.oldest_waiting_at).days


def _reasons_json(reasons: Sequence[ConcernReason]) -> str:
    return json.dumps(
        [{"kind": r.kind, "cue": r.cue, "sentence": r.sentence, "source": r.source} for r in reasons]
    )


def _row_to_flag(row) -> ConcernFlag:
    m = row._mapping
    reasons = tuple(
        ConcernReason(r.get("kind", ""), r.get("cue", ""), r.get("sentence", ""), r.get("source", "rule"))
        for r in json.loads(m["reasons"] or "[]")
    )
    return ConcernFlag(
        quote_id=m["quote_id"],
        kinds=tuple(json.loads(m["kinds"] or "[]")),
        reasons=reasons,
        score=m["score"],
        detector_version=m["detector_version"],
        at=_utc(m["at"]),
        id=m["id"],
    )


def _row_to_review(row) -> ConcernReview:
    m = row._mapping
    return ConcernReview(
        quote_id=m["quote_id"],
        outcome=m["outcome"],
        who=m["who"],
        keep_out=bool(m["keep_out"]),
        note=m["note"],
        at=_utc(m["at"]),
        id=m["id"],
    )


# -- screening -----------------------------------------------------------------------------


def unscreened_quotes(store: Store, detector_version: str, ids: Iterable[str] | None = None) -> list[Quote]:
    """Stored quotes (held ones too) this detector version has not read yet, optionally among ``ids``."""
    screened = select(concern_screens_table.c.quote_id).where(
        concern_screens_table.c.detector_version == detector_version
    )
    base = select(quotes_table).where(quotes_table.c.id.not_in(screened)).order_by(quotes_table.c.id)
    with store.connect() as conn:
        if ids is None:
            return [_row_to_quote(r) for r in conn.execute(base)]
        out: list[Quote] = []
        for chunk in _chunks(list(dict.fromkeys(ids)), BATCH_ROWS):
            out += [_row_to_quote(r) for r in conn.execute(base.where(quotes_table.c.id.in_(chunk)))]
        return out


def record_screening(
    store: Store,
    quote_ids: Sequence[str],
    flags: Sequence[ConcernFlag],
    detector_version: str,
    who: str = "system",
) -> int:
    """Store that ``detector_version`` read ``quote_ids`` and the flags it raised, in one transaction.

    A flag already stored for the same quote and version is skipped (screening twice adds
    nothing). Returns how many flags were added; when any, an audit row says how many (no text).
    """
    at = _now()
    screens = [
        {"quote_id": q, "detector_version": detector_version, "at": at} for q in dict.fromkeys(quote_ids)
    ]
    rows = [
        {
            "quote_id": f.quote_id,
            "kinds": json.dumps(list(f.kinds)),
            "reasons": _reasons_json(f.reasons),
            "score": f.score,
            "detector_version": detector_version,
            "at": f.at or at,
        }
        for f in flags
    ]
    added = 0
    with store.transaction() as conn:
        for chunk in _chunks(screens, BATCH_ROWS):
            conn.execute(_insert_if_new(conn, concern_screens_table), chunk)
        for row in rows:
            added += conn.execute(_insert_if_new(conn, concern_flags_table), [row]).rowcount or 0
        if added:
            store.audit(
                who,
                "concern flag",
                f"{added} of {len(screens)} quotes flagged for a safeguarding review ({detector_version})",
                conn=conn,
            )
    return added


# -- reviews -------------------------------------------------------------------------------


def add_concern_review(store: Store, review: ConcernReview) -> ConcernReview:
    """Append an officer's review of a flagged quote, with its audit row, in one transaction.

    Raises:
        InputError: no name (who) or no outcome.
        NotFoundError: the quote has no flag (a KeyError).
    """
    who, outcome = (review.who or "").strip(), (review.outcome or "").strip()
    if not who:
        raise InputError("say who reviewed the flag (--by NAME)")
    if not outcome:
        raise InputError("give the outcome of the review")
    at = review.at or _now()
    note = (review.note or "").strip() or None
    row = {
        "quote_id": review.quote_id,
        "outcome": outcome,
        "keep_out": review.keep_out,
        "who": who,
        "at": at,
        "note": note,
    }
    with store.transaction() as conn:
        flagged = conn.scalar(
            select(concern_flags_table.c.id).where(concern_flags_table.c.quote_id == review.quote_id).limit(1)
        )
        if flagged is None:
            raise NotFoundError(f"quote {review.quote_id!r} has no safeguarding flag (see `voice concerns`)")
        result = conn.execute(insert(concern_reviews_table), [row])
        noted = " (with a note)" if note else ""
        store.audit(who, "concern review", f"{review.quote_id}: {outcome}{noted}", conn=conn)
    new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
    return replace(review, who=who, outcome=outcome, note=note, at=at, id=new_id)


# -- reading -------------------------------------------------------------------------------


def flagged_quotes(store: Store, quote_id: str | None = None) -> list[FlaggedQuote]:
    """Every flagged quote (or one) with its flags and reviews: waiting ones first, oldest flag first."""
    flags_stmt = select(concern_flags_table).order_by(concern_flags_table.c.id)
    reviews_stmt = select(concern_reviews_table).order_by(concern_reviews_table.c.id)
    if quote_id is not None:
        flags_stmt = flags_stmt.where(concern_flags_table.c.quote_id == quote_id)
        reviews_stmt = reviews_stmt.where(concern_reviews_table.c.quote_id == quote_id)
    with store.connect() as conn:
        flags = [_row_to_flag(r) for r in conn.execute(flags_stmt)]
        reviews = [_row_to_review(r) for r in conn.execute(reviews_stmt)]
        quotes: dict[str, Quote] = {}
        for chunk in _chunks(list({f.quote_id: None for f in flags}), BATCH_ROWS):
            rows = conn.execute(select(quotes_table).where(quotes_table.c.id.in_(chunk)))
            quotes.update({r.id: _row_to_quote(r) for r in rows})
    by_quote: dict[str, list[ConcernFlag]] = {}
    for f in flags:
        by_quote.setdefault(f.quote_id, []).append(f)
    reviewed: dict[str, list[ConcernReview]] = {}
    for r in reviews:
        reviewed.setdefault(r.quote_id, []).append(r)
    out = [
        FlaggedQuote(quotes[qid], tuple(fs), tuple(reviewed.get(qid, ())))
        for qid, fs in by_quote.items()
        if qid in quotes
    ]
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(out, key=lambda f: (not f.waiting, f.flagged_at or epoch, f.quote.id))


def unreviewed_concern_ids(store: Store) -> set[str]:
    """Ids of the flagged quotes no officer has reviewed yet."""
    reviewed = select(concern_reviews_table.c.quote_id)
    stmt = select(concern_flags_table.c.quote_id).where(concern_flags_table.c.quote_id.not_in(reviewed))
    with store.connect() as conn:
        return set(conn.scalars(stmt.distinct()))


def concern_summary(store: Store) -> ConcernSummary:
    """How many flagged quotes wait for a review, when the oldest was flagged, how many were reviewed."""
    items = flagged_quotes(store)
    waiting = [f for f in items if f.waiting]
    times = [f.flagged_at for f in waiting if f.flagged_at is not None]
    return ConcernSummary(len(waiting), min(times) if times else None, len(items) - len(waiting))
