"""Safeguarding: a quote that may disclose harm is put in front of a person at once.

``detect_concerns`` flags quotes that may disclose abuse, neglect, domestic abuse, self-harm or
suicidal thoughts, exploitation and grooming, going missing, being unsafe where they live, or
severe bullying, with the reasons (which cue, which sentence). It is a flag for a named officer,
never a decision (docs/SAFEGUARDING.md). ``screen_quotes`` / ``screen_store`` run it on quotes as
they are stored and keep the flags (``voice.store``); ``review_flag`` records an officer's review.

May import: ``voice.embed``, ``voice.store``, ``voice.records``, ``voice.config``, ``voice.errors``.
"""

from ._detect import CONCERN_KINDS, Concern, ConcernCue, detect_concerns
from ._flags import (
    ScreenResult,
    concern_outcomes,
    detector_version,
    match_outcome,
    procedure_text,
    review_flag,
    screen_quotes,
    screen_store,
)

__all__ = [
    "CONCERN_KINDS",
    "Concern",
    "ConcernCue",
    "ScreenResult",
    "concern_outcomes",
    "detect_concerns",
    "detector_version",
    "match_outcome",
    "procedure_text",
    "review_flag",
    "screen_quotes",
    "screen_store",
]
