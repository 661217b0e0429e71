"""The label rules (:func:`voice.themes.label_problems`) and every label `voice themes IN -o OUT`
writes on real children's sets: the real MiniLM, the real framework, the real CLI."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from typer.testing import CliRunner

from voice.cli import app
from voice.privacy import identifier_words
from voice.themes import label_problems, load_framework

# -- the rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("offer the support", "verb phrase"),
        ("takes me seriously", "verb phrase"),
        ("learned a good bit", "verb phrase"),
        ("good", "generic"),
        ("general praise", "generic"),
        ("positive feedback", "generic"),
        ("great service", "generic"),
        ("friendly, good service", "generic"),
        ("listening / taking seriously", "word / word"),
        ("(no keywords)", "placeholder"),
        ("mixed answers", "placeholder"),
        ("theme 3", "placeholder"),
        ("jake visits", "name"),
        ("mrs patel", "name"),
        ("court", "length"),
        ("contact with my mum at the family centre", "length"),
        ("T]o support care", "broken"),
        ("particular - service", "broken"),
        ("everything is fine i", "broken"),
        ("help from the", "broken"),
        ("important things", "generic"),
    ],
)
def test_each_rule_finds_what_it_is_for(label: str, kind: str) -> None:
    assert kind in label_problems(label, identifiers={"jake", "patel"})


@pytest.mark.parametrize(
    "label",
    ["contact with my mum", "changing social workers", "being listened to", "school bus", "quicker replies",
     "court (feeling safe)", "young carers", "staff for their support", "app on my phone"],
)  # fmt: skip
def test_readable_labels_pass(label: str) -> None:
    assert label_problems(label, ["social worker visits"], identifiers={"jake"}) == []


def test_a_label_repeating_another_themes_is_flagged() -> None:
    assert "repeated" in label_problems("social workers", ["my social worker", "school bus"])
    assert "repeated" not in label_problems("social workers", ["school bus"])


# -- every label of real runs through `voice themes IN -o OUT` ---------------------------------

pytestmark = pytest.mark.usefixtures("own_voice_home")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _sets() -> dict[str, list[str]]:
    """Real sets where the labeller once wrote flawed labels ("court", "PAs", "job", "learned a
    good bit"), and a dev draw of 40 (benchmarks/theme_labels.py's draw 29)."""
    demo = _rows(ROOT / "corpus" / "demo" / "demo_quotes.csv")
    dev = [r["text"] for r in _rows(ROOT / "corpus" / "children" / "quotes.csv") if r["split"] == "dev"]
    rng = np.random.default_rng(0)
    draws = [[dev[i] for i in rng.choice(len(dev), 40, replace=False)] for _ in range(30)]
    return {
        "demo 2017/18 Q4": [r["text"] for r in demo if r["period"] == "2017/18 Q4"],
        "demo 2016/17 Q3": [r["text"] for r in demo if r["period"] == "2016/17 Q3"],
        "seed quotes": [r["text"] for r in _rows(ROOT / "corpus" / "seed_quotes.csv")],
        "dev draw 29": draws[29],
    }


@pytest.mark.slow
def test_every_label_voice_themes_writes_on_real_children_sets_passes_the_rules(tmp_path: Path) -> None:
    framework = {t.name for t in load_framework().themes}
    runner = CliRunner()
    for name, texts in _sets().items():
        src, out = tmp_path / f"{name.replace('/', '-')}.csv", tmp_path / f"{name.replace('/', '-')}-out.csv"
        with src.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([["text"], *([t] for t in texts)])
        res = runner.invoke(app, ["themes", str(src), "-o", str(out)])
        assert res.exit_code == 0, res.output
        members: dict[str, list[str]] = defaultdict(list)
        labels: dict[str, str] = {}
        for r in _rows(out):
            if r["theme_id"] not in ("other", "non_answer"):
                members[r["theme_id"]].append(r["text"])
                labels[r["theme_id"]] = r["theme_label"]
        if len(texts) >= 40:
            assert 4 <= len(labels) <= 8, (name, sorted(labels.values()))
        for tid, label in labels.items():
            others = [v for k, v in labels.items() if k != tid]
            problems = label_problems(label, others, identifier_words(members[tid]))
            if label in framework:  # a council's own names: any length
                problems = [p for p in problems if p != "length"]
            assert problems == [], (name, label, problems)
