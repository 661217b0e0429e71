"""The theme guide: fitting, saving and loading (no pickle), out-of-fold probabilities, and the reducer."""

from __future__ import annotations

import numpy as np
import pytest

from voice import config
from voice.themes import (
    CategoryGuide,
    GuidedReducer,
    GuideError,
    HybridReducer,
    OutOfFoldGuide,
    default_guide,
)


class Embedder64:
    version = "fake-64"


def blobs(n_per: int = 40, dim: int = 16, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((3, dim)) * 3
    x = np.vstack([c + rng.standard_normal((n_per, dim)) for c in centres])
    cats = [name for name in ("staff", "waiting", "food") for _ in range(n_per)]
    return x.astype(np.float32), cats


def test_fit_learns_categories_and_leaves_rare_ones_out():
    x, cats = blobs()
    x = np.vstack([x, x[:3]])
    cats = [*cats, "rare", "rare", "rare"]
    guide = CategoryGuide.fit(x, cats, min_count=8)
    assert guide.categories == ("food", "staff", "waiting")
    assert guide.meta["left_out_categories"] == ["rare"] and guide.meta["category_counts"]["staff"] == 40
    p = guide.transform(x[:120])
    assert np.allclose(p.sum(axis=1), 1)
    predicted = np.array(guide.categories)[p.argmax(axis=1)]
    assert (predicted == np.array(cats[:120])).mean() > 0.95
    with pytest.raises(ValueError, match="at least 2 categories"):
        CategoryGuide.fit(x[:40], cats[:40])


def test_save_and_load_round_trip_and_broken_files_are_named(tmp_path):
    x, cats = blobs()
    guide = CategoryGuide.fit(x, cats)
    guide.meta["embedding"] = "fake-64"
    guide.save(tmp_path / "g")
    back = CategoryGuide.load(tmp_path / "g")
    assert back.categories == guide.categories and back.meta["embedding"] == "fake-64"
    assert np.allclose(back.transform(x), guide.transform(x), atol=1e-6)
    (tmp_path / "g" / "guide.npz").write_bytes(b"not an npz")
    with pytest.raises(GuideError, match="voice train-themes"):
        CategoryGuide.load(tmp_path / "g")
    with pytest.raises(GuideError, match="cannot be read"):
        CategoryGuide.load(tmp_path / "missing")


def test_out_of_fold_guide_never_scores_a_row_with_a_guide_that_saw_it():
    x, cats = blobs()
    # a row whose category contradicts its cluster: a guide that saw it would lean towards its label
    cats = list(cats)
    cats[0] = "waiting"
    texts = [f"t{i}" for i in range(120)]
    oof = OutOfFoldGuide(texts, x, cats, folds=5)
    p = oof.probabilities(texts, x)
    assert p.shape == (120, 3) and oof.categories == ("food", "staff", "waiting")
    assert oof.categories[int(p[0].argmax())] == "staff"
    assert np.allclose(p.sum(axis=1), 1, atol=1e-5)
    # a sentence of a text is scored by its owner's fold guide
    assert np.allclose(oof.probabilities(["t0"], x[:1]), p[:1])
    in_sample = CategoryGuide.fit(x, cats, min_count=1).transform(x[:1])
    assert in_sample[0][2] > p[0][2]  # the guide that saw row 0 believes its label more


def test_guided_reducer_uses_the_guide_only_for_its_own_embedding_model():
    x, cats = blobs()
    guide = CategoryGuide.fit(x, cats)
    guide.meta["embedding"] = "another-model"
    texts = [f"t{i}" for i in range(len(x))]
    words_off = HybridReducer(word_weight=0)
    plain = GuidedReducer(use_guide=False, hybrid=words_off).fit_transform(texts, x, Embedder64())
    refused = GuidedReducer(guide=guide, hybrid=words_off).fit_transform(texts, x, Embedder64())
    assert np.allclose(plain, refused)
    guide.meta["embedding"] = "fake-64"
    guided = GuidedReducer(guide=guide, hybrid_weight=0).fit_transform(texts, x, Embedder64())
    assert guided.shape == (120, 3)
    assert np.allclose(np.linalg.norm(guided, axis=1), 1, atol=1e-5)


def test_the_shipped_guide_loads_offline():
    guide = default_guide()
    assert guide is not None, f"no guide in {config.THEME_GUIDE_DIR}: run `voice train-themes`"
    assert len(guide.categories) >= 20 and guide.coef.shape == (len(guide.categories), 384)
    assert guide.meta["embedding"].startswith("all-MiniLM-L6-v2")


def test_sentence_share_mixes_the_mean_of_a_quotes_sentences():
    x, cats = blobs()
    guide = CategoryGuide.fit(x, cats)
    vectors = {"Staff were kind.": x[0], "The wait was long.": x[40], "Food was cold.": x[80]}

    class Lookup:
        version = "fake-64"

        def embed(self, texts, progress=None):  # type: ignore[no-untyped-def]
            return np.vstack([vectors[t] for t in texts])

    texts = ["Staff were kind. The wait was long.", "Food was cold."]
    emb = np.vstack([x[1], x[80]])
    reducer = GuidedReducer(guide=guide, sentence_share=0.5)
    p = reducer.topic_probabilities(guide, texts, emb, Lookup())
    whole = guide.transform(emb / np.linalg.norm(emb, axis=1, keepdims=True))
    unit = np.vstack([vectors["Staff were kind."], vectors["The wait was long."]])
    sentences = guide.transform(unit / np.linalg.norm(unit, axis=1, keepdims=True)).mean(axis=0)
    assert np.allclose(p[0], 0.5 * whole[0] + 0.5 * sentences, atol=1e-5)
    assert np.allclose(p[1], whole[1], atol=1e-6)  # one sentence: the whole quote
