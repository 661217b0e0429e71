"""Every theme step honours its protocol (scikit-learn's ``parametrize_with_checks``, in small).

Each implementation, and scikit-learn clusterers as they are, is checked for shapes, the -1
outlier label, the same result from the same seed, and that ``build_themes`` takes it. Plugged
objects that lack a method are refused when ``build_themes`` starts, before any embedding.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from sklearn.cluster import HDBSCAN, AgglomerativeClustering, KMeans

import voice.store as theme_store
from voice.records import Quote
from voice.themes import (
    OTHER,
    CategoryGuide,
    CentreDiversePicker,
    Clusterer,
    CTfidfLabeller,
    Guide,
    GuidedReducer,
    HybridReducer,
    KMeansClusterer,
    Labeller,
    OutOfFoldGuide,
    PhraseLabeller,
    Reducer,
    RepresentativePicker,
    build_themes,
    themes_for_period,
)
from voice.themes._base import check_step

TOPICS = {
    "school": ["school", "teacher", "lessons", "homework", "classroom", "exams"],
    "worker": ["social", "worker", "visits", "calls", "phoned", "changed"],
    "home": ["foster", "carer", "bedroom", "house", "placement", "moved"],
}


def corpus(per_topic: int = 20, seed: int = 0) -> list[Quote]:
    """Quotes of three made-up topics, four topic words each."""
    rng = np.random.default_rng(seed)
    return [
        Quote(text=f"{' '.join(rng.choice(words, size=4, replace=False))} {topic}{i}", source="test")
        for topic, words in TOPICS.items()
        for i in range(per_topic)
    ]


class SoftmaxGuide:
    """A guide over four made-up categories: the softmax of the first four embedding columns."""

    def probabilities(self, owners, embeddings):  # type: ignore[no-untyped-def]
        z = np.asarray(embeddings, dtype=np.float64)[:, :4] * 5
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def suits(self, embedder, embeddings):  # type: ignore[no-untyped-def]
        return True


class MarksOutliers:
    """k-means with k=3 that calls the first five rows outliers (-1), as HDBSCAN would."""

    def fit_predict(self, features):  # type: ignore[no-untyped-def]
        labels = KMeans(3, n_init=3, random_state=0).fit_predict(features)
        labels[:5] = -1
        return labels


REDUCERS: dict[str, Callable[[], Reducer]] = {
    "hybrid": HybridReducer,
    "hybrid-sentences-only": lambda: HybridReducer(word_weight=0),
    "guided-without-guide": lambda: GuidedReducer(use_guide=False),
    "guided": lambda: GuidedReducer(guide=SoftmaxGuide()),
    "guided-topic-only": lambda: GuidedReducer(guide=SoftmaxGuide(), hybrid_weight=0),
}
CLUSTERERS: dict[str, Callable[[], Clusterer]] = {
    "kmeans-silhouette": KMeansClusterer,
    "kmeans-k3": lambda: KMeansClusterer(k=3),
    "sklearn-agglomerative": lambda: AgglomerativeClustering(n_clusters=3),
    "sklearn-hdbscan": lambda: HDBSCAN(min_cluster_size=5, copy=True),
    "marks-outliers": MarksOutliers,
}
LABELLERS: dict[str, Callable[..., Labeller]] = {
    "ctfidf": lambda embedder: CTfidfLabeller(),
    "ctfidf-reranked": lambda embedder: CTfidfLabeller(embedder=embedder),
    "phrase": lambda embedder: PhraseLabeller(embedder=embedder),
}
PICKERS: dict[str, Callable[[], RepresentativePicker]] = {
    "centre-diverse": CentreDiversePicker,
    "centre-diverse-3": lambda: CentreDiversePicker(n=3, min_words=2),
}


@pytest.fixture
def texts() -> list[str]:
    return [q.text for q in corpus()]


def features(texts: list[str], embedder) -> np.ndarray:  # type: ignore[no-untyped-def]
    return HybridReducer().fit_transform(texts, embedder.embed(texts), embedder)


# -- reducers ------------------------------------------------------------------------------


@pytest.mark.parametrize("make", REDUCERS.values(), ids=REDUCERS.keys())
def test_reducer_gives_one_finite_row_per_text_and_repeats_itself(make, texts, fake_embedder):
    emb = fake_embedder.embed(texts)
    check_step(make(), Reducer, "reducer")
    x = make().fit_transform(texts, emb, fake_embedder)
    assert x.ndim == 2 and x.shape[0] == len(texts) and x.shape[1] >= 2
    assert np.isfinite(x).all()
    assert np.array_equal(x, make().fit_transform(texts, emb, fake_embedder))


# -- clusterers ----------------------------------------------------------------------------


@pytest.mark.parametrize("make", CLUSTERERS.values(), ids=CLUSTERERS.keys())
def test_clusterer_gives_one_label_per_row_minus_one_for_outliers(make, texts, fake_embedder):
    x = features(texts, fake_embedder)
    check_step(make(), Clusterer, "clusterer")
    labels = np.asarray(make().fit_predict(x))
    assert labels.shape == (len(texts),) and np.issubdtype(labels.dtype, np.integer)
    assert labels.min() >= -1
    found = set(labels.tolist()) - {-1}
    assert found == set(range(len(found)))  # clusters are numbered 0 .. k-1
    assert np.array_equal(labels, np.asarray(make().fit_predict(x)))


# -- labellers -----------------------------------------------------------------------------


@pytest.mark.parametrize("make", LABELLERS.values(), ids=LABELLERS.keys())
def test_labeller_gives_keywords_for_every_group_and_a_short_label(make, texts, fake_embedder):
    groups = {"a": texts[:20], "b": texts[20:40], "c": texts[40:], "empty-words": ["the a to", "of it"]}
    lab = make(fake_embedder)
    check_step(lab, Labeller, "labeller")
    kw = lab.keywords(groups)
    assert set(kw) == set(groups)
    assert all(isinstance(k, tuple) and all(isinstance(w, str) and w for w in k) for k in kw.values())
    assert kw["a"] and kw["empty-words"] == ()
    assert kw == make(fake_embedder).keywords(groups)
    label = lab.label(kw["a"])
    assert isinstance(label, str) and 0 < len(label) < 60
    empty = lab.label(())
    assert isinstance(empty, str) and empty  # "(no keywords)" (c-TF-IDF), "mixed answers" (phrases)
    if hasattr(lab, "labels"):  # labels made from the quotes themselves (PhraseLabeller)
        made = lab.labels(groups)
        assert set(made) == set(groups) and all(isinstance(v, str) and v for v in made.values())
        assert made == make(fake_embedder).labels(groups)


# -- pickers -------------------------------------------------------------------------------


@pytest.mark.parametrize("make", PICKERS.values(), ids=PICKERS.keys())
def test_picker_gives_distinct_indices_best_first_and_repeats_itself(make, texts, fake_embedder):
    emb = fake_embedder.embed(texts)
    picker = make()
    check_step(picker, RepresentativePicker, "picker")
    picks = picker.pick(texts, emb)
    assert picks and all(isinstance(i, int) and 0 <= i < len(texts) for i in picks)
    assert len(set(picks)) == len(picks)
    assert picks == make().pick(texts, emb)
    assert make().pick([], np.zeros((0, emb.shape[1]), np.float32)) == []


# -- guides --------------------------------------------------------------------------------


def _guides(emb: np.ndarray, texts: list[str]) -> dict[str, Guide]:
    cats = [t.split()[-1].rstrip("0123456789") for t in texts]
    return {
        "category": CategoryGuide.fit(emb, cats, min_count=2),
        "out-of-fold": OutOfFoldGuide(texts, emb, cats, folds=3),
        "softmax": SoftmaxGuide(),
    }


@pytest.mark.parametrize("name", ["category", "out-of-fold", "softmax"])
def test_guide_gives_a_distribution_per_row(name, texts, fake_embedder):
    emb = fake_embedder.embed(texts)
    guide = _guides(emb, texts)[name]
    check_step(guide, Guide, "guide")
    p = guide.probabilities(texts, emb)
    assert p.shape[0] == len(texts) and np.allclose(p.sum(axis=1), 1, atol=1e-5) and (p >= 0).all()
    assert guide.suits(fake_embedder, emb) in (True, False)


def test_use_guide_false_ignores_a_given_guide(texts, fake_embedder):
    emb = fake_embedder.embed(texts)
    off = GuidedReducer(guide=SoftmaxGuide(), use_guide=False).fit_transform(texts, emb, fake_embedder)
    assert np.array_equal(off, HybridReducer().fit_transform(texts, emb, fake_embedder))


@pytest.mark.parametrize("guide", [False, object()], ids=["False", "object"])
def test_a_guide_without_its_methods_is_refused_when_the_reducer_is_made(guide):
    with pytest.raises(TypeError, match="use_guide=False" if guide is False else "probabilities, suits"):
        GuidedReducer(guide=guide)


# -- build_themes takes every step ---------------------------------------------------------


def _assert_result_is_whole(result, quotes: list[Quote]) -> None:  # type: ignore[no-untyped-def]
    ids = {q.id for q in quotes}
    assert set(result.assignment) == ids
    themed = {qid for t in result.themes for qid in t.quote_ids}
    assert themed | set(result.other) == ids and not themed & set(result.other)
    assert all(result.assignment[q] == OTHER for q in result.other)
    for t in result.themes:
        assert set(t.representative_ids) <= set(t.quote_ids)


@pytest.mark.parametrize("make", REDUCERS.values(), ids=REDUCERS.keys())
def test_build_themes_takes_every_reducer(make, fake_embedder):
    quotes = corpus()
    result = build_themes(quotes, fake_embedder, reducer=make(), clusterer=KMeansClusterer(k=3))
    _assert_result_is_whole(result, quotes)
    again = build_themes(quotes, fake_embedder, reducer=make(), clusterer=KMeansClusterer(k=3))
    assert again.assignment == result.assignment


@pytest.mark.parametrize("make", CLUSTERERS.values(), ids=CLUSTERERS.keys())
def test_build_themes_takes_every_clusterer(make, fake_embedder):
    quotes = corpus()
    reducer = GuidedReducer(use_guide=False)
    result = build_themes(quotes, fake_embedder, reducer=reducer, clusterer=make())
    _assert_result_is_whole(result, quotes)
    again = build_themes(quotes, fake_embedder, reducer=GuidedReducer(use_guide=False), clusterer=make())
    assert again.assignment == result.assignment and again.chosen_k == result.chosen_k


def test_chosen_k_counts_the_clusters_found_outliers_apart(fake_embedder):
    quotes = corpus()
    reducer = GuidedReducer(use_guide=False)
    agglomerative = AgglomerativeClustering(n_clusters=3)
    assert build_themes(quotes, fake_embedder, reducer=reducer, clusterer=agglomerative).chosen_k == 3
    assert build_themes(quotes, fake_embedder, reducer=reducer, clusterer=MarksOutliers()).chosen_k == 3
    kmeans = KMeansClusterer()
    result = build_themes(quotes, fake_embedder, reducer=reducer, clusterer=kmeans)
    assert result.chosen_k == kmeans.chosen_k_


@pytest.mark.parametrize("make", LABELLERS.values(), ids=LABELLERS.keys())
def test_build_themes_takes_every_labeller(make, fake_embedder):
    quotes = corpus()
    result = build_themes(
        quotes, fake_embedder, reducer=GuidedReducer(use_guide=False), labeller=make(fake_embedder)
    )
    _assert_result_is_whole(result, quotes)
    assert result.themes and all(t.label and t.keywords for t in result.themes)


@pytest.mark.parametrize("make", PICKERS.values(), ids=PICKERS.keys())
def test_build_themes_takes_every_picker(make, fake_embedder):
    quotes = corpus()
    result = build_themes(quotes, fake_embedder, reducer=GuidedReducer(use_guide=False), picker=make())
    _assert_result_is_whole(result, quotes)
    assert all(t.representative_ids for t in result.themes)


# -- plugged objects are checked before any work --------------------------------------------


class NoVersion:
    def embed(self, texts, progress=None):  # type: ignore[no-untyped-def]
        raise AssertionError("embedded before the steps were checked")


@pytest.mark.parametrize(
    ("step", "missing"),
    [("reducer", "fit_transform"), ("clusterer", "fit_predict"), ("labeller", "keywords, label"),
     ("picker", "pick")],
)  # fmt: skip
def test_build_themes_names_a_missing_method_before_embedding(step, missing, fake_embedder):
    with pytest.raises(TypeError, match=f"{step} object has no {missing}"):
        build_themes(corpus(), fake_embedder, **{step: object()})
    assert fake_embedder.calls == 0


def test_build_themes_refuses_an_embedder_without_a_version():
    with pytest.raises(TypeError, match=r"embedder NoVersion has no version.*voice\.embed\.Embedder"):
        build_themes(corpus(), NoVersion())


def test_a_scikit_learn_estimator_without_fit_predict_is_refused(fake_embedder):
    from sklearn.decomposition import PCA

    with pytest.raises(TypeError, match="clusterer PCA has no fit_predict"):
        build_themes(corpus(), fake_embedder, clusterer=PCA(2))


def test_themes_for_period_checks_the_steps_before_touching_the_store(store, fake_embedder):
    store.add_quotes(corpus())
    with pytest.raises(TypeError, match="clusterer object has no fit_predict"):
        themes_for_period(store, None, fake_embedder, clusterer=object())
    assert theme_store.stored_themes(store, include_retired=True) == []
    assert fake_embedder.calls == 0


def test_kmeans_learned_attributes_are_not_parameters():
    with pytest.raises(TypeError):
        KMeansClusterer(chosen_k_=5)  # type: ignore[call-arg]
    c = KMeansClusterer(k=3)
    assert "chosen_k_" not in repr(c) and c.chosen_k_ is None and c.scores_ is None
    c.fit_predict(np.random.default_rng(0).standard_normal((30, 4)))
    assert c.chosen_k_ == 3 and c == KMeansClusterer(k=3)
