"""fresh4.csv is the set never tuned on: nothing trains or chooses thresholds on it."""

from __future__ import annotations

import csv

from conftest import ROOT

from voice.safeguarding import _cv

FRESH4 = ROOT / "corpus" / "safeguarding" / "fresh4.csv"


def test_the_blind_set_is_not_training_data() -> None:
    assert "fresh4.csv" not in _cv.FRESH_SETS
    trained_on = {r.text for r in _cv.real_rows()}
    with FRESH4.open(newline="", encoding="utf-8") as fh:
        blind = [row["text"] for row in csv.DictReader(fh)]
    assert len(blind) == 99
    assert not trained_on & set(blind)
