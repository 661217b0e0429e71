"""What redaction finds and returns: the kinds of identifier and their markers, one found
identifier, a redacted text.

May import: nothing of Voice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

MARKERS: dict[str, str] = {
    "name": "[name]",
    "staff": "[staff name]",
    "school": "[school]",
    "place": "[place]",
    "address": "[address]",
    "phone": "[phone]",
    "email": "[email]",
    "dob": "[date of birth]",
    "age": "[age]",
    "nhs": "[NHS number]",
    "ni": "[NI number]",
}
"""Each kind of identifier and the marker that replaces it."""

KINDS: tuple[str, ...] = tuple(MARKERS)

_WORD_KINDS = frozenset({"name", "staff", "place", "school"})

_PRIORITY = {
    "nhs": 11,
    "ni": 10,
    "email": 9,
    "phone": 8,
    "dob": 7,
    "address": 6,
    "school": 5,
    "staff": 4,
    "place": 3,
    "name": 2,
    "age": 1,
}


class RedactedSpan(NamedTuple):
    """One identifier found: character offsets in the original text, its kind, its text."""

    start: int
    end: int
    kind: str
    original: str


@dataclass(frozen=True)
class Redaction:
    """A redacted text and what was taken out of it.

    Attributes:
        text: the text with every identifier replaced by its marker.
        spans: the identifiers, offsets into ``original``, in order.
        original: the text as given (only officers may see it).
    """

    text: str
    spans: list[RedactedSpan] = field(default_factory=list)
    original: str = ""

    @property
    def changed(self) -> bool:
        """True when anything was redacted."""
        return bool(self.spans)


class _Find(NamedTuple):
    start: int
    end: int
    kind: str
    rank: int = 2
    """How much the kind is trusted: 2 rules and lists, 1 spaCy NER, 0 the unknown-word guess."""
