"""The shipped model also learns from real children's words (corpus/children/train.csv), never test rows."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest
from conftest import ROOT

from voice import config
from voice.classify import children_training_set, corpus_training_set
from voice.classify._evaluate import voice_candidate


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def test_children_training_rows_are_weighted_and_never_test_rows() -> None:
    kids = children_training_set()
    assert len(kids) >= 500  # train.csv and train2.csv
    assert set(kids.weights) == {config.CHILDREN_TRAINING_WEIGHT}
    assert set(kids.origins) == {"corpus:children_train"}
    with (ROOT / "corpus" / "children" / "quotes.csv").open(newline="", encoding="utf-8") as fh:
        test_rows = list(csv.DictReader(fh))
    for name in [f"fresh{n}.csv" for n in ("", 2, 3, 4, 5, 6, 7, 8, 9, 10)]:
        with (ROOT / "corpus" / "children" / name).open(newline="", encoding="utf-8") as fh:
            test_rows += list(csv.DictReader(fh))
    assert not {_norm(t) for t in kids.texts} & {_norm(r["text"]) for r in test_rows}
    train_urls = set()
    for path in config.CHILDREN_TRAINING_FILES:
        with path.open(newline="", encoding="utf-8") as fh:
            train_urls |= {r["url"] for r in csv.DictReader(fh)}
    assert not train_urls & {r["url"] for r in test_rows}  # no report on both sides


def test_the_shipped_model_was_trained_on_exactly_the_corpus_training_set() -> None:
    data = corpus_training_set()
    meta = json.loads((ROOT / "models" / "voice-default" / "meta.json").read_text())
    assert meta["data_hash"] == data.digest()
    assert meta["rows_per_origin"]["corpus:children_train"] == len(children_training_set())


def test_evaluate_trains_every_fold_on_the_always_rows_and_never_scores_them(monkeypatch) -> None:
    seen: list[tuple[int, float]] = []
    from voice.classify import _evaluate

    class Spy(_evaluate.FeedbackClassifier):
        def fit(self, X, y, **kw):
            seen.append((len(X), float(np.sum(kw["sample_weight"]))))
            return super().fit(X, y, **kw)

    monkeypatch.setattr(_evaluate, "FeedbackClassifier", Spy)
    rng = np.random.default_rng(0)
    texts = [f"quote {i}" for i in range(30)]
    labels = ["good", "not_so_good", "unsure"] * 10
    emb = rng.standard_normal((30, 8))
    always = (
        ["extra a", "extra b"],
        ["good", "unsure"],
        [None, None],
        rng.standard_normal((2, 8)),
        np.array([4.0, 4.0]),
    )
    cand = voice_candidate(texts, labels, [None] * 30, emb, features=("embedding",), always_train=always)
    tr, te = np.arange(20), np.arange(20, 30)
    pred, proba = cand.fit_predict(tr, te)
    assert seen == [(22, 28.0)]  # 20 fold rows + 2 always rows weighing 4 each
    assert len(pred) == len(te) and proba.shape == (10, 3)


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("fresh.csv", 130),
        ("fresh2.csv", 91),
        ("fresh3.csv", 104),
        ("fresh4.csv", 94),
        ("fresh5.csv", 85),
        ("fresh6.csv", 69),
        ("fresh7.csv", 27),
        ("fresh8.csv", 70),
        ("fresh9.csv", 72),
        ("fresh10.csv", 75),
    ],
)
def test_the_fresh_blind_sets_are_never_training_data(name: str, rows: int) -> None:
    """corpus/children/fresh*.csv were collected blind to Voice; they only measure (FRESH*.md)."""
    with (ROOT / "corpus" / "children" / name).open(newline="", encoding="utf-8") as fh:
        fresh = list(csv.DictReader(fh))
    assert len(fresh) == rows and {r["split"] for r in fresh} == {name.removesuffix(".csv")}
    trained_on = {_norm(t) for t in corpus_training_set().texts}
    assert not trained_on & {_norm(r["text"]) for r in fresh}
