"""The numbered narrative paragraphs of a performance report (002).

May import: ``_model``, ``_values``.
"""

from __future__ import annotations

import re
from pathlib import Path

from ._model import ReportText, _read_lines
from ._values import find_period

_PARAGRAPH_RE = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")


def report_paragraphs(lines: list[str]) -> list[tuple[int, str]]:
    """Numbered narrative paragraphs ``(number, text)``, joining page-broken continuations.

    A paragraph without closing punctuation stays open across headings, footnotes and blank
    lines; a following line that starts in lower case (not a link) continues it.
    """
    paragraphs: list[list] = []
    open_paragraph = False
    for line in lines:
        text = line.strip()
        if text.startswith("|"):
            break
        match = _PARAGRAPH_RE.match(text)
        if match:
            paragraphs.append([int(match.group(1)), match.group(2).strip()])
            open_paragraph = not re.search(r"[.!?:)]$", text)
        elif open_paragraph and re.match(r"^[a-z]", text) and not re.match(r"^https?:", text):
            paragraphs[-1][1] += " " + text
            open_paragraph = not re.search(r"[.!?:)]$", text)
    return [(number, body) for number, body in paragraphs]


def read_report_text(path: str | Path) -> ReportText:
    """Read the numbered narrative paragraphs and period of a performance report."""
    path = Path(path)
    lines = _read_lines(path)
    return ReportText(path.name, find_period("\n".join(lines)), report_paragraphs(lines))
