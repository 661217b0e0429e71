"""Safeguarding: a quote that may disclose harm is put in front of a person at once.

``detect_concerns`` flags quotes that may disclose abuse, neglect, domestic abuse, self-harm or
suicidal thoughts, exploitation and grooming, going missing, being unsafe where they live, or
severe bullying, with the reasons (which cue, which sentence). It is a flag for a named officer,
never a decision (docs/SAFEGUARDING.md). ``screen_quotes`` / ``screen_store`` run it on quotes as
they are stored and keep the flags (``voice.store``); ``review_flag`` records an officer's review.
``evaluate_detector`` measures it on the labelled set in ``corpus/safeguarding/`` (``voice
evaluate-concerns``); ``train_head`` refits its classifier head.

May import: ``voice.embed``, ``voice.store``, ``voice.records``, ``voice.config``, ``voice.errors``.
"""

from ._cv import train_head
from ._detect import CONCERN_KINDS, PARTS, Concern, ConcernCue, detect_concerns
from ._evaluate import (
    LABELLED_PATH,
    LabelledQuote,
    evaluate_detector,
    load_labelled,
    metrics_json,
)
from ._flags import (
    ScreenResult,
    concern_outcomes,
    detector_version,
    match_outcome,
    procedure_text,
    review_flag,
    screen_quotes,
    screen_store,
    screening_version,
    too_big_to_read_fully,
)

__all__ = [
    "CONCERN_KINDS",
    "LABELLED_PATH",
    "PARTS",
    "Concern",
    "ConcernCue",
    "LabelledQuote",
    "ScreenResult",
    "concern_outcomes",
    "detect_concerns",
    "detector_version",
    "evaluate_detector",
    "load_labelled",
    "match_outcome",
    "metrics_json",
    "procedure_text",
    "review_flag",
    "screen_quotes",
    "screen_store",
    "screening_version",
    "too_big_to_read_fully",
    "train_head",
]
