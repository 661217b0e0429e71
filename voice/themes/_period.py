"""A store's themes for one period: the engine run with every saved human edit kept.

Pinned and edited themes stay, quotes keep their theme, new quotes join existing themes, and
new assignments are saved (:mod:`voice.store`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from voice import config
from voice.embed import EMBEDDING_DIM, Embedder, default_theme_embedder, unit_rows
from voice.records import HUMAN, Quote
from voice.themes._base import Progress, centre, check_steps
from voice.themes._build import OTHER, Anchor, ThemeResult, build_themes, member_threshold
from voice.themes._text import is_non_answer

if TYPE_CHECKING:
    from voice.store import Store
    from voice.store._themes import Membership, StoredTheme

__all__ = ["themes_for_period"]


def themes_for_period(
    store: Store,
    period: str | None,
    embedder: Embedder | None = None,
    who: str = "system",
    *,
    starters: bool = True,
    rebuild: bool = False,
    progress: Progress | None = None,
    **steps: Any,
) -> ThemeResult:
    """Themes of a store's quotes for one period (None: every period), keeping human edits.

    Saved themes (pinned, edited, and those made by earlier runs) are anchors: quotes keep the
    theme they were given, new quotes join the nearest saved theme when close enough, and the
    rest are clustered into new themes, which are saved with the new assignments. The first run
    on a store pins the themes of the children's services framework
    (``config.theme_framework_file()``; ``starters=False`` skips them); ``rebuild=True`` first
    drops every theme and assignment no person has touched.

    Args:
        store: a :class:`voice.store.Store`.
        period: e.g. "2017/18 Q1", or None for all quotes.
        embedder: default: MiniLM beside all-mpnet-base-v2, as ``voice themes FILE`` groups
            children's quotes (:func:`voice.embed.default_theme_embedder`).
        who: recorded in the theme log for what this run saves.
        starters: pin the starter themes on a store's first run.
        rebuild: re-cluster everything that no person has edited.
        progress: ``progress(done, total)`` while embedding.
        **steps: reducer / clusterer / labeller / picker, passed to :func:`build_themes`.
    """
    import voice.store as theme_store

    check_steps(embedder, **steps)
    embedder = embedder or default_theme_embedder()
    if rebuild:
        theme_store.reset_model_themes(store, who)
    if starters and not theme_store.stored_themes(store, include_retired=True):
        from voice.themes._framework import framework_starters

        theme_store.seed_starter_themes(store, who, framework_starters())
    saved = theme_store.stored_themes(store)
    members = theme_store.memberships(store)
    everything = {q.id: q for q in store.quotes()}
    scope = [q for q in everything.values() if period is None or q.period == period]
    anchors = _anchors(saved, members, everything, embedder)
    active = {t.id for t in saved}
    in_scope = {q.id for q in scope}
    fixed = {
        qid: m.theme_id
        for qid, m in members.items()
        if qid in in_scope and (m.theme_id in active or m.theme_id == OTHER)
    }
    if "reducer" not in steps:  # as `voice themes FILE` clusters children's quotes
        from voice.themes._reduce import meaning_reducer

        steps["reducer"] = meaning_reducer()
    result = build_themes(scope, embedder, anchors=anchors, fixed=fixed, progress=progress, **steps)
    new_themes = [t for t in result.themes if t.id not in active]
    new_members = {qid: tid for qid, tid in result.assignment.items() if qid not in fixed and tid != OTHER}
    theme_store.save_run(store, new_themes, new_members, who=who, model_version=result.model_version)
    return result


def _anchors(
    saved: Sequence[StoredTheme],
    members: Mapping[str, Membership],
    everything: Mapping[str, Quote],
    embedder: Embedder,
) -> list[Anchor]:
    """Anchors for saved themes, centred on seeds and members (all periods).

    Examples (a quote joins at its cosine to the closest one) are the seed phrases and, for a
    pinned theme, the quotes people placed in it: a move into a framework theme refines it.
    """
    seeds_of = {t.id: list(t.seed_phrases) for t in saved}
    members_of: dict[str, list[str]] = {t.id: [] for t in saved}
    humans_of: dict[str, int] = {t.id: 0 for t in saved}
    placed = sorted(members.items(), key=lambda kv: kv[1].origin != HUMAN)  # people's first
    for qid, m in placed:
        if m.theme_id in members_of and qid in everything and not is_non_answer(everything[qid].text):
            members_of[m.theme_id].append(everything[qid].text)
            humans_of[m.theme_id] += m.origin == HUMAN
    framework_ids = _framework_ids()
    flat = [txt for t in saved for txt in (*seeds_of[t.id], *members_of[t.id])]
    vecs = unit_rows(embedder.embed(flat)) if flat else np.zeros((0, EMBEDDING_DIM), np.float32)
    dim = vecs.shape[1] if vecs.ndim == 2 and vecs.shape[1] else EMBEDDING_DIM
    out, start = [], 0
    for t in saved:
        n_seed, n_member = len(seeds_of[t.id]), len(members_of[t.id])
        block = vecs[start : start + n_seed + n_member]
        start += n_seed + n_member
        c = centre(block) if len(block) else np.zeros(dim, np.float32)
        if t.pinned and t.id in framework_ids and not t.edited:
            # as `voice themes FILE --group-by framework` assigns them
            threshold = config.THEME_FRAMEWORK_MIN_SIMILARITY
        elif t.pinned or not n_member:
            threshold = config.THEME_PIN_MIN_SIMILARITY if t.pinned else config.THEME_ASSIGN_MIN_SIMILARITY
        else:
            threshold = member_threshold(block[n_seed:] @ c)
        n_examples = n_seed + (humans_of[t.id] if t.pinned else 0)
        examples = block[:n_examples] if n_examples else None
        out.append(Anchor(t.id, t.label, c, threshold, t.keywords, t.pinned, t.edited, examples))
    return out


def _framework_ids() -> set[str]:
    """Ids of the framework's themes as a store pins them (``FrameworkTheme.id``: ``pin-`` and the
    entry's ``id`` or the name's slug); none if it cannot load."""
    from voice.themes._framework import FrameworkError, load_framework

    try:
        return {t.id for t in load_framework().themes}
    except FrameworkError:
        return set()
