"""Text helpers of the theme steps: spaCy lemmas and terms (cached), the non-answer rule, and the
word lists that keep vague and tone words from naming a theme."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

_NLP_LOCK = threading.Lock()
_NLP: dict[str, object] = {}


def lemma_nlp():
    """spaCy's blank English pipeline with the lookup lemmatizer (spacy-lookups-data), loaded once."""
    with _NLP_LOCK:
        if "nlp" not in _NLP:
            import spacy

            nlp = spacy.blank("en")
            nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            nlp.initialize()
            _NLP["nlp"] = nlp
        return _NLP["nlp"]


_EXTRA_STOP = {"n't", "'s", "'m", "'re", "'ve", "'ll", "'d", "xx", "xxx"}


@dataclass(frozen=True)
class Terms:
    """One text's content lemmas (for embeddings) and terms (lemmas and adjacent pairs) with surfaces."""

    lemmas: tuple[str, ...]
    terms: tuple[str, ...]
    surfaces: tuple[str, ...]


_TERMS_CACHE: dict[str, Terms] = {}
_TERMS_CACHE_SIZE = 50_000


def text_terms(texts: Sequence[str]) -> list[Terms]:
    """Lemmas of the content words of each text (alphabetic, not stop words, 2+ letters).

    ``terms`` adds bigrams of two content words that stand next to each other in the text
    ("social worker", "take seriously"); ``surfaces`` holds the words as written, for labels.
    Results are kept in memory (texts repeat between steps and runs).
    """
    texts = [t or "" for t in texts]
    todo = list(dict.fromkeys(t for t in texts if t not in _TERMS_CACHE))
    if len(_TERMS_CACHE) + len(todo) > _TERMS_CACHE_SIZE:
        _TERMS_CACHE.clear()
    for text, terms in zip(todo, _parse_terms(todo), strict=True):
        _TERMS_CACHE[text] = terms
    return [_TERMS_CACHE[t] for t in texts]


def _parse_terms(texts: Sequence[str]) -> list[Terms]:
    nlp = lemma_nlp()
    stop = nlp.Defaults.stop_words
    out = []
    for doc in nlp.pipe(list(texts), batch_size=256):
        lemmas: list[str] = []
        terms: list[str] = []
        surfaces: list[str] = []
        prev: tuple[str, str] | None = None
        for tok in doc:
            lower = tok.text.lower()
            if not tok.is_alpha or tok.is_stop or len(lower) < 2 or lower in _EXTRA_STOP:
                prev = None
                continue
            lemma = (tok.lemma_ or lower).lower()
            if lemma in stop:
                prev = None
                continue
            lemmas.append(lemma)
            terms.append(lemma)
            surfaces.append(lower)
            if prev is not None:
                terms.append(f"{prev[0]} {lemma}")
                surfaces.append(f"{prev[1]} {lower}")
            prev = (lemma, lower)
        out.append(Terms(tuple(lemmas), tuple(terms), tuple(surfaces)))
    return out


_NON_ANSWER_CORE = (
    r"n/?a|na|none|nil|nothing|no|nope|not really|no comments?|no idea|idk|dunno|not sure|unsure|"
    r"not applicable|don'?t know|do not know|i don'?t know|i do not know|dont no|"
    r"can'?t think of anything|cannot think of anything|can'?t say|no answer|not known|"
    r"nothing to (?:say|add|report|comment)|no opinion|pass|same as above|as above|see above|"
    r"no response|nothing comes to mind"
)
_NON_ANSWER_FILL = (
    r"(?:really|at all|else|at the moment|right now|i can think of|to be honest|thanks|thank you)"
)
_NON_ANSWER = re.compile(rf"^(?:i )?(?:{_NON_ANSWER_CORE})(?: {_NON_ANSWER_FILL})*$")


def is_non_answer(text: str | None) -> bool:
    """True for an empty answer or one that says nothing ("don't know", "nothing", "n/a", "no comment").

    Only the whole answer counts: "Nothing, it was great" is an answer, "Nothing really." is not.
    """
    t = (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    if not re.search(r"[a-z0-9]", t):
        return True
    t = re.sub(r"[^a-z0-9'/ ]+", " ", t)
    t = re.sub(r"\s+", " ", t).strip()
    return bool(_NON_ANSWER.match(t))


VAGUE_WORDS = frozenset(
    {"think", "thing", "get", "go", "know", "say", "want", "way", "lot", "bit", "use", "make", "try", "come"}
)
"""Words too vague to name a theme alone (they still count inside pairs: "take seriously")."""


POSITIVE_TONE = frozenset(
    {
        "good", "great", "excellent", "perfect", "perfection", "brilliant", "fantastic", "amazing",
        "wonderful", "superb", "outstanding", "exceptional", "lovely", "nice", "fine", "happy",
        "pleased", "satisfied", "best", "better", "ok",
        "okay", "fab", "fabulous", "marvellous", "spot", "impressed",
    }
)  # fmt: skip
"""Words that praise without saying what about (labels lead with topic words, not these).

Thanks ("thank", "grateful") are not here: gratitude is something people tell us about."""
NEGATIVE_TONE = frozenset(
    {
        "bad", "poor", "terrible", "awful", "horrible", "worse", "worst", "disappointed",
        "disappointing", "unhappy", "dissatisfied", "appalling", "rubbish", "shocking",
    }
)  # fmt: skip
"""Words that complain without saying what about."""
TONE_WORDS = POSITIVE_TONE | NEGATIVE_TONE
