"""Hostile and broken input through the real CLI: a clear message naming file, row and problem,
exit code 1, no traceback, nothing stored half-way and nothing already stored lost.

(tests/cli/test_cli_foundation.py already covers bad rows, Windows-1252 curly quotes, UTF-8 BOM,
XLSX input, a missing file and an unsupported suffix; this is the rest of the matrix.)
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from voice import config
from voice.cli import app
from voice.ingest.quote_file import MAX_TEXT_CHARS, stream_quote_file
from voice.ingest.synthetic import write_quote_csv
from voice.records import Quote
from voice.store import Store

runner = CliRunner()
EXAMPLE = ROOT / "corpus" / "examples" / "quotes.csv"


def run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def db(voice_home: Path) -> Store:
    return Store(f"sqlite:///{voice_home / 'voice.db'}")


def refused(result, *expected: str) -> None:  # type: ignore[no-untyped-def]
    """The command failed cleanly with every expected piece of message."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for text in expected:
        assert text in result.stderr, result.stderr


@pytest.fixture
def stored(voice_home: Path) -> Store:
    """A store already holding the 5 example quotes (so "nothing lost" can be checked)."""
    assert run("import", EXAMPLE).exit_code == 0
    return db(voice_home)


def assert_unchanged(store: Store) -> None:
    assert store.count_quotes() == 5 and len(store.all_tags()) == 4


# -- files that are not quote files ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty.csv, header: the file is empty"),
        (b"  \r\n\n \t\n", "empty.csv, header: the file is empty"),
        (b"\xef\xbb\xbf", "empty.csv, header: the file is empty"),
        (b"\xff\xfe", "empty.csv, header: the file is empty"),
        (b"text,label\r\n", "empty.csv, header: the file has a header but no quote rows"),
        (b"text,label\n\n,\n  ,  \n", "empty.csv, header: the file has a header but no quote rows"),
        (b"\nText,label\nhello,good\n", "empty.csv, row 1: the header row is empty"),
        (
            b"quote,age\nI like it,12\n",
            "empty.csv, row 1, column 'text': missing required column 'text' (found: quote, age)",
        ),
    ],
    ids=["zero-bytes", "whitespace", "utf8-bom-only", "utf16-bom-only", "header-only", "header-blank-rows",
         "blank-header", "no-text-column"],
)  # fmt: skip
def test_empty_and_headless_files(stored: Store, tmp_path: Path, content: bytes, message: str):
    f = tmp_path / "empty.csv"
    f.write_bytes(content)
    refused(run("import", f), message, "nothing was stored")
    assert_unchanged(stored)


def _xlsx_bytes(tmp_path: Path) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["text"])
    wb.active.append(["a quote"])
    wb.save(tmp_path / "real.xlsx")
    return (tmp_path / "real.xlsx").read_bytes()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("random", "this is not a text CSV file (binary content)"),
        ("xlsx", "it looks like an Excel .xlsx (or other zip) file renamed .csv: rename it to .xlsx"),
        ("pdf", "it looks like a PDF"),
        ("png", "it looks like a PNG image"),
        ("xls", "it looks like an old Excel .xls or Word file"),
        ("controls", "this is not a text CSV file (binary content)"),
    ],
)
def test_binary_file_named_csv(stored: Store, tmp_path: Path, kind: str, message: str):
    content = {
        "random": os.urandom(20_000),
        "xlsx": _xlsx_bytes(tmp_path),
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n" * 20,
        "png": b"\x89PNG\r\n\x1a\n" + os.urandom(2000),
        "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2000),
        "controls": bytes(range(1, 9)) * 500,
    }[kind]
    f = tmp_path / "quotes.csv"
    f.write_bytes(content)
    refused(
        run("import", f), "quotes.csv, header: this is not a text CSV file", message, "nothing was stored"
    )
    assert_unchanged(stored)


