"""Tests for the dashboard indicator readers, against the real seed documents."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from voice.errors import InputError, VoiceError
from voice.indicators import compute_voice_indicator, read_indicator_file, voice_indicator_from_labels
from voice.ingest.fields import parse_age, parse_date, parse_label, parse_period, previous_period
from voice.ingest.indicators import (
    CSV_COLUMNS,
    KEY_ALIASES,
    detect_layout,
    indicator_key,
    normalise_direction,
    normalise_rag,
    parse_value,
    read_indicator_csv,
    read_indicators,
    read_report_text,
    repair_ocr,
    write_indicator_csv,
)
from voice.ingest.seed_appendix import read_seed_appendix
from voice.records import Indicator

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpus" / "seeds"
GOLDEN = json.loads((ROOT / "tests" / "fixtures" / "indicators_golden.json").read_text("utf-8"))
EXAMPLE_CSV = ROOT / "corpus" / "examples" / "indicators.csv"

F000 = "000_5feb690b17561cdb.txt"
F001 = "001_ffb04e041f709b24.txt"
F002 = "002_bd1e520f50e64f77.txt"
F003 = "003_380168de473c806e.txt"
F004 = "004_4bccb14e63cc8586.txt"

# Indicator rows per file, counted by hand from the documents:
# 000: table rows 10 Social Care + 6 Early Help + 9 health + 3 thriving communities
#      + 11 Education Quality + 6 Vulnerable groups = 45, plus 6 plain lines listed under
#      "available in a future report" = 51.
# 001: 12 Social Care (incl. "Data not yet available") + 7 SLF/Early Help (incl. See Appendix)
#      + 8 health (incl. "Data not yet available") + 11 thriving communities = 38.
# 002: markdown table lines 134-158, one indicator each: 4 + 9 + 6 + 3 + 3 = 25.
# 003: 9 Social Care + 6 Early Help + 4 health (incl. the empty "quarter in arrears" row)
#      + 2 thriving + 5 Education Quality + 5 Vulnerable groups + 1 future-report row = 32.
# 004: 10 protected + 9 health/SEND + 3 families + 3 safe + 13 education + 2 vulnerable
#      + 2 workforce = 42.
EXPECTED_COUNTS = {F000: 51, F001: 38, F002: 25, F003: 32, F004: 42}
EXPECTED_PERIODS = {
    F000: "2017/18 Q1",
    F001: "2016/17 Q2",
    F002: "2022/23 Q2",
    F003: "2017/18 Q2",
    F004: "2019/20 Q1",
}


@pytest.fixture(scope="module")
def results() -> dict:
    """Every seed file read once."""
    return {name: read_indicators(SEEDS / name) for name in EXPECTED_COUNTS}


def _by_line(result) -> dict[int, Indicator]:
    """Rows of a result keyed by line number."""
    return {row.line_no: row for row in result.rows}


# ---------------------------------------------------------------------------------------------
# Golden rows and counts
# ---------------------------------------------------------------------------------------------


def test_golden_has_at_least_eight_rows_per_seed() -> None:
    assert set(GOLDEN) == set(EXPECTED_COUNTS)
    assert all(len(rows) >= 8 for rows in GOLDEN.values())


@pytest.mark.parametrize(
    ("name", "expected"),
    [(name, row) for name, rows in GOLDEN.items() for row in rows],
    ids=lambda v: v if isinstance(v, str) else f"line{v['line_no']}",
)
def test_golden_row_every_field(results: dict, name: str, expected: dict) -> None:
    row = _by_line(results[name])[expected["line_no"]]
    actual = asdict(row)
    actual.pop("raw")
    actual.pop("extra")
    assert actual == expected


@pytest.mark.parametrize(("name", "count"), EXPECTED_COUNTS.items())
def test_row_counts_and_layout(results: dict, name: str, count: int) -> None:
    result = results[name]
    assert result.parsed == count
    assert result.kept_raw == 0
    assert result.period == EXPECTED_PERIODS[name]
    assert result.layout == ("markdown" if name == F002 else "tabbed")
    assert result.lines_read == len((SEEDS / name).read_text("utf-8").splitlines())
    assert all(row.period == EXPECTED_PERIODS[name] for row in result.rows)
    assert all(row.source_document == name for row in result.rows)


def test_raw_line_is_kept_as_written(results: dict) -> None:
    lines = (SEEDS / F004).read_text("utf-8").splitlines()
    row = _by_line(results[F004])[34]
    assert row.raw == lines[33]
    assert row.raw.startswith("\u0393he % of eligible 2 year olds")
    assert row.indicator == "The % of eligible 2 year olds taking up their FEEE"


def test_future_report_rows(results: dict) -> None:
    future = [r for r in results[F000].rows if r.note == "available in a future report"]
    assert [r.indicator for r in future] == [
        "Key Stage 2 - % of Children in Care achieving expected standard in Reading, Writing and Maths",
        "Key Stage 4 - Progress 8",
        "Key Stage 4 - % of pupils eligible for Free School Meals achieving Progress 8",
        "Key Stage 4 - % of SEN statement/EHCP pupils achieving Progress 8",
        "Key Stage 4 - % of Children in Care achieving Progress 8",
        "A Level average points score (per entry)",
    ]
    assert all(r.value is None and r.outcome_area is None for r in future)
    later = [r for r in results[F003].rows if r.note == "available in a future report"]
    assert len(later) == 1 and later[0].value is None


def test_see_appendix_rows_are_kept(results: dict) -> None:
    for name in (F000, F001, F003):
        rows = [r for r in results[name].rows if r.note == "See Appendix"]
        assert len(rows) == 1
        assert rows[0].key.startswith("feedback from families and evaluation")
        assert rows[0].value is None


def test_outcome_areas_and_sections(results: dict) -> None:
    rows = _by_line(results[F000])
    assert rows[19].outcome_area == "Children and young people are safe within caring family homes"
    assert rows[19].section == "Early Help"
    assert rows[27].section is None
    assert (rows[42].outcome_area, rows[42].section) == (None, "Education Quality")
    rows4 = _by_line(results[F004])
    assert rows4[51].outcome_area == "Leicestershire has a highly skilled and employable workforce"
    assert rows4[48].section == "Education of Vulnerable Groups"
    rows2 = _by_line(results[F002])
    assert rows2[135].outcome_area == rows2[134].outcome_area  # Topic filled down


# ---------------------------------------------------------------------------------------------
# Matching keys and trends
# ---------------------------------------------------------------------------------------------


def _rows_with_key(results: dict, key: str) -> dict[str, Indicator]:
    """The row with ``key`` in each file (at most one per file)."""
    found: dict[str, Indicator] = {}
    for name, result in results.items():
        matches = [r for r in result.rows if r.key == key]
        assert len(matches) <= 1, (name, key)
        if matches:
            found[name] = matches[0]
    return found


def test_child_protection_reviews_line_up_as_one_trend(results: dict) -> None:
    key = indicator_key("% child protection cases which were reviewed within timescales.")
    rows = _rows_with_key(results, key)
    trend = [(rows[n].period, rows[n].value) for n in (F000, F003, F004)]
    assert trend == [("2017/18 Q1", 99.0), ("2017/18 Q2", 97.2), ("2019/20 Q1", 94.7)]
    assert rows[F001].value == 98.6
    assert (rows[F002].period, rows[F002].value) == ("2022/23 Q2", 77.6)


@pytest.mark.parametrize(
    ("key", "files"),
    [
        (
            "% of children becoming subject to a child protection plan for second or subsequent time",
            {F000, F001, F002, F003, F004},
        ),
        (
            "placement stability - % children with 3 or more placements during a year",
            {F000, F001, F003, F004},
        ),
        ("send - initial requests for ehcp refused", {F000, F004}),
        (
            "number of first time entrants to the criminal justice system aged 10-17",
            {F000, F001, F002, F003, F004},
        ),
        ("number of instances of the use of custody for young people", {F000, F001, F003, F004}),
        (
            "the % of care leavers in education, employment and training (eet)",
            {F000, F001, F002, F003, F004},
        ),
        (
            "the average emotional health strengths/difficulties score for children in care",
            {F000, F001, F003, F004},
        ),
        ("key stage 4 - progress 8", {F000, F002, F003}),
    ],
)
def test_same_indicator_shares_a_key_across_documents(results: dict, key: str, files: set) -> None:
    assert set(_rows_with_key(results, key)) == files


def test_indicator_key_rules() -> None:
    key = "% child protection cases which were reviewed within timescales"
    assert indicator_key("% child protection cases which were reviewed within timescales.") == key
    assert (
        indicator_key("% child protection cases which were reviewed within timescales (Year to date)") == key
    )
    assert indicator_key("<b>SEND - Intial requests for EHCP refused</b>") == (
        "send - initial requests for ehcp refused"
    )
    assert indicator_key("Number of instance of X (low = good, quarter in arrears)") == (
        "number of instances of x"
    )
    assert indicator_key("A  (rolling 12 months) (at end of period)") == "a"
    assert indicator_key("Ratio (EET) (end of quarter)") == "ratio (eet)"
    assert indicator_key("Children\u2019s \u201cvoice\u201d") == 'children\'s "voice"'
    assert indicator_key("6 of NEET 16-17 (low = good)") == "% of neet 16-17"


def test_aliases_point_at_keys_that_exist_in_older_documents(results: dict) -> None:
    older = {r.key for n in (F000, F001, F003, F004) for r in results[n].rows}
    assert set(KEY_ALIASES.values()) <= older


KNOWN_MISSES = [
    # (older name, newer name, why they do not share a key)
    (
        "% children who wait less than 14 months between entering care and moving in with their "
        "adoptive family (3 year average)",
        "% children who wait less than 16 months between entering care and moving in with their "
        "adoptive family",
        "different threshold (14 vs 16 months) and averaging",
    ),
    (
        "The % of schools rated Good or Outstanding.",
        "The % of all schools rated Good or Outstanding.",
        "004 adds 'all'; probably the same measure but not aliased",
    ),
    (
        "The % of reception pupils with FSM status achieving 'Good' level of development'.",
        "Good Level of Development- pupils eligible for Free School Meals",
        "reworded in 004; not aliased",
    ),
    (
        "Key Stage 2 - % of pupils eligible for Free School Meals achieving expected standard in "
        "Reading, Writing and Mathematics",
        "ey Stage 2 - Expected level in Reading, Writing and Maths - pupils eligible for Free School Meals",
        "reworded in 004; not aliased",
    ),
    (
        "SEND - Total number of statements / EHC plans over 12 month period",
        "SEND - Total number of statements / EHC plans 2019 SEN census",
        "count over a year vs census snapshot",
    ),
    (
        "Feedback from families and evaluation provides evidence of positive impact",
        "Feedback from families and evaluation provides evidence of positive impact - including "
        "through family and youth star",
        "001 adds a qualifier outside brackets",
    ),
    (
        "Rate of re-offending by young offenders (low = good)",
        "Re-offending by young offenders",
        "002 reports a rate per 1,000 population (2.27); older dashboards another scale (0.58)",
    ),
    (
        "Number of instances of the use of custody for young people (low = good)",
        "Instances of the use of custody for young people (per 1,000 10-17 pop)",
        "count vs rate per 1,000",
    ),
    (
        "Key Stage 4 - % of SEN statement/EHCP pupils achieving Progress 8",
        "KS4 - Progress 8 (EHCP)",
        "statement/EHCP vs EHCP only; not clearly the same cohort",
    ),
    (
        "No. of individuals with an Early Help Assessment",
        "Individuals worked with by CFWS during period",
        "different service and measure",
    ),
]


@pytest.mark.parametrize(("old", "new", "why"), KNOWN_MISSES, ids=[m[2] for m in KNOWN_MISSES])
def test_known_misses_do_not_share_a_key(old: str, new: str, why: str) -> None:
    assert indicator_key(old) != indicator_key(new), why


# ---------------------------------------------------------------------------------------------
# Warnings, raw lines, missing values
# ---------------------------------------------------------------------------------------------


def test_warnings_name_file_and_line(results: dict) -> None:
    assert results[F000].warnings == [f"{F000} line 51: could not parse RAG '1'"]
    for name in (F001, F002, F003, F004):
        assert results[name].warnings == []


def test_unparseable_value_warns_and_keeps_row(tmp_path: Path) -> None:
    text = (SEEDS / F004).read_text("utf-8").replace("94.7% (373)", "abc")
    path = tmp_path / "004_x.txt"
    path.write_text(text, encoding="utf-8")
    result = read_indicators(path)
    assert "004_x.txt line 3: could not parse value 'abc'" in result.warnings
    row = _by_line(result)[3]
    assert row.value is None and row.value_text == "abc" and row.rag == "G"


def test_short_tabbed_line_is_kept_raw(tmp_path: Path) -> None:
    lines = (SEEDS / F003).read_text("utf-8").splitlines()
    lines.insert(7, "% of something odd\t12%")
    path = tmp_path / "own.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = read_indicators(path)
    assert result.raw_lines == [(8, "% of something odd\t12%")]
    assert result.kept_raw == 1 and result.parsed == EXPECTED_COUNTS[F003]
    assert any(w.startswith("own.txt line 8:") for w in result.warnings)


def test_file_without_dashboard_gives_no_rows_and_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("Dear committee,\n\nNothing to see here.\n", encoding="utf-8")
    result = read_indicators(path)
    assert result.rows == [] and result.layout == "unknown"
    assert result.warnings == ["letter.txt: no recognisable indicator dashboard found"]


def test_binary_junk_does_not_raise(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(b"\xff\xfe\x00Latest update\tStatus RAG\n\x00\t\t\n" * 3)
    result = read_indicators(path)
    assert result.rows == []


def test_layout_is_detected_from_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "our_council_q3.txt"
    path.write_text((SEEDS / F000).read_text("utf-8"), encoding="utf-8")
    assert read_indicators(path).parsed == EXPECTED_COUNTS[F000]
    assert detect_layout((SEEDS / F002).read_text("utf-8").splitlines()) == "markdown"


def test_na_never_becomes_zero(results: dict, tmp_path: Path) -> None:
    numeric = ("value", "count", "denominator", "previous_value", "sn_average")
    for result in results.values():
        for row in result.rows:
            # The seeds hold no true zero, so any 0 would be a missing cell turned into 0.
            assert all(getattr(row, name) != 0 for name in numeric), row.raw
            assert row.national_quartile in (None, 1, 2, 3, 4)
            if row.value_text is not None and row.value_text.lower() == "n/a":
                assert row.value is None and row.unit is None
    rows = _by_line(results[F000])
    assert (rows[17].rag, rows[17].national_quartile, rows[17].sn_average) == (None, None, None)
    assert parse_value("n/a").value is None
    assert parse_value("N/A").value is None
    assert parse_value("").value is None
    assert parse_value("0").value == 0.0  # a written zero stays a zero
    path = tmp_path / "zero.txt"
    path.write_text(
        "\tLatest update\tCurrent Performance\tBetter or worse\tTrend\tStatus RAG\n"
        "Incidents (low = good)\tQ1\t0\tLower\t\tG\tn/a\tN/A\n"
        "Other incidents\tQ1\tn/a\tn/a\t\tn/a\tn/a\tn/a\n",
        encoding="utf-8",
    )
    zero, missing = read_indicators(path).rows
    assert (zero.value, zero.national_quartile, zero.sn_average) == (0.0, None, None)
    assert (missing.value, missing.rag, missing.direction) == (None, None, None)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "count", "bracket"),
    [
        ("99.0%", 99.0, "%", None, None),
        ("7,470", 7470.0, None, None, None),
        ("927 (33%)", 927.0, None, None, 33.0),
        ("97.2% (364)", 97.2, "%", 364.0, None),
        ("-0.80", -0.8, None, None, None),
        ("<b>100% (6)</b>", 100.0, "%", 6.0, None),
        ("1884 (68%)", 1884.0, None, None, 68.0),
        ("66.70%", 66.7, "%", None, None),
    ],
)
def test_parse_value(text: str, value: float, unit: str, count: float, bracket: float) -> None:
    parsed = parse_value(text)
    assert parsed.ok
    assert (parsed.value, parsed.unit, parsed.count, parsed.bracket_percent) == (
        value,
        unit,
        count,
        bracket,
    )


def test_parse_value_rejects_text() -> None:
    parsed = parse_value("abc")
    assert not parsed.ok and parsed.value is None and parsed.text == "abc"


@pytest.mark.parametrize(
    ("text", "rag"),
    [
        ("G", "G"),
        (" G", "G"),
        ("Red", "R"),
        ("Amber", "A"),
        ("Green", "G"),
        ("II A", "A"),
        ("IIII A", "A"),
        ("A A", "A"),
        ("a la", "A"),
        ("a a constant", "A"),
        ("\u2014 A", "A"),
        ("n/a", None),
        ("N/A", None),
        ("\u2014 <b>\u2014</b> <sub>n/a</sub>", None),
        ("", None),
        ("1", None),
        ("R G", None),
    ],
)
def test_normalise_rag(text: str, rag: str | None) -> None:
    assert normalise_rag(text) == rag


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Similar", ("similar", None, None)),
        ("Worse", ("worse", None, None)),
        ("Higher - no polarity", ("higher", None, "no polarity")),
        ("Lower - no polarity", ("lower", None, "no polarity")),
        ("Lower (high is good)", ("lower", "high", None)),
        ("Higher (low is good)", ("higher", "low", None)),
        ("Decline", ("decline", None, None)),
        ("n/a", (None, None, None)),
        ("", (None, None, None)),
    ],
)
def test_normalise_direction(text: str, expected: tuple) -> None:
    assert tuple(normalise_direction(text)) == expected


def test_repair_ocr() -> None:
    assert repair_ocr("\u0393he % of eligible") == "The % of eligible"
    assert repair_ocr("he % of all childcare") == "The % of all childcare"
    assert repair_ocr("ey Stage 2 - Expected") == "Key Stage 2 - Expected"
    assert repair_ocr("eicestershire has a") == "Leicestershire has a"
    assert repair_ocr("6 of NEET 16-17") == "% of NEET 16-17"
    assert repair_ocr("Leicestershire and the % of") == "Leicestershire and the % of"


# ---------------------------------------------------------------------------------------------
# Report text (002)
# ---------------------------------------------------------------------------------------------


def test_report_paragraphs(results: dict) -> None:
    report = read_report_text(SEEDS / F002)
    assert report.period == "2022/23 Q2"
    numbers = [n for n, _ in report.paragraphs]
    assert numbers == list(range(1, 43))
    text = dict(report.paragraphs)
    assert text[8].startswith("The percentage of Child Protection cases reviewed within timescales")
    assert text[24].endswith("and of average YOTs (0.16).")  # joined across the page break
    assert text[32].endswith("The numbers will continue to be monitored closely.")
    assert results[F002].report_text == report.paragraphs
    for name in (F000, F001, F003, F004):
        assert results[name].report_text == []


# ---------------------------------------------------------------------------------------------
# Canonical CSV
# ---------------------------------------------------------------------------------------------


def _comparable(row: Indicator) -> Indicator:
    """A row without the file-position fields the CSV does not carry."""
    return replace(row, line_no=None, raw=None)


def test_csv_round_trip(results: dict, tmp_path: Path) -> None:
    rows = results[F000].rows + results[F002].rows
    path = tmp_path / "out.csv"
    write_indicator_csv(rows, path)
    back = read_indicator_csv(path)
    assert back.warnings == []
    assert [_comparable(r) for r in back.rows] == [_comparable(r) for r in rows]
    assert back.rows[0].line_no == 2


def test_example_csv_matches_seed_000(results: dict) -> None:
    example = read_indicator_csv(EXAMPLE_CSV)
    assert example.warnings == [] and example.parsed >= 5
    assert example.period == "2017/18 Q1"
    seed = {r.indicator: _comparable(r) for r in results[F000].rows}
    for row in example.rows:
        assert _comparable(row) == seed[row.indicator]


def test_csv_errors_name_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text(
        "indicator,period,value,rag,national_quartile\n"
        "Good thing,2023/24 Q1,12.5%,Green,1\n"
        "Bad value,2023/24 Q1,lots,Purple,7\n"
        ",2023/24 Q1,3,,\n"
        "No period,,n/a,,\n",
        encoding="utf-8",
    )
    result = read_indicator_csv(path)
    assert [r.indicator for r in result.rows] == ["Good thing", "Bad value"]
    assert result.rows[0].value == 12.5 and result.rows[0].rag == "G"
    assert result.rows[0].key == "good thing"
    assert result.rows[1].value is None
    assert result.warnings == [
        "own.csv row 3, column 'value': could not parse number 'lots'",
        "own.csv row 3, column 'rag': unknown RAG 'Purple'",
        "own.csv row 3, column 'national_quartile': quartile must be 1-4, got '7'",
        "own.csv row 4, column 'indicator': required value is empty",
        "own.csv row 5, column 'period': required value is empty",
    ]
    assert [n for n, _ in result.raw_lines] == [4, 5]


def test_csv_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text("indicator,value\nX,1\n", encoding="utf-8")
    result = read_indicator_csv(path)
    assert result.rows == []
    assert result.warnings == ["own.csv row 1: missing required column(s): ['period']"]


def test_csv_columns_are_indicator_fields() -> None:
    assert CSV_COLUMNS[0] == "indicator"
    assert {"line_no", "raw", "extra"}.isdisjoint(CSV_COLUMNS)
    assert {"key", "value", "unit", "rag", "sn_average", "target", "note"} <= set(CSV_COLUMNS)


def test_extra_keeps_cells_as_written(results: dict) -> None:
    assert _by_line(results[F000])[22].extra == {"bracket_percent": 33.0}
    assert _by_line(results[F004])[36].extra == {"rag_text": "a la"}
    assert _by_line(results[F004])[3].extra == {"direction_text": "Lower (high is good)"}
    assert _by_line(results[F001])[43].extra == {"updated": "Y"}
    assert _by_line(results[F002])[138].extra == {"frequency": "Quarter"}


# Errors a user can cause -------------------------------------------------------------------


def _binary_file(tmp_path: Path) -> Path:
    path = tmp_path / "scan.txt"
    path.write_bytes(b"%PDF-1.4\x00\x01\x02")
    return path


def _voice_with_empty_period() -> None:
    compute_voice_indicator(None, "")  # type: ignore[arg-type]  # refused before the store is used


USER_ERRORS = {
    "bad period": (lambda tmp: parse_period("2017 Q5"), "not a period"),
    "years that do not follow": (lambda tmp: parse_period("2017/19 Q1"), "years must follow"),
    "previous of a non-period": (lambda tmp: previous_period("soon"), "not a period"),
    "unknown label": (lambda tmp: parse_label("brilliant"), "unknown label"),
    "bad age": (lambda tmp: parse_age("old"), "not an age"),
    "age out of range": (lambda tmp: parse_age("40"), "not an age"),
    "bad date": (lambda tmp: parse_date("tomorrow"), "not a date"),
    "folder as dashboard": (lambda tmp: read_indicators(tmp), "is a folder, not a file"),
    "folder as csv": (lambda tmp: read_indicator_csv(tmp), "is a folder, not a file"),
    "folder as report": (lambda tmp: read_report_text(tmp), "is a folder, not a file"),
    "folder as indicator file": (lambda tmp: read_indicator_file(tmp), "is a folder, not a file"),
    "folder as seed": (lambda tmp: read_seed_appendix(tmp), "is a folder, not a file"),
    "binary seed": (lambda tmp: read_seed_appendix(_binary_file(tmp)), "binary file"),
    "unknown label counted": (
        lambda tmp: voice_indicator_from_labels(["good", "brilliant"], "2017/18 Q1", None),
        "unknown label",
    ),
    "voice indicator without period": (
        lambda tmp: _voice_with_empty_period(),
        "a period is needed",
    ),
}


@pytest.mark.parametrize("case", USER_ERRORS, ids=list(USER_ERRORS))
def test_user_errors_are_voice_errors(case: str, tmp_path: Path) -> None:
    call, message = USER_ERRORS[case]
    with pytest.raises(InputError, match=message) as info:
        call(tmp_path)
    assert isinstance(info.value, VoiceError)
    assert isinstance(info.value, ValueError)  # older `except ValueError` callers keep working


def test_typed_path_that_does_not_exist_stays_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_indicator_file(tmp_path / "nope.txt")


def test_file_of_unknown_layout_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = _binary_file(tmp_path)
    result = read_indicators(path)
    assert (result.layout, result.rows) == ("unknown", [])
    assert result.warnings == ["scan.txt: no recognisable indicator dashboard found"]
