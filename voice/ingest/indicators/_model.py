"""What a reader returns, and the two helpers every reader shares (a file's lines, a warning).

May import: ``voice.records``, ``voice.errors``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from voice.errors import InputError
from voice.records import Indicator


@dataclass
class IndicatorReadResult:
    """What a reader found in one file.

    Attributes:
        source_document: the file name.
        layout: ``"tabbed"``, ``"markdown"``, ``"csv"`` or ``"unknown"``.
        period: the document period (``2017/18 Q1``), when found.
        rows: the indicator rows, in file order.
        report_text: numbered narrative paragraphs ``(number, text)`` (002), else empty.
        warnings: problems, each naming file and line (or row and column for CSV).
        raw_lines: ``(line_no, text)`` of lines that looked like rows but could not be read.
        lines_read: lines in the file.
    """

    source_document: str
    layout: str
    period: str | None = None
    rows: list[Indicator] = field(default_factory=list)
    report_text: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    raw_lines: list[tuple[int, str]] = field(default_factory=list)
    lines_read: int = 0

    @property
    def parsed(self) -> int:
        """Number of indicator rows read."""
        return len(self.rows)

    @property
    def kept_raw(self) -> int:
        """Number of lines kept as raw text because they could not be parsed."""
        return len(self.raw_lines)

    @property
    def notes(self) -> list[tuple[int, str]]:
        """Alias of ``report_text``: the numbered narrative paragraphs."""
        return self.report_text


@dataclass(frozen=True)
class ReportText:
    """The numbered narrative paragraphs of a performance report."""

    source_document: str
    period: str | None
    paragraphs: list[tuple[int, str]]


class ParsedValue(NamedTuple):
    """A value cell read as people write it.

    Attributes:
        value: the number, or None when missing or unreadable.
        unit: ``"%"`` when the number is written with ``%``, else None.
        count: the bracketed count in ``97.2% (364)``.
        bracket_percent: the bracketed percentage in ``927 (33%)``.
        text: the cell with HTML stripped.
        ok: False when the text is neither a number nor a missing marker.
    """

    value: float | None
    unit: str | None
    count: float | None  # type: ignore[assignment]  # a public field name; it shadows tuple.count on purpose
    bracket_percent: float | None
    text: str
    ok: bool


class DirectionReading(NamedTuple):
    """A normalised "better or worse" cell."""

    direction: str | None
    polarity: str | None
    note: str | None


def _warn(result: IndicatorReadResult, line_no: int, message: str) -> None:
    """Add a warning naming the file and line."""
    result.warnings.append(f"{result.source_document} line {line_no}: {message}")


def _read_lines(path: Path) -> list[str]:
    """A text file's lines (UTF-8, falling back to Windows-1252), without line endings."""
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.splitlines()
