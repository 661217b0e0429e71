"""A theme one guide category dominates carries that category's name (as framework themes carry
theirs); the others keep their phrase labels. On the whole NHS file the praise theme was
labelled "odd mistakes", a phrase that passed every label rule but misled."""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np
import pytest
from conftest import ROOT

from voice.embed import default_embedder, unit_rows
from voice.records import Quote
from voice.themes import GuidedReducer, anchor_from_phrases, build_themes, default_guide
from voice.themes._guide import NAME_SHARE, dominant_categories

PRAISE = "Positive experience & gratitude"
CATS = (
    PRAISE,
    "Timeliness of care",
    "Transport to/ from services",
    "Not assigned",
)


def _rows(*shares: float) -> np.ndarray:
    """Two quotes whose mean probabilities are ``shares`` (the rest spread over the other columns)."""
    row = np.array(shares + (0.0,) * (len(CATS) - len(shares)))
    return np.tile(row, (2, 1))


def test_a_category_with_most_of_a_themes_mass_names_it_and_a_mixed_theme_keeps_its_phrase() -> None:
    names = dominant_categories(CATS, {"praise": _rows(0.7, 0.1, 0.1, 0.1), "mixed": _rows(0.4, 0.35, 0.25)})
    assert names == {"praise": PRAISE}
    assert dominant_categories(CATS, {"half": _rows(NAME_SHARE, 0.5)}) == {}  # a majority, not a half


def test_a_category_names_one_theme_at_most_the_one_it_dominates_most() -> None:
    probs = {"a": _rows(0.6, 0.4), "b": _rows(0.8, 0.2), "c": _rows(0.1, 0.9)}
    assert dominant_categories(CATS, probs) == {"b": PRAISE, "c": "Timeliness of care"}


def test_not_assigned_and_names_that_break_a_label_rule_never_name_a_theme() -> None:
    probs = {"unassigned": _rows(0.0, 0.0, 0.0, 1.0), "slash": _rows(0.0, 0.0, 0.9, 0.1)}
    assert dominant_categories(CATS, probs) == {}  # "Transport to/ from services" is a "word / word"


def _nhs_by_category() -> dict[str, list[str]]:
    by: dict[str, list[str]] = defaultdict(list)
    with (ROOT / "corpus" / "nhs_fft_labelled.csv").open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            if len(r["text"].strip()) > 25:
                by[r["categories"]].append(r["text"])
    return by


OTHER_TOPICS = (
    "Contacting services",
    "Timeliness of care",
    "Transport to/ from services",
    "Appointment arrangements",
    "Staff listening, understanding & involving patients",
    "Number & deployment of staff",
)


@pytest.mark.slow
def test_real_nhs_praise_theme_is_named_by_its_category_and_a_mixed_one_is_not() -> None:
    """Real MiniLM, the shipped guide, real NHS comments (the guide saw them in training, as it
    sees the NHS file it themes): 40 praise comments and 8 from each of six other topics."""
    by = _nhs_by_category()
    praise = by[PRAISE][:40]
    others = [t for c in OTHER_TOPICS for t in by[c][:8]]
    embedder = default_embedder()
    guide = default_guide()
    assert guide is not None

    mixed = [t for c in OTHER_TOPICS for t in by[c][:5]]
    groups = {"praise": praise[:30], "mixed": mixed}
    vecs = {g: unit_rows(embedder.embed(texts)) for g, texts in groups.items()}
    assert GuidedReducer().category_names(groups, vecs, embedder) == {"praise": PRAISE}

    quotes = [Quote(text=t, id=f"praise{i}") for i, t in enumerate(praise)]
    quotes += [Quote(text=t, id=f"other{i}") for i, t in enumerate(others)]
    result = build_themes(quotes, embedder)
    most_praise = max(result.themes, key=lambda t: sum(q.startswith("praise") for q in t.quote_ids))
    assert most_praise.label == PRAISE
    mixed_themes = [t for t in result.themes if t.label not in guide.categories]
    assert mixed_themes, [t.label for t in result.themes]  # the rest keep phrase labels
    for t in mixed_themes:  # ... because no category holds most of their mass
        texts = [q.text for q in quotes if q.id in set(t.quote_ids)]
        mass = guide.transform(unit_rows(embedder.embed(texts))).mean(axis=0)
        assert mass.max() <= NAME_SHARE or guide.categories[int(mass.argmax())] == "Not assigned"
    assert len({t.label for t in result.themes}) == len(result.themes)

    # beside a framework (pinned themes, as in a council's store) only the framework's names are used
    pinned = anchor_from_phrases("pin-school", "school", ["my school", "teachers at school"], embedder)
    framed = build_themes(quotes, embedder, anchors=[pinned])
    assert not {t.label for t in framed.themes} & set(guide.categories)
