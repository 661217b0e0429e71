"""The swappable steps of the theme engine: reduce, cluster, label, pick representatives.

Each step is a small protocol with one default implementation; :func:`voice.themes.build_themes`
composes them. Swap any of them by passing another object with the same method (BERTopic's
pluggable steps, without its one giant class).

* :class:`HybridReducer`: sentence embedding + an IDF-weighted mean of the embeddings of the
  quote's lemmas (a "what is it about" view), PCA, then each point nudged towards its nearest
  neighbours. Plain 384-d embeddings have almost no cluster structure; this gives k-means
  something to find.
* :class:`KMeansClusterer`: k-means with the number of themes chosen by silhouette.
* :class:`CTfidfLabeller`: class-based TF-IDF over spaCy lemmas (stop words removed), re-ranked
  by closeness to the theme's centre, and a short label from the top two terms.
* :class:`CentreDiversePicker`: the quotes nearest the theme's centre, skipping near-duplicates.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from voice import config
from voice.embed import Embedder, unit_rows

# -- text: lemmas and non-answers ------------------------------------------------------------

_NLP_LOCK = threading.Lock()
_NLP: dict[str, object] = {}


def lemma_nlp():  # type: ignore[no-untyped-def]
    """spaCy's blank English pipeline with the lookup lemmatizer (spacy-lookups-data), loaded once."""
    with _NLP_LOCK:
        if "nlp" not in _NLP:
            import spacy

            nlp = spacy.blank("en")
            nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            nlp.initialize()
            _NLP["nlp"] = nlp
        return _NLP["nlp"]


_EXTRA_STOP = {"n't", "'s", "'m", "'re", "'ve", "'ll", "'d", "xx", "xxx"}


@dataclass(frozen=True)
class Terms:
    """One text's content lemmas (for embeddings) and terms (lemmas and adjacent pairs) with surfaces."""

    lemmas: tuple[str, ...]
    terms: tuple[str, ...]
    surfaces: tuple[str, ...]


_TERMS_CACHE: dict[str, Terms] = {}
_TERMS_CACHE_SIZE = 50_000


def text_terms(texts: Sequence[str]) -> list[Terms]:
    """Lemmas of the content words of each text (alphabetic, not stop words, 2+ letters).

    ``terms`` adds bigrams of two content words that stand next to each other in the text
    ("social worker", "take seriously"); ``surfaces`` holds the words as written, for labels.
    Results are kept in memory (texts repeat between steps and runs).
    """
    texts = [t or "" for t in texts]
    todo = list(dict.fromkeys(t for t in texts if t not in _TERMS_CACHE))
    if len(_TERMS_CACHE) + len(todo) > _TERMS_CACHE_SIZE:
        _TERMS_CACHE.clear()
    for text, terms in zip(todo, _parse_terms(todo), strict=True):
        _TERMS_CACHE[text] = terms
    return [_TERMS_CACHE[t] for t in texts]


def _parse_terms(texts: Sequence[str]) -> list[Terms]:
    nlp = lemma_nlp()
    stop = nlp.Defaults.stop_words
    out = []
    for doc in nlp.pipe(list(texts), batch_size=256):
        lemmas: list[str] = []
        terms: list[str] = []
        surfaces: list[str] = []
        prev: tuple[str, str] | None = None
        for tok in doc:
            lower = tok.text.lower()
            if not tok.is_alpha or tok.is_stop or len(lower) < 2 or lower in _EXTRA_STOP:
                prev = None
                continue
            lemma = (tok.lemma_ or lower).lower()
            if lemma in stop:
                prev = None
                continue
            lemmas.append(lemma)
            terms.append(lemma)
            surfaces.append(lower)
            if prev is not None:
                terms.append(f"{prev[0]} {lemma}")
                surfaces.append(f"{prev[1]} {lower}")
            prev = (lemma, lower)
        out.append(Terms(tuple(lemmas), tuple(terms), tuple(surfaces)))
    return out


