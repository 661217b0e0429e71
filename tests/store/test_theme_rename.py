"""Renaming a theme: its scope (every quarter, or one quarter only) and duplicate labels.

A real SQLite store and the real theme runs (with the shared fake embedder for speed).
"""

from __future__ import annotations

import pytest

import voice.store as theme_store
from voice.errors import InputError, VoiceError
from voice.records import Quote
from voice.store._themes import get_theme
from voice.themes import themes_for_period

WORDS = {
    "school": "school teacher lessons homework",
    "worker": "social worker visits phoned",
    "home": "foster carer bedroom placement",
}
PERIODS = ("2017/18 Q1", "2017/18 Q2")


@pytest.fixture
def themed(store, fake_embedder):  # type: ignore[no-untyped-def]
    """Two quarters of quotes on three topics, themed once across both quarters."""
    quotes = [
        Quote(text=f"{words} {topic}{i} {p}", source="test", period=p)
        for p in PERIODS
        for topic, words in WORDS.items()
        for i in range(6)
    ]
    store.add_quotes(quotes)
    themes_for_period(store, None, fake_embedder, starters=False)
    return store


def _biggest(store) -> theme_store.StoredTheme:  # type: ignore[no-untyped-def]
    sizes = {t.id: len(theme_store.theme_quote_ids(store, t.id)) for t in theme_store.stored_themes(store)}
    return next(t for t in theme_store.stored_themes(store) if sizes[t.id] == max(sizes.values()))


def test_rename_applies_in_every_quarter(themed) -> None:  # type: ignore[no-untyped-def]
    t = _biggest(themed)
    per_period = {p: theme_store.theme_quote_ids(themed, t.id, p) for p in PERIODS}
    assert all(per_period.values())  # the theme has quotes in both quarters
    theme_store.rename_theme(themed, t.id, "learning", "officer")
    assert get_theme(themed, t.id).label == "learning"
    assert {p: theme_store.theme_quote_ids(themed, t.id, p) for p in PERIODS} == per_period


def test_rename_for_one_quarter_only_leaves_the_others(themed, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    t = _biggest(themed)
    q1, q2 = (theme_store.theme_quote_ids(themed, t.id, p) for p in PERIODS)
    new = theme_store.rename_theme(themed, t.id, "learning this quarter", "officer", period=PERIODS[0])
    assert new.id != t.id and new.label == "learning this quarter"
    assert sorted(theme_store.theme_quote_ids(themed, new.id)) == sorted(q1)
    assert theme_store.theme_quote_ids(themed, t.id) == q2
    assert get_theme(themed, t.id).label == t.label  # its old name in the other quarter
    again = {p: themes_for_period(themed, p, fake_embedder, starters=False) for p in PERIODS}
    assert {again[PERIODS[0]].label_of(q) for q in q1} == {"learning this quarter"}
    assert {again[PERIODS[1]].label_of(q) for q in q2} == {t.label}
    with pytest.raises(InputError, match="has no quotes in 2016/17 Q1"):
        theme_store.rename_theme(themed, t.id, "x", "officer", period="2016/17 Q1")


def test_rename_to_a_name_in_use_is_refused_with_a_hint(themed) -> None:  # type: ignore[no-untyped-def]
    first, second = theme_store.stored_themes(themed)[:2]
    theme_store.rename_theme(themed, second.id, "School Life", "officer")
    before = len(theme_store.edit_log(themed))
    with pytest.raises(VoiceError, match="a theme called 'School Life' already exists") as info:
        theme_store.rename_theme(themed, first.id, "  school   life ", "officer")
    assert isinstance(info.value, InputError)
    assert f"voice theme merge {first.id} {second.id}" in str(info.value)
    assert get_theme(themed, first.id).label == first.label  # nothing saved
    assert len(theme_store.edit_log(themed)) == before
    assert theme_store.same_label(themed, "school life") == get_theme(themed, second.id)
    assert theme_store.same_label(themed, "school life", except_id=second.id) is None
    theme_store.rename_theme(themed, second.id, "school life", "officer")  # its own name: fine
    kept = theme_store.rename_theme(themed, first.id, "School life", "officer", allow_duplicate=True)
    assert kept.label == "School life"