def test_broken_xlsx_and_folder(stored: Store, tmp_path: Path):
    f = tmp_path / "quotes.xlsx"
    f.write_text("text,label\nhello,good\n")
    refused(run("import", f), "quotes.xlsx, header: not a readable XLSX file", "rename it to .csv")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    refused(run("import", folder), "is a folder, not a file")
    assert_unchanged(stored)


# -- encodings ------------------------------------------------------------------------------------------

TEXTS = ["Zoë's carer said it’s “fine” – café at 5€", "我的社工很好", "Мені тут безпечно 😊"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_unicode_encodings_import_every_character(voice_home: Path, tmp_path: Path, encoding: str):
    """Excel's "Unicode text" is tab-separated UTF-16 (with BOM); without BOM is recognised too."""
    f = tmp_path / "unicode.txt"
    body = "text\tspeaker\tlabel\r\n" + "".join(f"{t}\tFemale, 15\tgood\r\n" for t in TEXTS)
    f.write_bytes(body.encode(encoding))
    r = run("import", f)
    assert r.exit_code == 0, r.output
    assert "added 3 quotes and 3 tags" in r.output
    assert sorted(q.text for q in db(voice_home).quotes()) == sorted(TEXTS)


def test_latin1_and_mixed_encodings_keep_every_character(voice_home: Path, tmp_path: Path):
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("text,label\nZoë went to the café,good\nNaïve résumé,unsure\n".encode("latin-1"))
    r = run("import", latin)
    assert r.exit_code == 0, r.output
    assert (
        "warning: latin1.csv: 2 line(s) are not UTF-8 and were read as Windows-1252 (line 2, 3)" in r.stderr
    )
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(
        b"text,label\n"
        + "Zoë’s social worker 😊,good\n".encode()
        + "They don’t listen – ever,not so good\n".encode("cp1252")
        + "Мені тут добре,good\n".encode()
    )
    r = run("import", mixed)
    assert r.exit_code == 0, r.output
    assert "1 line(s) are not UTF-8 and were read as Windows-1252 (line 3)" in r.stderr
    texts = {q.text for q in db(voice_home).quotes()}
    assert texts == {
        "Zoë went to the café",
        "Naïve résumé",
        "Zoë’s social worker 😊",
        "They don’t listen – ever",
        "Мені тут добре",
    }


def test_damaged_utf16_is_refused(stored: Store, tmp_path: Path):
    f = tmp_path / "broken16.txt"
    f.write_bytes("text\nhello\n".encode("utf-16") + b"\x00\xd8")  # a lone surrogate half at the end
    refused(run("import", f), "broken16.txt", "UTF-16 but is damaged")
    assert_unchanged(stored)


def test_semicolon_csv_from_european_excel(voice_home: Path, tmp_path: Path):
    f = tmp_path / "semi.csv"
    f.write_text("Text;Speaker;Label\nI like it, mostly;Male, 12;good\n", encoding="utf-8")
    r = run("import", f)
    assert r.exit_code == 0, r.output
    [q] = db(voice_home).quotes()
    assert (q.text, q.gender, q.age) == ("I like it, mostly", "Male", 12)


# -- malformed CSV and odd cells --------------------------------------------------------------------------


CONTROL = "contains the control character"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'text,label\nfine,good\n"never closed,good\nthird,good\n',
            "row 3: the file ends inside a quoted field",
        ),
        (
            'text,label\nfine,good\n"Hi" she said,good\n',
            'row 3: a double quote (") ends a field but more text',
        ),
        ("text,label\nfine,good\nbad\x00byte,good\n", f"row 3, column 'text': {CONTROL} U+0000"),
        ("text,speaker\nfine,\x01Male\n", f"row 2, column 'speaker': {CONTROL} U+0001"),
    ],
    ids=["unclosed-quote", "stray-quote", "nul", "control"],
)
def test_malformed_csv_names_the_row(stored: Store, tmp_path: Path, body: str, message: str):
    f = tmp_path / "q.csv"
    f.write_text(body, encoding="utf-8")
    refused(run("import", f), "q.csv, " + message, "nothing was stored")
    assert_unchanged(stored)