_NON_ANSWER_CORE = (
    r"n/?a|na|none|nil|nothing|no|nope|not really|no comments?|no idea|idk|dunno|not sure|unsure|"
    r"not applicable|don'?t know|do not know|i don'?t know|i do not know|dont no|"
    r"can'?t think of anything|cannot think of anything|can'?t say|no answer|not known|"
    r"nothing to (?:say|add|report|comment)|no opinion|pass|same as above|as above|see above|"
    r"no response|nothing comes to mind"
)
_NON_ANSWER_FILL = (
    r"(?:really|at all|else|at the moment|right now|i can think of|to be honest|thanks|thank you)"
)
_NON_ANSWER = re.compile(rf"^(?:i )?(?:{_NON_ANSWER_CORE})(?: {_NON_ANSWER_FILL})*$")


def is_non_answer(text: str | None) -> bool:
    """True for an empty answer or one that says nothing ("don't know", "nothing", "n/a", "no comment").

    Only the whole answer counts: "Nothing, it was great" is an answer, "Nothing really." is not.
    """
    t = (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    if not re.search(r"[a-z0-9]", t):
        return True
    t = re.sub(r"[^a-z0-9'/ ]+", " ", t)
    t = re.sub(r"\s+", " ", t).strip()
    return bool(_NON_ANSWER.match(t))


def centre(vectors: np.ndarray) -> np.ndarray:
    """The unit-length mean direction of unit vectors."""
    if not len(vectors):
        return np.zeros(vectors.shape[1] if vectors.ndim == 2 else 384, dtype=np.float32)
    return unit_rows(np.asarray(vectors, dtype=np.float32).mean(axis=0, keepdims=True))[0]


# -- protocols -----------------------------------------------------------------------------


class Reducer(Protocol):
    """Turns quotes and their sentence embeddings into the features the clusterer sees."""

    def fit_transform(self, texts: Sequence[str], embeddings: np.ndarray, embedder: Embedder) -> np.ndarray:
        """Features, one row per text."""
        ...


class Clusterer(Protocol):
    """Groups feature rows; returns a cluster number per row, -1 for an outlier."""

    def fit_predict(self, features: np.ndarray) -> np.ndarray:
        """Cluster numbers (0..k-1, or -1)."""
        ...


class Labeller(Protocol):
    """Keywords and a short readable label for each group of texts."""

    def keywords(self, groups: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
        """The top keywords of each group, most distinctive first."""
        ...

    def label(self, keywords: Sequence[str]) -> str:
        """A short label from a group's keywords."""
        ...


class RepresentativePicker(Protocol):
    """Chooses the quotes that best show what a theme is about."""

    def pick(self, texts: Sequence[str], embeddings: np.ndarray) -> list[int]:
        """Indices into ``texts``, best first."""
        ...


# -- defaults ------------------------------------------------------------------------------


@dataclass
class HybridReducer:
    """Sentence embedding ⊕ lemma-embedding view → PCA → neighbour smoothing → unit length.

    Args:
        word_weight: weight of the lemma view beside the sentence embedding (0: embedding only).
        components: PCA dimensions (fewer when there are fewer quotes).
        neighbours: each point moves towards the mean of this many nearest neighbours
            (0 turns smoothing off; it is off below ``min_smooth`` quotes).
        smooth_steps: how many times the smoothing is repeated (neighbours found again each time).
        seed: PCA random state.
    """

    word_weight: float = 1.0
    components: int = 50
    neighbours: int = 10
    min_smooth: int = 50
    smooth_steps: int = 1
    seed: int = config.THEME_SEED

    def lemma_view(self, texts: Sequence[str], embedder: Embedder, dim: int) -> np.ndarray:
        """IDF-weighted mean of the embeddings of each text's lemmas (zeros for no content words)."""
        terms = text_terms(texts)
        df = Counter(lemma for t in terms for lemma in set(t.lemmas))
        vocab = sorted(df)
        out = np.zeros((len(texts), dim), dtype=np.float32)
        if not vocab:
            return out
        vecs = embedder.embed(vocab)
        index = {w: i for i, w in enumerate(vocab)}
        n = len(texts)
        idf = np.array([math.log(1 + n / df[w]) for w in vocab], dtype=np.float32)
        for row, t in enumerate(terms):
            if t.lemmas:
                ids = [index[w] for w in t.lemmas]
                out[row] = (vecs[ids] * idf[ids, None]).sum(axis=0)
        return unit_rows(out)

    def fit_transform(self, texts: Sequence[str], embeddings: np.ndarray, embedder: Embedder) -> np.ndarray:
        """Hybrid features for clustering."""
        from sklearn.decomposition import PCA

        emb = unit_rows(embeddings)
        x = emb
        if self.word_weight:
            x = np.hstack([emb, self.word_weight * self.lemma_view(texts, embedder, emb.shape[1])])
        n = len(texts)
        dims = min(self.components, n - 1, x.shape[1])
        if dims >= 2 and n > dims:
            x = PCA(dims, random_state=self.seed).fit_transform(x)
        x = unit_rows(x)
        k = min(self.neighbours, n - 1)
        if k >= 2 and n >= self.min_smooth:
            from sklearn.neighbors import NearestNeighbors

            for _ in range(max(1, self.smooth_steps)):
                idx = NearestNeighbors(n_neighbors=k + 1).fit(x).kneighbors(x, return_distance=False)
                x = unit_rows(x + x[idx[:, 1:]].mean(axis=1))
        return x


@dataclass
class GuidedReducer:
    """The guide's topic space ⊕ (weighted) hybrid features → unit length.

    Each quote becomes the square roots of its category probabilities under the theme guide
    (:mod:`voice.themes_guide`; the Hellinger embedding of a distribution, so one dominant
    category does not swamp the rest), centred on this set's mean, beside ``hybrid_weight`` times the
    :class:`HybridReducer` features. Without a guide (none shipped, or ``guide=False``) this is
    the hybrid reducer alone.

    Args:
        guide: a :class:`~voice.themes_guide.CategoryGuide` or ``OutOfFoldGuide``; None loads
            the shipped one.
        hybrid_weight: weight of the hybrid features (0: the guide's space only).
        sentence_share: weight of the mean of the sentences' probabilities against the whole
            quote's (0: the whole quote only).
        hybrid: the unsupervised reducer beside the guide.
    """

    guide: object | None = None
    hybrid_weight: float = config.THEME_GUIDE_HYBRID_WEIGHT
    sentence_share: float = config.THEME_GUIDE_SENTENCE_SHARE
    hybrid: HybridReducer = field(default_factory=HybridReducer)

    def _guide(self):  # type: ignore[no-untyped-def]
        if self.guide is None:
            from voice.themes._guide import default_guide

            return default_guide()
        return self.guide or None

    def topic_probabilities(
        self, guide, texts: Sequence[str], embeddings: np.ndarray, embedder: Embedder
    ) -> np.ndarray:  # type: ignore[no-untyped-def]
        """The guide's probabilities of each quote, mixed with the mean over its sentences.

        A quote that thanks in one sentence and says "they don't act on what I say" in the
        next is about both; the whole-quote embedding tends to hear only the louder one.
        """
        whole = guide.probabilities(texts, unit_rows(embeddings))
        if not self.sentence_share:
            return whole
        from voice.classify import split_sentences

        parts = [split_sentences(t) for t in texts]
        multi = [i for i, p in enumerate(parts) if len(p) > 1]
        if not multi:
            return whole
        flat = [s for i in multi for s in parts[i]]
        owners = [texts[i] for i in multi for _ in parts[i]]
        per_sentence = guide.probabilities(owners, unit_rows(embedder.embed(flat)))
        mean = whole.copy()
        start = 0
        for i in multi:
            n = len(parts[i])
            mean[i] = per_sentence[start : start + n].mean(axis=0)
            start += n
        return (1 - self.sentence_share) * whole + self.sentence_share * mean

    def fit_transform(self, texts: Sequence[str], embeddings: np.ndarray, embedder: Embedder) -> np.ndarray:
        """Guided features for clustering."""
        guide = self._guide()
        if guide is not None and not guide.suits(embedder, embeddings):
            guide = None  # learned on another embedding model: its topic space means nothing here
        if guide is None:
            return self.hybrid.fit_transform(texts, embeddings, embedder)
        root = np.sqrt(self.topic_probabilities(guide, texts, embeddings, embedder))
        topic = unit_rows(root - root.mean(axis=0))  # Hellinger: one dominant category does not swamp
        if not self.hybrid_weight:
            return topic
        hybrid = self.hybrid.fit_transform(texts, embeddings, embedder)
        return unit_rows(np.hstack([topic, self.hybrid_weight * hybrid]))


@dataclass
class KMeansClusterer:
    """k-means (fixed seed) with k chosen by the silhouette score, unless ``k`` is given.

    The search covers 2 .. min(``max_k``, √n, n/3); each candidate gets a few k-means starts,
    the winner a full fit. The silhouette is measured on at most ``sample`` points. Feedback
    has a flat silhouette curve, so the smallest k within ``tolerance`` (relative) of the best
    score wins: fewer themes, easier to read, and steadier when quotes are added.
    """

    k: int | None = None
    max_k: int = config.THEME_MAX_COUNT
    min_k: int = config.THEME_MIN_COUNT
    n_init: int = 10
    search_n_init: int = 3
    sample: int = 2000
    tolerance: float = config.THEME_SILHOUETTE_TOLERANCE
    seed: int = config.THEME_SEED
    chosen_k_: int | None = None
    scores_: dict[int, float] | None = None

    def candidates(self, n: int) -> list[int]:
        """The numbers of clusters tried for ``n`` points."""
        hi = max(2, min(self.max_k, int(math.sqrt(n)), n // 3))
        return list(range(max(2, min(self.min_k, hi // 2)), hi + 1))

    def fit_predict(self, features: np.ndarray) -> np.ndarray:
        """Cluster numbers for each row."""
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        n = len(features)
        if n < 4:
            self.chosen_k_ = 1
            return np.zeros(n, dtype=int)
        k = self.k
        self.scores_ = {}
        if k is None:
            rng = np.random.default_rng(self.seed)
            sample = np.sort(rng.choice(n, size=min(n, self.sample), replace=False))
            for cand in self.candidates(n):
                labels = KMeans(cand, n_init=self.search_n_init, random_state=self.seed).fit_predict(features)
                if len(set(labels[sample])) < 2:
                    continue
                self.scores_[cand] = round(float(silhouette_score(features[sample], labels[sample])), 4)
            if self.scores_:
                top = max(self.scores_.values())
                k = min(c for c, v in self.scores_.items() if v >= top - self.tolerance * abs(top))
            else:
                k = 2
        k = max(1, min(k, n))
        self.chosen_k_ = k
        return KMeans(k, n_init=self.n_init, random_state=self.seed).fit_predict(features)


VAGUE_WORDS = frozenset(
    {"think", "thing", "get", "go", "know", "say", "want", "way", "lot", "bit", "use", "make", "try", "come"}
)
"""Words too vague to name a theme alone (they still count inside pairs: "take seriously")."""


POSITIVE_TONE = frozenset(
    {
        "good", "great", "excellent", "perfect", "perfection", "brilliant", "fantastic", "amazing",
        "wonderful", "superb", "outstanding", "exceptional", "lovely", "nice", "fine", "happy",
        "pleased", "satisfied", "best", "better", "ok",
        "okay", "fab", "fabulous", "marvellous", "spot", "impressed",
    }
)  # fmt: skip
"""Words that praise without saying what about (labels lead with topic words, not these).

Thanks ("thank", "grateful") are not here: gratitude is something people tell us about."""
NEGATIVE_TONE = frozenset(
    {
        "bad", "poor", "terrible", "awful", "horrible", "worse", "worst", "disappointed",
        "disappointing", "unhappy", "dissatisfied", "appalling", "rubbish", "shocking",
    }
)  # fmt: skip
"""Words that complain without saying what about."""
TONE_WORDS = POSITIVE_TONE | NEGATIVE_TONE


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


@dataclass
class CentreDiversePicker:
    """The quotes nearest the centre, never two near-duplicates; very short quotes come last."""

    n: int = config.THEME_REPRESENTATIVES
    near_duplicate: float = config.THEME_NEAR_DUPLICATE
    min_words: int = 4

    def pick(self, texts: Sequence[str], embeddings: np.ndarray) -> list[int]:
        """Up to ``n`` indices, best first."""
        if not len(texts):
            return []
        emb = unit_rows(embeddings)
        sims = emb @ centre(emb)
        short = np.array([len((t or "").split()) < self.min_words for t in texts])
        order = sorted(range(len(texts)), key=lambda i: (bool(short[i]), -float(sims[i]), i))
        chosen: list[int] = []
        seen_text: set[str] = set()
        for i in order:
            key = re.sub(r"\W+", " ", (texts[i] or "").lower()).strip()
            if key in seen_text or any(float(emb[i] @ emb[j]) >= self.near_duplicate for j in chosen):
                continue
            chosen.append(i)
            seen_text.add(key)
            if len(chosen) >= self.n:
                break
        return chosen
