"""The tabbed layout (the Leicestershire Children and Families dashboards, seeds 000, 001, 003, 004).

Tab-separated rows ``name, [Updated], Latest update, Current Performance, Better or worse,
[Trend], Status RAG, National quartile, SN average [+ Target]``. The header rows in these
files are misaligned with the data, so cells are read by position with content checks: a
leading trend cell (empty, box-drawing glyphs, OCR'd ``I``) is dropped, a surplus empty or
``n/a`` cell after the RAG (000 and 004 put an extra column there in some sections) is
dropped, trailing empty cells are dropped, and a ``2 74.2%`` cell is split into quartile and
SN average. ``Updated`` and ``Target`` columns are used when the header names them (001);
there the last cell holds the SN average and the target (``94.5% 100%``, ``19.6% no target``).
Rows whose name is a sentence with a verb ("Children ... are safe ...") are outcome areas,
other data-less rows are sections; a section that follows a blank line (a page break) with no
new outcome area has ``outcome_area`` None.

- "See Appendix" and "Data not yet available" rows are kept (value None, note as written).
- Rows listed under "The following indicators will be available in a future report" are kept as
  ``Indicator`` rows with value None and note ``"available in a future report"`` (six plain
  lines in 000, one table row in 003), with outcome area and section None: they line up with
  later periods by key.
- Lines that look like indicator rows but cannot be read at all go to ``raw_lines``.

May import: ``voice.records``, ``_model``, ``_values``, ``_keys``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from voice.records import Indicator

from ._keys import indicator_key, name_notes
from ._model import DirectionReading, IndicatorReadResult, ParsedValue, _warn
from ._values import (
    _NUMBER,
    _clean_target,
    _is_trend_noise,
    _join_notes,
    _polarity_in,
    _quartile,
    _rag,
    _sn_average,
    _strip_glyphs,
    clean_cell,
    infer_unit,
    is_missing,
    normalise_direction,
    parse_number,
    parse_value,
    repair_ocr,
)

FUTURE_NOTE = "available in a future report"
STATUS_NOTES = {"see appendix": "See Appendix", "data not yet available": "Data not yet available"}
_QUARTILE_SN_RE = re.compile(rf"^(?P<q>[1-4])\s+(?P<sn>{_NUMBER}\s*%?)$")
_SN_TARGET_RE = re.compile(rf"^(?P<sn>{_NUMBER}\s*%?)\s+(?P<target>.+)$")
_OUTCOME_VERB_RE = re.compile(r"\b(?:are|is|have|has|live|lives)\b", re.IGNORECASE)
_INDICATOR_NAME_RE = re.compile(
    r"%|\((?:low|high)\s*(?:=|is)\s*good|\bnumber\b|\bno\.|\brate\b|\bpercentage\b|\bscore\b",
    re.IGNORECASE,
)
_HEADER_WORDS = (
    "latest update",
    "current performance",
    "better or worse",
    "compared to previous",
    "trend charts",
    "status rag",
    "national benchmark",
    "statistical neighbour",
    "supporting indicator",
)
_FUTURE_RE = re.compile(r"available in a future report", re.IGNORECASE)
_FUTURE_STOP_RE = re.compile(
    r"^(?:information to support|voice of the child|rag rating|this page|[-#*|])", re.IGNORECASE
)


def _header_score(line: str) -> int:
    """How many dashboard header phrases a line contains."""
    low = line.lower()
    return sum(word in low for word in _HEADER_WORDS)


@dataclass
class _TabLayout:
    """Optional columns named by a tabbed header."""

    has_updated: bool = False
    has_target: bool = False


@dataclass
class _Context:
    """Where the reader is in the document."""

    period: str | None = None
    outcome_area: str | None = None
    section: str | None = None
    future: bool = False
    after_break: bool = False


class _Tail(NamedTuple):
    """The cells after the direction: RAG, quartile, SN average, target."""

    rag: str
    quartile: str
    sn: str
    target: str


def _is_header_line(line: str) -> bool:
    """A tab line naming columns: header phrases, or a continuation row with an empty first cell."""
    if "\t" not in line:
        return False
    score = _header_score(line)
    first = clean_cell(line.split("\t", 1)[0])
    return score >= 2 or (not first and (score >= 1 or "target" in line.lower()))


def _tab_layout(lines: list[str]) -> _TabLayout:
    """Read which optional columns (``Updated``, ``Target``) the header rows name."""
    layout = _TabLayout()
    for line in filter(_is_header_line, lines):
        cells = [clean_cell(c).lower() for c in line.split("\t")]
        layout.has_updated |= "updated" in cells
        layout.has_target |= any(re.search(r"\btarget\b", c) for c in cells)
    return layout


def _is_outcome_area(text: str) -> bool:
    """Outcome areas are sentences ("Children ... are safe ..."); sections are short names."""
    return _OUTCOME_VERB_RE.search(text) is not None


def _split_tail(cells: list[str], has_target: bool) -> tuple[_Tail, bool]:
    """Assign the cells after the direction to RAG / quartile / SN (/ target).

    Returns the tail and False when surplus cells had to be ignored.
    """
    cells = [clean_cell(c) for c in cells]
    if len(cells) >= 3 and _is_trend_noise(cells[0]):
        cells.pop(0)
    while len(cells) > 3:
        if cells[-1] == "":
            cells.pop()
        elif _is_trend_noise(cells[1]) or is_missing(cells[1]):
            cells.pop(1)
        else:
            break
    complete = len(cells) <= 3
    cells = [*cells, "", "", ""][:3]
    rag, quartile, sn = cells
    target = ""
    if is_missing(quartile) and (match := _QUARTILE_SN_RE.match(sn)):
        quartile, sn = match["q"], match["sn"]
    if has_target:
        sn, target = _split_sn_target(sn)
    return _Tail(rag, quartile, sn, target), complete


def _split_sn_target(text: str) -> tuple[str, str]:
    """Split 001's ``94.5% 100%`` cell into SN average and target (a bare number is the SN)."""
    if is_missing(text):
        return "", ""
    match = _SN_TARGET_RE.match(text)
    if match:
        return match["sn"], match["target"]
    return (text, "") if parse_number(text) is not None else ("", text)


