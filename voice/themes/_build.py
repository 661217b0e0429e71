"""Themes: group quotes by meaning, label each group, pick representative quotes.

:func:`build_themes` is the pure engine (quotes in, :class:`ThemeResult` out, no store): non-answers
are set aside, the rest are embedded (shared on-disk cache with the classifier), quotes close to
existing themes ("anchors": pinned or stored themes) join them, the others are reduced and
clustered into new themes, outliers join their nearest theme when close enough or go to "Other",
and every theme gets c-TF-IDF keywords and representative quotes, every new one a phrase from its
quotes as its label (or, with a guide and no pinned themes, the name of the guide category that
dominates it). The steps are swappable objects (protocols in ``voice.themes._base``).

:func:`voice.themes.themes_for_period` (``_period``) runs it over a store's quotes, keeping
every saved human edit. Summaries: ``voice.themes._summary``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from voice import config
from voice.embed import EMBEDDING_DIM, Embedder, default_embedder, unit_rows
from voice.records import OTHER_THEME, Quote
from voice.themes._base import (
    Clusterer,
    Labeller,
    Progress,
    Reducer,
    RepresentativePicker,
    centre,
    check_steps,
)
from voice.themes._cluster import KMeansClusterer
from voice.themes._guide import NAME_SHARE
from voice.themes._phrase import PhraseLabeller, labels_from_quotes
from voice.themes._reduce import GuidedReducer
from voice.themes._represent import CentreDiversePicker
from voice.themes._sizes import dissolve_small_themes
from voice.themes._summary import RepresentativeQuote, ThemeSummary, overview, summarise
from voice.themes._text import is_non_answer

__all__ = [
    "NON_ANSWER",
    "OTHER",
    "Anchor",
    "RepresentativeQuote",
    "Theme",
    "ThemeResult",
    "ThemeSummary",
    "anchor_from_phrases",
    "build_themes",
    "is_non_answer",
    "name_clusters",
    "overview",
    "summarise",
]

THEMES_VERSION = "themes-1"
"""Version of the theme engine, saved with every model-made theme and assignment."""
OTHER = OTHER_THEME
"""Assignment of a quote that fits no theme (``voice.records.OTHER_THEME``)."""
NON_ANSWER = "non_answer"
"""What :meth:`ThemeResult.theme_of` says for a non-answer ("don't know", "n/a", empty ...)."""


@dataclass(frozen=True)
class Theme:
    """One theme: its label, keywords, member quotes and representative quotes (best first)."""

    id: str
    label: str
    keywords: tuple[str, ...]
    quote_ids: tuple[str, ...]
    representative_ids: tuple[str, ...]
    pinned: bool = False
    edited: bool = False

    @property
    def size(self) -> int:
        """How many quotes the theme holds."""
        return len(self.quote_ids)


@dataclass
class ThemeResult:
    """The themes of a set of quotes.

    ``assignment`` maps every answered quote to a theme id or ``"other"``; non-answers are listed
    apart and are in no theme. ``coords`` is a 2-D map of the answered quotes (PCA of their
    embeddings) for a scatter plot. ``chosen_k`` is how many clusters the clusterer found (None
    when too few quotes were left to cluster).
    """

    themes: list[Theme]
    assignment: dict[str, str]
    non_answers: list[str]
    other: list[str]
    coords: dict[str, tuple[float, float]]
    model_version: str = ""
    chosen_k: int | None = None
    details: dict = field(default_factory=dict)

    def theme(self, theme_id: str) -> Theme | None:
        """The theme with this id, if any."""
        return next((t for t in self.themes if t.id == theme_id), None)

    def theme_of(self, quote_id: str) -> str | None:
        """A quote's theme id, ``"other"``, ``"non_answer"``, or None for an unknown quote."""
        if quote_id in self.assignment:
            return self.assignment[quote_id]
        return NON_ANSWER if quote_id in set(self.non_answers) else None

    def label_of(self, quote_id: str) -> str:
        """A quote's theme label ("Other", "Non-answer" or the theme's label; "" if unknown)."""
        tid = self.theme_of(quote_id)
        if tid == OTHER:
            return "Other"
        if tid == NON_ANSWER:
            return "Non-answer"
        t = self.theme(tid) if tid else None
        return t.label if t else ""

    @property
    def answered(self) -> int:
        """Quotes that are not non-answers."""
        return len(self.assignment)

    @property
    def other_share(self) -> float:
        """Share of the answered quotes in "Other" (0 when there are none)."""
        return len(self.other) / self.answered if self.answered else 0.0

    def representative(self) -> set[str]:
        """Ids of every theme's representative quotes."""
        return {qid for t in self.themes for qid in t.representative_ids}


