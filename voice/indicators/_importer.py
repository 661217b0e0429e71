"""Store one indicator file's rows and report paragraphs: the library side of ``voice indicators import``.

The canonical CSV is read by suffix, any other file as a dashboard text (layout detected from
the content); the app's demo loader stores the seed dashboards the same way.

May import: ``voice.ingest``, ``voice.records``, ``voice.store``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def read_indicator_file(path: Path) -> IndicatorReadResult:
    """Read one indicator file: the canonical CSV by suffix, otherwise a dashboard text."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.suffix.lower() == ".csv":
        return read_indicator_csv(path)
    return read_indicators(path)


def import_indicator_file(store: Store, path: Path, who: str) -> IndicatorImport:
    """Store one file's indicator rows and its narrative paragraphs (``voice indicators import``)."""
    result = read_indicator_file(path)
    added = store.add_indicators(result.rows, who=who) if result.rows else 0
    notes = report_notes(result)
    notes_added = store.add_notes(notes) if notes else 0
    return IndicatorImport(result, added, tuple(notes), notes_added)
