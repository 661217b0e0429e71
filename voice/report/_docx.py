"""The appendix as a Word document (python-docx)."""

from __future__ import annotations

import io

from voice.records import LABEL_HEADINGS
from voice.report._appendix import Appendix, _group_counts, _line, _mark


def render_docx(appendix: Appendix, with_counts: bool = True) -> bytes:
    """The appendix as a Word document: headings, each quote in italics with its attribution."""
    from docx import Document

    doc = Document()
    doc.core_properties.title = appendix.title
    doc.core_properties.author = "Voice"
    doc.add_heading(appendix.title, level=0)
    if with_counts:
        doc.add_paragraph(_line(appendix, appendix.counts, appendix.n_proposed))
    if not appendix.sections:
        doc.add_paragraph("No quotes were chosen for this appendix.")
    for section in appendix.sections:
        doc.add_heading(section.heading, level=1)
        if section.subtitle:
            doc.add_paragraph().add_run(section.subtitle).bold = True
        if with_counts and len(appendix.sections) > 1:
            doc.add_paragraph(_line(appendix, section.counts, section.n_proposed))
        for group in section.groups:
            level = 2
            if group.heading is not None:
                doc.add_heading(group.heading, level=2)
                if with_counts:
                    doc.add_paragraph(_line(appendix, _group_counts(group), group.n_proposed))
                level = 3
            for label in appendix.classes:
                entries = group.entries.get(label, [])
                if not entries:
                    continue
                doc.add_heading(LABEL_HEADINGS[label], level=level)
                for entry in entries:
                    paragraph = doc.add_paragraph()
                    paragraph.add_run(f"\u201c{' '.join(entry.text.split())}\u201d").italic = True
                    for extra in (entry.attribution, _mark(entry)):
                        if extra:
                            paragraph.add_run(f" {extra}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
