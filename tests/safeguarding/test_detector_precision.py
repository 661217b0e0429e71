"""The detector on ordinary feedback, with the real MiniLM embedder: at most 13% flagged (detect-7)."""

from __future__ import annotations

import dataclasses

import pytest

from voice.embed import default_embedder
from voice.safeguarding import detect_concerns
from voice.safeguarding._classifier import load_head
from voice.safeguarding._cv import MAX_DEMO_RATE, TARGET_RECALL
from voice.safeguarding._detect import DETECTOR_VERSION, combine, cues_by_part

MAX_FALSE_RATE = 0.13
"""detect-7 is recall first: its thresholds are the fewest demo flags at which the learned parts
find 95% of the disclosures out of fold (``_cv.choose``), 12.7% of the demo quotes there and 46 of
the 362 with the shipped head. So at most 47 (13%): one more flag and this fails, and a retrained
head that flags more must be looked at, not waved through (detect-5 and detect-6: 4%)."""


pytestmark = pytest.mark.usefixtures("own_voice_home")  # tests/conftest.py: a VOICE_HOME of its own


def test_at_most_13_percent_of_the_demo_quotes_are_flagged(demo: list[str]) -> None:
    found = detect_concerns(demo, embedder=default_embedder())
    flagged = [t for t, f in zip(demo, found, strict=True) if f is not None]
    assert len(demo) >= 300
    assert len(flagged) / len(demo) <= MAX_FALSE_RATE, flagged


def test_the_check_can_fail_with_looser_thresholds(demo: list[str]) -> None:
    loose = dataclasses.replace(load_head(), threshold=0.3, alone_threshold=0.5)
    found = cues_by_part(demo, default_embedder(), loose)
    assert sum(bool(combine(f)) for f in found) / len(demo) > MAX_FALSE_RATE


def test_the_detector_names_its_version_and_the_head_says_what_it_learned_from() -> None:
    assert DETECTOR_VERSION == "detect-7"
    head = load_head()
    assert head.trained_on["ordinary_negatives"] > 1000
    assert "demo" not in head.trained_on["data"]  # the demo quotes bound the thresholds only
    assert "holdout" in head.trained_on["data"] and "fresh3.csv" in head.trained_on["data"]
    assert head.trained_on["grouped_cv"]["demo_flagged"] <= MAX_FALSE_RATE <= MAX_DEMO_RATE
    assert head.trained_on["grouped_cv"]["learned_parts_recall"] >= TARGET_RECALL  # recall first
