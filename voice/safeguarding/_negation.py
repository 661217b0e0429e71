"""Sentences, negation, hypotheticals and resolved past harm.

A cue is dropped when the words just before it in its clause deny it ("nobody hurts me", "I
don't feel unsafe"), when it is only feared for the future ("I'm worried someone will bully
me"), or when the quote says the harm is over and the child is safe now ("the bullying stopped
after she helped", "now we're safe"). Self-harm and suicidal thoughts are never dropped as
resolved or hypothetical: a past or feared mention still goes to a person (recall first).
"""

from __future__ import annotations

import re

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_CLAUSE_BREAK = re.compile(
    r"[,;:()\-–—]|\b(?:but|and|because|cos|so|that|when|while|though|although|if|or|then|since|which|who)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|never|no|nobody|noone|no-one|none|nothing|n'?t|don'?t|doesn'?t|didn'?t|isn'?t|wasn'?t|"
    r"won'?t|hasn'?t|haven'?t|aren'?t|weren'?t|dont|doesnt|didnt|isnt|wasnt|no longer|stopped)\b|n't\b",
    re.IGNORECASE,
)
_NEGATION_AFTER = re.compile(r"^\W*(?:any ?more|no more|no longer)\b", re.IGNORECASE)
_HYPOTHETICAL = re.compile(
    r"\b(?:will|might|may|going to|gonna|worried (?:that|about)|afraid that|scared that|in case|what if|"
    r"if (?:he|she|they|someone|anyone))\b",
    re.IGNORECASE,
)
_RESOLVED = re.compile(
    r"\b(?:now (?:we'?re|we are|i'?m|i am|i feel|it'?s|it is|things are|everything is|i have|i'?ve got)?\s*"
    r"(?:safe|fine|ok|okay|better|happy|sorted|good|great|loads of friends)|(?:it |that |the \w+ )?"
    r"(?:stopped|has stopped|have stopped|got sorted|was sorted|sorted it|is over|are over|over now)|"
    r"(?:doesn'?t|don'?t|didn'?t) (?:any ?more|anymore)|not any ?more|no longer|(?:much |a lot )?better now|"
    r"until i went into (?:care|foster care)|(?:i|we) (?:moved|went) (?:into care|into foster care|away|out)|"
    r"(?:safe|safer|happy|happier|settled|healthier) now|things are (?:much |a lot )?better|"
    r"but now i|now i (?:see|know|go|eat|leave|live))",
    re.IGNORECASE,
)
_ONGOING = re.compile(
    r"\b(?:am|is|are|still|keeps?|every (?:day|night|time|week)|at the moment|right now|again)\b",
    re.IGNORECASE,
)
_WINDOW_WORDS = 6


def sentences(text: str) -> list[str]:
    """The sentences of a quote, stripped, in order (a quote without full stops is one sentence)."""
    found = [m.group(0).strip() for m in _SENTENCE.finditer(text or "")]
    return [s for s in found if any(ch.isalnum() for ch in s)]


def _clause_before(sentence: str, start: int) -> str:
    """The words of the clause that lead up to ``start`` (at most a few words)."""
    before = sentence[:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    return " ".join(before.split()[-_WINDOW_WORDS:])


_PREVENTED = re.compile(r"\b(?:stopped|stops|stop|kept|keeps|saved|prevented)\s+(?:\w+\s+){1,3}?from\b", re.I)
""""Childline stopped me from taking my own life": the harm was near, not denied (detect-4)."""


def negated(sentence: str, start: int, end: int) -> bool:
    """Whether the match at ``sentence[start:end]`` is denied by the words around it."""
    if _NEGATION.search(_PREVENTED.sub(" ", _clause_before(sentence, start))):
        return True
    if _NEGATION.search(sentence[start:end]):  # "don't want to live anymore": the cue is a negation
        return False
    return bool(_NEGATION_AFTER.search(sentence[end:]))


def hypothetical(sentence: str, start: int) -> bool:
    """Whether the match is only feared or imagined ("someone will bully me")."""
    return bool(_HYPOTHETICAL.search(_clause_before(sentence, start)))


def resolution(text: str) -> str | None:
    """The words that say the harm is over and the child is safe now, if the quote has them."""
    m = _RESOLVED.search(text or "")
    return m.group(0) if m else None


def ongoing(sentence: str) -> bool:
    """Whether the sentence speaks of something still happening, leaving out resolution words."""
    return bool(_ONGOING.search(_RESOLVED.sub(" ", sentence)))
