"""Hostile data in the app (AppTest, the real app.py, store and model): no markup from data, one
``st.error`` line instead of a traceback.

Every string a page hands to Streamlit's Markdown (markdown, captions, headings, messages,
metric and expander labels) is rendered with a CommonMark renderer: data must not become an
image, a link or HTML there, and no ``$`` may open LaTeX maths.
"""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from voice.records import HUMAN, Indicator, Quote, Tag
from voice.store import Store

PAGES = ROOT / "voice" / "ui" / "pages"
EVIL = "![i](http://evil.example/i.png) <img src=x onerror=alert(1)> $x^2$ [l](http://evil.example)"
SOURCE = "Children in care ![s](http://evil.example/s.png)\n\n[1]: http://evil.example/r.png"
"""A multi-line source: its second line would define a reference for ``![x][1]`` in a quote."""
QUOTE = "My social worker listens ![x][1] and $y$ <b>bold</b> www.evil.example"
PERIOD = "2017/18 Q1"


@pytest.fixture
def hostile_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The council's own store (not the demo), holding hostile quotes, sources and indicators."""
    home = tmp_path / "home"
    monkeypatch.setenv("VOICE_HOME", str(home))
    monkeypatch.setenv("VOICE_DEMO", "0")
    monkeypatch.delenv("VOICE_DB_URL", raising=False)
    store = Store(f"sqlite:///{home / 'voice.db'}")
    quotes = [
        Quote(
            text=f"{QUOTE} number {i}", source=SOURCE, period=PERIOD, question=EVIL, gender="Female", age=14
        )
        for i in range(8)
    ]
    tags = [Tag(quote_id=q.id, label="good", who="officer", origin=HUMAN) for q in quotes[:6]]
    store.add_quotes(quotes, tags)
    store.add_indicators(
        [
            Indicator(
                indicator=f"Looked after children {EVIL}",
                period=PERIOD,
                outcome_area=f"Area {EVIL}",
                section=f"Section {EVIL}\n# heading",
                value=5.0,
                direction="up",
                rag="R",
                source_document="hostile.txt",
            )
        ]
    )
    store.engine.dispose()
    from voice import config
    from voice.privacy import UserStore

    monkeypatch.setattr(config, "BCRYPT_ROUNDS", 4)  # fast hashes for the test
    users = UserStore()  # the app re-reads the signed-in user and role on every run
    for role, name in USERS.items():
        users.add_user(name, role, "correct horse battery")
    return home


USERS = {"officer": "test.officer", "report_writer": "test.writer", "scrutiny": "test.scrutiny"}


def open_app(page: str, role: str = "officer") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["user"] = USERS[role]
    at.session_state["role"] = role
    at.run()
    assert not at.exception, at.exception
    at.switch_page(str(PAGES / f"{page}.py")).run()
    assert not at.exception, at.exception
    return at


def markdown_strings(at: AppTest) -> list[str]:
    """Every string the page gave to Streamlit's Markdown."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "error", "warning", "success")
    parts = [str(e.value) for kind in kinds for e in getattr(at, kind)]
    parts += [str(m.label) for m in at.metric] + [str(m.value) for m in at.metric]
    parts += [str(e.label) for e in at.expander]
    return parts


def markup_from_data(text: str) -> list[str]:
    """What in ``text`` Markdown would turn into an image, a link, HTML or maths."""
    html = MarkdownIt("commonmark").render(text)
    found = [t for t in ("<img", "<a ", "onerror=alert(1)>", "<b>") if t in html]
    if re.search(r"(?<!\\)\$", text):
        found.append("unescaped $")
    if re.search(r"(?<!\\)www\.evil|(?<!\\)://evil", text):
        found.append("bare link")
    return found


def assert_no_markup(at: AppTest) -> None:
    shown = markdown_strings(at)
    assert any("evil" in s for s in shown), "the hostile data is not on this page"
    bad = {s: markup_from_data(s) for s in shown if markup_from_data(s)}
    assert not bad, bad


@pytest.mark.parametrize("page", ["dashboard", "tag", "report", "themes"])
def test_no_markup_from_data_on_any_page(hostile_home: Path, page: str) -> None:
    at = open_app(page, role="report_writer" if page == "report" else "officer")
    if page == "report":
        at.multiselect[0].set_value([PERIOD]).run()
        assert not at.exception, at.exception
    assert_no_markup(at)


def test_no_markup_from_data_in_the_linked_themes_panel(hostile_home: Path) -> None:
    at = open_app("dashboard")
    assert any("Looked after" in str(m.value) for m in at.markdown), "the linked panel is not shown"
    assert any("Linked quotes" in c.value for c in at.caption)
    assert_no_markup(at)


# -- the add-quote form: control characters as in file import ------------------------------------


@pytest.mark.parametrize("field", ["text", "period", "source"])
def test_add_quote_refuses_control_characters(hostile_home: Path, field: str) -> None:
    at = open_app("tag")
    before = Store(f"sqlite:///{hostile_home / 'voice.db'}").count_quotes()
    at.text_area[0].set_value("hello\x01world" if field == "text" else "A fine quote")
    at.text_input(key="add_quote_period").set_value("2017/18 Q1\x01" if field == "period" else "2017/18 Q1")
    if field == "source":
        at.text_input(key="add_quote_other").set_value("School\x1b[31m")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert any("control character U+00" in e.value for e in at.error), [e.value for e in at.error]
    assert Store(f"sqlite:///{hostile_home / 'voice.db'}").count_quotes() == before


# -- one st.error line, never a traceback --------------------------------------------------------


def _workbook_without_sheets() -> bytes:
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


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x13\x37 random bytes \x00\xff" * 50, "not a readable XLSX file"),
        (b"PK\x05\x06" + b"\x00" * 18, "not a readable XLSX file"),  # an empty zip
        (_workbook_without_sheets(), "the workbook has no sheets"),
    ],
    ids=["random bytes", "empty zip", "no sheets"],
)
def test_upload_of_a_malformed_xlsx_is_an_error_not_a_traceback(
    hostile_home: Path, content: bytes, problem: str
) -> None:
    at = open_app("tag")
    at.file_uploader(key="quote_upload").set_value(("quotes.xlsx", content, "application/octet-stream")).run()
    assert not at.exception, at.exception
    assert any("nothing was imported" in e.value for e in at.error)
    assert problem in at.dataframe[0].value.to_string()


def test_locked_database_while_tagging_is_one_error_and_nothing_lost(
    hostile_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voice import config

    monkeypatch.setattr(config, "SQLITE_BUSY_TIMEOUT_S", 0.3)
    at = open_app("tag")
    store = Store(f"sqlite:///{hostile_home / 'voice.db'}")
    untagged = {q.id for q in store.quotes()} - set(store.current_tags())
    tags_before = len(store.all_tags())
    lock = sqlite3.connect(hostile_home / "voice.db", isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN IMMEDIATE")
    try:
        at.button(key="tag_good").click().run()
    finally:
        lock.rollback()
        lock.close()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "The tag was not saved" in errors[0] and "locked" in errors[0]
    assert "\n" not in errors[0]
    assert len(store.all_tags()) == tags_before  # nothing stored half-way
    assert "undo_stack" not in at.session_state or not at.session_state["undo_stack"]  # nothing to undo
    at.button(key="tag_good").click().run()  # the lock is gone: the same click works
    assert not at.exception and not at.error
    assert len(store.all_tags()) == tags_before + 1
    assert len({q.id for q in store.quotes()} - set(store.current_tags())) == len(untagged) - 1
