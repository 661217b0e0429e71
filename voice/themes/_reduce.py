"""Reducers: the features the clusterer sees.

* :class:`HybridReducer`: sentence embedding + an IDF-weighted mean of the embeddings of the
  quote's lemmas (a "what is it about" view), PCA, then each point nudged towards its nearest
  neighbours. Plain 384-d embeddings have almost no cluster structure; this gives k-means
  something to find.
* :class:`GuidedReducer`: the theme guide's topic space beside the hybrid features.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from voice import config
from voice.embed import Embedder, unit_rows
from voice.text import split_sentences
from voice.themes._base import Guide, check_step
from voice.themes._text import text_terms


@dataclass
class HybridReducer:
    """Sentence embedding ⊕ lemma-embedding view → PCA → neighbour smoothing → unit length.

    Args:
        word_weight: weight of the lemma view beside the sentence embedding (0: embedding only).
        components: PCA dimensions (fewer when there are fewer quotes).
        neighbours: each point moves towards the mean of this many nearest neighbours
            (0 turns smoothing off; it is off below ``min_smooth`` quotes).
        smooth_steps: how many times the smoothing is repeated (neighbours found again each time).
        seed: PCA random state.
    """

    word_weight: float = 1.0
    components: int = 50
    neighbours: int = 10
    min_smooth: int = 50
    smooth_steps: int = 1
    seed: int = config.THEME_SEED

    def lemma_view(self, texts: Sequence[str], embedder: Embedder, dim: int) -> np.ndarray:
        """IDF-weighted mean of the embeddings of each text's lemmas (zeros for no content words)."""
        terms = text_terms(texts)
        df = Counter(lemma for t in terms for lemma in set(t.lemmas))
        vocab = sorted(df)
        out = np.zeros((len(texts), dim), dtype=np.float32)
        if not vocab:
            return out
        vecs = embedder.embed(vocab)
        index = {w: i for i, w in enumerate(vocab)}
        n = len(texts)
        idf = np.array([math.log(1 + n / df[w]) for w in vocab], dtype=np.float32)
        for row, t in enumerate(terms):
            if t.lemmas:
                ids = [index[w] for w in t.lemmas]
                out[row] = (vecs[ids] * idf[ids, None]).sum(axis=0)
        return unit_rows(out)

    def fit_transform(self, texts: Sequence[str], embeddings: np.ndarray, embedder: Embedder) -> np.ndarray:
        """Hybrid features for clustering."""
        from sklearn.decomposition import PCA

        emb = unit_rows(embeddings)
        x = emb
        if self.word_weight:
            x = np.hstack([emb, self.word_weight * self.lemma_view(texts, embedder, emb.shape[1])])
        n = len(texts)
        dims = min(self.components, n - 1, x.shape[1])
        if dims >= 2 and n > dims:
            x = PCA(dims, random_state=self.seed).fit_transform(x)
        x = unit_rows(x)
        k = min(self.neighbours, n - 1)
        if k >= 2 and n >= self.min_smooth:
            from sklearn.neighbors import NearestNeighbors

            for _ in range(max(1, self.smooth_steps)):
                idx = NearestNeighbors(n_neighbors=k + 1).fit(x).kneighbors(x, return_distance=False)
                x = unit_rows(x + x[idx[:, 1:]].mean(axis=1))
        return x


def meaning_reducer() -> HybridReducer:
    """How children's quotes are clustered, in a file and in a store: the sentence embedding alone
    (no lemma view, no NHS guide)."""
    return HybridReducer(word_weight=0.0)


