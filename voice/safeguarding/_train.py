"""Training the classifier head and choosing the embedding parts' thresholds.

The head learns from the ``tune`` rows of ``corpus/safeguarding/labelled.csv``, the curated
examples, and ordinary feedback as negatives: the adult NHS comments the rules do not flag
(``corpus/nhs_fft_labelled.csv``) and the seed quotes (``corpus/seeds/``), each as a whole and
sentence by sentence (the detector scores sentences too). The demo set, the ``holdout`` split and
any blind set are never read here. The three thresholds (classifier, similarity, margin) are
chosen from cross-validated scores on the tune rows and the ordinary negatives: the most
disclosures found by both embedding parts agreeing while at most ``max_false_rate`` of the
ordinary negatives are flagged.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice import config
from voice.embed import Embedder

from ._classifier import Head, fit_logistic
from ._detect import _resolved_away
from ._negation import sentences
from ._rules import rule_hits
from ._similar import ExampleIndex, training_examples

NHS_PATH = config.CORPUS_DIR / "nhs_fft_labelled.csv"
REDACTION_PATH = config.CORPUS_DIR / "redaction" / "labelled.csv"
STEPS = 1500
MAX_FALSE_RATE = 0.01
"""The share of ordinary negatives both embedding parts may flag (cross-validated)."""


@dataclass
class _Quotes:
    """Quotes with their whole and per-sentence embeddings and their nearest curated examples."""

    texts: list[str]
    whole: np.ndarray
    sents: list[list[str]]
    sent_vecs: list[np.ndarray]
    near: list[list]  # Nearest per sentence


def _quotes(texts: Sequence[str], embedder: Embedder, index: ExampleIndex) -> _Quotes:
    texts = [t for t in texts if t.strip()]
    sents = [sentences(t) or [t.strip()] for t in texts]
    flat = [s for ss in sents for s in ss]
    vecs = embedder.embed([t.strip() for t in texts] + flat)
    whole, rest = vecs[: len(texts)], vecs[len(texts) :]
    sent_vecs, at = [], 0
    for ss in sents:
        sent_vecs.append(rest[at : at + len(ss)])
        at += len(ss)
    near = [index.nearest(v) for v in sent_vecs]
    return _Quotes(list(texts), whole, sents, sent_vecs, near)


def _column(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return [r["text"] for r in csv.DictReader(fh) if r["text"].strip()]


def childrens_texts() -> set[str]:
    """The children's-services share of the ordinary negatives (seeds and redaction sentences)."""
    from voice.ingest.seed_appendix import read_seed_appendix

    seeds = [q.text for p in sorted(config.SEEDS_DIR.glob("*.txt")) for q in read_seed_appendix(p).quotes]
    return set(seeds + _column(REDACTION_PATH))


def ordinary_texts() -> list[str]:
    """Ordinary feedback for negatives, less what the rules flag: the NHS comments, the seed
    quotes, and the synthetic children's sentences of the redaction set (``corpus/redaction/``)."""
    from voice.ingest.seed_appendix import read_seed_appendix

    seeds = [q.text for p in sorted(config.SEEDS_DIR.glob("*.txt")) for q in read_seed_appendix(p).quotes]
    texts = _column(NHS_PATH) + seeds + _column(REDACTION_PATH)
    return [t for t in dict.fromkeys(texts) if not rule_hits(t)]


def _probabilities(q: _Quotes, w: np.ndarray, b: float) -> list[np.ndarray]:
    """P(disclosure) of the whole quote (first) and of each sentence, per quote."""
    out = []
    for whole, sv in zip(q.whole, q.sent_vecs, strict=True):
        z = np.concatenate([[whole @ w + b], sv @ w + b])
        out.append(1 / (1 + np.exp(-z)))
    return out


