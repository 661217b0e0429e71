"""The similarity part: how close each sentence is to the curated example disclosures.

A sentence is flagged when its nearest curated disclosure (``_examples.CONCERN_EXAMPLES``) is
at least ``min_similarity`` close by cosine and closer, by ``margin``, than its nearest calm
example (ordinary feedback, negated or resolved harm, everyday hurts). The calm side is what
lets embeddings respect "nobody hurts me" and "now we're safe" at least as well as words do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voice.embed import Embedder, unit_rows

from ._examples import CALM_EXAMPLES, CONCERN_EXAMPLES


@dataclass(frozen=True)
class Nearest:
    """For one sentence: its nearest curated disclosure (text, kind, cosine) and nearest calm cosine."""

    example: str
    kind: str
    similarity: float
    calm: float

    @property
    def margin(self) -> float:
        """How much closer the sentence is to a disclosure than to anything calm."""
        return self.similarity - self.calm


class ExampleIndex:
    """The curated examples embedded once by ``embedder``; ``nearest`` compares sentences with them."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        texts = [t for t, _ in CONCERN_EXAMPLES] + list(CALM_EXAMPLES)
        vecs = unit_rows(embedder.embed(texts))
        n = len(CONCERN_EXAMPLES)
        self.concern = vecs[:n]
        self.calm = vecs[n:]

    def nearest(self, vectors: np.ndarray) -> list[Nearest]:
        """One ``Nearest`` per row of ``vectors`` (unit sentence embeddings)."""
        if len(vectors) == 0:
            return []
        x = unit_rows(vectors)
        sim_c = x @ self.concern.T
        sim_n = x @ self.calm.T
        best = sim_c.argmax(axis=1)
        out = []
        for i, j in enumerate(best):
            text, kind = CONCERN_EXAMPLES[int(j)]
            out.append(Nearest(text, kind, float(sim_c[i, j]), float(sim_n[i].max())))
        return out


def training_examples() -> tuple[Sequence[str], Sequence[int]]:
    """The curated sentences with labels (1 disclosure, 0 calm), for the classifier head."""
    texts = [t for t, _ in CONCERN_EXAMPLES] + list(CALM_EXAMPLES)
    labels = [1] * len(CONCERN_EXAMPLES) + [0] * len(CALM_EXAMPLES)
    return texts, labels
