"""Small numbers and attribution coarsening."""

from __future__ import annotations

import pytest

from voice.privacy import SUPPRESSED, age_band, coarsen_attributions, format_count, protect_rows, share_text
from voice.records import Quote


def test_format_count_hides_one_to_four_for_everyone_but_officers():
    assert [format_count(n, "scrutiny") for n in range(7)] == ["0", "<5", "<5", "<5", "<5", "5", "6"]
    assert [format_count(n, "report_writer") for n in (1, 4, 5)] == ["<5", "<5", "5"]
    assert [format_count(n, "officer") for n in (0, 1, 4, 5)] == ["0", "1", "4", "5"]
    assert SUPPRESSED == "<5"
    with pytest.raises(ValueError, match="negative"):
        format_count(-1, "officer")
    with pytest.raises(ValueError, match="unknown role 'admin'"):
        format_count(3, "admin")


def test_share_text_never_gives_a_small_count_back():
    assert share_text(9, 12, "officer") == "9 of 12 (75%)"
    assert share_text(9, 12, "scrutiny") == "9 of 12 (75%)"
    assert share_text(3, 12, "scrutiny") == "<5 of 12"
    assert share_text(3, 4, "report_writer") == "<5 quotes"
    assert share_text(3, 4, "officer") == "3 of 4 (75%)"
    assert share_text(0, 12, "scrutiny") == "0 of 12 (0%)"
    assert share_text(0, 0, "scrutiny") == "no quotes"
    with pytest.raises(ValueError):
        share_text(5, 4, "officer")


def test_age_bands():
    assert [age_band(a) for a in (6, 10, 12, 13, 15, 16, 17, 18, 25, 30)] == [
        "child, under 10",
        "young person, 10–12",
        "young person, 10–12",
        "young person, 13–15",
        "young person, 13–15",
        "young person, 16–17",
        "young person, 16–17",
        "young adult, 18–25",
        "young adult, 18–25",
        "adult",
    ]


def q(text: str, gender: str | None, age: int | None, period: str = "2017/18 Q1", speaker=None) -> Quote:
    return Quote(text=text, source="CRS", period=period, gender=gender, age=age, speaker=speaker)


def test_the_issue_example_female_15_becomes_young_person_13_15():
    quotes = [
        q("a", "Female", 15),
        q("b", "Female", 15),
        q("c", "Male", 15),
        q("d", "Male", 14),
        q("e", "Female", 13),
    ]
    shown = coarsen_attributions(quotes, "report_writer")
    assert set(shown.values()) == {"young person, 13–15"}
    assert coarsen_attributions(quotes, "officer")[quotes[0].id] == "Female, 15"


def test_groups_of_five_keep_their_attribution():
    quotes = [q(f"f{i}", "Female", 15) for i in range(5)] + [q("m", "Male", 12)]
    shown = coarsen_attributions(quotes, "scrutiny")
    assert [shown[x.id] for x in quotes[:5]] == ["Female, 15"] * 5
    # the lone 12-year-old cannot hide in a band or a broad group of fewer than 5: no attribution
    assert shown[quotes[5].id] == ""


def test_the_seed_quotes_coarsen_by_band_then_broad_group():
    """The nine seed CP quotes of 2017/18 Q1: 5 aged 13-15, 4 aged 11-12."""
    ages = [("Female", 15), ("Male", 15), ("Female", 15), ("Male", 11), ("Female", 12)]
    ages += [("Male", 15), ("Female", 13), ("Male", 12), ("Male", 12)]
    quotes = [q(f"s{i}", g, a) for i, (g, a) in enumerate(ages)]
    shown = coarsen_attributions(quotes, "report_writer")
    by_age = {(x.gender, x.age): shown[x.id] for x in quotes}
    assert by_age[("Female", 15)] == "young person, 13–15"
    assert by_age[("Female", 13)] == "young person, 13–15"
    # the four 11-12 year olds are too few for their band, so they become the broad group,
    # which has only them at that level: no attribution at all
    assert by_age[("Male", 11)] == ""
    assert by_age[("Male", 12)] == ""


