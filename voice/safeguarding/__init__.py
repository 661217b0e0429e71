"""Safeguarding: a quote that may disclose harm is put in front of a person at once.

``detect_concerns`` flags quotes that may disclose abuse, neglect, domestic abuse, self-harm or
suicidal thoughts, exploitation and grooming, going missing, being unsafe where they live, or
severe bullying, with the reasons (which cue, which sentence). It is a flag for a named officer,
never a decision (docs/SAFEGUARDING.md).

May import: ``voice.embed``, ``voice.store``, ``voice.records``, ``voice.config``, ``voice.errors``.
"""

from ._detect import CONCERN_KINDS, Concern, ConcernCue, detect_concerns

__all__ = ["CONCERN_KINDS", "Concern", "ConcernCue", "detect_concerns"]
