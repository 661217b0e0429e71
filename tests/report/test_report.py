"""The "Voice of the Child" appendix: seed style, redaction hooks, DOCX/CSV/XLSX, audit, CLI."""

from __future__ import annotations

import csv
import io
import re
import sys
import types

import pytest
from conftest import clear_concern_flags, seed
from typer.testing import CliRunner

from voice.cli import app
from voice.demo import load_demo
from voice.ingest.seed_appendix import read_seed_appendix
from voice.records import LABEL_HEADINGS, MODEL, Quote, Tag
from voice.report import (
    ReportQuote,
    appendix_docx,
    appendix_markdown,
    appendix_table,
    build_appendix,
    export_appendix,
    select_quotes,
)
from voice.report._appendix import PROPOSED_MARK

CP = "Children's Rights Service: Child Protection"
PERIOD = "2017/18 Q1"
runner = CliRunner()


def _straight(text: str) -> str:
    return text.replace("\u2019", "'")


def seed_blocks() -> tuple[list[str], dict[str, list[str]]]:
    """The seed appendix's CP section as written: its non-empty lines, and quote lines per heading."""
    lines = [ln.strip() for ln in seed("000").read_text(encoding="utf-8").splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if "Summary of views/themes" in ln)
    end = next(i for i, ln in enumerate(lines) if ln.startswith("Evidence of children and families voice"))
    section = lines[start:end]
    per_heading: dict[str, list[str]] = {}
    current = None
    for ln in section:
        if _straight(ln) in LABEL_HEADINGS.values():
            current = _straight(ln)
            per_heading[current] = []
        elif current:
            per_heading[current].append(ln)
    return section, per_heading


def seed_items() -> list[ReportQuote]:
    """The nine labelled seed quotes in document order."""
    appendix = read_seed_appendix(seed("000"))
    labels = {t.quote_id: t.label for t in appendix.tags}
    return [ReportQuote(q, labels[q.id]) for q in appendix.quotes if q.id in labels]


def md_lines(markdown: str) -> list[str]:
    """Non-empty lines with heading marks and Markdown escapes removed."""
    out = []
    for ln in markdown.splitlines():
        if ln.strip():
            out.append(re.sub(r"\\(.)", r"\1", re.sub(r"^#+ ", "", ln)))
    return out


def test_markdown_reproduces_the_seed_appendix_line_by_line():
    section, _ = seed_blocks()
    md = appendix_markdown(seed_items(), with_counts=False)
    lines = md_lines(md)
    assert lines[0] == "**OFFICIAL-SENSITIVE**"  # the protective marking first, as on every page of the DOCX
    assert lines[1] == f"Voice of the Child — {CP}, {PERIOD}"
    assert re.fullmatch(r"Made \d{1,2} [A-Z][a-z]+ \d{4}\.", lines[2])
    assert [_straight(x) for x in lines[3:]] == [_straight(x) for x in section]
    assert "## Children's Rights Service: Child Protection - Summary of views/themes Q1 2017/2018" in md
    for heading in LABEL_HEADINGS.values():
        assert f"\n### {heading}\n" in md


def test_markdown_from_the_store_has_the_nine_quotes_under_the_right_headings(store):
    appendix = read_seed_appendix(seed("000"))
    store.add_quotes(appendix.quotes, appendix.tags)
    items = select_quotes(store, [PERIOD], sources=[CP])
    assert len(items) == 9  # the 7 untagged SLF quotes are not in an appendix
    md = appendix_markdown(items)
    assert "9 quotes tagged by people: 2 good, 3 don't know, 4 not so good." in md
    _, expected = seed_blocks()
    found: dict[str, list[str]] = {}
    current = None
    for ln in md_lines(md):
        if ln in LABEL_HEADINGS.values():
            current = ln
            found[current] = []
        elif current:
            found[current].append(ln)
    assert list(found) == list(expected)  # What's good?, Don't know, What's not so good?
    for heading, quotes in expected.items():
        assert sorted(found[heading]) == sorted(quotes), heading


