"""The step protocols of the theme engine, the check of plugged objects, and the centre of a set
of unit vectors.

Each step is a small protocol with one signature and plain data in and out;
:func:`voice.themes.build_themes` takes any object that has the methods (BERTopic's pluggable
steps, without its one giant class) and reads nothing else from it. :func:`check_step` names a
missing method before any work is done.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from voice.embed import EMBEDDING_DIM, Embedder, unit_rows
from voice.records import ProgressCallback

Progress = ProgressCallback
"""Called as ``progress(done, total)`` while texts are embedded (:data:`voice.records.ProgressCallback`)."""


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
    """Groups feature rows; returns a cluster number per row, -1 for an outlier.

    scikit-learn's ``fit_predict(X)``, so its clusterers plug in as they are
    (``AgglomerativeClustering(n_clusters=8)``, ``HDBSCAN()``). The engine reads only the labels:
    the number of themes found is counted from them.
    """

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


class Guide(Protocol):
    """A theme guide: category probabilities of quotes, the topic space of :class:`GuidedReducer`."""

    def probabilities(self, owners: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """One row of category probabilities per embedding; ``owners`` is the quote each row is from."""
        ...

    def suits(self, embedder: Embedder, embeddings: np.ndarray) -> bool:
        """Whether the guide was learned on this embedder's model (else it is not used)."""
        ...


def protocol_members(protocol: type) -> list[str]:
    """The methods and attributes a protocol declares (its public names and annotations)."""
    names: list[str] = []
    for cls in reversed(protocol.__mro__):
        if cls in (object, Protocol) or not getattr(cls, "_is_protocol", False):
            continue
        names += [n for n in inspect.get_annotations(cls) if not n.startswith("_")]
        names += [n for n, v in vars(cls).items() if callable(v) and not n.startswith("_")]
    return list(dict.fromkeys(names))


def check_step(obj: object, protocol: type, role: str) -> None:
    """Raise :class:`TypeError` naming what ``obj`` lacks to serve as ``role`` (a ``protocol``)."""
    missing = []
    for name in protocol_members(protocol):
        declared = getattr(protocol, name, None)
        value = getattr(obj, name, None)
        if value is None or (callable(declared) and not callable(value)):
            missing.append(name)
    if missing:
        raise TypeError(
            f"{role} {type(obj).__name__} has no {', '.join(missing)}: "
            f"it must have what {protocol.__module__.split('._')[0]}.{protocol.__name__} declares"
        )


def check_steps(
    embedder: object | None = None,
    *,
    reducer: object | None = None,
    clusterer: object | None = None,
    labeller: object | None = None,
    picker: object | None = None,
) -> None:
    """Raise :class:`TypeError` naming the method a plugged step lacks (None: the default step)."""
    for obj, protocol, role in (
        (embedder, Embedder, "embedder"),
        (reducer, Reducer, "reducer"),
        (clusterer, Clusterer, "clusterer"),
        (labeller, Labeller, "labeller"),
        (picker, RepresentativePicker, "picker"),
    ):
        if obj is not None:
            check_step(obj, protocol, role)
