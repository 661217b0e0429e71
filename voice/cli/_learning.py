"""`voice tag`'s learning: in a background process by default, one learner at a time, coalescing.

`voice tag` stores the tag and starts ``voice learn-tags`` detached, at a lower priority, unless
a learner is already waiting (it will learn the tag). A learner waits for the one running (an
exclusive ``flock`` on ``$VOICE_HOME/models/.learn.lock``; one may wait, ``.learn.queued``), then
learns only when the people's tags in the store differ from those the saved model learned (a
digest in ``.learned-tags``): ten quick tags cost at most two learning runs. A failed run leaves its
message in ``learn-failed.txt``; the next `voice tag` prints it (the tag itself is already stored).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from voice import config, files
from voice.records import HUMAN
from voice.store import Store

if TYPE_CHECKING:
    from voice.classify import VoiceModel


def _models_home() -> Path:
    return files.private_dir(config.settings().home / "models", tighten=True)


def failure_file() -> Path:
    """Where a failed background run leaves its one-line message."""
    return config.settings().home / "models" / "learn-failed.txt"


def tags_digest(store: Store) -> str:
    """A digest of every quote's current person's tag (what learning learns from)."""
    rows = sorted((t.quote_id, t.label) for t in store.current_tags().values() if t.origin == HUMAN)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def _lock_file(name: str) -> int:
    return os.open(_models_home() / name, os.O_RDWR | os.O_CREAT, files.FILE_MODE)


def _try_lock(fd: int, tries: int = 1) -> bool:
    """Take the lock without waiting; ``tries`` > 1 tries again 20 ms apart, to get past a
    :func:`learner_waiting` probe that holds it for an instant (a waiting learner holds it long)."""
    for attempt in range(tries):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if attempt + 1 < tries:
                time.sleep(0.02)
            continue
        return True
    return False


@contextmanager
def _learner_lock(queue: bool) -> Iterator[bool]:
    """Hold the learner lock (waiting for a learner that runs). With ``queue``, first take the one
    waiting place (``.learn.queued``): False, holding nothing, when another learner waits already:
    it reads the store after this process's tag was stored, so it learns that tag too."""
    queued = _lock_file(".learn.queued") if queue else None
    running = _lock_file(".learn.lock")
    try:
        if queued is not None and not _try_lock(queued, tries=10):
            yield False
            return
        fcntl.flock(running, fcntl.LOCK_EX)
        if queued is not None:
            os.close(queued)  # running now: the next learner may wait
            queued = None
        yield True
    finally:
        os.close(running)
        if queued is not None:
            os.close(queued)


def learner_waiting() -> bool:
    """True when a background learner waits for the running one (it will learn any tag stored now)."""
    fd = _lock_file(".learn.queued")
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)


def learn_now(store: Store, queue: bool = False) -> VoiceModel | None:
    """Learn every person's tag and save the model; None when there is nothing to do: the saved
    model learned exactly these tags, or (``queue``) another learner waits and will learn them.
    One learner at a time; a failure is recorded (:func:`last_failure`) and re-raised."""
    with _learner_lock(queue) as mine:
        if not mine:
            return None
        stamp = _models_home() / ".learned-tags"
        digest = tags_digest(store)
        if stamp.exists() and stamp.read_text(encoding="utf-8") == digest:
            return None
        from voice.classify import learn_corrections

        try:
            model = learn_corrections(store)
        except Exception as exc:
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            files.write_private_text(failure_file(), str(message))
            raise
        files.write_private_text(stamp, digest)
        failure_file().unlink(missing_ok=True)
        return model


def _lower_priority() -> None:
    os.nice(10)  # background work: the officer's next command comes first


def learn_in_background() -> None:
    """Start ``voice learn-tags`` detached (its output goes to ``$VOICE_HOME/models/learn.log``)."""
    log = os.open(_models_home() / "learn.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, files.FILE_MODE)
    try:
        subprocess.Popen(
            [sys.executable, "-m", "voice.cli", "learn-tags"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,  # outlives `voice tag` and its terminal
            preexec_fn=_lower_priority,
        )
    finally:
        os.close(log)


def ensure_learned(store: Store) -> bool:
    """Before a command uses the council's model: wait for a background learner that runs, then
    learn any person's tag the saved model has not learned yet, so that no proposal comes from a
    model older than the tags (`voice tag` returns before learning). True when it learned now."""
    stamp = _models_home() / ".learned-tags"
    digest = tags_digest(store)
    if stamp.exists():
        if stamp.read_text(encoding="utf-8") == digest:
            return False
    elif digest == _NO_TAGS:
        return False  # nobody has tagged anything: the shipped model is the model
    return learn_now(store) is not None


_NO_TAGS = hashlib.sha256(b"[]").hexdigest()


def last_failure() -> str | None:
    """The message of the last background run if it failed, else None."""
    path = failure_file()
    return path.read_text(encoding="utf-8").strip() if path.exists() else None