def test_groups_are_counted_per_period():
    quotes = [q(f"a{i}", "Female", 15, "2017/18 Q1") for i in range(3)]
    quotes += [q(f"b{i}", "Female", 15, "2017/18 Q2") for i in range(3)]
    shown = coarsen_attributions(quotes, "scrutiny")
    assert set(shown.values()) == {""}
    assert set(coarsen_attributions(quotes, "scrutiny", threshold=3).values()) == {"Female, 15"}


def test_speaker_only_attributions():
    parents = [q(f"p{i}", None, None, speaker="Parent") for i in range(5)]
    named = q("x", None, None, speaker="Jake's mum")
    shown = coarsen_attributions([*parents, named], "report_writer")
    assert [shown[p.id] for p in parents] == ["Parent"] * 5
    assert shown[named.id] == ""
    assert coarsen_attributions([named], "officer")[named.id] == "Mum"  # exact, but never the name


def test_protect_rows_redacts_and_coarsens_for_non_officers():
    rows = [
        {
            "id": "a1",
            "text": "my social worker Sarah listens",
            "question": "What does Jake think?",
            "gender": "Female",
            "age": 15,
            "speaker": "",
            "period": "2017/18 Q1",
            "label": "good",
            "label_by": "officer.jane",
        }
    ]
    assert protect_rows(rows, "officer") == rows
    safe = protect_rows(rows, "scrutiny")[0]
    assert safe["text"] == "my social worker [staff name] listens"
    assert safe["question"] == "What does [name] think?"
    assert safe["attribution"] == ""
    assert "gender" not in safe and "age" not in safe and "label_by" not in safe
    assert safe["label"] == "good"


def test_identifying_words_are_hidden_from_theme_labels() -> None:
    from voice.privacy import HIDDEN_WORD, identifier_words, scrub_words

    words = identifier_words(["Bartek my social worker never listens", "I live in Coalville"])
    assert {"bartek", "coalville"} <= words
    assert scrub_words("bartek / social", words) == f"{HIDDEN_WORD} / social"
    assert scrub_words("Coalville school", words) == f"{HIDDEN_WORD} school"
    assert scrub_words("social worker / listens", words) == "social worker / listens"


def test_summaries_for_audience_coarsen_the_example_in_the_sentence() -> None:
    from voice.themes import RepresentativeQuote, ThemeSummary, for_audience

    rep = RepresentativeQuote("q1", "Bartek listens to me.", "Male, 20", "good")
    summary = ThemeSummary(
        theme_id="t", label="bartek / listens", size=6, size_text="6", share=1.0,
        counts={"good": 6}, count_texts={"good": "6"}, previous=None, change=None, change_text="",
        keywords=("bartek", "listens"), quotes=(rep,),
        sentence='6 quotes. For example: "Bartek listens to me." (Male, 20).',
    )  # fmt: skip
    (shown,) = for_audience([summary], {"q1": "young adult, 18–25"}, frozenset({"bartek"}))
    assert shown.label == "[…] / listens" and shown.keywords == ("[…]", "listens")
    assert "(young adult, 18–25)" in shown.sentence and "Male, 20" not in shown.sentence
    assert "Bartek" not in shown.sentence
    assert shown.quotes[0].attribution == "young adult, 18–25"


def test_a_role_word_inside_a_service_name_never_hides_a_theme_label() -> None:
    """The redactor reads "Surrey Young Carers" as a name: its place is identifying, its role words
    are not, so the framework theme "young carers" keeps its name while the whole service name is
    still hidden (found on a blind set of children's quotes, where the theme read "young […]")."""
    from voice.privacy import identifier_words, scrub_words

    ids = identifier_words(["Surrey Young Carers took us to the seaside."])
    assert {"surrey", "surrey young carers"} <= ids
    assert "carers" not in ids and "young carers" not in ids
    assert scrub_words("young carers", ids) == "young carers"
    assert "Surrey" not in scrub_words("trips with Surrey Young Carers", ids)