def _status_note(cells: list[str]) -> str | None:
    """Return "See Appendix" / "Data not yet available" when one of the first cells says so."""
    for cell in cells[:2]:
        note = STATUS_NOTES.get(clean_cell(cell).lower().rstrip("."))
        if note:
            return note
    return None


def _empty_row(name: str, ctx: _Context, notes: list[str], line_no: int, raw: str, source: str) -> Indicator:
    """An indicator row without data (See Appendix, future report, no data this period)."""
    return Indicator(
        indicator=name,
        period=ctx.period,
        key=indicator_key(name),
        outcome_area=ctx.outcome_area,
        section=ctx.section,
        polarity=_polarity_in(name),
        note=_join_notes(notes + name_notes(name)),
        source_document=source,
        line_no=line_no,
        raw=raw,
    )


def _tab_data_row(
    cells: list[str],
    ctx: _Context,
    layout: _TabLayout,
    line_no: int,
    raw: str,
    result: IndicatorReadResult,
) -> Indicator:
    """Read one tabbed data row."""
    name = repair_ocr(clean_cell(cells[0]))
    rest = [clean_cell(c) for c in cells[1:]]
    notes = [FUTURE_NOTE] if ctx.future else []
    status = _status_note(rest)
    if status:
        return _empty_row(name, ctx, [*notes, status], line_no, raw, result.source_document)
    extra: dict = {}
    if layout.has_updated:
        extra["updated"] = rest.pop(0) if rest else ""
    rest += [""] * max(0, 3 - len(rest))
    label, value_cell, direction_cell = rest[0], rest[1], rest[2]
    parsed = parse_value(value_cell)
    if not parsed.ok:
        _warn(result, line_no, f"could not parse value {parsed.text!r}")
    tail, complete = _split_tail(rest[3:], layout.has_target)
    if not complete:
        _warn(result, line_no, f"ignored surplus cells after the direction: {rest[3:]!r}")
    direction = normalise_direction(direction_cell)
    extra.update(_as_written(tail.rag, direction_cell, direction, parsed))
    key = indicator_key(name)
    return Indicator(
        indicator=name,
        period=ctx.period,
        key=key,
        outcome_area=ctx.outcome_area,
        section=ctx.section,
        period_label=None if is_missing(label) else label,
        value=parsed.value,
        unit=infer_unit(name, key, parsed),
        value_text=parsed.text or None,
        count=parsed.count,
        direction=direction.direction,
        polarity=_polarity_in(name) or direction.polarity,
        rag=_rag(tail.rag, result, line_no),
        national_quartile=_quartile(tail.quartile, result, line_no),
        sn_average=_sn_average(tail.sn, result, line_no),
        target=_clean_target(tail.target),
        note=_join_notes([*notes, *name_notes(name), direction.note or ""]),
        source_document=result.source_document,
        line_no=line_no,
        raw=raw,
        extra=extra,
    )


