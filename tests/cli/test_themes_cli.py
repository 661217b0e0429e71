"""The theme commands end to end: real files, a real SQLite database, the real embedder, the real CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, clear_concern_flags, seed
from typer.testing import CliRunner

from voice.cli import app
from voice.store import Store

pytestmark = pytest.mark.slow
runner = CliRunner()
LISTENED = "being heard and having a say"  # a framework theme, pinned on a store's first run


@pytest.fixture
def home(voice_home: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh VOICE_HOME whose embedding cache is shared by the theme tests of the session."""
    cache = tmp_path_factory.getbasetemp() / "themes-embeddings"
    cache.mkdir(exist_ok=True)
    monkeypatch.setenv("VOICE_CACHE_DIR", str(cache))
    return voice_home


def run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def corpus_rows(n: int) -> list[dict]:
    with (ROOT / "corpus" / "nhs_fft_labelled.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))[:n]


def test_themes_file_keeps_every_column_and_adds_theme_columns(home, tmp_path):
    rows = [
        {"ref": f"r{i}", "text": r["text"], "service": r["service"]} for i, r in enumerate(corpus_rows(80))
    ]
    rows += [
        {"ref": "blank", "text": "", "service": "x"},
        {"ref": "dk", "text": "Don't know", "service": "x"},
    ]
    src = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"
    r = run("themes", src, "-o", out)
    assert r.exit_code == 0, r.output
    assert "2 non-answers" in r.output and f"wrote {out}" in r.output
    with out.open(encoding="utf-8-sig") as fh:
        got = list(csv.DictReader(fh))
    assert list(got[0]) == ["ref", "text", "service", "theme_id", "theme_label", "representative"]
    assert [g["ref"] for g in got] == [r["ref"] for r in rows]
    by_ref = {g["ref"]: g for g in got}
    assert by_ref["blank"]["theme_id"] == "non_answer" and by_ref["dk"]["theme_label"] == "Non-answer"
    themed = [g for g in got if g["theme_id"] not in ("non_answer", "other")]
    assert len(themed) >= 70 and len({g["theme_id"] for g in themed}) >= 2
    reps = [g for g in got if g["representative"] == "True"]
    assert reps and all(g["theme_id"] not in ("non_answer", "other") for g in reps)
    for tid in {g["theme_id"] for g in themed}:
        assert 1 <= sum(g["representative"] == "True" for g in got if g["theme_id"] == tid) <= 3


def test_themes_xlsx_in_and_out(home, tmp_path):
    from openpyxl import Workbook, load_workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Text", "Speaker"])
    for r in corpus_rows(40):
        ws.append([r["text"], "Female, 15"])
    wb.save(tmp_path / "in.xlsx")
    r = run("themes", tmp_path / "in.xlsx", "-o", tmp_path / "out.xlsx")
    assert r.exit_code == 0, r.output
    sheet = load_workbook(tmp_path / "out.xlsx").active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header == ["text", "speaker", "theme_id", "theme_label", "representative"]
    assert sheet.max_row == 41


def test_themes_file_errors_name_the_file(home, tmp_path):
    src = write_csv(tmp_path / "notext.csv", [{"comment": "hello"}])
    r = run("themes", src, "-o", tmp_path / "o.csv")
    assert r.exit_code == 1 and "notext.csv" in r.output and "missing required column 'text'" in r.output
    assert not (tmp_path / "o.csv").exists()
    r = run("themes", write_csv(tmp_path / "ok.csv", [{"text": "hello"}]))
    assert r.exit_code == 1 and "give -o OUTPUT" in r.output
    r = run("themes", tmp_path / "missing.csv", "-o", tmp_path / "o.csv")
    assert r.exit_code == 1 and "missing.csv: no such file" in r.output


def test_themes_over_the_store_in_three_formats(home):
    assert run("import-seed", seed("000")).exit_code == 0
    clear_concern_flags(home)  # detect-7 holds some seed quotes until an officer reviews them
    r = run("themes", "--period", "2017/18 Q1", "--format", "json", "--unredacted")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["period"] == "2017/18 Q1" and data["overview"].startswith("In 2017/18 Q1, 16 quotes")
    labels = {t["label"] for t in data["themes"]}
    assert LISTENED in labels
    listened = next(t for t in data["themes"] if t["label"] == LISTENED)
    assert listened["counts"]["not_so_good"] >= 2 and listened["quotes"][0]["attribution"]
    # the default is fit to share: no exact counts, no theme under 5 quotes (the seed's small
    # themes are folded into Other), the initial "N" redacted
    r = run("themes", "--period", "2017/18 Q1", "--format", "json")
    public = json.loads(r.stdout)
    assert all("counts" not in t and "size" not in t for t in public["themes"])
    assert all(t["size_text"] != "<5" for t in public["themes"])
    assert public["themes"] and LISTENED not in {t["label"] for t in public["themes"]}
    assert all(t["size_text"] not in ("<5", "0") for t in public["themes"])  # small ones dissolved
    r = run("themes", "--period", "2017/18 Q1", "--format", "markdown", "--suppress")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("# Themes, 2017/18 Q1") and "(<5 quotes)" not in r.stdout
    r = run("themes", "--period", "2017/18 Q1", "--format", "markdown", "--suppress", "--unredacted")
    assert r.exit_code == 0 and f"## {LISTENED} (<5 quotes)" in r.stdout and '> "' in r.stdout
    r = run("themes", "--period", "2017/18 Q1")
    assert r.exit_code == 0 and "fell into" in r.output and "(<5" not in r.output  # Other may be <5
    r = run("themes", "--period", "2030/31 Q1")
    assert r.exit_code == 1 and "no quotes for 2030/31 Q1" in r.output


def test_theme_edit_commands(home):
    assert run("import-seed", seed("000")).exit_code == 0
    clear_concern_flags(home)  # detect-7 holds some seed quotes until an officer reviews them
    assert run("themes", "--period", "2017/18 Q1", "--format", "json").exit_code == 0
    r = run("theme", "list", "--format", "json")
    themes = json.loads(r.stdout)
    listened = next(t for t in themes if t["label"] == LISTENED)
    # a theme the engine made, else (every seed quote fits the framework) another with two quotes
    others = [t for t in themes if t["label"] not in (LISTENED, "feeling safe") and t["quotes"] >= 2]
    model = [t for t in others if not t["pinned"]] or others
    assert listened["quotes"] >= 2 and len(model) >= 1

    r = run("theme", "rename", model[0]["id"], "what families thank us for", "--by", "officer")
    assert r.exit_code == 0 and "now 'what families thank us for'" in r.output
    store = Store(f"sqlite:///{home / 'voice.db'}")
    quote = next(q for q in store.quotes() if "act on what I say" in q.text.replace("\u2019", "'"))
    r = run("theme", "move", quote.id[:8], listened["id"], "--by", "officer")
    assert r.exit_code == 0 and f"{quote.id} -> {listened['id']}" in r.output
    r = run(
        "theme",
        "pin",
        "bullying",
        "--seed",
        "I get bullied at school",
        "--seed",
        "kids are mean to me",
        "--by",
        "officer",
    )
    assert r.exit_code == 0 and "pinned pin-bullying 'bullying' with 3 seed phrases" in r.output
    safe = next(t for t in themes if t["label"] == "feeling safe")
    r = run("theme", "merge", safe["id"], "pin-bullying", "--label", "safety and bullying", "--by", "officer")
    assert r.exit_code == 0 and "merged" in r.output
    import voice.store as theme_store

    first = next(q for q, m in theme_store.memberships(store).items() if m.theme_id == model[0]["id"])
    r = run("theme", "split", model[0]["id"], first[:8], "--label", "one of a kind", "--by", "officer")
    assert r.exit_code == 0 and "split 1 quotes" in r.output
    r = run("theme", "rename", "nope", "x", "--by", "officer")
    assert r.exit_code == 1 and "no theme with id 'nope'" in r.output

    r = run("themes", "--period", "2017/18 Q1", "--format", "json", "--unredacted")
    data = json.loads(r.stdout)
    labels = {t["label"] for t in data["themes"]}
    assert {"what families thank us for", "safety and bullying", "one of a kind"} <= labels
    assert "feeling safe" not in labels
    listened_now = next(t for t in data["themes"] if t["label"] == LISTENED)
    assert listened_now["size"] == listened["quotes"] + 1
    r = run("theme", "log")
    assert r.exit_code == 0 and all(a in r.output for a in ("rename", "move", "pin", "merge", "split"))
    assert {"theme rename", "theme move", "theme pin", "theme merge"} <= {
        a["action"] for a in store.audit_log()
    }


def test_evaluate_themes_writes_json(home, tmp_path):
    rows = [{"id": r["id"], "text": r["text"], "categories": r["categories"]} for r in corpus_rows(150)]
    src = write_csv(tmp_path / "labelled.csv", rows)
    out = tmp_path / "m.json"
    r = run("evaluate-themes", "--data", src, "--no-halves", "--json-out", out)
    assert r.exit_code == 0, r.output
    report = json.loads(out.read_text())
    split = report["splits"]["all"]
    assert split["rows"] == 150 and split["groups"] >= 2
    assert 0 < split["ami_voice"] <= 1 and split["ami_tfidf_kmeans"] != 0
    assert split["ratio_vs_tfidf"] == pytest.approx(split["ami_voice"] / split["ami_tfidf_kmeans"], rel=1e-2)
    assert split["guided"] and 0 < split["ami_voice_without_guide"] <= 1
    bad = write_csv(tmp_path / "bad.csv", [{"text": "x"}])
    r = run("evaluate-themes", "--data", bad, "--no-halves")
    assert r.exit_code == 1 and "bad.csv: no categories column" in r.output


def test_train_themes_writes_a_guide_the_engine_uses(home, tmp_path, monkeypatch):
    from voice import config
    from voice.embed import default_embedder
    from voice.themes import CategoryGuide, default_guide

    rows = [{"id": r["id"], "text": r["text"], "categories": r["categories"]} for r in corpus_rows(400)]
    src = write_csv(tmp_path / "coded.csv", rows)
    out = tmp_path / "guide"
    r = run("train-themes", "--data", src, "--out", out)
    assert r.exit_code == 0, r.output
    assert "categories from" in r.output and (out / "guide.npz").exists()
    guide = CategoryGuide.load(out)
    assert guide.meta["data"] == "coded.csv" and guide.meta["embedding"] == default_embedder().version
    assert "Staff manner & personal attributes" in guide.categories
    p = guide.transform(default_embedder().embed(["the nurse was kind and caring", "waited five hours"]))
    assert p.shape == (2, len(guide.categories)) and np.allclose(p.sum(axis=1), 1)
    # the engine picks the guide up from config.THEME_GUIDE_DIR
    monkeypatch.setattr(config, "THEME_GUIDE_DIR", out)
    assert default_guide() is not None and default_guide().categories == guide.categories
    r = run("train-themes", "--data", write_csv(tmp_path / "x.csv", [{"text": "x"}]), "--out", out)
    assert r.exit_code == 1 and "x.csv: no categories column" in r.output


def test_train_scheme_chooser_learns_childrens_words_from_nhs_comments(home, tmp_path, monkeypatch):
    from voice import config
    from voice.records import Quote
    from voice.themes import CategoryGuide, default_scheme_chooser, theme_with_scheme

    nhs = write_csv(
        tmp_path / "nhs.csv", [{"text": r["text"], "categories": r["categories"]} for r in corpus_rows(300)]
    )
    with (ROOT / "corpus" / "children" / "train.csv").open(encoding="utf-8") as fh:
        kids = [{"text": r["text"], "label": r["label"]} for r in csv.DictReader(fh)][:120]
    out = tmp_path / "chooser"
    r = run(
        "train-scheme-chooser",
        "--data",
        nhs,
        "--children",
        write_csv(tmp_path / "kids.csv", kids),
        "--out",
        out,
    )
    assert r.exit_code == 0, r.output
    assert "120 children's quotes, 300 NHS comments" in r.output
    chooser = CategoryGuide.load(out)
    assert chooser.categories == ("children", "nhs") and set(chooser.meta["data"]) == {"kids.csv", "nhs.csv"}
    monkeypatch.setattr(config, "THEME_SCHEME_DIR", out)
    assert default_scheme_chooser().meta["data"] == chooser.meta["data"]  # the engine reads it from there

    said = ["My social worker listens to me", "I wish I saw my mum more", "My foster carers are kind"]
    _, used = theme_with_scheme([Quote(text=t, id=str(i)) for i, t in enumerate(said * 3)], "auto")
    assert used == "children"
    nurse = ["The nurse was kind", "I waited four hours in A&E", "The doctor explained my medication"]
    _, used = theme_with_scheme([Quote(text=t, id=str(i)) for i, t in enumerate(nurse * 3)], "auto")
    assert used == "nhs"
    r = run(
        "train-scheme-chooser", "--data", nhs, "--children", write_csv(tmp_path / "x.csv", [{"text": "x"}])
    )
    assert r.exit_code == 1 and "x.csv: no label column" in r.output


def test_benchmark_themes_runs(home, tmp_path):
    out = tmp_path / "b.json"
    r = run("benchmark", "themes", "--small", "30", "--large", "120", "-o", out)
    assert r.exit_code == 0, r.output
    runs = json.loads(out.read_text())
    assert [x["quotes"] for x in runs] == [30, 30, 120, 120]
    assert all(x["total_s"] > 0 and x["total_s"] >= x["themes_s"] for x in runs)


FIXTURE = ROOT / "tests" / "fixtures" / "children_topics.csv"
METRICS = ROOT / "models" / "themes" / "metrics.json"


def test_evaluate_themes_on_a_topic_column_shows_progress_and_writes_to_o(home, tmp_path):
    out = tmp_path / "dev.json"
    r = run("evaluate-themes", "--data", FIXTURE, "--topic-column", "topic", "--split", "dev", "-o", out)
    assert r.exit_code == 0, r.output
    assert "[evaluate-themes] dev: theming 12 quotes (scheme auto, grouped by framework)" in r.output
    report = json.loads(out.read_text())
    assert report["topic_column"] == "topic" and report["split"] == "dev"
    dev = report["splits"]["dev"]
    assert dev["rows"] == 12 and dev["categories"] == 4 and dev["scheme"] == "children"
    assert -1 <= dev["ami_voice"] <= 1 and 1 <= dev["themes"] <= 12 // 5
    assert dev["ami_tfidf_kmeans"] == pytest.approx(sum(dev["ami_tfidf_kmeans_per_seed"]) / 3, abs=1e-3)
    assert dev["smallest_theme"] >= 5 or dev["themes"] == 0
    r = run("evaluate-themes", "--data", FIXTURE, "--topic-column", "topic", "--split", "nope", "-o", out)
    assert r.exit_code == 1 and "children_topics.csv: no rows with a 'topic' in split 'nope'" in r.output
    r = run("evaluate-themes", "--data", FIXTURE, "--split", "dev", "-o", out)
    assert r.exit_code == 1 and "--split, --scheme and --group-by go with --topic-column" in r.output


def test_evaluate_themes_never_writes_into_the_repository(home, tmp_path):
    before = METRICS.read_bytes()
    rows = [{"id": r["id"], "text": r["text"], "categories": r["categories"]} for r in corpus_rows(60)]
    src = write_csv(tmp_path / "labelled.csv", rows)
    r = run("evaluate-themes", "--data", src, "--no-halves", "--no-guide")
    assert r.exit_code == 0, r.output
    assert "[evaluate-themes] 1/1 all 60 comments" in r.output
    assert METRICS.read_bytes() == before  # the tracked file is untouched
    written = home / "themes-metrics.json"
    assert f"wrote {written}" in r.output and json.loads(written.read_text())["data"] == "labelled.csv"


def test_themes_file_scheme_option_and_a_bad_framework(home, tmp_path, monkeypatch):
    src = write_csv(tmp_path / "kids.csv", [{"text": t} for t in demo_texts()])
    r = run("themes", src, "-o", tmp_path / "o.csv")
    assert r.exit_code == 0, r.output
    assert "children's services framework, chosen for this file" in r.output
    with (tmp_path / "o.csv").open(encoding="utf-8-sig") as fh:
        got = [g["theme_id"] for g in csv.DictReader(fh)]
    sizes = {t: got.count(t) for t in set(got) - {"other", "non_answer"}}
    assert 4 <= len(sizes) <= 8 and min(sizes.values()) >= 5, sizes
    # each quote to its best framework theme: most quotes sit in framework themes (ids "pin-...")
    assert sum(t.startswith("pin-") for t in got) > len(got) / 2, got
    r = run("themes", src, "-o", tmp_path / "m.csv", "--group-by", "meaning")
    assert r.exit_code == 0, r.output
    with (tmp_path / "m.csv").open(encoding="utf-8-sig") as fh:
        by_meaning = [g["theme_id"] for g in csv.DictReader(fh)]
    sizes = {t: by_meaning.count(t) for t in set(by_meaning) - {"other", "non_answer"}}
    assert 4 <= len(sizes) <= 8 and min(sizes.values()) >= 5, sizes
    assert sum(t.startswith("pin-") for t in by_meaning) < sum(t.startswith("pin-") for t in got)
    r = run("themes", src, "-o", tmp_path / "o.csv", "--group-by", "topics")
    assert r.exit_code == 2 and "meaning" in r.output
    r = run("themes", src, "-o", tmp_path / "o.csv", "--scheme", "nhs")
    assert r.exit_code == 0 and "NHS-style guide" in r.output
    bad = tmp_path / "ours.json"
    bad.write_text('{"themes": [{"name": "school"}]}', encoding="utf-8")
    monkeypatch.setenv("VOICE_THEME_FRAMEWORK", str(bad))
    r = run("themes", src, "-o", tmp_path / "o2.csv")
    assert r.exit_code == 1 and "ours.json: has 1 themes" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "o2.csv").exists()


def demo_texts(period: str = "2017/18 Q2", n: int = 40) -> list[str]:
    with (ROOT / "corpus" / "demo" / "demo_quotes.csv").open(encoding="utf-8") as fh:
        return [r["text"] for r in csv.DictReader(fh) if r["period"] == period][:n]
