"""classify / queue / tag-learns / evaluate --data through the real CLI, model and database."""

from __future__ import annotations

import csv
import json

from conftest import ROOT, clear_concern_flags, seed
from typer.testing import CliRunner

from voice.cli import app
from voice.store import Store

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_classify_file_keeps_columns_and_warns_on_empty_text(voice_home, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(
        "ref,text,question\n"
        "a1,They listen to me and help me a lot,\n"
        "a2,   ,\n"
        "a3,Nobody ever rings me back and the staff were rude to me,FFT Why?\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    r = run("classify", src, "-o", out, "--explain")
    assert r.exit_code == 0, r.output
    assert "row 3: empty text, no label given" in r.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [row["ref"] for row in rows] == ["a1", "a2", "a3"]
    assert rows[0]["label"] == "good" and rows[2]["label"] == "not_so_good"
    assert rows[1]["label"] == "" and rows[1]["p_good"] == ""
    p = [float(rows[0][c]) for c in ("p_good", "p_unsure", "p_not_so_good")]
    assert abs(sum(p) - 1) < 1e-3
    assert rows[0]["model_version"].startswith("voice-default@")
    assert rows[0]["explanation"]


def test_classify_input_with_label_column_keeps_it(voice_home):
    out = voice_home / "o.csv"
    r = run("classify", ROOT / "corpus" / "examples" / "quotes.csv", "-o", out)
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows[0]["input_label"] == "What's good?"
    assert rows[0]["label"] in {"good", "unsure", "not_so_good"}


def test_classify_store_then_queue_then_tag_learns(voice_home):
    assert run("import-seed", seed("000")).exit_code == 0
    clear_concern_flags(voice_home)  # detect-7 holds some seed quotes until an officer reviews them
    r = run("classify")
    assert r.exit_code == 0, r.output
    assert "tagged 7 quotes as model proposals" in r.output  # the 7 untagged SLF quotes
    assert "nothing to classify" in run("classify").output  # idempotent for the same model
    store = Store(f"sqlite:///{voice_home / 'voice.db'}")
    model_tags = store.all_tags(origin="model")
    assert len(model_tags) == 7 and all(t.probability and t.model_version for t in model_tags)

    r = run("queue", "--format", "json")
    items = json.loads(r.stdout)
    assert len(items) == 7
    margins = [i["margin"] for i in items]
    assert margins == sorted(margins)  # least certain first

    first = items[0]
    r = run("tag", first["id"], "unsure", "--by", "officer", "--wait")  # learns before returning
    assert r.exit_code == 0, r.output
    assert "model updated: voice-default@" in r.output and "+1c" in r.output
    assert (voice_home / "models" / "voice-default" / "meta.json").exists()
    r = run("queue", "--format", "json")
    assert len(json.loads(r.stdout)) == 6


def test_evaluate_on_a_labelled_file(voice_home, tmp_path):
    data = tmp_path / "labelled.csv"
    data.write_text(
        "text,label\nThey were brilliant and kind,good\n"
        "Nobody listened at all,not_so_good\nIt was ok I suppose,unsure\n",
        encoding="utf-8",
    )
    out = tmp_path / "m.json"
    r = run("evaluate", "--data", data, "-o", out)
    assert r.exit_code == 0, r.output
    m = json.loads(out.read_text())
    assert m["n"] == 3 and "macro_f1" in m and "ece" in m


def test_classify_errors(voice_home, tmp_path):
    r = run("classify", tmp_path / "missing.csv", "-o", tmp_path / "o.csv")
    assert r.exit_code == 1 and "no such file" in r.stderr
    f = tmp_path / "t.csv"
    f.write_text("text\nhello\n")
    r = run("classify", f)
    assert r.exit_code == 1 and "give -o OUTPUT" in r.stderr


def test_evaluate_hold_out_share_is_checked_and_documented(voice_home):
    r = run("evaluate", "--holdout", "0.9")
    assert r.exit_code == 2 and "holdout" in r.output and "less than or equal to 0.5" in r.output
    r = run("evaluate", "--help")
    assert r.exit_code == 0 and "--holdout" in r.output


def test_missing_model_is_one_line_error(voice_home, tmp_path, monkeypatch):
    monkeypatch.setenv("VOICE_MODEL_DIR", str(tmp_path / "no-model"))
    src = tmp_path / "in.csv"
    src.write_text("text\nThey listen to me\n", encoding="utf-8")
    for args in (("classify", src, "-o", tmp_path / "out.csv"), ("classify",), ("queue",)):
        r = run(*args)
        assert r.exit_code == 1, r.output
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "meta.json is missing (run `voice train`)" in lines[0], r.stderr
        assert r.exception is None or isinstance(r.exception, SystemExit)


def test_quote_commands_do_not_import_the_model_commands():
    import ast

    tree = ast.parse((ROOT / "voice" / "cli" / "quotes.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert "voice.cli.model" not in imported


def test_evaluate_without_the_childrens_training_file(voice_home, tmp_path, monkeypatch, fake_embedder):
    """No corpus/children/train.csv: its empty embeddings are as wide as the embedder's (64 here),
    not a written-in 384, so cross-validation stacks them with the corpus rows."""
    import voice.embed
    from voice import config

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with (ROOT / "corpus" / "nhs_fft_labelled.csv").open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows, per_label = [], {}
        for r in reader:
            if r["text"].strip() and per_label.get(r["label"], 0) < 12:
                per_label[r["label"]] = per_label.get(r["label"], 0) + 1
                rows.append(r)
    with (corpus / "nhs_fft_labelled.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=reader.fieldnames)
        w.writeheader()
        w.writerows(rows)
    (corpus / "seed_quotes.csv").write_bytes((ROOT / "corpus" / "seed_quotes.csv").read_bytes())
    monkeypatch.setattr(config, "CORPUS_DIR", corpus)
    monkeypatch.setattr(config, "CHILDREN_TRAINING_FILES", (corpus / "children" / "train.csv",))
    monkeypatch.setattr(voice.embed, "default_embedder", lambda: fake_embedder)
    out = tmp_path / "m.json"
    r = run("evaluate", "--no-fine-tune", "--folds", 2, "-o", out)
    assert r.exit_code == 0, r.output
    report = json.loads(out.read_text())
    assert report["children_training_rows"]["rows"] == 0
    assert report["rows"] == len(rows) == 36 and report["cross_validation"]
