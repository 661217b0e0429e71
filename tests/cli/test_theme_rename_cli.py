"""`voice theme rename` says its scope and refuses a label in use: real SQLite, real embedder, real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import seed
from typer.testing import CliRunner

from voice.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()
LISTENED = "being heard and having a say"  # a framework theme (models/themes/children_framework.json)


def run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def test_rename_says_its_scope_and_refuses_a_duplicate(voice_home: Path) -> None:
    assert run("import-seed", seed("000")).exit_code == 0
    assert run("themes", "--period", "2017/18 Q1", "--format", "json").exit_code == 0
    themes = json.loads(run("theme", "list", "--format", "json").stdout)
    listened = next(t for t in themes if t["label"] == LISTENED)
    other = next(t for t in themes if t["quotes"] and t["id"] != listened["id"])

    r = run("theme", "rename", other["id"], LISTENED.title(), "--by", "officer")
    assert r.exit_code == 1
    assert f"a theme called '{LISTENED}' already exists" in r.output
    assert f"voice theme merge {other['id']} {listened['id']}" in r.output
    assert {t["label"] for t in json.loads(run("theme", "list", "--format", "json").stdout)} == {
        t["label"] for t in themes
    }  # nothing renamed

    r = run("theme", "rename", other["id"], "heard or not", "--by", "officer")
    assert r.exit_code == 0, r.output
    assert f"now 'heard or not' in every quarter ({other['quotes']} quotes)" in r.output

    r = run(
        "theme",
        "rename",
        listened["id"],
        "listened to this quarter",
        "--by",
        "officer",
        "--period",
        "2017/18 Q1",
    )
    assert r.exit_code == 0, r.output
    assert f"in 2017/18 Q1 only ({listened['quotes']} quotes split off)" in r.output
    after = {t["label"]: t for t in json.loads(run("theme", "list", "--format", "json").stdout)}
    assert after[LISTENED]["quotes"] == 0  # no other quarter: the old theme keeps its name
    assert after["listened to this quarter"]["quotes"] == listened["quotes"]
