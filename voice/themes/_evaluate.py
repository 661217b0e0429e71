"""How good and how fast the themes are: AMI against coders' categories, and timings.

Quality: adjusted mutual information (AMI) between the theme of each comment and the coders'
first category (``categories`` column, ``;``-separated) of ``corpus/nhs_fft_labelled.csv``,
against TF-IDF + k-means with the same number of groups (themes + "Other" + non-answers), in
one run. The corpus is split in two halves by a hash of the comment id: the engine's settings
were chosen on the *tuning* half.

The default engine clusters in the space of a *theme guide* learned from coders' categories
(:mod:`voice.themes_guide`), so the guide is never trained on the comments it is judged on:
each half is themed with a guide trained on the other half, and the whole file with 5-fold
out-of-fold guide probabilities. The same engine without a guide is reported beside it.
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice.embed import Embedder
from voice.errors import InputError
from voice.records import Quote
from voice.themes._base import Guide, Progress

BASELINE_SEEDS = (0, 1, 2)
"""k-means seeds the baselines are averaged over."""


@dataclass(frozen=True)
class CategorisedSet:
    """Comments with the coders' first category."""

    ids: list[str]
    texts: list[str]
    categories: list[str]


def read_categorised(
    path: str | Path, column: str = "categories", split: str | None = None
) -> CategorisedSet:
    """Rows of a CSV with ``text`` and ``column`` (``;``-separated; the first one counts).

    Rows without a category are left out; ``id`` is used when present (else the row number).
    With ``split``, only rows whose ``split`` column says so (e.g. ``dev``, ``holdout``).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a CSV file")
    ids, texts, cats = [], [], []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"text", column, *(["split"] if split else [])} - set(reader.fieldnames or [])
            if missing:
                raise InputError(f"{path.name}: no {' or '.join(sorted(missing))} column")
            for n, row in enumerate(reader, start=2):
                first = (row.get(column) or "").split(";")[0].strip()
                if not first or (split and (row.get("split") or "").strip() != split):
                    continue
                ids.append((row.get("id") or "").strip() or f"row-{n}")
                texts.append(row.get("text") or "")
                cats.append(first)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path.name}: not a UTF-8 CSV file (byte {exc.start}); save it as CSV UTF-8"
        ) from None
    except csv.Error as exc:
        raise InputError(f"{path.name}: cannot read it as CSV ({exc})") from None
    if not texts:
        where = f" in split {split!r}" if split else ""
        raise InputError(f"{path.name}: no rows with a {column!r}{where}")
    return CategorisedSet(ids, texts, cats)


def tuning_half(ids: Sequence[str]) -> np.ndarray:
    """True for the comments in the tuning half (SHA-256 of the id is even)."""
    return np.array([int(hashlib.sha256(i.encode()).hexdigest(), 16) % 2 == 0 for i in ids])


def tfidf_kmeans(texts: Sequence[str], k: int, seed: int) -> np.ndarray:
    """The baseline: TF-IDF (English stop words) + k-means with ``k`` clusters."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(stop_words="english").fit_transform(texts)
    return KMeans(k, n_init=10, random_state=seed).fit_predict(x)


def minilm_kmeans(embeddings: np.ndarray, k: int, seed: int) -> np.ndarray:
    """For context: plain MiniLM embeddings + k-means with ``k`` clusters."""
    from sklearn.cluster import KMeans

    return KMeans(k, n_init=10, random_state=seed).fit_predict(embeddings)


def _subset(data: CategorisedSet, keep: np.ndarray) -> CategorisedSet:
    return CategorisedSet(
        [i for i, k in zip(data.ids, keep, strict=True) if k],
        [t for t, k in zip(data.texts, keep, strict=True) if k],
        [c for c, k in zip(data.categories, keep, strict=True) if k],
    )


def evaluate_set(
    data: CategorisedSet,
    embedder: Embedder,
    guide: Guide | None = None,
    progress: Progress | None = None,
) -> dict:
    """Theme the comments, then AMI of the themes and of the baselines against the categories.

    ``guide`` is the theme guide the engine uses (one that never saw these comments' categories);
    None themes without a guide. The unguided engine is always measured too.
    """
    from sklearn.metrics import adjusted_mutual_info_score as ami

    from voice.themes._build import build_themes
    from voice.themes._reduce import GuidedReducer

    quotes = [Quote(text=t, id=i) for i, t in zip(data.ids, data.texts, strict=True)]
    t0 = time.perf_counter()
    reducer = GuidedReducer(guide=guide, use_guide=guide is not None)
    result = build_themes(quotes, embedder, reducer=reducer, progress=progress)
    seconds = time.perf_counter() - t0
    groups = [result.theme_of(q.id) or "" for q in quotes]
    k = len(set(groups))
    ours = float(ami(data.categories, groups))
    unguided = ours
    if guide is not None:
        plain_result = build_themes(quotes, embedder, reducer=GuidedReducer(use_guide=False))
        unguided = float(ami(data.categories, [plain_result.theme_of(q.id) or "" for q in quotes]))
    base = [float(ami(data.categories, tfidf_kmeans(data.texts, k, s))) for s in BASELINE_SEEDS]
    emb = embedder.embed(data.texts)
    plain = [float(ami(data.categories, minilm_kmeans(emb, k, s))) for s in BASELINE_SEEDS]
    base_mean = float(np.mean(base))
    return {
        "rows": len(quotes),
        "categories": len(set(data.categories)),
        "themes": len(result.themes),
        "groups": k,
        "chosen_k": result.chosen_k,
        "non_answers": len(result.non_answers),
        "other": len(result.other),
        "other_share": round(result.other_share, 4),
        "guided": guide is not None,
        "ami_voice": round(ours, 4),
        "ami_voice_without_guide": round(unguided, 4),
        "ami_tfidf_kmeans": round(base_mean, 4),
        "ami_tfidf_kmeans_per_seed": [round(b, 4) for b in base],
        "ami_minilm_kmeans": round(float(np.mean(plain)), 4),
        "ratio_vs_tfidf": round(ours / base_mean, 3) if base_mean > 0 else None,
        "ratio_minilm_vs_tfidf": round(float(np.mean(plain)) / base_mean, 3) if base_mean > 0 else None,
        "seconds": round(seconds, 2),
        "themes_found": [{"label": t.label, "size": t.size} for t in result.themes],
    }


