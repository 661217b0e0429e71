"""Metrics and the evaluation step: cross-validation against baselines, in one run.

``cross_validate`` runs stratified k-fold CV on the corpus for the Voice classifier, a
TF-IDF + logistic-regression baseline and a majority-class baseline, with the same folds.
Every tuned quantity (temperature, decision weights) is fitted inside the training folds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from voice import config
from voice.classify._children import fit_reader
from voice.classify._estimator import CLASSES, FEATURE_SETS, FeedbackClassifier
from voice.records import ProgressCallback

Labels = Sequence[str] | np.ndarray
"""Class labels as a list or a NumPy array of strings (``CLASSES`` is one)."""


def confusion(y_true: Labels, y_pred: Labels, classes: Labels = CLASSES) -> np.ndarray:
    """Confusion matrix: rows are true classes, columns predicted, in ``classes`` order."""
    idx = {c: i for i, c in enumerate(classes)}
    m = np.zeros((len(classes), len(classes)), dtype=int)
    for t, p in zip(y_true, y_pred, strict=True):
        m[idx[t], idx[p]] += 1
    return m


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """ECE: the bin-size-weighted mean |accuracy − confidence| over equal-width bins."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    if len(confidence) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        in_bin = (confidence > lo) & (confidence <= hi) if lo > 0 else (confidence >= lo) & (confidence <= hi)
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(ece)


def metrics(
    y_true: Labels,
    y_pred: Labels,
    proba: np.ndarray | None = None,
    classes: Labels = CLASSES,
) -> dict:
    """Accuracy, per-class precision/recall/F1/support, macro-F1, confusion matrix, ECE."""
    y_true, y_pred = list(y_true), list(y_pred)
    m = confusion(y_true, y_pred, classes)
    per_class = {}
    for i, c in enumerate(classes):
        tp, fp, fn = m[i, i], m[:, i].sum() - m[i, i], m[i, :].sum() - m[i, i]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per_class[c] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "support": int(m[i].sum()),
        }
    out = {
        "n": len(y_true),
        "accuracy": round(float(np.trace(m) / m.sum()) if m.sum() else 0.0, 4),
        "macro_f1": round(float(np.mean([v["f1"] for v in per_class.values()])), 4),
        "per_class": per_class,
        "confusion": {"classes": list(classes), "rows_true_cols_predicted": m.tolist()},
    }
    if proba is not None:
        pred_idx = np.array([list(classes).index(p) for p in y_pred])
        conf = np.asarray(proba)[np.arange(len(y_pred)), pred_idx]
        out["ece"] = round(expected_calibration_error(conf, np.array(y_true) == np.array(y_pred)), 4)
    return out


@dataclass
class Candidate:
    """A model to compare: a name and a function (train_idx, test_idx) -> (labels, proba).

    ``extra`` collects, per fold, the fold model's (labels, proba) on an extra set (the seed
    quotes) that no fold trains on; ``no_question``, per fold, (test_idx, labels, proba) for the
    test quotes given without their question (as a report's quotes or a file with no question
    column come).
    """

    name: str
    fit_predict: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray | None]]
    extra: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    no_question: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)

    def no_question_metrics(self, labels: Sequence[str]) -> dict | None:
        """Metrics of the test quotes given without their question, over every fold run so far."""
        if not self.no_question:
            return None
        te = np.concatenate([t for t, _, _ in self.no_question])
        pred = np.concatenate([p for _, p, _ in self.no_question])
        proba = np.concatenate([p for _, _, p in self.no_question])
        return metrics(np.asarray(labels)[te], pred, proba)


