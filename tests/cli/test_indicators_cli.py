"""`voice indicators` end to end: the real seed dashboards, a real SQLite database, the real CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import ROOT, clear_concern_flags, seed
from typer.testing import CliRunner

from voice.cli import app
from voice.cli.indicators import trend_rows, write_indicators
from voice.errors import InputError, NotFoundError, VoiceError
from voice.store import Store

runner = CliRunner()
CP_REVIEWS = "% child protection cases which were reviewed within timescales"
EXPECTED_ROWS = {"000": 51, "001": 38, "002": 25, "003": 32, "004": 42}


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def db(voice_home: Path) -> Store:
    return Store(f"sqlite:///{voice_home / 'voice.db'}")


def import_all() -> None:
    r = run("indicators", "import", *(seed(p) for p in EXPECTED_ROWS))
    assert r.exit_code == 0, r.output


def show_json(*args: object) -> list[dict]:
    r = run("indicators", "show", "--format", "json", *args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.mark.parametrize(("prefix", "n"), EXPECTED_ROWS.items())
def test_import_each_seed_then_again_adds_nothing(voice_home: Path, prefix: str, n: int) -> None:
    r = run("indicators", "import", seed(prefix))
    assert r.exit_code == 0, r.output
    assert f"{n} rows parsed, 0 kept raw" in r.stdout
    assert f"added {n} rows (0 already stored)" in r.stdout
    r = run("indicators", "import", seed(prefix))
    assert f"added 0 rows ({n} already stored)" in r.stdout
    assert len(db(voice_home).indicators()) == n


def test_import_reports_lines_and_warnings_with_file_and_line(voice_home: Path) -> None:
    r = run("indicators", "import", seed("000"))
    assert "139 lines read, 51 rows parsed" in r.stdout
    assert "warning: 000_5feb690b17561cdb.txt line 51: could not parse RAG '1'" in r.stderr


def test_file_without_dashboard_is_zero_rows_not_an_error(voice_home: Path, tmp_path: Path) -> None:
    f = tmp_path / "minutes.txt"
    f.write_text("Minutes of the meeting.\nNothing to report.\n", encoding="utf-8")
    r = run("indicators", "import", f)
    assert r.exit_code == 0, r.output
    assert "minutes.txt: 0 indicator rows found" in r.stdout
    assert "no recognisable indicator dashboard" in r.stderr
    r = run("indicators", "import", ROOT / "corpus" / "examples" / "quotes.csv")  # not an indicator CSV
    assert r.exit_code == 1 and "quotes.csv row 1: missing required column" in r.stderr
    assert db(voice_home).indicators() == []


def test_missing_file_is_one_line_error(voice_home: Path, tmp_path: Path) -> None:
    r = run("indicators", "import", tmp_path / "nope.txt")
    assert r.exit_code == 1 and "no such file" in r.stderr and "Traceback" not in r.output


def test_folder_given_as_file_is_one_line_error(voice_home: Path, tmp_path: Path) -> None:
    for folder in (tmp_path / "dashboards", tmp_path / "looks-like.csv"):
        folder.mkdir()
        r = run("indicators", "import", folder)
        assert r.exit_code == 1 and "is a folder, not a file" in r.stderr and "Traceback" not in r.output
        r = run("import-seed", folder)
        assert r.exit_code == 1 and "is a folder, not a file" in r.stderr and "Traceback" not in r.output


def test_indicator_command_errors_are_voice_errors(store: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no indicator matches") as info:
        trend_rows(store, "no such indicator")
    assert isinstance(info.value, VoiceError) and isinstance(info.value, KeyError)
    with pytest.raises(InputError, match="unsupported output type"):
        write_indicators([], tmp_path / "rows.pdf")


def test_cp_reviews_line_up_as_one_trend(voice_home: Path) -> None:
    for p in ("000", "003", "004"):
        run("indicators", "import", seed(p))
    r = run("indicators", "trend", CP_REVIEWS + " (low = good)", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [(x["period"], x["value"]) for x in rows] == [
        ("2017/18 Q1", 99.0),
        ("2017/18 Q2", 97.2),
        ("2019/20 Q1", 94.7),
    ]
    assert {x["key"] for x in rows} == {CP_REVIEWS}
    # a substring of the key finds the same rows; the table format works too
    r = run("indicators", "trend", "REVIEWED WITHIN timescales", "--format", "csv")
    assert [x["value"] for x in csv.DictReader(r.stdout.splitlines())] == ["99.0", "97.2", "94.7"]
    assert run("indicators", "trend", "reviewed within").exit_code == 0


def test_trend_across_all_five_seeds_includes_the_reworded_report(voice_home: Path) -> None:
    import_all()
    rows = json.loads(run("indicators", "trend", CP_REVIEWS, "--format", "json").stdout)
    assert [(x["period"], x["value"]) for x in rows] == [
        ("2016/17 Q2", 98.6),
        ("2017/18 Q1", 99.0),
        ("2017/18 Q2", 97.2),
        ("2019/20 Q1", 94.7),
        ("2022/23 Q2", 77.6),
    ]


def test_trend_errors(voice_home: Path) -> None:
    import_all()
    r = run("indicators", "trend", "no such indicator anywhere")
    assert r.exit_code == 1 and "no indicator matches" in r.stderr
    r = run("indicators", "trend", "child protection")
    assert r.exit_code == 1 and "be more specific" in r.stderr and "Traceback" not in r.output


def test_ocr_and_bracketed_count_rows_read_right_through_show(voice_home: Path) -> None:
    import_all()
    rows = show_json("--period", "2019/20 Q1", "--key-contains", "eligible 2 year olds")
    assert len(rows) == 1  # 004 line 34 is written "Γhe % of eligible 2 year olds ..."
    ocr = rows[0]
    assert ocr["indicator"] == "The % of eligible 2 year olds taking up their FEEE"
    assert (ocr["value"], ocr["unit"], ocr["rag"]) == (72.0, "%", "A")
    assert ocr["source_document"].startswith("004_")
    [cp] = show_json("--period", "Q2 2017/2018", "--key-contains", "reviewed within")
    assert (cp["value"], cp["unit"], cp["count"], cp["rag"]) == (97.2, "%", 364.0, "A")
    assert cp["national_quartile"] == 2 and cp["sn_average"] == 94.0
    for column in ("indicator", "period", "period_label", "polarity", "target", "note", "key"):
        assert column in cp


def test_show_filters_and_formats(voice_home: Path) -> None:
    import_all()
    reds = show_json("--rag", "R")
    assert reds and {x["rag"] for x in reds} == {"R"}
    periods = [x["period"] for x in show_json()]
    assert periods[0] == "2016/17 Q2" and periods[-1] == "2022/23 Q2"  # time order
    [appendix] = show_json("--period", "2017/18 Q1", "--key-contains", "evidence of positive impact")
    assert (appendix["value"], appendix["note"]) == (None, "See Appendix")
    r = run("indicators", "show", "--period", "2017/18 Q1")
    assert r.exit_code == 0 and "51 indicator rows" in r.stdout
    r = run("indicators", "show", "--period", "2017/18 Q9")
    assert r.exit_code == 1 and "not a period" in r.stderr
    assert run("indicators", "show", "--rag", "X").exit_code != 0


def test_canonical_csv_round_trip(voice_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import_all()
    out = tmp_path / "indicators.csv"
    r = run("indicators", "export", out)
    assert r.exit_code == 0 and "wrote 188 indicator rows" in r.stdout
    before = sorted(db(voice_home).indicators(), key=lambda i: (i.period, i.source_document, i.key))
    fresh = tmp_path / "fresh-home"
    monkeypatch.setenv("VOICE_HOME", str(fresh))
    r = run("indicators", "import", out)
    assert r.exit_code == 0, r.output
    assert "added 188 rows" in r.stdout
    assert r.stderr == ""
    after = sorted(db(fresh).indicators(), key=lambda i: (i.period, i.source_document, i.key))
    assert after == before
    r = run("indicators", "import", out)
    assert "added 0 rows (188 already stored)" in r.stdout


def test_export_period_json_and_xlsx(voice_home: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    import_all()
    j = tmp_path / "q1.json"
    assert run("indicators", "export", j, "--period", "2017/18 Q1").exit_code == 0
    rows = json.loads(j.read_text("utf-8"))
    assert len(rows) == 51 and {r["period"] for r in rows} == {"2017/18 Q1"}
    x = tmp_path / "all.xlsx"
    assert run("indicators", "export", x).exit_code == 0
    ws = load_workbook(x)["indicators"]
    assert ws.max_row == 189 and ws.cell(1, 1).value == "indicator"
    r = run("indicators", "export", tmp_path / "out.pdf")
    assert r.exit_code == 1 and "unsupported output type" in r.stderr


def test_voice_command_on_seed_000(voice_home: Path) -> None:
    run("import-seed", seed("000"))
    clear_concern_flags(voice_home)  # detect-7 holds some seed quotes until an officer reviews them
    r = run("indicators", "voice", "--period", "2017/18 Q1")
    assert r.exit_code == 0, r.output
    assert "good 22% (2 of 9), unsure 33% (3 of 9), not so good 44% (4 of 9)" in r.stdout
    assert "9 tagged by people, 0 proposed by the model (not yet checked), 7 untagged" in r.stdout
    assert "RAG: R" in r.stdout
    [row] = json.loads(run("indicators", "voice", "--format", "json").stdout)  # latest period
    assert (row["period"], row["good"], row["n_untagged"], row["direction"]) == (
        "2017/18 Q1",
        2,
        7,
        "no previous data",
    )
    run("import", ROOT / "corpus" / "examples" / "quotes.csv")
    rows = json.loads(run("indicators", "voice", "--all", "--format", "json").stdout)
    assert [(x["period"], x["direction"], x["rag"]) for x in rows] == [
        ("2017/18 Q1", "no previous data", "R"),
        ("2017/18 Q2", "better", None),
    ]
    r = run("indicators", "voice", "--period", "2017/18 Q1", "--source", "Supporting Leicestershire Families")
    assert "no quotes tagged by people" in r.stdout and "0 tagged by people" in r.stdout
    assert "7 untagged" in r.stdout and "RAG: none (no quote is tagged by people)" in r.stdout


def test_voice_command_gives_no_rag_for_a_quarter_only_the_model_labelled(
    voice_home: Path, tmp_path: Path
) -> None:
    from voice.records import MODEL, Tag

    quotes = tmp_path / "q.csv"
    lines = ["text,period,source"] + [f"quote number {i},2017/18 Q3,Care leavers" for i in range(12)]
    quotes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run("import", quotes).exit_code == 0
    store = db(voice_home)
    labels = ["unsure"] * 5 + ["not_so_good"] * 4 + ["good"] * 2  # 11 proposals, one quote left
    ids = [q.id for q in store.quotes(period="2017/18 Q3")]
    store.add_tags(
        Tag(quote_id=qid, label=label, who="model", origin=MODEL, model_version="t")
        for qid, label in zip(ids, labels, strict=False)
    )
    r = run("indicators", "voice", "--period", "2017/18 Q3", "--format", "json")
    assert r.exit_code == 0, r.output
    [row] = json.loads(r.stdout)
    assert (row["people_tagged"], row["model_proposed"], row["n_untagged"]) == (0, 11, 1)
    assert (row["rag"], row["direction"], row["pct_good"], row["good"]) == (None, None, None, 0)
    assert row["rag_note"].startswith("no quote is tagged by people; 11 proposed by the model")
    assert row["provisional_shares_from_proposals"] == {"good": 18.2, "unsure": 45.5, "not_so_good": 36.4}
    table = run("indicators", "voice", "--period", "2017/18 Q3")
    assert "0 tagged by people, 11 proposed by the model (not yet checked), 1 untagged" in table.stdout
    assert "provisional, not counted: proposed by the model, not yet checked: good 18%" in table.stdout
    assert "RAG: none (no quote is tagged by people" in table.stdout
    [csv_row] = csv.DictReader(
        run("indicators", "voice", "--period", "2017/18 Q3", "--format", "csv").stdout.splitlines()
    )
    assert (csv_row["people_tagged"], csv_row["model_proposed"], csv_row["rag"]) == ("0", "11", "")


def test_voice_command_without_quotes(voice_home: Path) -> None:
    r = run("indicators", "voice")
    assert r.exit_code == 1 and "no quotes" in r.stderr


def test_help_on_every_subcommand() -> None:
    for cmd in ("import", "show", "export", "trend", "voice"):
        r = run("indicators", cmd, "--help")
        assert r.exit_code == 0 and "Usage" in r.output


def test_report_paragraphs_of_002_are_kept_as_report_text(voice_home):
    from conftest import seed as seed_file
    from typer.testing import CliRunner

    from voice.cli import app
    from voice.store import Store

    r = CliRunner().invoke(app, ["indicators", "import", str(seed_file("002"))])
    assert r.exit_code == 0, r.output
    # 42 numbered paragraphs; 40 distinct: 39/40 are both "None." and 41/42 repeat the
    # equalities paragraph word for word, and a note is stored once per text and period.
    assert "42 report paragraphs kept as report text for 2022/23 Q2 (40 added)" in r.output
    notes = Store(f"sqlite:///{voice_home / 'voice.db'}").notes(period="2022/23 Q2")
    assert len(notes) == 40
    assert any("77.6%" in n.text and n.heading == "report paragraph 8" for n in notes)
    r = CliRunner().invoke(app, ["indicators", "import", str(seed_file("002"))])
    assert "(0 added)" in r.output


def test_show_fits_an_80_column_terminal_and_pipes_as_csv_or_json(voice_home, monkeypatch) -> None:
    from voice.cli._util import console

    monkeypatch.setattr(console, "_width", 80)
    import_all()
    r = run("indicators", "show", "--period", "2017/18 Q1")
    assert r.exit_code == 0
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    assert "99.0%" in r.stdout and "--format csv or json" in r.stdout
    rows = list(
        csv.DictReader(
            run("indicators", "show", "--period", "2017/18 Q1", "--format", "csv").stdout.splitlines()
        )
    )
    assert len(rows) == 51 and {"national_quartile", "sn_average", "source_document"} <= set(rows[0])
    assert (
        len(json.loads(run("indicators", "show", "--period", "2017/18 Q1", "--format", "json").stdout)) == 51
    )