@dataclass(frozen=True)
class Anchor:
    """An existing theme that attracts quotes: pinned (seed phrases) or saved from an earlier run.

    ``centre`` is a unit vector in embedding space and ``examples`` the unit vectors of its seed
    phrases; a quote's score is its cosine to the centre or to the closest example, whichever
    is higher, and it joins the best-scoring anchor when that is at least ``min_similarity``.

    An anchor that ``names_clusters`` (a framework theme) takes no quote on its own: the quotes
    are clustered first, and a new theme that the anchor dominates (at least half its quotes
    score best for it, at ``min_similarity`` or more) joins it and carries its name
    (:func:`name_clusters`).
    """

    id: str
    label: str
    centre: np.ndarray
    min_similarity: float
    keywords: tuple[str, ...] = ()
    pinned: bool = False
    edited: bool = False
    examples: np.ndarray | None = None
    names_clusters: bool = False

    def scores(self, emb: np.ndarray) -> np.ndarray:
        """The anchor's score for each row of unit vectors ``emb``."""
        out = emb @ self.centre if np.any(self.centre) else np.full(len(emb), -1.0, np.float32)
        if self.examples is not None and len(self.examples):
            out = np.maximum(out, (emb @ self.examples.T).max(axis=1))
        return out


def anchor_from_phrases(
    theme_id: str,
    label: str,
    phrases: Sequence[str],
    embedder: Embedder | None = None,
    min_similarity: float = config.THEME_PIN_MIN_SIMILARITY,
    member_texts: Sequence[str] = (),
    edited: bool = False,
) -> Anchor:
    """A pinned theme's anchor: its label and seed phrases as examples, centred with any member quotes."""
    embedder = embedder or default_embedder()
    seeds = list(dict.fromkeys(t.strip() for t in [label, *phrases] if t and t.strip()))
    members = [t for t in member_texts if t and t.strip()]
    vecs = unit_rows(embedder.embed([*seeds, *members]))
    words = tuple(dict.fromkeys(w for p in seeds for w in p.lower().split() if len(w) > 3))[:8]
    return Anchor(
        theme_id, label, centre(vecs), min_similarity, words, True, edited, examples=vecs[: len(seeds)]
    )


def _new_theme_id(quote_ids: Sequence[str]) -> str:
    digest = hashlib.sha256("\x1f".join(sorted(quote_ids)).encode()).hexdigest()
    return f"th-{digest[:8]}"


def _coords(ids: Sequence[str], emb: np.ndarray, seed: int) -> dict[str, tuple[float, float]]:
    if len(ids) == 0:
        return {}
    if len(ids) < 3:
        return {qid: (float(i), 0.0) for i, qid in enumerate(ids)}
    from sklearn.decomposition import PCA

    xy = PCA(2, random_state=seed).fit_transform(emb)
    for axis in range(2):  # a fixed sign, so the map does not flip between versions
        if xy[np.abs(xy[:, axis]).argmax(), axis] < 0:
            xy[:, axis] = -xy[:, axis]
    return {qid: (round(float(x), 4), round(float(y), 4)) for qid, (x, y) in zip(ids, xy, strict=True)}


