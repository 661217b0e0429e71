"""Spreadsheet bombs (docs/SECURITY.md): a tiny XLSX declaring ``A1:XFD1048576`` and one unpacking
to a 300 MB shared string are refused in under 5 seconds and little memory, with one line naming
the file and the limit, by the CLI and by the app's upload. Ordinary files still import."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from voice import config
from voice.ingest._xlsx_limits import declared_size

SHEET = "xl/worksheets/sheet1.xml"

_MEASURED = """
import json, resource, sys, time
from typer.testing import CliRunner
from voice.cli import app
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.monotonic()
result = CliRunner().invoke(app, ["import", sys.argv[1]])
print(json.dumps({
    "code": result.exit_code,
    "stderr": result.stderr,
    "seconds": time.monotonic() - start,
    "mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024,
}))
"""


def _real_xlsx(path: Path, rows: int = 1) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["text", "period"])
    for i in range(rows):
        wb.active.append([f"a quote number {i}", "2017/18 Q1"])
    wb.save(path)
    return path


def _packed(target: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9)


def _rewritten(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """A copy of the XLSX ``source`` with some parts replaced (written highly compressed)."""
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new,
    ):
        for item in old.infolist():
            new.writestr(item.filename, replace.get(item.filename, old.read(item.filename)))
    return target


def declared_dimension_bomb(tmp_path: Path) -> Path:
    """4-5 KB declaring 16,384 columns by 1,048,576 rows."""
    real = _real_xlsx(tmp_path / "real.xlsx")
    with zipfile.ZipFile(real) as z:
        sheet = z.read(SHEET)
    bomb = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', sheet)
    assert bomb != sheet
    return _rewritten(real, tmp_path / "dimension-bomb.xlsx", {SHEET: bomb})


def shared_string_bomb(tmp_path: Path) -> Path:
    """About 300 KB on disk, a 300 MB shared string once unpacked (streamed, never held whole)."""
    real = _real_xlsx(tmp_path / "real.xlsx")
    target = tmp_path / "string-bomb.xlsx"
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
        b"</sheetData></worksheet>"
    )
    with (
        zipfile.ZipFile(real) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new,
    ):
        for item in old.infolist():
            if item.filename != "xl/sharedStrings.xml":
                new.writestr(item.filename, sheet if item.filename == SHEET else old.read(item.filename))
        info = zipfile.ZipInfo("xl/sharedStrings.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with new.open(info, "w", force_zip64=True) as out:
            out.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            out.write(b"<si><t>text</t></si><si><t>")
            chunk = b"a" * 1_000_000
            for _ in range(300):
                out.write(chunk)
            out.write(b"</t></si></sst>")
    return target


def _import_measured(path: Path, home: Path) -> dict:
    env = {"VOICE_HOME": str(home), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(path)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("build", "limit"),
    [
        (declared_dimension_bomb, f"has 1,048,576 rows; at most {config.XLSX_MAX_ROWS:,} are read"),
        (shared_string_bomb, "shared-string table unpacks to 300 MB, over the limit of 100 MB"),
    ],
)
def test_spreadsheet_bombs_are_refused_fast_in_little_memory(tmp_path: Path, build, limit: str) -> None:
    bomb = build(tmp_path)
    assert bomb.stat().st_size < 400_000
    result = _import_measured(bomb, tmp_path / "home")
    assert result["code"] == 1, result
    assert f"{bomb.name}, header: " in result["stderr"] and limit in result["stderr"], result["stderr"]
    assert "Traceback" not in result["stderr"]
    assert result["seconds"] < 5, result
    assert result["mb"] < 50, f"refusing the file raised peak memory by {result['mb']} MB"


def test_a_sheet_that_declares_nothing_is_stopped_at_the_row_limit(tmp_path: Path, monkeypatch) -> None:
    from voice.ingest.quote_file import QuoteFileError, read_quote_file

    monkeypatch.setattr(config, "XLSX_MAX_ROWS", 50)
    real = _real_xlsx(tmp_path / "real.xlsx", rows=60)
    with zipfile.ZipFile(real) as z:
        sheet = z.read(SHEET)
    undeclared = _rewritten(
        real, tmp_path / "undeclared.xlsx", {SHEET: re.sub(rb"<dimension [^>]*/>", b"", sheet)}
    )
    with pytest.raises(
        QuoteFileError, match=r"undeclared.xlsx, header: the sheet \(read up to row 51\) has 51 rows"
    ):
        read_quote_file(undeclared)
    assert len(read_quote_file(_real_xlsx(tmp_path / "ok.xlsx", rows=40)).quotes) == 40


def test_ordinary_xlsx_files_are_not_refused(tmp_path: Path) -> None:
    from voice.ingest.quote_file import read_quote_file

    start = time.monotonic()
    parsed = read_quote_file(_real_xlsx(tmp_path / "quotes.xlsx", rows=2_000))
    assert len(parsed.quotes) == 2_000 and time.monotonic() - start < 30


def test_declared_size() -> None:
    assert declared_size("A1:XFD1048576") == (1_048_576, 16_384)
    assert declared_size("B2") == (1, 1)
    assert declared_size("$A$1:$C$10") == (10, 3)


def test_the_apps_upload_refuses_a_bomb_with_a_clear_message(tmp_path: Path, monkeypatch) -> None:
    """The officers' upload reads files through the same guard (voice/ui/add_quotes.py)."""
    from streamlit.testing.v1 import AppTest

    bomb = declared_dimension_bomb(tmp_path)
    home = tmp_path / "home"
    monkeypatch.setenv("VOICE_HOME", str(home))
    monkeypatch.delenv("VOICE_DB_URL", raising=False)
    script = f"""
import streamlit as st
from pathlib import Path
from voice.store import Store
from voice.ui import add_quotes


class Upload:
    name = "dimension-bomb.xlsx"

    def getvalue(self):
        return Path({str(bomb)!r}).read_bytes()


real_uploader = st.file_uploader  # streamlit is one module for the whole test process: put it back
st.file_uploader = lambda *a, **k: Upload()
try:
    add_quotes.upload_quotes(Store())
finally:
    st.file_uploader = real_uploader
"""
    start = time.monotonic()
    at = AppTest.from_string(script, default_timeout=60).run()
    assert not at.exception, at.exception
    assert time.monotonic() - start < 20
    assert any("dimension-bomb.xlsx: nothing was imported" in e.value for e in at.error)
    problems = " ".join(at.dataframe[0].value["problem"])
    assert f"at most {config.XLSX_MAX_ROWS:,} are read" in problems
