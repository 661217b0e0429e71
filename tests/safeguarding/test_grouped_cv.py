"""detect-5's grouped cross-validation: folds by source, deterministic training, the threshold choice."""

from __future__ import annotations

import numpy as np

from voice.safeguarding import train_head
from voice.safeguarding._classifier import load_head
from voice.safeguarding._cv import Point, choose, real_rows, source_folds


def test_the_real_rows_are_every_real_labelled_row() -> None:
    rows = real_rows()
    assert {r.origin for r in rows} == {"real"}
    assert {r.id[:2] for r in rows} == {"sg", "fr", "f2"}
    assert len(rows) >= 250 and sum(r.concern for r in rows) >= 120


def test_one_source_is_never_on_both_sides_of_a_split() -> None:
    rows = real_rows()
    fold = source_folds([r.source for r in rows], 5)
    where: dict[str, set[int]] = {}
    for r, k in zip(rows, fold, strict=True):
        where.setdefault(r.source, set()).add(int(k))
    assert all(len(ks) == 1 for ks in where.values())
    sizes = np.bincount(fold, minlength=5)
    assert sizes.min() >= 0.8 * len(rows) / 5  # about equal folds
    for k in range(5):  # every test fold has disclosures and non-concerns
        assert {r.concern for r, f in zip(rows, fold, strict=True) if f == k} == {True, False}


def test_the_split_can_fail_to_keep_sources_apart() -> None:
    """The check above would see a split by row: rows of one source land in different folds."""
    sources = ["a", "a", "a", "b", "c"]
    by_row = np.arange(len(sources)) % 2
    assert len({int(k) for s, k in zip(sources, by_row, strict=True) if s == "a"}) > 1
    grouped = source_folds(sources, 2)
    assert len({int(k) for s, k in zip(sources, grouped, strict=True) if s == "a"}) == 1


def test_the_folds_do_not_depend_on_row_order() -> None:
    sources = [f"doc{i % 17}" for i in range(60)]
    fold = source_folds(sources, 5)
    again = source_folds(list(reversed(sources)), 5)[::-1]
    assert np.array_equal(fold, again)


def _point(high: float, recall: float, demo: float, nhs: float = 0.0) -> Point:
    return Point(high, 0.5, recall, 0.9, recall, demo, nhs, 0.0)


def test_choose_keeps_the_demo_bound_and_prefers_recall() -> None:
    points = [_point(0.6, 0.99, 0.10), _point(0.8, 0.95, 0.03), _point(0.9, 0.93, 0.01)]
    assert choose(points, 0.04, 0.05).high == 0.8
    assert choose(points, 0.02, 0.05).high == 0.9
    assert choose([_point(0.8, 0.95, 0.03, nhs=0.2), *points[2:]], 0.04, 0.05).high == 0.9


def test_training_is_deterministic(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    base = load_head()
    first = train_head(fake_embedder, base=base, folds=2, max_demo=1.0, max_nhs=1.0)
    second = train_head(fake_embedder, base=base, folds=2, max_demo=1.0, max_nhs=1.0)
    assert np.array_equal(first.weights, second.weights) and first.bias == second.bias
    assert (first.threshold, first.alone_threshold) == (second.threshold, second.alone_threshold)
    assert first.trained_on == second.trained_on
    assert first.trained_on["real_rows"] >= 250 and "demo" not in first.trained_on["data"]
