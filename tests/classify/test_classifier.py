"""FeedbackClassifier: the estimator contract, calibration pieces, and the real shipped model."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from sklearn.base import clone

from voice.classify import (
    CLASSES,
    FeedbackClassifier,
    ModelError,
    TrainingSet,
    cue_features,
    fit_decision_weights,
    fit_temperature,
    load_model,
    question_kind,
    shipped_model_dir,
    split_sentences,
)

GOOD = [
    "they listen to me and help",
    "my worker is kind and helpful",
    "really supportive staff",
    "great help thank you",
]
BAD = [
    "nobody listens to me",
    "they never call back",
    "pointless meetings and rude staff",
    "they changed my words",
]
MIXED = ["it was ok i suppose", "some helped some did not", "not sure really", "kind of helped kind of not"]


def toy_data(n: int = 20):
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for i in range(n):
        for group, lab in ((GOOD, "good"), (BAD, "not_so_good"), (MIXED, "unsure")):
            texts.append(f"{group[i % 4]} {i}")
            labels.append(lab)
    emb = rng.normal(size=(len(texts), 8)).astype(np.float32)
    for k, lab in enumerate(labels):
        emb[k, list(CLASSES).index(lab)] += 3
    return texts, np.array(labels), emb


def test_constructor_stores_parameters_only_and_clone_works():
    clf = FeedbackClassifier(C=3.0, features=("tfidf",))
    assert clf.get_params()["C"] == 3.0
    assert not [a for a in vars(clf) if a.endswith("_")]
    assert clone(clf).get_params() == clf.get_params()


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda clf: clf.predict_proba(["x"]), id="predict_proba"),
        pytest.param(lambda clf: clf.predict(["x"]), id="predict"),
        pytest.param(lambda clf: clf.decide(np.full((1, 3), 1 / 3)), id="decide"),
        pytest.param(lambda clf: clf.explain("x", embed=lambda t: np.ones((len(t), 8))), id="explain"),
        pytest.param(lambda clf: clf.adapt(["x"], ["good"]), id="adapt"),
    ],
)
def test_unfitted_classifier_raises_not_fitted_error(call):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        call(FeedbackClassifier(features=("tfidf",)))


def test_fit_returns_self_and_learns():
    texts, labels, emb = toy_data()
    clf = FeedbackClassifier(features=("embedding", "tfidf", "cues"))
    assert clf.fit(texts, labels, embeddings=emb) is clf
    assert list(clf.classes_) == ["good", "not_so_good", "unsure"]
    proba = clf.predict_proba(texts, embeddings=emb)
    assert proba.shape == (len(texts), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert (clf.predict(texts, embeddings=emb) == labels).mean() > 0.9


def test_unknown_label_is_refused():
    with pytest.raises(ValueError, match="unknown labels"):
        FeedbackClassifier(features=("tfidf",)).fit(["a b", "a c"], ["good", "great"])


def test_user_caused_fit_errors_are_input_errors():
    from voice.errors import InputError

    clf = FeedbackClassifier(features=("tfidf",))
    with pytest.raises(InputError, match="unknown labels"):
        clf.fit(["a b", "a c"], ["good", "great"])
    with pytest.raises(InputError, match="no training quotes"):
        clf.fit([], [])
    texts, labels, _ = toy_data(5)
    with pytest.raises(InputError, match="fine-tuning needs calibration and at least 50 training quotes"):
        FeedbackClassifier(features=("tfidf",), fine_tune=True).fit(texts, labels)


def test_question_kind_and_cues():
    assert question_kind("What was good?") == 1
    assert question_kind("How could we improve?") == 2
    assert question_kind("FFT Why?") == 3
    assert question_kind(None) == 0
    mixed = cue_features("It helped but I don't know. It's ok I suppose.")
    plain = cue_features("They help me")
    assert mixed[0] > plain[0] and mixed[1] > plain[1] and mixed[2] > plain[2]
    assert split_sentences("One. Two! Three?") == ["One.", "Two!", "Three?"]


def test_temperature_and_decision_weights():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 600)
    logits = rng.normal(size=(600, 3))
    logits[np.arange(600), y] += 1.0
    sharp = logits * 4  # overconfident
    assert fit_temperature(sharp, y) > 2.0
    w = fit_decision_weights(np.exp(logits) / np.exp(logits).sum(1, keepdims=True), y)
    assert w[0] == 1.0 and w.shape == (3,)


# -- the shipped model, the real embedder ------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return load_model(shipped_model_dir())


def test_shipped_model_loads_offline_and_is_safe(shipped):
    d = shipped_model_dir()
    assert (d / "meta.json").exists() and (d / "weights.npz").exists()
    assert not list(d.glob("*.pkl")) and not list(d.glob("*.pickle"))
    meta = json.loads((d / "meta.json").read_text())
    assert meta["rows_per_class"]["good"] > 2000
    assert shipped.version.startswith("voice-default@")
    size = sum(f.stat().st_size for f in d.iterdir())
    assert size < 40_000_000  # the fine-tuned layers in float16 are ~22 MB of it


def test_shipped_model_on_clear_quotes(shipped, voice_home):
    labels, proba = shipped.classify(
        [
            "The social workers listen and they help me, they are very supportive.",
            "They don't act on what I say and the plan was pointless.",
        ]
    )
    assert list(labels) == ["good", "not_so_good"]
    assert proba.max(axis=1).min() > 0.5


def test_explanation_names_sentences_for_mixed_quote(shipped, voice_home):
    e = shipped.classifier.explain(
        "The staff were lovely and kind. But nobody ever told me what was happening and I was ignored."
    )
    assert len(e.sentences) == 2
    assert e.reason
    assert {s[1] for s in e.sentences} >= {"good"}


def test_correction_changes_next_prediction_for_near_duplicate(shipped, voice_home):
    model = load_model(shipped_model_dir())
    text = "My PA sorts my bus pass out every month."
    near = "My PA sorts my bus pass out every single month."
    before = model.classify([near])[1][0]
    target = "not_so_good"
    ts = TrainingSet()
    for _ in range(3):
        ts.add(text, target, None, 5.0, "test")
    model.learn(ts)
    after = model.classify([near])[1][0]
    k = list(CLASSES).index(target)
    assert after[k] > before[k] + 0.05


def test_one_correction_is_remembered_for_near_duplicates_only(voice_home, tmp_path):
    from voice.classify import save_model

    model = load_model(shipped_model_dir())
    text = "They never call me back when I ring the office."
    near = "They never call me back when I ring the office!"
    far = "The foster carers took me to the seaside and it was brilliant."
    before = model.classify([text, near, far])[1]
    assert model.classify([text])[0][0] != "unsure"
    ts = TrainingSet()
    ts.add(text, "unsure", None, 5.0, "test")
    model.learn(ts)
    labels, after = model.classify([text, near, far])
    assert list(labels[:2]) == ["unsure", "unsure"]
    assert np.abs(after[2] - before[2]).max() < 0.05  # an unrelated quote hardly moves
    # the memory is saved with the council's copy, and an undo (no corrections) forgets it
    save_model(model, tmp_path / "m")
    assert load_model(tmp_path / "m").classify([near])[0][0] == "unsure"
    model.learn(TrainingSet())
    assert model.classify([text])[0][0] != "unsure"


def test_corrupt_model_is_a_clear_error(tmp_path):
    d = tmp_path / "m"
    shutil.copytree(shipped_model_dir(), d)
    (d / "weights.npz").write_bytes(b"not a zip file")
    with pytest.raises(ModelError, match="corrupt"):
        load_model(d)
    (d / "weights.npz").unlink()
    with pytest.raises(ModelError, match="missing"):
        load_model(d)


def test_only_config_reads_or_writes_the_environment():
    import re

    from voice import config

    pattern = re.compile(r"os\.environ|getenv|putenv|unsetenv|from os import")
    sources = [*sorted((config.PROJECT_ROOT / "voice").rglob("*.py")), config.PROJECT_ROOT / "app.py"]
    found = sorted(
        str(path.relative_to(config.PROJECT_ROOT))
        for path in sources
        if pattern.search(path.read_text(encoding="utf-8"))
    )
    assert found == ["voice/config.py"]


def test_model_dir_setting_is_none_unless_voice_model_dir_is_set(voice_home, monkeypatch, tmp_path):
    from voice import config
    from voice.classify import active_model_dir

    monkeypatch.delenv("VOICE_MODEL_DIR", raising=False)
    assert config.settings().model_dir is None
    assert active_model_dir() == shipped_model_dir()
    monkeypatch.setenv("VOICE_MODEL_DIR", str(tmp_path / "elsewhere"))
    assert config.settings().model_dir == tmp_path / "elsewhere"
    assert active_model_dir() == tmp_path / "elsewhere"
