"""Calibrating the similarity tier: how close to a curated disclosure a sentence must be to flag alone.

The tier (detect-4) flags a quote when one of its sentences is at least ``tier_similarity`` close
to a curated example disclosure and at least ``tier_margin`` closer to it than to any calm
example, and the quote does not say the harm is over. ``calibrate_tier`` picks the two numbers:
among the pairs on a grid that flag at most ``max_false_rate`` of the ordinary feedback the rules
do not flag (the adult NHS comments and the children's seed and redaction sentences, each
bounded separately), the pair that finds the most of the given disclosures. The demo set is
never read here: it stays a check (``scripts/safeguarding_precision.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from voice.embed import Embedder

from ._detect import _resolved_away
from ._negation import sentences
from ._similar import ExampleIndex
from ._train import childrens_texts, ordinary_texts

MAX_TIER_FALSE_RATE = 0.01
"""The share of each ordinary-feedback set that the tier alone may flag."""
SIMILARITY_GRID = tuple(round(0.40 + 0.025 * i, 3) for i in range(13))  # 0.40 .. 0.70
MARGIN_GRID = tuple(round(0.025 * i, 3) for i in range(11))  # 0.00 .. 0.25


def _best_per_quote(texts: Sequence[str], embedder: Embedder, index: ExampleIndex) -> np.ndarray:
    """Per quote, per sentence: (similarity, margin) of the nearest disclosure; (-1, -1) when the
    quote says that harm is over. Returned as an object array of (n_sentences, 2) arrays."""
    split = [sentences(t) or [t.strip()] for t in texts]
    flat = [s for ss in split for s in ss]
    near = index.nearest(embedder.embed(flat)) if flat else []
    out, at = [], 0
    for text, ss in zip(texts, split, strict=True):
        rows = []
        for s, nb in zip(ss, near[at : at + len(ss)], strict=True):
            away = _resolved_away(text, s, nb.kind)
            rows.append((-1.0, -1.0) if away else (nb.similarity, nb.margin))
        at += len(ss)
        out.append(np.array(rows, dtype=np.float32))
    return np.array(out, dtype=object)


def _flag_rate(scores: np.ndarray, sim: float, margin: float) -> np.ndarray:
    return np.array([bool(np.any((s[:, 0] >= sim) & (s[:, 1] >= margin))) for s in scores])


def calibrate_tier(
    disclosures: Sequence[str], embedder: Embedder, max_false_rate: float = MAX_TIER_FALSE_RATE
) -> dict:
    """The tier's thresholds and what they were chosen on (see the module docstring).

    ``disclosures`` are the quotes the tier should find (detect-4: the real disclosures of the
    labelled tune split, ``fresh.csv`` and ``fresh2.csv`` that the rest of the detector misses)."""
    index = ExampleIndex(embedder)
    ordinary = ordinary_texts()
    kids = childrens_texts()
    o_scores = _best_per_quote(ordinary, embedder, index)
    is_kid = np.array([t in kids for t in ordinary])
    d_scores = _best_per_quote(list(disclosures), embedder, index)
    best: tuple | None = None
    for margin in MARGIN_GRID:
        for sim in SIMILARITY_GRID:
            o_flag = _flag_rate(o_scores, sim, margin)
            nhs, kid = float(o_flag[~is_kid].mean()), float(o_flag[is_kid].mean())
            if max(nhs, kid) > max_false_rate:
                continue
            found = int(_flag_rate(d_scores, sim, margin).sum())
            key = (found, -max(nhs, kid))
            if best is None or key > best[0]:
                best = (key, sim, margin, nhs, kid, found)
            break  # the lowest similarity that fits at this margin finds the most
    if best is None:
        return {"tier_similarity": 2.0, "tier_margin": 2.0, "tier_calibration": {"note": "no pair fits"}}
    _, sim, margin, nhs, kid, found = best
    return {
        "tier_similarity": sim,
        "tier_margin": margin,
        "tier_calibration": {
            "max_false_rate": max_false_rate,
            "nhs_comments_flagged": round(nhs, 4),
            "childrens_ordinary_flagged": round(kid, 4),
            "ordinary_quotes": len(ordinary),
            "disclosures_found": f"{found} of {len(disclosures)}",
            "chosen_on": "real disclosures of labelled.csv split=tune, fresh.csv, fresh2.csv (both seen) "
            "that the rules and both embedding parts agreeing miss; "
            "false flags on the NHS comments, seed quotes and redaction sentences the rules do not flag",
        },
    }
