"""The blind set corpus/safeguarding/fresh.csv: its format only, never the detector's figures on it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from voice import config
from voice.safeguarding import CONCERN_KINDS

DIR: Path = config.CORPUS_DIR / "safeguarding"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DIR / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _words(text: str) -> str:
    """Lower case, curly apostrophes straightened, punctuation dropped: for duplicate checks."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text).split())


@pytest.fixture(scope="module")
def fresh() -> list[dict[str, str]]:
    return _rows("fresh.csv")


@pytest.fixture(scope="module")
def labelled() -> list[dict[str, str]]:
    return _rows("labelled.csv")


def test_same_columns_as_labelled(fresh: list[dict[str, str]], labelled: list[dict[str, str]]) -> None:
    assert list(fresh[0]) == list(labelled[0])


def test_ids_in_order(fresh: list[dict[str, str]]) -> None:
    assert [r["id"] for r in fresh] == [f"fr{i:03d}" for i in range(1, len(fresh) + 1)]


def test_every_row_is_real_fresh_and_labelled(fresh: list[dict[str, str]]) -> None:
    assert fresh
    for r in fresh:
        assert r["text"].strip(), r["id"]
        assert r["origin"] == "real", r["id"]
        assert r["split"] == "fresh", r["id"]
        assert r["label"] in ("concern", "none"), r["id"]
        if r["label"] == "concern":
            assert r["kind"] in CONCERN_KINDS, r["id"]
        else:
            assert r["kind"] == "", r["id"]


def test_every_row_names_its_source(fresh: list[dict[str, str]]) -> None:
    for r in fresh:
        assert re.search(r"https?://\S+", r["source"]), r["id"]
        assert len(r["source"]) > len(re.search(r"https?://\S+", r["source"]).group()) + 5, r["id"]


def test_both_labels_present(fresh: list[dict[str, str]]) -> None:
    labels = [r["label"] for r in fresh]
    assert labels.count("concern") >= 30 and labels.count("none") >= 30


def test_no_duplicate_within(fresh: list[dict[str, str]]) -> None:
    texts = [_words(r["text"]) for r in fresh]
    assert len(texts) == len(set(texts))


def test_no_duplicate_of_labelled(fresh: list[dict[str, str]], labelled: list[dict[str, str]]) -> None:
    old = [_words(r["text"]) for r in labelled]
    for r in fresh:
        new = _words(r["text"])
        assert not any(new in o or o in new for o in old), r["id"]


def test_no_source_of_labelled(fresh: list[dict[str, str]], labelled: list[dict[str, str]]) -> None:
    def addresses(source: str) -> set[str]:
        found = re.findall(r"https?://(?:www\.)?(\S+)", source)
        return {a.rstrip(".,)/").lower() for a in found}

    old_sources = {r["source"] for r in labelled}
    old_addresses = set().union(*(addresses(s) for s in old_sources))
    for r in fresh:
        assert r["source"] not in old_sources, r["id"]
        assert not addresses(r["source"]) & old_addresses, r["id"]