def evaluate_scheme(
    data: CategorisedSet,
    embedder: Embedder,
    scheme: str = "auto",
    progress: Progress | None = None,
    group_by: str = "framework",
    theme_embedder: Embedder | None = None,
) -> dict:
    """What ``voice themes FILE`` does (:func:`voice.themes.theme_with_scheme`), scored by AMI.

    Against TF-IDF + k-means and MiniLM + k-means with as many groups (themes + "Other" +
    non-answers), mean over k-means seeds 0, 1, 2. No guide is trained here: the framework and
    the shipped guide are used as they ship.
    """
    from sklearn.metrics import adjusted_mutual_info_score as ami

    from voice.themes._framework import theme_with_scheme

    quotes = [Quote(text=t, id=i) for i, t in zip(data.ids, data.texts, strict=True)]
    t0 = time.perf_counter()
    result, used = theme_with_scheme(
        quotes, scheme, embedder, progress=progress, group_by=group_by, theme_embedder=theme_embedder
    )
    seconds = time.perf_counter() - t0
    groups = [result.theme_of(q.id) or "" for q in quotes]
    k = len(set(groups))
    ours = float(ami(data.categories, groups))
    base = [float(ami(data.categories, tfidf_kmeans(data.texts, k, s))) for s in BASELINE_SEEDS]
    emb = embedder.embed(data.texts)
    plain = [float(ami(data.categories, minilm_kmeans(emb, k, s))) for s in BASELINE_SEEDS]
    base_mean, plain_mean = float(np.mean(base)), float(np.mean(plain))
    return {
        "rows": len(quotes),
        "categories": len(set(data.categories)),
        "scheme": used,
        "group_by": group_by,
        "themes": len(result.themes),
        "groups": k,
        "non_answers": len(result.non_answers),
        "other": len(result.other),
        "other_share": round(result.other_share, 4),
        "smallest_theme": min((t.size for t in result.themes), default=0),
        "ami_voice": round(ours, 4),
        "ami_tfidf_kmeans": round(base_mean, 4),
        "ami_tfidf_kmeans_per_seed": [round(b, 4) for b in base],
        "ami_minilm_kmeans": round(plain_mean, 4),
        "ratio_vs_tfidf": round(ours / base_mean, 3) if base_mean > 0 else None,
        "ratio_minilm_vs_tfidf": round(plain_mean / base_mean, 3) if base_mean > 0 else None,
        "seconds": round(seconds, 2),
        "themes_found": [{"label": t.label, "size": t.size} for t in result.themes],
    }


def evaluate_themes(
    path: str | Path,
    embedder: Embedder,
    halves: bool = True,
    guided: bool = True,
    progress: Progress | None = None,
    on_step: Callable[[str], None] | None = None,
) -> dict:
    """``evaluate_set`` on the whole file and, with ``halves``, on its tuning and held-out halves.

    With ``guided`` (the default engine) every split is themed with guides that never saw its
    categories: 5-fold out-of-fold probabilities for the whole file, the other half's guide
    for each half.
    """
    from voice.embed import unit_rows
    from voice.themes._guide import CategoryGuide, OutOfFoldGuide

    say = on_step or (lambda _text: None)
    data = read_categorised(path)
    report: dict = {"data": Path(path).name, "baseline_seeds": list(BASELINE_SEEDS), "splits": {}}
    n_steps = 3 if halves else 1
    say(f"1/{n_steps} all {len(data.texts)} comments: embedding" + (", 5-fold guides" if guided else ""))
    emb = unit_rows(embedder.embed(data.texts, progress=progress)) if guided else None
    guide = None
    if emb is not None:
        guide = OutOfFoldGuide(data.texts, emb, data.categories)
    say(f"1/{n_steps} all: theming, then the baselines")
    report["splits"]["all"] = evaluate_set(data, embedder, guide)
    if halves:
        mask = tuning_half(data.ids)
        for n, (name, keep) in enumerate((("tuning half", mask), ("held-out half", ~mask)), start=2):
            say(f"{n}/{n_steps} {name} ({int(keep.sum())} comments): theming, then the baselines")
            other = None
            if emb is not None:
                other = CategoryGuide.fit(emb[~keep], _subset(data, ~keep).categories)
            report["splits"][name] = evaluate_set(_subset(data, keep), embedder, other)
    return report
