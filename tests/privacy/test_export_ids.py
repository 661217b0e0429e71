"""Keyed export ids (docs/PRIVACY.md, "Ids and speakers"): nothing exported can be computed from
the text, and two installations never export the same id for the same quote.

Two VOICE_HOMEs import the same seed document through the real CLI and export it every way a
quote table leaves Voice; their ids are compared with each other and with the stored ids.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, clear_concern_flags, seed
from typer.testing import CliRunner

from voice.cli import app
from voice.errors import StoreError
from voice.records import quote_id
from voice.store import Store

runner = CliRunner()
PERIOD = "2017/18 Q1"


def run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def install(home: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Switch to the installation at ``home`` (seed 000 imported once)."""
    monkeypatch.setenv("VOICE_HOME", str(home))
    monkeypatch.delenv("VOICE_DB_URL", raising=False)
    if not (home / "voice.db").exists():
        assert run("import-seed", seed("000")).exit_code == 0
        clear_concern_flags(home)  # detect-7 holds some seed quotes until an officer reviews them
    return Store(f"sqlite:///{home / 'voice.db'}")


def csv_ids(path: Path) -> list[str]:
    return [r["id"] for r in csv.DictReader(path.open(encoding="utf-8-sig"))]


def exported_ids(home: Path, monkeypatch: pytest.MonkeyPatch, out: Path) -> dict[str, list[str]]:
    """Every quote id that leaves this installation, by where it left."""
    store = install(home, monkeypatch)
    out.mkdir(parents=True, exist_ok=True)
    assert run("export", out / "redacted.csv").exit_code == 0
    assert run("export", out / "raw.json", "--unredacted").exit_code == 0
    r = run("appendix", "--period", PERIOD, "-o", out / "appendix.csv")
    assert r.exit_code == 0, r.output
    from voice.privacy import PUBLIC_ROLE, coarsen_attributions
    from voice.report import appendix_table, select_quotes

    items = select_quotes(store, [PERIOD])  # what the report builder's CSV download is made of
    coarse = coarsen_attributions([i.quote for i in items], PUBLIC_ROLE)
    table = appendix_table(items, "csv", str, lambda q: coarse.get(q.id, ""))
    return {
        "export": csv_ids(out / "redacted.csv"),
        "export --unredacted": [r["id"] for r in json.loads((out / "raw.json").read_text())],
        "appendix": csv_ids(out / "appendix.csv"),
        "report builder": [r["id"] for r in csv.DictReader(io.StringIO(table.decode("utf-8-sig")))],
    }


def test_two_installations_export_no_common_id_and_none_is_the_text_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = exported_ids(tmp_path / "a", monkeypatch, tmp_path / "out-a")
    stored = {q.id for q in install(tmp_path / "a", monkeypatch).quotes()}
    texts = {quote_id(q.text, q.source, q.period) for q in install(tmp_path / "a", monkeypatch).quotes()}
    b = exported_ids(tmp_path / "b", monkeypatch, tmp_path / "out-b")
    assert stored == {q.id for q in install(tmp_path / "b", monkeypatch).quotes()}  # same quotes
    for where in a:
        assert a[where] and all(len(i) == 16 for i in a[where]), where
        assert not set(a[where]) & set(b[where]), where  # two councils share no id
        assert not set(a[where]) & (stored | texts), where  # no id is the hash of the text
    assert len(set(a["export"])) == len(stored) == 16
    assert set(a["appendix"]) == set(a["report builder"]) <= set(a["export"]) == set(a["export --unredacted"])


def test_export_ids_are_stable_and_reimport_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = install(tmp_path / "home", monkeypatch)
    first = exported_ids(tmp_path / "home", monkeypatch, tmp_path / "one")
    r = run("import-seed", seed("000"))
    assert "added 0 quotes" in r.output  # re-import is idempotent: the stored ids did not change
    again = exported_ids(tmp_path / "home", monkeypatch, tmp_path / "two")
    assert first == again
    r = run("quotes", "--format", "json")  # an officer's command on the database: stored ids
    assert {row["id"] for row in json.loads(r.stdout)} == {q.id for q in store.quotes()}


def test_themes_json_carries_keyed_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = {}
    for name in ("a", "b"):
        store = install(tmp_path / name, monkeypatch)
        r = run("themes", "--period", PERIOD, "--format", "json")
        assert r.exit_code == 0, r.output
        ids = {q["quote_id"] for t in json.loads(r.stdout)["themes"] for q in t["quotes"]}
        assert ids and not ids & {q.id for q in store.quotes()}
        out[name] = ids
    assert not out["a"] & out["b"]


def test_the_key_is_owner_only_and_made_once(voice_home: Path) -> None:
    from voice.privacy import export_id, export_key, export_key_path

    key = export_key()
    path = export_key_path()
    assert path == voice_home / "export_key" and path.read_bytes() == key and len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert export_id("abc") == export_id("abc") != export_id("abd")
    assert export_key() == key


def test_processes_starting_together_agree_on_one_key(voice_home: Path) -> None:
    code = "from voice.privacy import export_key; print(export_key().hex())"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    keys = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert len(keys) == 1 and bytes.fromhex(keys.pop()) == (voice_home / "export_key").read_bytes()
    assert [p.name for p in voice_home.iterdir()] == ["export_key"]  # no temporary file left


def test_a_damaged_key_is_one_clear_error(voice_home: Path) -> None:
    from voice.privacy import export_id

    assert run("import-seed", seed("000")).exit_code == 0
    (voice_home / "export_key").write_bytes(b"short")
    with pytest.raises(StoreError, match="export_key: the export key is damaged"):
        export_id("abc")
    r = run("export", voice_home / "x.csv")
    assert r.exit_code == 1 and "export key is damaged" in r.output
    assert len(r.output.strip().splitlines()) == 1 and not (voice_home / "x.csv").exists()