def build_themes(
    quotes: Sequence[Quote],
    embedder: Embedder | None = None,
    *,
    anchors: Sequence[Anchor] = (),
    fixed: Mapping[str, str] | None = None,
    previous: ThemeResult | None = None,
    reducer: Reducer | None = None,
    clusterer: Clusterer | None = None,
    labeller: Labeller | None = None,
    picker: RepresentativePicker | None = None,
    min_share: float = config.THEME_MIN_SHARE,
    outlier_min_similarity: float = config.THEME_OUTLIER_MIN_SIMILARITY,
    seed: int = config.THEME_SEED,
    progress: Progress | None = None,
    min_theme_size: int | None = None,
) -> ThemeResult:
    """Group quotes into themes (pure: reads and writes no store).

    Args:
        quotes: the quotes; duplicates (same id) count once.
        embedder: sentence embedder (default: the cached MiniLM shared with the classifier).
        anchors: existing themes that attract quotes before clustering (pinned, saved).
        fixed: quote id -> anchor id or ``"other"`` for quotes whose theme is already decided
            (human edits, earlier runs); they are never moved.
        previous: an earlier result on (mostly) the same quotes: its quotes keep their theme
            and its themes become anchors for the new quotes (what a re-run does with a store).
        reducer, clusterer, labeller, picker: the swappable steps (protocols in ``voice.themes._base``,
            checked before any work: a missing method is a :class:`TypeError`; defaults in
            ``voice.themes._reduce``, ``_cluster``, ``_label``, ``_represent``).
        min_share: smallest new theme as a share of the answered quotes (at least 2 quotes).
        outlier_min_similarity: an outlier joins its nearest theme at this cosine, else "Other".
        seed: random seed for the 2-D map.
        progress: ``progress(done, total)`` while embedding.
        min_theme_size: with a number, themes smaller than it are dissolved: their quotes join
            the nearest remaining theme, or "Other" (``voice.themes._sizes``). Pinned and edited
            themes and fixed quotes are kept. While the file has at least twice ``min_theme_size``
            answered quotes per theme (the count rounded: 35-44 answers, 4; 25-34, 3), up to
            ``config.THEME_FLOOR`` themes are kept by topping small ones up.

    Returns:
        The themes (largest first), every answered quote's assignment, the non-answers, the
        quotes in "Other" and a 2-D map.
    """
    check_steps(embedder, reducer=reducer, clusterer=clusterer, labeller=labeller, picker=picker)
    embedder = embedder or default_embedder()
    reducer = reducer or GuidedReducer()
    labeller = labeller or PhraseLabeller(embedder=embedder)
    picker = picker or CentreDiversePicker()
    by_anchor = {a.id: a for a in anchors}
    fixed = {q: t for q, t in (fixed or {}).items() if t in by_anchor or t == OTHER}

    unique = list({q.id: q for q in quotes}.values())
    non_answers = [q.id for q in unique if q.id not in fixed and is_non_answer(q.text)]
    skipped = set(non_answers)
    answered = [q for q in unique if q.id not in skipped]
    texts = [q.text for q in answered]
    # quotes per theme, rounded: 39 answers of 40 quotes (one "n/a") still get the floor of 40
    floor = min(config.THEME_FLOOR, int(len(answered) / (2 * min_theme_size) + 0.5)) if min_theme_size else 0
    dim = EMBEDDING_DIM
    emb = unit_rows(embedder.embed(texts, progress=progress)) if texts else np.zeros((0, dim), np.float32)
    if len(emb):
        dim = emb.shape[1]
    if previous is not None:
        extra = _previous_anchors(previous, answered, emb, {a.id for a in anchors})
        anchors = [*anchors, *extra]
        kept = {a.id for a in extra}
        for q in answered:
            if q.id not in fixed and previous.assignment.get(q.id) in kept:
                fixed[q.id] = previous.assignment[q.id]

    assignment: dict[str, str] = {q.id: fixed[q.id] for q in answered if q.id in fixed}
    free = [i for i, q in enumerate(answered) if q.id not in fixed]
    takers = [a for a in anchors if not a.names_clusters]
    # clustering every quote (no anchor takes one): try at least the floor's number of groups
    clusterer = clusterer or KMeansClusterer(at_least=0 if takers else floor)
    if takers and free:
        sims = np.column_stack([a.scores(emb[free]) for a in takers])
        best = sims.argmax(axis=1)
        for row, i in enumerate(free):
            a = takers[int(best[row])]
            if sims[row, best[row]] >= a.min_similarity:
                assignment[answered[i].id] = a.id
    rest = [i for i in free if answered[i].id not in assignment]

    groups: dict[str, list[int]] = {}
    outliers: list[int] = []
    chosen_k = None
    min_size = max(2, int(np.ceil(min_share * len(answered))))
    if len(rest) >= max(4, 2 * min_size):
        features = reducer.fit_transform([texts[i] for i in rest], emb[rest], embedder)
        labels = np.asarray(clusterer.fit_predict(features))
        chosen_k = len(set(labels.tolist()) - {-1})
        for c in sorted(set(labels.tolist()) - {-1}):
            members = [rest[j] for j in np.flatnonzero(labels == c)]
            sims = emb[members] @ centre(emb[members])
            keep = [m for m, s in zip(members, sims, strict=True) if s >= outlier_min_similarity]
            outliers += [m for m, s in zip(members, sims, strict=True) if s < outlier_min_similarity]
            if len(keep) < min_size:
                outliers += keep
                continue
            groups[_new_theme_id([answered[i].id for i in keep])] = keep
        outliers += [rest[j] for j in np.flatnonzero(labels == -1)]
    else:
        outliers = list(rest)

    for tid, members in groups.items():
        for i in members:
            assignment[answered[i].id] = tid
    targets = [
        *takers,
        *(Anchor(tid, "", centre(emb[m]), outlier_min_similarity) for tid, m in groups.items()),
    ]
    if outliers and targets:
        sims = np.column_stack([a.scores(emb[outliers]) for a in targets])
        best = sims.argmax(axis=1)
        for row, i in enumerate(outliers):
            j = int(best[row])
            assignment[answered[i].id] = targets[j].id if sims[row, j] >= outlier_min_similarity else OTHER
    for i in outliers:
        assignment.setdefault(answered[i].id, OTHER)
    if min_theme_size:
        rows = {q.id: i for i, q in enumerate(answered)}
        assignment = dissolve_small_themes(
            assignment, rows, emb, targets, min_theme_size, outlier_min_similarity, set(fixed), floor
        )
        groups = {tid: m for tid, m in groups.items() if tid in set(assignment.values())}
    namers = [a for a in anchors if a.names_clusters]
    if namers and groups:
        renamed = name_clusters(_members(answered, assignment, list(groups)), emb, namers)
        assignment = {q: renamed.get(t, t) for q, t in assignment.items()}
        groups = {tid: m for tid, m in groups.items() if tid not in renamed}

    named = {}  # with a framework (pinned themes), its names only: the guide's are NHS categories
    if not any(a.pinned for a in anchors):
        named = _category_names(reducer, answered, emb, assignment, list(groups), embedder)
    themes = _describe(answered, emb, assignment, anchors, list(groups), labeller, picker, named)
    order = {q.id: i for i, q in enumerate(answered)}
    other = sorted((q for q, t in assignment.items() if t == OTHER), key=order.__getitem__)
    return ThemeResult(
        themes=themes,
        assignment={q.id: assignment[q.id] for q in answered},
        non_answers=non_answers,
        other=other,
        coords=_coords([q.id for q in answered], emb, seed),
        model_version=f"{THEMES_VERSION}/{embedder.version}",
        chosen_k=chosen_k,
        details={"clustered": len(rest), "min_theme_size": min_size, "dim": dim},
    )


