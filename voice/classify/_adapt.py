"""The local correction head: a council's own tags, learned on top of the untouched base model.

The base model (regression + fine-tuned encoder, trained on the corpus) stays as shipped. From
the council's human tags only, a small head is fitted every time, from scratch and
deterministically (so an undo removes a tag's effect exactly):

1. a **residual** on the base model's shown log-probabilities: ``z = a·log p_base + b + W·e``
   (``e`` the quote's unit MiniLM embedding less the mean of the base model's training
   quotes, so that ``W`` reads what sets a quote apart, not what all quotes share), with an
   L2 prior pulling ``a`` towards 1 and ``W`` and ``b`` towards zero, i.e. towards "the base
   is right" (``a`` says how far to trust the base's confidence in this domain). ``b`` is the
   class-prior shift of the council's quotes, ``W`` what their meaning says beyond the base.
   The loss is summed, not averaged, so the same prior weighs less as tags accumulate: local
   tags weigh more as they grow. The residual is applied scaled by ``n / (n + n_residual)``
   (a ramp: an eighth at 1 tag, three quarters at 20), so that one tag barely moves quotes unlike
   it while 20 tags that agree can shift the class prior of the whole domain;
2. a **nearest-tags vote**: the labels of the most similar tagged quotes, weighted by
   similarity, blended in by the amount of local evidence (``n / (n + n0)``) and the
   nearness of the quote to it (the best cosine, from ``near_low`` to ``near_high``).

Fitting takes milliseconds for hundreds of tags. Saved beside the model as
``local_head.npz`` (arrays) + ``local_head.json`` (settings); a directory without them loads
with no head.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_softmax, softmax

from voice.classify._saved import load_part, remove_part, save_part
from voice.embed import unit_rows

HEAD_STEM = "local_head"
HEAD_FILES = (f"{HEAD_STEM}.npz", f"{HEAD_STEM}.json")
"""What :func:`save_head` writes in a model directory."""

_EPS = 1e-6


@dataclass(frozen=True)
class HeadSettings:
    """The head's hyperparameters (chosen with ``voice evaluate-adaptation``, docs/CLASSIFIER.md).

    Attributes:
        l2_w: L2 strength on the embedding weights ``W`` (prior: the base is right).
        l2_b: L2 strength on the class-prior shift ``b``.
        l2_a: L2 strength pulling the base's scale ``a`` towards 1.
        n_residual: tags at which the residual has half of its fitted effect.
        n_prior: when > 0, the priors on ``b`` and ``a`` weaken as ``min(1, n_prior / n)``
            with ``n`` tags (0: they do not).
        per_class_a: one confidence scale per class instead of one for all.
        neighbours: how many nearest tags vote.
        sharpness: how much more a nearer tag's vote counts (softmax over cosine × sharpness).
        n0: tags at which the vote gets half of its full share.
        vote_max: the vote's share for a quote identical to a tagged one, with many tags.
        near_low: cosine below which the vote has no share.
        near_high: cosine from which the vote has its full share.
    """

    l2_w: float = 0.3
    l2_b: float = 1.0
    l2_a: float = 20.0
    n_residual: float = 7.0
    n_prior: float = 0.0
    per_class_a: bool = False
    neighbours: int = 5
    sharpness: float = 20.0
    n0: float = 20.0
    vote_max: float = 0.5
    near_low: float = 0.3
    near_high: float = 0.8


@dataclass
class LocalHead:
    """A fitted local correction head (see the module docstring)."""

    W: np.ndarray
    b: np.ndarray
    a: float | np.ndarray
    center: np.ndarray
    tag_embeddings: np.ndarray
    tag_labels: np.ndarray
    settings: HeadSettings = field(default_factory=HeadSettings)

    def __len__(self) -> int:
        return len(self.tag_labels)

    def adjust(self, base_proba: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        """The base model's shown probabilities, corrected by the council's tags."""
        base_proba = np.asarray(base_proba, dtype=float)
        if not len(self) or not len(base_proba):
            return base_proba
        e = unit_rows(embeddings).astype(float)
        s = self.settings
        log_base = np.log(np.clip(base_proba, _EPS, 1.0))
        residual = (self.a - 1) * log_base + self.b + (e - self.center) @ self.W.T
        proba = softmax(log_base + len(self) / (len(self) + s.n_residual) * residual, axis=1)
        if s.vote_max <= 0:
            return proba
        sims = e @ self.tag_embeddings.T.astype(float)
        k = min(s.neighbours, sims.shape[1])
        top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        top_sims = np.take_along_axis(sims, top, axis=1)
        vote_w = softmax(top_sims * s.sharpness, axis=1)
        onehot = np.eye(base_proba.shape[1])[self.tag_labels[top]]  # rows × k × classes
        vote = np.einsum("rk,rkc->rc", vote_w, onehot)
        nearness = np.clip((top_sims[:, 0] - s.near_low) / max(s.near_high - s.near_low, _EPS), 0, 1)
        share = s.vote_max * len(self) / (len(self) + s.n0) * nearness
        return (1 - share[:, None]) * proba + share[:, None] * vote


def fit_head(
    base_proba: np.ndarray,
    embeddings: np.ndarray,
    labels: np.ndarray,
    settings: HeadSettings | None = None,
    center: np.ndarray | None = None,
) -> LocalHead | None:
    """Fit the head to tagged quotes: their base shown probabilities, embeddings and label
    indices; ``center``: the mean unit embedding of the base model's training quotes (zeros
    when not given). None without tags (the base model alone)."""
    settings = settings or HeadSettings()
    labels = np.asarray(labels, dtype=int)
    if not len(labels):
        return None
    base_proba = np.asarray(base_proba, dtype=float)
    c = base_proba.shape[1]
    unit = unit_rows(embeddings).astype(float)
    d = unit.shape[1]
    center = np.zeros(d) if center is None else np.asarray(center, dtype=float)
    e = unit - center
    log_base = np.log(np.clip(base_proba, _EPS, 1.0))
    y = np.eye(c)[labels]

    s = settings
    weaken = min(1.0, s.n_prior / len(labels)) if s.n_prior > 0 else 1.0
    l2_b, l2_a = s.l2_b * weaken, s.l2_a * weaken
    na = c if s.per_class_a else 1

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        W, b, a = theta[: c * d].reshape(c, d), theta[c * d : c * d + c], theta[c * d + c :]
        z = a * log_base + b + e @ W.T
        logp = log_softmax(z, axis=1)
        g = np.exp(logp) - y  # d loss / d z
        prior = s.l2_w * (W**2).sum() + l2_b * (b**2).sum() + l2_a * ((a - 1) ** 2).sum()
        grad_w = g.T @ e + s.l2_w * W
        grad_b = g.sum(axis=0) + l2_b * b
        grad_a = (g * log_base).sum(axis=0) if na > 1 else np.array([(g * log_base).sum()])
        grad_a = grad_a + l2_a * (a - 1)
        return float(-(y * logp).sum() + 0.5 * prior), np.concatenate([grad_w.ravel(), grad_b, grad_a])

    start = np.concatenate([np.zeros(c * d + c), np.ones(na)])
    theta = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    return LocalHead(
        theta[: c * d].reshape(c, d),
        theta[c * d : c * d + c].copy(),
        theta[c * d + c :].copy() if na > 1 else float(theta[-1]),
        center,
        unit.astype(np.float32),
        labels,
        settings,
    )


def save_head(head: LocalHead | None, directory: Path) -> None:
    """Write the head's arrays and settings into a model directory (remove them when None)."""
    if head is None:
        remove_part(directory, HEAD_STEM)
        return
    arrays: dict[str, Any] = {
        "W": head.W.astype(np.float64),
        "b": head.b.astype(np.float64),
        "a": np.atleast_1d(np.asarray(head.a, dtype=np.float64)),
        "center": head.center.astype(np.float64),
        "tag_embeddings": head.tag_embeddings.astype(np.float32),
        "tag_labels": head.tag_labels.astype(np.int64),
    }
    save_part(directory, HEAD_STEM, arrays, {"tags": len(head), "settings": asdict(head.settings)})


def load_head(directory: Path) -> LocalHead | None:
    """The head saved in a model directory, or None (a model saved before heads existed).

    Raises:
        ValueError, KeyError, OSError: when the files are damaged (the caller reports it).
    """
    part = load_part(directory, HEAD_STEM)
    if part is None:
        return None
    arrays, meta = part
    settings = HeadSettings(**meta["settings"])
    return LocalHead(
        arrays["W"].astype(float),
        arrays["b"].astype(float),
        float(arrays["a"][0]) if arrays["a"].size == 1 else arrays["a"].astype(float),
        arrays["center"].astype(float),
        arrays["tag_embeddings"].astype(np.float32),
        arrays["tag_labels"].astype(int),
        settings,
    )
