"""Learning from officers' tags off the request path: one background worker per process.

A tag (or an undo) asks the worker to learn; the page runs again at once with the model it has.
The worker learns from the store's tags as they are when it starts; tags that arrive while it
learns make it learn once more afterwards (requests coalesce: ten quick tags cost at most two
runs). A finished run replaces the model the pages use (:meth:`Learner.model`); a failed run
keeps the previous model and its message waits for the next page run (:meth:`Learner.errors`).
Tags are stored before learning is asked for, so a failure never loses one.

No Streamlit here: the app keeps one :class:`Learner` per store and models folder
(:func:`learner_for`).
"""

from __future__ import annotations

import atexit
import contextvars
import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voice.classify import VoiceModel
    from voice.store import Store

LearnFn = Callable[["Store", "VoiceModel", "Path | None"], "VoiceModel"]
"""``learn_corrections(store, model, models_root)``: learns every person's tag and saves the model."""


def _learn_corrections(store: Store, model: VoiceModel, models_root: Path | None) -> VoiceModel:
    from voice.classify import learn_corrections

    return learn_corrections(store, model, models_root)


@dataclass(frozen=True)
class LearnStatus:
    """Where learning stands: ``requested`` tags/undos asked for, ``learned`` of them in
    :meth:`Learner.model`, ``running`` while the worker is busy."""

    requested: int
    learned: int
    running: bool

    @property
    def behind(self) -> int:
        """How many tags/undos the current model has not learned yet."""
        return self.requested - self.learned


class Learner:
    """A coalescing background learner (thread-safe; one worker thread at a time)."""

    def __init__(self, learn: LearnFn | None = None) -> None:
        self._learn = learn  # None: voice.classify.learn_corrections
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._requested = 0
        self._learned = 0  # requests covered by the newest model
        self._attempted = 0  # requests covered by the newest run, failed or not
        self._model: VoiceModel | None = None
        self._errors: list[str] = []
        self._thread: threading.Thread | None = None
        self._job: tuple[Store, VoiceModel, Path | None, contextvars.Context] | None = None

    def request(self, store: Store, model: VoiceModel, models_root: Path | None) -> None:
        """Ask for the store's current tags to be learned (returns at once).

        ``model`` is the one the page uses; the worker learns on a copy of it (or of its own
        newer model), so the page's model is never changed under it. The caller's context
        variables (the demo's cache folder) travel with the request.
        """
        with self._lock:
            self._requested += 1
            base = self._model if self._model is not None else model
            self._job = (store, base, models_root, contextvars.copy_context())
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="voice-learner", daemon=True)
                self._thread.start()

    def model(self, fallback: VoiceModel | None = None) -> VoiceModel | None:
        """The newest learned model, else ``fallback`` (the model loaded at start)."""
        with self._lock:
            return self._model if self._model is not None else fallback

    def status(self) -> LearnStatus:
        """How many requests the current model lags behind, and whether the worker runs."""
        with self._lock:
            return LearnStatus(self._requested, self._learned, self._thread is not None)

    def errors(self) -> list[str]:
        """Messages of failed runs since the last call (each is returned once)."""
        with self._lock:
            out, self._errors = self._errors, []
            return out

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker is idle; False when ``timeout`` seconds passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._thread is None, timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._job is None or self._attempted == self._requested:
                    self._thread = None
                    self._idle.notify_all()
                    return
                store, base, root, context = self._job
                upto = self._requested
            try:
                learn = self._learn or _learn_corrections
                learned = context.run(learn, store, copy.deepcopy(base), root)
            except Exception as exc:
                message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
                with self._lock:
                    self._attempted = upto
                    self._errors.append(str(message))
                continue
            with self._lock:
                self._model = learned
                self._attempted = self._learned = upto
                if self._job is not None and self._job[1] is base:
                    self._job = (store, learned, root, context)


_LEARNERS: dict[tuple[str, str], Learner] = {}
_LEARNERS_LOCK = threading.Lock()


def learner_for(store: Store, models_root: Path | None, learn: LearnFn | None = None) -> Learner:
    """The process's learner for this store and models folder (created on first use, with
    ``learn``: by default ``voice.classify.learn_corrections``)."""
    key = (store.url, str(models_root or ""))
    with _LEARNERS_LOCK:
        if key not in _LEARNERS:
            _LEARNERS[key] = Learner(learn)
        return _LEARNERS[key]


def wait_all(timeout: float | None = None) -> bool:
    """Block until every learner in this process is idle (tests, benchmarks); False on timeout."""
    with _LEARNERS_LOCK:
        learners = list(_LEARNERS.values())
    return all(learner.wait(timeout) for learner in learners)


atexit.register(wait_all, 120)  # a run cut off at exit would abort the process (and its save)