def _members(
    answered: Sequence[Quote], assignment: Mapping[str, str], ids: Sequence[str]
) -> dict[str, list[int]]:
    """Theme id -> rows of ``answered`` assigned to it, for the themes ``ids``."""
    rows: dict[str, list[int]] = {t: [] for t in ids}
    for i, q in enumerate(answered):
        if assignment[q.id] in rows:
            rows[assignment[q.id]].append(i)
    return {t: r for t, r in rows.items() if r}


def name_clusters(
    groups: Mapping[str, Sequence[int]], emb: np.ndarray, namers: Sequence[Anchor], share: float = NAME_SHARE
) -> dict[str, str]:
    """New theme id -> the id of the anchor (framework theme) that dominates it.

    Each quote votes for the anchor it scores best for, when that score reaches the anchor's
    ``min_similarity``; an anchor dominates a theme when it has at least ``share`` of the
    theme's quotes (quotes that fit no anchor count against it). An anchor names one theme at
    most: the one where its share, then its quotes' mean score, is highest. The same rule as a
    guide category naming an NHS theme (:func:`voice.themes._guide.dominant_categories`), so a
    theme is called by a framework name only when most of its quotes would be, one by one.
    """
    if not groups or not namers:
        return {}
    rows = sorted({i for m in groups.values() for i in m})
    sims = np.column_stack([a.scores(emb[rows]) for a in namers])
    best = sims.argmax(axis=1)
    fits = sims[np.arange(len(rows)), best] >= np.array([namers[j].min_similarity for j in best])
    at = {r: k for k, r in enumerate(rows)}
    offers = []
    for tid, members in groups.items():
        votes = [int(best[at[i]]) for i in members if fits[at[i]]]
        if not votes:
            continue
        top = max(set(votes), key=lambda j: (votes.count(j), -j))
        top_share = votes.count(top) / len(members)
        if top_share >= share:
            mean = float(np.mean([sims[at[i], top] for i in members]))
            offers.append((top_share, mean, tid, top))
    named: dict[str, str] = {}
    taken: set[int] = set()
    for _, _, tid, j in sorted(offers, key=lambda o: (-o[0], -o[1], o[2])):
        if j not in taken:
            named[tid] = namers[j].id
            taken.add(j)
    return named


