"""The vocabulary of Voice: frozen dataclasses shared by every room.

Nothing here touches a database, a model or a file: these are plain values that
readers produce, the store persists and the app shows.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

LABELS: tuple[str, ...] = ("good", "not_so_good", "unsure")
"""The three classes, in the fixed order used by every model (alphabetical)."""

LABEL_HEADINGS: dict[str, str] = {
    "good": "What's good?",
    "unsure": "Don't know",
    "not_so_good": "What's not so good?",
}
"""How the seed appendix names each class."""

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while a long step (embedding, training, proposing) runs."""

HUMAN = "human"
MODEL = "model"
UNDO = "undo"
"""Origin of a row that withdraws the newest standing human tag (see voice.store.current_tags)."""
OTHER_THEME = "other"
"""The theme of a quote that fits no theme (saved assignments and built themes alike)."""


def normalise_text(text: str) -> str:
    """Normalise a quote for identity: NFKC, straight quotes, collapsed spaces, lower case."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def quote_id(text: str, source: str | None, period: str | None) -> str:
    """A stable id: the hash of normalised text + source + period (16 hex digits)."""
    key = "\x1f".join([normalise_text(text), (source or "").strip().lower(), (period or "").strip()])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Quote:
    """One thing a child, young person or family member said."""

    text: str
    source: str | None = None
    period: str | None = None
    gender: str | None = None
    age: int | None = None
    speaker: str | None = None
    question: str | None = None
    collected_on: date | None = None
    imported_from: str | None = None
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", quote_id(self.text, self.source, self.period))

    @property
    def attribution(self) -> str:
        """The seed's attribution style: "Female, 15"; the speaker text when no gender/age."""
        parts = [p for p in (self.gender, str(self.age) if self.age is not None else None) if p]
        return ", ".join(parts) if parts else (self.speaker or "")


@dataclass(frozen=True)
class Tag:
    """One label given to a quote, by a person or a model. Tags are never edited, only added."""

    quote_id: str
    label: str
    who: str
    origin: str = HUMAN
    at: datetime | None = None
    model_version: str | None = None
    probability: float | None = None
    note: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Note:
    """A service-development note ("you said, we did"): from a dashboard's "voice influencing
    services" section or written by an officer, optionally linked to a saved theme.

    ``id``, ``who`` and ``at`` are the store's (the latest version's author and time).
    """

    text: str
    heading: str | None
    period: str | None
    source_document: str | None
    theme_id: str | None = None
    id: int | None = None
    who: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class Indicator:
    """One dashboard indicator for one period: a row of the canonical indicator table.

    ``value`` is the number (29.4 for ``29.4% (50)``), ``value_text`` the text as written,
    ``count`` the bracketed count. Missing is ``None``, never 0.
    """

    indicator: str
    period: str | None = None
    key: str = ""
    outcome_area: str | None = None
    section: str | None = None
    period_label: str | None = None
    value: float | None = None
    unit: str | None = None
    value_text: str | None = None
    count: float | None = None
    denominator: float | None = None
    previous_value: float | None = None
    previous_period: str | None = None
    direction: str | None = None
    polarity: str | None = None
    rag: str | None = None
    national_quartile: int | None = None
    sn_average: float | None = None
    target: str | None = None
    note: str | None = None
    source_document: str | None = None
    line_no: int | None = None
    raw: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)
