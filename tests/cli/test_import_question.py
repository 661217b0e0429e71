"""``voice import --question``: the question asked, for every row of a file without one."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from voice.cli import app
from voice.ingest.quote_file import read_quote_file
from voice.store import Store

runner = CliRunner()


def _file(tmp_path: Path) -> Path:
    f = tmp_path / "q.csv"
    f.write_text(
        "text,question\nThey listen to me,\nNobody rings me back,What was good?\n",
        encoding="utf-8",
    )
    return f


def test_import_question_fills_rows_without_one(voice_home: Path, tmp_path: Path) -> None:
    r = runner.invoke(app, ["import", str(_file(tmp_path)), "--question", " What could be better? "])
    assert r.exit_code == 0, r.output
    store = Store(f"sqlite:///{voice_home / 'voice.db'}")
    questions = {q.text: q.question for q in store.quotes()}
    assert questions == {
        "They listen to me": "What could be better?",
        "Nobody rings me back": "What was good?",
    }


def test_import_question_blank_is_refused_with_one_line(voice_home: Path, tmp_path: Path) -> None:
    r = runner.invoke(app, ["import", str(_file(tmp_path)), "--question", "  "])
    assert r.exit_code != 0
    assert "--question: give the question" in r.output
    assert not Store(f"sqlite:///{voice_home / 'voice.db'}").count_quotes()


def test_reader_without_a_question_keeps_rows_as_they_are(tmp_path: Path) -> None:
    parsed = read_quote_file(_file(tmp_path))
    assert [q.question for q in parsed.quotes] == [None, "What was good?"]
