"""The similarity tier (detect-4), with the real MiniLM embedder: a sentence very close to a curated
disclosure flags alone, and ordinary feedback stays under the bound."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from voice.embed import default_embedder
from voice.safeguarding import detect_concerns
from voice.safeguarding._classifier import load_head
from voice.safeguarding._detect import TIER, combine, cues_by_part

MAX_DEMO_RATE = 0.03
"""The issue's bound on demo quotes flagged by the tier alone (docs/SAFEGUARDING.md, detect-4)."""
MAX_COMBINED_DEMO_RATE = 0.13
"""The bound on demo quotes flagged by the whole detector: detect-7 is recall first and flags 46 of
the 362 (12.7%; test_detector_precision.py says why); 4% in detect-5 and -6, 3% with detect-4."""
QUOTE = "Youth club is good on Fridays. My stepmum ignores me for days and only talks to my brother."
SENTENCE = "My stepmum ignores me for days and only talks to my brother."


pytestmark = pytest.mark.usefixtures("own_voice_home")  # tests/conftest.py: a VOICE_HOME of its own


def _off() -> object:
    return dataclasses.replace(_classifier_off(), tier_similarity=2.0, tier_margin=2.0)


def _classifier_off() -> object:
    """The shipped head with the classifier switched off (detect-5's head also finds QUOTE)."""
    return dataclasses.replace(load_head(), threshold=2.0, alone_threshold=2.0)


def test_a_quote_flagged_by_similarity_alone_names_similar_and_the_sentence() -> None:
    assert detect_concerns([QUOTE]) == [None]  # no rule knows these words
    [found] = cues_by_part([QUOTE], default_embedder(), _classifier_off())
    assert not found["rule"] and not found["classifier"]  # so not "similar and classifier" either
    assert [c.sentence for c in found[TIER]] == [SENTENCE]
    [cue] = combine(found)
    assert cue.source == "similar" and cue.sentence == SENTENCE and cue.cue.startswith('like "')
    [concern] = detect_concerns([QUOTE], embedder=default_embedder())
    assert concern is not None and concern.kinds == ("emotional abuse",)
    cue = next(c for c in concern.cues if c.source == "similar")
    assert cue.source == "similar" and cue.sentence == SENTENCE and cue.cue.startswith('like "')
    assert SENTENCE in concern.reasons


def test_without_the_tier_the_same_quote_is_not_flagged() -> None:
    [found] = cues_by_part([QUOTE], default_embedder(), _off())
    assert not found[TIER] and not combine(found)


def test_the_tier_drops_a_sentence_the_quote_says_is_over() -> None:
    over = "My stepmum ignored me for days and only talked to my brother. It stopped and now I'm happy."
    [found] = cues_by_part([over], default_embedder())
    assert not found[TIER] and not combine(found)


def test_the_tier_alone_flags_at_most_3_percent_of_the_demo_quotes(demo: list[str]) -> None:
    found = cues_by_part(demo, default_embedder())
    flagged = [t for t, f in zip(demo, found, strict=True) if f[TIER]]
    assert len(demo) >= 300
    assert len(flagged) / len(demo) <= MAX_DEMO_RATE, flagged
    combined = [t for t, f in zip(demo, found, strict=True) if combine(f)]
    assert len(combined) / len(demo) <= MAX_COMBINED_DEMO_RATE, combined


def test_the_demo_check_can_fail_with_a_looser_tier(demo: list[str]) -> None:
    loose = dataclasses.replace(load_head(), tier_similarity=0.4, tier_margin=0.0)
    found = cues_by_part(demo, default_embedder(), loose)
    assert sum(bool(f[TIER]) for f in found) / len(demo) > MAX_DEMO_RATE


def test_the_head_keeps_the_tier_and_an_older_head_loads_with_the_tier_off(tmp_path: Path) -> None:
    head = load_head()
    assert 0.3 <= head.tier_similarity <= 0.9 and 0.0 <= head.tier_margin <= 0.3
    assert head.tier_calibration["max_false_rate"] <= 0.01
    assert "demo" not in head.tier_calibration["chosen_on"]
    head.save(tmp_path / "head.json")
    again = load_head(tmp_path / "head.json")
    assert (again.tier_similarity, again.tier_margin) == (head.tier_similarity, head.tier_margin)
    doc = (tmp_path / "head.json").read_text().replace('"tier_similarity"', '"unused_a"')
    (tmp_path / "old.json").write_text(doc.replace('"tier_margin"', '"unused_b"'))
    assert load_head(tmp_path / "old.json").tier_similarity > 1.0
