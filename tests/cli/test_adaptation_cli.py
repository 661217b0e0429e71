"""``voice evaluate-adaptation`` on a tiny CSV with the real MiniLM and the shipped model."""

from __future__ import annotations

import csv
import importlib.util
import json

from typer.testing import CliRunner

from voice.cli import app

GOOD = [
    "My carer is kind and listens to me.",
    "My social worker helps me a lot.",
    "The youth club is great fun.",
]
BAD = ["Nobody listens to me.", "My social worker keeps changing.", "I never know what is happening."]
MIXED = ["It was ok I suppose.", "Some of it helped, some did not."]


def test_learning_curve_on_a_small_file(voice_home, tmp_path):
    data = tmp_path / "quotes.csv"
    with data.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label", "split"])
        for i in range(2):
            for t in GOOD:
                w.writerow([f"{t} ({i})", "good", "dev"])
            for t in BAD:
                w.writerow([f"{t} ({i})", "not_so_good", "dev"])
            for t in MIXED:
                w.writerow([f"{t} ({i})", "unsure", "dev"])
        w.writerow(["Kept out of the dev split.", "good", "holdout"])
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["evaluate-adaptation", "--data", str(data), "--split", "dev", "--ks", "0,4,8", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "curve.json").read_text())
    ks = [r["k"] for r in report["curve"]]
    assert ks == [0, 4, 8]
    assert report["curve"][0]["rest"] == 16  # the holdout row is left out
    assert report["curve"][0]["accuracy"] == report["curve"][0]["base_accuracy"]
    assert (out / "curve.csv").read_text().startswith("domain,k,rest")
    if importlib.util.find_spec("matplotlib"):  # a dependency; an old .venv may lack it
        assert (out / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert "matplotlib is not installed" in result.output
    bad = CliRunner().invoke(app, ["evaluate-adaptation", "--data", str(tmp_path / "none.csv")])
    assert bad.exit_code == 1 and "no such file" in bad.output


def test_leave_one_group_out_with_in_domain_reference_and_seeds(voice_home, tmp_path):
    data = tmp_path / "services.csv"
    with data.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label", "service"])
        for service in ("north", "south"):
            for i in range(2):
                for t in GOOD:
                    w.writerow([f"{t} {service} {i}", "good", service])
                for t in BAD:
                    w.writerow([f"{t} {service} {i}", "not_so_good", service])
                for t in MIXED:
                    w.writerow([f"{t} {service} {i}", "unsure", service])
        w.writerow(["Too small a service to leave out.", "good", "tiny"])
    out = tmp_path / "out"
    args = ["--data", data, "--by-column", "service", "--min-rows", 10, "--in-domain-folds", 2, "--ks", "0,4"]
    result = CliRunner().invoke(app, ["evaluate-adaptation", *map(str, args), "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "curve.json").read_text())
    assert sorted({r["domain"] for r in report["curve"]}) == ["north", "south"]
    assert all("in_domain_accuracy" in r for r in report["curve"])
    assert [r["k"] for r in report["summary"]] == [0, 4] and report["summary"][0]["domains"] == 2
    assert report["seed_children_quotes"]["n"] == 9
    assert "tags" in result.output and "accuracy_mean" not in result.output  # headers a person reads
    assert "base_accuracy" not in result.output and "north" in result.output


def test_halves_on_a_small_file(voice_home, tmp_path):
    data = tmp_path / "quotes.csv"
    with data.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        for i in range(2):
            for t, label in [(t, "good") for t in GOOD] + [(t, "not_so_good") for t in BAD]:
                w.writerow([f"{t} ({i})", label])
    out = tmp_path / "out"
    args = ["evaluate-adaptation", "--data", str(data), "--halves", "3", "--subset", "8", "--ks", "0,4"]
    result = CliRunner().invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "halves.json").read_text())
    assert [r["k"] for r in report["summary"]] == [0, 4] and report["summary"][0]["halves"] == 6
    assert {r["scored"] for r in report["halves"]} == {4}
    assert "meet target" in result.output and "of 6" in result.output  # headers a person reads
    assert "base_meets_share" not in result.output
    k0 = [r for r in report["halves"] if r["k"] == 0]
    assert all(r["accuracy"] == r["base_accuracy"] for r in k0)
    bad = CliRunner().invoke(app, ["evaluate-adaptation", "--data", str(data), "--subset", "8"])
    assert bad.exit_code == 1 and "--subset only goes with" in bad.output
