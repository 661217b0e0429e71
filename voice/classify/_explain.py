"""Why the classifier proposed a label, in terms a person can follow.

Three kinds of reason, each given only when it says something:

* the sentence that drove the proposal (a quote of two or more sentences: each is classified
  alone, and the one most sure of the proposed label is cited; a "don't know" quote whose
  sentences praise and complain at once is named as mixed, with one sentence of each);
* the nearest quotes people already tagged ("like: 'Nobody told me…' — you tagged this not so
  good"), when the caller passes the tagged quotes;
* the words that pushed the proposal most (TF-IDF contributions), with English stop words
  (spaCy's list and scikit-learn's), numbers and single letters left out; none when no
  meaningful word remains.
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


def meaningful(term: str) -> bool:
    """A word or 2-gram with at least one word that is not a stop word, a number or a letter."""
    stop = stop_words()
    return any(w not in stop and len(w) > 1 and not w.isdigit() for w in term.split())


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
    top_words = _words(clf, text, k, top)
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
    if top_words:
        parts.append("words: " + ", ".join(w for w, _ in top_words[:3]))
    reason = (
        "; ".join(parts) or "the overall meaning of the quote (no sentence, similar quote or word stands out)"
    )
    return Explanation(label, round(float(proba[0][k]), 3), top_words, sent_rows, reason, sentence, similar)


def _words(clf: FeedbackClassifier, text: str, k: int, top: int) -> list[tuple[str, float]]:
    """Meaningful terms with the largest TF-IDF contribution to class ``k`` against the others."""
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
    return [(w, round(s, 3)) for w, s in scored if s > 0 and meaningful(w)][:top]


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