def test_docx_opens_and_holds_headings_and_quotes_in_italics():
    from docx import Document

    data = appendix_docx(seed_items())
    doc = Document(io.BytesIO(data))
    headings = [
        (p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == ("Title", f"Voice of the Child — {CP}, {PERIOD}")
    assert ("Heading 1", f"{CP} - Summary of views/themes Q1 2017/2018") in headings
    assert [t for s, t in headings if s == "Heading 2"] == list(LABEL_HEADINGS.values())
    quotes = [p for p in doc.paragraphs if p.text.startswith("\u201c")]
    assert len(quotes) == 9
    first = quotes[0]
    assert first.runs[0].italic and first.runs[0].text.startswith("\u201cThe social workers listen")
    assert first.text.endswith("\u201d Female, 15")
    assert doc.core_properties.title == f"Voice of the Child — {CP}, {PERIOD}"


def test_text_transform_and_attribution_are_applied_to_every_quote():
    items = seed_items()
    seen: list[str] = []

    def redact(text: str) -> str:
        seen.append(text)
        return f"REDACTED-{len(seen)}"

    built = build_appendix(items, text_transform=redact, attribution=lambda q: f"{q.gender}, teen")
    assert sorted(seen) == sorted(i.quote.text for i in items)
    md = appendix_markdown(items, text_transform=lambda t: "[gone]", attribution=lambda q: "Young person")
    docx = appendix_docx(items, text_transform=lambda t: "[gone]", attribution=lambda q: "Young person")
    table = appendix_table(
        items, "csv", text_transform=lambda t: "[gone]", attribution=lambda q: "Young person"
    )
    for item in items:
        fragment = item.quote.text[:30]
        assert fragment not in md and fragment.encode() not in table
        assert fragment not in _docx_text(docx)
    assert md.count("\u201c[gone]\u201d Young person") == 9
    assert _docx_text(docx).count("\u201c[gone]\u201d Young person") == 9
    rows = list(csv.DictReader(io.StringIO(table.decode("utf-8-sig"))))
    assert {r["text"] for r in rows} == {"[gone]"} and {r["attribution"] for r in rows} == {"Young person"}
    assert "age" not in rows[0] and "gender" not in rows[0]  # raw attributions never leave
    entries = [e for s in built.sections for g in s.groups for es in g.entries.values() for e in es]
    assert {e.attribution for e in entries} == {"Female, teen", "Male, teen"}


def _docx_text(data: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_classes_themes_and_counts():
    items = seed_items()
    themes = {i.quote.id: ("being listened to" if "listen" in i.quote.text else None) for i in items}
    themed = [ReportQuote(i.quote, i.label, theme=themes[i.quote.id]) for i in items]
    md = appendix_markdown(themed, show_themes=True, count_text=lambda n: "<5" if n < 5 else str(n))
    assert md.index("### being listened to") < md.index("### Other")
    assert "#### What's good?" in md
    assert md.count("quotes tagged by people") == 1  # counts stated once, not again under every theme
    assert "9 quotes tagged by people: <5 good, <5 don't know, <5 not so good." in md
    only_bad = appendix_markdown(items, classes=["not_so_good"])
    assert "What's not so good?" in only_bad and "What's good?" not in only_bad
    assert "4 quotes tagged by people: 4 not so good." in only_bad
    with pytest.raises(ValueError, match="unknown class"):
        build_appendix(items, classes=["great"])
    empty = appendix_markdown([], periods=[PERIOD])
    assert "No quotes were chosen" in empty


def test_several_periods_and_sources_from_the_demo_set(store):
    load_demo(store)
    items = select_quotes(store, ["2017/18 Q4", "2017/18 Q3"], classes=["good", "not_so_good"])
    built = build_appendix(items)
    assert built.title == "Voice of the Child — 2017/18 Q3 to 2017/18 Q4"
    assert {s.source for s in built.sections} == {
        CP,
        "Children in Care Council",
        "Care leavers",
        "Early Help families",
    }
    assert all(s.heading.endswith("Q3 2017/2018 to Q4 2017/2018") for s in built.sections)
    assert built.counts["unsure"] == 0 and built.total == len(items) > 60
    q3 = next(i.quote.id for i in items if i.quote.period == "2017/18 Q3")
    q4 = next(i.quote.id for i in items if i.quote.period == "2017/18 Q4")
    picked = select_quotes(store, ["2017/18 Q4"], quote_ids={q3, q4})
    assert [i.quote.id for i in picked] == [q4]  # the report writer's pick, within the period


@pytest.mark.parametrize("suffix", [".md", ".docx", ".csv", ".xlsx"])
def test_every_export_writes_an_audit_entry(store, tmp_path, suffix):
    appendix = read_seed_appendix(seed("000"))
    store.add_quotes(appendix.quotes, appendix.tags)
    items = select_quotes(store, [PERIOD])
    out = tmp_path / f"appendix{suffix}"
    export_appendix(store, items, out, "A. Writer", text_transform=str.upper)
    assert out.exists() and out.stat().st_size > 0
    entry = store.audit_log(limit=1)[0]
    assert entry["who"] == "A. Writer" and entry["action"] == "export"
    assert "9 quotes" in entry["detail"] and out.name in entry["detail"]
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(out).active
        texts = [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]
        assert len(texts) == 9 and all(t == t.upper() for t in texts)


def test_export_rejects_an_unknown_type_and_writes_nothing(store, tmp_path):
    with pytest.raises(ValueError, match="unsupported output type"):
        export_appendix(store, seed_items(), tmp_path / "a.pdf", "me", text_transform=str)
    assert store.audit_log() == []


# -- the CLI -------------------------------------------------------------------------------------


def fake_redact(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    module = types.ModuleType("voice.privacy._redact")
    module.redact_text = lambda text: text.replace("Hartley", "[staff name]").replace(
        "N starts", "[name] starts"
    )
    monkeypatch.setitem(sys.modules, "voice.privacy._redact", module)


def test_cli_appendix_for_the_seed_period(voice_home, tmp_path, monkeypatch):
    fake_redact(monkeypatch)
    assert runner.invoke(app, ["import-seed", str(seed("000"))]).exit_code == 0
    clear_concern_flags(voice_home)  # detect-7 holds some seed quotes until an officer reviews them
    out = tmp_path / "appendix.md"
    r = runner.invoke(app, ["appendix", "--period", "Q1 2017/2018", "-o", str(out), "--by", "A. Writer"])
    assert r.exit_code == 0, r.output
    assert "9 quotes tagged by people: 2 good, 3 don't know, 4 not so good, redacted" in r.output
    md = out.read_text(encoding="utf-8")
    assert "When [name] starts talking" in md and "When N starts" not in md
    assert md.count("\u201c") == 9
    from voice.store import Store

    entry = Store(f"sqlite:///{voice_home / 'voice.db'}").audit_log(limit=1)[0]
    assert (entry["who"], entry["action"]) == ("A. Writer", "export")
    r = runner.invoke(app, ["appendix", "--period", PERIOD, "--label", "What's not so good?", "-o", str(out)])
    assert r.exit_code == 0 and "4 quotes tagged by people: 4 not so good" in r.output


def test_cli_appendix_errors_are_clear(voice_home, tmp_path, monkeypatch):
    fake_redact(monkeypatch)
    runner.invoke(app, ["import-seed", str(seed("000"))])
    r = runner.invoke(app, ["appendix", "--period", "2015/16 Q1", "-o", str(tmp_path / "a.md")])
    assert r.exit_code == 1 and "no quotes labelled" in r.output
    r = runner.invoke(app, ["appendix", "--period", PERIOD, "-o", str(tmp_path / "a.pdf")])
    assert r.exit_code == 1 and "unsupported output type '.pdf'" in r.output
    r = runner.invoke(app, ["appendix", "--period", "2017 Q1", "-o", str(tmp_path / "a.md")])
    assert r.exit_code == 1 and "not a period" in r.output


def test_cli_appendix_refuses_to_export_without_redaction(voice_home, tmp_path, monkeypatch):
    runner.invoke(app, ["import-seed", str(seed("000"))])
    monkeypatch.setitem(
        sys.modules, "voice.privacy._redact", None
    )  # as if voice/privacy/_redact.py did not exist
    out = tmp_path / "a.docx"
    r = runner.invoke(app, ["appendix", "--period", PERIOD, "-o", str(out)])
    assert r.exit_code == 1 and "redaction is not available" in r.output
    assert not out.exists()
    from voice.store import Store

    assert all(e["action"] != "export" for e in Store(f"sqlite:///{voice_home / 'voice.db'}").audit_log())


def test_cli_appendix_with_the_real_redactor_hides_planted_names(voice_home, tmp_path):
    pytest.importorskip("voice.privacy._redact", reason="voice/privacy/_redact.py is built by another room")
    from voice.demo import load_demo
    from voice.store import Store

    load_demo(Store(f"sqlite:///{voice_home / 'voice.db'}"))
    out = tmp_path / "cp.docx"
    r = runner.invoke(app, ["appendix", "--period", "2016/17 Q4", "--source", CP, "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = _docx_text(out.read_bytes())
    assert "I'm happier at home and I told" in text
    assert "Hartley" not in text and "Oakfield" not in text


def test_quote_attribution_default_is_the_seed_style():
    assert Quote("x", gender="Female", age=15).attribution == "Female, 15"
    item = ReportQuote(
        Quote("It helps.", source="Care leavers", period=PERIOD, gender="Male", age=19), "good"
    )
    assert "\u201cIt helps.\u201d Male, 19" in appendix_markdown([item])


# -- people's tags, and the model's proposals only when asked for, marked ---------------------------

SLF = "Supporting Leicestershire Families"


def seed_with_proposals(store) -> list[str]:  # type: ignore[no-untyped-def]
    """Seed 000 (nine people's tags) plus a model proposal for each of its seven untagged quotes."""
    appendix = read_seed_appendix(seed("000"))
    store.add_quotes(appendix.quotes, appendix.tags)
    tagged = {t.quote_id for t in appendix.tags}
    untagged = [q.id for q in appendix.quotes if q.id not in tagged]
    labels = ["good"] * 4 + ["not_so_good"] * 3
    store.add_tags(
        Tag(quote_id=qid, label=label, who="model", origin=MODEL, model_version="t")
        for qid, label in zip(untagged, labels, strict=True)
    )
    return untagged


def test_appendix_has_people_tags_only_unless_proposals_are_asked_for(store):
    proposed_ids = seed_with_proposals(store)
    assert len(proposed_ids) == 7
    people = select_quotes(store, [PERIOD])
    assert len(people) == 9 and not any(i.proposed for i in people)
    assert not {i.quote.id for i in people} & set(proposed_ids)
    md = appendix_markdown(people)
    assert PROPOSED_MARK not in md and "9 quotes tagged by people: 2 good" in md

    both = select_quotes(store, [PERIOD], include_proposals=True)
    assert len(both) == 16 and {i.quote.id for i in both if i.proposed} == set(proposed_ids)
    md = appendix_markdown(both)
    assert md.count(PROPOSED_MARK) == 7
    assert "16 quotes (9 tagged by people, 7 proposed by the model, not checked): 6 good" in md
    assert "7 quotes (0 tagged by people, 7 proposed by the model, not checked)" in md  # SLF section
    slf_quotes = [ln for ln in md.splitlines() if ln.startswith("\u201c") and PROPOSED_MARK in ln]
    assert len(slf_quotes) == 7
    docx = _docx_text(appendix_docx(both))
    assert docx.count(PROPOSED_MARK) == 7 and "9 tagged by people, 7 proposed by the model" in docx
    rows = list(csv.DictReader(io.StringIO(appendix_table(both, "csv").decode("utf-8-sig"))))
    by = {r["id"]: r["label_by"] for r in rows}  # tables carry keyed export ids
    from voice.privacy import export_id

    proposed_export_ids = {export_id(q) for q in proposed_ids}
    assert {by[q] for q in proposed_export_ids} == {"model proposal"}
    assert [v for k, v in by.items() if k not in proposed_export_ids] == ["person"] * 9


def test_xlsx_export_says_whose_label(store, tmp_path):
    from openpyxl import load_workbook

    seed_with_proposals(store)
    out = tmp_path / "a.xlsx"
    export_appendix(
        store, select_quotes(store, [PERIOD], include_proposals=True), out, "me", text_transform=str
    )
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    column = [row[header.index("label_by")] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert sorted(column) == ["model proposal"] * 7 + ["person"] * 9


def test_cli_appendix_leaves_proposals_out_unless_asked(voice_home, tmp_path, monkeypatch):
    from voice.store import Store

    fake_redact(monkeypatch)
    store = Store(f"sqlite:///{voice_home / 'voice.db'}")
    seed_with_proposals(store)
    out = tmp_path / "a.md"
    r = runner.invoke(app, ["appendix", "--period", PERIOD, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "9 quotes tagged by people: 2 good" in r.output
    md = out.read_text(encoding="utf-8")
    assert PROPOSED_MARK not in md and md.count("\u201c") == 9 and SLF not in md
    r = runner.invoke(app, ["appendix", "--period", PERIOD, "--include-proposals", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "16 quotes (9 tagged by people, 7 proposed by the model, not checked)" in r.output
    md = out.read_text(encoding="utf-8")
    assert md.count(PROPOSED_MARK) == 7 and md.count("\u201c") == 16
    table = tmp_path / "a.csv"
    r = runner.invoke(app, ["appendix", "--period", PERIOD, "--include-proposals", "-o", str(table)])
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
    assert sorted(r["label_by"] for r in rows) == ["model proposal"] * 7 + ["person"] * 9
    r = runner.invoke(app, ["appendix", "--period", PERIOD, "--source", SLF, "-o", str(out)])
    assert r.exit_code == 1 and "no quotes labelled good, unsure, not_so_good by people" in r.output