def _previous_anchors(
    previous: ThemeResult, answered: Sequence[Quote], emb: np.ndarray, taken: set[str]
) -> list[Anchor]:
    """Anchors for an earlier result's themes, centred on their members present now."""
    row = {q.id: i for i, q in enumerate(answered)}
    out = []
    for t in previous.themes:
        rows = [row[q] for q in t.quote_ids if q in row]
        if t.id in taken or not rows:
            continue
        c = centre(emb[rows])
        out.append(
            Anchor(
                t.id, t.label, c, member_threshold(emb[rows] @ c, t.pinned), t.keywords, t.pinned, t.edited
            )
        )
    return out


def member_threshold(member_sims: np.ndarray, pinned: bool = False) -> float:
    """How close a new quote must be to a saved theme's centre to join it.

    A broad theme's own members sit far from its centre, so the bar is the 10th percentile of
    the members' cosines, capped at ``THEME_ASSIGN_MIN_SIMILARITY`` (``THEME_PIN_MIN_SIMILARITY``
    for a pinned theme) and never below ``THEME_OUTLIER_MIN_SIMILARITY``.
    """
    cap = config.THEME_PIN_MIN_SIMILARITY if pinned else config.THEME_ASSIGN_MIN_SIMILARITY
    if not len(member_sims):
        return cap
    return float(max(config.THEME_OUTLIER_MIN_SIMILARITY, min(cap, np.percentile(member_sims, 10))))


def _category_names(
    reducer: Reducer,
    answered: Sequence[Quote],
    emb: np.ndarray,
    assignment: Mapping[str, str],
    new_ids: Sequence[str],
    embedder: Embedder,
) -> dict[str, str]:
    """New theme id -> the name of the guide category that dominates it, when the reducer has a
    guide (:meth:`GuidedReducer.category_names`; the children's scheme has none)."""
    names = getattr(reducer, "category_names", None)
    if not callable(names) or not new_ids:
        return {}
    rows = _members(answered, assignment, new_ids)
    groups = {t: [answered[i].text for i in r] for t, r in rows.items()}
    return dict(names(groups, {t: emb[r] for t, r in rows.items()}, embedder))


def _describe(
    answered: Sequence[Quote],
    emb: np.ndarray,
    assignment: Mapping[str, str],
    anchors: Sequence[Anchor],
    new_ids: Sequence[str],
    labeller: Labeller,
    picker: RepresentativePicker,
    named: Mapping[str, str] | None = None,
) -> list[Theme]:
    """Keywords, labels and representative quotes for every theme with members (and curated anchors).

    A new theme in ``named`` (one guide category dominates it) carries that category's name, as
    a framework theme carries its own; the others get phrase labels from their quotes.
    """
    rows: dict[str, list[int]] = {}
    for i, q in enumerate(answered):
        tid = assignment[q.id]
        if tid != OTHER:
            rows.setdefault(tid, []).append(i)
    keywords = labeller.keywords({tid: [answered[i].text for i in r] for tid, r in rows.items()})
    new_rows, names = {t: rows[t] for t in new_ids if t in rows}, [a.label for a in anchors]
    made = labels_from_quotes(labeller, [q.text for q in answered], emb, new_rows, names)
    themes = []
    for a in anchors:
        members = rows.get(a.id, [])
        if not members and not (a.pinned or a.edited):
            continue
        themes.append(
            _theme(a.id, a.label, keywords.get(a.id) or a.keywords, members, answered, emb, picker, a)
        )
    for tid in new_ids:
        kw = keywords.get(tid, ())
        label = (named or {}).get(tid) or made.get(tid) or labeller.label(kw)
        themes.append(_theme(tid, label, kw, rows.get(tid, []), answered, emb, picker, None))
    themes.sort(key=lambda t: (-t.size, t.id))
    return themes


def _theme(
    tid: str,
    label: str,
    keywords: Sequence[str],
    members: Sequence[int],
    answered: Sequence[Quote],
    emb: np.ndarray,
    picker: RepresentativePicker,
    anchor: Anchor | None,
) -> Theme:
    picks = picker.pick([answered[i].text for i in members], emb[list(members)]) if members else []
    return Theme(
        id=tid,
        label=label,
        keywords=tuple(keywords),
        quote_ids=tuple(answered[i].id for i in members),
        representative_ids=tuple(answered[members[j]].id for j in picks),
        pinned=bool(anchor and anchor.pinned),
        edited=bool(anchor and anchor.edited),
    )
