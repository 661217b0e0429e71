"""Proposals people can follow: the label is the most probable shown class, and its reasons say
something (the driving sentence, a quote people tagged, words that read the label, never stop or
filler words)."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest

import voice.classify._explain as explain_module
from voice import config
from voice.classify import (
    TaggedQuote,
    corpus_training_set,
    load_model,
    meaningful,
    shipped_model_dir,
    stop_words,
    tagging_queue,
)
from voice.ingest.seed_appendix import read_seed_appendix
from voice.records import Quote

N = 300


@pytest.fixture(scope="module")
def shipped():
    return load_model(shipped_model_dir())


@pytest.fixture(scope="module")
def corpus_sample():
    data = corpus_training_set()
    rows = np.random.default_rng(7).choice(len(data.texts), N, replace=False)
    return [data.texts[i] for i in rows], [data.questions[i] for i in rows]


def test_proposal_is_the_most_probable_shown_class(shipped, corpus_sample, voice_home):
    texts, questions = corpus_sample
    labels, proba = shipped.classify(texts, questions)
    clf = shipped.classifier
    assert list(labels) == list(clf.classes_[np.argmax(proba, axis=1)])
    assert np.allclose(proba.sum(axis=1), 1)
    # the weights did change something: the raw calibrated argmax differs for some quotes
    raw = clf.predict_proba(texts, questions=questions, weighted=False, children=False)
    from voice.embed import default_embedder

    # shown = the decision weights applied, then the children's reader mixed in by its gate
    assert clf.children_reader_ is not None
    assert np.allclose(
        clf.children_reader_.blend(clf.weigh(raw), texts, default_embedder().embed(texts)), proba
    )
    assert list(clf.predict(texts, questions=questions)) == list(labels)


def test_queue_confidence_is_the_highest_shown_probability(shipped, store, corpus_sample):
    texts, questions = corpus_sample
    store.add_quotes(
        [Quote(text=t, question=q, period="2025-26") for t, q in zip(texts[:60], questions[:60], strict=True)]
    )
    items = tagging_queue(store, shipped)
    assert len(items) == 60
    for item in items:
        assert item.confidence == max(item.proba.values())
        assert item.proba[item.label] == item.confidence


def test_weigh_renormalises_and_turns_the_decision_into_numbers(shipped):
    clf = shipped.classifier
    p = np.array([[0.43, 0.10, 0.47], [0.2, 0.5, 0.3]])
    shown = clf.weigh(p)
    assert np.allclose(shown.sum(axis=1), 1)
    assert list(clf.decide(shown)) == list(clf.classes_[np.argmax(p * clf.decision_weights_, axis=1)])


WORDS_PART = re.compile(r"^the words? (.+) reads? (good|don't know|not so good)$")
CITED = re.compile(r"\u201c([^\u201d]+)\u201d")
FILLER = {"got", "get", "form", "did", "other", "thing", "things", "stuff", "lot", "went", "came"}
"""Words the Tag card was seen citing ("words: got, form") or as empty: never a reason."""


def _children_quotes(n: int) -> list[tuple[str, str | None]]:
    """Every seed appendix quote, then the demo set's quotes: what the Tag page shows."""
    found = [
        (q.text, q.question)
        for path in sorted(config.SEEDS_DIR.glob("*.txt"))
        for q in read_seed_appendix(path).quotes
    ]
    with (config.DEMO_DIR / "demo_quotes.csv").open(encoding="utf-8") as f:
        found += [(r["text"], r["question"] or None) for r in csv.DictReader(f)]
    return found[:n]


def _cited_words(reason: str) -> list[str] | None:
    """The words a reason cites, or None when it cites none."""
    parts = [m for part in reason.split("; ") if (m := WORDS_PART.match(part))]
    return CITED.findall(parts[0].group(1)) if parts else None


