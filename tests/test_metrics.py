"""Evaluation metrics checked against a hand computation on a tiny fixture."""

from __future__ import annotations

import numpy as np
import pytest

from voice.evaluate import confusion, cross_validate, expected_calibration_error, majority_baseline, metrics

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
