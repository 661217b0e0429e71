"""Store one indicator file's rows and report paragraphs: the library side of ``voice indicators import``.

The canonical CSV is read by suffix, any other file as a dashboard text (layout detected from
the content); the app's demo loader stores the seed dashboards the same way.

May import: ``voice.ingest``, ``voice.records``, ``voice.store``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voice.errors import InputError
from voice.ingest.indicators import IndicatorReadResult, read_indicator_csv, read_indicators
from voice.records import Note
from voice.store import Store


@dataclass(frozen=True)
class IndicatorImport:
    """What one indicator file held and what it added."""

    result: IndicatorReadResult
    added: int
    notes: tuple[Note, ...]
    notes_added: int


def report_notes(result: IndicatorReadResult) -> list[Note]:
    """A report's numbered narrative paragraphs as notes linked to its period."""
    return [
        Note(text, f"report paragraph {number}", result.period, result.source_document)
        for number, text in result.report_text
    ]


def _check_text_file(path: Path) -> None:
    """Refuse a folder, an empty file and a binary one (a workbook, an image) in one line."""
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head.strip():
        raise InputError(f"{path.name}: the file is empty")
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 11, 12, 13))
    if head.startswith(b"PK\x03\x04") or controls > max(8, len(head) // 100):
        raise InputError(
            f"{path.name}: a binary file (a workbook or an archive?), not a dashboard text or an "
            "indicator CSV; save the dashboard as text, or export indicators as CSV"
        )


def read_indicator_file(path: Path) -> IndicatorReadResult:
    """Read one indicator file: the canonical CSV by suffix, otherwise a dashboard text.

    A folder, an empty or binary file is refused (:class:`InputError`), and so is a canonical
    CSV with a missing column or a row it cannot take (an empty indicator, a period that is not
    a quarter): all rows or none, like quote files. A text without a dashboard gives 0 rows.
    """
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    _check_text_file(path)
    if path.suffix.lower() != ".csv":
        return read_indicators(path)
    result = read_indicator_csv(path)
    refused = [w for w in result.warnings if "missing required" in w or "column 'period'" in w]
    refused += [w for w in result.warnings if "required value is empty" in w]
    if refused:
        more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
        raise InputError(f"{refused[0]}{more}; nothing was stored")
    return result


def import_indicator_file(store: Store, path: Path, who: str) -> IndicatorImport:
    """Store one file's indicator rows and its narrative paragraphs (``voice indicators import``)."""
    result = read_indicator_file(path)
    added = store.add_indicators(result.rows, who=who) if result.rows else 0
    notes = report_notes(result)
    notes_added = store.add_notes(notes) if notes else 0
    return IndicatorImport(result, added, tuple(notes), notes_added)
