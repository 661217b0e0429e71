"""Screening quotes as they arrive, and an officer's review of a flag (docs/SAFEGUARDING.md).

Every path that stores quotes calls :func:`screen_quotes` (or :func:`screen_store`) right after:
each quote is read once per detector version, and a quote that may disclose harm gets a flag
that holds it out of every theme, count, export and report until an officer has reviewed it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from voice import config
from voice.embed import Embedder
from voice.errors import InputError, NotFoundError
from voice.records import Quote
from voice.safeguarding import _detect
from voice.safeguarding._detect import detect_concerns
from voice.store import (
    ConcernFlag,
    ConcernReason,
    ConcernReview,
    Store,
    add_concern_review,
    flagged_quotes,
    record_screening,
    unscreened_quotes,
)


@lru_cache(maxsize=1)
def detector_version() -> str:
    """The detector's ``DETECTOR_VERSION`` when it names one, else a digest of its source file.

    A new version screens every stored quote again (a review already made still stands).
    """
    named = getattr(_detect, "DETECTOR_VERSION", None)
    if named:
        return str(named)
    digest = hashlib.sha256(Path(_detect.__file__).read_bytes()).hexdigest()[:12]
    return f"detect-{digest}"


@dataclass(frozen=True)
class ScreenResult:
    """What one screening did: quotes read, and the ids of the quotes newly flagged."""

    screened: int
    flagged: tuple[str, ...]


def too_big_to_read_fully(quotes: Sequence[Quote]) -> bool:
    """True when running the embedding parts on ``quotes`` now would take minutes
    (``config.SCREEN_FULLY_MAX_QUOTES`` / ``SCREEN_FULLY_MAX_CHARS``): the rules read them at
    once, and ``voice concerns`` (or the app) reads them with every part afterwards."""
    chars = sum(len(q.text) for q in quotes)
    return len(quotes) > config.SCREEN_FULLY_MAX_QUOTES or chars > config.SCREEN_FULLY_MAX_CHARS


def screening_version(embedder: Embedder | None = None) -> str:
    """The version a screening records: the detector's, marked when its embedding parts ran.

    Quotes stored are screened at once by the rules (fast, no model); a screening with the
    embedder (``voice classify``, ``voice concerns``, the app) reads them again with every part.
    """
    return f"{detector_version()}+embeddings" if embedder is not None else detector_version()


def _screen(store: Store, todo: Sequence[Quote], who: str, embedder: Embedder | None = None) -> ScreenResult:
    if not todo:
        return ScreenResult(0, ())
    version = screening_version(embedder)
    flags = [
        ConcernFlag(
            quote_id=q.id,
            kinds=c.kinds,
            reasons=tuple(ConcernReason(x.kind, x.cue, x.sentence, x.source) for x in c.cues),
            score=c.score,
            detector_version=version,
        )
        for q, c in zip(todo, detect_concerns([q.text for q in todo], embedder=embedder), strict=True)
        if c is not None
    ]
    record_screening(store, [q.id for q in todo], flags, version, who=who)
    return ScreenResult(len(todo), tuple(f.quote_id for f in flags))


def screen_quotes(
    store: Store, quotes: Sequence[Quote], who: str = "system", embedder: Embedder | None = None
) -> ScreenResult:
    """Screen these stored quotes (those this detector version has not read yet) and store flags."""
    todo = unscreened_quotes(store, screening_version(embedder), [q.id for q in quotes])
    return _screen(store, todo, who, embedder)


def screen_store(store: Store, who: str = "system", embedder: Embedder | None = None) -> ScreenResult:
    """Screen every stored quote this detector version has not read yet, and store flags."""
    return _screen(store, unscreened_quotes(store, screening_version(embedder)), who, embedder)


def concern_outcomes() -> tuple[str, ...]:
    """The outcomes an officer may record (``config.CONCERN_OUTCOMES``)."""
    return config.CONCERN_OUTCOMES


def match_outcome(text: str) -> str:
    """The configured outcome ``text`` names (case and spacing ignored).

    Raises:
        InputError: it names none; the message lists them.
    """
    wanted = " ".join((text or "").split()).lower()
    for outcome in concern_outcomes():
        if outcome.lower() == wanted:
            return outcome
    listed = "; ".join(f'"{o}"' for o in concern_outcomes())
    raise InputError(f"unknown outcome {text!r}: use one of {listed}")


def review_flag(
    store: Store, quote_id: str, outcome: str, who: str, note: str | None = None
) -> ConcernReview:
    """Record an officer's review of a flagged quote (and its audit row) in one transaction.

    After an outcome in ``config.CONCERN_KEEP_OUT_OUTCOMES`` the quote stays out of every
    report; after any other it returns to themes, counts and reports.

    Raises:
        InputError: unknown outcome, no name, or no note where the outcome needs one.
        NotFoundError: the quote has no flag.
    """
    chosen = match_outcome(outcome)
    if chosen in config.CONCERN_NOTE_REQUIRED and not (note or "").strip():
        raise InputError(f'the outcome "{chosen}" needs a note saying what was done (--note TEXT)')
    if not flagged_quotes(store, quote_id):
        raise NotFoundError(f"quote {quote_id!r} has no safeguarding flag (see `voice concerns`)")
    keep_out = chosen in config.CONCERN_KEEP_OUT_OUTCOMES
    return add_concern_review(store, ConcernReview(quote_id, chosen, who, keep_out=keep_out, note=note))


def procedure_text() -> str:
    """The local procedure's wording, shown beside every flag."""
    return config.safeguarding_procedure()
