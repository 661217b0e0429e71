"""`voice concerns` end to end: a disclosure imported is flagged at once, held out of every export,
theme and count, and returns after an officer's review (real files, real SQLite, the real CLI)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from voice.cli import app
from voice.store import Store, flagged_quotes

runner = CliRunner()
Q1 = "2017/18 Q1"
DISCLOSURE = "My stepdad hits me when mum is out and I have to keep it a secret."
ROWS = [
    ("My social worker listens to me and comes when she says.", "What's good?", "Female", "14"),
    ("They helped me get back into school.", "What's good?", "Male", "12"),
    ("Nobody told me what the meeting was for.", "What's not so good?", "Female", "15"),
    (DISCLOSURE, "What's not so good?", "Female", "13"),
]


def run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def imported(voice_home: Path, tmp_path: Path) -> Path:
    """A quote file with one disclosure, imported through `voice import`."""
    path = tmp_path / "quotes.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "label", "gender", "age", "source", "period"])
        for text, label, gender, age in ROWS:
            w.writerow([text, label, gender, age, "Children's Rights Service: Child Protection", Q1])
    r = run("import", path, "--by", "alice")
    assert r.exit_code == 0, r.output
    assert "1 quote may disclose harm" in r.output
    return path


def db(voice_home: Path) -> Store:
    return Store(f"sqlite:///{voice_home / 'voice.db'}")


def _id(voice_home: Path) -> str:
    return next(q.id for q in db(voice_home).quotes(include_held=True) if q.text == DISCLOSURE)


def _concerns_csv() -> list[dict]:
    r = run("concerns", "--format", "csv")
    assert r.exit_code == 0, r.output
    return list(csv.DictReader(io.StringIO(r.stdout)))


def _everything_a_reader_gets(tmp_path: Path) -> str:
    """Every export and count the CLI makes of period Q1, as one text."""
    out = []
    for name in ("export.csv", "export.json"):
        assert run("export", tmp_path / name, "--by", "bob").exit_code == 0
        out.append((tmp_path / name).read_text(encoding="utf-8"))
    assert run("export", tmp_path / "raw.csv", "--unredacted", "--by", "bob").exit_code == 0
    out.append((tmp_path / "raw.csv").read_text(encoding="utf-8"))
    for suffix in ("md", "csv"):
        r = run("appendix", "--period", Q1, "-o", tmp_path / f"appendix.{suffix}", "--by", "bob")
        assert r.exit_code == 0, r.output
        out.append((tmp_path / f"appendix.{suffix}").read_text(encoding="utf-8") + r.output)
    for args in (("quotes",), ("quotes", "--format", "json"), ("indicators", "voice", "--period", Q1)):
        r = run(*args)
        assert r.exit_code == 0, r.output
        out.append(r.stdout)
    return "\n".join(out)


def test_a_disclosure_is_flagged_at_once_and_listed_with_its_reasons(
    imported: Path, voice_home: Path
) -> None:
    rows = _concerns_csv()
    assert len(rows) == 1
    row = rows[0]
    assert row["text"] == DISCLOSURE and row["status"] == "not yet reviewed"
    assert row["kinds"] == "physical abuse, exploitation or grooming"
    assert 'physical abuse: "hits me" in "' in row["reasons"] and '"keep it a secret"' in row["reasons"]
    assert row["flagged_at"] and not row["reviewed_by"]
    r = run("concerns")
    assert "1 not yet reviewed, oldest 0 days" in r.output
    # one block per quote: the whole quote on its line, each reason on its own (not a folded table)
    assert f"  quote: {DISCLOSURE}\n" in r.output and "\n  why: physical abuse: " in r.output
    assert r.output.count("\n  why: ") == len(row["reasons"].split('"; ')), r.output
    as_json = json.loads(run("concerns", "--format", "json").stdout)
    assert as_json[0]["id"] == _id(voice_home)


def test_held_out_of_every_export_and_count_until_reviewed(
    imported: Path, voice_home: Path, tmp_path: Path
) -> None:
    held = _everything_a_reader_gets(tmp_path / "before")
    assert "stepdad" not in held and "secret" not in held
    before = run("indicators", "voice", "--period", Q1).stdout
    assert "3 tagged by people" in before
    r = run("concerns", "review", _id(voice_home)[:8], "Referred to the front door / MASH", "--by", "carol")
    assert r.exit_code == 0, r.output
    assert "returns to themes, counts and reports" in r.output
    released = _everything_a_reader_gets(tmp_path / "after")
    assert "stepdad" in released  # the same readers now include it
    assert "4 tagged by people" in run("indicators", "voice", "--period", Q1).stdout


def test_review_writes_a_review_and_an_audit_row(imported: Path, voice_home: Path) -> None:
    qid = _id(voice_home)
    r = run("concerns", "review", qid, "OTHER (see note)", "--by", "carol", "--note", "told the DSL")
    assert r.exit_code == 0, r.output
    item = flagged_quotes(db(voice_home), qid)[0]
    assert item.review is not None
    assert (item.review.outcome, item.review.who, item.review.note) == (
        "other (see note)",
        "carol",
        "told the DSL",
    )
    audit = db(voice_home).audit_log()[0]
    assert (audit["who"], audit["action"], audit["detail"]) == (
        "carol",
        "concern review",
        f"{qid}: other (see note) (with a note)",
    )
    rows = _concerns_csv()
    assert rows[0]["status"] == "other (see note)" and rows[0]["reviewed_by"] == "carol"
    assert "0 not yet reviewed" in run("concerns").output
    history = run("concerns", "history", qid)
    assert history.exit_code == 0 and "flagged" in history.output and "carol" in history.output


def test_unknown_outcome_is_one_line_listing_them(imported: Path, voice_home: Path) -> None:
    r = run("concerns", "review", _id(voice_home), "fine", "--by", "carol")
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "unknown outcome 'fine'" in lines[0] and "not a concern" in lines[0]
    r = run("concerns", "review", "0123456789abcdef", "not a concern", "--by", "carol")
    assert r.exit_code == 1 and "no quote with id" in r.output
    assert flagged_quotes(db(voice_home))[0].waiting


def test_keep_out_keeps_it_out(imported: Path, voice_home: Path, tmp_path: Path) -> None:
    r = run("concerns", "review", _id(voice_home), "keep out of reports", "--by", "carol")
    assert r.exit_code == 0 and "stays out of themes, counts and reports" in r.output
    assert "stepdad" not in _everything_a_reader_gets(tmp_path)


def test_reimport_adds_no_flag(imported: Path, voice_home: Path) -> None:
    r = run("import", imported, "--by", "alice")
    assert r.exit_code == 0 and "may disclose harm" not in r.output
    assert len(_concerns_csv()) == 1
    assert len(flagged_quotes(db(voice_home))[0].flags) == 1


def test_quotes_stored_before_screening_are_screened_by_the_listing(voice_home: Path) -> None:
    from voice.records import Quote

    db(voice_home).add_quotes([Quote("I ran away from my placement.", period=Q1)])  # no screening
    assert len(_concerns_csv()) == 1  # the listing screens first


@pytest.mark.slow
def test_voice_themes_leaves_it_out_until_reviewed(imported: Path, voice_home: Path) -> None:
    def themes() -> tuple[int, str]:
        r = run("themes", "--period", Q1, "--format", "json", "--unredacted", "--by", "bob")
        assert r.exit_code == 0, r.output
        return int(json.loads(r.stdout)["answered"]), r.stdout

    answered, text = themes()
    assert answered == 3 and "stepdad" not in text
    run("concerns", "review", _id(voice_home), "not a concern", "--by", "carol")
    assert themes()[0] == 4


def test_import_seed_and_demo_screen_every_quote_they_store(voice_home: Path) -> None:
    from conftest import seed

    from voice.embed import default_embedder
    from voice.safeguarding import screening_version
    from voice.store import unscreened_quotes

    every_part = screening_version(default_embedder())  # the rules and the embedding parts
    assert run("import-seed", seed("000")).exit_code == 0
    assert unscreened_quotes(db(voice_home), every_part) == []
    r = run("demo", "--no-classify")
    assert r.exit_code == 0, r.output
    store = db(voice_home)
    assert store.count_quotes() > 300 and unscreened_quotes(store, every_part) == []


@pytest.mark.slow
def test_classifying_a_file_names_the_rows_that_may_disclose_harm(voice_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(f"text\nI like my school.\n{DISCLOSURE}\n", encoding="utf-8")
    r = run("classify", path, "-o", tmp_path / "out.csv")
    assert r.exit_code == 0, r.output
    assert "in.csv, row 3 may disclose harm (physical abuse, exploitation or grooming)" in r.output
    assert "row 2" not in r.output


def test_a_very_large_import_is_read_by_the_rules_at_once_and_fully_by_voice_concerns(
    voice_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voice import config

    monkeypatch.setattr(config, "SCREEN_FULLY_MAX_QUOTES", 2)
    f = tmp_path / "big.csv"
    rows = ["They listen to me", "I like my foster carer", "I want to kill myself"]
    f.write_text("text,period\n" + "".join(f"{t},2017/18 Q1\n" for t in rows), encoding="utf-8")
    r = run("import", f)
    assert r.exit_code == 0 and "read by the detector's rules only" in r.stderr
    assert "1 quote may disclose harm" in r.stderr  # the rules caught it at once
    r = run("concerns", "--format", "csv")
    assert r.exit_code == 0 and "read by the detector's rules only" not in r.stderr
