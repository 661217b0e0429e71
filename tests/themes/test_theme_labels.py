"""Phrase labels (:class:`PhraseLabeller`): a short phrase from the theme's own quotes, never a
"word / word" pair, a placeholder or a person's name. Fast tests with the fake embedder, then
the real MiniLM on a few children's themes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from voice.embed import CachedEmbedder, EmbeddingCache
from voice.records import Quote
from voice.themes import KMeansClusterer, PhraseLabeller, anchor_from_phrases, build_themes
from voice.themes._phrase import FALLBACK_LABEL

CHILDREN = {
    "school": [
        "Mrs Patel my teacher helps me with my reading.",
        "School is better now I have a new teacher.",
        "I get help with my homework at school.",
        "Mrs Patel lets me sit at the front in class.",
        "I want to stay at my school when I move house.",
        "The school gave me a mentor to talk to.",
        "I don't like school because of the bullying.",
        "I go to Hollybank School now.",
    ],
    "worker": [
        "Jake my social worker always comes when he says he will.",
        "My social worker keeps changing, I've had four this year.",
        "Jake listens to me and explains things.",
        "I wish my social worker visited more.",
        "My new social worker doesn't know me yet.",
        "Jake takes me out and we talk in the car.",
        "I want one social worker who stays.",
        "Social workers change too much.",
    ],
    "family": [
        "I want to see my mum more often.",
        "Contact with my brother got cancelled again.",
        "I miss my little sister.",
        "Family time is only once a month.",
        "I'd like to phone my dad at weekends.",
        "Contact with my mum is at the family centre.",
        "I want overnight stays with my nan.",
        "They cancelled contact with my dad twice.",
    ],
}
TOPIC_WORDS = {
    "school": {"school", "teacher", "homework", "class", "reading", "mentor", "bullying"},
    "worker": {"social", "worker", "workers"},
    "family": {"mum", "contact", "family", "dad", "brother", "sister", "nan", "time"},
}
NAMES = ("jake", "patel", "mrs", "hollybank")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").lower())


def assert_readable(label: str, quotes: list[str]) -> None:
    """A phrase taken from the quotes: no pair, no placeholder, no name."""
    assert label and label.strip() == label
    assert " / " not in label and "(no keywords)" not in label and not label.startswith("general ")
    assert len(label.split()) <= 9
    low = _plain(label)
    assert not any(re.search(rf"\b{n}\b", low) for n in NAMES), label
    said = _plain(" ".join(quotes))
    assert all(part.strip() in said for part in low.split(";")), f"{label!r} is not in the quotes"


# -- fast: the fake embedder ---------------------------------------------------------------


def test_phrase_labels_come_from_the_quotes_and_never_name_anyone(fake_embedder) -> None:
    labels = PhraseLabeller(embedder=fake_embedder).labels(CHILDREN)
    assert set(labels) == set(CHILDREN)
    for gid, label in labels.items():
        assert_readable(label, CHILDREN[gid])
    assert len(set(labels.values())) == len(labels)  # no two themes named alike
    assert labels == PhraseLabeller(embedder=fake_embedder).labels(CHILDREN)  # repeats itself


def test_phrase_labeller_drops_what_its_identifiers_callable_names(fake_embedder) -> None:
    group = {"bus": ["The bus to school is late.", "The school bus never comes.", "I miss the bus."]}
    free = PhraseLabeller(embedder=fake_embedder, identifiers=lambda texts: set())
    assert "bus" in free.labels(group)["bus"]
    hiding = PhraseLabeller(embedder=fake_embedder, identifiers=lambda texts: {"bus"})
    label = hiding.labels(group)["bus"]
    assert label and "bus" not in label


def test_a_label_is_never_empty_nor_a_placeholder(fake_embedder) -> None:
    lab = PhraseLabeller(embedder=fake_embedder)
    labels = lab.labels({"tone": ["Good.", "Fine.", "It was good."], "one": ["Mrs Patel."], "none": []})
    assert set(labels) == {"tone", "one"}  # a group without quotes has no label to make
    assert labels["tone"] and labels["tone"] != FALLBACK_LABEL
    assert labels["one"] == FALLBACK_LABEL  # nothing in it but a name
    assert lab.label(()) == FALLBACK_LABEL and lab.label(["good", "social worker"]) == "social worker"


def test_pinned_themes_keep_their_names_and_new_themes_get_phrases(fake_embedder) -> None:
    texts = [t for group in CHILDREN.values() for t in group]
    quotes = [Quote(text=t, source="test", period="2017/18 Q1") for t in texts]
    pin = anchor_from_phrases(
        "pin-family-time", "family time and contact", CHILDREN["family"][:3], fake_embedder, 0.5
    )
    r = build_themes(quotes, fake_embedder, anchors=[pin], clusterer=KMeansClusterer(k=2))
    assert r.theme("pin-family-time").label == "family time and contact"
    for t in r.themes:
        if t.id != "pin-family-time":
            assert_readable(t.label, [q.text for q in quotes if q.id in set(t.quote_ids)])


# -- the real MiniLM -------------------------------------------------------------------------


@pytest.fixture
def real(tmp_path_factory: pytest.TempPathFactory) -> CachedEmbedder:
    d: Path = tmp_path_factory.getbasetemp() / "themes-embeddings"
    d.mkdir(exist_ok=True)
    return CachedEmbedder(cache=EmbeddingCache(d / "embeddings.sqlite"))


@pytest.mark.slow
def test_real_minilm_labels_children_themes_with_their_own_phrases(real) -> None:
    labels = PhraseLabeller(embedder=real).labels(CHILDREN)
    for gid, label in labels.items():
        assert_readable(label, CHILDREN[gid])
        assert set(re.findall(r"[a-z]+", label.lower())) & TOPIC_WORDS[gid], (gid, label)
    assert len(set(labels.values())) == 3


@pytest.mark.slow
def test_real_minilm_themes_built_from_children_quotes_have_readable_labels(real) -> None:
    texts = [t for group in CHILDREN.values() for t in group]
    quotes = [Quote(text=t, source="test", period="2017/18 Q1") for t in texts]
    r = build_themes(quotes, real, clusterer=KMeansClusterer(k=3))
    assert len(r.themes) >= 2
    for t in r.themes:
        members = [q.text for q in quotes if q.id in set(t.quote_ids)]
        assert_readable(t.label, members)
        assert t.keywords  # c-TF-IDF keywords are kept for the table


def test_without_the_spacy_pipeline_labels_are_word_ngrams(fake_embedder, monkeypatch) -> None:
    import voice.themes._phrase as phrase

    monkeypatch.setitem(phrase._PARSER, "nlp", None)  # as if en_core_web_sm were not installed
    labels = PhraseLabeller(embedder=fake_embedder).labels(CHILDREN)
    for gid, label in labels.items():
        assert_readable(label, CHILDREN[gid])


def test_a_new_theme_is_not_named_like_a_theme_already_there(fake_embedder) -> None:
    group = {"w": CHILDREN["worker"]}
    lab = PhraseLabeller(embedder=fake_embedder)
    assert lab.labels(group)["w"] == "social worker"
    label = lab.labels(group, taken=["my social worker"])["w"]
    assert label not in ("social worker", "my social worker", "social workers")  # one word apart
    assert_readable(label, CHILDREN["worker"])


def test_one_generic_word_never_names_a_theme(fake_embedder) -> None:
    """A demo theme was labelled "service": a single generic or vague word says nothing."""
    group = {
        "g": [
            "The service was quick.",
            "Good service from them.",
            "The service helped us a lot.",
            "I liked the service at the centre.",
        ]
    }
    label = PhraseLabeller(embedder=fake_embedder).labels(group)["g"]
    assert label.lower() not in {"service", "services", "bit", "support", "help", "time"}, label
    assert_readable(label, group["g"])


def test_a_theme_of_praise_is_named_by_a_readable_phrase_of_its_own_quotes(fake_embedder) -> None:
    """An NHS theme of praise was labelled "nothing the service was" (the first words of its
    nearest quote): a readable phrase of any of its quotes comes first."""
    from voice.themes import label_problems

    praise = [f"Nothing{'!' * i} Great service." for i in range(20)]
    group = {"p": [*praise, "Nothing, the ambulance crew were great."]}
    label = PhraseLabeller(embedder=fake_embedder, quotes=3).labels(group)["p"]  # crew: not among them
    assert label_problems(label) == [], label
    assert_readable(label, group["p"])


def test_answers_without_a_topic_are_named_by_a_short_quote_of_their_own(real) -> None:
    """A demo quarter's theme of "It's fine, nothing to add" answers was labelled "outcome" (the
    one phrase its quotes share, qualified by no theme): its own words say what it holds."""
    from voice.themes import label_problems

    lukewarm = [
        "Fine, thanks. Can't say more than that really.",
        "Everything is fine I think. I don't know.",
        "It's fine. Nothing to add.",
        "We don't need the service any more and that's the best outcome really.",
        "It's ok. I don't need them as much now.",
        "It's ok. I've had worse.",
        "It's alright as it is I guess.",
    ]
    label = PhraseLabeller(embedder=real).labels(
        {"g": lukewarm}, taken=["my social worker", "school and learning"]
    )["g"]
    assert label_problems(label) == [], label
    assert label.lower() != "outcome", label
    if label.startswith("like “"):
        assert label[len("like “") : -1] in lukewarm, label


def test_a_fallback_label_cut_from_a_sentence_becomes_the_nearest_short_quote(real) -> None:
    """With no phrase to share, the labeller fell back on a quote's first words: "everything is fine
    i", a label ending mid-sentence. A fallback that fails the label rules is now the quote itself."""
    from voice.themes import label_problems

    unsure = [
        "Don't know, it's just normal now.",
        "Bit good bit bad.",
        "Everything is fine I think. I don't know.",
        "It's fine. Nothing to add.",
        "Fine, thanks. Can't say more than that really.",
    ]
    label = PhraseLabeller(embedder=real).labels({"g": unsure}, taken=["my social worker"])["g"]
    assert label_problems(label) == [], label
    assert label.startswith("like “") and label[len("like “") : -1] in unsure, label


