"""Parsers for single fields as people write them: labels, periods, speakers, dates, ages.

Each parser returns the canonical value or raises ``InputError`` (a ``ValueError``) with a
message that can be shown to the user as it is.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from voice.errors import InputError
from voice.records import LABELS, normalise_text

_LABEL_WORDS: dict[str, str] = {
    "good": "good",
    "positive": "good",
    "what's good": "good",
    "whats good": "good",
    "what is good": "good",
    "unsure": "unsure",
    "don't know": "unsure",
    "dont know": "unsure",
    "do not know": "unsure",
    "neutral": "unsure",
    "mixed": "unsure",
    "not sure": "unsure",
    "not_so_good": "not_so_good",
    "not so good": "not_so_good",
    "what's not so good": "not_so_good",
    "whats not so good": "not_so_good",
    "what is not so good": "not_so_good",
    "negative": "not_so_good",
    "bad": "not_so_good",
}


def parse_label(text: str) -> str:
    """Map a label as written ("What's good?", "Don't know", "not so good") to a class."""
    key = normalise_text(text).strip(" ?.!:").replace("-", " ")
    key = re.sub(r"\s+", " ", key)
    if key in _LABEL_WORDS:
        return _LABEL_WORDS[key]
    raise InputError(
        f"unknown label {text!r}: use good / unsure / not_so_good "
        "(or the seed wording: What's good? / Don't know / What's not so good?)"
    )


_PERIOD_FORMS = [
    re.compile(r"^(?:FY\s*)?(\d{4})/(\d{2}|\d{4})\s*Q([1-4])$", re.I),
    re.compile(r"^Q([1-4])\s*(?:FY\s*)?(\d{4})/(\d{2}|\d{4})$", re.I),
]


def parse_period(text: str) -> str:
    """Canonical financial-year quarter "2017/18 Q1" from "2017/18 Q1", "Q1 2017/2018", "FY2017/18 Q1"."""
    t = re.sub(r"\s+", " ", text.strip())
    m = _PERIOD_FORMS[0].match(t)
    if m:
        start, end, q = m.groups()
    else:
        m = _PERIOD_FORMS[1].match(t)
        if not m:
            raise InputError(f"not a period: {text!r} (write it as 2017/18 Q1)")
        q, start, end = m.groups()
    end2 = end[-2:]
    if int(end2) != (int(start) + 1) % 100:
        raise InputError(f"not a period: {text!r} (the years must follow: 2017/18)")
    return f"{start}/{end2} Q{q}"


def period_sort_key(period: str) -> tuple[int, int]:
    """Order periods in time: (start year, quarter)."""
    m = re.match(r"^(\d{4})/\d{2} Q([1-4])$", period or "")
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def previous_period(period: str) -> str:
    """The quarter before: "2017/18 Q1" -> "2016/17 Q4"."""
    year, q = period_sort_key(period)
    if q == 0:
        raise InputError(f"not a period: {period!r}")
    if q == 1:
        year, q = year - 1, 5
    return f"{year}/{(year + 1) % 100:02d} Q{q - 1}"


_GENDERS = {
    "female": "Female",
    "f": "Female",
    "girl": "Female",
    "male": "Male",
    "m": "Male",
    "boy": "Male",
    "non-binary": "Non-binary",
    "nonbinary": "Non-binary",
    "parent": "Parent",
    "carer": "Carer",
    "mother": "Parent",
    "father": "Parent",
    "young person": "Young person",
}


def parse_gender(text: str) -> str:
    """Canonical gender / role word ("Female", "Male", "Parent" ...); unknown words kept as written."""
    t = text.strip()
    return _GENDERS.get(t.lower(), t)


def parse_age(text: str | int | float) -> int:
    """An age in years, 0 to 25 (children's services and care leavers)."""
    try:
        age = float(text)
    except (TypeError, ValueError):
        raise InputError(f"not an age: {text!r} (a whole number of years)") from None
    if age != int(age) or not 0 <= age <= 25:
        raise InputError(f"not an age: {text!r} (a whole number from 0 to 25)")
    return int(age)


def parse_speaker(text: str) -> tuple[str | None, int | None]:
    """Split "Female, 15" into ("Female", 15); "Parent" into ("Parent", None)."""
    t = text.strip().strip(".")
    m = re.match(r"^([A-Za-z][A-Za-z \-]*?)\s*,\s*(\d{1,2})$", t)
    if m:
        return parse_gender(m.group(1)), parse_age(m.group(2))
    m = re.match(r"^(\d{1,2})\s*,\s*([A-Za-z][A-Za-z \-]*)$", t)
    if m:
        return parse_gender(m.group(2)), parse_age(m.group(1))
    if re.fullmatch(r"\d{1,2}", t):
        return None, parse_age(t)
    return (parse_gender(t) if t else None), None


def parse_date(text: str | date | datetime) -> date:
    """An ISO (2017-06-30) or UK (30/06/2017) date; spreadsheet dates pass through."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    t = str(text).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    raise InputError(f"not a date: {text!r} (use 2017-06-30 or 30/06/2017)")


__all__ = [
    "LABELS",
    "control_character_problem",
    "parse_age",
    "parse_date",
    "parse_gender",
    "parse_label",
    "parse_period",
    "parse_speaker",
    "period_sort_key",
    "previous_period",
]


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def control_character_problem(text: str) -> str | None:
    """Why ``text`` is refused for a control character (None when it has none).

    The same rule for a file's cells and a quote typed in the app: tab and line breaks are
    fine, any other C0 control character is not.
    """
    bad = _CONTROL.search(text)
    if bad is None:
        return None
    return f"contains the control character U+{ord(bad.group()):04X} (binary data or a damaged file?)"
