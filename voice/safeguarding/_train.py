"""What the classifier head learns from, and scoring quotes with a head's weights.

The ordinary feedback used as negatives: the adult NHS comments the rules do not flag
(``corpus/nhs_fft_labelled.csv``), the seed quotes (``corpus/seeds/``) and the synthetic
children's redaction sentences, each as a whole and sentence by sentence (the detector scores
sentences too). Training and choosing the thresholds is in ``_cv`` (``train_head``, detect-5);
the demo set is never trained on.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice import config
from voice.embed import Embedder

from ._detect import _resolved_away
from ._negation import sentences
from ._rules import rule_hits
from ._similar import ExampleIndex

NHS_PATH = config.CORPUS_DIR / "nhs_fft_labelled.csv"
REDACTION_PATH = config.CORPUS_DIR / "redaction" / "labelled.csv"
STEPS = 1500


@dataclass
class _Quotes:
    """Quotes with their whole and per-sentence embeddings and their nearest curated examples."""

    texts: list[str]
    whole: np.ndarray
    sents: list[list[str]]
    sent_vecs: list[np.ndarray]
    near: list[list]  # Nearest per sentence


def _quotes(texts: Sequence[str], embedder: Embedder, index: ExampleIndex) -> _Quotes:
    texts = [t for t in texts if t.strip()]
    sents = [sentences(t) or [t.strip()] for t in texts]
    flat = [s for ss in sents for s in ss]
    vecs = embedder.embed([t.strip() for t in texts] + flat)
    whole, rest = vecs[: len(texts)], vecs[len(texts) :]
    sent_vecs, at = [], 0
    for ss in sents:
        sent_vecs.append(rest[at : at + len(ss)])
        at += len(ss)
    near = [index.nearest(v) for v in sent_vecs]
    return _Quotes(list(texts), whole, sents, sent_vecs, near)


def _column(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return [r["text"] for r in csv.DictReader(fh) if r["text"].strip()]


def childrens_texts() -> set[str]:
    """The children's-services share of the ordinary negatives (seeds and redaction sentences)."""
    from voice.ingest.seed_appendix import read_seed_appendix

    seeds = [q.text for p in sorted(config.SEEDS_DIR.glob("*.txt")) for q in read_seed_appendix(p).quotes]
    return set(seeds + _column(REDACTION_PATH))


def ordinary_texts() -> list[str]:
    """Ordinary feedback for negatives, less what the rules flag: the NHS comments, the seed
    quotes, and the synthetic children's sentences of the redaction set (``corpus/redaction/``)."""
    from voice.ingest.seed_appendix import read_seed_appendix

    seeds = [q.text for p in sorted(config.SEEDS_DIR.glob("*.txt")) for q in read_seed_appendix(p).quotes]
    texts = _column(NHS_PATH) + seeds + _column(REDACTION_PATH)
    return [t for t in dict.fromkeys(texts) if not rule_hits(t)]


def _probabilities(q: _Quotes, w: np.ndarray, b: float) -> list[np.ndarray]:
    """P(disclosure) of the whole quote (first) and of each sentence, per quote."""
    out = []
    for whole, sv in zip(q.whole, q.sent_vecs, strict=True):
        z = np.concatenate([[whole @ w + b], sv @ w + b])
        out.append(1 / (1 + np.exp(-z)))
    return out


def _scores(q: _Quotes, probs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per quote, the classifier's score (0 when its sentence is resolved away); per sentence, its
    similarity, margin (-1 when resolved away) and quote number, as ``_detect.cues_by_part`` reads them."""
    clf, sim, gap, owner = [], [], [], []
    for i, (text, ss, nn, p) in enumerate(zip(q.texts, q.sents, q.near, probs, strict=True)):
        best = int(np.argmax(p[1:]))
        clf.append(0.0 if _resolved_away(text, ss[best], nn[best].kind) else max(p[0], p[1 + best]))
        for s, n in zip(ss, nn, strict=True):
            away = _resolved_away(text, s, n.kind)
            sim.append(-1.0 if away else n.similarity)
            gap.append(-1.0 if away else n.margin)
            owner.append(i)
    return np.array(clf), np.array(sim), np.array(gap), np.array(owner)


def _design(parts: Sequence[tuple[_Quotes, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Training rows: every quote whole; the sentences of negatives too (a calm quote's every
    sentence is calm; a disclosure's other sentences may not be, so they are left out)."""
    xs, ys = [], []
    for q, idx, labels in parts:
        for i in idx:
            xs.append(q.whole[i][None, :])
            ys.append([labels[i]])
            if labels[i] == 0 and len(q.sents[i]) > 1:
                xs.append(q.sent_vecs[i])
                ys.append([0] * len(q.sents[i]))
    return np.vstack(xs), np.concatenate(ys)


def _subset(q: _Quotes, idx: np.ndarray) -> _Quotes:
    return _Quotes(
        [q.texts[i] for i in idx],
        q.whole[idx],
        [q.sents[i] for i in idx],
        [q.sent_vecs[i] for i in idx],
        [q.near[i] for i in idx],
    )
