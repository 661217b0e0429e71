"""Labellers: :class:`CTfidfLabeller`, class-based TF-IDF over spaCy lemmas (stop words removed),
re-ranked by closeness to the theme's centre, and a short label from the top two terms."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from voice import config
from voice.embed import Embedder, unit_rows
from voice.themes._base import centre
from voice.themes._text import NEGATIVE_TONE, POSITIVE_TONE, TONE_WORDS, VAGUE_WORDS, text_terms


def _is_tone(term: str) -> bool:
    """True when every word of a term is a tone word ("good", "excellent", "first class")."""
    words = term.lower().split()
    return bool(words) and all(w in TONE_WORDS for w in words)


def _tone_kind(terms: Sequence[str]) -> str:
    """The tone of a list of tone terms: "praise", "complaint" or "" (mixed)."""
    words = [w for t in terms for w in t.lower().split()]
    pos = sum(w in POSITIVE_TONE for w in words)
    neg = sum(w in NEGATIVE_TONE for w in words)
    if pos and not neg:
        return "praise"
    if neg and not pos:
        return "complaint"
    return ""


def _stem(word: str) -> str:
    """A crude stem so "driver" and "drivers", "wait" and "waiting" count as the same word."""
    for end in ("ing", "ers", "er", "es", "ed", "s"):
        if word.endswith(end) and len(word) - len(end) >= 3:
            return word[: -len(end)]
    return word


def _stems(term: str) -> set[str]:
    return {_stem(w) for w in term.lower().split()}


def _pick_terms(terms: Sequence[str], n: int, pairs: Sequence[str] = ()) -> list[str]:
    """Up to ``n`` terms in order, no two sharing a word; a single word becomes a pair that holds it."""
    chosen: list[str] = []
    for term in terms:
        if any(_stems(term) & _stems(c) for c in chosen):
            continue
        if len(term.split()) == 1:
            wider = next((p for p in pairs if term in p.split()), None)
            if wider and not any(_stems(wider) & _stems(c) for c in chosen):
                term = wider
        chosen.append(term)
        if len(chosen) >= n:
            break
    return chosen


@dataclass
class CTfidfLabeller:
    """Class-based TF-IDF (BERTopic's c-TF-IDF) over lemmas and adjacent lemma pairs.

    Weight of term t in group c: ``tf(t, c) / |c| * log(1 + A / f(t))`` with A the mean number of
    terms per group and f(t) the term's frequency over all groups. A term must occur in at
    least two of a group's quotes when the group has five or more. With an ``embedder``, the
    top ``candidates`` terms are re-ranked by c-TF-IDF (scaled to the group's best) plus the
    cosine between the term and the group's centre, so frequent off-topic words sink
    (KeyBERT-inspired).
    """

    n_keywords: int = config.THEME_KEYWORDS
    label_terms: int = 2
    embedder: Embedder | None = None
    candidates: int = 20

    def keywords(self, groups: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
        """Top terms per group, written as most often in the group ("listening", "social worker")."""
        per_group: dict[str, tuple[Counter, Counter, dict[str, Counter]]] = {}
        for gid, texts in groups.items():
            tf: Counter = Counter()
            docs: Counter = Counter()
            surface: dict[str, Counter] = {}
            for t in text_terms(texts):
                tf.update(t.terms)
                docs.update(set(t.terms))
                for term, s in zip(t.terms, t.surfaces, strict=True):
                    surface.setdefault(term, Counter())[s] += 1
            per_group[gid] = (tf, docs, surface)
        total: Counter = Counter()
        for tf, _, _ in per_group.values():
            total.update(tf)
        mean_terms = (sum(total.values()) / max(1, len(per_group))) or 1.0
        ranked: dict[str, list[tuple[float, str]]] = {}
        for gid, (tf, docs, _) in per_group.items():
            size = sum(tf.values()) or 1
            min_docs = 2 if len(groups[gid]) >= 5 else 1
            scored = [
                (tf[t] / size * math.log(1 + mean_terms / total[t]), t)
                for t in tf
                if docs[t] >= min_docs and t not in VAGUE_WORDS
            ]
            scored.sort(key=lambda x: (-x[0], x[1]))
            ranked[gid] = scored[: self.candidates]
        if self.embedder is not None:
            ranked = self._rerank(groups, ranked)
        out: dict[str, tuple[str, ...]] = {}
        for gid, scored in ranked.items():
            surface = per_group[gid][2]
            words: list[str] = []
            for _, term in scored:
                shown = surface[term].most_common(1)[0][0]
                if shown not in words:
                    words.append(shown)
                if len(words) >= self.n_keywords:
                    break
            out[gid] = tuple(words)
        return out

    def _rerank(
        self, groups: Mapping[str, Sequence[str]], ranked: dict[str, list[tuple[float, str]]]
    ) -> dict[str, list[tuple[float, str]]]:
        embedder = self.embedder
        terms = sorted({t for scored in ranked.values() for _, t in scored})
        if embedder is None or not terms:
            return ranked
        index = {t: i for i, t in enumerate(terms)}
        term_vecs = unit_rows(embedder.embed(terms))
        out = {}
        for gid, scored in ranked.items():
            if not scored:
                out[gid] = scored
                continue
            c = centre(unit_rows(embedder.embed(list(groups[gid]))))
            top = scored[0][0] or 1.0
            rescored = [(s / top + float(term_vecs[index[t]] @ c), t) for s, t in scored]
            rescored.sort(key=lambda x: (-x[0], x[1]))
            out[gid] = rescored
        return out

    def label(self, keywords: Sequence[str]) -> str:
        """A short label: topic terms first, general praise or complaint words only when they lead.

        Terms made only of tone words (good, excellent, poor ...: :data:`TONE_WORDS`) say
        how people feel, not what about, so the label is made of the top topic terms ("ward /
        mental health"). A topic word is replaced by a keyword pair that contains it ("service"
        → "excellent service", "staff" → "friendly staff"), and a term whose words an earlier one
        already has is skipped. When tone words lead (the top keyword and half of the top four),
        the theme is general praise or complaint and the label says so: "general praise: good /
        perfect". With no topic terms at all, the tone words are the label.
        """
        keywords = [k for k in keywords if k.strip()]
        if not keywords:
            return "(no keywords)"
        tone = [k for k in keywords if _is_tone(k)]
        top = keywords[:4]
        if _is_tone(keywords[0]) and 2 * sum(_is_tone(k) for k in top) >= len(top):
            words = _pick_terms(tone, self.label_terms)
            kind = _tone_kind(tone[: self.label_terms + 2])
            return f"general {kind}: {' / '.join(words)}" if kind else " / ".join(words)
        topic = [k for k in keywords if not _is_tone(k)]
        pairs = [k for k in keywords if len(k.split()) == 2]
        chosen = _pick_terms(topic, self.label_terms, pairs) or _pick_terms(tone, self.label_terms)
        return " / ".join(chosen)
