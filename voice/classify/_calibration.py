"""Calibration of the feedback classifier: temperatures, the encoder blend and decision weights.

Each is a small grid search on held-out (or out-of-fold) predictions; the estimator assigns what
they return.
"""

from __future__ import annotations

import numpy as np
from scipy.special import softmax
from sklearn.metrics import f1_score

from voice.records import LABELS


def _mean_nll(proba: np.ndarray, y_idx: np.ndarray) -> float:
    """Mean negative log-likelihood of the true classes."""
    return float(-np.mean(np.log(proba[np.arange(len(y_idx)), y_idx] + 1e-12)))


def fit_temperature(logits: np.ndarray, y_idx: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of out-of-fold logits."""
    best_t, best_nll = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.3), np.log(5.0), 120)):
        nll = _mean_nll(softmax(logits / t, axis=1), y_idx)
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def fit_decision_weights(proba: np.ndarray, y_idx: np.ndarray) -> np.ndarray:
    """Per-class multipliers on the probabilities that maximise macro-F1 (good fixed at 1).

    Columns are in ``CLASSES`` order: good, not_so_good, unsure.
    """
    best_w, best_f = np.ones(len(LABELS)), -1.0
    grid = np.round(np.arange(0.8, 4.01, 0.1), 2)
    for w_nsg in np.round(np.arange(0.8, 2.01, 0.1), 2):
        for w_uns in grid:
            w = np.array([1.0, w_nsg, w_uns])
            pred = np.argmax(proba * w, axis=1)
            f = f1_score(y_idx, pred, average="macro", labels=[0, 1, 2])
            if f > best_f + 1e-9:
                best_w, best_f = w, f
    return best_w


def fit_blend(p_lr: np.ndarray, p_enc: np.ndarray, y_idx: np.ndarray) -> float:
    """The encoder's share (0, 0.05 ... 1) of the blended probabilities with the least log-loss."""
    best, best_nll = 0.0, np.inf
    for beta in np.round(np.arange(0.0, 1.001, 0.05), 2):
        nll = _mean_nll((1 - beta) * p_lr + beta * p_enc, y_idx)
        if nll < best_nll - 1e-9:
            best, best_nll = float(beta), nll
    return best
