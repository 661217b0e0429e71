"""Cell parsing shared by every layout: numbers, units, RAG, direction, polarity, quartile, period.

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
- OCR repairs (004): ``Γhe``/``he %`` -> ``The``/``The %``, ``ey Stage`` -> ``Key Stage``,
  ``eicestershire`` -> ``Leicestershire``, a leading ``6 of`` -> ``% of``; RAG cells such as
  ``II A``, ``a la``, ``a a constant`` -> ``A``. ``raw`` always keeps the line as written.
- ``n/a``, ``N/A`` and blanks are None, never 0. Values that cannot be parsed are None with a
  warning naming file and line.

May import: ``voice.records`` (through ``_model``).
"""

from __future__ import annotations

import html
import re

from ._model import DirectionReading, IndicatorReadResult, ParsedValue, _warn

MISSING = frozenset({"", "n/a", "na", "n.a.", "none", "null"})
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
_TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_NUMBER = r"[-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_VALUE_RE = re.compile(
    rf"^(?P<num>{_NUMBER})\s*(?P<pct>%)?\s*(?:\(\s*(?P<br>{_NUMBER})\s*(?P<brpct>%)?\s*\))?$"
)
_FY_PERIOD_RE = re.compile(r"\bFY\s*(\d{4}/\d{2})\s*Q([1-4])\b", re.IGNORECASE)
_QUARTER_PERIOD_RE = re.compile(r"\bQUARTER\s+([1-4]),?\s+(\d{4}/\d{2})\b", re.IGNORECASE)


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
