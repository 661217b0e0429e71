"""Read council performance dashboards and the canonical indicator CSV into ``Indicator`` rows.

Layouts are detected from the content, not the file name:

- **tabbed** (the Leicestershire Children and Families dashboards, seeds 000, 001, 003, 004):
  tab-separated rows ``name, [Updated], Latest update, Current Performance, Better or worse,
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
- **markdown** (the scrutiny report, seed 002): a ``| Topic | Theme | Indicator | Polarity |
  ...`` table; Topic is filled down. Its header is misaligned (it has no "Latest Period"
  cell), so when the header does not name every column the canonical column order is used.
  The numbered narrative paragraphs are returned by :func:`read_report_text`.

Decisions:

- ``unit`` is ``"%"`` when the value is written with ``%`` or the name starts with ``%`` /
  ``The %`` / ``Percentage``; ``"rate"`` when the name or key says ``rate`` or ``per 1,000`` /
  ``per 10,000``; ``"score"`` for scores, Progress 8 and progress measures; ``"count"`` for
  other whole numbers; otherwise None.
- ``927 (33%)``: value 927, unit ``"count"``, the bracketed 33 goes to ``extra["bracket_percent"]``.
  ``97.2% (364)``: value 97.2, unit ``"%"``, count 364. ``denominator`` is only filled when a
  source states it (none of the seed tables do; it is not derived from rounded percentages).
- ``polarity`` is only set when the document says so: ``(low = good)`` in the name, ``(high is
  good)`` in the direction cell, or 002's Polarity column. Otherwise None, even where the
  meaning is obvious. ``Higher - no polarity`` gives direction ``"higher"``, polarity None and
  note ``"no polarity"``.
- "See Appendix" and "Data not yet available" rows are kept (value None, note as written).
- Rows listed under "The following indicators will be available in a future report" are kept as
  ``Indicator`` rows with value None and note ``"available in a future report"`` (six plain
  lines in 000, one table row in 003), with outcome area and section None: they line up with
  later periods by key.
- OCR repairs (004): ``Γhe``/``he %`` -> ``The``/``The %``, ``ey Stage`` -> ``Key Stage``,
  ``eicestershire`` -> ``Leicestershire``, a leading ``6 of`` -> ``% of``; RAG cells such as
  ``II A``, ``a la``, ``a a constant`` -> ``A``. ``raw`` always keeps the line as written.
- ``n/a``, ``N/A`` and blanks are None, never 0. Values that cannot be parsed are None with a
  warning naming file and line; lines that look like indicator rows but cannot be read at all go
  to ``raw_lines``.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import NamedTuple

from voice.records import Indicator

# ---------------------------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------------------------


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
    count: float | None
    bracket_percent: float | None
    text: str
    ok: bool


class DirectionReading(NamedTuple):
    """A normalised "better or worse" cell."""

    direction: str | None
    polarity: str | None
    note: str | None


# ---------------------------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------------------------

MISSING = frozenset({"", "n/a", "na", "n.a.", "none", "null"})
FUTURE_NOTE = "available in a future report"
STATUS_NOTES = {"see appendix": "See Appendix", "data not yet available": "Data not yet available"}
DIRECTIONS = frozenset(
    {
        "better",
        "worse",
        "similar",
        "same",
        "higher",
        "lower",
        "new",
        "increase",
        "decrease",
        "decline",
        "improved",
        "improvement",
        "unchanged",
    }
)
TREND_GLYPHS = "■□▪▫▲▼△▽►◄▶◀↑↓→←—–·•|"
CSV_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in fields(Indicator) if f.name not in ("line_no", "raw", "extra")
)
"""The canonical indicator CSV columns, in ``Indicator`` field order."""
CSV_FLOAT_COLUMNS = frozenset({"value", "count", "denominator", "previous_value", "sn_average"})

_ALIAS_PAIRS: tuple[tuple[str, str], ...] = (
    # 002 (scrutiny report 2022/23) wording -> the key used in the 2016-2019 dashboards.
    (
        "child protection cases which were reviewed within timescales",
        "% child protection cases which were reviewed within timescales",
    ),
    (
        "children becoming subject to a cpp for second or subsequent time",
        "% of children becoming subject to a child protection plan for second or subsequent time",
    ),
    (
        "re-referrals to csc within 12 mths",
        "% re-referrals to childrens social care within 12 months",
    ),
    (
        "single assessments completed within 45 days",
        "% single assessments completed within 45 days",
    ),
    (
        "cpp lasting 2 yrs or more open at the end of the quarter",
        "% of child protection plans lasting 2 years or more open at the end of the quarter",
    ),
    (
        "care leavers in suitable accommodation",
        "% of care leavers in suitable accommodation",
    ),
    (
        "care leavers eet",
        "the % of care leavers in education, employment and training (eet)",
    ),
    (
        "children in care who have had dental checks within last 12 months",
        "the % of children in care who have had dental checks within last 12 months",
    ),
    (
        "children in care who have their annual health assessment within last 12 months",
        "the % of children in care who have their annual health assessment within last 12 months",
    ),
    (
        "primary schools rated 'good' or 'outstanding'",
        "the % of primary schools rated good or outstanding",
    ),
    (
        "secondary schools rated 'good' or 'outstanding'",
        "the % of secondary schools rated good or outstanding",
    ),
    (
        "ks4 - progress 8",
        "key stage 4 - progress 8",
    ),
    (
        "ks4 - progress 8 (fsm)",
        "key stage 4 - % of pupils eligible for free school meals achieving progress 8",
    ),
    (
        "ks2 - pupils achieving expected standard in reading, writing and mathematics",
        "key stage 2 - pupils achieving expected standard in reading, writing and mathematics",
    ),
    (
        "pupils in good or outstanding schools",
        "the % of pupils in good or outstanding schools",
    ),
    (
        "no. of first time entrants to the criminal justice system aged 10-17",
        "number of first time entrants to the criminal justice system aged 10-17",
    ),
)
KEY_ALIASES: dict[str, str] = dict(_ALIAS_PAIRS)
"""Names whose wording changed but whose meaning clearly did not (normalised key -> key).