def test_runaway_quote_in_a_big_file_is_caught(stored: Store, tmp_path: Path):
    f = tmp_path / "runaway.csv"
    with f.open("w", encoding="utf-8") as fh:
        fh.write('text,label\nfine,good\n"this quote is never closed,good\n')
        fh.writelines(f"row {i} that will be swallowed,good\n" for i in range(20_000))
    refused(run("import", f), "runaway.csv, row 3: a field is longer than 131,072 characters", "never closed")
    assert_unchanged(stored)


def test_vertical_tabs_from_word_become_line_breaks(voice_home: Path, tmp_path: Path):
    f = tmp_path / "vt.csv"
    f.write_text('text\n"first line\x0bsecond line\x0cthird"\n', encoding="utf-8")
    assert run("import", f).exit_code == 0
    [q] = db(voice_home).quotes()
    assert q.text == "first line\nsecond line\nthird"


def test_very_long_quote_is_stored_whole_and_exported_whole(voice_home: Path, tmp_path: Path):
    """Decision: quotes up to 20,000 characters are stored and exported whole; longer are refused."""
    long_text = ("I want to tell you everything about my placement. " * 200)[:10_000].strip()
    f = tmp_path / "long.csv"
    with f.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["text", "label"], [long_text, "good"]])
    assert run("import", f).exit_code == 0
    [q] = db(voice_home).quotes()
    assert q.text == long_text and len(q.text) >= 9_990
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"out.{suffix}"
        assert run("export", out, "--unredacted").exit_code == 0
        assert _exported(out)[0]["text"] == long_text
    too_long = tmp_path / "too_long.csv"
    with too_long.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["text"], ["ok"], ["x" * (MAX_TEXT_CHARS + 1)]])
    refused(run("import", too_long), "too_long.csv, row 3, column 'text': the quote is 20,001 characters")
    assert db(voice_home).count_quotes() == 1


def test_bad_row_late_in_a_streamed_file_stores_nothing(stored: Store, tmp_path: Path):
    """Batches already written when a bad row turns up are rolled back."""
    f = write_quote_csv(tmp_path / "late.csv", 4_500)
    with f.open("a", encoding="utf-8") as fh:
        fh.write("the last row is bad,Female 15,2017/18 Q9,good,x\n")
    refused(run("import", f), "late.csv, row 4502, column 'period'", "1 problem(s), nothing was stored")
    assert_unchanged(stored)


def test_every_problem_is_counted_but_not_all_printed(stored: Store, tmp_path: Path):
    f = tmp_path / "all_bad.csv"
    f.write_text("text,age\n" + "".join(f"quote {i},old\n" for i in range(3000)), encoding="utf-8")
    r = run("import", f)
    refused(r, "3,000 problem(s), nothing was stored", "all_bad.csv, row 2, column 'age'", "and 2,950 more")
    assert_unchanged(stored)


# -- what comes out: scripts, HTML and formulas ------------------------------------------------------------


def _exported(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    header, *rows = list(ws.iter_rows())
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
    return [
        {h.value: ("" if c.value is None else c.value) for h, c in zip(header, row, strict=True)}
        for row in rows
    ]


WORLD = [
    "😊👍🏽 my carer is the best ❤️",
    "أشعر بالأمان في بيتي الجديد",
    "मेरी सामाजिक कार्यकर्ता मेरी बात सुनती है",
    "我的社工很好",
    "ਮੈਨੂੰ ਆਪਣੇ ਪਰਿਵਾਰ ਨੂੰ ਹੋਰ ਮਿਲਣਾ ਚਾਹੀਦਾ ਹੈ",
    "<script>alert('hacked')</script> & <b>bold</b> &amp;",
]


def test_scripts_emoji_and_html_round_trip_verbatim(voice_home: Path, tmp_path: Path):
    """Stored and exported exactly as written; HTML is data here (the app must escape it)."""
    f = tmp_path / "world.csv"
    with f.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["text", "speaker"], *[[t, "Female, 15"] for t in WORLD]])
    assert run("import", f).exit_code == 0
    for out in (tmp_path / "w.csv", tmp_path / "w.xlsx", tmp_path / "w.json"):
        assert run("export", out, "--unredacted").exit_code == 0
        rows = json.loads(out.read_text(encoding="utf-8")) if out.suffix == ".json" else _exported(out)
        assert sorted(r["text"] for r in rows) == sorted(WORLD)
    r = run("quotes", "--format", "json")
    assert sorted(q["text"] for q in json.loads(r.stdout)) == sorted(WORLD)


FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+2",
    "-3+cmd|' /C calc'!A0",
    "@SUM(1,2)",
    "\t=1+2",
    "\r=1+3",
    "=1+4",
]


def test_formula_injection_is_neutralised_in_csv_and_xlsx(voice_home: Path, tmp_path: Path):
    store = db(voice_home)
    quotes = [
        Quote(text=t, source="=evil()", speaker="@me", question="+q", period="2017/18 Q1") for t in FORMULAS
    ]
    store.add_quotes(quotes)
    for out in (tmp_path / "f.csv", tmp_path / "f.xlsx"):
        r = run("export", out, "--unredacted")
        assert r.exit_code == 0, r.output
        rows = _exported(out)
        assert sorted(r["text"] for r in rows) == sorted("'" + t for t in FORMULAS)
        # the speaker leaves as gender, role and age only (safe_speaker): "@me" is none of them
        assert {(r["source"], r["speaker"], r["question"]) for r in rows} == {("'=evil()", "", "'+q")}
        r = run("export", out)  # the default, redacted export goes through the same neutralising
        assert r.exit_code == 0, r.output
        cells = [str(v) for row in _exported(out) for v in row.values()]
        assert cells and not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    r = run("quotes", "--format", "csv")
    rows = list(csv.DictReader(r.stdout.splitlines()))
    assert all(row["text"].startswith("'") and row["source"] == "'=evil()" for row in rows)


def test_formulas_in_an_imported_file_are_stored_as_written(voice_home: Path, tmp_path: Path):
    f = tmp_path / "formula.csv"
    f.write_text('text\n"=1+1"\n"@me"\n', encoding="utf-8")
    assert run("import", f).exit_code == 0
    assert sorted(q.text for q in db(voice_home).quotes()) == ["=1+1", "@me"]
    out = tmp_path / "f.xlsx"
    assert run("export", out, "--unredacted").exit_code == 0
    assert sorted(r["text"] for r in _exported(out)) == ["'=1+1", "'@me"]


def test_control_characters_stored_by_other_paths_do_not_break_xlsx(voice_home: Path, tmp_path: Path):
    db(voice_home).add_quotes([Quote(text="pasted\x0bfrom\x01word")])
    out = tmp_path / "c.xlsx"
    r = run("export", out, "--unredacted")
    assert r.exit_code == 0, r.output
    assert _exported(out)[0]["text"] == "pasted\ufffdfrom\ufffdword"


# -- big files --------------------------------------------------------------------------------------------

_PEAK = """
import resource, sys
from pathlib import Path
from voice.ingest.quote_file import stream_quote_file
from voice.store import Store
store = Store(sys.argv[2]); store.count_quotes()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = store.add_quote_batches(stream_quote_file(Path(sys.argv[1])))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(result.quotes_added, (after - before) // 1024)
"""


def _import_in_child(path: Path, url: str) -> tuple[int, int]:
    """Quotes added and how many MB the import raised the process's peak memory."""
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(path), url], capture_output=True, text=True, timeout=300, check=True
    )
    added, mb = done.stdout.split()
    return int(added), int(mb)


@pytest.mark.slow
def test_50_mb_file_through_the_cli(voice_home: Path, tmp_path: Path):
    f = write_quote_csv(tmp_path / "big.csv", 5_000, text_chars=10_000, seed=50)
    assert f.stat().st_size > 50e6
    r = run("import", f)
    assert r.exit_code == 0, r.output
    assert "5000 rows read, 5000 quotes (0 duplicate rows); added 5000 quotes and 3750 tags" in r.output
    [q] = db(voice_home).quotes()[:1]
    assert len(q.text) == 10_000


