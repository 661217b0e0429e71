"""Redaction on harder text (#16): look-alike spellings, lower-case and very short names after a
role word, NHS and National Insurance numbers, more phone shapes; clean sentences untouched and
everything outside a redacted span kept exactly as written.
"""

from __future__ import annotations

import pytest

from voice.privacy import LocalNames, Redactor, evaluate, scrub_words
from voice.privacy._disclosure import identifier_words
from voice.privacy._normalise import fold
from voice.privacy._patterns import nhs_check_digit_ok


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(local=LocalNames())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("J\u200bake hit me at school", "[name] hit me at school"),
        ("Ja\u200dke\u200d took my phone", "[name] took my phone"),
        ("Ja\u0301ke is my brother", "[name] is my brother"),
        ("Jáke is my brother", "[name] is my brother"),
        ("\uff2a\uff41\uff43\uff4b is my best mate", "[name] is my best mate"),
        ("my worker \u0405teve is nice", "my worker [staff name] is nice"),
        ("\u041c\u0430rk is my brother", "[name] is my brother"),
        ("i miss \u039flivia so much", "i miss [name] so much"),
    ],
)
def test_invisible_combining_and_look_alike_letters_do_not_defeat_redaction(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact(text).text == expected


def test_text_outside_the_spans_is_kept_exactly(redactor: Redactor) -> None:
    text = "J\u200bake said the café is “nice” — ﬁne by me \u2122 Привет"
    red = redactor.redact(text)
    assert red.text.startswith("[name] said the café is “nice” — ﬁne by me \u2122")
    (span, *_) = red.spans
    assert span.original == "J\u200bake" and text[span.start : span.end] == span.original


def test_folding_maps_back_and_leaves_real_cyrillic_alone() -> None:
    folded, origin = fold("Ѕаrah and Привет")
    assert folded == "Sarah and Привет" and len(origin) == len(folded) + 1
    assert fold("plain ascii") == ("plain ascii", list(range(12)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my pa dave is sound", "my pa [staff name] is sound"),
        ("my iro bev came to my review", "my iro [staff name] came to my review"),
        ("i stay with my nan maz at weekends", "i stay with my nan [name] at weekends"),
        ("mums boyfriend lee shouts at us", "mums boyfriend [name] shouts at us"),
        ("my name is al and im in year 9", "my name is [name] and im in year 9"),
        ("my brother cj got excluded", "my brother [name] got excluded"),
        ("my teacher miss jones helps me", "my teacher [staff name] helps me"),
        ("i told Li about my dad", "i told [name] about my dad"),
        ("Ty keeps taking my stuff", "[name] keeps taking my stuff"),
    ],
)
def test_lower_case_and_very_short_names_after_a_role_word(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "my pa is nice and helpful",
        "my carer lets me stay up",
        "my keyworker on monday was off sick",
        "i see my pa every two weeks",
        "my nan so kind to me",
        "i dont like it when my worker changes",
        "i go to pa meetings every month",
        "my case number is 123456",
        "call childline on 0800 1111",
        "I called my GP and the GP’s nurse rang back",
        "She is a 71 Yr of age lady",
        "i got 10 out of 10 on my spelling test",
    ],
)
def test_clean_sentences_stay_untouched(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my nhs number is 943 476 5919", "my nhs number is [NHS number]"),
        ("NHS no 4010232137 on my red book", "NHS no [NHS number] on my red book"),
        ("my number 943-476-5919", "my number [NHS number]"),  # a valid check digit, no cue
        ("my nhs number is 485 777 3456", "my nhs number is [NHS number]"),  # a cue, no valid check
        ("my national insurance number is QQ 12 34 56 C", "my national insurance number is [NI number]"),
        ("NI number ab123456d for my job", "NI number [NI number] for my job"),
        ("ring me on 07700 900 461", "ring me on [phone]"),
        ("call (0116) 496 0921 after 4", "call [phone] after 4"),
        ("text +44 7700 900 118", "text [phone]"),
        ("text +447700900654", "text [phone]"),
        ("or 0044 7700 900123", "or [phone]"),
        ("my phone is 07700-900-284", "my phone is [phone]"),
        ("email KEZ2008@Example.org please", "email [email] please"),
        ("my postcode is le2 8ab i think", "my postcode is [address] i think"),
    ],
)
def test_numbers_and_addresses_in_more_shapes(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text).text == expected


def test_nhs_check_digit() -> None:
    assert nhs_check_digit_ok("943 476 5919") and nhs_check_digit_ok("4010232137")
    assert not nhs_check_digit_ok("4857773456") and not nhs_check_digit_ok("123")
    assert Redactor(local=LocalNames(), use_ner=False).redact("in 2019 i was 1234567890").spans == []


def test_theme_words_are_hidden_whatever_the_spelling() -> None:
    words = identifier_words(["J\u200bake hit me", "my nan maz is kind"])
    assert {"jake", "maz"} <= words
    assert (
        scrub_words("jake / Ja\u0301ke / J\u200bake / maz / school", words)
        == "[…] / […] / […] / […] / school"
    )


def test_recall_on_the_harder_sets() -> None:
    """Regression guard. hard_dev was tuned on (1.0); hard_holdout was scored once, untuned: 0.968."""
    results = evaluate(Redactor(local=LocalNames()), splits=("hard_dev", "hard_holdout"))
    tuned, held = results["hard_dev"], results["hard_holdout"]
    assert tuned["recall"] == 1.0, tuned["misses"]
    assert held["recall"] >= 0.95, held["misses"]
    for split in (tuned, held):
        assert split["clean_sentences_touched"] == 0, split["false_positive_examples"]
        assert split["per_kind"]["nhs"]["recall"] == 1.0 and split["per_kind"]["ni"]["recall"] == 1.0


def test_voice_redact_file_with_look_alike_names(tmp_path, voice_home) -> None:  # type: ignore[no-untyped-def]
    import csv

    from typer.testing import CliRunner

    from voice.cli import app

    src = tmp_path / "quotes.csv"
    src.write_text("text\nJ\u200bake hit me\nmy pa dave is sound\nnhs no 943 476 5919\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    r = CliRunner().invoke(app, ["redact", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    texts = [row["text_redacted"] for row in csv.DictReader(out.open(encoding="utf-8-sig"))]
    assert texts == ["[name] hit me", "my pa [staff name] is sound", "nhs no [NHS number]"]
