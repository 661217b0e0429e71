"""The labelled redaction set, the scoring, and the recall guard on the held-out split."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from voice.errors import InputError, VoiceError
from voice.privacy import (
    ANNOTATED,
    HARD_DEV,
    HARD_HOLDOUT,
    HOLDOUT,
    KINDS,
    LABELLED,
    LabelledSentence,
    LocalNames,
    RedactedSpan,
    Redaction,
    Redactor,
    evaluate,
    load_labelled,
    parse_annotated,
    parse_annotated_line,
    score,
)


def test_markup_parses_to_text_and_offsets():
    text, spans = parse_annotated_line("me and {name:jake} went to {place:Loughborough}")
    assert text == "me and jake went to Loughborough"
    assert spans == [(7, 11, "name"), (20, 32, "place")]
    with pytest.raises(ValueError, match="unknown kind"):
        parse_annotated_line("{nam:jake}")


def test_bad_markup_is_an_input_error():
    for line, message in (("{nam:jake}", "unknown kind 'nam'"), ("me and {jake", "unbalanced mark-up")):
        with pytest.raises(InputError, match=message) as caught:
            parse_annotated_line(line)
        assert isinstance(caught.value, VoiceError) and isinstance(caught.value, ValueError)


def test_labelled_csv_is_built_from_the_annotated_files():
    rebuilt = parse_annotated(ANNOTATED)
    for offset, path, split in (
        (1000, HOLDOUT, "holdout"),
        (2000, HARD_DEV, "hard_dev"),
        (3000, HARD_HOLDOUT, "hard_holdout"),
    ):
        rebuilt += [
            LabelledSentence(s.id + offset, s.split, s.text, s.spans) for s in parse_annotated(path, split)
        ]
    assert load_labelled(LABELLED) == rebuilt


def test_the_set_is_big_enough_and_split_60_40():
    sentences = load_labelled()
    main = [s for s in sentences if s.split in ("dev", "test")]
    with_ids = [s for s in main if s.spans]
    without = [s for s in main if not s.spans]
    assert len(with_ids) >= 200
    assert len(without) >= 40
    share_test = sum(s.split == "test" for s in main) / len(main)
    assert 0.38 <= share_test <= 0.42
    kinds = Counter(k for s in main for *_, k in s.spans)
    assert set(kinds) == set(KINDS) - {"nhs", "ni"}  # NHS and NI numbers: in the hard sets
    hard = Counter(k for s in sentences if s.split.startswith("hard_") for *_, k in s.spans)
    assert hard["nhs"] >= 3 and hard["ni"] >= 2 and hard["name"] >= 20 and hard["phone"] >= 6
    for s in sentences:
        for a, b, _ in s.spans:
            assert s.text[a:b].strip() == s.text[a:b] and s.text[a:b]


class _Fixed:
    """A stand-in redactor with known answers, to check the arithmetic of ``score``."""

    def __init__(self, spans: dict[str, list[RedactedSpan]]) -> None:
        self.spans = spans

    def redact_many(self, texts):
        return [Redaction(t, self.spans.get(t, []), t) for t in texts]


def test_score_counts_coverage_overlap_and_kinds():
    sentences = [
        LabelledSentence(1, "test", "me and jake went to loughborough", ((7, 11, "name"), (20, 32, "place"))),
        LabelledSentence(2, "test", "Mrs Khan is kind", ((0, 8, "staff"),)),
        LabelledSentence(3, "test", "I love my Mum", ()),
    ]
    fake = _Fixed(
        {
            "me and jake went to loughborough": [RedactedSpan(7, 11, "name", "jake")],  # place missed
            "Mrs Khan is kind": [RedactedSpan(4, 8, "name", "Khan")],  # only part: not caught
            "I love my Mum": [RedactedSpan(10, 13, "name", "Mum")],  # over-redaction
        }
    )
    m = score(fake, sentences)  # type: ignore[arg-type]
    assert m["identifiers"] == 3
    assert m["recall"] == round(1 / 3, 4)
    assert m["precision"] == round(2 / 3, 4)
    assert m["char_precision"] == round(8 / 11, 4)
    assert m["kind_accuracy"] == 1.0
    assert m["clean_sentences_touched"] == 1
    assert {x["text"] for x in m["misses"]} == {"loughborough", "Mrs Khan"}
    assert m["per_kind"]["place"] == {"identifiers": 1, "caught": 0, "recall": 0.0}


def test_recall_guard_on_the_test_split():
    """Regression guard: the real redactor on the labelled test split (first held-out run: 0.962)."""
    results = evaluate(Redactor(local=LocalNames()), splits=("test", "holdout"))
    test, holdout = results["test"], results["holdout"]
    assert test["recall"] >= 0.95, test["misses"]
    assert test["precision"] >= 0.95, test["false_positive_examples"]
    assert test["clean_sentences_touched"] == 0
    assert holdout["recall"] >= 0.94, holdout["misses"]


def test_evaluate_redaction_command_writes_json(tmp_path):
    from voice.cli import app

    out = tmp_path / "metrics.json"
    r = CliRunner().invoke(app, ["evaluate-redaction", "--split", "dev", "--json", str(out), "--misses"])
    assert r.exit_code == 0, r.output
    assert "Recall per kind" in r.output
    data = json.loads(out.read_text())
    assert data["splits"]["dev"]["identifiers"] > 100
    assert 0.9 <= data["splits"]["dev"]["recall"] <= 1.0
    r = CliRunner().invoke(app, ["evaluate-redaction", "--split", "train", "--json", str(out)])
    assert r.exit_code == 1 and "unknown split 'train'" in r.output
