"""Detect a dashboard text file's layout from its content (not its name) and read it.

May import: ``_model``, ``_values``, ``_layout_tabbed``, ``_layout_markdown``, ``_report``.
"""

from __future__ import annotations

from pathlib import Path

from ._layout_markdown import _is_markdown_header, _read_markdown
from ._layout_tabbed import _header_score, _read_tabbed
from ._model import IndicatorReadResult, _read_lines
from ._report import report_paragraphs
from ._values import find_period


def detect_layout(lines: list[str]) -> str:
    """Return ``"markdown"``, ``"tabbed"`` or ``"unknown"`` for a file's lines."""
    if any(_is_markdown_header(line) for line in lines):
        return "markdown"
    if any("\t" in line and _header_score(line) >= 2 for line in lines):
        return "tabbed"
    return "unknown"


def read_indicators(path: str | Path) -> IndicatorReadResult:
    """Read a dashboard or performance report file into indicator rows.

    Args:
        path: a text file in one of the dashboard layouts (detected from the content).

    Returns:
        The rows, narrative paragraphs, warnings and raw lines. Never raises for content; a file
        without a recognisable dashboard gives zero rows and a warning.
    """
    path = Path(path)
    lines = _read_lines(path)
    layout = detect_layout(lines)
    result = IndicatorReadResult(path.name, layout, find_period("\n".join(lines[:40])))
    result.lines_read = len(lines)
    if result.period is None:
        result.period = find_period("\n".join(lines))
    if layout == "markdown":
        _read_markdown(lines, result)
    elif layout == "tabbed":
        _read_tabbed(lines, result)
    else:
        result.warnings.append(f"{path.name}: no recognisable indicator dashboard found")
    result.report_text = report_paragraphs(lines)
    if layout != "unknown" and not result.rows:
        result.warnings.append(f"{path.name}: dashboard layout found but no indicator rows read")
    return result
