"""The concern detector's rules, its interface and its data (fast: no embedding model)."""

from __future__ import annotations

import csv
import dataclasses
import inspect
import re

import numpy as np
import pytest

from voice import config
from voice.embed import EMBEDDING_DIM, EMBEDDING_VERSION
from voice.safeguarding import CONCERN_KINDS, Concern, ConcernCue, detect_concerns
from voice.safeguarding._classifier import Head, load_head
from voice.safeguarding._detect import combine, cues_by_part
from voice.safeguarding._examples import CALM_EXAMPLES, CONCERN_EXAMPLES

CLEAR = {
    "physical abuse": "My step-dad hits me when mum's at work.",
    "sexual abuse": "My mum's friend touches me when I'm asleep.",
    "emotional abuse": "Mum tells me I'm useless and says I should never have been born.",
    "neglect": "There is no food in the house and I go to school hungry every day.",
    "domestic abuse": "Dad punches my mum when he has been drinking.",
    "self-harm or suicidal thoughts": "I want to kill myself.",
    "exploitation or grooming": "A man online asks me to send him pictures and to keep it a secret.",
    "going missing": "I ran away from my foster home and slept rough for two nights.",
    "unsafe where they live": "I don't feel safe at home at night.",
    "severe bullying": "Kids at school beat me up and spit on me every break.",
}

NOT_CONCERNS = [
    "I feel safe now.",
    "Nobody hurts me at my foster home.",
    "The bullying stopped after she helped.",
    "My social worker helped me when dad hit mum, now we're safe.",
    "I got hurt playing football.",
    "The injection hurt but it was quick.",
    "I was bored to death at the meeting, I nearly wanted to die of boredom.",
    "I'd kill for a bigger room.",
    "My dog went missing last week but came back.",
    "We had an assembly about bullying and who I can talk to.",
    "I'm worried someone at my new school will bully me.",
    "My social worker listens to me and helps me.",
]


@pytest.mark.parametrize("kind", CONCERN_KINDS)
def test_a_clear_disclosure_of_every_kind_is_flagged_with_its_kind(kind: str) -> None:
    [found] = detect_concerns([CLEAR[kind]])
    assert found is not None, CLEAR[kind]
    assert kind in found.kinds
    assert 0 < found.score <= 1


@pytest.mark.parametrize("text", NOT_CONCERNS)
def test_negated_resolved_everyday_and_general_words_are_not_flagged(text: str) -> None:
    assert detect_concerns([text]) == [None]


def test_past_self_harm_is_still_flagged_but_past_resolved_bullying_is_not() -> None:
    past_self_harm, resolved_bullying = detect_concerns(
        ["I used to self-harm but I'm doing better now.", "I was bullied last year but it's over now."]
    )
    assert past_self_harm is not None and past_self_harm.kinds == ("self-harm or suicidal thoughts",)
    assert resolved_bullying is None


def test_a_negation_elsewhere_does_not_hide_a_disclosure() -> None:
    [found] = detect_concerns(["Nobody believes me that he hurts me."])
    assert found is not None and "physical abuse" in found.kinds


def test_ongoing_harm_is_kept_even_when_something_else_got_better() -> None:
    [found] = detect_concerns(["School is better now but my dad still hits me."])
    assert found is not None and "physical abuse" in found.kinds


def test_each_cue_names_what_matched_and_the_sentence_it_matched_in() -> None:
    text = "I like my school. But my uncle hits me at weekends. Please help."
    [found] = detect_concerns([text])
    assert found is not None
    [cue] = found.cues
    assert cue.sentence == "But my uncle hits me at weekends."
    assert cue.cue.lower() in cue.sentence.lower()
    assert cue.source == "rule"
    assert f'physical abuse: "{cue.cue}" in "{cue.sentence}"' in found.reasons


def test_one_result_per_text_in_order_and_empty_input() -> None:
    assert detect_concerns([]) == []
    out = detect_concerns(["", "great service", CLEAR["neglect"]])
    assert out[:2] == [None, None] and isinstance(out[2], Concern)


