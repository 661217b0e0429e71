"""The seed appendix reader on the real seed documents."""

from __future__ import annotations

import pytest
from conftest import seed

from voice.ingest.seed_appendix import SLF_SOURCE, read_seed_appendix

CRS = "Children's Rights Service: Child Protection"


def test_000_has_nine_labelled_quotes_and_seven_slf_bullets():
    a = read_seed_appendix(seed("000"))
    assert a.period == "2017/18 Q1"
    crs = [q for q in a.quotes if q.source == CRS]
    slf = [q for q in a.quotes if q.source == SLF_SOURCE]
    assert len(crs) == 9
    assert len(slf) == 7
    assert len(a.tags) == 9
    assert {t.quote_id for t in a.tags} == {q.id for q in crs}
    labels = [t.label for t in a.tags]
    assert labels.count("good") == 2
    assert labels.count("unsure") == 3
    assert labels.count("not_so_good") == 4
    assert all(t.who == "source document" and t.origin == "human" for t in a.tags)


def test_quote_fields_are_split_and_marks_removed():
    a = read_seed_appendix(seed("000"))
    first = a.quotes[0]
    assert first.text.startswith("The social workers listen and they help me.")
    assert first.text.endswith("involved and everything.")
    assert "[staff names]" in first.text
    assert (first.gender, first.age, first.speaker) == ("Female", 15, "Female, 15")
    assert first.attribution == "Female, 15"
    assert first.period == "2017/18 Q1"
    boring = next(q for q in a.quotes if "boring" in q.text)
    assert (boring.gender, boring.age) == ("Male", 12)
    assert "When N starts talking" in boring.text
    slf = [q for q in a.quotes if q.source == SLF_SOURCE]
    assert slf[3].text == "Hey sorry its late , just thought I'd let you know I have a job!"
    assert slf[0].gender is None and slf[0].age is None


def test_service_development_bullets_are_notes_not_quotes():
    a = read_seed_appendix(seed("000"))
    assert not any("Youth Parliament Leadership Residential" in q.text for q in a.quotes)
    assert len(a.notes) == 8
    assert a.notes[0].heading == "UK Youth Parliament"
    assert a.notes[-1].heading == "Family Voice and EH Support Services"


@pytest.mark.parametrize("prefix", ["001", "002", "003", "004"])
def test_other_seeds_have_no_quotes(prefix):
    a = read_seed_appendix(seed(prefix))
    assert a.quotes == [] and a.tags == []