@pytest.mark.slow
def test_100k_rows_stream_in_bounded_memory(tmp_path: Path):
    """Streaming keeps memory flat: holding 100,000 quotes at once raised the peak by ~140 MB."""
    f = write_quote_csv(tmp_path / "100k.csv", 100_000, seed=7)
    added, mb = _import_in_child(f, f"sqlite:///{tmp_path / 'm.db'}")
    assert added == 100_000
    assert mb < 80, f"the import raised peak memory by {mb} MB"


def test_progress_is_reported_while_streaming(tmp_path: Path):
    f = write_quote_csv(tmp_path / "p.csv", 3_500)
    seen: list[int] = []
    stream = stream_quote_file(f, progress=seen.append, batch_size=1000)
    sizes = [len(quotes) for quotes, _ in stream]
    assert seen == [1000, 2000, 3000, 3500]
    assert sizes == [1000, 1000, 1000, 500]
    assert (stream.rows_read, stream.quotes, stream.tags) == (3500, 3500, 2625)


# -- the database and the model ------------------------------------------------------------------------------


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO audit (at, who, action) VALUES ('2020-01-01', 'other program', 'lock')")
    return conn


def test_locked_database_gives_up_with_a_clear_message(
    stored: Store, voice_home: Path, monkeypatch, tmp_path
):
    monkeypatch.setattr(config, "SQLITE_BUSY_TIMEOUT_S", 0.3)
    f = tmp_path / "new.csv"
    f.write_text("text,label\nnew quote,good\n", encoding="utf-8")
    lock = _hold_write_lock(voice_home / "voice.db")
    try:
        refused(run("import", f), "the database is locked", "more than 0.3 s", "nothing was stored")
        q = stored.quotes()[0]
        refused(run("tag", q.id, "good", "--by", "alice", "--no-learn"), "the database is locked")
        assert run("quotes", "--format", "json").exit_code == 0  # reading still works (WAL)
    finally:
        lock.rollback()
        lock.close()
    assert_unchanged(stored)
    r = run("import", f)  # trying again once the other program is done
    assert r.exit_code == 0 and "added 1 quotes" in r.output


def test_locked_database_waits_for_a_short_lock(stored: Store, voice_home: Path, tmp_path: Path):
    f = tmp_path / "new.csv"
    f.write_text("text\nwaited for the lock\n", encoding="utf-8")
    lock = _hold_write_lock(voice_home / "voice.db")
    release = threading.Timer(0.5, lambda: (lock.rollback(), lock.close()))
    release.start()
    started = time.perf_counter()
    r = run("import", f)
    release.join()
    assert r.exit_code == 0, r.output
    assert time.perf_counter() - started >= 0.4
    assert stored.count_quotes() == 6


def test_locked_database_theme_edits_give_up_with_a_clear_message(
    stored: Store, voice_home: Path, monkeypatch
):
    """Theme edits go through the store's transactions: a lock is one line and exit 1, not a traceback."""
    from voice.errors import StoreError
    from voice.store import edit_log, pin_theme, rename_theme, stored_themes

    assert run("theme", "pin", "feeling safe", "--by", "alice").exit_code == 0
    monkeypatch.setattr(config, "SQLITE_BUSY_TIMEOUT_S", 0.3)
    lock = _hold_write_lock(voice_home / "voice.db")
    try:
        for args in (
            ("theme", "pin", "being heard", "--by", "alice"),
            ("theme", "rename", "pin-feeling-safe", "Safe at home", "--by", "alice"),
        ):
            r = run(*args)
            refused(r, "the database is locked", "more than 0.3 s", "nothing was stored")
            assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        with pytest.raises(StoreError, match="the database is locked"):
            pin_theme(stored, "being heard", [], "alice")
        with pytest.raises(StoreError, match="the database is locked"):
            rename_theme(stored, "pin-feeling-safe", "Safe at home", "alice")
    finally:
        lock.rollback()
        lock.close()
    assert [t.label for t in stored_themes(stored)] == ["feeling safe"]
    assert [e["action"] for e in edit_log(stored)] == ["pin"]
    assert run("theme", "rename", "pin-feeling-safe", "Safe at home", "--by", "alice").exit_code == 0


