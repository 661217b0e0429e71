"""Text from data inside Markdown: shown as written, on one line, never as markup.

Used by the appendix's ``.md``, ``voice themes --format markdown`` and every page of the app, so
a quote, a source or an indicator name cannot add an image (fetched by every reader's browser),
a link, HTML, LaTeX maths, a heading or a list.
"""

from __future__ import annotations

import re

_INLINE = re.compile(r"([\\`*_{}!|~$&]|<(?=[A-Za-z/!?]))")
"""What opens an inline construct: emphasis, code, images, an HTML tag, comment or autolink
(``<`` before a letter, ``/``, ``!`` or ``?``; "<5" stays as it is), entities, maths, tables,
strikethrough."""
_BRACKETS = re.compile(r"([\[\]])")
_LINKING_BRACKETS = re.compile(r"\](?=[(\[])|(?<=\w)\[|^\[")
"""The brackets that can make a link, an image or Streamlit's ``:red[...]``: ``](``, ``][``, a
``[`` after a letter, a ``[`` opening the line (a link reference definition)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-=>#+])")
_AUTOLINK = re.compile(r"(?i)(www)\.|(:)//|(@)")
"""Bare addresses GitHub-flavoured Markdown would turn into links: ``www.``, ``x://``, e-mail."""


def _autolink(m: re.Match[str]) -> str:
    if m.group(1):
        return m.group(1) + "\\."
    return "\\:\\/\\/" if m.group(2) else "\\@"


def _block(m: re.Match[str]) -> str:
    return f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}"


def markdown_text(text: object, keep_brackets: bool = False) -> str:
    """``text`` escaped for Markdown: one line, every markup character taken literally.

    Line breaks and control characters become spaces (a new line could start a heading, a list
    or a link reference definition); backslash escapes keep every other character as written.
    With ``keep_brackets`` (files people read as text) a plain ``[name]`` stays as it is: only
    brackets that could make a link or an image are escaped.
    """
    one_line = " ".join(_CONTROL.sub(" ", "" if text is None else str(text)).split())
    escaped = _INLINE.sub(r"\\\1", one_line)
    if keep_brackets:
        escaped = _LINKING_BRACKETS.sub(lambda m: "\\" + m.group(), escaped)
    else:
        escaped = _BRACKETS.sub(r"\\\1", escaped)
    escaped = _AUTOLINK.sub(_autolink, escaped)
    return _BLOCK_START.sub(_block, escaped)
