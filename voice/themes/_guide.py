"""The theme guide: a map from sentence embeddings to the topics coders use.

Plain sentence embeddings mix what a comment is *about* with how it is worded and how the
writer feels. A guide is a multinomial logistic regression from the MiniLM embedding to the
coders' first category in the labelled feedback set (the pxtextmining framework: staff
manner, waiting time, being listened to, contacting services, ...). Its predicted category
probabilities are a topic space learned from people who code feedback for a living; the
theme engine clusters in that space (beside the unsupervised hybrid features), so themes
follow what comments are about. This is BERTopic's "supervised dimension reduction" idea,
with a linear model small enough to ship as arrays + JSON.

The shipped guide (``models/themes/guide.npz`` + ``guide.json``) is trained by
``voice train-themes`` on the whole corpus; ``voice evaluate-themes`` trains its own guides on
other folds, so the AMI it reports is never measured on comments the guide learned from.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from voice import config
from voice.embed import Embedder
from voice.errors import GuideError, InputError
from voice.files import private_dir, write_private_bytes, write_private_text

GUIDE_FILES = ("guide.npz", "guide.json")
NAME_SHARE = 0.5
"""A theme whose quotes put more than this share of their guide probability on one category is
named by that category: more of the theme is about it than about all the others together."""
UNNAMED_CATEGORIES = frozenset({"Not assigned"})
"""Guide categories that say nothing about a topic, so never name a theme."""


@dataclass
class CategoryGuide:
    """Category probabilities from embeddings: ``softmax(embeddings @ coef.T + intercept)``."""

    categories: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    meta: dict

    @classmethod
    def fit(
        cls,
        embeddings: np.ndarray,
        categories: Sequence[str],
        *,
        min_count: int = config.THEME_GUIDE_MIN_COUNT,
        C: float = config.THEME_GUIDE_C,
        class_weight: str | None = None,
    ) -> CategoryGuide:
        """Learn the guide; categories with fewer than ``min_count`` comments are left out.

        ``class_weight="balanced"`` weighs each category by the inverse of its count (the
        scheme chooser: a few hundred children's quotes beside thousands of NHS comments).
        """
        from sklearn.linear_model import LogisticRegression

        counts = Counter(categories)
        keep = np.array([counts[c] >= min_count for c in categories])
        kept = sorted({c for c in categories if counts[c] >= min_count})
        if len(kept) < 2:
            raise InputError(f"a guide needs at least 2 categories with {min_count}+ comments each")
        y = np.asarray(categories)[keep]
        lr = LogisticRegression(C=C, class_weight=class_weight, max_iter=3000)
        lr.fit(np.asarray(embeddings)[keep], y)
        meta = {
            "rows": int(keep.sum()),
            "category_counts": {c: int(counts[c]) for c in lr.classes_},
            "left_out_categories": sorted(c for c in counts if counts[c] < min_count),
            "min_count": min_count,
            "C": C,
            **({"class_weight": class_weight} if class_weight else {}),
            "trained": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        cats = tuple(str(c) for c in lr.classes_)
        coef, intercept = lr.coef_, lr.intercept_
        if len(cats) == 2:  # one logit for the second class: as a softmax pair, the same sigmoid
            coef, intercept = np.vstack([-coef / 2, coef / 2]), np.r_[-intercept / 2, intercept / 2]
        return cls(cats, coef.astype(np.float32), intercept.astype(np.float32), meta)

    def transform(self, embeddings: np.ndarray) -> np.ndarray:
        """Category probabilities, one row per embedding, columns in ``categories`` order."""
        from scipy.special import softmax

        return softmax(np.asarray(embeddings, dtype=np.float32) @ self.coef.T + self.intercept, axis=1)

    def probabilities(self, owners: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """Category probabilities of ``embeddings`` (``owners``, the quote each row belongs to,
        matter only to :class:`OutOfFoldGuide`)."""
        return self.transform(embeddings)

    def suits(self, embedder: Embedder, embeddings: np.ndarray) -> bool:
        """Whether this guide was learned on ``embedder``'s model (same version, same width)."""
        same_model = self.meta.get("embedding") in (None, embedder.version)
        return same_model and embeddings.ndim == 2 and embeddings.shape[1] == self.coef.shape[1]

    def save(self, directory: str | Path) -> Path:
        """Write ``guide.npz`` (arrays) and ``guide.json`` (categories and provenance)."""
        out = private_dir(directory)
        arrays = io.BytesIO()
        np.savez(arrays, coef=self.coef, intercept=self.intercept)
        write_private_bytes(out / "guide.npz", arrays.getvalue())
        meta = {"categories": list(self.categories), **self.meta}
        write_private_text(out / "guide.json", json.dumps(meta, indent=2) + "\n")
        return out

    @classmethod
    def load(cls, directory: str | Path) -> CategoryGuide:
        """Read a saved guide (no pickle); :class:`GuideError` names a missing or broken file."""
        d = Path(directory)
        try:
            info = json.loads((d / "guide.json").read_text(encoding="utf-8"))
            with np.load(d / "guide.npz", allow_pickle=False) as arrays:
                coef, intercept = arrays["coef"], arrays["intercept"]
        except (OSError, ValueError, KeyError) as exc:
            raise GuideError(
                f"theme guide in {d} cannot be read ({exc}); rebuild it with `voice train-themes`"
            ) from exc
        cats = tuple(info.pop("categories", ()))
        if coef.ndim != 2 or coef.shape[0] != len(cats) or intercept.shape != (len(cats),):
            raise GuideError(f"theme guide in {d} is inconsistent; rebuild it with `voice train-themes`")
        return cls(cats, coef.astype(np.float32), intercept.astype(np.float32), info)


class OutOfFoldGuide:
    """Guides trained on other folds, each applied only to its own fold's comments.

    ``voice evaluate-themes`` must never score a comment with a guide that learned its
    category: the comments are split into ``folds``; a comment (and each of its sentences) gets
    the probabilities of the guide trained on the other folds. Columns are the categories of
    the whole set (a fold's guide gives 0 to a category it did not learn).
    """

    def __init__(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        categories: Sequence[str],
        folds: int = 5,
        seed: int = config.THEME_SEED,
    ) -> None:
        from sklearn.model_selection import KFold

        self.categories = tuple(sorted(set(categories)))
        self._fold_of: dict[str, int] = {}
        self._guides: list[CategoryGuide] = []
        y = np.asarray(categories)
        for f, (tr, te) in enumerate(KFold(folds, shuffle=True, random_state=seed).split(embeddings)):
            self._guides.append(CategoryGuide.fit(np.asarray(embeddings)[tr], y[tr]))
            self._fold_of.update({texts[i]: f for i in te})

    def suits(self, embedder: Embedder, embeddings: np.ndarray) -> bool:
        """Built from the evaluation's own embeddings: always."""
        return True

    def probabilities(self, owners: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """Rows of ``embeddings`` scored by the guide of their owner text's fold."""
        col = {c: i for i, c in enumerate(self.categories)}
        out = np.zeros((len(owners), len(self.categories)), dtype=np.float32)
        folds = np.array([self._fold_of[t] for t in owners])
        for f, guide in enumerate(self._guides):
            rows = np.flatnonzero(folds == f)
            if len(rows):
                out[np.ix_(rows, np.array([col[c] for c in guide.categories], dtype=np.intp))] = (
                    guide.transform(embeddings[rows])
                )
        return out


_DEFAULT: dict[Path, CategoryGuide | None] = {}


def cached_guide(directory: Path) -> CategoryGuide | None:
    """The guide saved in ``directory``, loaded once per process; None when it holds none."""
    if directory not in _DEFAULT:
        have = all((directory / f).exists() for f in GUIDE_FILES)
        _DEFAULT[directory] = CategoryGuide.load(directory) if have else None
    return _DEFAULT[directory]


def default_guide() -> CategoryGuide | None:
    """The shipped guide (``config.THEME_GUIDE_DIR``), loaded once; None when there is none."""
    return cached_guide(config.THEME_GUIDE_DIR)


def dominant_categories(
    categories: Sequence[str], probabilities: Mapping[str, np.ndarray], share: float = NAME_SHARE
) -> dict[str, str]:
    """Theme id -> the guide category that holds more than ``share`` of the theme's probability
    mass (``probabilities``: theme id -> its quotes' rows, columns in ``categories`` order).

    A category names one theme at most (the one it dominates most); never one of
    :data:`UNNAMED_CATEGORIES`, nor one whose name breaks a label rule (a slash: "Transport to/
    from services"; over six words), so such themes keep their phrase label.
    """
    from voice.themes._label_rules import label_problems

    best: dict[str, tuple[float, str]] = {}
    for tid in sorted(probabilities):
        rows = np.asarray(probabilities[tid])
        if not len(rows):
            continue
        mass = rows.mean(axis=0)
        top = int(mass.argmax())
        name = categories[top]
        if mass[top] <= share or name in UNNAMED_CATEGORIES or label_problems(name, parse=False):
            continue
        if name not in best or mass[top] > best[name][0]:
            best[name] = (float(mass[top]), tid)
    return {tid: name for name, (_, tid) in best.items()}
