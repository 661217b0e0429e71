"""Format checks for the second blind set, corpus/safeguarding/fresh2.csv (no detector runs)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from voice.safeguarding import CONCERN_KINDS

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "safeguarding"
COLUMNS = ["id", "text", "label", "kind", "note", "origin", "source", "split"]


def _rows(name: str) -> list[dict[str, str]]:
    with (CORPUS / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _urls(source: str) -> set[str]:
    found = re.findall(r"https?://[^\s,)\"]+", source)
    return {
        u.rstrip(".;")
        .split("#")[0]
        .split("?")[0]
        .rstrip("/")
        .lower()
        .replace("http://", "https://")
        .replace("://www.", "://")
        for u in found
    }


@pytest.fixture(scope="module")
def fresh2() -> list[dict[str, str]]:
    return _rows("fresh2.csv")


@pytest.fixture(scope="module")
def older() -> list[dict[str, str]]:
    return _rows("labelled.csv") + _rows("fresh.csv")


def test_columns(fresh2: list[dict[str, str]]) -> None:
    with (CORPUS / "fresh2.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == COLUMNS
    assert len(fresh2) >= 40


def test_ids_labels_kinds(fresh2: list[dict[str, str]]) -> None:
    assert [r["id"] for r in fresh2] == [f"f2-{i:03d}" for i in range(1, len(fresh2) + 1)]
    for row in fresh2:
        assert row["label"] in {"concern", "none"}, row["id"]
        if row["label"] == "concern":
            assert row["kind"] in CONCERN_KINDS, row["id"]
        else:
            assert row["kind"] == "", row["id"]
        assert row["origin"] == "real", row["id"]
        assert row["split"] == "fresh", row["id"]
        assert row["text"].strip() == row["text"] and row["text"], row["id"]
    labels = {r["label"] for r in fresh2}
    assert labels == {"concern", "none"}


def test_every_row_has_a_source_with_address_and_year(fresh2: list[dict[str, str]]) -> None:
    for row in fresh2:
        assert _urls(row["source"]), row["id"]
        assert re.search(r"\b(19|20)\d\d\b|year not stated", row["source"]), row["id"]


def test_no_duplicate_texts(fresh2: list[dict[str, str]]) -> None:
    texts = [_norm(r["text"]) for r in fresh2]
    assert len(texts) == len(set(texts))


def test_no_source_overlap_with_older_sets(fresh2: list[dict[str, str]], older: list[dict[str, str]]) -> None:
    old_urls = set().union(*(_urls(r["source"]) for r in older))
    clash = [r["id"] for r in fresh2 if _urls(r["source"]) & old_urls]
    assert clash == []


def test_no_text_overlap_with_older_sets(fresh2: list[dict[str, str]], older: list[dict[str, str]]) -> None:
    old = [_norm(r["text"]) for r in older]
    clash = []
    for row in fresh2:
        words = _norm(row["text"]).split()
        runs = {" ".join(words[i : i + 8]) for i in range(max(1, len(words) - 7))}
        if any(" ".join(words) in t or any(run in t for run in runs) for t in old):
            clash.append(row["id"])
    assert clash == []
