"""The canonical indicator CSV: one column per ``Indicator`` field, read with warnings and written back.

May import: ``voice.records``, ``_model``, ``_values``, ``_keys``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import fields
from pathlib import Path
from typing import Any

from voice.ingest.fields import parse_period
from voice.records import Indicator

from ._keys import indicator_key
from ._model import IndicatorReadResult, _read_lines
from ._values import (
    _clean_target,
    is_missing,
    normalise_direction,
    normalise_polarity,
    normalise_rag,
    parse_value,
)

CSV_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in fields(Indicator) if f.name not in ("line_no", "raw", "extra")
)
"""The canonical indicator CSV columns, in ``Indicator`` field order."""
CSV_FLOAT_COLUMNS = frozenset({"value", "count", "denominator", "previous_value", "sn_average"})
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is written with a leading ``'`` (no spreadsheet
formula runs when the export is opened) and read back without it."""


def _unformula(text: str) -> str:
    """A cell as written before export: the ``'`` that neutralised a formula taken off."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_PREFIXES) else text


def _csv_cell(name: str, text: str, where: str, result: IndicatorReadResult) -> object:
    """Convert one canonical CSV cell to its field type, warning with row and column."""
    text = _unformula((text or "").strip())
    if name in CSV_FLOAT_COLUMNS:
        parsed = parse_value(text)
        if not parsed.ok or parsed.count is not None or parsed.bracket_percent is not None:
            result.warnings.append(f"{where}, column '{name}': could not parse number {text!r}")
            return None
        return parsed.value
    if name == "national_quartile":
        if is_missing(text):
            return None
        if text in ("1", "2", "3", "4", "1.0", "2.0", "3.0", "4.0"):
            return int(float(text))
        result.warnings.append(f"{where}, column '{name}': quartile must be 1-4, got {text!r}")
        return None
    if name == "rag":
        rag = normalise_rag(text)
        if rag is None and not is_missing(text):
            result.warnings.append(f"{where}, column '{name}': unknown RAG {text!r}")
        return rag
    if name == "polarity":
        polarity = normalise_polarity(text)
        if polarity is None and not is_missing(text):
            result.warnings.append(f"{where}, column '{name}': polarity must be high/low")
        return polarity
    if name == "direction":
        return normalise_direction(text).direction
    if name == "target":
        return _clean_target(text)
    return text or None


def _csv_row(row: dict[str, str], line_no: int, result: IndicatorReadResult) -> None:
    """Read one canonical CSV row into ``result`` (or keep it raw with a warning)."""
    where = f"{result.source_document} row {line_no}"
    missing = [c for c in ("indicator", "period") if not (row.get(c) or "").strip()]
    if missing:
        raw = ",".join(v if isinstance(v, str) else "" for v in row.values())
        result.raw_lines.append((line_no, raw))
        for column in missing:
            result.warnings.append(f"{where}, column '{column}': required value is empty")
        return
    values: dict[str, Any] = {
        n: _csv_cell(n, row.get(n) or "", where, result) for n in CSV_COLUMNS if n in row
    }
    try:
        values["period"] = parse_period(str(values["period"]))
    except ValueError as exc:
        result.raw_lines.append((line_no, ",".join(v if isinstance(v, str) else "" for v in row.values())))
        result.warnings.append(f"{where}, column 'period': {exc}")
        return
    values["key"] = values.get("key") or indicator_key(str(values["indicator"]))
    result.rows.append(Indicator(**values, line_no=line_no))


def read_indicator_csv(path: str | Path) -> IndicatorReadResult:
    """Read the canonical indicator CSV: ``CSV_COLUMNS``, ``indicator`` and ``period`` required.

    Row numbers in warnings are spreadsheet rows: the header is row 1. Bad cells become None
    with a warning naming row and column; rows missing a required value go to ``raw_lines``.
    A file missing a required column gives zero rows and a warning.
    """
    path = Path(path)
    text = "\n".join(_read_lines(path))
    result = IndicatorReadResult(path.name, "csv")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    absent = [c for c in ("indicator", "period") if c not in header]
    unknown = [c for c in header if c and c not in CSV_COLUMNS]
    if unknown:
        result.warnings.append(f"{path.name} row 1: ignored unknown column(s): {unknown}")
    if absent:
        result.warnings.append(f"{path.name} row 1: missing required column(s): {absent}")
        return result
    for row in reader:
        _csv_row(row, reader.line_num, result)
    result.lines_read = reader.line_num
    periods = {r.period for r in result.rows}
    result.period = periods.pop() if len(periods) == 1 else None
    return result


def _csv_text(value: object) -> str:
    """Format a field for the canonical CSV (whole floats without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def write_indicator_csv(rows: list[Indicator], path: str | Path) -> None:
    """Write rows in the canonical indicator CSV format (UTF-8, header row first).

    Text that a spreadsheet would run as a formula is written with a leading ``'``; reading the
    file back takes it off.
    """
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([_csv_text(getattr(row, name)) for name in CSV_COLUMNS])
