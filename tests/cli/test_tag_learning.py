"""`voice tag` learns in a background process (one learner at a time, coalescing) and never loses
a tag when learning fails: the real CLI, model and database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, clear_concern_flags, seed
from typer.testing import CliRunner

from voice.cli import _learning, app
from voice.errors import ModelError
from voice.store import Store

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _store(home: Path) -> Store:
    return Store(f"sqlite:///{home / 'voice.db'}")


def _learned(home: Path) -> int | None:
    meta = home / "models" / "voice-default" / "meta.json"
    return json.loads(meta.read_text(encoding="utf-8")).get("corrections_learned") if meta.exists() else None


def test_tag_returns_before_learning_and_the_background_learner_saves_the_model(voice_home: Path) -> None:
    assert run("import-seed", seed("000")).exit_code == 0
    clear_concern_flags(voice_home)  # detect-7 holds some seed quotes until an officer reviews them
    quote = next(q for q in _store(voice_home).quotes() if q.text.startswith("I feel safe"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "voice.cli", "tag", quote.id, "good", "--by", "alice"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "learning from this tag in the background" in out.stdout
    assert _store(voice_home).current_tags()[quote.id].label == "good"  # stored before learning
    for _ in range(600):  # the detached `voice learn-tags` (slow on a busy machine)
        if _learned(voice_home) == 1:
            break
        time.sleep(1)
    assert _learned(voice_home) == 1
    log = (voice_home / "models" / "learn.log").read_text(encoding="utf-8")
    assert "model updated: voice-default@" in log
    assert _learning.learn_now(_store(voice_home)) is None  # these tags are learned: nothing to do


def test_a_failed_learning_keeps_the_tag_and_the_next_tag_says_so(
    voice_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import voice.classify

    def failing(store: Store) -> None:
        raise ModelError("the models folder is read-only")

    monkeypatch.setattr(voice.classify, "learn_corrections", failing)
    assert run("import-seed", seed("000")).exit_code == 0
    first, second = _store(voice_home).quotes()[:2]
    r = run("tag", first.id, "good", "--by", "alice", "--wait")
    assert r.exit_code == 0, r.output
    assert "tag saved, but the model was not updated: the models folder is read-only" in r.stderr
    r = run("tag", second.id, "unsure", "--by", "alice", "--wait")
    assert "the model has not learned the earlier tags: the models folder is read-only" in r.stderr
    current = _store(voice_home).current_tags()
    assert (current[first.id].label, current[second.id].label) == ("good", "unsure")


def test_one_learner_runs_one_waits_and_later_ones_leave_it_to_them(
    voice_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl
    import threading

    import voice.classify

    learned: list[int] = []

    def fake(store: Store) -> object:
        learned.append(len(store.all_tags(origin="human")))
        return type("Model", (), {"version": f"fake+{learned[-1]}c"})()

    monkeypatch.setattr(voice.classify, "learn_corrections", fake)
    assert run("import-seed", seed("000")).exit_code == 0
    store = _store(voice_home)
    quotes = store.quotes()
    seeded = len(store.all_tags(origin="human"))  # the seed document's own labels
    assert run("tag", quotes[0].id, "good", "--by", "alice", "--no-learn").exit_code == 0
    (voice_home / "models").mkdir(exist_ok=True)
    running = os.open(voice_home / "models" / ".learn.lock", os.O_RDWR | os.O_CREAT)  # a learner runs
    fcntl.flock(running, fcntl.LOCK_EX)
    results: list[object] = []
    waiting = threading.Thread(target=lambda: results.append(_learning.learn_now(store, queue=True)))
    waiting.start()
    for _ in range(100):
        if _learning.learner_waiting():
            break
        time.sleep(0.05)
    assert _learning.learner_waiting()
    assert run("tag", quotes[1].id, "unsure", "--by", "alice", "--no-learn").exit_code == 0
    assert _learning.learn_now(store, queue=True) is None  # the waiting learner will learn it
    os.close(running)  # the running learner finishes
    waiting.join(30)
    assert learned == [seeded + 2]  # one run, with both tags
    assert _learning.learn_now(store, queue=True) is None and len(learned) == 1  # nothing new


def test_classify_and_queue_learn_the_latest_tags_first(voice_home: Path) -> None:
    """`voice tag` returns before learning; `voice classify` and `voice queue` never propose with a
    model older than the people's tags (the owner's check: tag half, then classify the rest)."""
    assert run("import-seed", seed("000")).exit_code == 0
    clear_concern_flags(voice_home)  # detect-7 holds some seed quotes until an officer reviews them
    quote = next(q for q in _store(voice_home).quotes() if q.text.startswith("I feel safe"))
    assert run("tag", quote.id, "good", "--by", "alice", "--no-learn").exit_code == 0  # learner not run yet
    assert _learned(voice_home) is None
    r = run("classify")
    assert r.exit_code == 0, r.output
    assert "learned the latest tags first" in r.output
    assert _learned(voice_home) == 1
    proposals = {t.model_version for t in _store(voice_home).current_tags().values() if t.origin == "model"}
    assert proposals and all(v.endswith("+1c") for v in proposals), proposals
    r = run("queue", "--format", "json")
    assert r.exit_code == 0 and "learned the latest tags first" not in r.output  # nothing new


def test_a_probe_of_the_waiting_place_does_not_turn_a_learner_away(voice_home: Path) -> None:
    """`learner_waiting()` takes the waiting place for an instant to test it: a learner starting in
    that instant used to find it taken and leave (the CI saw the test above fail that way)."""
    import fcntl
    import threading

    (voice_home / "models").mkdir(parents=True, exist_ok=True)
    probe = _learning._lock_file(".learn.queued")
    fcntl.flock(probe, fcntl.LOCK_EX)
    threading.Timer(0.05, lambda: os.close(probe)).start()  # the probe lets go 50 ms later
    with _learning._learner_lock(queue=True) as mine:
        assert mine
