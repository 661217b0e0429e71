"""Evaluation metrics checked against a hand computation on a tiny fixture."""

from __future__ import annotations

import numpy as np
import pytest

from voice.classify import confusion, cross_validate, expected_calibration_error, majority_baseline, metrics

# 6 quotes. true: g g g n u u ; predicted: g g n n g u
TRUE = ["good", "good", "good", "not_so_good", "unsure", "unsure"]
PRED = ["good", "good", "not_so_good", "not_so_good", "good", "unsure"]


def test_confusion_by_hand():
    m = confusion(TRUE, PRED)
    # rows true (good, not_so_good, unsure), columns predicted
    assert m.tolist() == [[2, 1, 0], [0, 1, 0], [1, 0, 1]]


def test_per_class_and_macro_f1_by_hand():
    m = metrics(TRUE, PRED)
    # good: tp 2, fp 1 (an unsure), fn 1 -> p 2/3, r 2/3, f1 2/3
    assert m["per_class"]["good"]["f1"] == pytest.approx(0.6667, abs=1e-4)
    # not_so_good: tp 1, fp 1, fn 0 -> p 1/2, r 1, f1 2/3
    assert m["per_class"]["not_so_good"]["precision"] == 0.5
    assert m["per_class"]["not_so_good"]["f1"] == pytest.approx(0.6667, abs=1e-4)
    # unsure: tp 1, fp 0, fn 1 -> p 1, r 1/2, f1 2/3
    assert m["per_class"]["unsure"]["recall"] == 0.5
    assert m["macro_f1"] == pytest.approx(0.6667, abs=1e-4)
    assert m["accuracy"] == pytest.approx(4 / 6, abs=1e-4)


def test_ece_by_hand():
    # two bins used: 0.9 (2 rows, 1 right) and 0.6 (2 rows, 2 right)
    conf = np.array([0.9, 0.9, 0.6, 0.6])
    correct = np.array([1, 0, 1, 1])
    # |0.5-0.9|*0.5 + |1.0-0.6|*0.5 = 0.2 + 0.2
    assert expected_calibration_error(conf, correct) == pytest.approx(0.4)


def test_majority_baseline_in_cv():
    labels = ["good"] * 30 + ["unsure"] * 10 + ["not_so_good"] * 10
    res = cross_validate(labels, [majority_baseline(labels)], folds=5)["majority class"]
    assert res["accuracy"] == pytest.approx(0.6)
    assert res["per_class"]["unsure"]["f1"] == 0.0


@pytest.mark.slow
def test_voice_candidate_also_scores_test_quotes_without_their_question(voice_home):
    """Real MiniLM embeddings, real corpus rows: the no-question pass covers every test quote once."""
    import csv

    from conftest import ROOT

    from voice.classify import voice_candidate
    from voice.embed import default_embedder

    with (ROOT / "corpus" / "nhs_fft_labelled.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["text"].strip()][:240]
    texts = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    questions = [r["question"] or None for r in rows]
    emb = default_embedder().embed(texts)

    cand = voice_candidate(texts, labels, questions, emb)
    with_q = cross_validate(labels, [cand], folds=3)[cand.name]
    assert len(cand.no_question) == 3
    covered = np.sort(np.concatenate([te for te, _, _ in cand.no_question]))
    assert covered.tolist() == list(range(len(texts)))
    without_q = cand.no_question_metrics(labels)
    assert without_q["n"] == with_q["n"] == len(texts)
    assert 0 <= without_q["macro_f1"] <= 1 and "ece" in without_q

    # the question is a feature: the same fold model without it gives other probabilities
    one = voice_candidate(texts, labels, questions, emb)
    tr, te = np.arange(180), np.arange(180, 240)
    _, proba_q = one.fit_predict(tr, te)
    te_nq, labels_nq, proba_nq = one.no_question[0]
    assert te_nq.tolist() == te.tolist() and len(labels_nq) == len(te)
    assert proba_nq.shape == proba_q.shape and not np.allclose(proba_nq, proba_q)
    unasked = voice_candidate(texts, labels, [None] * len(texts), emb)
    unasked.fit_predict(tr, te)
    assert unasked.no_question == []  # nothing to take away