def _as_written(rag_cell: str, direction_cell: str, direction: DirectionReading, parsed: ParsedValue) -> dict:
    """Cells kept as written in ``extra`` where the row holds a repaired or split reading."""
    extra: dict = {}
    if not is_missing(_strip_glyphs(rag_cell)) and rag_cell not in ("R", "A", "G"):
        extra["rag_text"] = rag_cell
    if direction.direction and direction.direction != direction_cell.lower():
        extra["direction_text"] = direction_cell
    if parsed.bracket_percent is not None:
        extra["bracket_percent"] = parsed.bracket_percent
    return extra


def _tab_heading(name: str, ctx: _Context) -> None:
    """Update the context for an outcome-area, section or future-report heading."""
    if _FUTURE_RE.search(name):
        ctx.future, ctx.outcome_area, ctx.section = True, None, None
    elif _is_outcome_area(name):
        ctx.outcome_area, ctx.section, ctx.future = name, None, False
    else:
        if ctx.after_break:
            ctx.outcome_area = None
        ctx.section, ctx.future = name, False


def _future_line(line: str, ctx: _Context, line_no: int, result: IndicatorReadResult) -> None:
    """Read a plain line under the "available in a future report" heading."""
    text = clean_cell(line)
    if not text:
        return
    if _FUTURE_STOP_RE.match(text) or re.search(r"[:‘’“”]", text) or len(text.split()) > 25:
        ctx.future = False
        return
    name = repair_ocr(text)
    result.rows.append(_empty_row(name, ctx, [FUTURE_NOTE], line_no, line, result.source_document))


def _tab_line(
    line: str, line_no: int, ctx: _Context, layout: _TabLayout, result: IndicatorReadResult
) -> None:
    """Read one line of a tabbed dashboard."""
    if not line.strip():
        ctx.after_break = True
        return
    if "\t" not in line:
        if _FUTURE_RE.search(line) and result.rows:
            _tab_heading(clean_cell(line), ctx)
        elif ctx.future:
            _future_line(line, ctx, line_no, result)
        return
    cells = line.split("\t")
    name = repair_ocr(clean_cell(cells[0]))
    if not name or _is_header_line(line):
        return
    others = cells[1:]
    if all(_is_trend_noise(c) for c in others) and not _INDICATOR_NAME_RE.search(name):
        _tab_heading(name, ctx)
    elif len(cells) < 3 and not all(_is_trend_noise(c) for c in others):
        result.raw_lines.append((line_no, line))
        _warn(result, line_no, f"too few cells for an indicator row: {line!r}")
    else:
        result.rows.append(_tab_data_row(cells, ctx, layout, line_no, line, result))
    ctx.after_break = False


def _read_tabbed(lines: list[str], result: IndicatorReadResult) -> None:
    """Read a tabbed dashboard into ``result``."""
    layout = _tab_layout(lines)
    ctx = _Context(period=result.period)
    for line_no, line in enumerate(lines, start=1):
        try:
            _tab_line(line, line_no, ctx, layout, result)
        except Exception as exc:  # a bad line must never stop the file
            result.raw_lines.append((line_no, line))
            _warn(result, line_no, f"could not read line ({exc})")
