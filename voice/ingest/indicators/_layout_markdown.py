"""The markdown layout (the scrutiny report, seed 002).

A ``| Topic | Theme | Indicator | Polarity | ...`` table; Topic is filled down. Its header is
misaligned (it has no "Latest Period" cell), so when the header does not name every column the
canonical column order is used. The numbered narrative paragraphs are read by ``_report``.

May import: ``voice.records``, ``_model``, ``_values``, ``_keys``.
"""

from __future__ import annotations

import re

from voice.records import Indicator

from ._keys import indicator_key, name_notes
from ._model import IndicatorReadResult, _warn
from ._values import (
    _clean_target,
    _join_notes,
    _polarity_in,
    _quartile,
    _rag,
    _sn_average,
    clean_cell,
    infer_unit,
    is_missing,
    normalise_direction,
    normalise_polarity,
    parse_value,
    repair_ocr,
)

_MD_FIELDS = (
    "topic",
    "theme",
    "indicator",
    "polarity",
    "frequency",
    "previous_period",
    "previous_value",
    "latest_period",
    "latest_value",
    "trend",
    "target",
    "rag",
    "quartile",
    "sn_average",
)
_MD_HEADER_WORDS = (
    ("previous_period", "previous period"),
    ("previous_value", "previous value"),
    ("latest_period", "latest period"),
    ("latest_value", "latest value"),
    ("sn_average", "statistical neighbour"),
    ("quartile", "quartile"),
    ("rag", "rag"),
    ("topic", "topic"),
    ("theme", "theme"),
    ("indicator", "indicator"),
    ("polarity", "polarity"),
    ("frequency", "frequency"),
    ("trend", "trend"),
    ("target", "target"),
)


def _md_cells(line: str) -> list[str]:
    """Split a markdown table row into cells (outer pipes removed)."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    return [c.strip() for c in text.split("|")]


def _is_markdown_header(line: str) -> bool:
    """True for a ``| ... | Indicator | ... |`` header row."""
    if not line.lstrip().startswith("|"):
        return False
    cells = [c.strip().lower() for c in _md_cells(line)]
    return "indicator" in cells and any("value" in c or "polarity" in c for c in cells)


def _md_column_map(header: list[str]) -> dict[str, int]:
    """Map field -> column index from a header that names every column, else by position."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        low = cell.lower()
        for name, word in _MD_HEADER_WORDS:
            if word in low:
                if name in found:
                    break
                found[name] = index
                break
    if {"indicator", "latest_period", "latest_value"} <= found.keys():
        return found
    start = next((i for i, c in enumerate(header) if c.lower() == "topic"), 0)
    return {name: start + offset for offset, name in enumerate(_MD_FIELDS)}


def _looks_like_period(text: str) -> bool:
    """True for ``Q2 2022/23``, ``2021/22``, ``Summer 2022`` and similar labels."""
    return re.search(r"\bQ[1-4]\b|\d{4}|spring|summer|autumn|winter", text, re.I) is not None


def _md_row(
    cells: list[str],
    cols: dict[str, int],
    topic: str | None,
    line_no: int,
    raw: str,
    result: IndicatorReadResult,
) -> Indicator:
    """Read one markdown data row."""

    def cell(name: str) -> str:
        index = cols.get(name)
        return clean_cell(cells[index]) if index is not None and index < len(cells) else ""

    name = repair_ocr(cell("indicator"))
    key = indicator_key(name)
    parsed = parse_value(cell("latest_value"))
    previous = parse_value(cell("previous_value"))
    for what, value in (("value", parsed), ("previous value", previous)):
        if not value.ok:
            _warn(result, line_no, f"could not parse {what} {value.text!r}")
    if cell("latest_period") and not _looks_like_period(cell("latest_period")):
        _warn(result, line_no, f"not a period: latest period {cell('latest_period')!r}")
    direction = normalise_direction(cell("trend"))
    extra: dict[str, str | float] = {k: cell(k) for k in ("frequency",) if cell(k)}
    if parsed.bracket_percent is not None:
        extra["bracket_percent"] = parsed.bracket_percent
    return Indicator(
        indicator=name,
        period=result.period,
        key=key,
        outcome_area=topic,
        section=cell("theme") or None,
        period_label=cell("latest_period") or None,
        value=parsed.value,
        unit=infer_unit(name, key, parsed),
        value_text=parsed.text or None,
        count=parsed.count,
        previous_value=previous.value,
        previous_period=None if is_missing(cell("previous_period")) else cell("previous_period"),
        direction=direction.direction,
        polarity=normalise_polarity(cell("polarity")) or _polarity_in(name) or direction.polarity,
        rag=_rag(cell("rag"), result, line_no),
        national_quartile=_quartile(cell("quartile"), result, line_no),
        sn_average=_sn_average(cell("sn_average"), result, line_no),
        target=_clean_target(cell("target")),
        note=_join_notes([*name_notes(name), direction.note or ""]),
        source_document=result.source_document,
        line_no=line_no,
        raw=raw,
        extra=extra,
    )


def _is_separator(cells: list[str]) -> bool:
    """True for a ``|---|:--|`` separator row."""
    return all(re.fullmatch(r":?-*:?", c) for c in cells)


def _read_markdown(lines: list[str], result: IndicatorReadResult) -> None:
    """Read the markdown indicator table(s) of a report into ``result``."""
    cols: dict[str, int] | None = None
    topic: str | None = None
    for line_no, line in enumerate(lines, start=1):
        if not line.lstrip().startswith("|"):
            cols = None if line.strip() else cols
            continue
        if _is_markdown_header(line):
            cols, topic = _md_column_map(_md_cells(line)), None
            continue
        cells = _md_cells(line)
        if cols is None or _is_separator(cells):
            continue
        try:
            topic = _md_line(cells, cols, topic, line_no, line, result)
        except Exception as exc:  # a bad line must never stop the file
            result.raw_lines.append((line_no, line))
            _warn(result, line_no, f"could not read table row ({exc})")


def _md_line(
    cells: list[str],
    cols: dict[str, int],
    topic: str | None,
    line_no: int,
    raw: str,
    result: IndicatorReadResult,
) -> str | None:
    """Read one markdown row into ``result``; return the (filled-down) topic."""
    indicator_index = cols["indicator"]
    name = clean_cell(cells[indicator_index]) if indicator_index < len(cells) else ""
    if not name:
        if any(parse_value(c).value is not None for c in cells):
            result.raw_lines.append((line_no, raw))
            _warn(result, line_no, "table row with numbers but no indicator name")
        return topic
    if len(cells) <= max(cols.get(k, 0) for k in ("latest_value", "indicator")):
        result.raw_lines.append((line_no, raw))
        _warn(result, line_no, f"too few cells ({len(cells)}) for an indicator row")
        return topic
    topic_index = cols.get("topic")
    if topic_index is not None and clean_cell(cells[topic_index]):
        topic = clean_cell(cells[topic_index])
    result.rows.append(_md_row(cells, cols, topic, line_no, raw, result))
    return topic
