"""Learning curves of the local correction head (``voice evaluate-adaptation``).

A domain (an NHS service left out of training, or a council's file) is scored by a base model
that never saw it. Corrections are fed in the order the tagging queue would show them (the
smallest margin of the current shown probabilities first; the head is refitted after each
tag, as ``voice tag`` does), and after k of them the rest of the domain is scored.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice.classify._adapt import HeadSettings, fit_head
from voice.classify._estimator import CLASSES, FeedbackClassifier
from voice.classify._queue import margins
from voice.embed import unit_rows
from voice.errors import InputError

REVERSED = {(0, 1), (1, 0)}
"""good ↔ not_so_good, as indices in ``CLASSES``: the errors that matter most."""


@dataclass
class Domain:
    """One domain's quotes with the base model's view of them."""

    name: str
    labels: np.ndarray
    embeddings: np.ndarray
    base_proba: np.ndarray
    in_domain_proba: np.ndarray | None = None
    center: np.ndarray | None = None


@dataclass
class LabelledRows:
    """Rows of a labelled CSV: text, label, question and an optional grouping column."""

    texts: list[str]
    labels: list[str]
    questions: list[str | None]
    groups: list[str]


def read_rows(path: Path, by_column: str | None = None, split: str | None = None) -> LabelledRows:
    """Rows with text and a known label (and, given ``split``, ``split == split``).

    Raises:
        InputError: a missing column, or no usable rows.
    """
    out = LabelledRows([], [], [], [])
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        columns = set(reader.fieldnames or [])
        for needed in ("text", "label", *([by_column] if by_column else []), *(["split"] if split else [])):
            if needed not in columns:
                raise InputError(f"{path}: no {needed!r} column")
        for row in reader:
            text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip()
            if not text or label not in CLASSES or (split and (row.get("split") or "").strip() != split):
                continue
            out.texts.append(text)
            out.labels.append(label)
            out.questions.append((row.get("question") or "").strip() or None)
            out.groups.append((row.get(by_column) or "").strip() if by_column else path.stem)
    if not out.texts:
        raise InputError(f"{path}: no rows with text and a label (good / unsure / not_so_good)")
    return out


def _score(y: np.ndarray, pred: np.ndarray) -> tuple[float, int]:
    return float((y == pred).mean()) if len(y) else 0.0, int(
        sum((int(a), int(b)) in REVERSED for a, b in zip(y, pred, strict=True))
    )


def _macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    f1 = []
    for c in range(len(CLASSES)):
        tp = int(((pred == c) & (y == c)).sum())
        fp, fn = int(((pred == c) & (y != c)).sum()), int(((pred != c) & (y == c)).sum())
        f1.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return float(np.mean(f1))


def learning_curve(
    domain: Domain,
    ks: Sequence[int],
    settings: HeadSettings | None = None,
    memory: FeedbackClassifier | None = None,
) -> list[dict]:
    """Feed corrections in queue order; after each k in ``ks``, score the rest of the domain.

    Each row: k, rest (quotes scored), accuracy, macro-F1 and reversed errors with the head,
    the base model's on the same quotes (``base_*``) and, when ``domain.in_domain_proba`` is
    given, an in-domain model's (``in_domain_*``). ``memory``: a classifier whose memory of
    near-duplicates (``_recall``) is applied after the head, as in use.
    """
    y, emb, base = domain.labels, domain.embeddings, domain.base_proba
    n = len(y)
    tagged: list[int] = []
    proba = base
    rows = []
    for k in sorted(set(ks)):
        if k >= n:
            break
        while len(tagged) < k:
            rest = np.setdiff1d(np.arange(n), tagged)
            tagged.append(int(rest[np.argsort(margins(proba[rest]), kind="stable")[0]]))
            idx = np.array(tagged)
            head = fit_head(base[idx], emb[idx], y[idx], settings, domain.center)
            proba = head.adjust(base, emb) if head is not None else base
            if memory is not None:
                memory.memory_embeddings_, memory.memory_labels_ = memory._memory(emb[idx], CLASSES[y[idx]])
                proba = memory._recall(proba, emb)
        rest = np.setdiff1d(np.arange(n), tagged)
        pred, base_pred = proba[rest].argmax(axis=1), base[rest].argmax(axis=1)
        acc, rev = _score(y[rest], pred)
        base_acc, base_rev = _score(y[rest], base_pred)
        row = {
            "domain": domain.name,
            "k": k,
            "rest": len(rest),
            "accuracy": round(acc, 4),
            "macro_f1": round(_macro_f1(y[rest], pred), 4),
            "reversed": rev,
            "base_accuracy": round(base_acc, 4),
            "base_macro_f1": round(_macro_f1(y[rest], base_pred), 4),
            "base_reversed": base_rev,
        }
        if domain.in_domain_proba is not None:
            in_pred = domain.in_domain_proba[rest].argmax(axis=1)
            in_acc, in_rev = _score(y[rest], in_pred)
            row |= {"in_domain_accuracy": round(in_acc, 4), "in_domain_reversed": in_rev}
        rows.append(row)
    return rows


def summarise(rows: list[dict]) -> list[dict]:
    """Mean and spread (standard deviation, min, max) over domains for each k."""
    out = []
    for k in sorted({r["k"] for r in rows}):
        at = [r for r in rows if r["k"] == k]
        acc = np.array([r["accuracy"] for r in at])
        gain = acc - np.array([r["base_accuracy"] for r in at])
        rev = np.array([r["reversed"] for r in at], dtype=float)
        base_rev = np.array([r["base_reversed"] for r in at], dtype=float)
        row = {
            "k": k,
            "domains": len(at),
            "accuracy_mean": round(float(acc.mean()), 4),
            "accuracy_sd": round(float(acc.std()), 4),
            "gain_mean": round(float(gain.mean()), 4),
            "gain_min": round(float(gain.min()), 4),
            "gain_max": round(float(gain.max()), 4),
            "macro_f1_mean": round(float(np.mean([r["macro_f1"] for r in at])), 4),
            "reversed_mean": round(float(rev.mean()), 2),
            "base_reversed_mean": round(float(base_rev.mean()), 2),
        }
        if all("in_domain_accuracy" in r for r in at):
            ind = np.array([r["in_domain_accuracy"] for r in at])
            row["gap_to_in_domain_mean"] = round(float((ind - acc).mean()), 4)
        out.append(row)
    return out


def leave_one_out_rest(
    base_proba: np.ndarray,
    embeddings: np.ndarray,
    labels: np.ndarray,
    settings: HeadSettings | None = None,
    center: np.ndarray | None = None,
) -> np.ndarray:
    """Each quote's probabilities from a head fitted to all the other quotes (the seed report)."""
    out = np.empty_like(np.asarray(base_proba, dtype=float))
    for i in range(len(labels)):
        others = np.delete(np.arange(len(labels)), i)
        head = fit_head(base_proba[others], embeddings[others], labels[others], settings, center)
        out[i] = head.adjust(base_proba[i : i + 1], embeddings[i : i + 1])[0] if head else base_proba[i]
    return out


