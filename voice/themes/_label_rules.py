"""What a theme label a councillor reads must not be: the rules the label audit and tests check.

:func:`label_problems` names what is wrong with one label among a result's labels: a bare verb
phrase without a subject noun ("offer the support"), a generic praise or complaint bucket
("good", "great service", "positive feedback"), a "word / word" keyword pair, a placeholder
("(no keywords)", "mixed answers", "theme 3"), a word that identifies someone in the theme's
quotes, the same label as another theme's, fewer than 2 or more than 6 words, or a bracket left
from a publisher's edit ("T]o support care"), a dash between words ("particular - service") or a
last word that leaves the phrase cut off ("everything is fine i").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from voice.themes._label import _stem
from voice.themes._text import TONE_WORDS

__all__ = ["LABEL_PROBLEMS", "MAX_LABEL_WORDS", "MIN_LABEL_WORDS", "label_problems"]

MIN_LABEL_WORDS, MAX_LABEL_WORDS = 2, 6
LABEL_PROBLEMS = (
    "verb phrase",
    "generic",
    "word / word",
    "placeholder",
    "name",
    "repeated",
    "length",
    "broken",
)
"""The kinds :func:`label_problems` reports, in this order."""

GENERIC_WORDS = frozenset(
    {
        "praise", "positive", "negative", "feedback", "comment", "comments", "complaint", "complaints",
        "general", "service", "services", "experience", "thanks", "thank", "overall", "everything",
        "things", "thing", "stuff", "people", "support", "help", "ok", "okay", "fine", "nice",
        "lovely", "happy", "unhappy", "well", "really", "very", "so", "all", "the", "a", "an", "and",
        "friendly", "polite", "professional", "caring", "kind", "helpful", "unhelpful", "rude",
        "efficient", "courteous", "respectful", "supportive", "quick", "always", "calming", "prompt",
        "pleasant", "reassuring", "welcoming", "attentive", "patient", "great", "good", "important",
        "nothing", "particular",
    }
)  # fmt: skip
"""With the tone words: a label made only of these is a praise or complaint bucket."""
_PLACEHOLDER = re.compile(r"^(\(no keywords\)|mixed answers|other|misc\w*|unlabell?ed|theme \d+|topic \d+)$")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr"})
_VERB_TAGS = frozenset({"VB", "VBP", "VBZ", "VBD", "VBN", "MD"})
_DANGLING = frozenset({"i", "a", "an", "the", "and", "or", "but", "of", "my", "your", "is", "are", "was"})
"""Words a phrase cannot end on: a label ending so was cut from a sentence ("everything is fine i")."""


def _words(label: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(label)]


def _verb_led(label: str) -> bool:
    """Whether the label is a verb phrase without a subject: its first word, parsed on its own,
    is a verb that is not a gerund ("offer the support", "takes me seriously", "moved
    placements"; "being listened to" and "contact with my mum" name a topic)."""
    from voice.themes._phrase import phrase_parser

    nlp = phrase_parser()
    if nlp is None:
        return False
    doc = nlp(label.strip())
    if len([t for t in doc if not t.is_punct]) < 2:
        return False  # one word ("care") is a noun as often as a verb; the length rule covers it
    return doc[0].pos_ in ("VERB", "AUX") and doc[0].tag_ in _VERB_TAGS


def label_problems(
    label: str, others: Sequence[str] = (), identifiers: Collection[str] = (), *, parse: bool = True
) -> list[str]:
    """What is wrong with ``label`` (kinds of :data:`LABEL_PROBLEMS`; empty: nothing).

    Args:
        label: a theme's label.
        others: the labels of the result's other themes.
        identifiers: lower-case words and phrases that identify someone in the theme's quotes
            (:func:`voice.privacy.identifier_words`).
        parse: check for a bare verb phrase with spaCy's parser (when it is installed).
    """
    out: list[str] = []
    words = _words(label)
    low = " ".join(words)
    if parse and words and _verb_led(label):
        out.append("verb phrase")
    if words and all(w in TONE_WORDS or w in GENERIC_WORDS for w in words):
        out.append("generic")
    if "/" in label:
        out.append("word / word")
    if not words or _PLACEHOLDER.match(label.strip().lower()) or "no keywords" in low:
        out.append("placeholder")
    hidden = {i.lower() for i in identifiers}
    if any(w in hidden or w in _TITLES for w in words) or any(
        f" {i} " in f" {low} " for i in hidden if " " in i
    ):
        out.append("name")
    key = " ".join(_stem(w) for w in words if w not in ("my", "the", "a", "an"))
    if key and any(
        " ".join(_stem(w) for w in _words(o) if w not in ("my", "the", "a", "an")) == key for o in others
    ):
        out.append("repeated")
    if not MIN_LABEL_WORDS <= len(words) <= MAX_LABEL_WORDS:
        out.append("length")
    if re.search(r"[\[\]{}<>|\\]|\s[-–—]\s", label) or (len(words) > 1 and words[-1] in _DANGLING):
        out.append("broken")  # a publisher's edit cut in half: "T]o support care"
    return out
