"""Read council performance dashboards and the canonical indicator CSV into ``Indicator`` rows.

Owns the dashboard readers: the layout is detected from the content, not the file name
(``_reader``); each layout has its own module (``_layout_tabbed``: seeds 000, 001, 003, 004;
``_layout_markdown``: seed 002), the report narrative is ``_report``, the canonical CSV is
``_csv``. Cell parsing shared by all of them (numbers, units, RAG, direction, polarity,
quartile, period, OCR repairs) is ``_values``, with its decisions documented there; matching
keys are ``_keys``; result types ``_model``. Readers never raise for content: unreadable cells
become None with a warning naming file and line, unreadable rows go to ``raw_lines``; a folder
given as a file is an ``InputError``.

May import: ``voice.records``, ``voice.errors``.
"""

from ._csv import CSV_COLUMNS, CSV_FLOAT_COLUMNS, read_indicator_csv, write_indicator_csv
from ._keys import KEY_ALIASES, indicator_key, name_notes
from ._layout_tabbed import FUTURE_NOTE, STATUS_NOTES
from ._model import DirectionReading, IndicatorReadResult, ParsedValue, ReportText
from ._reader import detect_layout, read_indicators
from ._report import read_report_text, report_paragraphs
from ._values import (
    DIRECTIONS,
    MISSING,
    TREND_GLYPHS,
    clean_cell,
    find_period,
    infer_unit,
    is_missing,
    normalise_direction,
    normalise_polarity,
    normalise_rag,
    parse_number,
    parse_value,
    repair_ocr,
)

__all__ = [
    "CSV_COLUMNS",
    "CSV_FLOAT_COLUMNS",
    "DIRECTIONS",
    "FUTURE_NOTE",
    "KEY_ALIASES",
    "MISSING",
    "STATUS_NOTES",
    "TREND_GLYPHS",
    "DirectionReading",
    "IndicatorReadResult",
    "ParsedValue",
    "ReportText",
    "clean_cell",
    "detect_layout",
    "find_period",
    "indicator_key",
    "infer_unit",
    "is_missing",
    "name_notes",
    "normalise_direction",
    "normalise_polarity",
    "normalise_rag",
    "parse_number",
    "parse_value",
    "read_indicator_csv",
    "read_indicators",
    "read_report_text",
    "repair_ocr",
    "report_paragraphs",
    "write_indicator_csv",
]