def test_reasons_never_consist_of_stop_or_filler_words(shipped, voice_home):
    """200 real quotes (the seeds' children and the demo set) through the shipped model: every
    cited word is a content word the model reads as the proposal on its own."""
    quotes = _children_quotes(200)
    assert len(quotes) == 200
    worded = 0
    for text, question in quotes:
        e = shipped.classifier.explain(text, question)
        assert e.reason and "words:" not in e.reason
        assert "most not_so_good sentence" not in e.reason
        for word, _ in e.top_words:
            assert meaningful(word), (text, e.top_words)
        cited = _cited_words(e.reason)
        if cited is None:
            continue
        worded += 1
        assert cited == [w for w, _ in e.top_words[:3]], e.reason
        for term in cited:
            content = [w for w in term.split() if w not in stop_words() | FILLER]
            assert content and set(term.split()) - explain_module.FILLER_WORDS, (text, e.reason)
            assert not explain_module.CONTRACTION_PIECES.intersection(term.split()), (text, e.reason)
    assert worded >= 30  # word reasons remain where words that read the label pushed the proposal


def test_meaningful_drops_stop_filler_words_pieces_numbers_and_letters():
    assert not meaningful("than my")
    assert not meaningful("other each")
    assert not meaningful("did")
    assert not meaningful("2 x")
    assert not meaningful("got")
    assert not meaningful("form")
    assert not meaningful("got form")
    assert not meaningful("don know")  # what the tokeniser leaves of "don't know"
    assert meaningful("talk")
    assert meaningful("never listen")
    assert meaningful("helped me")


def test_got_and_form_are_never_a_reason(shipped, voice_home):
    for text in ("I got the form.", "They got me to fill in a form and I got nothing back.", "Got the form"):
        e = shipped.classifier.explain(text)
        assert "\u201cgot\u201d" not in e.reason and "\u201cform\u201d" not in e.reason, e.reason
        assert not {w for w, _ in e.top_words} & {"got", "form", "got form"}


def test_a_word_is_cited_only_when_it_reads_the_proposal_alone(shipped, voice_home, monkeypatch):
    e = shipped.classifier.explain("She is kind and she remembered my birthday.")
    assert e.label == "good"
    assert "kind" in (_cited_words(e.reason) or []), e.reason
    assert re.search(r"\u201ckind\u201d.* reads? good", e.reason), e.reason
    monkeypatch.setattr(explain_module, "WORD_MIN_LIFT", 1.01)  # no word reads anything that clearly
    assert (
        _cited_words(shipped.classifier.explain("She is kind and she remembered my birthday.").reason) is None
    )


def test_a_near_quote_people_tagged_is_cited(shipped, voice_home):
    tagged = [
        TaggedQuote("Nobody told me about the plan", "not_so_good", "amira", "q1"),
        TaggedQuote("The foster carers took me to the seaside", "good", "ben", "q2"),
    ]
    e = shipped.classifier.explain("Nobody ever told me anything about my plan.", tagged=tagged, me="amira")
    assert "like: \u2018Nobody told me about the plan\u2019 \u2014 you tagged this not so good" in e.reason
    assert [t.quote_id for t, _ in e.similar] == ["q1"]  # the far one is not cited
    other = shipped.classifier.explain(
        "Nobody ever told me anything about my plan.", tagged=tagged, me="chris", show=str.upper
    )
    assert "\u2018NOBODY TOLD ME ABOUT THE PLAN\u2019 \u2014 amira tagged this not so good" in other.reason


def test_the_driving_sentence_is_named(shipped, voice_home):
    e = shipped.classifier.explain(
        "I go to meetings every month. Nobody listens to me and my views are ignored."
    )
    assert e.sentence == "Nobody listens to me and my views are ignored."
    assert "\u201cNobody listens to me and my views are ignored.\u201d reads not so good" in e.reason
    mixed = shipped.classifier.explain(
        "The staff were lovely and kind. But nobody ever told me what was happening and I was ignored."
    )
    assert mixed.reason.startswith("mixed:") or mixed.sentence
