"""Issue #19: a council-ready appendix. House-style DOCX (A4, marking, page numbers, properties),
no placeholder headings, counts once, Markdown and DOCX with the same content, "you said, we did"
and the council's published attributions."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from conftest import seed
from docx import Document
from docx.shared import Cm
from typer.testing import CliRunner

from voice.cli import app
from voice.ingest.seed_appendix import read_seed_appendix
from voice.records import Quote, Tag
from voice.report import (
    Development,
    ReportQuote,
    appendix_docx,
    appendix_markdown,
    published_ids,
    select_quotes,
    you_said_we_did,
)
from voice.store import add_note, edit_note, move_quote, note_history, pin_theme

PERIOD = "2017/18 Q1"
runner = CliRunner()


def seed_items() -> list[ReportQuote]:
    appendix = read_seed_appendix(seed("000"))
    labels = {t.quote_id: t.label for t in appendix.tags}
    return [ReportQuote(q, labels[q.id]) for q in appendix.quotes if q.id in labels]


def _doc(data: bytes):
    return Document(io.BytesIO(data))


def test_docx_is_a4_with_uk_margins_marking_title_page_x_of_y_and_date():
    doc = _doc(appendix_docx(seed_items(), author="A. Writer"))
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.01) and abs(section.page_height - Cm(29.7)) < Cm(0.01)
    for margin in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin):
        assert abs(margin - Cm(2.54)) < Cm(0.01)
    header = [p.text for p in section.header.paragraphs]
    assert header[0] == "OFFICIAL-SENSITIVE" and header[1].startswith("Voice of the Child")
    footer_xml = section.footer._element.xml
    assert 'w:instr="PAGE"' in footer_xml and 'w:instr="NUMPAGES"' in footer_xml
    footer = section.footer.paragraphs[0].text  # python-docx leaves the fields' text out
    assert re.fullmatch(r"Page  of  · Made \d{1,2} [A-Z][a-z]+ \d{4}", footer), footer
    assert section.footer.paragraphs[1].text == "OFFICIAL-SENSITIVE"
    props = doc.core_properties
    assert props.author == "A. Writer" and props.title.startswith("Voice of the Child")
    assert abs(props.created.replace(tzinfo=UTC) - datetime.now(UTC)) < timedelta(minutes=5)  # not 2013
    assert doc.styles["Normal"].font.name == "Arial"


def test_marking_is_configurable(monkeypatch):
    monkeypatch.setenv("VOICE_PROTECTIVE_MARKING", "OFFICIAL")
    doc = _doc(appendix_docx(seed_items()))
    assert doc.sections[0].header.paragraphs[0].text == "OFFICIAL"
    assert appendix_markdown(seed_items()).startswith("**OFFICIAL**\n")


def test_headings_navigate_and_no_placeholder_theme_heading_and_counts_once():
    items = seed_items()
    themed = [
        ReportQuote(
            i.quote, i.label, theme=("being listened to" if "listen" in i.quote.text else "(no keywords)")
        )
        for i in items
    ]
    data = appendix_docx(themed, show_themes=True)
    doc = _doc(data)
    styles = {p.style.name for p in doc.paragraphs if p.style.name.startswith("Heading")}
    assert styles == {"Heading 1", "Heading 2", "Heading 3"}
    texts = [p.text for p in doc.paragraphs]
    assert "(no keywords)" not in "\n".join(texts)
    assert "Other" in texts  # placeholder themes go under "Other"
    assert sum("quotes tagged by people" in t for t in texts) == 1
    md = appendix_markdown(themed, show_themes=True)
    assert "(no keywords)" not in md and md.count("quotes tagged by people") == 1


def _md_headings_and_quotes(md: str) -> tuple[list[str], list[str]]:
    unescape = lambda s: re.sub(r"\\(.)", r"\1", s)  # noqa: E731
    heads = [unescape(re.sub(r"^#+ ", "", ln)) for ln in md.splitlines() if ln.startswith("#")]
    quotes = [unescape(ln) for ln in md.splitlines() if ln.startswith("\u201c")]
    return heads, quotes


def test_markdown_and_docx_carry_the_same_headings_quotes_and_notes():
    items = seed_items()
    themed = [ReportQuote(i.quote, i.label, theme="being listened to") for i in items]
    developments = [
        Development(
            "being listened to",
            "Social workers now read the plan with the child.",
            "\u201cThey listen.\u201d",
        ),
        Development("UK Youth Parliament", "Members went to the residential."),
    ]
    options = {"show_themes": True, "developments": developments}
    heads, quotes = _md_headings_and_quotes(appendix_markdown(themed, **options))
    doc = _doc(appendix_docx(themed, **options))
    doc_heads = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    doc_quotes = [p.text for p in doc.paragraphs if p.text.startswith("\u201c")]
    assert heads == doc_heads and "You said, we did" in heads
    assert quotes == doc_quotes and len(quotes) == 9
    md = appendix_markdown(themed, **options)
    body = "\n".join(p.text for p in doc.paragraphs)
    for line in (
        "You said: \u201cThey listen.\u201d",
        "We did: Social workers now read the plan with the child.",
    ):
        assert line in md and line in body


def test_seed_notes_are_in_the_appendix_of_their_quarter(voice_home, tmp_path):
    assert runner.invoke(app, ["import-seed", str(seed("000"))]).exit_code == 0
    out = tmp_path / "a.docx"
    r = runner.invoke(app, ["appendix", "--period", PERIOD, "-o", str(out), "--by", "A. Writer"])
    assert r.exit_code == 0, r.output
    assert '8 "you said, we did" notes' in r.output
    doc = _doc(out.read_bytes())
    assert doc.core_properties.author == "A. Writer"
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert {"UK Youth Parliament", "CYCLe (County Youth Council Leicestershire)"} <= set(heads)
    assert "You said, we did" in [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    we_did = [p.text for p in doc.paragraphs if p.text.startswith("We did: ")]
    assert len(we_did) == 8
    assert any("Voice Box project committee" in t for t in we_did)
    assert not any("McCormick" in t for t in we_did)  # notes are redacted like quotes


def test_a_note_linked_to_a_theme_pairs_a_redacted_quote_with_what_changed(store):
    appendix = read_seed_appendix(seed("000"))
    store.add_quotes(appendix.quotes, appendix.tags)
    theme = pin_theme(store, "being listened to", ["they listen to me"], who="officer")
    for q in store.quotes(period=PERIOD):
        if "listen" in q.text:
            move_quote(store, q.id, theme.id, "officer")
    note = add_note(store, "Plans are now read with the child.", PERIOD, "officer", theme_id=theme.id)
    pairs = you_said_we_did(store, [PERIOD], lambda t: t.replace("social workers", "[x]"))
    linked = [p for p in pairs if p.did == "Plans are now read with the child."]
    assert linked and linked[0].heading == "being listened to"
    assert linked[0].said and "listen" in linked[0].said and linked[0].said.startswith("\u201c")
    edit_note(store, note.id, "officer2", text="Plans are read with every child.")
    assert [v.text for v in note_history(store, note.id)] == [
        "Plans are now read with the child.",
        "Plans are read with every child.",
    ]


def test_published_attribution_is_kept_and_others_coarsened(store):
    from voice.privacy import PUBLIC_ROLE, explain_attributions

    appendix = read_seed_appendix(seed("000"))
    store.add_quotes(appendix.quotes, appendix.tags)
    typed_all = [
        Quote(f"I like my foster carer, number {i}", gender="Female", age=age, source="S", period=PERIOD)
        for i, age in enumerate((15, 13, 14, 14, 15))
    ]
    store.add_quotes(typed_all)
    store.add_tags([Tag(q.id, "good", "officer") for q in typed_all])
    typed = typed_all[0]  # five typed quotes in the band 13-15, none with an exact age shared by 5
    items = select_quotes(store, [PERIOD])
    published = published_ids(store)
    assert typed.id not in published and len(published & {i.quote.id for i in items}) == 9
    shown = explain_attributions([i.quote for i in items], PUBLIC_ROLE, published=published)
    seed_first = next(i.quote for i in items if i.quote.text.startswith("The social workers listen"))
    assert (shown[seed_first.id].text, shown[seed_first.id].reason) == (
        "Female, 15",
        "as published by the council",
    )
    assert (shown[typed.id].text, shown[typed.id].reason) == (
        "young person, 13–15",
        "fewer than 5 share the exact age",
    )


@pytest.mark.parametrize("heading", ["", "  ", "(no keywords)", "[…] / […]"])
def test_placeholders_are_not_headings(heading):
    from voice.report import is_heading

    assert not is_heading(heading)
    assert is_heading("being listened to") and is_heading("general praise: good / kind")
