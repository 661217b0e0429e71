"""``voice evaluate-concerns`` on the real labelled set, with the real MiniLM embedder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from voice import config
from voice.cli import app

DATA = config.CORPUS_DIR / "safeguarding" / "labelled.csv"
runner = CliRunner()

# The promise docs/SAFEGUARDING.md makes: on the holdout split, real disclosures.
MIN_RECALL = 0.95
MIN_PRECISION = 0.5


def _run(*args: str) -> dict:
    result = runner.invoke(app, ["evaluate-concerns", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _meets_promise(doc: dict) -> bool:
    real = doc["by_part"]["combined"]["real"]
    return real["recall"] >= MIN_RECALL and real["precision"] >= MIN_PRECISION


pytestmark = pytest.mark.usefixtures("own_voice_home")  # tests/conftest.py: a VOICE_HOME of its own


@pytest.fixture(scope="module")
def holdout() -> dict:
    return _run("--split", "holdout")


def test_holdout_recall_on_real_disclosures_is_at_least_095_with_precision_at_least_05(holdout: dict) -> None:
    real = holdout["by_part"]["combined"]["real"]
    assert real["concerns"] >= 20
    assert real["recall"] >= MIN_RECALL, holdout["misses"]
    assert real["precision"] >= MIN_PRECISION, holdout["false_flags"]
    assert _meets_promise(holdout)


def test_every_part_and_every_kind_is_reported_and_misses_name_their_source(holdout: dict) -> None:
    assert set(holdout["by_part"]) == {
        "rule",
        "similar",
        "classifier",
        "similar tier",
        "classifier alone",
        "similar+classifier",
        "combined",
    }
    for groups in holdout["by_part"].values():
        assert set(groups) == {"all", "real", "written"}
        assert {"recall", "precision", "f1"} <= set(groups["all"])
    assert holdout["by_kind"] and all(v["concerns"] >= 1 for v in holdout["by_kind"].values())
    assert all({"id", "text", "source"} <= set(m) for m in holdout["misses"])


def test_the_check_can_fail_when_disclosures_are_missed(tmp_path: Path) -> None:
    with open(DATA, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    concerns = [
        r for r in rows if r["split"] == "holdout" and r["origin"] == "real" and r["label"] == "concern"
    ]
    for r in concerns[:3]:  # three disclosures in words no rule or example knows
        r["text"] = "The weather was grey and the bus was late."
    doctored = tmp_path / "doctored.csv"
    with open(doctored, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    doc = _run("--data", str(doctored), "--split", "holdout")
    assert doc["by_part"]["combined"]["real"]["recall"] < MIN_RECALL
    assert not _meets_promise(doc)
    assert {m["id"] for m in doc["misses"]} >= {r["id"] for r in concerns[:3]}


def test_rules_only_table_and_metrics_file(tmp_path: Path) -> None:
    out = tmp_path / "metrics.json"
    result = runner.invoke(app, ["evaluate-concerns", "--split", "all", "--rules-only", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "rule (real)" in result.stdout and "Missed concerns" in result.stdout
    doc = json.loads(out.read_text())
    assert doc["parts"] == ["rule"] and doc["split"] == "all"
    assert doc["by_part"]["rule"]["real"]["recall"] >= MIN_RECALL


def test_a_bad_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text,label,kind,origin,source,split\nx1,hello,maybe,,real,here,tune\n")
    result = runner.invoke(app, ["evaluate-concerns", "--data", str(bad), "--rules-only"])
    assert result.exit_code == 1
    assert "row 2" in result.output and "Traceback" not in result.output
    missing = runner.invoke(app, ["evaluate-concerns", "--data", str(tmp_path / "nope.csv"), "--rules-only"])
    assert missing.exit_code == 1 and "nope.csv" in missing.output