def test_the_interface_is_the_one_the_flag_workflow_builds_on() -> None:
    assert CONCERN_KINDS == (
        "physical abuse",
        "sexual abuse",
        "emotional abuse",
        "neglect",
        "domestic abuse",
        "self-harm or suicidal thoughts",
        "exploitation or grooming",
        "going missing",
        "unsafe where they live",
        "severe bullying",
    )
    params = inspect.signature(detect_concerns).parameters
    assert next(iter(params)) == "texts"
    assert all(p.kind is p.KEYWORD_ONLY and p.default is not p.empty for p in list(params.values())[1:])
    assert [f.name for f in dataclasses.fields(Concern)] == ["cues", "score"]
    names = [f.name for f in dataclasses.fields(ConcernCue)]
    assert names[:4] == ["kind", "cue", "sentence", "source"]
    cue = ConcernCue("neglect", "no food", "There is no food.")
    assert cue.source == "rule"
    assert Concern((cue,), 1.0).kinds == ("neglect",)


def test_every_rule_and_example_names_a_known_kind() -> None:
    from voice.safeguarding._lexicon import RULES
    from voice.safeguarding._lexicon3 import WIDER_RULES

    RULES = RULES + WIDER_RULES

    assert {r.kind for r in RULES} == set(CONCERN_KINDS)
    assert {k for _, k in CONCERN_EXAMPLES} == set(CONCERN_KINDS)