def base_models(
    rows: LabelledRows,
    embeddings: np.ndarray,
    min_rows: int,
    in_domain_folds: int,
    progress: Callable[[int, int], None] | None = None,
    extra: tuple[list[str], list[str | None], np.ndarray] | None = None,
) -> tuple[list[Domain], list[np.ndarray]]:
    """Leave each group with at least ``min_rows`` rows out: fit a base model (the regression,
    without fine-tuning) on the other rows and score the group with it; with
    ``in_domain_folds`` > 1, also each row's out-of-fold probabilities from models trained on
    every group (the in-domain reference). Returns the domains, and ``extra``'s probabilities
    from each in-domain fold model (the seed quotes, scored by models that never saw them)."""
    from sklearn.model_selection import StratifiedKFold

    groups = np.array(rows.groups)
    names = [g for g in dict.fromkeys(rows.groups) if (groups == g).sum() >= min_rows]
    if not names:
        raise InputError(f"no group has {min_rows} rows or more")
    y = np.searchsorted(CLASSES, np.array(rows.labels))
    texts, questions = rows.texts, rows.questions
    steps = len(names) + (in_domain_folds if in_domain_folds > 1 else 0)
    done = 0

    def fit(idx: np.ndarray) -> FeedbackClassifier:
        return FeedbackClassifier().fit(
            [texts[i] for i in idx],
            [rows.labels[i] for i in idx],
            embeddings=embeddings[idx],
            questions=[questions[i] for i in idx],
        )

    def proba(clf: FeedbackClassifier, idx: np.ndarray) -> np.ndarray:
        return clf.base_proba(
            [texts[i] for i in idx], embeddings=embeddings[idx], questions=[questions[i] for i in idx]
        )

    in_domain, extra_proba = None, []
    if in_domain_folds > 1:
        in_domain = np.zeros((len(y), len(CLASSES)))
        folds = StratifiedKFold(in_domain_folds, shuffle=True, random_state=0)
        for tr, te in folds.split(np.zeros(len(y)), y):
            clf = fit(tr)
            in_domain[te] = proba(clf, te)
            if extra is not None:
                extra_proba.append(clf.base_proba(extra[0], embeddings=extra[2], questions=extra[1]))
            done += 1
            if progress:
                progress(done, steps)
    domains = []
    for name in names:
        inside = np.flatnonzero(groups == name)
        outside = np.flatnonzero(groups != name)
        clf = fit(outside)
        domains.append(
            Domain(
                name,
                y[inside],
                embeddings[inside],
                proba(clf, inside),
                in_domain[inside] if in_domain is not None else None,
                unit_rows(embeddings[outside]).mean(axis=0),
            )
        )
        done += 1
        if progress:
            progress(done, steps)
    return domains, extra_proba


