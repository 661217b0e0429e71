"""Active learning: which untagged quotes a person should tag first.

The order is by margin: the gap between the model's two most likely classes in the shown
probabilities (the decision weights already applied, ``FeedbackClassifier.weigh``). The
smaller the gap, the more a person's tag teaches the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from voice.records import HUMAN, Quote, Tag

if TYPE_CHECKING:
    from voice.classify._model import VoiceModel
    from voice.store import Store


@dataclass(frozen=True)
class QueueItem:
    """One quote in the tagging queue with the model's proposal."""

    quote: Quote
    label: str
    confidence: float
    margin: float
    proba: dict[str, float]


def margins(proba: np.ndarray, decision_weights: np.ndarray | None = None) -> np.ndarray:
    """Gap between the two most likely classes per row, after the decision weights."""
    scores = proba * (decision_weights if decision_weights is not None else 1.0)
    scores = scores / scores.sum(axis=1, keepdims=True)
    top2 = np.sort(scores, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def tagging_queue(
    store: Store,
    model: VoiceModel,
    period: str | None = None,
    *,
    current: dict[str, Tag] | None = None,
    stored: list[Quote] | None = None,
) -> list[QueueItem]:
    """Quotes without a human tag, most useful first, each with the model's proposal.

    ``current`` (``store.current_tags()``) and ``stored`` (``store.quotes(period=period)``) may
    be passed by a caller that has read them already.
    """
    current = store.current_tags() if current is None else current
    stored = store.quotes(period=period) if stored is None else stored
    quotes = [q for q in stored if q.text.strip() and not (q.id in current and current[q.id].origin == HUMAN)]
    if not quotes:
        return []
    labels, proba = model.classify([q.text for q in quotes], [q.question for q in quotes])
    classes = list(model.classifier.classes_)
    gaps = margins(proba)  # shown probabilities: the decision weights are in them
    items = []
    for i in np.argsort(gaps, kind="stable"):
        items.append(
            QueueItem(
                quotes[i],
                str(labels[i]),
                float(proba[i][classes.index(labels[i])]),
                float(gaps[i]),
                {c: float(p) for c, p in zip(classes, proba[i], strict=True)},
            )
        )
    return items
