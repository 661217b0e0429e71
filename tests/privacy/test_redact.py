"""Redaction with the real spaCy pipeline: hard cases, words that must stay, the local list."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from voice import config
from voice.cli import app
from voice.errors import InputError, MissingPipeline, VoiceError
from voice.privacy import (
    MARKERS,
    Gazetteers,
    LocalNames,
    Redactor,
    default_redactor,
    load_pipeline,
    load_redactor,
    redact_text,
    redact_texts,
)


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    """The shipped lists and spaCy, without any council list."""
    return Redactor(local=LocalNames())


def kinds(redactor: Redactor, text: str) -> list[tuple[str, str]]:
    return [(s.original, s.kind) for s in redactor.redact(text).spans]


def test_the_seed_initial_is_redacted_as_a_name(redactor):
    red = redactor.redact(
        "It would be better if social workers weren't so boring. When N starts talking he goes on."
    )
    assert red.text.endswith("When [name] starts talking he goes on.")
    assert kinds(redactor, "When N starts talking he goes on") == [("N", "name")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("me and jake went to loughborough with my nan", "me and [name] went to [place] with my nan"),
        ("my friend oluwaseun is really funny", "my friend [name] is really funny"),
        ("my little sister ruby is 4 and she cries", "my little sister [name] is [age] and she cries"),
        ("i hate it when callum shouts at me", "i hate it when [name] shouts at me"),
        ("olivia bennett was mean to me at break", "[name] was mean to me at break"),
        ("i told amy khan everything", "i told [name] everything"),
        ("jake brown shoes got wet", "[name] brown shoes got wet"),  # an everyday word stays
    ],
)
def test_lower_case_names_in_childrens_writing(redactor, text, expected):
    assert redactor.redact(text).text == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I go to Oakfield Primary and I like it", "I go to [school] and I like it"),
        ("i got excluded from Hinckley Academy twice", "i got excluded from [school] twice"),
        ("i go to riverside primary", "i go to [school]"),
        ("Mrs Khan at Birstall Primary is kind", "[staff name] at [school] is kind"),
        ("I used to go to St Mary's Catholic Primary", "I used to go to [school]"),
    ],
)
def test_school_names(redactor, text, expected):
    assert redactor.redact(text).text == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I am 7 and I like drawing", "I am [age] and I like drawing"),
        ("my brother who is 6 got moved", "my brother who is [age] got moved"),
        ("i am six and i have a dog", "i am [age] and i have a dog"),
        ("my 5 year old sister", "my [age] year old sister"),
        ("I am 15 and I want to be listened to", "I am 15 and I want to be listened to"),
        ("im 14 and nobody asks me", "im 14 and nobody asks me"),
        ("the meeting is 9 o'clock", "the meeting is 9 o'clock"),
        ("I have been in care for 3 years", "I have been in care for 3 years"),
        ("there is 3 of us in the house", "there is 3 of us in the house"),
    ],
)
def test_ages_under_ten_only(redactor, text, expected):
    assert redactor.redact(text).text == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ring my mum on 0116 496 0732 please", "ring my mum on [phone] please"),
        ("text me on 07700900318", "text me on [phone]"),
        ("email me at kayleigh.smith09@hotmail.co.uk", "email me at [email]"),
        ("I live at 14 Church Street in Coalville", "I live at [address] in [place]"),
        ("we used to live in LE4 2BD", "we used to live in [address]"),
        ("we live on saffron lane and its not safe", "we live on [address] and its not safe"),
        ("I was born on 03/05/2011", "I was born on [date of birth]"),
        ("my birthday is 12th March", "my birthday is [date of birth]"),
        ("Mr Patel didnt let me speak", "[staff name] didnt let me speak"),
        ("my social worker Sarah listens", "my social worker [staff name] listens"),
        ("Debbie from early help sorted our housing", "[staff name] from early help sorted our housing"),
    ],
)
def test_each_kind_gets_its_marker(redactor, text, expected):
    assert redactor.redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "My Social Worker is nice but she changes too much",
        "the IRO asked what i thought at the CP meeting",
        "Mum and Dad argue and Nan makes tea on Sundays",
        "The Children's Rights Service helped me say what I wanted",
        "the CP conference was on a Monday in March",
        "Supporting Leicestershire Families helped us with the bills",
        "We have lived in Leicestershire all my life",
        "Will they tell me before they change my school?",
        "I hope they will listen to me next time",
        "i got a C in maths and a B in english",
        "I play on my Xbox and we went to McDonalds",
        "Early Help helped my family loads",
        "It's kind of helped and kind of not. I might get into a school quicker.",
    ],
)
def test_everyday_words_are_untouched(redactor, text):
    red = redactor.redact(text)
    assert red.text == text, red.spans
    assert not red.changed


def test_spans_point_into_the_original(redactor):
    text = "Mrs Hughes said Jake and Chloe from Wigston can ring 07700 900461."
    red = redactor.redact(text)
    assert red.original == text
    for s in red.spans:
        assert text[s.start : s.end] == s.original
        assert s.kind in MARKERS
    assert [s.kind for s in red.spans] == ["staff", "name", "name", "place", "phone"]
    assert red.text == "[staff name] said [name] and [name] from [place] can ring [phone]."


def test_redact_many_matches_redact_and_keeps_order(redactor):
    texts = ["me and jake", "", "nothing here", "me and jake", "I am 7"]
    many = redactor.redact_many(texts)
    assert [r.text for r in many] == [redactor.redact(t).text for t in texts]
    assert [r.text for r in many] == ["me and [name]", "", "nothing here", "me and [name]", "I am [age]"]


def test_long_emoji_and_non_latin_text(redactor):
    long = ("my social worker listens to me. " * 300) + "Jake 😀 said 你好"
    red = redactor.redact(long)
    assert red.text.endswith("[name] 😀 said 你好")
    assert len(red.spans) == 1


def test_full_names_become_one_marker(redactor):
    assert redactor.redact("Olivia Bennett stole my phone").text == "[name] stole my phone"
    assert redactor.redact("Sarah Jenkins was my first social worker").text.startswith("[staff name] was")


def test_without_lists_names_alone_are_missed(redactor):
    """The word lists do real work: spaCy alone misses lower-case first names."""
    bare = Redactor(local=LocalNames(), gazetteers=Gazetteers.empty())
    assert bare.redact("me and jake went out").text == "me and jake went out"
    assert redactor.redact("me and jake went out").text == "me and [name] went out"


def test_local_names_file(tmp_path: Path):
    path = tmp_path / "local_names.json"
    path.write_text(
        json.dumps(
            {
                "staff": ["Zebedee Quarterman"],
                "places": ["Greenacre Estate"],
                "schools": ["Example Brook"],
                "names": ["Tink"],
            }
        ),
        encoding="utf-8",
    )
    r = Redactor(local=LocalNames.load(path))
    red = r.redact(
        "zebedee quarterman came to greenacre estate, then Mr Quarterman went to example brook with tink"
    )
    assert red.text == "[staff name] came to [place], then [staff name] went to [school] with [name]"


def test_bad_local_names_file_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "local.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"local\.json: not a valid local names JSON"):
        LocalNames.load(path)
    path.write_text(json.dumps({"staff": "Jo"}), encoding="utf-8")
    with pytest.raises(ValueError, match="'staff' must be a list of strings"):
        LocalNames.load(path)
    assert LocalNames.load(tmp_path / "missing.json") == LocalNames()


def test_a_bad_local_names_file_is_an_input_error(tmp_path: Path):
    path = tmp_path / "local.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(InputError, match="expected an object with staff, places") as caught:
        LocalNames.load(path)
    assert isinstance(caught.value, VoiceError) and isinstance(caught.value, ValueError)


def test_a_missing_spacy_pipeline_is_missing_pipeline(tmp_path, voice_home, monkeypatch):
    from voice.privacy import _pipeline

    monkeypatch.setattr(_pipeline, "_NLP", {})
    monkeypatch.setattr(config, "SPACY_PIPELINE", "no_such_spacy_pipeline")
    with pytest.raises(MissingPipeline, match="'no_such_spacy_pipeline' is not installed") as caught:
        load_pipeline()
    assert isinstance(caught.value, VoiceError) and isinstance(caught.value, RuntimeError)
    with pytest.raises(MissingPipeline):
        Redactor(local=LocalNames()).redact("a quote no redactor in this test has seen")
    src = tmp_path / "quotes.csv"
    src.write_text("text\nonly this test asks for jake\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["redact", str(src), "-o", str(tmp_path / "out.csv")])
    assert r.exit_code == 1 and "'no_such_spacy_pipeline' is not installed" in r.output
    assert not (tmp_path / "out.csv").exists()


def test_load_redactor_redacts_and_refuses_when_redaction_cannot_be_imported(monkeypatch):
    transform = load_redactor(["me and jake went out"])
    assert transform("me and jake went out") == "me and [name] went out"
    assert transform("Mrs Khan helped") == "[staff name] helped"
    monkeypatch.setitem(sys.modules, "voice.privacy._redact", None)
    with pytest.raises(InputError, match="redaction is not available") as caught:
        load_redactor(["me and jake went out"])
    assert isinstance(caught.value, VoiceError) and isinstance(caught.value, ValueError)


def test_default_redactor_reads_the_local_list_and_notices_changes(tmp_path, monkeypatch):
    path = tmp_path / "names.json"
    monkeypatch.setenv("VOICE_LOCAL_NAMES", str(path))
    assert redact_text("we saw quentina today") == "we saw quentina today"
    path.write_text(json.dumps({"staff": ["Quentina"]}), encoding="utf-8")
    assert redact_text("we saw quentina today") == "we saw [staff name] today"
    assert default_redactor() is default_redactor()
    assert redact_texts(["we saw quentina", "I am 8"]) == ["we saw [staff name]", "I am [age]"]


def test_example_local_names_file_is_valid():
    from voice.config import REDACTION_DIR

    example = LocalNames.load(REDACTION_DIR / "local_names.example.json")
    assert example.staff and example.places and example.schools and example.names


def test_long_hostile_text_stays_linear():
    """Look-behind windows keep every rule linear: 24,000 characters of initials once took 90 s."""
    import time

    rules_only = Redactor(local=LocalNames(), use_ner=False)
    text = "A B C D " * 3000
    start = time.perf_counter()
    red = rules_only.redact(text)
    assert time.perf_counter() - start < 10
    assert red.original == text
