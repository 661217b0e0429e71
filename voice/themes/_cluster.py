"""Clusterers: :class:`KMeansClusterer`, k-means with the number of themes chosen by silhouette."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from voice import config


@dataclass
class KMeansClusterer:
    """k-means (fixed seed) with k chosen by the silhouette score, unless ``k`` is given.

    The search covers 2 .. min(``max_k``, √n, n/3), from at least ``at_least`` (a floor on the
    number of themes, as far as the top allows); each candidate gets a few k-means starts,
    the winner a full fit. The silhouette is measured on at most ``sample`` points. Feedback
    has a flat silhouette curve, so the smallest k within ``tolerance`` (relative) of the best
    score wins: fewer themes, easier to read, and steadier when quotes are added.

    Attributes:
        chosen_k_: the number of clusters of the last fit.
        scores_: silhouette score per candidate k of the last search (empty when ``k`` is given).
    """

    k: int | None = None
    max_k: int = config.THEME_MAX_COUNT
    min_k: int = config.THEME_MIN_COUNT
    n_init: int = 10
    search_n_init: int = 3
    sample: int = 2000
    tolerance: float = config.THEME_SILHOUETTE_TOLERANCE
    at_least: int = 0
    seed: int = config.THEME_SEED
    chosen_k_: int | None = field(init=False, repr=False, compare=False, default=None)
    scores_: dict[int, float] | None = field(init=False, repr=False, compare=False, default=None)

    def candidates(self, n: int) -> list[int]:
        """The numbers of clusters tried for ``n`` points."""
        hi = max(2, min(self.max_k, int(math.sqrt(n)), n // 3))
        lo = max(2, min(self.min_k, hi // 2), min(self.at_least, hi))
        return list(range(lo, hi + 1))

    def fit_predict(self, features: np.ndarray) -> np.ndarray:
        """Cluster numbers for each row."""
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        n = len(features)
        if n < 4:
            self.chosen_k_ = 1
            return np.zeros(n, dtype=int)
        k = self.k
        self.scores_ = {}
        if k is None:
            rng = np.random.default_rng(self.seed)
            sample = np.sort(rng.choice(n, size=min(n, self.sample), replace=False))
            for cand in self.candidates(n):
                labels = KMeans(cand, n_init=self.search_n_init, random_state=self.seed).fit_predict(features)
                if len(set(labels[sample])) < 2:
                    continue
                self.scores_[cand] = round(float(silhouette_score(features[sample], labels[sample])), 4)
            if self.scores_:
                top = max(self.scores_.values())
                k = min(c for c, v in self.scores_.items() if v >= top - self.tolerance * abs(top))
            else:
                k = 2
        k = max(1, min(k, n))
        self.chosen_k_ = k
        return KMeans(k, n_init=self.n_init, random_state=self.seed).fit_predict(features)
