"""The demo set and load_demo / ensure_demo on a real SQLite store."""

from __future__ import annotations

import builtins
import csv
import itertools
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from voice import config
from voice.cli import app
from voice.demo import (
    DEMO_INDICATORS,
    DEMO_QUEUE_PERIODS,
    DEMO_QUOTES,
    DEMO_SOURCE_DOCUMENT,
    ensure_demo,
    load_demo,
    seed_paths,
)
from voice.ingest.indicators import read_indicator_csv, read_indicators
from voice.ingest.quote_file import read_quote_file
from voice.records import HUMAN, LABELS, Quote, Tag, normalise_text

QUARTERS = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in (2016, 2017) for q in (1, 2, 3, 4)]
CP = "Children's Rights Service: Child Protection"
SOURCES = {CP, "Children in Care Council", "Care leavers", "Early Help families"}
SEED_QUOTES = 16
SEED_INDICATOR_ROWS = 51 + 38 + 25 + 32 + 42


def demo_rows() -> list[dict]:
    with DEMO_QUOTES.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# -- the data ------------------------------------------------------------------------------------


def test_demo_quotes_file_is_a_valid_quote_file_with_provenance():
    rows = demo_rows()
    assert len(rows) >= 300
    parsed = read_quote_file(DEMO_QUOTES)
    assert len(parsed.quotes) == len(rows) and parsed.duplicates == 0
    assert len(parsed.tags) == len(rows)  # every row carries its demo tag
    assert {r["label"] for r in rows} == set(LABELS)
    assert all(r["provenance"] == "synthetic" or r["provenance"].startswith("verbatim:") for r in rows)
    assert {r["period"] for r in rows} == set(QUARTERS)
    assert {r["source"] for r in rows} == SOURCES
    counts = Counter((r["period"], r["source"]) for r in rows)
    for period, source in itertools.product(QUARTERS, SOURCES):
        if (period, source) == ("2017/18 Q1", CP):
            assert counts[(period, source)] == 0  # the seed appendix's nine quotes stand for it
        else:
            assert counts[(period, source)] >= 10, (period, source)


def test_demo_class_mix_is_like_real_feedback():
    labels = Counter(r["label"] for r in demo_rows())
    total = sum(labels.values())
    assert labels["good"] > labels["not_so_good"] > 0
    assert 0.15 <= labels["unsure"] / total <= 0.35
    assert 0.45 <= labels["good"] / total <= 0.65


def test_attributions_fit_each_source():
    ages: dict[str, list[int]] = {}
    for q in read_quote_file(DEMO_QUOTES).quotes:
        if q.age is not None:
            ages.setdefault(q.source, []).append(q.age)
    assert min(ages["Care leavers"]) >= 16 and max(ages["Care leavers"]) <= 21
    assert min(ages[CP]) >= 5 and max(ages[CP]) <= 17
    assert min(ages["Children in Care Council"]) >= 8 and max(ages["Children in Care Council"]) <= 17
    eh = [q for q in read_quote_file(DEMO_QUOTES).quotes if q.source == "Early Help families"]
    parents = [q for q in eh if q.gender in ("Parent", "Carer", "Grandparent")]
    assert len(parents) / len(eh) > 0.75


def test_no_two_demo_quotes_are_near_identical_and_none_is_a_seed_quote():
    texts = [r["text"] for r in demo_rows()]
    assert len({normalise_text(t) for t in texts}) == len(texts)
    words = [set(re.findall(r"[a-z']+", t.lower())) for t in texts]
    for (i, a), (j, b) in itertools.combinations(enumerate(words), 2):
        if min(len(a), len(b)) >= 5:
            assert len(a & b) / len(a | b) < 0.6, (texts[i], texts[j])
    with (config.CORPUS_DIR / "seed_quotes.csv").open(encoding="utf-8") as fh:
        seeds = {normalise_text(r["text"]) for r in csv.DictReader(fh)}
    assert not seeds & {normalise_text(t) for t in texts}


