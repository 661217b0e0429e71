"""Learning from tags off the request path (voice.ui.learning): requests coalesce and the worker
learns from the store's latest tags; the Tag page moves on at once, says when its proposal is
from before the last tags, keeps undo working and never loses a tag when learning fails."""

from __future__ import annotations

import copy
import threading
from pathlib import Path

import pytest
import test_undo_own_tag
from streamlit.testing.v1 import AppTest
from test_retag import current_card
from test_undo_own_tag import tagging_page

from voice import config
from voice.errors import ModelError
from voice.records import HUMAN, Tag
from voice.store import Store
from voice.ui import learning
from voice.ui.learning import Learner

council = test_undo_own_tag.council  # an officer signed in on a council store of example quotes (fixture)


class FakeModel:
    def __init__(self, version: str) -> None:
        self.version = version


class SlowLearner:
    """A learner that records how many tags the store held when it started, then waits for ``release``."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.seen: list[int] = []
        self.cache_dirs: list[Path | None] = []

    def __call__(self, store: Store, model: FakeModel, root: Path | None) -> FakeModel:
        self.seen.append(len(store.all_tags(origin=HUMAN)))  # the tags this run learns
        self.cache_dirs.append(config.cache_dir())
        self.started.set()
        assert self.release.wait(30)
        return FakeModel(f"fake+{self.seen[-1]}c")


def _tag(store: Store, quote_id: str) -> None:
    store.add_tag(Tag(quote_id, "good", who="alice", origin=HUMAN))


def test_tags_during_a_run_are_learned_in_one_more_run_from_the_latest_tags(council: Store) -> None:
    slow = SlowLearner()
    learner = Learner(slow)
    ids = [q.id for q in council.quotes()][:4]
    _tag(council, ids[0])
    learner.request(council, FakeModel("start"), None)
    assert slow.started.wait(10)
    for quote_id in ids[1:]:  # three tags while the first run learns
        _tag(council, quote_id)
        learner.request(council, FakeModel("start"), None)
    assert learner.status().behind == 4 and learner.status().running
    slow.release.set()
    assert learner.wait(30)
    assert slow.seen == [1, 4]  # two runs, not four; the second saw every tag
    assert learner.status().behind == 0 and not learner.status().running
    assert learner.model().version == "fake+4c"


def test_the_request_carries_the_callers_cache_folder_and_never_changes_its_model(
    council: Store, tmp_path: Path
) -> None:
    slow = SlowLearner()
    slow.release.set()
    learner = Learner(slow)
    page_model = FakeModel("page")
    config.use_cache_dir(tmp_path)  # as the app does on every page run in demo mode
    try:
        learner.request(council, page_model, None)
    finally:
        config.use_cache_dir(None)
    assert learner.wait(30)
    assert slow.cache_dirs == [tmp_path]
    assert page_model.version == "page" and learner.model(page_model) is not page_model


def test_a_failed_run_keeps_the_model_and_reports_once(council: Store) -> None:
    calls = []

    def failing(store: Store, model: FakeModel, root: Path | None) -> FakeModel:
        calls.append(1)
        if len(calls) == 1:
            raise ModelError("disk full")
        return FakeModel("recovered")

    learner = Learner(failing)
    learner.request(council, FakeModel("start"), None)
    assert learner.wait(30)
    assert learner.errors() == ["disk full"] and learner.errors() == []
    assert learner.model() is None and learner.status().behind == 1 and not learner.status().running
    learner.request(council, FakeModel("start"), None)  # the next tag learns them all again
    assert learner.wait(30)
    assert learner.model().version == "recovered" and learner.status().behind == 0


def test_the_real_learner_learns_a_tag_and_saves_the_model(council: Store, voice_home: Path) -> None:
    from voice.classify import load_model

    model = load_model()
    _tag(council, council.quotes()[0].id)
    learner = Learner()  # voice.classify.learn_corrections, real MiniLM and SQLite
    learner.request(council, model, None)
    assert learner.wait(600)
    assert learner.errors() == []
    learned = learner.model()
    assert learned is not None and learned.version.endswith("+1c") and learned is not model
    assert "+" not in model.version  # the page's model is left as it was
    assert load_model().version == learned.version  # saved as the council's learned copy


@pytest.fixture
def slow_app_learner(council: Store, monkeypatch: pytest.MonkeyPatch) -> SlowLearner:
    """The app's learner for this store waits for ``release``; returns a copy of the model."""
    slow = SlowLearner()

    def learn(store: Store, model, root: Path | None):  # type: ignore[no-untyped-def]
        slow(store, model, root)
        learned = copy.copy(model)
        learned.version = f"{model.version}+fake{slow.seen[-1]}"
        return learned

    learner = learning.learner_for(Store(config.settings().db_url), None, learn)
    yield slow
    slow.release.set()
    learner.wait(30)


def _note(at: AppTest) -> str:
    shown = next(c.value for c in at.caption if c.value.startswith("Proposal by model"))
    return shown.replace("\\", "")  # Markdown escapes


def test_the_card_says_its_proposal_is_from_before_the_last_tags(
    council: Store, slow_app_learner: SlowLearner
) -> None:
    at = tagging_page()
    assert _note(at).startswith("Proposal by model voice-default@") and "updating" not in _note(at)
    first = current_card(at)
    at.button(key="tag_good").click().run()
    assert not at.exception, at.exception
    assert current_card(at) != first  # the next quote at once, while the model learns
    second = current_card(at)
    at.button(key="tag_unsure").click().run()
    assert current_card(at) != second
    assert "from before the last 2 tags — updating…" in _note(at)
    assert {t.label for t in council.all_tags(origin=HUMAN)} == {"good", "unsure"}
    slow_app_learner.release.set()
    assert learning.learner_for(council, None).wait(30)
    at.run()
    assert _note(at).endswith("+fake2.")  # the next run proposes with the learned model
    assert len(slow_app_learner.seen) <= 2 and slow_app_learner.seen[-1] == 2  # coalesced


def test_undo_goes_to_the_learner_and_brings_the_quote_back(
    council: Store, slow_app_learner: SlowLearner
) -> None:
    at = tagging_page()
    first = current_card(at)
    at.button(key="tag_good").click().run()
    next(b for b in at.button if b.label.startswith("Undo: ")).click().run()
    assert not at.exception, at.exception
    assert current_card(at) == first
    assert learning.learner_for(council, None).status().requested == 2  # the tag and the undo


def test_a_tag_is_kept_when_learning_fails_and_the_next_run_says_so(
    council: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(store: Store, model, root: Path | None):  # type: ignore[no-untyped-def]
        raise ModelError("the models folder is read-only")

    learner = learning.learner_for(Store(config.settings().db_url), None, failing)
    at = tagging_page()
    first = current_card(at)
    at.button(key="tag_not_so_good").click().run()
    assert learner.wait(30)
    at.run()
    assert current_card(at) != first
    assert [t.label for t in council.all_tags(origin=HUMAN)] == ["not_so_good"]
    warnings = [w.value for w in at.warning]
    assert any("model was not updated: the models folder is read-only" in w for w in warnings)
    assert "(the model was not updated)" in _note(at)