Deliberately not aliased (see tests): 002 "Re-offending by young offenders" (a rate per 1,000
population, the older dashboards' "Rate of re-offending" is on another scale), "Instances of
the use of custody ... (per 1,000 10-17 pop)" (a rate; the older row is a count), "KS4 -
Progress 8 (EHCP)" (older row is "SEN statement/EHCP pupils").
"""

_QUALIFIERS = (
    r"low\s*(?:=|is)\s*good",
    r"high\s*(?:=|is)\s*good",
    r"end of quarter",
    r"year to date",
    r"ytd",
    r"at end of period",
    r"end of period",
    r"rolling 12 months",
    r"quarter in arrears",
)
_QUALIFIER_RE = re.compile("^(?:" + "|".join(_QUALIFIERS) + ")$", re.IGNORECASE)
_TRAILING_PAREN_RE = re.compile(r"\s*\(([^()]*)\)\s*\.?\s*$")
_TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_NUMBER = r"[-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_VALUE_RE = re.compile(
    rf"^(?P<num>{_NUMBER})\s*(?P<pct>%)?\s*(?:\(\s*(?P<br>{_NUMBER})\s*(?P<brpct>%)?\s*\))?$"
)
_QUARTILE_SN_RE = re.compile(rf"^(?P<q>[1-4])\s+(?P<sn>{_NUMBER}\s*%?)$")
_SN_TARGET_RE = re.compile(rf"^(?P<sn>{_NUMBER}\s*%?)\s+(?P<target>.+)$")
_FY_PERIOD_RE = re.compile(r"\bFY\s*(\d{4}/\d{2})\s*Q([1-4])\b", re.IGNORECASE)
_QUARTER_PERIOD_RE = re.compile(r"\bQUARTER\s+([1-4]),?\s+(\d{4}/\d{2})\b", re.IGNORECASE)
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
_PARAGRAPH_RE = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")

# ---------------------------------------------------------------------------------------------
# Small helpers (public ones are unit-tested)
# ---------------------------------------------------------------------------------------------


def clean_cell(text: str | None) -> str:
    """Strip HTML tags and entities and collapse whitespace."""
    if not text:
        return ""
    text = html.unescape(_TAG_RE.sub(" ", text)).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def is_missing(text: str | None) -> bool:
    """True for blanks and ``n/a`` / ``N/A`` style markers."""
    return clean_cell(text).lower() in MISSING


def repair_ocr(text: str) -> str:
    """Repair the OCR damage seen in the 2019/20 dashboard (004) in a name or heading."""
    text = text.replace("\u0393", "T")  # Greek capital gamma read for T: "Γhe"
    text = re.sub(r"^he\s+%", "The %", text)
    text = re.sub(r"^ey Stage\b", "Key Stage", text)
    text = re.sub(r"(?<![A-Za-z])eicestershire", "Leicestershire", text)
    return re.sub(r"^6 of ", "% of ", text)


def _number(text: str) -> float:
    """Convert a matched number (with thousands commas or a unicode minus) to float."""
    return float(text.replace(",", "").replace("\u2212", "-").replace("+", ""))


def parse_value(text: str | None) -> ParsedValue:
    """Parse a value cell: ``99.0%``, ``7,470``, ``927 (33%)``, ``97.2% (364)``, ``-0.80``."""
    cleaned = clean_cell(text)
    if cleaned.lower() in MISSING:
        return ParsedValue(None, None, None, None, cleaned, True)
    match = _VALUE_RE.match(cleaned)
    if not match:
        return ParsedValue(None, None, None, None, cleaned, False)
    value = _number(match["num"])
    unit = "%" if match["pct"] else None
    count = bracket_percent = None
    if match["br"] is not None:
        if match["brpct"]:
            bracket_percent = _number(match["br"])
        else:
            count = _number(match["br"])
    return ParsedValue(value, unit, count, bracket_percent, cleaned, True)


def parse_number(text: str | None) -> float | None:
    """Parse a plain number such as an SN average (``75.9``, ``94.0%``); None when missing."""
    parsed = parse_value(text)
    return parsed.value if parsed.ok and parsed.count is None else None


def normalise_rag(text: str | None) -> str | None:
    """Return ``"R"``/``"A"``/``"G"`` for Red/Amber/Green or OCR'd cells (``II A``), else None."""
    letters = set()
    for token in _strip_glyphs(text or "").lower().split():
        if token in ("r", "red"):
            letters.add("R")
        elif token in ("a", "amber"):
            letters.add("A")
        elif token in ("g", "green"):
            letters.add("G")
    return letters.pop() if len(letters) == 1 else None


def normalise_direction(text: str | None) -> DirectionReading:
    """Normalise a direction cell: ``Lower (high is good)`` -> ("lower", "high", None)."""
    cleaned = clean_cell(text)
    if cleaned.lower() in MISSING:
        return DirectionReading(None, None, None)
    polarity = _polarity_in(cleaned)
    note = "no polarity" if re.search(r"no polarity", cleaned, re.IGNORECASE) else None
    word = re.split(r"[\s(\-–—,]+", cleaned.lower().strip(), maxsplit=1)[0]
    direction = word if word in DIRECTIONS else cleaned.lower()
    return DirectionReading(direction, polarity, note)


def normalise_polarity(text: str | None) -> str | None:
    """Read ``High = Good`` / ``Low = Good`` / ``high`` / ``low``; None for N/A and blanks."""
    cleaned = clean_cell(text).lower()
    if cleaned in ("high", "low"):
        return cleaned
    return _polarity_in(cleaned)


def _polarity_in(text: str) -> str | None:
    """Find ``low = good`` / ``high is good`` style wording in a text."""
    match = re.search(r"\b(low|high)\s*(?:=|is)\s*good", text, re.IGNORECASE)
    return match.group(1).lower() if match else None


def _strip_qualifiers(name: str) -> str:
    """Remove trailing parentheticals made only of qualifiers such as ``(low = good)``."""
    while True:
        match = _TRAILING_PAREN_RE.search(name)
        if not match:
            return name
        parts = [p.strip() for p in match.group(1).split(",")]
        if not all(_QUALIFIER_RE.match(p) for p in parts if p):
            return name
        name = name[: match.start()]


def _base_key(name: str) -> str:
    """The normalised name before aliases are applied."""
    text = repair_ocr(clean_cell(name))
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"\s+", " ", text).strip().lower()
    text = _strip_qualifiers(text)
    text = re.sub(r"\bintial\b", "initial", text)
    text = re.sub(r"\binstance\b", "instances", text)
    return re.sub(r"\s+", " ", text).strip().rstrip(".").strip()


