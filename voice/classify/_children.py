"""The children's reader: a second reading of children's words, from all-mpnet-base-v2.

The regression and the fine-tuned MiniLM learn from 4,475 adult NHS comments beside 512
children's quotes, and read praise told through hardship ("I don't know what I would have done
without her") as a complaint. The children's reader is a logistic regression over
all-mpnet-base-v2 embeddings of the children's training quotes alone
(``config.CHILDREN_TRAINING_FILES``), with a gate: a logistic regression over MiniLM embeddings
that tells children's words from NHS comments (the recipe of the theme engine's scheme chooser).
Each quote's shown probabilities become

    p = (1 − s·g) · p_model + s·g · p_reader

with ``g`` the gate's probability that the quote is children's words and ``s`` the share
(``config.CHILDREN_READER_SHARE``). An NHS-style comment (``g`` near 0) keeps the model's own
reading and is not embedded with mpnet at all (``config.CHILDREN_READER_MIN_GATE``).
docs/CLASSIFIER.md ("The children's reader") has the measurements.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import expit, softmax

from voice import config
from voice.classify._saved import load_part, remove_part, save_part
from voice.embed import unit_rows
from voice.errors import ModelError, VoiceWarning
from voice.records import LABELS, ProgressCallback

READER_STEM = "children_reader"
READER_FILES = (f"{READER_STEM}.npz", f"{READER_STEM}.json")
"""What :func:`save_reader` writes in a model directory."""

EmbedFn = Callable[[list[str]], np.ndarray]
"""Texts to all-mpnet-base-v2 vectors (the cached mpnet embedder by default)."""


def _mpnet(texts: list[str]) -> np.ndarray:
    from voice.embed import default_mpnet_embedder

    return default_mpnet_embedder().embed(texts)


@dataclass
class ChildrensReader:
    """The fitted reader: a gate over MiniLM and a three-class regression over mpnet.

    Attributes:
        gate_coef, gate_bias: the gate's weights over unit MiniLM vectors (log-odds of children's words).
        coef, bias: the regression's weights over unit mpnet vectors, rows in ``LABELS`` order.
        share: the reader's share of a quote the gate is sure of (``config.CHILDREN_READER_SHARE``).
        min_gate: quotes gated below this keep the model's reading unchanged.
        meta: what it was fitted on (rows, C, encoder versions).
    """

    gate_coef: np.ndarray
    gate_bias: float
    coef: np.ndarray
    bias: np.ndarray
    share: float = config.CHILDREN_READER_SHARE
    min_gate: float = config.CHILDREN_READER_MIN_GATE
    meta: dict = field(default_factory=dict)

    def digest(self) -> str:
        """A hash of the weights and settings: the model's version names the reader by it."""
        h = hashlib.sha256()
        for part in (self.gate_coef, [self.gate_bias], self.coef, self.bias, [self.share, self.min_gate]):
            h.update(np.asarray(part, dtype=np.float32).tobytes())
        return h.hexdigest()

    def gate(self, minilm: np.ndarray) -> np.ndarray:
        """Per quote: the probability that it is children's words rather than an NHS comment."""
        if not len(minilm):
            return np.zeros(0)
        return np.asarray(expit(unit_rows(minilm) @ self.gate_coef + self.gate_bias), dtype=float)

    def proba(self, mpnet: np.ndarray) -> np.ndarray:
        """The reader's own probabilities (columns in ``LABELS`` order) from mpnet vectors."""
        return np.asarray(softmax(unit_rows(mpnet) @ self.coef.T + self.bias, axis=1), dtype=float)

    def blend(
        self,
        proba: np.ndarray,
        texts: Sequence[str],
        minilm: np.ndarray,
        embed: EmbedFn | None = None,
    ) -> np.ndarray:
        """``proba`` with the reader's reading mixed in by ``share`` × gate, quote by quote.

        Only quotes gated at ``min_gate`` or above are embedded with mpnet (``embed``). Where
        all-mpnet-base-v2 cannot be loaded, a :class:`~voice.errors.VoiceWarning` names the
        problem and ``proba`` is returned as it was: tagging goes on with the model's own reading.
        """
        proba = np.asarray(proba, dtype=float)
        weight = self.share * self.gate(minilm)
        rows = np.flatnonzero(weight >= self.share * self.min_gate)
        if not len(rows):
            return proba
        try:
            vectors = (embed or _mpnet)([str(texts[int(i)]) for i in rows])
        except ModelError as exc:
            warnings.warn(
                f"the children's reader is off, so proposals are the model's own reading: {exc.message}",
                VoiceWarning,
                stacklevel=2,
            )
            return proba
        out = proba.copy()
        w = weight[rows, None]
        out[rows] = (1 - w) * proba[rows] + w * self.proba(vectors)
        return out