def test_a_word_of_one_quote_does_not_name_a_theme_of_answers_without_a_topic(real) -> None:
    """`voice themes` on the demo's 2017/18 Q4 named a group of "It's fine" answers and two quotes
    about a personal adviser "court (feeling safe)": "court" came from one quote, and the framework
    name qualifying it invented a topic. A word only one quote uses now gives way to a short quote."""
    from voice.themes import label_problems

    group = [
        "Don't know, it's just normal now.",
        "Bit good bit bad.",
        "Everything is fine I think. I don't know.",
        "My PA came to court with me. I wasn't on my own.",
        "Priya my PA never judges me. She just helps.",
        "It's fine. Nothing to add.",
        "We don't need the service any more and that's the best outcome really.",
    ]
    label = PhraseLabeller(embedder=real).labels(
        {"g": group}, taken=["my social worker", "feeling safe", "leaving care and growing up"]
    )["g"]
    assert label_problems(label) == [], label
    assert "court" not in label.lower() and "(" not in label, label


def test_a_phrase_of_one_quote_does_not_name_a_theme_that_shares_a_word(real) -> None:
    """Themed with both encoders, the demo's 2016/17 Q3 made a group of five quotes about a
    conference, an IRO and personal advisers and named it "grandson's bedwetting": the one readable
    phrase near its centre, from one quote. A word two of its quotes share ("PAs"), qualified by the
    nearest framework name, now names it."""
    from voice.themes import label_problems

    group = [
        "I went into the conference for the first part and said what I wanted. The chair was nice to me.",
        "My IRO is the one person who's been there all the way through.",
        "It's ok. Some PAs are good, some just tick boxes.",
        "I've had three PAs this year. I don't ring any of them now.",
        "They got my grandson's bedwetting looked at by the doctor. It's much better.",
    ]
    taken = ["my social worker", "meetings, plans and reviews", "health and feelings"]
    label = PhraseLabeller(embedder=real).labels({"g": group}, taken=taken)["g"]
    assert label_problems(label) == [], label
    assert "bedwetting" not in label and label.startswith("PAs"), label
