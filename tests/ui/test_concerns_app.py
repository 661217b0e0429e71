"""Safeguarding flags in the app (AppTest, the real app.py on the demo store): officers see a
flagged quote first and review it; report writers and scrutiny members see neither the quote nor
that a flag exists until it has been reviewed."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_app
from test_app import all_text, db, open_app

from voice.records import HUMAN, Quote, Tag
from voice.safeguarding import screen_store
from voice.store import flagged_quotes

PERIOD = "2017/18 Q4"
SOURCE = "Children's Rights Service: Child Protection"
DISCLOSURE = Quote(
    "My stepdad hits me when mum is out and he says keep it a secret.", source=SOURCE, period=PERIOD
)
demo_template = test_app.demo_template  # the demo store, built once per session (fixtures)
demo_home = test_app.demo_home
HINTS = ("stepdad", "Concerns", "not yet reviewed", "Safeguarding", "safeguarding", "flagged", "disclose")


@pytest.fixture(autouse=True)
def _demo_flags_already_reviewed(demo_home: Path) -> None:
    """The demo set's own flags (the detector flags a few of its quotes) were read by an officer
    before the test, so the disclosure each test adds is the one waiting."""
    from voice.safeguarding import review_flag

    store = db(demo_home)
    for item in flagged_quotes(store):
        review_flag(store, item.quote.id, "not a concern", "earlier officer")
    store.close()


def _add_disclosure(home: Path, screen: bool = True) -> str:
    """The disclosure, stored with a person's tag (so every report would include it), screened."""
    store = db(home)
    store.add_quotes([DISCLOSURE], [Tag(DISCLOSURE.id, "not_so_good", who="alice", origin=HUMAN)])
    if screen:
        screen_store(store)
    store.close()
    return DISCLOSURE.id


def _report_text(role: str) -> str:
    at = open_app("report", role=role)
    at.multiselect(key="report_periods").set_value([PERIOD]).run()
    assert not at.exception
    return all_text(at)


def _seen_by(role: str) -> str:
    parts = [all_text(open_app("dashboard", role=role))]
    at = open_app("themes", role=role)
    at.selectbox(key="themes_period").set_value(PERIOD).run()
    assert not at.exception
    parts.append(all_text(at))
    if role == "report_writer":
        parts.append(_report_text(role))
    return "\n".join(parts)


def test_the_officer_sees_the_concern_first_and_reviews_it(demo_home: Path) -> None:
    qid = _add_disclosure(demo_home, screen=False)  # the Tag page screens what is not screened yet
    at = open_app("tag")
    assert at.subheader[0].value == "Concerns: 1 not yet reviewed"
    markdown = [m.value.replace("\\", "") for m in at.markdown]
    first_quote = next(m for m in markdown if m.startswith("“"))
    assert DISCLOSURE.text in first_quote  # the first quote on the page is the flagged one
    text = all_text(at)
    assert "physical abuse: “hits me” in “My stepdad hits me" in text
    assert "exploitation or grooming: “keep it a secret”" in text
    assert "safeguarding children partnership" in text  # the configured procedure
    at.text_input(key=f"concern_note_{qid}").set_value("spoke to the DSL")
    outcome = next(b for b in at.button if b.label == "Referred to the front door / MASH")
    outcome.click().run()
    assert not at.exception
    review = flagged_quotes(db(demo_home), qid)[0].review
    assert review is not None
    assert (review.outcome, review.who, review.note) == (
        "referred to the front door / MASH",
        "demo user (officer)",
        "spoke to the DSL",
    )
    audit = db(demo_home).audit_log()[0]
    assert (audit["who"], audit["action"]) == ("demo user (officer)", "concern review")
    assert not any(s.value.startswith("Concerns") for s in at.subheader)


def test_an_outcome_that_needs_a_note_says_so(demo_home: Path) -> None:
    qid = _add_disclosure(demo_home)
    at = open_app("tag")
    next(b for b in at.button if b.label == "Other (see note)").click().run()
    assert not at.exception
    assert any("needs a note" in e.value for e in at.error)
    assert flagged_quotes(db(demo_home), qid)[0].waiting


@pytest.mark.parametrize("role", ["scrutiny", "report_writer"])
def test_other_roles_see_neither_the_quote_nor_the_flag(demo_home: Path, role: str) -> None:
    _add_disclosure(demo_home)
    text = _seen_by(role)
    assert [h for h in HINTS if h in text] == []
    if role == "report_writer":  # the same page shows it once an officer has reviewed it
        at = open_app("tag")
        next(b for b in at.button if b.label == "Not a concern").click().run()
        assert "stepdad" in _report_text(role)


def test_a_quote_never_screened_is_screened_when_the_app_opens_the_store(demo_home: Path) -> None:
    _add_disclosure(demo_home, screen=False)
    assert "stepdad" not in _report_text("report_writer")
    assert flagged_quotes(db(demo_home))[0].waiting


def test_the_dashboard_tells_officers_only_how_many_wait(demo_home: Path) -> None:
    _add_disclosure(demo_home)
    officer = open_app("dashboard")
    assert any(
        w.value.startswith("Safeguarding: 1 flagged quote not yet reviewed (the oldest flagged today)")
        for w in officer.warning
    )
    scrutiny = all_text(open_app("dashboard", role="scrutiny"))
    assert "Safeguarding" not in scrutiny and "flagged" not in scrutiny


def test_a_disclosure_typed_in_goes_to_the_top_of_the_queue(demo_home: Path) -> None:
    at = open_app("tag")
    at.text_area[0].set_value(DISCLOSURE.text)
    at.selectbox(key="add_quote_source").set_value(SOURCE)
    at.text_input(key="add_quote_period").set_value(PERIOD)
    at.form_submit_button[0].click().run()
    assert not at.exception
    assert any("may disclose harm" in w.value for w in at.warning)
    assert at.subheader[0].value == "Concerns: 1 not yet reviewed"
    flagged = [f for f in flagged_quotes(db(demo_home)) if f.review is None]
    assert len(flagged) == 1 and flagged[0].quote.text == DISCLOSURE.text


def test_an_uploaded_disclosure_is_flagged_at_once(demo_home: Path) -> None:
    at = open_app("tag")
    upload = f"text,period\nThey listen to me now,{PERIOD}\nI ran away from my placement,{PERIOD}\n"
    at.file_uploader(key="quote_upload").set_value(("q.csv", upload.encode(), "text/csv")).run()
    at.button(key="confirm_upload").click().run()
    assert not at.exception
    assert any("1 quote just added may disclose harm" in w.value for w in at.warning)
    assert at.subheader[0].value == "Concerns: 1 not yet reviewed"
    waiting = [f.quote.text for f in flagged_quotes(db(demo_home)) if f.review is None]
    assert waiting == ["I ran away from my placement"]
