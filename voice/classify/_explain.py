"""Why the classifier proposed a label, in terms a person can follow.

Three kinds of reason, each given only when it says something:

* the sentence that drove the proposal (a quote of two or more sentences: each is classified
  alone, and the one most sure of the proposed label is cited; a "don't know" quote whose
  sentences praise and complain at once is named as mixed, with one sentence of each);
* the nearest quotes people already tagged ("like: 'Nobody told me…' — you tagged this not so
  good"), when the caller passes the tagged quotes;
* the words that pushed the proposal most (TF-IDF contributions), only content words: no
  English stop words (spaCy's list and scikit-learn's), filler words ("got", "form", "thing")
  or pieces of contractions ("don", "ve"), numbers or single letters; and only words that the
  model, reading them alone, takes for the proposed label clearly more than it takes an empty
  text (``WORD_MIN_LIFT``): "the word “kind” reads good", never "words: mum, got". None when no
  word passes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from voice.embed import unit_rows
from voice.text import split_sentences

if TYPE_CHECKING:
    from voice.classify._estimator import FeedbackClassifier

LABEL_WORDS = {"good": "good", "unsure": "don't know", "not_so_good": "not so good"}
"""How a reason names each label."""

NEAR_MIN_SIMILARITY = 0.6
"""Cosine similarity (MiniLM) from which a tagged quote is cited as like this one."""

NEAR_MAX = 2
"""At most this many tagged quotes are cited."""

WORDS_MAX = 3
"""At most this many words are cited."""

WORD_MIN_LIFT = 0.15
"""A word is cited only when, read alone, its proposed label is its most probable one and at
least this much more probable than for an empty text (the classifier's reading of no words):
"helped" reads good 0.90 against 0.29, so it is cited for a good proposal; "mum" reads don't
know 0.67 against 0.66, so it is not cited for anything."""

WORDS_CONSIDERED = 6
"""The words with the largest contributions that are read alone (one small batch)."""

_FILLER = """got get gets getting gotten form forms did do does doing done other others thing things
stuff lot lots really just bit way went go goes going gone came come comes coming said say says saying
make makes making took take takes taking put puts let lets also still ok okay yeah"""
FILLER_WORDS = frozenset(_FILLER.split())
"""Words that carry no meaning of their own in a quote, beyond the stop words."""

_PIECES = "don didn doesn isn wasn aren weren haven hasn hadn won wouldn couldn shouldn mustn ain ve ll re"
CONTRACTION_PIECES = frozenset(_PIECES.split())
"""What the TF-IDF tokeniser leaves of "don't", "I've", "we'll"...: not words a person can read."""

_QUOTE_CHARS = 80


@dataclass(frozen=True)
class TaggedQuote:
    """A quote a person tagged: its text (as the caller may show it), the label and who tagged it."""

    text: str
    label: str
    who: str
    quote_id: str = ""


@dataclass(frozen=True)
class Explanation:
    """Why a quote got its label: the driving sentence, similar tagged quotes and meaningful words."""

    label: str
    probability: float
    top_words: list[tuple[str, float]]
    sentences: list[tuple[str, str, float]]
    reason: str
    sentence: str | None = None
    similar: list[tuple[TaggedQuote, float]] = field(default_factory=list)


@cache
def stop_words() -> frozenset[str]:
    """English stop words: spaCy's list together with scikit-learn's."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | ENGLISH_STOP_WORDS


def content_word(word: str) -> bool:
    """Not a stop word, a filler word, a piece of a contraction, a number or a single letter."""
    return (
        word not in stop_words()
        and word not in FILLER_WORDS
        and word not in CONTRACTION_PIECES
        and len(word) > 1
        and not word.isdigit()
    )


def meaningful(term: str) -> bool:
    """A word or 2-gram with a content word (:func:`content_word`) and no piece of a contraction."""
    words = term.split()
    return any(content_word(w) for w in words) and not CONTRACTION_PIECES.intersection(words)


def short(text: str, limit: int = _QUOTE_CHARS) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def explain(
    clf: FeedbackClassifier,
    text: str,
    question: str | None = None,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    top: int = 5,
    tagged: Sequence[TaggedQuote] = (),
    me: str | None = None,
    show: Callable[[str], str] | None = None,
) -> Explanation:
    """Explain ``clf``'s proposal for ``text`` (see the module docstring).

    ``tagged`` are quotes people tagged (their texts embedded with ``embed``, which caches);
    ``me`` is the reader, named "you" when they tagged a cited quote; ``show`` renders a cited
    quote's text as the reader may see it (e.g. redacted), default as given.
    """
    if embed is None:
        from voice.embed import default_embedder

        embed = default_embedder().embed
    sentences = split_sentences(text) or [text]
    texts = [text, *sentences] if len(sentences) > 1 else [text]
    emb = embed(texts) if "embedding" in clf.features or tagged else None
    proba = clf.predict_proba(
        texts, embeddings=emb if "embedding" in clf.features else None, questions=[question] * len(texts)
    )
    labels = clf.decide(proba)
    label, k = str(labels[0]), int(np.searchsorted(clf.classes_, labels[0]))
    top_words = _words(clf, text, k, top, embed)
    sent_rows = []
    if len(sentences) > 1:
        for s, lab, p in zip(sentences, labels[1:], proba[1:], strict=True):
            sent_rows.append((s, str(lab), round(float(p.max()), 3)))
    tagged = [t for t in tagged if t.text.strip() != text.strip()]  # not the quote itself
    similar = _nearest(emb[0], tagged, embed) if emb is not None and tagged else []
    sentence, parts = _sentence_reason(sent_rows, proba[1:], k, label)
    render = show or (lambda t: t)
    for near, _ in similar:
        who = "you" if me is not None and near.who == me else near.who
        parts.append(
            f"like: \u2018{short(render(near.text))}\u2019 \u2014 {who} tagged this {LABEL_WORDS[near.label]}"
        )
    if cited := top_words[:WORDS_MAX]:
        words = ", ".join(f"\u201c{w}\u201d" for w, _ in cited)
        parts.append(
            f"the word {words} reads {LABEL_WORDS[label]}"
            if len(cited) == 1 and " " not in cited[0][0]
            else f"the words {words} read {LABEL_WORDS[label]}"
        )
    reason = (
        "; ".join(parts) or "the overall meaning of the quote (no sentence, similar quote or word stands out)"
    )
    return Explanation(label, round(float(proba[0][k]), 3), top_words, sent_rows, reason, sentence, similar)


def _words(
    clf: FeedbackClassifier, text: str, k: int, top: int, embed: Callable[[list[str]], np.ndarray]
) -> list[tuple[str, float]]:
    """Meaningful terms with the largest TF-IDF contribution to class ``k`` against the others,
    each read as class ``k`` on its own (:data:`WORD_MIN_LIFT`), none overlapping another."""
    if "tfidf" not in clf.features:
        return []
    x = clf.vectorizer_.transform([text]).tocoo()
    n_vocab = len(clf.vectorizer_.vocabulary_)
    coef = clf.lr_.coef_[:, :n_vocab]
    others = [j for j in range(len(clf.classes_)) if j != k]
    contrast = coef[k] - coef[others].mean(axis=0)
    vocab = clf.vectorizer_.get_feature_names_out()
    scored = sorted(
        ((str(vocab[j]), float(v * contrast[j])) for j, v in zip(x.col, x.data, strict=True)),
        key=lambda t: -t[1],
    )
    found = [(w, round(s, 3)) for w, s in scored if s > 0 and meaningful(w)][: max(top, WORDS_CONSIDERED)]
    if not found:
        return []
    texts = ["", *(w for w, _ in found)]
    emb = embed(texts) if "embedding" in clf.features else None
    alone = clf.predict_proba(texts, embeddings=emb, questions=[None] * len(texts), children=False)
    kept: list[tuple[str, float]] = []
    for (w, s), p in zip(found, alone[1:], strict=True):
        if int(np.argmax(p)) != k or p[k] - alone[0][k] < WORD_MIN_LIFT:
            continue
        if any(_content(w) & _content(other) for other, _ in kept):
            continue  # "helped" after "helped me": the same word twice
        kept.append((w, s))
    return kept[:top]


def _content(term: str) -> set[str]:
    return {w for w in term.split() if content_word(w)}


def _sentence_reason(
    rows: list[tuple[str, str, float]], proba: np.ndarray, k: int, label: str
) -> tuple[str | None, list[str]]:
    """The sentence that drove the proposal, and the reason's first part."""
    if not rows:
        return None, []
    found = {lab for _, lab, _ in rows}
    if label == "unsure" and {"good", "not_so_good"} <= found:
        praise = max((r for r in rows if r[1] == "good"), key=lambda r: r[2])[0]
        complaint = max((r for r in rows if r[1] == "not_so_good"), key=lambda r: r[2])[0]
        return None, [f"mixed: \u201c{short(praise)}\u201d praises, \u201c{short(complaint)}\u201d complains"]
    best = int(np.argmax(proba[:, k]))
    sentence = rows[best][0]
    return sentence, [f"the sentence \u201c{short(sentence)}\u201d reads {LABEL_WORDS[label]}"]


def _nearest(
    vec: np.ndarray, tagged: Sequence[TaggedQuote], embed: Callable[[list[str]], np.ndarray]
) -> list[tuple[TaggedQuote, float]]:
    """Up to ``NEAR_MAX`` tagged quotes with similarity ≥ ``NEAR_MIN_SIMILARITY``, nearest first."""
    sims = unit_rows(embed([t.text for t in tagged])) @ unit_rows(vec[None, :])[0]
    order = np.argsort(-sims, kind="stable")[:NEAR_MAX]
    return [(tagged[i], round(float(sims[i]), 3)) for i in order if sims[i] >= NEAR_MIN_SIMILARITY]
