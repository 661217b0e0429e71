"""The concern detector (interface; a first rule set to be replaced by the measured detector)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

CONCERN_KINDS: tuple[str, ...] = (
    "physical abuse",
    "sexual abuse",
    "emotional abuse",
    "neglect",
    "domestic abuse",
    "self-harm or suicidal thoughts",
    "exploitation or grooming",
    "going missing",
    "unsafe where they live",
    "severe bullying",
)
"""The kinds of harm a flag names (Working Together to Safeguard Children's categories, widened)."""


@dataclass(frozen=True)
class ConcernCue:
    """One reason for a flag: the kind of harm, what matched, and the sentence it matched in."""

    kind: str
    cue: str
    sentence: str
    source: str = "rule"
    """``rule`` (lexicon), ``similar`` (near a curated example disclosure) or ``classifier``."""


@dataclass(frozen=True)
class Concern:
    """A quote that may disclose harm: every cue found, and a score in 0-1 (higher: more likely)."""

    cues: tuple[ConcernCue, ...]
    score: float

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of harm named by the cues, without repeats, in cue order."""
        return tuple(dict.fromkeys(c.kind for c in self.cues))

    @property
    def reasons(self) -> str:
        """The cues in one line: ``self-harm or suicidal thoughts: "want to die" in "…"``."""
        return "; ".join(f'{c.kind}: "{c.cue}" in "{c.sentence}"' for c in self.cues)


_FIRST_RULES: tuple[tuple[str, str], ...] = (
    (
        "self-harm or suicidal thoughts",
        r"\b(kill myself|want(ed)? to die|hurt(ing)? myself|cut(ting)? myself)\b",
    ),
    ("physical abuse", r"\b(hits|hit me|beats|beat me|kicks me)\b"),
    ("sexual abuse", r"\btouch(es|ed)? me\b"),
    ("exploitation or grooming", r"\b(keep (it|this) (a )?secret|sends? me (photos|pictures))\b"),
    ("going missing", r"\b(ran away|run away|went missing)\b"),
)


def detect_concerns(texts: Sequence[str]) -> list[Concern | None]:
    """One result per text: a ``Concern`` when it may disclose harm, else None."""
    out: list[Concern | None] = []
    for text in texts:
        cues = []
        for kind, pattern in _FIRST_RULES:
            m = re.search(pattern, text, flags=re.IGNORECASE)
            if m:
                cues.append(ConcernCue(kind, m.group(0), text.strip()))
        out.append(Concern(tuple(cues), 1.0) if cues else None)
    return out
