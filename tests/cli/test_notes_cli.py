"""`voice notes`: list, add, edit and the history of "you said, we did" notes (issue #19)."""

from __future__ import annotations

import json

from conftest import seed
from typer.testing import CliRunner

from voice.cli import app

runner = CliRunner()
P = "2017/18 Q1"


def _notes(*args: str) -> list[dict]:
    r = runner.invoke(app, ["notes", *args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_seed_notes_listed_added_edited_with_history_and_audit(voice_home):
    assert runner.invoke(app, ["import-seed", str(seed("000"))]).exit_code == 0
    assert len(_notes("--period", P)) == 8
    r = runner.invoke(
        app, ["notes", "add", "--period", P, "--text", "Plans are read with the child.", "--by", "Ann"]
    )
    assert r.exit_code == 0, r.output
    added = _notes("--period", P)[-1]
    assert (added["text"], added["who"]) == ("Plans are read with the child.", "Ann")
    r = runner.invoke(
        app, ["notes", "edit", str(added["id"]), "--text", "Plans are read with every child.", "--by", "Bo"]
    )
    assert r.exit_code == 0, r.output
    assert _notes("--period", P)[-1]["text"] == "Plans are read with every child."
    r = runner.invoke(app, ["notes", "history", str(added["id"]), "--format", "json"])
    versions = json.loads(r.output)
    assert [(v["who"], v["text"]) for v in versions] == [
        ("Ann", "Plans are read with the child."),
        ("Bo", "Plans are read with every child."),
    ]
    first = _notes("--period", P)[0]  # an imported note keeps its imported text as version one
    r = runner.invoke(app, ["notes", "edit", str(first["id"]), "--text", "Corrected.", "--by", "Bo"])
    assert r.exit_code == 0
    history = json.loads(
        runner.invoke(app, ["notes", "history", str(first["id"]), "--format", "json"]).output
    )
    assert history[0]["text"] == first["text"] and history[-1]["text"] == "Corrected."
    from voice.store import Store

    log = Store(f"sqlite:///{voice_home / 'voice.db'}").audit_log()
    assert [e["action"] for e in log[:3]] == ["note edit", "note edit", "note add"]


def test_note_errors_are_one_line(voice_home):
    cases = [
        (["notes", "add", "--period", "spring", "--text", "x", "--by", "A"], "period"),
        (["notes", "add", "--period", P, "--text", "  ", "--by", "A"], "cannot be empty"),
        (["notes", "add", "--period", P, "--text", "x", "--theme", "nope", "--by", "A"], "no saved theme"),
        (["notes", "edit", "99", "--text", "x", "--by", "A"], "no note 99"),
    ]
    for args, words in cases:
        r = runner.invoke(app, args)
        assert r.exit_code == 1, r.output
        assert words in r.output and "Traceback" not in r.output
