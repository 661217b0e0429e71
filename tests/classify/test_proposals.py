"""Proposals people can follow: the label is the most probable shown class, and its reasons say
something (the driving sentence, a quote people tagged, meaningful words, never stop words)."""

from __future__ import annotations

import numpy as np
import pytest

from voice.classify import (
    TaggedQuote,
    corpus_training_set,
    load_model,
    meaningful,
    shipped_model_dir,
    stop_words,
    tagging_queue,
)
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
    raw = clf.predict_proba(texts, questions=questions, weighted=False)
    assert np.allclose(clf.weigh(raw), proba)
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


def test_reasons_never_consist_of_stop_words(shipped, corpus_sample, voice_home):
    texts, questions = corpus_sample
    worded = 0
    for text, question in zip(texts[:200], questions[:200], strict=True):
        e = shipped.classifier.explain(text, question)
        assert e.reason
        for word, _ in e.top_words:
            assert meaningful(word), (text, e.top_words)
        for part in e.reason.split("; "):
            if part.startswith("words: "):
                worded += 1
                terms = part.removeprefix("words: ").split(", ")
                assert terms and all(set(t.split()) - stop_words() for t in terms), e.reason
        assert "most not_so_good sentence" not in e.reason
    assert worded > 20  # word reasons remain where meaningful words pushed the proposal


def test_meaningful_drops_stop_words_numbers_and_letters():
    assert not meaningful("than my")
    assert not meaningful("other each")
    assert not meaningful("did")
    assert not meaningful("2 x")
    assert meaningful("talk")
    assert meaningful("never listen")


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