def _labelled() -> list[dict[str, str]]:
    with open(config.CORPUS_DIR / "safeguarding" / "labelled.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _norm(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text.lower()).strip()


def test_the_curated_examples_are_not_evaluation_rows() -> None:
    rows = {_norm(r["text"]) for r in _labelled()}
    examples = [t for t, _ in CONCERN_EXAMPLES] + list(CALM_EXAMPLES)
    assert not [t for t in examples if _norm(t) in rows]
    assert not [t for t in examples if any(_norm(t) in row for row in rows)]


def test_the_labelled_set_says_where_every_real_row_comes_from_and_keeps_a_holdout() -> None:
    rows = _labelled()
    assert len(rows) >= 150
    for r in rows:
        assert r["label"] in ("concern", "none") and r["split"] in ("tune", "holdout")
        assert r["origin"] in ("real", "written")
        if r["origin"] == "real":
            assert "http" in r["source"] or "corpus/seeds" in r["source"], r["id"]
        if r["label"] == "concern":
            assert r["kind"] in CONCERN_KINDS
    holdout = [r for r in rows if r["split"] == "holdout"]
    assert 0.3 <= len(holdout) / len(rows) <= 0.5
    assert sum(r["origin"] == "real" and r["label"] == "concern" for r in holdout) >= 20


def test_the_shipped_head_is_json_for_minilm_and_nothing_is_pickled() -> None:
    head = load_head()
    assert head.weights.shape == (EMBEDDING_DIM,)
    assert head.embedding_version == EMBEDDING_VERSION
    assert 0 < head.threshold < 1
    assert 0 < head.threshold <= head.alone_threshold < 1
    assert "tune" in head.trained_on["data"] and "holdout" in head.trained_on["data"]  # detect-5
    folder = config.MODELS_DIR / "safeguarding"
    assert {p.suffix for p in folder.iterdir()} <= {".json"}
    assert sum(p.stat().st_size for p in folder.iterdir()) < 20_000


def _head(threshold: float, min_similarity: float) -> Head:
    return Head(np.ones(EMBEDDING_DIM, np.float32), 0.0, threshold, min_similarity, -2.0, "fake-1")


def test_embedding_parts_flag_only_when_both_agree(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    fake_embedder.dim = EMBEDDING_DIM
    text = ["My teacher is nice."]
    both = cues_by_part(text, fake_embedder, _head(threshold=0.0, min_similarity=-1.0))[0]
    assert both["rule"] == [] and both["similar"] and both["classifier"]
    assert {c.source for c in combine(both)} == {"similar", "classifier"}
    assert all(c.sentence == "My teacher is nice." for c in combine(both))
    only_similar = cues_by_part(text, fake_embedder, _head(threshold=2.0, min_similarity=-1.0))[0]
    assert only_similar["similar"] and not only_similar["classifier"] and combine(only_similar) == []
    only_classifier = cues_by_part(text, fake_embedder, _head(threshold=0.0, min_similarity=2.0))[0]
    assert combine(only_classifier) == []


def test_resolved_past_harm_is_not_flagged_by_the_embedding_parts_either(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    fake_embedder.dim = EMBEDDING_DIM
    found = cues_by_part(
        ["Dad used to hit mum. Now we're safe.", "I used to cut myself. I'm better now."],
        fake_embedder,
        _head(threshold=0.0, min_similarity=-1.0),
    )
    assert [c.kind for c in combine(found[0])] == []
    assert combine(found[1])  # self-harm: a past mention still goes to a person


def test_a_cue_that_is_itself_a_negation_is_not_undone_by_anymore() -> None:
    wants, unsafe, stopped = detect_concerns(
        ["I don't want to live anymore.", "I don't feel safe anymore.", "He doesn't hit me anymore."]
    )
    assert wants is not None and wants.kinds == ("self-harm or suicidal thoughts",)
    assert unsafe is not None and unsafe.kinds == ("unsafe where they live",)
    assert stopped is None


# detect-3: wordings of each kind written from the guidance (NICE NG225, Domestic Abuse Act 2021,
# NSPCC, DfE bullying and missing-children guidance), each with a denied, resolved or everyday twin.
WIDER = [
    (
        "self-harm or suicidal thoughts",
        "I've started cutting again and nobody knows.",
        "I'm cutting down on fizzy drinks.",
    ),
    (
        "self-harm or suicidal thoughts",
        "I bang my head against the wall when it gets too much.",
        "I hit my head on the cupboard door.",
    ),
    (
        "self-harm or suicidal thoughts",
        "Last term I was burning, and I hid it under long sleeves.",
        "We were cutting out shapes in art.",
    ),
    ("domestic abuse", "My step-dad gets violent with mum when he's had a drink.", "My dad never hits mum."),
    (
        "domestic abuse",
        "He keeps hitting her and I hear it through the wall.",
        "He doesn't hit her anymore, we moved out and we're safe now.",
    ),
    (
        "neglect",
        "We miss school because of mum's drinking.",
        "Things were hard because of dad's drinking but now we're safe with nan.",
    ),
    ("neglect", "Mum's always drunk when I get home.", "Mum isn't drunk, she just works late."),
    (
        "severe bullying",
        "Other kids called me gay and ugly every day in year 8.",
        "I get called Jas all the time, short for Jasmine.",
    ),
    (
        "severe bullying",
        "The name-calling carried on and the teasing went on for years.",
        "There's no name-calling in our group.",
    ),
    (
        "sexual abuse",
        "My uncle put his hand on my thigh and tried to kiss me.",
        "A boy grabbed my leg in a rugby tackle.",
    ),
    ("sexual abuse", "When we were alone things got sexual.", "Nothing sexual ever happened."),
    (
        "going missing",
        "I stayed out for three nights with older lads.",
        "I'm not home all week because of the school residential trip.",
    ),
    ("going missing", "Last winter I was sleeping on the streets.", "I've never slept on the streets."),
    (
        "going missing",
        "We had nowhere to sleep after he threw me out.",
        "There's nowhere to go for young people in our village.",
    ),
]


@pytest.mark.parametrize(("kind", "said", "ordinary"), WIDER)
def test_detect3_flags_each_new_wording_but_not_its_denied_resolved_or_everyday_twin(
    kind: str, said: str, ordinary: str
) -> None:
    found, calm = detect_concerns([said, ordinary])
    assert found is not None and kind in found.kinds, said
    assert calm is None, (ordinary, calm.reasons if calm else "")


def test_typographic_apostrophes_match_and_the_cue_keeps_the_childs_characters() -> None:
    [found] = detect_concerns(["I\u2019m called fat and stupid every day."])
    assert found is not None and "severe bullying" in found.kinds
    assert "I\u2019m" in found.cues[0].cue and found.cues[0].sentence.startswith("I\u2019m")


def test_the_detector_version_is_detect7() -> None:
    from voice.safeguarding._detect import DETECTOR_VERSION

    assert DETECTOR_VERSION == "detect-7"


@pytest.mark.parametrize(
    "said",
    [
        "Childline stopped me from taking my own life more than once.",
        "My friend kept me from hurting myself that night.",
    ],
)
def test_stopped_me_from_is_not_a_denial(said: str) -> None:
    [found] = detect_concerns([said])
    assert found is not None and "self-harm or suicidal thoughts" in found.kinds, said


def test_a_plain_denial_still_drops_the_cue() -> None:
    assert detect_concerns(["Nobody hits me at home.", "He stopped hitting me from the day we moved."]) == [
        None,
        None,
    ]
