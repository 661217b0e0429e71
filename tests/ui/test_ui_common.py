"""Display helpers of the app: quote text is shown as typed, never as HTML or Markdown."""

from __future__ import annotations

import re

import pytest

from voice.ui.common import md_escape, rag_badge, rag_cell_style, unique_names


def test_markdown_and_html_in_quotes_are_escaped() -> None:
    from markdown_it import MarkdownIt

    hostile = "<script>alert('x')</script> **bold** [link](http://x) # heading"
    escaped = md_escape(hostile)
    html = MarkdownIt("commonmark").render(escaped)
    assert "<script>" not in html and "<strong>" not in html and "<a " not in html
    assert escaped.replace("\\", "") == hostile  # nothing lost, only escaped


@pytest.mark.parametrize(
    "hostile",
    [
        "![x](http://evil/x.png)",
        "![x][1]\n\n[1]: http://evil/x.png",
        "<img src=x onerror=alert(1)>",
        "$x^2$ and $$y$$",
        "line one\n# heading\n- list\n1. item\n> quote\nunder\n===",
        "see www.evil.com, https://evil.com or a@evil.com",
        ":red[coloured] :material/home:",
    ],
)
def test_md_escape_leaves_no_markup(hostile: str) -> None:
    from markdown_it import MarkdownIt

    escaped = md_escape(hostile)
    assert "\n" not in escaped  # one line: no heading, list, quote or reference definition
    html = MarkdownIt("commonmark").render(escaped)
    assert html.count("<p>") == 1 and not re.search(r"<(img|a|h\d|ul|ol|blockquote|strong|em)\b", html)
    assert not re.search(r"(?<!\\)\$", escaped)  # no LaTeX
    assert not re.search(r"(?<!\\)(www\.|://|@)", escaped)  # no bare link
    assert not re.search(r"\w\[", escaped)  # no Streamlit :colour[...]


def test_rag_badge_carries_the_letter_and_colour() -> None:
    badge = rag_badge("R")
    assert ">R<" in badge and "background:#b00020" in badge
    assert "–" in rag_badge(None)
    assert "background-color" in rag_cell_style("A Amber") and rag_cell_style("–") == ""


def test_unique_names_keep_every_id() -> None:
    assert unique_names({"a": "school", "b": "school", "c": "home"}) == {
        "school": "a",
        "school (2)": "b",
        "home": "c",
    }
