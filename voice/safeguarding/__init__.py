"""Safeguarding: a quote that may disclose harm is put in front of a person at once.

``detect_concerns`` flags quotes that may disclose abuse, neglect, domestic abuse, self-harm or
suicidal thoughts, exploitation and grooming, going missing, being unsafe where they live, or
severe bullying, with the reasons (which cue, which sentence). It is a flag for a named officer,
never a decision (docs/SAFEGUARDING.md). ``evaluate_detector`` measures it on the labelled set in
``corpus/safeguarding/`` (``voice evaluate-concerns``); ``train_head`` refits its classifier head.

May import: ``voice.embed``, ``voice.store``, ``voice.records``, ``voice.config``, ``voice.errors``.
"""

from ._detect import CONCERN_KINDS, PARTS, Concern, ConcernCue, detect_concerns
from ._evaluate import (
    LABELLED_PATH,
    LabelledQuote,
    evaluate_detector,
    load_labelled,
    metrics_json,
    train_head,
)

__all__ = [
    "CONCERN_KINDS",
    "LABELLED_PATH",
    "PARTS",
    "Concern",
    "ConcernCue",
    "LabelledQuote",
    "detect_concerns",
    "evaluate_detector",
    "load_labelled",
    "metrics_json",
    "train_head",
]
