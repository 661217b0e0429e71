"""Undo withdraws only the undoing officer's own tag (docs/SECURITY.md): when another officer has
tagged the quote since, theirs stands and the page says which quote was not undone."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from voice import config
from voice.records import HUMAN, Tag
from voice.store import Store

PAGES = ROOT / "voice" / "ui" / "pages"
EXAMPLE = ROOT / "corpus" / "examples" / "quotes.csv"
PASSWORD = "correct horse battery"


@pytest.fixture
def council(voice_home: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    from voice.ingest.quote_file import read_quote_file
    from voice.privacy import UserStore, _signin

    monkeypatch.setenv("VOICE_DEMO", "0")
    monkeypatch.setattr(config, "BCRYPT_ROUNDS", 4)
    monkeypatch.setattr(_signin, "GUARD", _signin.SignInGuard())
    UserStore().add_user("alice", "officer", PASSWORD)
    store = Store(f"sqlite:///{voice_home / 'voice.db'}")
    parsed = read_quote_file(EXAMPLE)
    store.add_quotes(parsed.quotes, [], who="alice")  # no labels: every quote is in the queue
    return store


def tagging_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    at.text_input[0].set_value("alice")
    at.text_input[1].set_value(PASSWORD)
    at.form_submit_button[0].click().run()
    at.switch_page(str(PAGES / "tag.py")).run()
    assert not at.exception, at.exception
    return at


def _undo(at: AppTest) -> AppTest:
    button = next(b for b in at.button if b.label.startswith("Undo: "))
    button.click().run()
    assert not at.exception, at.exception
    return at


def _tagged_quote(store: Store) -> str:
    [tag] = [t for t in store.all_tags() if t.origin == HUMAN]
    return tag.quote_id


def test_undo_leaves_another_officers_later_tag_standing(council: Store) -> None:
    at = tagging_page()
    at.button(key="tag_good").click().run()
    quote_id = _tagged_quote(council)
    council.add_tag(Tag(quote_id, "not_so_good", who="carol", origin=HUMAN))  # carol, after alice
    _undo(at)
    assert council.current_tags()[quote_id].who == "carol"  # carol's tag stands
    assert [t.origin for t in council.tag_history(quote_id)] == [HUMAN, HUMAN]  # nothing appended
    text = council.get_quote(quote_id).text
    note = " ".join(w.value for w in at.warning)
    assert "Not undone" in note and text[:40].replace("\\", "") in note.replace("\\", "")


def test_undo_withdraws_the_officers_own_tag(council: Store) -> None:
    at = tagging_page()
    at.button(key="tag_good").click().run()
    quote_id = _tagged_quote(council)
    _undo(at)
    assert [t.origin for t in council.tag_history(quote_id)] == [HUMAN, "undo"]
    assert quote_id not in council.current_tags() or council.current_tags()[quote_id].origin != HUMAN
