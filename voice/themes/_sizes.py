"""Sizes a reader can trust: themes under a minimum size are dissolved into their neighbours.

The smallest theme under the minimum goes first: each of its quotes joins the remaining theme it
scores best against (an anchor's score: cosine to its closest example or its centre) when that
reaches the outlier threshold, else "Other"; then the next smallest, until every theme left
holds at least the minimum. Quotes a person placed, and pinned or edited themes, never move.

With a floor on the number of themes (``min_count``), a small theme whose dissolving would leave
fewer is topped up instead: it takes, from themes that can spare them, the quotes that lose least
by moving (their score for it closest to their score for their own theme), up to the minimum.
A quarter of 40 children's quotes then keeps four themes rather than three broad ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence, Set
from typing import Protocol

import numpy as np

from voice.records import OTHER_THEME

__all__ = ["dissolve_small_themes"]


class Target(Protocol):
    """What a theme offers here: an id, flags and a score per row of unit vectors."""

    @property
    def id(self) -> str: ...

    @property
    def pinned(self) -> bool: ...

    @property
    def edited(self) -> bool: ...

    def scores(self, emb: np.ndarray) -> np.ndarray: ...


def dissolve_small_themes(
    assignment: Mapping[str, str],
    rows: Mapping[str, int],
    emb: np.ndarray,
    targets: Sequence[Target],
    min_size: int,
    min_similarity: float,
    fixed: Set[str] = frozenset(),
    min_count: int = 0,
) -> dict[str, str]:
    """A new assignment in which no theme (but pinned, edited or person-placed ones) is under ``min_size``.

    Args:
        assignment: quote id -> theme id or "other".
        rows: quote id -> row of ``emb`` (unit embeddings).
        targets: every theme that quotes may join (anchors and new themes' centres).
        min_size: fewest quotes a theme may keep.
        min_similarity: a moved quote joins a theme at this score, else "Other".
        fixed: quote ids that never move (a person's decisions, earlier runs).
        min_count: fewest themes to keep when quotes can be spared (0: no floor).
    """
    out = dict(assignment)
    alive = {t.id: t for t in targets}
    kept = {t.id for t in targets if t.pinned or t.edited}
    kept |= {out[q] for q in fixed if q in out}
    while True:
        sizes = Counter(t for t in out.values() if t != OTHER_THEME)
        small = [tid for tid, n in sizes.items() if n < min_size and tid not in kept]
        if not small:
            return out
        victim = min(small, key=lambda tid: (sizes[tid], tid))
        if len(sizes) <= min_count and _top_up(out, rows, emb, alive, victim, min_size, fixed, sizes):
            continue
        alive.pop(victim, None)
        kept.add(victim)  # never dissolved twice: emptied, or left with quotes that cannot move
        movers = [q for q, t in out.items() if t == victim and q not in fixed]
        if not movers:
            continue
        others = [t for t in alive.values() if sizes.get(t.id, 0) > 0]
        if not others:
            for q in movers:
                out[q] = OTHER_THEME
            continue
        vecs = emb[[rows[q] for q in movers]]
        sims = np.column_stack([t.scores(vecs) for t in others])
        best = sims.argmax(axis=1)
        for i, q in enumerate(movers):
            j = int(best[i])
            out[q] = others[j].id if sims[i, j] >= min_similarity else OTHER_THEME


def _top_up(
    out: dict[str, str],
    rows: Mapping[str, int],
    emb: np.ndarray,
    alive: Mapping[str, Target],
    victim: str,
    min_size: int,
    fixed: Set[str],
    sizes: Counter[str],
) -> bool:
    """Move quotes into ``victim`` until it holds ``min_size``, cheapest first.

    False, and nothing moved, when the other themes cannot spare enough.
    """
    need = min_size - sizes[victim]
    spare = {t: n - min_size for t, n in sizes.items() if t != victim and t in alive and n > min_size}
    movers = [q for q, t in out.items() if t in spare and q not in fixed]
    if victim not in alive or not movers:
        return False
    vecs = emb[[rows[q] for q in movers]]
    own = np.array([float(alive[out[q]].scores(vecs[i : i + 1])[0]) for i, q in enumerate(movers)])
    chosen: list[str] = []
    for i in np.argsort(own - alive[victim].scores(vecs), kind="stable"):
        q = movers[int(i)]
        if spare[out[q]] > 0:
            spare[out[q]] -= 1
            chosen.append(q)
            if len(chosen) == need:
                break
    if len(chosen) < need:
        return False
    for q in chosen:
        out[q] = victim
    return True