def voice_candidate(
    texts,
    labels,
    questions,
    embeddings,
    features=FEATURE_SETS,
    fine_tune: bool = False,
    holdout: float = config.FINE_TUNE_HOLDOUT,
    question_dropout: float = config.FINE_TUNE_QUESTION_DROPOUT,
    extra: tuple[list[str], list, np.ndarray] | None = None,
    fine_tune_progress: ProgressCallback | None = None,
    always_train: tuple[list[str], list[str], list, np.ndarray, np.ndarray] | None = None,
    children_reader: bool = False,
) -> Candidate:
    """The Voice classifier as configured; ``extra`` = (texts, questions, embeddings) also predicted.

    ``always_train`` = (texts, labels, questions, embeddings, weights): rows that join every
    fold's training data and are never scored (the children's training quotes, as shipped).
    ``children_reader``: each fold's model also gets the children's reader, fitted on those rows
    with its gate against the fold's own training rows (:mod:`voice.classify._children`).
    """
    y = np.asarray(labels)
    name = (
        "voice ("
        + "+".join(features)
        + (", fine-tuned MiniLM" if fine_tune else "")
        + (", children's reader" if children_reader else "")
        + ")"
    )
    extras: list[tuple[np.ndarray, np.ndarray]] = []
    no_question: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def fp(tr: np.ndarray, te: np.ndarray):
        t_texts, t_y, t_q = [texts[i] for i in tr], list(y[tr]), [questions[i] for i in tr]
        t_emb, t_w = embeddings[tr], np.ones(len(tr))
        if always_train is not None:
            a_texts, a_y, a_q, a_emb, a_w = always_train
            t_texts, t_y, t_q = t_texts + list(a_texts), t_y + list(a_y), t_q + list(a_q)
            t_emb, t_w = np.vstack([t_emb, a_emb]), np.concatenate([t_w, a_w])
        clf = FeedbackClassifier(
            features=features, fine_tune=fine_tune, holdout=holdout, question_dropout=question_dropout
        ).fit(
            t_texts,
            [str(v) for v in t_y],
            embeddings=t_emb,
            questions=t_q,
            sample_weight=t_w,
            progress=fine_tune_progress,
        )
        if children_reader and always_train is not None and len(always_train[0]):
            clf.children_reader_ = fit_reader(
                always_train[0], always_train[1], always_train[3], embeddings[tr]
            )
        proba = clf.predict_proba(
            [texts[i] for i in te], embeddings=embeddings[te], questions=[questions[i] for i in te]
        )
        if extra is not None:
            p = clf.predict_proba(extra[0], embeddings=extra[2], questions=extra[1])
            extras.append((clf.decide(p), p))
        if any(questions[i] for i in te):
            p = clf.predict_proba([texts[i] for i in te], embeddings=embeddings[te], questions=None)
            no_question.append((te, clf.decide(p), p))
        return clf.decide(proba), proba

    return Candidate(name, fp, extras, no_question)


def tfidf_baseline(texts, labels) -> Candidate:
    """TF-IDF (1–2-grams) + logistic regression, default settings."""
    y = np.asarray(labels)

    def fp(tr: np.ndarray, te: np.ndarray):
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        a = vec.fit_transform([texts[i] for i in tr])
        lr = LogisticRegression(max_iter=3000).fit(a, y[tr])
        proba = lr.predict_proba(vec.transform([texts[i] for i in te]))
        order = [list(lr.classes_).index(c) for c in CLASSES]
        proba = proba[:, order]
        return CLASSES[np.argmax(proba, axis=1)], proba

    return Candidate("tfidf + logistic regression", fp)


def majority_baseline(labels) -> Candidate:
    """Always the most frequent training class, with the training class shares as probabilities."""
    y = np.asarray(labels)

    def fp(tr: np.ndarray, te: np.ndarray):
        shares = np.array([(y[tr] == c).mean() for c in CLASSES])
        proba = np.tile(shares, (len(te), 1))
        return np.array([CLASSES[int(np.argmax(shares))]] * len(te)), proba

    return Candidate("majority class", fp)


def cross_validate(
    labels: Sequence[str],
    candidates: Sequence[Candidate],
    folds: int = 5,
    seed: int = 0,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, dict]:
    """Stratified k-fold CV of every candidate on the same folds; metrics per candidate."""
    y = np.asarray(labels)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    splits = list(splitter.split(np.zeros(len(y)), y))
    results = {}
    for cand in candidates:
        pred = np.empty(len(y), dtype=object)
        proba = np.zeros((len(y), len(CLASSES)))
        for k, (tr, te) in enumerate(splits):
            p, pr = cand.fit_predict(tr, te)
            pred[te] = p
            if pr is not None:
                proba[te] = pr
            if progress:
                progress(cand.name, k + 1)
        results[cand.name] = metrics(y, pred, proba)
    return results
