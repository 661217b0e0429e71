"""Redacting theme labels and summaries hides the identifiers of the theme's own quotes, never an
everyday word: one quote naming "Hollybank School" does not hide "school" from the quarter."""

from __future__ import annotations

from voice.privacy import HIDDEN_WORD, OFFICER, PUBLIC_ROLE, identifier_words, scrub_words
from voice.records import Quote
from voice.themes import ThemeResult, summarise_for_role
from voice.themes._build import Theme

SAME = "Same school, same carers"
HOLLYBANK = "I go to Hollybank School now"


def test_a_school_name_hides_its_name_not_the_word_school() -> None:
    words = identifier_words([SAME, HOLLYBANK])
    assert "hollybank" in words and "school" not in words
    assert scrub_words(SAME, words) == SAME
    assert scrub_words("school / carers", words) == "school / carers"
    assert scrub_words("meetings, school and growing up", words) == "meetings, school and growing up"
    assert scrub_words("Hollybank School trips", words) == f"{HIDDEN_WORD} trips"  # the whole name
    assert scrub_words("hollybank / tells", words) == f"{HIDDEN_WORD} / tells"


def test_names_stay_hidden_even_when_they_are_everyday_words() -> None:
    words = identifier_words(["I sit with Grace at lunch", "Mrs Foster helps me", "My social worker Jake"])
    assert {"grace", "jake"} <= words  # first names, though "grace" is an everyday word
    assert "foster" not in words and "mrs foster" in words  # "foster carers" stays readable
    assert scrub_words("mrs foster / kind", words) == f"{HIDDEN_WORD} / kind"
    assert scrub_words("foster carers", words) == "foster carers"


def _quotes() -> list[Quote]:
    """Five quotes a theme, so the scrutiny view (no theme under 5) keeps all three themes."""
    texts = [
        SAME,
        "School is better now",
        "School is fine",
        "I like school now",
        "My carers help with school",
        HOLLYBANK,
        "I moved school",
        "I changed school in May",
        "The new school is big",
        "I got a place at a school",
        "Meetings about growing up",
        "Meetings are long",
        "I went to my meeting",
        "The meeting was about growing up",
        "Meetings help me plan",
    ]
    return [Quote(text=t, source="test", period="2017/18 Q1", speaker="Female, 15") for t in texts]


def _result(quotes: list[Quote]) -> ThemeResult:
    ids = [q.id for q in quotes]
    themes = [
        Theme("th-a", "same school", ("school", "carers"), tuple(ids[:5]), (ids[0],)),
        Theme("th-b", "school / now", ("school", "hollybank"), tuple(ids[5:10]), (ids[5],)),
        Theme(
            "th-c", "meetings, school and growing up", ("meetings",), tuple(ids[10:]), (ids[10],), edited=True
        ),  # an officer's rename
    ]
    assignment = {qid: t.id for t in themes for qid in t.quote_ids}
    return ThemeResult(themes=themes, assignment=assignment, non_answers=[], other=[], coords={})


def test_summaries_keep_school_and_hide_hollybank_for_every_role() -> None:
    quotes = _quotes()
    for role in (OFFICER, PUBLIC_ROLE):
        by_id = {s.theme_id: s for s in summarise_for_role(_result(quotes), quotes, {}, role)}
        a, b, c = by_id["th-a"], by_id["th-b"], by_id["th-c"]
        assert a.label == "same school" and a.keywords == ("school", "carers")
        assert a.quotes[0].text == SAME and f'"{SAME}"' in a.sentence
        assert b.label == "school / now" and b.keywords == ("school", HIDDEN_WORD)
        assert "Hollybank" not in b.quotes[0].text and "Hollybank" not in b.sentence
        assert c.label == "meetings, school and growing up"
        assert all(HIDDEN_WORD not in s.label for s in by_id.values())
