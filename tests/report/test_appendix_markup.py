"""The appendix's Markdown shows data as written: no image, link, HTML or maths from a quote or a
source, each quote on one line (#16)."""

from __future__ import annotations

import io
import re

from markdown_it import MarkdownIt

from voice.records import HUMAN, Quote, Tag
from voice.report import ReportQuote, appendix_docx, appendix_markdown

SOURCE = "Children in care ![s](http://evil.example/s.png)\n\n[1]: http://evil.example/r.png"
QUOTE = "They listen ![x][1] <img src=x onerror=alert(1)> $y$ [l](http://evil.example)\nsecond line"


def _items() -> list[ReportQuote]:
    quote = Quote(text=QUOTE, source=SOURCE, period="2017/18 Q1", gender="Female", age=14)
    return [ReportQuote(quote, "good", Tag(quote_id=quote.id, label="good", who="o", origin=HUMAN))]


def test_appendix_markdown_has_no_markup_from_data() -> None:
    md = appendix_markdown(_items())
    html = MarkdownIt("commonmark").render(md)
    assert "<img" not in html and "<a " not in html and "onerror=alert(1)>" not in html
    assert not re.search(r"(?<!\\)\$", md)
    quote_lines = [line for line in md.splitlines() if line.startswith("\u201c")]
    assert len(quote_lines) == 1 and "second line" in quote_lines[0]  # one line per quote
    assert not any(line.startswith("[1]:") for line in md.splitlines())


def test_docx_appendix_survives_control_characters() -> None:
    from docx import Document

    quote = Quote(text="hello\x01world\x0b!", source="School\x1b", period="2017/18 Q1")
    item = ReportQuote(quote, "good", Tag(quote_id=quote.id, label="good", who="o", origin=HUMAN))
    doc = Document(io.BytesIO(appendix_docx([item])))
    assert any("helloworld" in p.text for p in doc.paragraphs)  # \x01 dropped, the rest kept
