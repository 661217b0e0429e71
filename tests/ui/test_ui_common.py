"""Display helpers of the app: quote text is shown as typed, never as HTML or Markdown."""

from __future__ import annotations

from voice.ui.common import md_escape, rag_badge, rag_cell_style, unique_names


def test_markdown_and_html_in_quotes_are_escaped() -> None:
    hostile = "<script>alert('x')</script> **bold** [link](http://x) # heading"
    escaped = md_escape(hostile)
    for raw in ("<script>", "**bold**", "[link]", "](http"):
        assert raw not in escaped
    assert escaped.replace("\\", "") == hostile  # nothing lost, only escaped


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
