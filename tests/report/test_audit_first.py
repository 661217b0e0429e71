"""Audit first: no export leaves Voice unless its audit row was committed before the file was written.

Real CLI (typer's CliRunner), real SQLite file, a real second connection holding the write lock.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import ROOT, seed
from typer.testing import CliRunner

from voice import config
from voice.cli import app
from voice.report import atomic_output, write_table
from voice.store import Store

runner = CliRunner()
EXAMPLE = ROOT / "corpus" / "examples" / "quotes.csv"
PERIOD = "2017/18 Q1"


def run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def db(home: Path) -> Store:
    return Store(f"sqlite:///{home / 'voice.db'}")


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another program's open write transaction (as in tests/test_hostile_input.py)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO audit (at, who, action) VALUES ('2020-01-01', 'other program', 'lock')")
    return conn


def _refused_locked(result) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "the database is locked" in result.stderr and "nothing was stored" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr  # one line


@pytest.fixture
def seeded(voice_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """VOICE_HOME with the nine tagged seed quotes of 2017/18 Q1; a short lock wait."""
    assert run("import-seed", seed("000")).exit_code == 0
    monkeypatch.setattr(config, "SQLITE_BUSY_TIMEOUT_S", 0.3)
    return voice_home


@pytest.mark.parametrize("unredacted", [True, False])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_export_with_the_database_locked_writes_no_file(seeded: Path, tmp_path: Path, suffix, unredacted):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / f"quotes{suffix}"
    lock = _hold_write_lock(seeded / "voice.db")
    try:
        r = run("export", out, *(["--unredacted"] if unredacted else []), "--by", "alice")
    finally:
        lock.rollback()
        lock.close()
    _refused_locked(r)
    assert list(out_dir.iterdir()) == []  # no file, no partial or temporary file
    assert all(e["action"] != "export" for e in db(seeded).audit_log())


def test_export_audits_before_it_writes(seeded: Path, tmp_path: Path, monkeypatch):
    """The audit row is already committed when the file is written."""
    import voice.cli.quotes as cli_quotes

    seen: list[list[dict]] = []

    def spy(rows, path, columns=None):  # type: ignore[no-untyped-def]
        seen.append(db(seeded).audit_log(limit=1))
        return write_table(rows, path, columns)

    monkeypatch.setattr(cli_quotes, "write_table", spy)
    out = tmp_path / "q.csv"
    r = run("export", out, "--unredacted", "--by", "alice")
    assert r.exit_code == 0, r.output
    assert out.exists()
    assert seen and seen[0][0]["action"] == "export" and "UNREDACTED" in seen[0][0]["detail"]


def test_appendix_with_the_database_locked_writes_no_file(seeded: Path, tmp_path: Path):
    pytest.importorskip("voice.privacy._redact")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for name in ("a.md", "a.docx", "a.csv"):
        lock = _hold_write_lock(seeded / "voice.db")
        try:
            r = run("appendix", "--period", PERIOD, "-o", out_dir / name, "--by", "A. Writer")
        finally:
            lock.rollback()
            lock.close()
        _refused_locked(r)
    assert list(out_dir.iterdir()) == []
    assert all(e["action"] != "export" for e in db(seeded).audit_log())
    r = run("appendix", "--period", PERIOD, "-o", out_dir / "a.md", "--by", "A. Writer")
    assert r.exit_code == 0, r.output
    assert [p.name for p in out_dir.iterdir()] == ["a.md"]
    assert db(seeded).audit_log(limit=1)[0]["who"] == "A. Writer"


def test_a_failed_write_leaves_no_partial_file_and_keeps_the_old_one(tmp_path: Path, monkeypatch):
    old = tmp_path / "report.csv"
    old.write_text("the previous export\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(old) as tmp:
        tmp.write_text("half of the new", encoding="utf-8")
        raise RuntimeError("disk full")
    assert old.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]

    import voice.report._tables as tables

    def half_then_fail(rows, path, columns):  # type: ignore[no-untyped-def]
        path.write_text("id,text\n1,half", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(tables, "_write_table", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_table([{"id": 1, "text": "x"}], old, ["id", "text"])
    assert old.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


@pytest.mark.slow
def test_themes_output_is_audited_first(seeded: Path):
    r = run("themes", "--period", PERIOD, "--format", "json", "--unredacted", "--by", "alice")
    assert r.exit_code == 0, r.output
    json.loads(r.stdout)
    entry = db(seeded).audit_log(limit=1)[0]
    assert (entry["who"], entry["action"]) == ("alice", "export")
    assert entry["detail"].startswith(f"themes of {PERIOD}:") and "UNREDACTED" in entry["detail"]
    r = run("themes", "--period", PERIOD, "--format", "markdown", "--by", "bob")
    assert r.exit_code == 0, r.output
    entry = db(seeded).audit_log(limit=1)[0]
    assert entry["who"] == "bob" and "(redacted) as markdown" in entry["detail"]
    lock = _hold_write_lock(seeded / "voice.db")
    try:
        r = run("themes", "--period", PERIOD, "--format", "json", "--unredacted")
    finally:
        lock.rollback()
        lock.close()
    assert r.exit_code == 1 and "the database is locked" in r.stderr
    assert r.stdout.strip() == ""  # nothing printed without its audit row