WORKER_CHANGES = (
    r"new (social )?worker|social workers? (keep )?chang|had (three|four|five) (social|pa)|changing my social"
    r"|same social worker|another new worker|pas? (left|changed)|worker was leaving|worker they leave"
)


def test_changes_of_worker_complaints_rise_then_fall():
    per_quarter = Counter(
        r["period"]
        for r in demo_rows()
        if r["label"] == "not_so_good" and re.search(WORKER_CHANGES, r["text"].lower())
    )
    first, middle, last = QUARTERS[:2], QUARTERS[2:6], QUARTERS[6:]
    assert max(per_quarter[p] for p in middle) > max(per_quarter[p] for p in first)
    assert max(per_quarter[p] for p in middle) > max(per_quarter[p] for p in last)


def test_planted_identifiers_listed_in_the_readme_are_in_the_demo_set():
    readme = (config.DEMO_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Planted fictional identifiers", 1)[1].split("\n## ", 1)[0]
    planted = re.findall(r"^\| `([^`]+)` \|", section, flags=re.M)
    assert len(planted) >= 10
    text = "\n".join(r["text"] for r in demo_rows())
    for fragment in planted:
        assert fragment in text, fragment


def test_demo_indicators_complement_the_seed_rows():
    demo = read_indicator_csv(DEMO_INDICATORS)
    assert demo.warnings == [] and demo.raw_lines == []
    assert {r.source_document for r in demo.rows} == {DEMO_SOURCE_DOCUMENT}
    assert {r.period for r in demo.rows} == set(QUARTERS)
    keys = {r.key for r in demo.rows}
    assert len(keys) >= 12
    seed = {(r.key, r.period) for p in seed_paths() for r in read_indicators(p).rows}
    assert not {(r.key, r.period) for r in demo.rows} & seed  # a real row is never doubled
    for key in keys:  # seed + demo give every key a full eight-quarter series
        have = {p for k, p in seed if k == key} | {r.period for r in demo.rows if r.key == key}
        assert set(QUARTERS) <= have, key
    assert all(r.value is not None and r.note == "synthetic demo value" for r in demo.rows)


# -- loading -------------------------------------------------------------------------------------


def test_load_demo_fills_the_store_and_a_second_load_adds_nothing(store):
    calls = []
    summary = load_demo(store, progress=lambda step, steps, msg: calls.append((step, steps, msg)))
    n_demo = len(demo_rows())
    assert [s.name for s in summary.seeds] == [p.name for p in seed_paths()]
    assert summary.seeds[0].quotes_found == SEED_QUOTES and summary.seeds[0].tags_added == 9
    assert summary.demo_quotes_added == n_demo and summary.demo_tags_added == n_demo
    assert store.count_quotes() == SEED_QUOTES + n_demo
    assert set(QUARTERS) <= set(store.periods())
    assert SOURCES | {"Supporting Leicestershire Families"} <= set(store.sources())
    demo_rows_n = len(read_indicator_csv(DEMO_INDICATORS).rows)
    assert len(store.indicators()) == SEED_INDICATOR_ROWS + demo_rows_n
    tags = store.all_tags()
    assert Counter(t.who for t in tags) == {config.DEMO_TAGGER: n_demo, "source document": 9}
    assert all(t.origin == HUMAN for t in tags)
    assert any(n.heading and n.heading.startswith("report paragraph") for n in store.notes())
    assert calls[0][0] == 0 and calls[-1][:2] == (calls[-1][1], calls[-1][1]) and len(calls) == 8
    audit_before = len(store.audit_log())

    again = load_demo(store)
    assert again.quotes_added == 0 and again.indicators_added == 0 and again.demo_tags_added == 0
    assert sum(s.notes_added + s.tags_added for s in again.seeds) == 0
    assert store.count_quotes() == SEED_QUOTES + n_demo
    assert len(store.all_tags()) == len(tags)
    assert len(store.audit_log()) == audit_before


def test_ensure_demo_loads_an_empty_store_once_and_leaves_the_queue_quarter_untagged(store):
    summary = ensure_demo(store)
    assert summary is not None and summary.untagged_periods == DEMO_QUEUE_PERIODS
    current = store.current_tags()
    queue = [q for q in store.quotes(period=DEMO_QUEUE_PERIODS[0]) if q.id not in current]
    expected = sum(1 for r in demo_rows() if r["period"] in DEMO_QUEUE_PERIODS)
    assert len(queue) == expected > 30
    assert all(q.id in current for q in store.quotes(period="2017/18 Q3"))
    assert ensure_demo(store) is None
    assert store.count_quotes() == SEED_QUOTES + len(demo_rows())


def test_ensure_demo_leaves_a_store_with_data_alone(store):
    store.add_quotes([Quote("A real quote.", source="Care leavers", period="2019/20 Q1")])
    assert ensure_demo(store) is None
    assert store.count_quotes() == 1 and store.indicators() == []


def test_cli_demo_reports_the_demo_set_and_is_idempotent(voice_home):
    runner = CliRunner()
    r = runner.invoke(app, ["demo", "--no-classify"])
    assert r.exit_code == 0, r.output
    n = len(demo_rows())
    assert "000_5feb690b17561cdb.txt: 16 quotes found (16 added), 51 indicator rows (51 added)" in r.output
    assert f"demo_quotes.csv: {n} quotes ({n} added, {n} demo tags added)" in r.output
    r = runner.invoke(app, ["demo", "--no-classify"])
    assert f"demo_quotes.csv: {n} quotes (0 added, 0 demo tags added)" in r.output
    assert "indicator rows (0 added)" in r.output


# -- never training data -------------------------------------------------------------------------


def test_corpus_training_set_never_reads_the_demo_folder(monkeypatch):
    from voice.classify import corpus_training_set

    opened: list[str] = []
    real_open, real_path_open = builtins.open, Path.open

    def spy_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_path_open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(self))
        return real_path_open(self, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(Path, "open", spy_path_open)
    data = corpus_training_set()
    monkeypatch.undo()
    assert opened, "the spy saw no file being read"
    demo_dir = str(config.DEMO_DIR.resolve())
    assert not [p for p in opened if str(Path(p).resolve()).startswith(demo_dir)]
    # Short non-answers ("Nothing.", "Not sure.") also occur in the NHS corpus by themselves;
    # no demo quote of six words or more may be in the training set.
    demo_texts = {normalise_text(r["text"]) for r in demo_rows() if len(r["text"].split()) >= 6}
    assert len(demo_texts) > 300
    assert not demo_texts & {normalise_text(t) for t in data.texts}


def test_the_model_never_learns_from_demo_tags_but_does_from_a_person(store):
    from voice.classify import TrainingSet, human_corrections

    load_demo(store)
    corrections = human_corrections(store, TrainingSet())
    demo_texts = {normalise_text(r["text"]) for r in demo_rows()}
    assert not demo_texts & {normalise_text(t) for t in corrections.texts}
    assert len(corrections) == 9  # the seed appendix labels only
    # A person re-tagging a demo quote is a real decision: that one is learned.
    quote = next(q for q in store.quotes(period="2016/17 Q1") if q.source == CP)
    store.add_tag(Tag(quote.id, "unsure", who="A. Officer", origin=HUMAN))
    corrections = human_corrections(store, TrainingSet())
    assert quote.text in corrections.texts and len(corrections) == 10


@pytest.mark.parametrize("path", [DEMO_QUOTES, DEMO_INDICATORS])
def test_demo_files_live_in_the_documented_folder(path):
    assert path.parent == ROOT / "corpus" / "demo" and path.exists()