def halves(
    domain: Domain,
    splits: int,
    ks: Sequence[int],
    settings: HeadSettings | None = None,
    memory: FeedbackClassifier | None = None,
    size: int | None = None,
    seed: int = 0,
) -> list[dict]:
    """The issue owner's check: split the domain (or a random ``size``-quote subset of it) into
    two random halves; tag k quotes of one half, drawn at random (not in queue order), and score
    all of the other half; then the other way round. ``splits`` such splits, seeded.

    Each row: split, half (0 or 1: which half was tagged), k, scored, accuracy and reversed
    errors with the head and the base model's on the same quotes, and ``meets``: accuracy
    ≥ 0.90 with at most one reversed error (good ↔ not so good).
    """
    y, emb, base = domain.labels, domain.embeddings, domain.base_proba
    n = len(y)
    if size is not None and not 2 <= size <= n:
        raise InputError(f"a subset of {size} quotes out of {n}: give 2 to {n}")
    rng = np.random.default_rng(seed)
    rows = []
    for split in range(splits):
        pool = rng.permutation(n) if size is None else rng.choice(n, size, replace=False)
        parts = (pool[: len(pool) // 2], pool[len(pool) // 2 :])
        for half, (tagged_half, scored) in enumerate((parts, parts[::-1])):
            order = rng.permutation(tagged_half)
            for k in sorted(set(ks)):
                if k > len(order):
                    continue
                idx = order[:k]
                head = fit_head(base[idx], emb[idx], y[idx], settings, domain.center)
                proba = head.adjust(base[scored], emb[scored]) if head is not None else base[scored]
                if memory is not None:
                    remembered = memory._memory(emb[idx], CLASSES[y[idx]])
                    memory.memory_embeddings_, memory.memory_labels_ = remembered
                    proba = memory._recall(proba, emb[scored])
                acc, rev = _score(y[scored], proba.argmax(axis=1))
                base_acc, base_rev = _score(y[scored], base[scored].argmax(axis=1))
                rows.append(
                    {
                        "domain": domain.name,
                        "split": split,
                        "half": half,
                        "k": k,
                        "scored": len(scored),
                        "accuracy": round(acc, 4),
                        "reversed": rev,
                        "meets": acc >= 0.9 and rev <= 1,
                        "base_accuracy": round(base_acc, 4),
                        "base_reversed": base_rev,
                        "base_meets": base_acc >= 0.9 and base_rev <= 1,
                    }
                )
    return rows


def summarise_halves(rows: list[dict]) -> list[dict]:
    """For each k: mean and min accuracy, mean and max reversed errors, and the share of halves
    that meet the target, with the head and for the base model on the same halves."""
    out = []
    for k in sorted({r["k"] for r in rows}):
        at = [r for r in rows if r["k"] == k]
        acc, base_acc = (np.array([r[c] for r in at]) for c in ("accuracy", "base_accuracy"))
        rev, base_rev = (np.array([r[c] for r in at], dtype=float) for c in ("reversed", "base_reversed"))
        out.append(
            {
                "k": k,
                "halves": len(at),
                "scored": at[0]["scored"],
                "accuracy_mean": round(float(acc.mean()), 4),
                "accuracy_min": round(float(acc.min()), 4),
                "base_accuracy_mean": round(float(base_acc.mean()), 4),
                "reversed_mean": round(float(rev.mean()), 2),
                "reversed_max": int(rev.max()),
                "base_reversed_mean": round(float(base_rev.mean()), 2),
                "meets_share": round(float(np.mean([r["meets"] for r in at])), 3),
                "base_meets_share": round(float(np.mean([r["base_meets"] for r in at])), 3),
            }
        )
    return out
