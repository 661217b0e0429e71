"""Several officers at once, and PostgreSQL through VOICE_DB_URL.

Concurrency tests run on a SQLite file and on a real PostgreSQL server (see conftest.py): every
worker opens its own Store (its own engine and connections), as two officers' sessions would.
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from conftest import ROOT, seed

from voice.records import Quote, Tag
from voice.store import Store


def _in_threads(n: int, work) -> list:  # type: ignore[no-untyped-def]
    """Run ``work(i, barrier)`` in ``n`` threads that start their writes together; re-raise errors."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = work(i, barrier)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


@pytest.mark.both_databases
def test_two_officers_tag_the_same_quote_at_the_same_moment(store: Store, db_url: str):
    q = Quote(text="My social worker listens to me", period="2017/18 Q1")
    store.add_quotes([q])
    officers = [Store(db_url), Store(db_url)]

    def tag(i: int, barrier: threading.Barrier) -> Tag:
        label, who = [("good", "alice"), ("not_so_good", "bob")][i]
        barrier.wait()
        return officers[i].add_tag(Tag(q.id, label, who))

    saved = _in_threads(2, tag)
    history = store.tag_history(q.id)
    assert sorted((t.who, t.label) for t in history) == [("alice", "good"), ("bob", "not_so_good")]
    assert {t.id for t in saved} == {t.id for t in history}
    assert store.current_tags()[q.id] == history[-1]  # the later one decides; the other is kept
    assert sorted(e["who"] for e in store.audit_log() if e["action"] == "tag") == ["alice", "bob"]
    for s in officers:
        s.close()


@pytest.mark.both_databases
def test_many_concurrent_tags_lose_nothing(store: Store, db_url: str):
    quotes = [Quote(text=f"quote {i}") for i in range(3)]
    store.add_quotes(quotes)
    workers, per_worker = 6, 15
    sessions = [Store(db_url) for _ in range(workers)]

    def tag(i: int, barrier: threading.Barrier) -> int:
        barrier.wait()
        for j in range(per_worker):
            sessions[i].add_tag(
                Tag(quotes[j % 3].id, ("good", "unsure", "not_so_good")[j % 3], f"officer {i}")
            )
        return per_worker

    assert sum(_in_threads(workers, tag)) == workers * per_worker
    tags = store.all_tags()
    assert len(tags) == workers * per_worker
    assert len({t.id for t in tags}) == len(tags)
    assert sorted(len(store.tag_history(q.id)) for q in quotes) == [30, 30, 30]
    for s in sessions:
        s.close()


@pytest.mark.both_databases
def test_same_file_imported_twice_at_once_stores_each_quote_once(store: Store, db_url: str):
    quotes = [Quote(text=f"imported {i}", period="2017/18 Q2") for i in range(300)]
    sessions = [Store(db_url), Store(db_url)]

    def add(i: int, barrier: threading.Barrier):  # type: ignore[no-untyped-def]
        barrier.wait()
        return sessions[i].add_quotes(quotes, who=f"importer {i}")

    results = _in_threads(2, add)
    assert store.count_quotes() == 300
    assert sum(r.quotes_added for r in results) >= 300  # a race may count a quote twice, never store it twice
    for s in sessions:
        s.close()


def _tag_in_process(url: str, quote_id: str, who: str, n: int, barrier) -> None:  # type: ignore[no-untyped-def]
    s = Store(url)
    barrier.wait()
    for _ in range(n):
        s.add_tag(Tag(quote_id, "good", who))
    s.close()


