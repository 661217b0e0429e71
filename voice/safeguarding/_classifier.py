"""The classifier part: a logistic-regression head on sentence embeddings.

Shipped as ``models/safeguarding/head.json`` (384 weights, a bias, the two head thresholds (with
the similarity part, and alone), the similarity part's two thresholds and the similarity tier's
two; JSON only, no pickle). Trained by ``train_head`` (detect-5) on every real labelled row
(``labelled.csv`` both splits, ``fresh.csv``, ``fresh2.csv``, and since detect-7 ``fresh3.csv``),
the curated examples and ordinary negatives; the head thresholds are chosen from out-of-fold
scores of a cross-validation grouped by source (``_cv.choose``, recall first since detect-7).
The tier's thresholds are set by ``_tier.calibrate_tier``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voice import config
from voice.errors import ModelError

HEAD_PATH = config.MODELS_DIR / "safeguarding" / "head.json"


@dataclass(frozen=True)
class Head:
    """Logistic regression over unit embeddings, with the detector's thresholds."""

    weights: np.ndarray
    bias: float
    threshold: float
    min_similarity: float
    margin: float
    embedding_version: str
    trained_on: dict = field(default_factory=dict)
    tier_similarity: float = 2.0
    """The similarity tier (detect-4): a sentence at least this close to a curated disclosure..."""
    tier_margin: float = 2.0
    """...and at least this much closer to it than to any calm example is flagged on its own.
    The defaults (above any cosine) switch the tier off."""
    tier_calibration: dict = field(default_factory=dict)
    alone_threshold: float = 2.0
    """detect-5: the head flags on its own at this P(disclosure); ``threshold`` is the lower one at
    which it flags with the similarity part. The default (above any probability) switches it off."""

    def probability(self, vectors: np.ndarray) -> np.ndarray:
        """P(disclosure) for each row of ``vectors``."""
        if len(vectors) == 0:
            return np.zeros(0, dtype=np.float32)
        z = np.asarray(vectors, dtype=np.float32) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, path: Path = HEAD_PATH) -> None:
        """Write the head as JSON (weights rounded to 6 decimals)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {
            "embedding_version": self.embedding_version,
            "bias": round(float(self.bias), 6),
            "threshold": round(float(self.threshold), 4),
            "min_similarity": round(float(self.min_similarity), 4),
            "margin": round(float(self.margin), 4),
            "tier_similarity": round(float(self.tier_similarity), 4),
            "tier_margin": round(float(self.tier_margin), 4),
            "tier_calibration": self.tier_calibration,
            "alone_threshold": round(float(self.alone_threshold), 4),
            "trained_on": self.trained_on,
            "weights": [round(float(w), 6) for w in self.weights],
        }
        path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


def load_head(path: Path = HEAD_PATH) -> Head:
    """The shipped head; ``ModelError`` naming the file when it is missing or malformed."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        return Head(
            weights=np.asarray(doc["weights"], dtype=np.float32),
            bias=float(doc["bias"]),
            threshold=float(doc["threshold"]),
            min_similarity=float(doc["min_similarity"]),
            margin=float(doc["margin"]),
            embedding_version=str(doc["embedding_version"]),
            trained_on=dict(doc.get("trained_on", {})),
            tier_similarity=float(doc.get("tier_similarity", 2.0)),
            tier_margin=float(doc.get("tier_margin", 2.0)),
            tier_calibration=dict(doc.get("tier_calibration", {})),
            alone_threshold=float(doc.get("alone_threshold", 2.0)),
        )
    except FileNotFoundError:
        raise ModelError(f"{path}: the safeguarding classifier head is missing") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path}: not a safeguarding classifier head ({exc})") from None


def fit_logistic(
    x: np.ndarray, y: Sequence[int] | np.ndarray, l2: float = 1.0, steps: int = 3000
) -> tuple[np.ndarray, float]:
    """Plain L2-regularised logistic regression by gradient descent (deterministic, numpy only).

    Classes are weighted to balance, so a small set of disclosures is not outvoted.
    """
    x = np.asarray(x, dtype=np.float32)
    t = np.asarray(y, dtype=np.float32)
    n, d = x.shape
    pos = max(t.sum(), 1.0)
    neg = max(n - t.sum(), 1.0)
    sample_w = np.where(t == 1, n / (2 * pos), n / (2 * neg)).astype(np.float32)
    w = np.zeros(d, dtype=np.float32)
    b = np.float32(0.0)
    lr = 0.5
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        g = (p - t) * sample_w
        w -= lr * (x.T @ g / n + l2 * w / n)
        b -= lr * g.mean()
    return w.astype(np.float32), float(b)
