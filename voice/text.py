"""Text helpers shared by the classifier and the theme engine.

May import: ``voice.config``, ``voice.records`` (it needs neither today).
"""

from __future__ import annotations

import re

__all__ = ["split_sentences"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def split_sentences(text: str) -> list[str]:
    """Split a quote into sentences (simple punctuation rule, good enough for short quotes)."""
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]
