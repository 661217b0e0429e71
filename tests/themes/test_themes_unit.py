"""Theme engine, summaries and saved edits with a small fake embedder (fast).

The real-embedder tests are in test_themes_real.py; the commands in test_themes_cli.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.metrics import adjusted_mutual_info_score

import voice.store as theme_store
from voice.records import Quote
from voice.themes import (
    OTHER,
    Anchor,
    CentreDiversePicker,
    CTfidfLabeller,
    HybridReducer,
    KMeansClusterer,
    ThemeResult,
    anchor_from_phrases,
    build_themes,
    is_non_answer,
    load_framework,
    overview,
    summarise,
    themes_for_period,
)

TOPICS = {
    "school": ["school", "teacher", "lessons", "homework", "classroom", "exams"],
    "worker": ["social", "worker", "visits", "calls", "phoned", "changed"],
    "home": ["foster", "carer", "bedroom", "house", "placement", "moved"],
}


def topic_quotes(per_topic: int = 20, seed: int = 0, prefix: str = "") -> tuple[list[Quote], dict[str, str]]:
    """Quotes of three made-up topics (four topic words each) and their true topic."""
    rng = np.random.default_rng(seed)
    quotes, truth = [], {}
    for topic, words in TOPICS.items():
        for i in range(per_topic):
            picked = rng.choice(words, size=4, replace=False)
            q = Quote(text=f"{' '.join(picked)} {prefix}{topic}{i}", source="test", period="2017/18 Q1")
            quotes.append(q)
            truth[q.id] = topic
    return quotes, truth


@pytest.fixture
def fake(fake_embedder):  # type: ignore[no-untyped-def]
    """The shared :class:`FakeEmbedder` of conftest.py."""
    return fake_embedder


# -- steps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   ", "n/a", "N/A.", "Don't know", "dont know", "Nothing.", "nothing really", "No comment",
     "no comments", "None", "-", "?", "I don't know", "Not sure", "Can't think of anything", "no idea"],
)  # fmt: skip
def test_non_answers_are_recognised(text):
    assert is_non_answer(text)


@pytest.mark.parametrize(
    "text",
    ["Nothing, it was great", "No one listens to me", "I don't know why they changed my worker",
     "Not sure my social worker cares", "Nothing was explained to me", "None of them came to my review"],
)  # fmt: skip
def test_answers_that_start_like_non_answers_are_answers(text):
    assert not is_non_answer(text)


def test_ctfidf_keywords_are_distinctive_lemmas_and_pairs():
    groups = {
        "a": [
            "My social worker never listens to me",
            "The social worker listened to my views",
            "Social workers keep changing",
        ],
        "b": ["School was good today", "I like my new school", "My teachers at school help me"],
    }
    lab = CTfidfLabeller()
    kw = lab.keywords(groups)
    assert kw["a"][0] in ("social worker", "social", "worker")
    assert "social worker" in kw["a"]
    assert kw["b"][0] == "school"
    assert not set(kw["a"]) & {"my", "the", "to", "me"}
    label = lab.label(kw["a"])
    assert " / " in label and len(label) < 40
    assert label.split(" / ")[0] != label.split(" / ")[1]


def test_label_skips_terms_that_repeat_a_word():
    assert (
        CTfidfLabeller().label(["social worker", "social", "listening", "worker"])
        == "social worker / listening"
    )
    assert CTfidfLabeller().label([]) == "(no keywords)"


def test_label_leads_with_topic_words_not_praise():
    lab = CTfidfLabeller()
    assert lab.label(["good", "staff", "friendly staff", "ward", "excellent"]) == "friendly staff / ward"
    assert lab.label(["service", "excellent service", "good service", "good"]) == "excellent service"
    assert lab.label(["driver", "drivers", "vehicle"]) == "driver / vehicle"  # same word, plural


def test_label_names_general_praise_and_complaint():
    lab = CTfidfLabeller()
    assert lab.label(["good", "perfect", "great", "staff"]) == "general praise: good / perfect"
    assert lab.label(["poor", "terrible", "bad", "rude"]) == "general complaint: poor / terrible"
    assert lab.label(["good", "poor", "bad", "fine"]) == "good / poor"  # mixed tone: no verdict
    assert lab.label(["poor", "waiting", "staff", "phone", "bad"]) == "waiting / staff"  # tone does not lead


def test_more_smoothing_steps_change_the_features(fake):
    texts = [f"{'abc'[i % 3]} {'xy'[i % 2]} quote {i}" for i in range(90)]
    emb = fake.embed(texts)
    one = HybridReducer(smooth_steps=1).fit_transform(texts, emb, fake)
    two = HybridReducer(smooth_steps=2).fit_transform(texts, emb, fake)
    assert one.shape == two.shape and not np.allclose(one, two)
    assert np.allclose(np.linalg.norm(two, axis=1), 1.0, atol=1e-5)


def test_picker_prefers_centre_and_skips_near_duplicates(fake):
    texts = [
        "school teacher lessons homework",
        "school teacher lessons homework!",  # same words: a near-duplicate
        "school teacher exams classroom",
        "school lessons exams homework",
        "foster carer bedroom",
    ]
    picks = CentreDiversePicker(n=3, min_words=2).pick(texts, fake.embed(texts))
    assert len(picks) == 3
    assert not {0, 1} <= set(picks)
    assert 4 not in picks[:2]


def test_kmeans_clusterer_finds_k_by_silhouette():
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((4, 10)) * 5
    x = np.vstack([c + rng.standard_normal((30, 10)) for c in centres])
    c = KMeansClusterer(tolerance=0.0, min_k=2)
    labels = c.fit_predict(x)
    assert c.chosen_k_ == 4
    assert len(set(labels)) == 4
    assert c.scores_ and max(c.scores_, key=c.scores_.get) == 4


def test_kmeans_clusterer_keeps_a_floor_of_themes_when_there_are_quotes_enough():
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((4, 10)) * 5
    x = np.vstack([c + rng.standard_normal((30, 10)) for c in centres])
    c = KMeansClusterer(tolerance=0.0, min_k=6)
    c.fit_predict(x)
    assert min(c.candidates(120)) == 5  # at most half the largest k tried (√120 → 10)
    assert c.chosen_k_ == 5
    assert min(c.candidates(9)) == 2  # a handful of quotes: no floor


# -- build_themes --------------------------------------------------------------------------


def test_build_themes_finds_the_topics(fake):
    quotes, truth = topic_quotes()
    r = build_themes(quotes, fake)
    assert isinstance(r, ThemeResult)
    assert set(r.assignment) == {q.id for q in quotes}
    pred = [r.assignment[q.id] for q in quotes]
    assert adjusted_mutual_info_score([truth[q.id] for q in quotes], pred) > 0.8
    assert len(r.themes) == 3
    for t in r.themes:
        assert t.quote_ids and set(t.representative_ids) <= set(t.quote_ids)
        assert 1 <= len(t.representative_ids) <= 3
        assert t.keywords and t.label
    school = next(t for t in r.themes if sum(truth[q] == "school" for q in t.quote_ids) > 10)
    assert set(school.label.split()) & set(TOPICS["school"]) and " / " not in school.label  # a phrase
    assert set(r.coords) == set(r.assignment)
    assert all(len(xy) == 2 for xy in r.coords.values())


def test_same_input_same_themes(fake):
    quotes, _ = topic_quotes()
    a, b = build_themes(quotes, fake), build_themes(quotes, fake)
    assert a.assignment == b.assignment
    assert [(t.id, t.label, t.representative_ids) for t in a.themes] == [
        (t.id, t.label, t.representative_ids) for t in b.themes
    ]
    assert a.coords == b.coords


def test_non_answers_never_form_a_theme_and_are_counted(fake):
    quotes, _ = topic_quotes(per_topic=10)
    junk = [
        Quote(text=t, source="x", period="2017/18 Q1")
        for t in ["don't know", "n/a", "Nothing", "", "No comment"] * 3
    ]
    r = build_themes(quotes + junk, fake)
    junk_ids = {q.id for q in junk}
    assert set(r.non_answers) == junk_ids  # duplicates (same id) count once
    assert not junk_ids & set(r.assignment)
    assert all(not junk_ids & set(t.quote_ids) for t in r.themes)
    assert r.theme_of(junk[0].id) == "non_answer" and r.label_of(junk[0].id) == "Non-answer"


def test_an_unrelated_quote_goes_to_other_and_its_share_is_reported(fake):
    quotes, _ = topic_quotes(per_topic=15)
    odd = Quote(text="zebra xylophone quasar nebula", source="x")
    r = build_themes([*quotes, odd], fake)
    assert r.assignment[odd.id] == OTHER
    assert odd.id in r.other
    assert r.other_share == pytest.approx(len(r.other) / r.answered)
    assert r.label_of(odd.id) == "Other"


def test_too_few_quotes_for_clustering(fake):
    r = build_themes([Quote(text="school teacher lessons")], fake)
    assert r.assignment and not r.themes
    assert build_themes([], fake).themes == []


def test_anchor_attracts_its_quotes_and_fixed_quotes_stay(fake):
    quotes, truth = topic_quotes()
    anchor = anchor_from_phrases("pin-home", "placement and home", ["foster carer", "my bedroom house"], fake)
    moved = next(q for q in quotes if truth[q.id] == "school")
    r = build_themes(quotes, fake, anchors=[anchor], fixed={moved.id: "pin-home"})
    home = r.theme("pin-home")
    assert home is not None and home.pinned and home.label == "placement and home"
    homes = {q.id for q in quotes if truth[q.id] == "home"}
    assert len(homes & set(home.quote_ids)) >= 0.8 * len(homes)
    assert r.assignment[moved.id] == "pin-home"


def test_empty_pinned_anchor_is_still_shown(fake):
    quotes, _ = topic_quotes(per_topic=10)
    far = Anchor("pin-x", "feeling safe", np.eye(64, dtype=np.float32)[0], 0.99, ("safe",), pinned=True)
    r = build_themes(quotes, fake, anchors=[far])
    t = r.theme("pin-x")
    assert t is not None and t.size == 0 and t.keywords == ("safe",)


def test_previous_result_keeps_old_assignments_and_places_new_quotes(fake):
    quotes, truth = topic_quotes(per_topic=20)
    first = build_themes(quotes, fake)
    more, more_truth = topic_quotes(per_topic=2, seed=5, prefix="new")
    second = build_themes([*quotes, *more], fake, previous=first)
    assert all(second.assignment[q.id] == first.assignment[q.id] for q in quotes)
    for q in more:  # each new quote joins the theme that holds its topic
        tid = second.assignment[q.id]
        members = first.theme(tid).quote_ids if first.theme(tid) else ()
        assert sum(truth[m] == more_truth[q.id] for m in members) > len(members) / 2


# -- summaries -----------------------------------------------------------------------------


def _result(fake):  # type: ignore[no-untyped-def]
    school, home = TOPICS["school"], TOPICS["home"]
    quotes = [
        Quote(
            text=" ".join(school[(i + j) % 6] for j in range(4)), gender="Female", age=15, period="2017/18 Q1"
        )
        for i in range(6)
    ] + [
        Quote(text=" ".join(home[(i + j) % 6] for j in range(4)), gender="Male", age=12, period="2017/18 Q1")
        for i in range(3)
    ]
    quotes.append(Quote(text="don't know", period="2017/18 Q1"))
    return quotes, build_themes(quotes, fake)


def test_summaries_split_labels_change_and_quotes(fake):
    quotes, r = _result(fake)
    school = next(t for t in r.themes if t.size == 6)
    labels = {
        school.quote_ids[0]: "good",
        school.quote_ids[1]: "not_so_good",
        school.quote_ids[2]: "not_so_good",
    }
    s = {x.theme_id: x for x in summarise(r, quotes, labels, previous={school.id: 2})}[school.id]
    assert s.size == 6 and s.counts == {"good": 1, "unsure": 0, "not_so_good": 2, "untagged": 3}
    assert s.previous == 2 and s.change == 4 and s.change_text.startswith("up 4")
    assert s.quotes and s.quotes[0].attribution == "Female, 15"
    assert "6 quotes" in s.sentence and "2 not so good" in s.sentence and "For example" in s.sentence
    assert 2 <= len(s.quotes) <= 3 and s.keywords


def test_summaries_take_tags_and_apply_formatter_and_transform(fake):
    from voice.records import Tag

    quotes, r = _result(fake)
    home = next(t for t in r.themes if t.size == 3)
    labels = {q: Tag(q, "good", "officer") for q in home.quote_ids}
    small = lambda n: "<5" if 0 < n < 5 else str(n)  # noqa: E731
    out = summarise(r, quotes, labels, count_formatter=small, text_transform=lambda t: t.upper())
    s = next(x for x in out if x.theme_id == home.id)
    assert s.counts["good"] == 3 and s.count_texts["good"] == "<5" and s.size_text == "<5"
    assert s.label == s.label.upper() and all(q.text == q.text.upper() for q in s.quotes)
    assert "3 quotes" not in s.sentence and "<5 quotes" in s.sentence
    prev = summarise(r, quotes, labels, previous={home.id: 9}, count_formatter=small)
    assert next(x for x in prev if x.theme_id == home.id).change_text == "change not shown (small numbers)"


def test_overview_names_largest_themes_change_non_answers_and_other(fake):
    quotes, r = _result(fake)
    sums = summarise(r, quotes, {}, previous={t.id: 1 for t in r.themes})
    text = overview(sums, "2017/18 Q1", r)
    assert text.startswith("In 2017/18 Q1, 9 quotes fell into 2 themes.")
    assert "grew most (up 5)" in text
    assert '1 answer said nothing (such as "don\'t know"' in text
    hidden = overview(sums, "2017/18 Q1", r, count_formatter=lambda n: "<5" if n < 5 else str(n))
    assert "1 answer" not in hidden and "<5 answers" in hidden


# -- saved edits (real SQLite store, fake embedder) ----------------------------------------


def _store_with(store, quotes):  # type: ignore[no-untyped-def]
    store.add_quotes(quotes)
    return store


@pytest.mark.both_databases
def test_first_run_pins_starter_themes_and_saves_assignments(store, fake):
    quotes, _ = topic_quotes()
    _store_with(store, quotes)
    r = themes_for_period(store, "2017/18 Q1", fake, who="tester")
    saved = theme_store.stored_themes(store)
    framework = load_framework()  # the children's services framework's themes are the starters
    assert sum(t.pinned for t in saved) == len(framework.themes)
    assert {t.label for t in saved if t.pinned} == {t.name for t in framework.themes}
    assert {t.label for t in saved if t.pinned} >= {"feeling safe", "getting help in time"}
    school = next(t for t in saved if t.label == "school and learning")
    assert school.id == "pin-school-and-learning" and "I like my school" in school.seed_phrases
    members = theme_store.memberships(store)
    assert {q for q, t in r.assignment.items() if t != OTHER} == set(members)
    assert all(m.origin == "model" for m in members.values())
    assert any(e["action"] == "run" for e in theme_store.edit_log(store))
    assert any(a["action"] == "themes run" for a in store.audit_log())


@pytest.mark.both_databases
def test_edits_persist_across_reruns_and_new_quotes_join(store, fake):
    quotes, truth = topic_quotes()
    _store_with(store, quotes)
    r1 = themes_for_period(store, "2017/18 Q1", fake, starters=False)
    by_topic = {truth[t.quote_ids[0]]: t for t in r1.themes}
    school, home, worker = by_topic["school"], by_topic["home"], by_topic["worker"]

    theme_store.rename_theme(store, school.id, "school and learning", "officer")
    merged = theme_store.merge_themes(store, [home.id, worker.id], "people and places", "officer")
    moved = school.quote_ids[0]
    theme_store.move_quote(store, moved, merged.id, "officer")
    split_off = [q for q in school.quote_ids[1:4]]
    part = theme_store.split_theme(store, school.id, split_off, "homework", "officer")
    pin = theme_store.pin_theme(store, "exams", ["exams classroom"], "officer")

    more, _ = topic_quotes(per_topic=3, seed=9, prefix="later")
    store.add_quotes(more)
    r2 = themes_for_period(store, "2017/18 Q1", fake, starters=False)
    assert r2.theme(school.id).label == "school and learning" and r2.theme(school.id).edited
    assert r2.theme(home.id) is None and r2.theme(worker.id) is None
    assert r2.assignment[moved] == merged.id
    assert all(r2.assignment[q] == part.id for q in split_off)
    assert r2.theme(pin.id) is not None and r2.theme(pin.id).pinned
    kept = [q for q in r1.assignment if q != moved and q not in split_off]
    assert all(r2.assignment[q] in (r1.assignment[q], merged.id) for q in kept)
    assert all(r2.assignment[q.id] != OTHER for q in more)
    actions = [e["action"] for e in theme_store.edit_log(store)]
    assert {"rename", "merge", "move", "split", "pin", "run"} <= set(actions)
    audit = {a["action"] for a in store.audit_log()}
    assert {"theme rename", "theme merge", "theme move", "theme split", "theme pin"} <= audit
    retired = {t.id: t for t in theme_store.stored_themes(store, include_retired=True)}
    assert retired[home.id].merged_into == merged.id and not retired[home.id].active


@pytest.mark.both_databases
def test_rebuild_keeps_only_what_people_touched(store, fake):
    quotes, _ = topic_quotes()
    _store_with(store, quotes)
    r1 = themes_for_period(store, None, fake, starters=False)
    keep = r1.themes[0]
    theme_store.rename_theme(store, keep.id, "kept", "officer")
    untouched = [t.id for t in r1.themes[1:]]
    r2 = themes_for_period(store, None, fake, starters=False, rebuild=True)
    assert r2.theme(keep.id).label == "kept"
    live = {t.id for t in theme_store.stored_themes(store)}
    assert {t.id for t in r2.themes} <= live  # every theme shown is saved and active
    assert set(untouched) & live <= {t.id for t in r2.themes}  # the old ones only if found again
    members = theme_store.memberships(store)
    assert all(members[q].theme_id == t for q, t in r2.assignment.items() if t != OTHER)
    assert any(e["action"] == "rebuild" for e in theme_store.edit_log(store))


@pytest.mark.both_databases
def test_edit_errors_are_clear(store, fake):
    quotes, _ = topic_quotes(per_topic=5)
    _store_with(store, quotes)
    r = themes_for_period(store, None, fake, starters=False)
    t = r.themes[0]
    with pytest.raises(KeyError, match="no theme with id 'nope'"):
        theme_store.rename_theme(store, "nope", "x", "officer")
    with pytest.raises(ValueError, match="cannot be empty"):
        theme_store.rename_theme(store, t.id, "  ", "officer")
    with pytest.raises(ValueError, match="who is making the edit"):
        theme_store.rename_theme(store, t.id, "x", "")
    with pytest.raises(ValueError, match="at least two"):
        theme_store.merge_themes(store, [t.id, t.id], "x", "officer")
    outsider = next(q for q in r.assignment if q not in t.quote_ids)
    with pytest.raises(ValueError, match=f"quote {outsider} is not in theme {t.id}"):
        theme_store.split_theme(store, t.id, [outsider], "x", "officer")
    with pytest.raises(KeyError, match="no quote"):
        theme_store.move_quote(store, "ffffffffffffffff", t.id, "officer")
    merged = theme_store.merge_themes(store, [r.themes[0].id, r.themes[1].id], "both", "officer")
    with pytest.raises(ValueError, match=f"merged into {merged.id}"):
        theme_store.rename_theme(store, t.id, "x", "officer")
    assert theme_store.move_quote(store, outsider, "other", "officer").theme_id == "other"
    r2 = themes_for_period(store, None, fake, starters=False)
    assert r2.assignment[outsider] == OTHER


def test_edit_errors_are_voice_errors_that_old_excepts_still_catch(store):
    """Unknown ids are NotFoundError (a KeyError), bad edits InputError (a ValueError): both VoiceErrors."""
    from voice.errors import InputError, NotFoundError, VoiceError

    q = Quote(text="I feel safe at home")
    store.add_quotes([q])
    a = theme_store.pin_theme(store, "feeling safe", [], "officer")
    b = theme_store.pin_theme(store, "being heard", [], "officer")
    merged = theme_store.merge_themes(store, [a.id, b.id], "both", "officer")
    not_found = [
        lambda: theme_store.rename_theme(store, "nope", "x", "officer"),
        lambda: theme_store.move_quote(store, "ffffffffffffffff", merged.id, "officer"),
        lambda: theme_store.split_theme(store, merged.id, ["ffffffffffffffff"], "x", "officer"),
    ]
    for call in not_found:
        with pytest.raises(NotFoundError) as info:
            call()
        assert isinstance(info.value, VoiceError) and isinstance(info.value, KeyError)
        assert info.value.message.startswith(
            ("no theme with id 'nope'", "no quote with id 'ffffffffffffffff'")
        )
    bad_input = {
        "cannot be empty": lambda: theme_store.rename_theme(store, merged.id, " ", "officer"),
        "at most 200 characters": lambda: theme_store.pin_theme(store, "x" * 201, [], "officer"),
        "who is making the edit": lambda: theme_store.pin_theme(store, "x", [], " "),
        "at least two": lambda: theme_store.merge_themes(store, [merged.id], "x", "officer"),
        f"merged into {merged.id}": lambda: theme_store.rename_theme(store, a.id, "x", "officer"),
        "at least one quote": lambda: theme_store.split_theme(store, merged.id, [], "x", "officer"),
        f"is not in theme {merged.id}": lambda: theme_store.split_theme(
            store, merged.id, [q.id], "x", "officer"
        ),
    }
    for message, call in bad_input.items():
        with pytest.raises(InputError, match=re.escape(message)) as info:
            call()
        assert isinstance(info.value, VoiceError) and isinstance(info.value, ValueError)


@pytest.mark.both_databases
def test_pinning_again_updates_seeds_and_starters_are_idempotent(store, fake):
    a = theme_store.pin_theme(store, "Feeling safe", ["I feel safe"], "officer")
    b = theme_store.pin_theme(store, "feeling  safe", ["safe at home"], "officer")
    assert a.id == b.id == "pin-feeling-safe"
    assert "safe at home" in b.seed_phrases
    first = theme_store.seed_starter_themes(store, "officer")
    assert len(first) == 7  # "feeling safe" was already pinned
    assert theme_store.seed_starter_themes(store, "officer") == []
    own = theme_store.seed_starter_themes(
        store, "officer", [("being heard", ["they listen"], "pin-listened")]
    )
    assert [t.id for t in own] == ["pin-listened"] and own[0].label == "being heard"
    with pytest.raises(ValueError, match="pin-"):  # an InputError
        theme_store.pin_theme(store, "x", [], "officer", theme_id="listened")


def test_class_splits_count_peoples_tags_only(fake):
    """A theme's split never counts the model's proposals as anyone's judgement (#15)."""
    from voice.records import HUMAN, MODEL, Tag
    from voice.themes import build_themes, summarise

    quotes = [Quote(text=f"the meetings were long {i}", source="S", period="2017/18 Q1") for i in range(6)]
    result = build_themes(quotes, embedder=fake)
    labels = {q.id: Tag(quote_id=q.id, label="good", who="model", origin=MODEL) for q in quotes}
    labels[quotes[0].id] = Tag(quote_id=quotes[0].id, label="not_so_good", who="alice", origin=HUMAN)
    summaries = summarise(result, quotes, labels)
    total = {c: sum(s.counts[c] for s in summaries) for c in ("good", "not_so_good", "untagged")}
    assert total == {"good": 0, "not_so_good": 1, "untagged": len(quotes) - 1 - len(result.non_answers)}
    assert all("good" not in s.sentence.replace("not so good", "") for s in summaries)
