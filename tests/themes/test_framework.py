"""The children's services framework: the file's checks, assignment by meaning (real MiniLM),
the choice between the framework and the NHS guide, sizes a reader can trust."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from voice import config
from voice.embed import CachedEmbedder, EmbeddingCache, unit_rows
from voice.errors import VoiceError
from voice.records import OTHER_THEME, Quote
from voice.themes import (
    Anchor,
    FrameworkError,
    ThemeResult,
    build_themes,
    framework_anchors,
    framework_starters,
    label_problems,
    load_framework,
    name_clusters,
    scrutiny_view,
    theme_with_scheme,
)
from voice.themes._build import Theme
from voice.themes._sizes import dissolve_small_themes

GOOD = {
    "name": "school",
    "description": "School and teachers.",
    "examples": ["I like my school", "my teacher helps me"],
}


def write(tmp_path: Path, data: object, name: str = "fw.json") -> Path:
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return p


def themes(*extra: dict) -> dict:
    base = [GOOD, {**GOOD, "name": "family"}, {**GOOD, "name": "feeling safe"}]
    return {"name": "test", "themes": [*base, *extra]}


# -- the file ---------------------------------------------------------------------------------------


def test_the_shipped_framework_loads_with_12_to_16_themes_each_described_and_sourced():
    fw = load_framework(config.THEME_FRAMEWORK_FILE)
    assert 12 <= len(fw.themes) <= 16
    assert len({t.id for t in fw.themes}) == len(fw.themes)
    for t in fw.themes:
        assert t.description and len(t.examples) >= 3 and t.sources, t.name
    assert [(name, tid) for name, _, tid in framework_starters(fw)] == [(t.name, t.id) for t in fw.themes]


def test_voice_theme_framework_points_at_a_council_copy(tmp_path, monkeypatch):
    own = write(tmp_path, themes())
    monkeypatch.setenv("VOICE_THEME_FRAMEWORK", str(own))
    assert config.theme_framework_file() == own
    assert [t.name for t in load_framework().themes] == ["school", "family", "feeling safe"]
    monkeypatch.delenv("VOICE_THEME_FRAMEWORK")
    assert config.theme_framework_file() == config.THEME_FRAMEWORK_FILE


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("{not json", "not valid JSON (line 1"),
        ({"themes": "school"}, "must be a JSON object with a 'themes' list"),
        ({"themes": [GOOD]}, "has 1 themes; give 3 to 30"),
        (themes({"description": "no name", "examples": ["x"]}), "themes[3]: 'name' must be non-empty text"),
        (
            themes({**GOOD, "name": "bullying", "examples": []}),
            "themes[3] ('bullying'): 'examples' must be a list",
        ),
        (themes({**GOOD, "name": "bullying", "examples": ["ok", " "]}), "('bullying') example 2: 'example'"),
        (themes({**GOOD, "name": "bullying", "description": 3}), "('bullying'): 'description' must be"),
        (themes({**GOOD, "name": "bullying", "colour": "red"}), "('bullying'): unknown field(s) colour"),
        (themes({**GOOD, "name": "School!"}), "themes[3] ('School!'): same id as 'school' (pin-school"),
        (themes({**GOOD, "name": "lessons", "id": "family"}), "('lessons'): same id as 'family' (pin-family"),
        (themes({**GOOD, "name": "lessons", "id": "My School"}), "('lessons'): 'id' must be lower-case"),
        (themes({**GOOD, "name": "lessons", "id": 7}), "('lessons'): 'id' must be lower-case"),
    ],
)
def test_a_bad_framework_file_names_the_file_and_the_entry(tmp_path, data, says):
    path = write(tmp_path, data)
    with pytest.raises(FrameworkError) as err:
        load_framework(path)
    assert isinstance(err.value, VoiceError) and isinstance(err.value, ValueError)
    assert "fw.json" in err.value.message and says in err.value.message


def test_a_renamed_framework_theme_keeps_its_id_and_a_stores_quotes(tmp_path, store):
    import voice.store as theme_store

    before = load_framework(write(tmp_path, themes(), "before.json"))
    renamed = [{**GOOD, "name": "school and teachers", "id": "school"}, *themes()["themes"][1:]]
    after = load_framework(write(tmp_path, {"themes": renamed}, "after.json"))
    assert before.themes[0].id == after.themes[0].id == "pin-school"
    assert [t.id for t in after.themes[1:]] == [t.id for t in before.themes[1:]]
    pinned = theme_store.seed_starter_themes(store, "officer", framework_starters(before))
    assert [t.id for t in pinned] == [t.id for t in before.themes]
    assert (
        theme_store.seed_starter_themes(store, "officer", framework_starters(after)) == []
    )  # no second "school"
    kept = {t.id: t for t in theme_store.stored_themes(store)}["pin-school"]
    assert kept.label == "school"  # the store keeps its label: rename it there (voice theme rename)


@pytest.mark.slow
def test_a_store_takes_quotes_into_a_keyed_framework_theme_at_the_framework_bar(store, real):
    """A theme whose file gives an ``id`` is pinned as ``pin-<id>``; the store must know it as a
    framework theme, so quotes join it at THEME_FRAMEWORK_MIN_SIMILARITY like the others, not at
    the 0.45 of a council's own pins. The shipped "being heard and having a say" keeps the id
    pin-being-listened-to-and-having-a."""
    import voice.store as theme_store
    from voice.themes import themes_for_period
    from voice.themes._period import _anchors

    store.add_quotes([Quote(text="Nobody listens to me at my review", period="2017/18 Q1")])
    themes_for_period(store, "2017/18 Q1", real)
    saved = theme_store.stored_themes(store)
    everything = {q.id: q for q in store.quotes()}
    bars = {a.id: a.min_similarity for a in _anchors(saved, theme_store.memberships(store), everything, real)}
    framework = {t.id for t in load_framework().themes}
    assert "pin-being-listened-to-and-having-a" in framework and framework <= set(bars)
    assert {bars[t] for t in framework} == {config.THEME_FRAMEWORK_MIN_SIMILARITY}


def test_a_missing_framework_file_is_named(tmp_path):
    with pytest.raises(FrameworkError, match=r"nope\.json: no such theme framework file"):
        load_framework(tmp_path / "nope.json")


# -- sizes (pure) -------------------------------------------------------------------------------------


class Centre:
    """A target scored by the cosine to one direction."""

    def __init__(self, tid: str, vec: np.ndarray, pinned: bool = False) -> None:
        self.id, self.centre, self.pinned, self.edited = tid, vec, pinned, False

    def scores(self, emb: np.ndarray) -> np.ndarray:
        return emb @ self.centre


def test_small_themes_are_dissolved_into_their_nearest_neighbour_or_other():
    eye = np.eye(4, dtype=np.float32)
    emb = np.array([eye[0]] * 5 + [eye[1]] * 5 + [0.9 * eye[0] + 0.436 * eye[2], eye[3]], dtype=np.float32)
    ids = [f"q{i}" for i in range(len(emb))]
    assignment = dict(zip(ids, ["a"] * 5 + ["b"] * 5 + ["c", "d"], strict=True))
    targets = [Centre("a", eye[0]), Centre("b", eye[1]), Centre("c", eye[2]), Centre("d", eye[3])]
    rows = {q: i for i, q in enumerate(ids)}
    out = dissolve_small_themes(assignment, rows, emb, targets, 5, 0.25)
    assert out["q10"] == "a"  # nearest remaining theme
    assert out["q11"] == OTHER_THEME  # close to nothing that is left
    assert {t for t in out.values()} == {"a", "b", OTHER_THEME}
    kept = dissolve_small_themes(assignment, rows, emb, targets, 5, 0.25, fixed={"q11"})
    assert kept["q11"] == "d"  # a person's placement never moves
    pinned = [*targets[:3], Centre("d", eye[3], pinned=True)]
    assert dissolve_small_themes(assignment, rows, emb, pinned, 5, 0.25)["q11"] == "d"


def test_the_clusterer_tries_at_least_the_floor_as_far_as_the_top_allows():
    from voice.themes import KMeansClusterer

    assert KMeansClusterer().candidates(40) == [3, 4, 5, 6]
    assert KMeansClusterer(at_least=4).candidates(40) == [4, 5, 6]
    assert KMeansClusterer(at_least=4).candidates(12) == [3]  # the top (n/3, sqrt n) comes first


def test_a_floor_on_the_number_of_themes_tops_a_small_theme_up_with_the_cheapest_movers():
    eye = np.eye(4, dtype=np.float32)
    lean = unit(0.8 * eye[0] + 0.6 * eye[2])  # an "a" quote that also fits "c"
    emb = np.array([eye[0]] * 8 + [lean] + [eye[1]] * 8 + [eye[2]] * 3, dtype=np.float32)
    ids = [f"q{i}" for i in range(len(emb))]
    assignment = dict(zip(ids, ["a"] * 9 + ["b"] * 8 + ["c"] * 3, strict=True))
    targets = [Centre("a", eye[0]), Centre("b", eye[1]), Centre("c", eye[2])]
    rows = {q: i for i, q in enumerate(ids)}
    gone = dissolve_small_themes(assignment, rows, emb, targets, 5, 0.25)
    assert "c" not in gone.values()  # no floor: the small theme is dissolved
    kept = dissolve_small_themes(assignment, rows, emb, targets, 5, 0.25, min_count=3)
    sizes = {t: list(kept.values()).count(t) for t in "abc"}
    assert sizes == {"a": 7, "b": 8, "c": 5}, sizes
    assert kept["q8"] == "c"  # the quote that loses least by moving goes first
    assert all(kept[q] == "b" for q in ids[9:17])  # one cheap mover is enough from "a"; "b" gives none
    # nothing to spare (every other theme at the minimum, or its quotes placed by a person): dissolved
    tight = dict(zip(ids, ["a"] * 5 + ["x"] * 4 + ["b"] * 8 + ["c"] * 3, strict=True))
    fixed = set(ids[:17])
    out = dissolve_small_themes(tight, rows, emb, [*targets, Centre("x", eye[3])], 5, 0.25, fixed, 4)
    assert "c" not in out.values() and all(out[q] == tight[q] for q in fixed)


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_auto_chooses_by_the_mean_margin_over_the_file_not_a_share_of_quotes():
    from voice.themes import choose_scheme
    from voice.themes._build import Anchor

    eye = np.eye(3, dtype=np.float32)
    framework = [Anchor("f", "framework", eye[0], 0.35)]
    nhs = eye[1:2]
    # 6 of 10 quotes only just lean to the framework, 4 lean far: a share rule says no, the mean yes
    near, far = unit(eye[0] + 0.9 * eye[1]), unit(eye[0] + 0.1 * eye[1])
    emb = np.array([near] * 6 + [far] * 4)
    assert choose_scheme(framework, emb, nhs, margin=0.075) == "children"
    assert choose_scheme(framework, np.array([near] * 10), nhs, margin=0.075) == "nhs"
    assert choose_scheme(framework, np.zeros((0, 3)), nhs) == "children"  # nothing to go on


def test_scrutiny_view_folds_small_themes_into_other_and_hides_empty_ones():
    def theme(tid: str, n: int, pinned: bool = False) -> Theme:
        return Theme(tid, tid, (), tuple(f"{tid}{i}" for i in range(n)), (), pinned=pinned)

    big, small, empty = theme("big", 6), theme("small", 2), theme("empty", 0, pinned=True)
    assignment = {q: t.id for t in (big, small) for q in t.quote_ids} | {"x": OTHER_THEME}
    result = ThemeResult([big, small, empty], assignment, [], ["x"], {})
    view = scrutiny_view(result)
    assert [t.id for t in view.themes] == ["big"]
    assert set(view.other) == {"x", "small0", "small1"} and view.assignment["small0"] == OTHER_THEME
    assert result.theme("small") is not None  # the engine's result is left as it was
    assert scrutiny_view(ThemeResult([big], {q: "big" for q in big.quote_ids}, [], [], {})).themes == [big]


def test_scrutiny_view_with_an_embedder_dissolves_small_themes_into_the_nearest(fake_embedder):
    def theme(tid: str, texts: list[str]) -> Theme:
        return Theme(tid, tid, (), tuple(f"{tid}{i}" for i in range(len(texts))), (f"{tid}0",))

    school = ["school teacher lessons"] * 5
    homework = ["school teacher homework", "school lessons homework"]
    stray = ["zebra umbrella quantum"]
    groups = {"school": school, "homework": homework, "stray": stray}
    themes = [theme(tid, texts) for tid, texts in groups.items()]
    quotes = [Quote(text=t, id=f"{tid}{i}") for tid, texts in groups.items() for i, t in enumerate(texts)]
    result = ThemeResult(themes, {q.id: q.id.rstrip("0123456789") for q in quotes}, [], [], {})
    view = scrutiny_view(result, quotes=quotes, embedder=fake_embedder)
    assert [(t.id, t.size) for t in view.themes] == [("school", 7)]
    assert view.assignment["homework1"] == "school" and view.other == ["stray0"]


# -- real MiniLM ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> CachedEmbedder:
    d = tmp_path_factory.getbasetemp() / "themes-embeddings"
    d.mkdir(exist_ok=True)
    return CachedEmbedder(cache=EmbeddingCache(d / "embeddings.sqlite"))


OBVIOUS = {
    "I really miss my little brother, I only see him once a month at contact": "family time and contact",
    "My teachers at school help me with my maths homework": "school and learning",
    "There were too many people at my review meeting and nobody asked me anything": (
        "meetings, plans and reviews"
    ),
    "I have had four different social workers this year": "my social worker",
    "My personal adviser helped me move into my own flat": "leaving care and growing up",
    "I feel safe at home now, nobody shouts at me": "feeling safe",
}


@pytest.mark.slow
def test_in_a_store_each_obvious_quote_joins_its_pinned_framework_theme(store, real):
    from voice.themes import themes_for_period

    quotes = [Quote(text=t, period="2017/18 Q1") for t in OBVIOUS]
    store.add_quotes(quotes)
    r = themes_for_period(store, "2017/18 Q1", real)
    for q, want in zip(quotes, OBVIOUS.values(), strict=True):
        assert r.label_of(q.id) == want, q.text


@pytest.mark.slow
def test_grouped_by_framework_each_obvious_quote_joins_its_theme(real):
    quotes = [Quote(text=t, id=f"q{i}") for i, t in enumerate(OBVIOUS)]
    r, _ = theme_with_scheme(quotes, "children", real, min_theme_size=1)  # group_by="framework"
    for q, want in zip(quotes, OBVIOUS.values(), strict=True):
        assert r.label_of(q.id) == want, q.text
    grouped, _ = theme_with_scheme(quotes, "children", real, min_theme_size=1, group_by="meaning")
    assert sum(grouped.label_of(q.id) == w for q, w in zip(quotes, OBVIOUS.values(), strict=True)) < 6
    with pytest.raises(VoiceError, match="unknown grouping 'topics'"):
        theme_with_scheme(quotes, "children", real, group_by="topics")


SOCIAL_WORKER = [
    "I have had four different social workers this year",
    "My social worker always listens to me and comes when she says she will",
    "I never get to see my social worker, she keeps cancelling",
    "My new social worker explained everything to me and I trust her",
    "Social workers keep changing so I have to tell my story again and again",
    "My social worker rings me every week to see how I am",
]
SCHOOL = [
    "My teachers at school help me with my maths homework",
    "I moved school three times and had to make new friends each time",
    "School is hard because I miss lessons for meetings",
    "My teacher lets me have time out of class when I am upset",
    "I got good marks in my exams and my school was proud of me",
    "I would like more help with my homework and reading",
]
FOOD = [
    "The dinners at the centre are horrible and always cold",
    "I wish there was better food, it is always chips",
    "The sandwiches they gave us were stale",
    "There is never any fruit, only crisps and biscuits",
    "The pizza on Friday was nice but the rest of the food is bad",
]


def test_a_framework_theme_names_a_cluster_it_dominates_and_takes_no_quote_alone():
    vec = lambda *xs: np.array(xs, np.float32) / np.linalg.norm(xs)  # noqa: E731
    school = Anchor("pin-school", "school and learning", vec(1, 0, 0), 0.5, names_clusters=True)
    home = Anchor("pin-home", "where I live", vec(0, 1, 0), 0.5, names_clusters=True)
    emb = np.stack(
        [vec(1, 0.1, 0), vec(1, 0, 0.2), vec(1, 0.3, 0), vec(0.2, 0, 1), vec(0, 0.1, 1), vec(0.7, 0, 1)]
    )
    groups = {"th-a": [0, 1, 2], "th-b": [3, 4, 5], "th-c": [0, 3]}
    # th-a: all three quotes score best for school; th-b: none fits; th-c: one of two (half) fits
    # school, but school names th-a, where its share is higher
    assert name_clusters(groups, emb, [school, home]) == {"th-a": "pin-school"}
    assert name_clusters({"th-c": [0, 3]}, emb, [school, home]) == {"th-c": "pin-school"}
    assert name_clusters({"th-b": [3, 4, 5]}, emb, [school, home]) == {}


@pytest.mark.slow
def test_clusters_of_one_framework_theme_carry_its_name_and_others_go_emergent(real):
    texts = [*SOCIAL_WORKER, *SCHOOL, *FOOD]
    quotes = [Quote(text=t, id=f"q{i}") for i, t in enumerate(texts)]
    r, used = theme_with_scheme(quotes, "children", real, group_by="meaning")
    assert used == "children"
    labels = [r.label_of(q.id) for q in quotes]
    worker, school, food = labels[:6], labels[6:12], labels[12:]
    assert worker.count("my social worker") >= 5, labels
    assert school.count("school and learning") >= 5, labels
    framework = {t.name for t in load_framework().themes}
    assert sum(label not in framework for label in food) >= 4, labels
    # no framework theme takes a quote on its own: every framework theme here is a whole cluster
    assert all(t.size >= config.SMALL_NUMBER_THRESHOLD for t in r.themes), [
        (t.label, t.size) for t in r.themes
    ]


def demo_quotes(period: str, n: int = 40) -> list[Quote]:
    with (ROOT / "corpus" / "demo" / "demo_quotes.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["period"] == period][:n]
    return [Quote(text=r["text"], id=f"d{i}") for i, r in enumerate(rows)]


@pytest.mark.slow
@pytest.mark.parametrize("period", ["2016/17 Q1", "2017/18 Q3"])
def test_forty_childrens_quotes_make_four_to_eight_themes_of_five_or_more(real, period):
    quotes = demo_quotes(period)
    assert len(quotes) == 40
    r, used = theme_with_scheme(quotes, "auto", real)
    assert used == "children"
    assert 4 <= len(r.themes) <= 8, [(t.label, t.size) for t in r.themes]
    assert min(t.size for t in r.themes) >= config.SMALL_NUMBER_THRESHOLD
    assert sum(t.id.startswith("pin-") for t in r.themes) >= 3  # framework themes, named for people
    assert r.other_share <= 0.25
    r, _ = theme_with_scheme(quotes, "auto", real, group_by="meaning")
    assert 4 <= len(r.themes) <= 8 and min(t.size for t in r.themes) >= config.SMALL_NUMBER_THRESHOLD
    labels = [t.label for t in r.themes]
    for label in labels:
        assert not label_problems(label, [x for x in labels if x != label]), label
    # grouped by meaning, a theme carries a framework name only when at least half its quotes fit it best
    anchors = {a.id: a for a in framework_anchors(load_framework(), real)}
    emb = unit_rows(real.embed([q.text for q in quotes]))
    row = {q.id: i for i, q in enumerate(quotes)}
    for t in r.themes:
        if t.id in anchors:
            rows = [row[q] for q in t.quote_ids]
            sims = np.column_stack([a.scores(emb[rows]) for a in anchors.values()])
            best = [list(anchors)[j] for j in sims.argmax(axis=1)]
            assert best.count(t.id) >= len(rows) / 2, (t.label, t.size)


@pytest.mark.slow
def test_auto_picks_the_nhs_guide_for_nhs_comments(real):
    with (ROOT / "corpus" / "nhs_fft_labelled.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:80]
    quotes = [Quote(text=r["text"], id=r["id"]) for r in rows]
    r, used = theme_with_scheme(quotes, "auto", real)
    assert used == "nhs"
    assert r.assignment == build_themes(quotes, real).assignment  # the NHS path is unchanged
    _, forced = theme_with_scheme(quotes, "children", real)
    assert forced == "children"


@pytest.mark.slow
def test_auto_keeps_childrens_quotes_that_a_margin_over_nhs_category_names_sent_to_the_nhs_guide(real):
    # 40 held-out children's quotes (never trained on): only 60 % are 0.05 closer to the framework
    # than to the NHS category names (the old rule asked 70 %), and the mean margin is 0.061 (the
    # fallback asks 0.075); the scheme chooser reads them as children's words (0.71)
    from voice.themes import choose_scheme, default_scheme_chooser
    from voice.themes._framework import nhs_reference

    with (ROOT / "corpus" / "children" / "quotes.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["split"] == "holdout"][16:56]
    quotes = [Quote(text=r["text"], id=r["id"]) for r in rows]
    r, used = theme_with_scheme(quotes, "auto", real)
    assert used == "children"
    assert 4 <= len(r.themes) <= 8, [(t.label, t.size) for t in r.themes]
    from voice.embed import unit_rows
    from voice.themes import is_non_answer

    emb = unit_rows(real.embed([q.text for q in quotes if not is_non_answer(q.text)]))
    anchors = framework_anchors(load_framework(), real)
    assert choose_scheme(anchors, emb, nhs_reference(real)) == "nhs"  # without the chooser
    assert choose_scheme(anchors, emb, nhs_reference(real), chooser=default_scheme_chooser()) == "children"


def test_the_shipped_scheme_chooser_is_learned_from_the_current_training_files():
    import hashlib

    from voice.themes import default_scheme_chooser

    chooser = default_scheme_chooser()
    assert chooser is not None and chooser.categories == ("children", "nhs")
    files = [*config.CHILDREN_TRAINING_FILES, config.CORPUS_DIR / "nhs_fft_labelled.csv"]
    want = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    assert chooser.meta["data"] == want, "retrain it: voice train-scheme-chooser"
    assert not any(f.name.startswith("fresh") or f.name == "quotes.csv" for f in files)  # never a test set


def test_a_two_category_guide_gives_the_logistic_regressions_probabilities(tmp_path):
    from sklearn.linear_model import LogisticRegression

    from voice.themes import CategoryGuide

    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(1, 1, (40, 5)), rng.normal(-1, 1, (60, 5))]).astype(np.float32)
    y = ["a"] * 40 + ["b"] * 60
    guide = CategoryGuide.load(CategoryGuide.fit(x, y, class_weight="balanced").save(tmp_path))
    want = LogisticRegression(C=config.THEME_GUIDE_C, class_weight="balanced", max_iter=3000).fit(x, y)
    assert guide.categories == ("a", "b")
    assert np.allclose(guide.transform(x), want.predict_proba(x), atol=1e-4)


@pytest.mark.slow
def test_a_persons_move_into_a_framework_theme_refines_it(store, real):
    import voice.store as theme_store
    from voice.themes import themes_for_period

    taxi = Quote(text="The taxi driver who takes me to see my dad is always late", period="2017/18 Q1")
    others = [Quote(text=t, period="2017/18 Q1") for t in OBVIOUS]
    store.add_quotes([taxi, *others])
    themes_for_period(store, "2017/18 Q1", real)
    theme_store.move_quote(store, taxi.id, "pin-family-time-and-contact", "officer")
    new = Quote(text="The taxi was late again and I missed half my visit", period="2017/18 Q2")
    store.add_quotes([new])
    framework = framework_anchors(load_framework(), real, 0.45)  # each quote on its own, as a store assigns
    before = build_themes([new], real, anchors=framework)
    assert before.theme_of(new.id) != "pin-family-time-and-contact"  # the framework alone: not enough
    r = themes_for_period(store, "2017/18 Q2", real)
    assert r.theme_of(new.id) == "pin-family-time-and-contact"  # the moved quote is now an example