def indicator_key(name: str) -> str:
    """The matching key: the same indicator in different documents shares one key."""
    key = _base_key(name)
    return KEY_ALIASES.get(key, key)


def name_notes(name: str) -> list[str]:
    """Notes carried in a name's qualifiers, e.g. ``quarter in arrears``."""
    return ["quarter in arrears"] if re.search(r"quarter in arrears", name, re.I) else []


def infer_unit(name: str, key: str, parsed: ParsedValue) -> str | None:
    """Choose ``%``, ``rate``, ``score``, ``count`` or None for a value (see module docs)."""
    if parsed.value is None:
        return None
    if parsed.unit == "%":
        return "%"
    text = f"{name.lower()} | {key}"
    if re.search(r"\brate\b|per 1,000|per 10,000", text):
        return "rate"
    if re.search(r"\bscore\b|progress 8|progress measures", text):
        return "score"
    if re.match(r"^(?:the\s+)?%|^percentage\b", name.strip().lower()):
        return "%"
    if re.fullmatch(r"[-+]?[\d,]+", parsed.text.split("(")[0].strip()):
        return "count"
    return None


def find_period(text: str) -> str | None:
    """The document period ``2017/18 Q1`` from ``FY2017/18 Q1`` or ``QUARTER 2 2022/23``."""
    match = _FY_PERIOD_RE.search(text)
    if match:
        return f"{match.group(1)} Q{match.group(2)}"
    match = _QUARTER_PERIOD_RE.search(text)
    if match:
        return f"{match.group(2)} Q{match.group(1)}"
    return None


