"""The appendix as a council-ready Word document (python-docx).

House style: A4 with 2.54 cm margins, Arial; every page's header carries the protective marking
and the title, its footer "Page X of Y" (Word's PAGE and NUMPAGES fields), the date made and
the marking again; headings use Word's Heading 1/2/3 styles, so the navigation pane lists them;
document properties say the title, the author (who made it) and when.
"""

from __future__ import annotations

import io
import re
from typing import Any

from voice import config
from voice.records import LABEL_HEADINGS
from voice.report._appendix import (
    YOU_SAID_WE_DID,
    Appendix,
    _line,
    _mark,
    developments_by_heading,
    made_text,
)

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text a Word document can hold: characters XML forbids (stored by older paths) dropped."""
    return _NOT_XML.sub("", text)


def render_docx(appendix: Appendix, with_counts: bool = True) -> bytes:
    """The appendix as a Word document: headings, each quote in italics with its attribution."""
    from docx import Document

    doc = Document()
    _house_style(doc, appendix)
    doc.add_heading(_xml(appendix.title), level=0)
    if with_counts and appendix.sections:
        doc.add_paragraph(_line(appendix, appendix.counts, appendix.n_proposed))
    if not appendix.sections:
        doc.add_paragraph("No quotes were chosen for this appendix.")
    for section in appendix.sections:
        doc.add_heading(_xml(section.heading), level=1)
        if section.subtitle:
            doc.add_paragraph().add_run(_xml(section.subtitle)).bold = True
        if with_counts and len(appendix.sections) > 1:
            doc.add_paragraph(_line(appendix, section.counts, section.n_proposed))
        for group in section.groups:
            level = 2
            if group.heading is not None:
                doc.add_heading(_xml(group.heading), level=2)
                level = 3
            for label in appendix.classes:
                entries = group.entries.get(label, [])
                if not entries:
                    continue
                doc.add_heading(LABEL_HEADINGS[label], level=level)
                for entry in entries:
                    paragraph = doc.add_paragraph()
                    paragraph.add_run(f"\u201c{_xml(' '.join(entry.text.split()))}\u201d").italic = True
                    for extra in (entry.attribution, _mark(entry)):
                        if extra:
                            paragraph.add_run(f" {_xml(extra)}")
    if appendix.developments:
        doc.add_heading(YOU_SAID_WE_DID, level=1)
        for heading, pairs in developments_by_heading(appendix.developments):
            doc.add_heading(_xml(heading), level=2)
            for d in pairs:
                if d.said:
                    said = doc.add_paragraph()
                    said.add_run("You said: ").bold = True
                    said.add_run(_xml(d.said)).italic = True
                did = doc.add_paragraph()
                did.add_run("We did: ").bold = True
                did.add_run(_xml(d.did))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _house_style(doc: Any, appendix: Appendix) -> None:
    """A4, margins, font, header and footer on every page, document properties."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        style = doc.styles[name]
        style.font.name = config.REPORT_FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(_qn(attr), config.REPORT_FONT)
    doc.styles["Normal"].font.size = Pt(12)
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        margin = Cm(config.REPORT_MARGIN_CM)
        section.top_margin = section.bottom_margin = margin
        section.left_margin = section.right_margin = margin
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if appendix.marking:
            header.add_run(_xml(appendix.marking)).bold = True
            header = section.header.add_paragraph()
            header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        header.add_run(_xml(appendix.title))
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _field(footer, "PAGE", "1")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES", "1")
        footer.add_run(f" \u00b7 Made {made_text(appendix.made)}")
        if appendix.marking:
            marking = section.footer.add_paragraph()
            marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
            marking.add_run(_xml(appendix.marking)).bold = True
    props = doc.core_properties
    props.title = _xml(appendix.title)
    props.author = props.last_modified_by = appendix.author
    props.created = props.modified = appendix.made.replace(microsecond=0, tzinfo=None)
    props.revision = 1
    props.subject = "Voice of the Child"
    props.keywords = appendix.marking
    props.comments = ""


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the pages out."""
    from docx.oxml import OxmlElement

    simple = OxmlElement("w:fldSimple")
    simple.set(_qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)
