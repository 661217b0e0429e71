"""Broken files and markup in data through the real CLI: one line naming the file and the
problem on standard error, exit code 1, no traceback; data printed as it is, never as markup.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from voice.cli import app
from voice.records import HUMAN, Quote, Tag
from voice.store import Store

runner = CliRunner()


def run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def one_line_error(result, *expected: str) -> None:  # type: ignore[no-untyped-def]
    """Exit 1, exactly one line on standard error, holding every expected piece, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for text in expected:
        assert text in lines[0], lines[0]


def _workbook_without_sheets() -> bytes:
    """A well-formed XLSX whose workbook lists no sheet at all."""
    from openpyxl import Workbook

    plain = io.BytesIO()
    Workbook().save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "xl/workbook.xml":
                data = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data)
            zout.writestr(name, data)
    return out.getvalue()


def _zip_not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return out.getvalue()


def _damaged_sheet() -> bytes:
    """A workbook whose only sheet's XML is cut off half-way (found only when rows are read)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["text"])
    for i in range(50):
        wb.active.append([f"quote number {i}"])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            zout.writestr(name, data)
    return out.getvalue()


BROKEN_XLSX = {
    "random bytes": (lambda: os.urandom(2000), "not a readable XLSX file"),
    "a zip, not a workbook": (_zip_not_a_workbook, "not a readable XLSX file"),
    "no sheets": (_workbook_without_sheets, "the workbook has no sheets"),
    "a damaged sheet": (_damaged_sheet, "not a readable XLSX file"),
}

QUOTE_FILE_COMMANDS = {
    "import": lambda f, tmp: ["import", f],
    "classify": lambda f, tmp: ["classify", f, "-o", tmp / "out.csv"],
    "redact": lambda f, tmp: ["redact", f, "-o", tmp / "out.csv"],
    "themes": lambda f, tmp: ["themes", f, "-o", tmp / "out.csv"],
}


@pytest.mark.parametrize("command", list(QUOTE_FILE_COMMANDS))
@pytest.mark.parametrize("kind", list(BROKEN_XLSX))
def test_malformed_xlsx_is_one_line(voice_home: Path, tmp_path: Path, command: str, kind: str) -> None:
    make, problem = BROKEN_XLSX[kind]
    f = tmp_path / "quotes.xlsx"
    f.write_bytes(make())
    one_line_error(run(*QUOTE_FILE_COMMANDS[command](f, tmp_path)), "quotes.xlsx", problem)
    assert not (tmp_path / "out.csv").exists()


EVERY_FILE_COMMAND = {
    **QUOTE_FILE_COMMANDS,
    "import-seed": lambda f, tmp: ["import-seed", f],
    "indicators import": lambda f, tmp: ["indicators", "import", f],
    "evaluate-themes --data": lambda f, tmp: ["evaluate-themes", "--data", f, "--json-out", tmp / "m.json"],
    "train-themes --data": lambda f, tmp: ["train-themes", "--data", f, "--out", tmp / "guide"],
    "train-scheme-chooser --children": lambda f, tmp: [
        "train-scheme-chooser",
        "--children",
        f,
        "--out",
        tmp / "c",
    ],
}


@pytest.mark.parametrize("command", list(EVERY_FILE_COMMAND))
def test_a_folder_for_a_file_is_one_line(voice_home: Path, tmp_path: Path, command: str) -> None:
    folder = tmp_path / "quotes.csv"
    folder.mkdir()
    one_line_error(run(*EVERY_FILE_COMMAND[command](folder, tmp_path)), "quotes.csv", "folder")


@pytest.mark.parametrize("command", list(EVERY_FILE_COMMAND))
def test_an_empty_file_is_one_line(voice_home: Path, tmp_path: Path, command: str) -> None:
    empty = tmp_path / "quotes.csv"
    empty.write_bytes(b"")
    result = run(*EVERY_FILE_COMMAND[command](empty, tmp_path))
    one_line_error(result, "quotes.csv")
    assert re.search(r"empty|no (categories|label) or text column", result.stderr), result.stderr


@pytest.mark.parametrize("kind", list(BROKEN_XLSX))
def test_indicators_import_refuses_a_workbook_and_stores_nothing(
    voice_home: Path, tmp_path: Path, kind: str
) -> None:
    f = tmp_path / "dashboard.xlsx"
    f.write_bytes(BROKEN_XLSX[kind][0]())
    one_line_error(run("indicators", "import", f), "dashboard.xlsx", "binary file")
    assert Store(f"sqlite:///{voice_home / 'voice.db'}").indicators() == []


# -- quote files: duplicate columns, a BOM in mid-file -------------------------------------------


def test_duplicate_column_names_are_refused_naming_the_column(voice_home: Path, tmp_path: Path) -> None:
    f = tmp_path / "twice.csv"
    f.write_text("text,source,Source\nI like it,School,Home\n", encoding="utf-8")
    one_line_error(run("import", f), "twice.csv", "column 'source' appears twice")


def test_a_bom_in_mid_file_is_not_stored(voice_home: Path, tmp_path: Path) -> None:
    f = tmp_path / "joined.csv"  # two exports pasted together: the second BOM lands in a cell
    f.write_bytes(b"\xef\xbb\xbftext,source\nfirst quote,School\n\xef\xbb\xbfsecond quote,\xef\xbb\xbfHome\n")
    assert run("import", f).exit_code == 0
    stored = Store(f"sqlite:///{voice_home / 'voice.db'}").quotes()
    assert sorted(q.text for q in stored) == ["first quote", "second quote"]
    assert all("\ufeff" not in (q.source or "") for q in stored)


# -- indicators: periods, formulas ----------------------------------------------------------------


def test_invalid_indicator_period_is_refused(voice_home: Path, tmp_path: Path) -> None:
    f = tmp_path / "own.csv"
    f.write_text("indicator,period,value\nGood thing,2017/18 Q1,5\nOther,last tuesday,3\n", encoding="utf-8")
    one_line_error(run("indicators", "import", f), "own.csv row 3, column 'period'", "not a period")
    assert Store(f"sqlite:///{voice_home / 'voice.db'}").indicators() == []


def test_indicators_export_neutralises_formulas_and_reads_back(voice_home: Path, tmp_path: Path) -> None:
    f = tmp_path / "own.csv"
    f.write_text(
        'indicator,period,value,target\n"=HYPERLINK(""http://x"",""y"")",2017/18 Q1,5,@SUM(A1)\n',
        encoding="utf-8",
    )
    assert run("indicators", "import", f).exit_code == 0
    out = tmp_path / "export.csv"
    assert run("indicators", "export", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert not re.search(r"(^|,)\"?[=@+]", text, re.MULTILINE)  # no cell starts with a formula
    again = Store(f"sqlite:///{tmp_path / 'again.db'}")
    from voice.indicators import import_indicator_file

    import_indicator_file(again, out, who="test")
    (row,) = again.indicators()
    assert row.indicator.startswith("=HYPERLINK") and row.target == "@SUM(A1)"  # round trip


# -- Rich markup in stored data -------------------------------------------------------------------

MARKUP = "[/] closes nothing, [name] is a name, [bold red]not bold[/bold red] :smile:"


@pytest.fixture
def marked(voice_home: Path) -> Quote:
    store = Store(f"sqlite:///{voice_home / 'voice.db'}")
    quote = Quote(text=MARKUP, source="[/]school", period="2017/18 Q1")
    untagged = Quote(text=MARKUP, source="[/]home", period="2017/18 Q1")  # for the queue
    store.add_quotes(
        [quote, untagged], [Tag(quote_id=quote.id, label="good", who="[/]officer", origin=HUMAN)]
    )
    return quote


@pytest.mark.parametrize(
    "args",
    [
        ["quotes"],
        ["quotes", "--format", "csv"],
        ["queue"],
        ["history", "ID"],
    ],
    ids=["quotes", "quotes-csv", "queue", "history"],
)
def test_rich_markup_in_a_quote_prints_as_written(
    marked: Quote, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from voice.cli import _util

    monkeypatch.setattr(_util.console, "_width", 1000)  # no folding: each cell on one line
    result = run(*[marked.id if a == "ID" else a for a in args])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    shown = MARKUP if args[0] != "history" else MARKUP[:80]  # history's title: the first 80
    assert shown in result.stdout, result.stdout


def test_voice_themes_markdown_has_no_markup_from_data() -> None:
    from markdown_it import MarkdownIt

    from voice.cli.themes import markdown_report
    from voice.themes import RepresentativeQuote, ThemeSummary

    hostile = "<img src=x onerror=alert(1)> ![x][1]\n\n[1]: http://evil/x.png $x^2$ [a](http://b)"
    quote = RepresentativeQuote(quote_id="q", text=hostile, attribution=hostile, label="good")
    summary = ThemeSummary(
        theme_id="t1", label=hostile, size=5, size_text="5", share=1.0, counts={}, count_texts={},
        previous=None, change=None, change_text="", keywords=(hostile,), quotes=(quote,), sentence=hostile,
    )  # fmt: skip
    text = markdown_report([summary], hostile, "2017/18 Q1")
    html = MarkdownIt("commonmark").render(text)
    assert "<img" not in html and "<a " not in html and "<p><img" not in html
    assert not re.search(r"(?<!\\)\$", text)  # no maths
    assert [line for line in text.splitlines() if line.startswith("> ")] == [
        line for line in text.splitlines() if "onerror" in line and line.startswith(">")
    ]
    assert sum(1 for line in text.splitlines() if line.startswith("> ")) == 1  # one line per quote
