"""Measuring the detector on ``corpus/safeguarding/labelled.csv``, and training its head.

``evaluate`` scores each part alone (rules, similarity, classifier) and combined, overall, per
kind and per origin (real quotes / written pattern tests), and lists every miss with its source.
Training the head is in ``_train`` (``train_head``); it never reads the ``holdout`` split.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voice import config
from voice.embed import Embedder
from voice.errors import InputError

from ._classifier import Head
from ._detect import ALONE, CONCERN_KINDS, PARTS, TIER, combine, cues_by_part

LABELLED_PATH = config.CORPUS_DIR / "safeguarding" / "labelled.csv"
SPLITS = ("tune", "holdout", "fresh", "all")
ROW_SPLITS = ("tune", "holdout", "fresh")
"""A row's split: ``tune`` (tuned on), ``holdout`` (kept apart), ``fresh`` (a blind set, fresh.csv)."""
_COLUMNS = ("id", "text", "label", "kind", "origin", "source", "split")


@dataclass(frozen=True)
class LabelledQuote:
    """One row of the labelled set."""

    id: str
    text: str
    concern: bool
    kind: str
    origin: str
    source: str
    split: str


def load_labelled(path: Path = LABELLED_PATH, split: str = "all") -> list[LabelledQuote]:
    """The rows of a labelled CSV in ``split``; ``InputError`` naming the file and row when malformed."""
    if split not in SPLITS:
        raise InputError(f"unknown split {split!r}: use tune, holdout, fresh or all")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
        rows = []
        for n, r in enumerate(reader, start=2):
            if r["label"] not in ("concern", "none"):
                raise InputError(f"{path}, row {n}: label must be 'concern' or 'none', not {r['label']!r}")
            if r["label"] == "concern" and r["kind"] not in CONCERN_KINDS:
                raise InputError(f"{path}, row {n}: unknown kind {r['kind']!r}")
            if r["split"] not in ROW_SPLITS:
                raise InputError(
                    f"{path}, row {n}: split must be 'tune', 'holdout' or 'fresh', not {r['split']!r}"
                )
            if split in ("all", r["split"]):
                rows.append(
                    LabelledQuote(
                        r["id"],
                        r["text"],
                        r["label"] == "concern",
                        r["kind"],
                        r["origin"],
                        r["source"],
                        r["split"],
                    )
                )
    return rows


def _scores(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float | int]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": len(gold),
        "concerns": tp + fn,
        "flagged": tp + fp,
        "recall": round(recall, 3),
        "precision": round(precision, 3),
        "f1": round(f1, 3),
    }


def evaluate_detector(
    rows: Sequence[LabelledQuote], embedder: Embedder | None = None, head: Head | None = None
) -> dict:
    """Recall, precision and F1 per part, the similarity tier, the classifier strong enough to
    flag alone, both embedding parts agreeing, and combined, per
    origin and per kind; the combined detector's misses and false flags."""
    found = cues_by_part([r.text for r in rows], embedder, head)
    parts = [p for p in PARTS if embedder is not None or p == "rule"]
    preds = {p: [bool(f.get(p)) for f in found] for p in parts}
    if embedder is not None:
        preds["similar tier"] = [bool(f.get(TIER)) for f in found]
        preds["classifier alone"] = [bool(f.get(ALONE)) for f in found]
        preds["similar+classifier"] = [bool(f.get("similar") and f.get("classifier")) for f in found]
    preds["combined"] = [bool(combine(f)) for f in found]
    gold = [r.concern for r in rows]
    groups = {"all": list(range(len(rows)))}
    for origin in ("real", "written"):
        groups[origin] = [i for i, r in enumerate(rows) if r.origin == origin]
    by_part = {
        name: {g: _scores([gold[i] for i in idx], [pred[i] for i in idx]) for g, idx in groups.items()}
        for name, pred in preds.items()
    }
    combined = preds["combined"]
    by_kind = {}
    for kind in CONCERN_KINDS:
        idx = [i for i, r in enumerate(rows) if r.concern and r.kind == kind]
        if idx:
            hits = sum(combined[i] for i in idx)
            by_kind[kind] = {"concerns": len(idx), "found": hits, "recall": round(hits / len(idx), 3)}
    misses = [
        {"id": r.id, "kind": r.kind, "origin": r.origin, "text": r.text, "source": r.source}
        for r, p in zip(rows, combined, strict=True)
        if r.concern and not p
    ]
    false_flags = [
        {
            "id": r.id,
            "origin": r.origin,
            "text": r.text,
            "reasons": "; ".join(f"{c.source} {c.kind}: {c.cue}" for c in combine(f)),
        }
        for r, p, f in zip(rows, combined, found, strict=True)
        if p and not r.concern
    ]
    return {
        "parts": parts,
        "by_part": by_part,
        "by_kind": by_kind,
        "misses": misses,
        "false_flags": false_flags,
    }


def metrics_json(result: dict, split: str, data: Path) -> dict:
    """The evaluation as a JSON-ready document (what ``-o metrics.json`` writes)."""
    return {"data": str(data), "split": split, **result}
