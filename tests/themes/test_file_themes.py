"""A file of children's quotes: clusters of its own, drawn towards the framework and named by it
where they fit (``voice themes FILE``, scheme ``children``)."""

from __future__ import annotations

import csv
from collections import Counter

import numpy as np
import pytest
from conftest import ROOT

from voice import config
from voice.embed import CachedEmbedder, EmbeddingCache, unit_rows
from voice.records import Quote
from voice.themes import theme_with_scheme
from voice.themes._build import Anchor, _adopted, _coherence, _zero_shot
from voice.themes._cluster import KMeansClusterer
from voice.themes._reduce import AnchoredReducer


def unit(*xs: float) -> np.ndarray:
    v = np.asarray(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


E1, E2 = unit(1, 0, 0, 0), unit(0, 1, 0, 0)
SCHOOL = Anchor("pin-school", "school", E1, 0.35, examples=E1[None, :])
FAMILY = Anchor("pin-family", "family", E2, 0.35, examples=E2[None, :])


# -- fast: the steps ---------------------------------------------------------------------------------


def test_a_quote_that_fits_a_theme_moves_a_quarter_of_the_way_and_one_that_fits_none_stays() -> None:
    near, far = unit(0.6, 0, 0.8, 0), unit(0.1, 0.1, 0, 1)
    out = AnchoredReducer([SCHOOL, FAMILY]).fit_transform(["a", "b"], np.stack([near, far]), None)  # type: ignore[arg-type]
    np.testing.assert_allclose(out[0], unit_rows((0.75 * near + 0.25 * E1)[None, :])[0], atol=1e-6)
    np.testing.assert_allclose(out[1], far, atol=1e-6)
    assert out[0] @ E1 > near @ E1


def test_the_number_of_themes_tried_follows_the_quotes_per_theme() -> None:
    clusterer = KMeansClusterer(quotes_per_theme=(5, 8))
    assert clusterer.candidates(40) == [5, 6, 7, 8]
    assert clusterer.candidates(116) == list(range(14, 21))  # at most THEME_MAX_COUNT
    assert KMeansClusterer().candidates(40) == [3, 4, 5, 6]  # the NHS path as before


def test_a_cluster_most_of_whose_quotes_fit_one_theme_takes_its_name_and_two_such_clusters_join() -> None:
    emb = np.stack([unit(1, 0.2, 0, 0), unit(1, 0, 0.3, 0), unit(0, 0, 1, 0), unit(1, 0, 0, 0.3)])
    groups = {"a": [0, 1, 2], "b": [3], "c": [2]}
    assert _adopted(groups, emb, [SCHOOL, FAMILY], 0.5) == {"a": "pin-school", "b": "pin-school"}


def test_a_loose_cluster_is_split_among_the_themes_its_quotes_fit() -> None:
    emb = np.stack([unit(1, 0.1, 0, 0), unit(0.1, 1, 0, 0), unit(0, 0, 1, 0.1), unit(0, 0, 0.1, 1)])
    assert _coherence(emb) < config.THEME_EMERGENT_MIN_COHERENCE
    assignment: dict[str, str] = {}
    answered = [Quote(text=t, id=t) for t in ("s", "f", "x", "y")]
    left = _zero_shot([0, 1, 2, 3], answered, emb, [SCHOOL, FAMILY], assignment)
    assert assignment == {"s": "pin-school", "f": "pin-family"} and left == [2, 3]
    tight = np.stack([unit(0, 0, 1, 0.1), unit(0, 0.1, 1, 0), unit(0.1, 0, 1, 0)])
    assert _coherence(tight) > config.THEME_EMERGENT_MIN_COHERENCE


# -- real MiniLM -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> CachedEmbedder:
    d = tmp_path_factory.getbasetemp() / "file-themes-embeddings"
    d.mkdir(exist_ok=True)
    return CachedEmbedder(cache=EmbeddingCache(d / "embeddings.sqlite"))


PA = [  # care leavers on their personal adviser, about many things: the framework scatters them
    "My PA never answers her phone when I need help with my council tax.",
    "My PA rang me every week during lockdown just to check I was okay.",
    "I didn't know who my PA was for months after I turned 18.",
    "My PA helped me fill in my universal credit form.",
    "When my PA left nobody told me who my new one was.",
    "My PA took me food shopping when I had no money left.",
    "I can text my PA any time and she gets back to me the same day.",
    "My PA helped me get a counsellor when my anxiety got bad.",
    "My PA came to see my new flat and helped me get a sofa.",
    "I only see my PA twice a year, it's not enough.",
]


def demo_quotes(period: str) -> list[Quote]:
    with (ROOT / "corpus" / "demo" / "demo_quotes.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["period"] == period and " PA" not in r["text"]]
    return [Quote(text=r["text"], id=f"d{i}") for i, r in enumerate(rows[:40])]


@pytest.mark.slow
def test_quotes_about_one_subject_the_framework_splits_stay_together(real: CachedEmbedder) -> None:
    pa = [Quote(text=t, id=f"pa{i}") for i, t in enumerate(PA)]
    r, _ = theme_with_scheme([*demo_quotes("2016/17 Q1"), *pa], "children", real)
    where = Counter(r.theme_of(q.id) for q in pa)
    assert where.most_common(1)[0][1] >= 8, [(r.label_of(q.id), q.text) for q in pa]
    assert 4 <= len(r.themes) <= 10 and min(t.size for t in r.themes) >= config.SMALL_NUMBER_THRESHOLD


@pytest.mark.slow
def test_a_demo_quarter_is_named_by_the_framework_and_answers_without_a_topic_are_quoted(
    real: CachedEmbedder,
) -> None:
    with (ROOT / "corpus" / "demo" / "demo_quotes.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["period"] == "2017/18 Q4"]
    quotes = [Quote(text=r["text"], id=f"d{i}") for i, r in enumerate(rows)]
    r, _ = theme_with_scheme(quotes, "children", real)
    assert sum(t.id.startswith("pin-") for t in r.themes) >= 4, [(t.label, t.size) for t in r.themes]
    fine = r.theme_of(next(q.id for q in quotes if q.text == "It's fine. Nothing to add."))
    assert r.theme(fine or "") is not None
    assert r.theme(fine or "").label.startswith("like “"), r.theme(fine or "")  # type: ignore[union-attr]
