"""The store: schema on first use, WAL, append-only tags, current label rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from voice.records import Quote, Tag
from voice.store import Store, StoreError, current_tags

pytestmark = pytest.mark.both_databases


def test_schema_created_and_wal(store: Store):
    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    else:
        assert store.dialect == "postgresql"
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


# -- the same behaviour on SQLite and PostgreSQL ----------------------------------------------------


def test_long_free_text_fields_fit_on_every_database(store: Store):
    """PostgreSQL enforces VARCHAR lengths where SQLite does not: free text has no length limit."""
    name = "x" * 250 + ".csv"
    q = Quote(
        text="y" * 20_000,
        source="s" * 1000,
        speaker="Young person attending the review meeting with their advocate, " * 10,
        gender="prefers to describe themselves in their own words, " * 3,
        imported_from=name,
    )
    store.add_quotes([q], [Tag(q.id, "good", who="file:" + name, note=name)])
    store.add_tag(Tag(q.id, "unsure", "w" * 300, origin="model", model_version="m" * 300, probability=0.5))
    store.audit("a" * 300, "exported " + "z" * 200, "d" * 5000)
    [back] = store.quotes()
    assert back == q
    assert [len(t.who) for t in store.tag_history(q.id)] == [len("file:" + name), 300]


def test_every_script_and_emoji_round_trip(store: Store):
    texts = [
        "I feel safe now 😊👍🏽 — my foster carer is the best ❤️",
        "أشعر بالأمان في بيتي الجديد",
        "मेरी सामाजिक कार्यकर्ता मेरी बात सुनती है",
        "我的社工很好，她听我说话",
        "Моя соціальна працівниця завжди приходить вчасно",
        "ਮੈਨੂੰ ਆਪਣੇ ਪਰਿਵਾਰ ਨੂੰ ਹੋਰ ਮਿਲਣਾ ਚਾਹੀਦਾ ਹੈ",
        "Zoë's carer said “it’s fine” – it wasn't",
        "<script>alert('x')</script> & <b>bold</b>",
    ]
    quotes = [Quote(text=t, period="2017/18 Q1", speaker="Female, 15") for t in texts]
    assert store.add_quotes(quotes).quotes_added == len(texts)
    assert {q.text for q in store.quotes()} == set(texts)
    assert store.get_quote(quotes[1].id).text == texts[1]


def test_times_come_back_in_utc(store: Store):
    q = Quote(text="x")
    store.add_quotes([q])
    stored = store.add_tag(Tag(q.id, "good", "alice"))
    [back] = store.tag_history(q.id)
    assert back.at.utcoffset().total_seconds() == 0
    assert abs((back.at - stored.at).total_seconds()) < 1e-3
    entry = store.audit_log(limit=1)[0]
    assert entry["action"] == "tag" and entry["at"].utcoffset().total_seconds() == 0


def test_batches_are_one_transaction(store: Store):
    """A stream that fails late (a bad row at the end of a big file) stores nothing."""
    store.add_quotes([Quote(text="stored before")])

    def batches():
        for b in range(3):
            qs = [Quote(text=f"batch {b} quote {i}") for i in range(700)]
            yield qs, [Tag(qs[0].id, "good", "file")]
        raise ValueError("row 2101: bad label")

    with pytest.raises(ValueError, match="row 2101"):
        store.add_quote_batches(batches(), who="alice")
    assert store.count_quotes() == 1 and store.all_tags() == []
    result = store.add_quote_batches(([Quote(text=f"q{i}")], []) for i in range(3))
    assert (result.quotes_added, result.already_stored) == (3, 0)
    again = store.add_quote_batches([([Quote(text="q1"), Quote(text="new")], [])])
    assert (again.quotes_added, again.already_stored) == (1, 1)


def test_prefix_lookup_is_case_blind_and_literal(store: Store):
    q = Quote(text="prefix me")
    store.add_quotes([q, Quote(text="another")])
    assert store.get_quote(q.id[:8].upper()) == q
    assert store.get_quote("%%%%%%") is None and store.get_quote("______") is None


def test_foreign_key_problem_is_a_store_error(store: Store):
    with pytest.raises(StoreError, match="not stored"):
        store.add_tags([Tag("0123456789abcdef", "good", "model", origin="model")])


def test_unknown_quote_and_bad_label_are_voice_errors(store: Store):
    """NotFoundError is a KeyError, InputError a ValueError: old ``except`` clauses still catch them."""
    from voice.errors import InputError, NotFoundError, VoiceError

    q = Quote(text="tag me")
    store.add_quotes([q])
    with pytest.raises(NotFoundError) as missing:
        store.add_tag(Tag("0123456789abcdef", "good", "alice"))
    assert isinstance(missing.value, KeyError) and missing.value.message == "0123456789abcdef"
    with pytest.raises(InputError, match="unknown label 'great': use one of") as bad:
        store.add_tag(Tag(q.id, "great", "alice"))
    assert isinstance(bad.value, ValueError)
    with pytest.raises(VoiceError, match="unknown label"):
        store.add_quotes([Quote(text="other")], [Tag(q.id, "great", "file")])
    assert store.all_tags() == [] and store.count_quotes() == 1


def test_transaction_and_audit_commit_together_or_not_at_all(store: Store):
    """``Store.transaction()`` and ``Store.audit(..., conn=)``: the seams the theme edits use."""
    from voice.store._tables import notes_table, tags_table

    with store.transaction() as conn:
        conn.execute(notes_table.insert(), [{"text": "kept", "period": None}])
        store.audit("alice", "note", "kept", conn=conn)
    with pytest.raises(RuntimeError, match="changed my mind"), store.transaction() as conn:
        conn.execute(notes_table.insert(), [{"text": "dropped", "period": None}])
        store.audit("alice", "note", "dropped", conn=conn)
        raise RuntimeError("changed my mind")
    assert [n.text for n in store.notes()] == ["kept"]
    assert [(e["who"], e["detail"]) for e in store.audit_log()] == [("alice", "kept")]
    orphan = {
        "quote_id": "0123456789abcdef",
        "label": "good",
        "who": "a",
        "origin": "human",
        "at": datetime.now(UTC),
    }
    with pytest.raises(StoreError, match="could not write to") as info, store.transaction() as conn:
        conn.execute(tags_table.insert(), [orphan])  # a driver error (foreign key) becomes one line
    assert "\n" not in str(info.value)


# -- opening databases ---------------------------------------------------------------------------------


def test_bad_urls_are_one_line_errors(tmp_path):
    with pytest.raises(StoreError, match="not a database URL"):
        Store("this is not a url")
    with pytest.raises(StoreError, match=r"driver .* is not installed"):
        Store("mysql://user:secret@localhost/voice")
    with pytest.raises(StoreError, match="cannot open the database") as info:
        Store(f"postgresql://voice:secret@/voice?host={tmp_path}&connect_timeout=2")
    assert "secret" not in str(info.value)


def test_postgres_url_without_driver_means_psycopg():
    from voice.store import normalise_url

    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_not_a_database_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "voice.db"
    bad.write_bytes(b"this is a spreadsheet, not a database\n" * 200)
    with pytest.raises(StoreError, match="not a Voice database or is damaged"):
        Store(f"sqlite:///{bad}")


def test_undo_withdraws_the_newest_human_tag_and_keeps_history(store: Store):
    q = Quote(text="Sometimes they listen", source="s", period="2017/18 Q1")
    store.add_quotes([q])
    assert store.undo_tag(q.id, who="alice") is None  # nothing to undo
    store.add_tag(Tag(q.id, "good", who="m", origin="model", model_version="m1"))
    store.add_tag(Tag(q.id, "unsure", who="alice"))
    store.add_tag(Tag(q.id, "not_so_good", who="alice"))
    undo = store.undo_tag(q.id, who="alice")
    assert undo is not None and undo.origin == "undo" and undo.label == "not_so_good"
    assert store.current_tags()[q.id].label == "unsure"
    store.undo_tag(q.id, who="alice")
    current = store.current_tags()[q.id]
    assert (current.origin, current.label) == ("model", "good")
    assert [t.origin for t in store.tag_history(q.id)] == ["model", "human", "human", "undo", "undo"]
    assert [a["action"] for a in store.audit_log(limit=2)] == ["undo tag", "undo tag"]