def _scores(q: _Quotes, probs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per quote, the classifier's score (0 when its sentence is resolved away); per sentence, its
    similarity, margin (-1 when resolved away) and quote number, as ``_detect.cues_by_part`` reads them."""
    clf, sim, gap, owner = [], [], [], []
    for i, (text, ss, nn, p) in enumerate(zip(q.texts, q.sents, q.near, probs, strict=True)):
        best = int(np.argmax(p[1:]))
        clf.append(0.0 if _resolved_away(text, ss[best], nn[best].kind) else max(p[0], p[1 + best]))
        for s, n in zip(ss, nn, strict=True):
            away = _resolved_away(text, s, n.kind)
            sim.append(-1.0 if away else n.similarity)
            gap.append(-1.0 if away else n.margin)
            owner.append(i)
    return np.array(clf), np.array(sim), np.array(gap), np.array(owner)


def _flags(scores: tuple, thr: float, min_sim: float, margin: float) -> np.ndarray:
    """Whether both embedding parts flag each quote at these thresholds."""
    clf, sim, gap, owner = scores
    similar = np.bincount(owner[(sim >= min_sim) & (gap >= margin)], minlength=len(clf)) > 0
    return similar & (clf >= thr)


def _design(parts: Sequence[tuple[_Quotes, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Training rows: every quote whole; the sentences of negatives too (a calm quote's every
    sentence is calm; a disclosure's other sentences may not be, so they are left out)."""
    xs, ys = [], []
    for q, idx, labels in parts:
        for i in idx:
            xs.append(q.whole[i][None, :])
            ys.append([labels[i]])
            if labels[i] == 0 and len(q.sents[i]) > 1:
                xs.append(q.sent_vecs[i])
                ys.append([0] * len(q.sents[i]))
    return np.vstack(xs), np.concatenate(ys)


def train_head(
    rows: Sequence, embedder: Embedder, folds: int = 5, max_false_rate: float = MAX_FALSE_RATE
) -> Head:
    """Fit the head on tune rows, curated examples and ordinary negatives; pick the thresholds
    from ``folds``-fold cross-validated scores (see the module docstring)."""
    tune = [r for r in rows if r.split == "tune"]
    index = ExampleIndex(embedder)
    tq = _quotes([r.text for r in tune], embedder, index)
    ty = np.array([int(r.concern) for r in tune])
    oq = _quotes(ordinary_texts(), embedder, index)
    oy = np.zeros(len(oq.texts), dtype=int)
    ex_texts, ex_labels = training_examples()
    eq = _quotes(list(ex_texts), embedder, index)
    ey = np.array(ex_labels)
    all_e = np.arange(len(ey))

    t_probs: list = [None] * len(tune)
    o_probs: list = [None] * len(oq.texts)
    for k in range(folds):
        t_test, o_test = np.arange(k, len(tune), folds), np.arange(k, len(oy), folds)
        t_train, o_train = (
            np.setdiff1d(np.arange(len(tune)), t_test),
            np.setdiff1d(np.arange(len(oy)), o_test),
        )
        x, y = _design([(tq, t_train, ty), (oq, o_train, oy), (eq, all_e, ey)])
        w, b = fit_logistic(x, y, steps=STEPS)
        for i, p in zip(t_test, _probabilities(_subset(tq, t_test), w, b), strict=True):
            t_probs[i] = p
        for i, p in zip(o_test, _probabilities(_subset(oq, o_test), w, b), strict=True):
            o_probs[i] = p

    real = np.array([r.origin == "real" for r in tune])
    t_scores, o_scores = _scores(tq, t_probs), _scores(oq, o_probs)
    kids = np.array([t in childrens_texts() for t in oq.texts])
    best = (-1.0, 0.0, 0.5, 0.5, 0.0)
    for thr in np.arange(0.30, 0.991, 0.02):
        for min_sim in np.arange(0.30, 0.601, 0.025):
            for margin in np.arange(-0.05, 0.101, 0.025):
                o_flag = _flags(o_scores, thr, min_sim, margin)
                if max(o_flag[kids].mean(), o_flag[~kids].mean()) > max_false_rate:
                    continue
                t_flag = _flags(t_scores, thr, min_sim, margin)
                recall = t_flag[(ty == 1) & real].mean()
                false = t_flag[ty == 0].mean() + o_flag.mean()
                key = recall - 0.1 * false
                if key > best[0]:
                    best = (key, float(recall), float(thr), float(min_sim), float(margin))
    _, recall, thr, min_sim, margin = best
    x, y = _design([(tq, np.arange(len(tune)), ty), (oq, np.arange(len(oy)), oy), (eq, all_e, ey)])
    w, b = fit_logistic(x, y, steps=STEPS)
    return Head(
        weights=w,
        bias=b,
        threshold=round(thr, 3),
        min_similarity=round(min_sim, 3),
        margin=round(margin, 3),
        embedding_version=embedder.version,
        trained_on={
            "tune_rows": len(tune),
            "curated_examples": len(ex_texts),
            "ordinary_negatives": len(oq.texts),
            "max_false_rate": max_false_rate,
            "cross_validated_recall_real_both_parts": round(recall, 3),
            "data": "corpus/safeguarding/labelled.csv (split=tune only) + voice/safeguarding/_examples.py"
            " + negatives the rules do not flag: corpus/nhs_fft_labelled.csv, corpus/seeds/, "
            "corpus/redaction/labelled.csv",
        },
    )


def _subset(q: _Quotes, idx: np.ndarray) -> _Quotes:
    return _Quotes(
        [q.texts[i] for i in idx],
        q.whole[idx],
        [q.sents[i] for i in idx],
        [q.sent_vecs[i] for i in idx],
        [q.near[i] for i in idx],
    )