@dataclass
class GuidedReducer:
    """The guide's topic space ⊕ (weighted) hybrid features → unit length.

    Each quote becomes the square roots of its category probabilities under the theme guide
    (``voice.themes._guide``; the Hellinger embedding of a distribution, so one dominant
    category does not swamp the rest), centred on this set's mean, beside ``hybrid_weight`` times the
    :class:`HybridReducer` features. Without a guide (none shipped, or ``use_guide=False``) this is
    the hybrid reducer alone.

    Args:
        guide: a :class:`~voice.themes.Guide` (``CategoryGuide``, ``OutOfFoldGuide``); None
            loads the shipped one.
        use_guide: False ignores any guide: the hybrid reducer alone.
        hybrid_weight: weight of the hybrid features (0: the guide's space only).
        sentence_share: weight of the mean of the sentences' probabilities against the whole
            quote's (0: the whole quote only).
        hybrid: the unsupervised reducer beside the guide.
    """

    guide: Guide | None = None
    use_guide: bool = True
    hybrid_weight: float = config.THEME_GUIDE_HYBRID_WEIGHT
    sentence_share: float = config.THEME_GUIDE_SENTENCE_SHARE
    hybrid: HybridReducer = field(default_factory=HybridReducer)

    def __post_init__(self) -> None:
        if self.guide is False:
            raise TypeError("guide=False is not a guide: pass use_guide=False to reduce without one")
        if self.guide is not None:
            check_step(self.guide, Guide, "guide")

    def _guide(self) -> Guide | None:
        if not self.use_guide:
            return None
        if self.guide is None:
            from voice.themes._guide import default_guide

            return default_guide()
        return self.guide

    def topic_probabilities(
        self, guide: Guide, texts: Sequence[str], embeddings: np.ndarray, embedder: Embedder
    ) -> np.ndarray:
        """The guide's probabilities of each quote, mixed with the mean over its sentences.

        A quote that thanks in one sentence and says "they don't act on what I say" in the
        next is about both; the whole-quote embedding tends to hear only the louder one.
        """
        whole = guide.probabilities(texts, unit_rows(embeddings))
        if not self.sentence_share:
            return whole
        parts = [split_sentences(t) for t in texts]
        multi = [i for i, p in enumerate(parts) if len(p) > 1]
        if not multi:
            return whole
        flat = [s for i in multi for s in parts[i]]
        owners = [texts[i] for i in multi for _ in parts[i]]
        per_sentence = guide.probabilities(owners, unit_rows(embedder.embed(flat)))
        mean = whole.copy()
        start = 0
        for i in multi:
            n = len(parts[i])
            mean[i] = per_sentence[start : start + n].mean(axis=0)
            start += n
        return (1 - self.sentence_share) * whole + self.sentence_share * mean

    def _suited(self, embedder: Embedder, embeddings: np.ndarray) -> Guide | None:
        guide = self._guide()
        if guide is not None and not guide.suits(embedder, embeddings):
            return None  # learned on another embedding model: its topic space means nothing here
        return guide

    def category_names(
        self, groups: Mapping[str, Sequence[str]], embeddings: Mapping[str, np.ndarray], embedder: Embedder
    ) -> dict[str, str]:
        """Group id -> the guide category that dominates the group (``voice.themes._guide.
        dominant_categories``; ``embeddings``: each group's rows), for groups one category
        dominates; nothing without a guide, or with one that has no category names."""
        rows = {g: np.asarray(e) for g, e in embeddings.items() if len(groups.get(g, ()))}
        guide = self._suited(embedder, next(iter(rows.values()))) if rows else None
        categories = getattr(guide, "categories", None)
        if guide is None or not categories:
            return {}
        from voice.themes._guide import dominant_categories

        probs = {g: self.topic_probabilities(guide, list(groups[g]), e, embedder) for g, e in rows.items()}
        return dominant_categories(tuple(categories), probs)

    def fit_transform(self, texts: Sequence[str], embeddings: np.ndarray, embedder: Embedder) -> np.ndarray:
        """Guided features for clustering."""
        guide = self._suited(embedder, embeddings)
        if guide is None:
            return self.hybrid.fit_transform(texts, embeddings, embedder)
        root = np.sqrt(self.topic_probabilities(guide, texts, embeddings, embedder))
        topic = unit_rows(root - root.mean(axis=0))  # Hellinger: one dominant category does not swamp
        if not self.hybrid_weight:
            return topic
        hybrid = self.hybrid.fit_transform(texts, embeddings, embedder)
        return unit_rows(np.hstack([topic, self.hybrid_weight * hybrid]))
