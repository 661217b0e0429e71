"""Undo names its quote and brings it back; the Tag page's search finds any quote to re-tag,
with its tag history; the upload asks for the question asked (AppTest: the real app, store and
model, an officer signed in)."""

from __future__ import annotations

import test_undo_own_tag
from streamlit.testing.v1 import AppTest
from test_undo_own_tag import tagging_page

from voice.records import HUMAN, Tag
from voice.store import Store

council = test_undo_own_tag.council  # an officer signed in on a council store of example quotes (fixture)


def current_card(at: AppTest) -> str:
    shown = next(m.value for m in at.markdown if m.value.startswith("“"))
    return shown.split("” —")[0].lstrip("“").rstrip("”").replace("\\", "")


def test_undo_names_the_quote_and_brings_it_back_as_the_current_card(council: Store) -> None:
    at = tagging_page()
    first = current_card(at)
    at.button(key="tag_good").click().run()
    assert current_card(at) != first
    [undo] = [b for b in at.button if b.label.startswith("Undo: ")]
    label = undo.label.replace("\\", "")
    assert label.startswith(f"Undo: \u2018{first[:30]}") and label.endswith("tagged good by you")
    undo.click().run()
    assert not at.exception, at.exception
    assert current_card(at) == first  # the undone quote is back on screen, to tag again
    assert not [b for b in at.button if b.label.startswith("Undo: ")]


def test_search_finds_a_quote_and_retags_it_with_its_history(council: Store) -> None:
    quote = next(q for q in council.quotes() if q.text.startswith("Nobody told me"))
    council.add_tag(Tag(quote.id, "good", who="carol", origin=HUMAN, note="accepted the proposal"))
    at = tagging_page()
    at.text_input(key="retag_query").set_value("placement changing").run()
    assert not at.exception, at.exception
    assert at.radio(key="retag_pick").value == quote.id
    history = at.table[0].value
    assert list(history["who"]) == ["carol"] and list(history["label"]) == ["good"]
    assert history.index.name == "when" and set(history.columns) >= {"who", "label", "origin"}
    at.button(key="retag_not_so_good").click().run()
    assert not at.exception, at.exception
    tags = council.tag_history(quote.id)
    assert [(t.who, t.label, t.origin) for t in tags] == [
        ("carol", "good", HUMAN),
        ("alice", "not_so_good", HUMAN),
    ]
    assert tags[-1].note == "re-tagged from the search"
    history = at.table[0].value
    assert list(history["who"]) == ["carol", "alice"] and list(history["label"])[-1] == "not so good"


def test_search_matches_source_period_and_label(council: Store) -> None:
    at = tagging_page()
    at.text_input(key="retag_query").set_value("care leavers").run()
    [only] = at.radio(key="retag_pick").options
    assert "It was ok I suppose" in only and "untagged" in only
    at.text_input(key="retag_query").set_value("2017/18 untagged").run()
    assert len(at.radio(key="retag_pick").options) == 5
    at.text_input(key="retag_query").set_value("no such words anywhere").run()
    assert "No quote matches" in at.info[0].value


def test_upload_asks_for_the_question_for_rows_without_one(council: Store) -> None:
    at = tagging_page()
    at.text_input(key="upload_question").set_value("What could be better?")
    data = b"text,question\nThe bus to contact was always late,\nMy worker is kind,What's good?\n"
    at.file_uploader(key="quote_upload").set_value(("q.csv", data, "text/csv")).run()
    assert not at.exception, at.exception
    at.button(key="confirm_upload").click().run()
    assert not at.exception, at.exception
    questions = {q.text: q.question for q in council.quotes()}
    assert questions["The bus to contact was always late"] == "What could be better?"
    assert questions["My worker is kind"] == "What's good?"