def test_read_only_database_is_a_clear_error(stored: Store, voice_home: Path, monkeypatch, tmp_path: Path):
    path = voice_home / "voice.db"
    stored.close()
    monkeypatch.setenv("VOICE_DB_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    f = tmp_path / "new.csv"
    f.write_text("text\nnew\n", encoding="utf-8")
    refused(run("import", f), "could not write to", "the database is read-only")
    r = run("quotes", "--format", "json")
    assert r.exit_code == 0 and len(json.loads(r.stdout)) == 5
    monkeypatch.delenv("VOICE_DB_URL")
    assert_unchanged(db(voice_home))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_permissions_are_a_clear_error(stored: Store, voice_home: Path, tmp_path: Path):
    stored.close()
    for p in voice_home.glob("voice.db*"):
        p.chmod(0o444)
    voice_home.chmod(0o555)
    try:
        f = tmp_path / "new.csv"
        f.write_text("text\nnew\n", encoding="utf-8")
        refused(run("import", f), "read-only")
    finally:
        voice_home.chmod(0o755)
        for p in voice_home.glob("voice.db*"):
            p.chmod(0o644)


def test_not_a_database_file(voice_home: Path):
    voice_home.mkdir(parents=True)
    (voice_home / "voice.db").write_bytes(b"name,age\n" * 1000)
    refused(run("quotes"), "is not a Voice database or is damaged")


@pytest.fixture
def model_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import shutil

    target = tmp_path / "model"
    shutil.copytree(config.MODELS_DIR / config.DEFAULT_MODEL_NAME, target)
    monkeypatch.setenv("VOICE_MODEL_DIR", str(target))
    return target


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncate-weights", "is corrupt"),
        ("garbage-weights", "is corrupt"),
        ("bad-json", "is corrupt"),
        ("wrong-json", "is corrupt"),
        ("missing", "is incomplete: train.json is missing"),
    ],
)
def test_corrupt_model_is_a_clear_error(voice_home: Path, model_copy: Path, tmp_path: Path, damage, message):
    weights = model_copy / "weights.npz"
    if damage == "truncate-weights":
        weights.write_bytes(weights.read_bytes()[:5000])
    elif damage == "garbage-weights":
        weights.write_bytes(os.urandom(5000))
    elif damage == "bad-json":
        (model_copy / "meta.json").write_text('{"features": [', encoding="utf-8")
    elif damage == "wrong-json":
        (model_copy / "train.json").write_text("[1, 2, 3]", encoding="utf-8")
    else:
        (model_copy / "train.json").unlink()
    f = tmp_path / "in.csv"
    f.write_text("text\nmy social worker listens\n", encoding="utf-8")
    refused(run("classify", f, "-o", tmp_path / "out.csv"), f"model {model_copy}", message, "voice train")
    assert not (tmp_path / "out.csv").exists()
    assert run("import", EXAMPLE).exit_code == 0
    refused(run("classify"), message)  # the store's quotes: same clear error, nothing tagged
    assert db(voice_home).all_tags(origin="model") == []


def test_benchmark_import_command(tmp_path: Path):
    out = tmp_path / "figures.json"
    r = run("benchmark", "import", "--rows", "1500", "-o", out)
    assert r.exit_code == 0, r.output
    figures = json.loads(out.read_text())
    assert (figures["rows"], figures["quotes_added"], figures["mode"], figures["database"]) == (
        1500,
        1500,
        "stream",
        "sqlite",
    )
    assert figures["seconds"] > 0 and figures["peak_rss_mb"] > 0
