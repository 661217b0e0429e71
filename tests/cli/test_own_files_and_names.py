"""The command line never overwrites Voice's own files with an export, never prints a database
password, and never records a change without a name (docs/SECURITY.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from voice.cli import app
from voice.store import Store

runner = CliRunner()
EXAMPLE = ROOT / "corpus" / "examples" / "quotes.csv"


def run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def stored(voice_home: Path) -> Store:
    assert run("import", EXAMPLE).exit_code == 0
    return Store(f"sqlite:///{voice_home / 'voice.db'}")


def test_exports_refuse_to_overwrite_voices_own_files(
    stored: Store, voice_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = voice_home / "users.json"
    users.write_text('{"version": 1, "users": []}\n')
    before = users.read_bytes()
    for args in (
        ("export", users),
        ("appendix", "--period", "2017/18 Q2", "-o", users, "--by", "alice"),
        ("themes", EXAMPLE, "-o", users),
    ):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert "one of Voice's own files (users.json)" in result.stderr, result.stderr
    assert users.read_bytes() == before

    # a database whose name ends like an export
    database = tmp_path / "quotes.json"
    monkeypatch.setenv("VOICE_DB_URL", f"sqlite:///{database}")
    assert run("import", EXAMPLE).exit_code == 0
    result = run("export", database)
    assert result.exit_code == 1 and "one of Voice's own files (quotes.json)" in result.stderr, result.output
    assert Store(f"sqlite:///{database}").count_quotes() == 5


@pytest.mark.parametrize("name", ["", "   "])
def test_a_blank_name_is_refused_and_nothing_is_stored(stored: Store, name: str, tmp_path: Path) -> None:
    quote_id = json.loads(run("quotes", "--format", "json").stdout)[0]["id"]
    tags_before, audit_before = len(stored.all_tags()), len(stored.audit_log())
    result = run("tag", quote_id, "good", "--by", name, "--no-learn")
    assert result.exit_code == 1 and "say who is doing this (--by NAME)" in result.stderr, result.output
    out = tmp_path / "a.md"
    result = run("appendix", "--period", "2017/18 Q2", "-o", out, "--by", name)
    assert result.exit_code == 1 and "say who is doing this" in result.stderr, result.output
    assert not out.exists()
    assert len(stored.all_tags()) == tags_before and len(stored.audit_log()) == audit_before


@pytest.mark.parametrize(
    "url",
    [
        "voice:s3cret-pw@db.example.org/voice",  # no scheme: not a URL SQLAlchemy can parse
        "postgresql://voice:s3cret-pw@127.0.0.1:1/voice",  # valid, but nothing listens there
    ],
)
def test_a_database_password_is_never_printed(
    voice_home: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("VOICE_DB_URL", url)
    result = run("quotes")
    assert result.exit_code == 1, result.output
    assert "s3cret-pw" not in result.output and "s3cret-pw" not in result.stderr
    assert "voice:***@" in result.stderr, result.stderr


def test_import_refuses_a_blank_by(tmp_path, voice_home) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from voice.cli import app

    f = tmp_path / "q.csv"
    f.write_text("text\nthey listen to me\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["import", str(f), "--by", "  "])
    assert r.exit_code == 1 and "--by: give the name" in r.stderr