def _is_trend_noise(text: str) -> bool:
    """True for an empty cell or one holding only trend-chart glyphs (``■ ■``, ``—``, ``I``)."""
    return re.fullmatch(rf"[\s{re.escape(TREND_GLYPHS)}I]*", clean_cell(text)) is not None


def _join_notes(notes: list[str]) -> str | None:
    """Join notes with ``; `` (None when there are none)."""
    unique = list(dict.fromkeys(n for n in notes if n))
    return "; ".join(unique) if unique else None


def _warn(result: IndicatorReadResult, line_no: int, message: str) -> None:
    """Add a warning naming the file and line."""
    result.warnings.append(f"{result.source_document} line {line_no}: {message}")


# ---------------------------------------------------------------------------------------------
# Layout detection
# ---------------------------------------------------------------------------------------------


def _header_score(line: str) -> int:
    """How many dashboard header phrases a line contains."""
    low = line.lower()
    return sum(word in low for word in _HEADER_WORDS)


def _is_markdown_header(line: str) -> bool:
    """True for a ``| ... | Indicator | ... |`` header row."""
    if not line.lstrip().startswith("|"):
        return False
    cells = [c.strip().lower() for c in _md_cells(line)]
    return "indicator" in cells and any("value" in c or "polarity" in c for c in cells)


def detect_layout(lines: list[str]) -> str:
    """Return ``"markdown"``, ``"tabbed"`` or ``"unknown"`` for a file's lines."""
    if any(_is_markdown_header(line) for line in lines):
        return "markdown"
    if any("\t" in line and _header_score(line) >= 2 for line in lines):
        return "tabbed"
    return "unknown"


# ---------------------------------------------------------------------------------------------
# Tabbed dashboards (000, 001, 003, 004)
# ---------------------------------------------------------------------------------------------


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


def _clean_target(text: str) -> str | None:
    """A target as written; None for blanks, ``N/A`` and ``no target``."""
    cleaned = clean_cell(text)
    return None if cleaned.lower() in MISSING or cleaned.lower() == "no target" else cleaned


def _quartile(text: str, result: IndicatorReadResult, line_no: int) -> int | None:
    """Read a national quartile 1-4 (warn about anything else that is not missing)."""
    cleaned = clean_cell(text)
    if is_missing(cleaned):
        return None
    if cleaned in ("1", "2", "3", "4"):
        return int(cleaned)
    _warn(result, line_no, f"could not parse national quartile {cleaned!r}")
    return None


def _strip_glyphs(text: str) -> str:
    """A cell without trend-chart glyphs (``— n/a`` -> ``n/a``)."""
    return clean_cell(clean_cell(text).translate({ord(c): " " for c in TREND_GLYPHS}))


def _rag(text: str, result: IndicatorReadResult, line_no: int) -> str | None:
    """Read a RAG cell, warning when a non-missing cell is not recognisable."""
    rag = normalise_rag(text)
    if rag is None and not is_missing(_strip_glyphs(text)):
        _warn(result, line_no, f"could not parse RAG {clean_cell(text)!r}")
    return rag


def _sn_average(text: str, result: IndicatorReadResult, line_no: int) -> float | None:
    """Read an SN average, warning when a non-missing cell is not a number."""
    if is_missing(text):
        return None
    value = parse_number(text)
    if value is None:
        _warn(result, line_no, f"could not parse SN average {clean_cell(text)!r}")
    return value


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


# ---------------------------------------------------------------------------------------------
# Markdown table (002)
# ---------------------------------------------------------------------------------------------

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
    extra = {k: cell(k) for k in ("frequency",) if cell(k)}
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


# ---------------------------------------------------------------------------------------------
# Report narrative (002)
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Public readers
# ---------------------------------------------------------------------------------------------


def _read_lines(path: Path) -> list[str]:
    """A text file's lines (UTF-8, falling back to Windows-1252), without line endings."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.splitlines()


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


def _csv_cell(name: str, text: str, where: str, result: IndicatorReadResult) -> object:
    """Convert one canonical CSV cell to its field type, warning with row and column."""
    text = (text or "").strip()
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
    values = {n: _csv_cell(n, row.get(n) or "", where, result) for n in CSV_COLUMNS if n in row}
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
    return str(value)


def write_indicator_csv(rows: list[Indicator], path: str | Path) -> None:
    """Write rows in the canonical indicator CSV format (UTF-8, header row first)."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([_csv_text(getattr(row, name)) for name in CSV_COLUMNS])