def fit_reader(
    children: Sequence[str],
    labels: Sequence[str],
    children_minilm: np.ndarray,
    others_minilm: np.ndarray,
    embed: EmbedFn | None = None,
    progress: ProgressCallback | None = None,
) -> ChildrensReader:
    """Fit the gate (children's quotes against the other training comments, over MiniLM) and the
    three-class regression over the children's quotes' mpnet vectors (balanced classes)."""
    from sklearn.linear_model import LogisticRegression

    from voice.embed import EMBEDDING_VERSION
    from voice.embed._mpnet import MPNET_VERSION

    y = np.array([LABELS.index(str(lab)) for lab in labels])
    gate_x = np.vstack([unit_rows(children_minilm), unit_rows(others_minilm)])
    gate_y = np.r_[np.ones(len(children_minilm)), np.zeros(len(others_minilm))]
    gate = LogisticRegression(C=config.CHILDREN_GATE_C, class_weight="balanced", max_iter=3000)
    gate.fit(gate_x, gate_y)
    vectors = (embed or _mpnet)([str(t) for t in children])
    if progress:
        progress(len(children), len(children))
    head = LogisticRegression(C=config.CHILDREN_READER_C, class_weight="balanced", max_iter=3000)
    head.fit(unit_rows(vectors), y)
    if list(head.classes_) != list(range(len(LABELS))):
        raise ValueError("the children's reader needs quotes of every label")
    meta = {
        "children_rows": len(children),
        "other_rows": len(others_minilm),
        "rows_per_class": {lab: int((y == i).sum()) for i, lab in enumerate(LABELS)},
        "C": config.CHILDREN_READER_C,
        "gate_C": config.CHILDREN_GATE_C,
        "gate_encoder": EMBEDDING_VERSION,
        "encoder": MPNET_VERSION,
    }
    return ChildrensReader(
        gate.coef_[0].astype(float),
        float(gate.intercept_[0]),
        head.coef_.astype(float),
        head.intercept_.astype(float),
        meta=meta,
    )


def save_reader(reader: ChildrensReader | None, directory: Path) -> None:
    """Write the reader's arrays and settings into a model directory (remove them when None)."""
    if reader is None:
        remove_part(directory, READER_STEM)
        return
    arrays: dict[str, Any] = {
        "gate_coef": reader.gate_coef.astype(np.float32),
        "gate_bias": np.array([reader.gate_bias]),
        "coef": reader.coef.astype(np.float32),
        "bias": reader.bias.astype(np.float64),
    }
    save_part(
        directory, READER_STEM, arrays, {"share": reader.share, "min_gate": reader.min_gate, **reader.meta}
    )


def load_reader(directory: Path) -> ChildrensReader | None:
    """The reader saved in a model directory, or None (a model saved without one).

    Raises:
        ValueError, KeyError, OSError: when the files are damaged (the caller reports it).
    """
    part = load_part(directory, READER_STEM)
    if part is None:
        return None
    arrays, settings = part
    share, min_gate = float(settings.pop("share")), float(settings.pop("min_gate"))
    coef = arrays["coef"].astype(float)
    if coef.shape[0] != len(LABELS) or arrays["gate_coef"].ndim != 1:
        raise ValueError("children_reader.npz has the wrong shape")
    return ChildrensReader(
        arrays["gate_coef"].astype(float),
        float(arrays["gate_bias"][0]),
        coef,
        arrays["bias"].astype(float),
        share,
        min_gate,
        settings,
    )