@pytest.mark.both_databases
def test_tags_from_separate_processes(store: Store, db_url: str):
    q = Quote(text="two programs at once")
    store.add_quotes([q])
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(3)
    procs = [ctx.Process(target=_tag_in_process, args=(db_url, q.id, f"p{i}", 10, barrier)) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert sorted(t.who for t in store.tag_history(q.id)) == ["p0"] * 10 + ["p1"] * 10 + ["p2"] * 10


# -- PostgreSQL through VOICE_DB_URL -------------------------------------------------------------------


@pytest.mark.both_databases
def test_two_sessions_save_the_same_theme_run_at_once(store: Store, db_url: str):
    """The second save clashes with the first (same theme ids) and is retried against its rows."""
    from types import SimpleNamespace

    from voice.store import memberships, save_run, stored_themes

    quotes = [Quote(text=f"quote {i}") for i in range(6)]
    store.add_quotes(quotes)
    themes = [SimpleNamespace(id=f"th-{k}", label=f"theme {k}", keywords=("a", "b")) for k in range(2)]
    assignments = {q.id: themes[i % 2].id for i, q in enumerate(quotes)}
    sessions = [Store(db_url), Store(db_url)]

    def save(i: int, barrier: threading.Barrier) -> int:
        barrier.wait()
        return save_run(sessions[i], themes, assignments, f"officer {i}", "m1")

    added = _in_threads(2, save)
    assert sorted(added) == [0, 8]  # one run saved 2 themes and 6 assignments, the other nothing new
    assert [t.id for t in stored_themes(store)] == ["th-0", "th-1"]
    assert {q: m.theme_id for q, m in memberships(store).items()} == assignments
    for s in sessions:
        s.close()


@pytest.mark.postgres
def test_cli_on_postgres(postgres_url: str, voice_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path):
    """The README's commands against PostgreSQL, with the driver-less URL people write."""
    from typer.testing import CliRunner

    from voice.cli import app  # imported here: spawned workers import this module, keep it light

    runner = CliRunner()
    monkeypatch.setenv("VOICE_DB_URL", postgres_url.replace("postgresql+psycopg://", "postgresql://"))
    r = runner.invoke(app, ["import-seed", str(seed("000"))])
    assert r.exit_code == 0, r.output
    assert "added 16 quotes, 9 tags" in r.output
    r = runner.invoke(app, ["import", str(ROOT / "corpus" / "examples" / "quotes.csv")])
    assert r.exit_code == 0 and "added 5 quotes and 4 tags" in r.output, r.output
    store = Store(postgres_url)
    held = sorted(store.held_quote_ids())  # detect-7 flags 4 seed quotes: an officer clears them
    assert held
    for qid in held:
        r = runner.invoke(app, ["concerns", "review", qid, "not a concern", "--by", "officer"])
        assert r.exit_code == 0, r.output
    assert not store.held_quote_ids()
    q = next(q for q in store.quotes() if q.text.startswith("I feel safe"))
    r = runner.invoke(app, ["tag", q.id[:8], "good", "--by", "alice", "--no-learn"])
    assert r.exit_code == 0, r.output
    assert [t.who for t in store.tag_history(q.id)] == ["source document", "alice"]
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["export", str(out)])
    assert r.exit_code == 0 and "wrote 21 quotes" in r.output
    assert not (voice_home / "voice.db").exists()  # nothing went to SQLite
    store.close()


@pytest.mark.postgres
def test_postgres_server_time_zone_does_not_shift_times(postgres_url: str):
    """A server in another time zone returns the same instants, as UTC."""
    url = postgres_url + "&options=-c%20timezone%3DAmerica/New_York"
    s = Store(url)
    q = Quote(text="zoned")
    s.add_quotes([q])
    saved = s.add_tag(Tag(q.id, "good", "alice"))
    [back] = s.tag_history(q.id)
    assert str(back.at.tzinfo) == "UTC" and back.at == saved.at
    s.close()


@pytest.mark.postgres
def test_postgres_refuses_nul_characters_cleanly(postgres_url: str):
    """PostgreSQL cannot store U+0000: the write fails as one StoreError and stores nothing."""
    from voice.store import StoreError

    s = Store(postgres_url)
    with pytest.raises(StoreError, match="could not write"):
        s.add_quotes([Quote(text="fine"), Quote(text="bad\x00byte")])
    assert s.count_quotes() == 0
    s.close()


@pytest.mark.both_databases
def test_several_sessions_creating_the_schema_at_once(db_url: str):
    """The first officers to open a fresh database all create the tables at the same moment."""

    def open_store(i: int, barrier: threading.Barrier) -> int:
        barrier.wait()
        s = Store(db_url)
        s.add_quotes([Quote(text=f"first quote {i}")])
        s.close()
        return i

    assert sorted(_in_threads(4, open_store)) == [0, 1, 2, 3]
    s = Store(db_url)
    assert s.count_quotes() == 4
    s.close()
