"""The store: schema on first use, WAL, append-only tags, current label rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from voice.records import Quote, Tag
from voice.store import Store, StoreError, current_tags


def test_schema_created_and_wal(store: Store):
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert store.count_quotes() == 0


def test_newest_human_tag_wins_over_model(store: Store):
    q = Quote(text="It was ok", source="s", period="2017/18 Q1")
    store.add_quotes([q])
    store.add_tag(Tag(q.id, "good", who="voice-default", origin="model", model_version="m1", probability=0.7))
    assert store.current_tags()[q.id].origin == "model"
    store.add_tag(Tag(q.id, "unsure", who="alice"))
    store.add_tag(Tag(q.id, "not_so_good", who="m", origin="model", model_version="m2", probability=0.9))
    cur = store.current_tags()[q.id]
    assert (cur.label, cur.who) == ("unsure", "alice")
    history = store.tag_history(q.id)
    assert [t.label for t in history] == ["good", "unsure", "not_so_good"]
    assert history[0].model_version == "m1" and history[0].probability == pytest.approx(0.7)
    assert all(isinstance(t.at, datetime) and t.at.tzinfo is not None for t in history)


def test_current_tags_pure_rule():
    t = [
        Tag("a", "good", "m", origin="model"),
        Tag("a", "unsure", "p"),
        Tag("b", "good", "m", origin="model"),
        Tag("a", "good", "m2", origin="model"),
    ]
    cur = current_tags(t)
    assert cur["a"].who == "p" and cur["b"].who == "m"


def test_quote_id_is_stable_and_normalised():
    a = Quote(text="They don\u2019t  listen.", source="CRS", period="2017/18 Q1")
    b = Quote(text="they don't listen.", source="CRS", period="2017/18 Q1")
    c = Quote(text="they don't listen.", source="CRS", period="2017/18 Q2")
    assert a.id == b.id != c.id
    assert len(a.id) == 16


def test_tag_for_unknown_quote_and_bad_label(store: Store):
    with pytest.raises(KeyError):
        store.add_tag(Tag("missing", "good", "x"))
    q = Quote(text="hi")
    store.add_quotes([q])
    with pytest.raises(ValueError, match="unknown label"):
        store.add_tag(Tag(q.id, "great", "x"))


def test_failed_import_rolls_back(store: Store):
    q1, q2 = Quote(text="one"), Quote(text="two")
    with pytest.raises(ValueError):
        store.add_quotes([q1, q2], [Tag(q1.id, "good", "x"), Tag(q2.id, "bogus", "x")])
    assert store.count_quotes() == 0


def test_read_only_database_is_a_clear_error(tmp_path):
    path = tmp_path / "ro.db"
    s = Store(f"sqlite:///{path}")
    s.add_quotes([Quote(text="kept")])
    s.engine.dispose()
    ro = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert ro.count_quotes() == 1
    with pytest.raises(StoreError, match="could not write"):
        ro.add_quotes([Quote(text="new")])
    assert Store(f"sqlite:///{path}").count_quotes() == 1


def test_tag_time_is_recorded(store: Store):
    q = Quote(text="x")
    store.add_quotes([q])
    before = datetime.now(UTC)
    t = store.add_tag(Tag(q.id, "good", "alice"))
    assert t.id is not None and t.at >= before
