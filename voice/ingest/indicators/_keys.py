"""The matching key: one key for the same indicator across documents, with the known renamings.

May import: ``_values``.
"""

from __future__ import annotations

import re

from ._values import clean_cell, repair_ocr

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
