"""The rule part of the detector: lexicon matches that survive negation, hypotheticals,
resolved past harm, everyday hurts, general talk and figures of speech."""

from __future__ import annotations

from dataclasses import dataclass

from ._lexicon import EDUCATION, EVERYDAY, EVERYDAY_KINDS, FIGURES, RULES, SELF_HARM
from ._lexicon3 import WIDER_RULES
from ._negation import hypothetical, negated, ongoing, resolution, sentences

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
"""Typographic apostrophes are matched as plain ones ("I\u2019m" as "I'm"), one character for
one, so a cue and its sentence are still quoted in the child's own characters."""


@dataclass(frozen=True)
class RuleHit:
    """One surviving lexicon match: kind, the words matched, the sentence, the rule's strength."""

    kind: str
    cue: str
    sentence: str
    strength: float


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def rule_hits(text: str) -> list[RuleHit]:
    """Every lexicon match in ``text`` that is not denied, imagined, resolved or everyday."""
    plain = (text or "").translate(_QUOTES)
    resolved = resolution(plain)
    hits: list[RuleHit] = []
    seen: set[tuple[str, str]] = set()
    for said, sentence in zip(sentences(text or ""), sentences(plain), strict=True):
        everyday = bool(EVERYDAY.search(sentence))
        general = bool(EDUCATION.search(sentence))
        figures = [m.span() for m in FIGURES.finditer(sentence)]
        for rule in RULES + WIDER_RULES:
            if rule.unless is not None and rule.unless.search(sentence):
                continue
            for m in rule.pattern.finditer(sentence):
                if any(_overlaps(m.span(), f) for f in figures):
                    continue
                if negated(sentence, m.start(), m.end()):
                    continue
                if rule.kind != SELF_HARM:
                    if hypothetical(sentence, m.start()):
                        continue
                    if resolved and not ongoing(sentence):
                        continue
                    if everyday and rule.kind in EVERYDAY_KINDS:
                        continue
                if rule.generic and general:
                    continue
                key = (rule.kind, sentence)
                if key in seen:
                    continue
                seen.add(key)
                hits.append(RuleHit(rule.kind, said[m.start() : m.end()], said, rule.strength))
    return hits
