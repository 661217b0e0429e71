"""Speaker fields never carry a name out (docs/PRIVACY.md, "Ids and speakers").

A quote file whose speakers are written "Jake 15", "Olivia Bennett, Female, 14" and
"Mum (Sarah)" is imported through the real CLI; every way quotes leave Voice (export, appendix
as Markdown, DOCX and CSV, ``voice themes`` as JSON, Markdown and file output, and the app's
Themes page as a scrutiny member sees it) is read back and searched for the names.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from test_app import all_text, db, demo_home, demo_template, open_app  # noqa: F401  (fixtures)
from typer.testing import CliRunner

from voice.cli import app
from voice.privacy import coarsen_attributions, safe_speaker
from voice.records import Quote

runner = CliRunner()
PERIOD = "2017/18 Q1"
NAMES = ("Jake", "Olivia", "Bennett", "Sarah")
SPEAKERS = ("Jake 15", "Olivia Bennett, Female, 14", "Mum (Sarah)")
TEXTS = (
    "My social worker listens to me and helps me a lot.",
    "The meetings are too long and boring.",
    "I like the activities at the youth club.",
    "Nobody told me what was happening with my case.",
    "I feel safe where I live now.",
    "I get to see my brother every week which is good.",
    "I don't know what the plan is for me.",
    "The review was helpful because they asked what I wanted.",
    "I keep getting a new worker and I hate it.",
    "Help came quickly when we needed it.",
    "School is better since we moved.",
    "They never call back when I ring them.",
    "My foster carers are kind to me.",
    "I want more say in my contact arrangements.",
    "The group sessions helped me make friends.",
)
LABELS = ("good", "not_so_good", "good", "not_so_good", "good", "good", "unsure", "good")


def run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def quote_file(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "speaker", "source", "period", "label"])
        for i, text in enumerate(TEXTS):
            w.writerow([text, SPEAKERS[i % 3], "Children in Care Council", PERIOD, LABELS[i % len(LABELS)]])
    return path


def names_in(text: str) -> list[str]:
    return [n for n in NAMES if re.search(rf"\b{n}\b", text)]


def docx_text(data: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


@pytest.mark.parametrize(
    ("written", "safe"),
    [
        ("Jake 15", "15"),
        ("Olivia Bennett, Female, 14", "Female, 14"),
        ("Mum (Sarah)", "Mum"),
        ("Female, 15", "Female, 15"),
        ("Mum of child, 9", "Mum of child, 9"),
        ("care leaver, 19", "Care leaver, 19"),
        ("parent/carer", "Parent/carer"),
        ("Social worker Debbie", ""),
        ("Lives in Coalville, 12", "12"),
    ],
)
def test_safe_speaker_keeps_gender_role_and_age_only(written: str, safe: str) -> None:
    from voice.ingest.fields import parse_speaker

    gender, age = parse_speaker(written)
    assert safe_speaker(Quote("x", gender=gender, age=age, speaker=written)) == safe
    assert safe_speaker(written) == safe


def test_coarsening_never_shows_a_name_even_to_officers() -> None:
    quotes = [Quote(f"q{i}", period=PERIOD, gender="Jake 15", speaker="Jake 15") for i in range(6)]
    for role in ("officer", "report_writer", "scrutiny"):
        assert set(coarsen_attributions(quotes, role).values()) == {"15"}, role


def test_no_export_carries_a_name_from_the_speaker_field(voice_home: Path, tmp_path: Path) -> None:
    r = run("import", quote_file(tmp_path / "quotes.csv"))
    assert r.exit_code == 0 and "added 15 quotes" in r.output, r.output
    out: dict[str, str] = {}
    for name, args in {
        "export.csv": [],
        "export-raw.csv": ["--unredacted"],
        "export-raw.json": ["--unredacted"],
    }.items():
        assert run("export", tmp_path / name, *args).exit_code == 0
        out[name] = (tmp_path / name).read_text(encoding="utf-8-sig")
    for suffix in ("md", "docx", "csv"):
        r = run("appendix", "--period", PERIOD, "-o", tmp_path / f"appendix.{suffix}")
        assert r.exit_code == 0, r.output
    out["appendix.md"] = (tmp_path / "appendix.md").read_text(encoding="utf-8")
    out["appendix.docx"] = docx_text((tmp_path / "appendix.docx").read_bytes())
    out["appendix.csv"] = (tmp_path / "appendix.csv").read_text(encoding="utf-8-sig")
    for fmt in ("json", "markdown"):
        r = run("themes", "--period", PERIOD, "--format", fmt)
        assert r.exit_code == 0, r.output
        out[f"themes {fmt}"] = r.stdout
    r = run("themes", "--period", PERIOD, "--format", "json", "--unredacted")
    out["themes json --unredacted"] = r.stdout
    r = run("themes", tmp_path / "quotes.csv", "-o", tmp_path / "themed.csv")
    assert r.exit_code == 0, r.output
    out["themes file"] = (tmp_path / "themed.csv").read_text(encoding="utf-8-sig")
    for where, text in out.items():
        assert not names_in(text), where
    # what may be said survives: gender, age, role (five quotes share each, so none is coarsened)
    for where in ("appendix.md", "appendix.docx"):
        assert "\u201d Female, 14" in out[where] and "\u201d Mum" in out[where], where
    for where in ("export.csv", "appendix.csv"):
        shown = {r["attribution"] for r in csv.DictReader(io.StringIO(out[where]))}
        assert shown == {"15", "Female, 14", "Mum"}, where
    raw = list(csv.DictReader(io.StringIO(out["export-raw.csv"])))
    assert {r["speaker"] for r in raw} == {"15", "Female, 14", "Mum"}
    assert {r["age"] for r in raw} == {"15", "14", ""}
    themed = {q["attribution"] for t in json.loads(out["themes json"])["themes"] for q in t["quotes"]}
    # a theme shows a few example quotes: attributions are coarsened among those shown ("" when too few)
    assert themed and themed <= {"", "15", "Female, 14", "Mum"}
    # the database keeps the speaker as written, for officers' own commands
    r = run("quotes", "--format", "csv")
    assert "Olivia Bennett" in r.stdout


def test_scrutiny_sees_no_name_from_the_speaker_field(demo_home: Path) -> None:  # noqa: F811
    store = db(demo_home)
    quotes = [  # each text twice (a second child's words), so that themes reach the small-number threshold
        Quote(text + extra, source="Children in Care Council", period="2030/31 Q1", speaker=SPEAKERS[i % 3])
        for extra in ("", " Really.")
        for i, text in enumerate(TEXTS)
    ]
    from voice.ingest.fields import parse_speaker

    quotes = [
        Quote(q.text, q.source, q.period, *parse_speaker(q.speaker or ""), speaker=q.speaker) for q in quotes
    ]
    store.add_quotes(quotes)
    store.engine.dispose()
    at = open_app("themes", role="scrutiny")
    assert at.selectbox(key="themes_period").value == "2030/31 Q1"
    text = all_text(at)
    assert "my social worker" in text.lower() or "youth club" in text or "foster carers" in text
    assert not names_in(text)
    # attributions shown (if any survive coarsening among the few quotes shown) are gender, age (or an
    # age band) and role
    shown = set(re.findall(r"— \*([^*]+)\*", text))
    assert shown <= {"Female, 14", "15", "Mum", "Female", "young person", "young person, 13–15"}, shown
