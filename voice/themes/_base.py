"""The step protocols of the theme engine, and the centre of a set of unit vectors.

Each step is a small protocol with one signature and plain data in and out;
:func:`voice.themes.build_themes` takes any object that has the method (BERTopic's pluggable
steps, without its one giant class).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import numpy as np

from voice.embed import EMBEDDING_DIM, Embedder, unit_rows

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while texts are embedded."""


def centre(vectors: np.ndarray) -> np.ndarray:
    """The unit-length mean direction of unit vectors."""
    if not len(vectors):
        return np.zeros(vectors.shape[1] if vectors.ndim == 2 else EMBEDDING_DIM, dtype=np.float32)
    return unit_rows(np.asarray(vectors, dtype=np.float32).mean(axis=0, keepdims=True))[0]


class Reducer(Protocol):
    """Turns quotes and their sentence embeddings into the features the clusterer sees."""

    def fit_transform(self, texts: Sequence[str], embeddings: np.ndarray, embedder: Embedder) -> np.ndarray:
        """Features, one row per text."""
        ...


class Clusterer(Protocol):
    """Groups feature rows; returns a cluster number per row, -1 for an outlier."""

    def fit_predict(self, features: np.ndarray) -> np.ndarray:
        """Cluster numbers (0..k-1, or -1)."""
        ...


class Labeller(Protocol):
    """Keywords and a short readable label for each group of texts."""

    def keywords(self, groups: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
        """The top keywords of each group, most distinctive first."""
        ...

    def label(self, keywords: Sequence[str]) -> str:
        """A short label from a group's keywords."""
        ...


class RepresentativePicker(Protocol):
    """Chooses the quotes that best show what a theme is about."""

    def pick(self, texts: Sequence[str], embeddings: np.ndarray) -> list[int]:
        """Indices into ``texts``, best first."""
        ...
