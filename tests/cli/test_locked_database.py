"""Every command that writes, given a locked database, says so in one line and stores nothing.

Another program (a second officer's `voice import`, a backup) can hold SQLite's write lock. Every
command must then exit 1 with one line naming the lock, never a traceback, and leave the store
as it was; commands that only read keep working (WAL).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import ROOT, seed
from typer.testing import CliRunner

from voice import config
from voice.cli import app
from voice.store import Store

runner = CliRunner()
EXAMPLE = ROOT / "corpus" / "examples" / "quotes.csv"


def run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def store(voice_home: Path) -> Store:
    assert run("import-seed", seed("000")).exit_code == 0
    assert run("theme", "pin", "feeling safe", "--by", "alice").exit_code == 0
    return Store(f"sqlite:///{voice_home / 'voice.db'}")


def _snapshot(store: Store) -> tuple:
    return (
        store.count_quotes(),
        len(store.audit_log(limit=10_000)),
        sorted((t.quote_id, t.label, t.origin) for t in store.current_tags().values()),
    )


WRITERS = [
    ("import", EXAMPLE),
    ("demo", "--no-classify"),
    ("tag", "QUOTE", "good", "--by", "alice", "--no-learn"),
    ("export", "OUT/quotes.csv", "--by", "alice"),
    ("export", "OUT/quotes.json", "--unredacted", "--by", "alice"),
    ("appendix", "--period", "2017/18 Q1", "-o", "OUT/appendix.md", "--by", "alice"),
    ("themes", "--period", "2017/18 Q1", "--format", "json", "--by", "alice"),
    ("theme", "pin", "being heard", "--by", "alice"),
    ("theme", "rename", "pin-feeling-safe", "Safe at home", "--by", "alice"),
    ("theme", "starters", "--by", "alice"),
    ("indicators", "import", seed("002")),
    ("indicators", "export", "OUT/indicators.csv"),
]


@pytest.mark.parametrize("args", WRITERS, ids=[" ".join(str(a) for a in w[:2]) for w in WRITERS])
def test_a_locked_database_is_one_line_from_every_writing_command(
    store: Store, voice_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple
) -> None:
    quote = store.quotes()[0].id
    out = tmp_path / "out"
    out.mkdir()
    args = tuple(
        quote if a == "QUOTE" else (str(out / a[4:]) if isinstance(a, str) and a.startswith("OUT/") else a)
        for a in args
    )
    before = _snapshot(store)
    monkeypatch.setattr(config, "SQLITE_BUSY_TIMEOUT_S", 0.3)
    lock = sqlite3.connect(voice_home / "voice.db", isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN IMMEDIATE")
    try:
        r = run(*args)
    finally:
        lock.rollback()
        lock.close()
    assert r.exit_code == 1, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.output
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "the database is locked" in r.stderr
    assert _snapshot(store) == before
    assert not any(out.iterdir()), "a file was written although nothing could be audited"


def test_reading_commands_work_while_another_program_writes(store: Store, voice_home: Path) -> None:
    quote = store.quotes()[0].id
    lock = sqlite3.connect(voice_home / "voice.db", isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN IMMEDIATE")
    try:
        for args in (("quotes",), ("history", quote), ("audit",), ("indicators", "show"), ("theme", "list")):
            r = run(*args)
            assert r.exit_code == 0, (args, r.output)
    finally:
        lock.rollback()
        lock.close()
