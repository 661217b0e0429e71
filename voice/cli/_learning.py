"""`voice tag`'s learning: in a background process by default, one learner at a time, coalescing.

`voice tag` stores the tag and starts ``voice learn-tags`` detached. That process waits for the
learner before it (an exclusive ``flock`` on ``$VOICE_HOME/models/.learn.lock``), then learns only
when the people's tags in the store differ from those the saved model learned (a digest in
``.learned-tags``): ten quick tags cost at most two learning runs. A failed run leaves its
message in ``learn-failed.txt``; the next `voice tag` prints it (the tag itself is already stored).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
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


@contextmanager
def _learner_lock() -> Iterator[None]:
    fd = os.open(_models_home() / ".learn.lock", os.O_RDWR | os.O_CREAT, files.FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits for a learner already running
        yield
    finally:
        os.close(fd)


def learn_now(store: Store) -> VoiceModel | None:
    """Learn every person's tag and save the model, unless the saved model has learned exactly
    these tags already (then None). Holds the learner lock; a failure is recorded and re-raised."""
    with _learner_lock():
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
        )
    finally:
        os.close(log)


def last_failure() -> str | None:
    """The message of the last background run if it failed, else None."""
    path = failure_file()
    return path.read_text(encoding="utf-8").strip() if path.exists() else None
