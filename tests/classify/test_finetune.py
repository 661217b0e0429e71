"""Fine-tuning MiniLM for the classifier: the real model, trained briefly on real corpus rows."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from conftest import ROOT

from voice import config
from voice.classify import (
    CLASSES,
    ENCODER_FILES,
    FeedbackClassifier,
    FineTunedEncoder,
    TrainingSet,
    fine_tune,
    load_model,
    save_model,
    shipped_model_dir,
    train_model,
)
from voice.classify._finetune import _length_batches

pytestmark = pytest.mark.slow


def corpus_sample(n_per_class: int) -> tuple[list[str], list[str], list[str | None]]:
    """The first ``n_per_class`` corpus rows of each class (a fixed, balanced sample)."""
    taken: dict[str, int] = dict.fromkeys(CLASSES, 0)
    texts, labels, questions = [], [], []
    with (ROOT / "corpus" / "nhs_fft_labelled.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lab = row["label"]
            if taken[lab] < n_per_class and row["text"].strip():
                taken[lab] += 1
                texts.append(row["text"])
                labels.append(lab)
                questions.append(row["question"] or None)
    return texts, labels, questions


def test_length_batches_cover_every_row_once_and_group_similar_lengths():
    lengths = [5, 100, 6, 99, 7, 98, 8, 97]
    batches = _length_batches(lengths, 2, None)
    assert sorted(i for b in batches for i in b) == list(range(8))
    assert all(abs(lengths[b[0]] - lengths[b[-1]]) <= 2 for b in batches)
    shuffled = _length_batches(lengths, 2, np.random.default_rng(0))
    assert sorted(i for b in shuffled for i in b) == list(range(8))


def test_fine_tuning_learns_and_round_trips_through_safetensors(tmp_path, voice_home):
    texts, labels, questions = corpus_sample(30)
    y = np.searchsorted(CLASSES, labels)
    untrained = fine_tune(texts, questions, y, epochs=0.01)  # one step: almost the fresh head
    trained = fine_tune(texts, questions, y, epochs=6, learning_rate=1e-4)
    acc_before = (untrained.logits(texts, questions).argmax(axis=1) == y).mean()
    acc_after = (trained.logits(texts, questions).argmax(axis=1) == y).mean()
    assert acc_after > max(0.75, acc_before + 0.2), (acc_before, acc_after)

    trained.save(tmp_path / "enc")
    assert {p.name for p in (tmp_path / "enc").iterdir()} == set(ENCODER_FILES)
    size = (tmp_path / "enc" / "encoder.safetensors").stat().st_size
    assert 15_000_000 < size < 30_000_000  # six float16 layers and the head, no word embeddings
    back = FineTunedEncoder.load(tmp_path / "enc")
    probe = ["The nurse was kind", "Nobody called me back", "It was ok I suppose"]
    assert np.allclose(back.logits(probe, cache=False), trained.logits(probe, cache=False), atol=0.05)
    # saved encoders cache their logits by text, question and version
    first = back.logits(probe, [None, "How could we improve?", None])
    again = back.logits(probe, [None, "How could we improve?", None])
    assert np.array_equal(first, again)
    praise, improve = back.logits(probe[:1], ["What was good?"]), back.logits(probe[:1], ["What went wrong?"])
    assert not np.allclose(praise, improve)


def test_classifier_blends_a_fine_tuned_encoder_and_saves_it(tmp_path, voice_home):
    texts, labels, questions = corpus_sample(60)
    ts = TrainingSet(texts, labels, questions, [1.0] * len(texts), ["test"] * len(texts))
    model = train_model(ts, name="ft-test", fine_tune=True)
    clf = model.classifier
    assert isinstance(clf, FeedbackClassifier) and clf.fine_tune
    assert clf.encoder_ is not None and 0 <= clf.blend_ <= 1 and clf.encoder_temperature_ > 0
    assert clf.encoder_.meta["holdout_rows"] == round(0.15 * len(texts))
    assert clf.encoder_.meta["rows"] == len(texts) - clf.encoder_.meta["holdout_rows"]
    assert model.meta["fine_tuned"] is True
    save_model(model, tmp_path / "m")
    back = load_model(tmp_path / "m")
    assert back.classifier.blend_ == clf.blend_
    probe = ["The staff were lovely", "I waited six hours and nobody came"]
    a = model.classify(probe)[1]
    b = back.classify(probe)[1]
    assert np.allclose(a, b, atol=0.02)
    assert np.allclose(b.sum(axis=1), 1)
    # a damaged or missing encoder file is a clear error when the model is loaded
    from voice.classify import ModelError

    (tmp_path / "m" / "encoder.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="corrupt"):
        load_model(tmp_path / "m")
    (tmp_path / "m" / "encoder.safetensors").unlink()

    with pytest.raises(ModelError, match=r"encoder\.safetensors is missing"):
        load_model(tmp_path / "m")


def test_without_a_hold_out_the_encoder_sees_every_quote_and_uses_fixed_calibration(voice_home):
    texts, labels, questions = corpus_sample(60)
    from voice.embed import default_embedder

    emb = default_embedder().embed(texts)
    clf = FeedbackClassifier(fine_tune=True, holdout=0, fine_tune_epochs=1)
    clf.fit(texts, labels, embeddings=emb, questions=questions)
    assert clf.encoder_.meta["rows"] == len(texts) and clf.encoder_.meta["holdout_rows"] == 0
    assert (clf.blend_, clf.encoder_temperature_) == (config.FINE_TUNE_BLEND, config.FINE_TUNE_TEMPERATURE)
    assert list(clf.decision_weights_) == [1, 1, 1]  # argmax
    p = clf.predict_proba(texts[:5], embeddings=emb[:5], questions=questions[:5])
    assert p.shape == (5, 3) and np.allclose(p.sum(axis=1), 1)


def test_shipped_model_is_fine_tuned():
    d = shipped_model_dir()
    assert all((d / f).exists() for f in ENCODER_FILES)
    model = load_model(d)
    assert model.classifier.encoder_ is not None and model.classifier.blend_ > 0
    assert model.classifier.encoder_.meta["question_dropout"] == config.FINE_TUNE_QUESTION_DROPOUT


def test_question_dropout_shows_quotes_without_their_question():
    """Dropout 1 trains exactly as if no question were known; dropout 0 uses the questions."""
    texts, labels, questions = corpus_sample(8)
    y = np.searchsorted(CLASSES, labels)
    probe = ["The nurse was kind", "Nobody called me back"]
    always = fine_tune(texts, questions, y, epochs=1, question_dropout=1.0)
    unknown = fine_tune(texts, [None] * len(texts), y, epochs=1, question_dropout=0.0)
    never = fine_tune(texts, questions, y, epochs=1, question_dropout=0.0)
    assert np.allclose(always.logits(probe, cache=False), unknown.logits(probe, cache=False), atol=1e-5)
    assert not np.allclose(never.logits(probe, cache=False), unknown.logits(probe, cache=False), atol=1e-3)
    assert always.meta["question_dropout"] == 1.0
