"""Labeller: :class:`PhraseLabeller`, a short phrase taken from a theme's own quotes.

KeyBERT's recipe on a theme instead of a document. Candidates come from the quotes nearest the
theme's centre: noun phrases ("social worker", "contact with my mum") and verb phrases ("takes
me seriously", "listening") from spaCy's parser, or, without the pipeline, word n-grams that
neither start nor end with a stop word; 1-4 words each. They are ranked by the cosine of their
sentence embedding to the theme's centre, less half their cosine to the nearest other new theme's
centre, plus how widely the theme's quotes use their words, and chosen with maximal marginal
relevance (MMR), so that a second phrase, when asked for, says something else; no two themes
get the same phrase, nor the name of a theme already there. A phrase holding an identifier the
redactor finds in those quotes (a name, a school, a place) or a title ("Mrs") is never a
candidate. Keywords for the table stay c-TF-IDF (:class:`CTfidfLabeller`).
"""

from __future__ import annotations

import functools
import inspect
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from voice import config
from voice.embed import Embedder, unit_rows
from voice.themes._base import centre
from voice.themes._label import CTfidfLabeller, _stem
from voice.themes._label_rules import GENERIC_WORDS, MAX_LABEL_WORDS, label_problems
from voice.themes._text import TONE_WORDS, VAGUE_WORDS, lemma_nlp

Identifiers = Callable[[Sequence[str]], Collection[str]]
"""``texts -> lower-case words and phrases that identify someone in them``
(:func:`voice.privacy.identifier_words`)."""

FALLBACK_LABEL = "mixed answers"
"""The label of a theme with no words at all to take a phrase from (never empty)."""

_TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "sir", "madam"})
_LINKS = frozenset({"of", "with", "about", "for", "at", "from", "in", "on", "to"})
_MAX_WORDS = 4
_WIDE = 100
_EDITS = frozenset("[]{}<>|/\\")
_QUANTITY = frozenset({"lot", "lots", "bit", "kind", "sort", "couple", "number", "loads", "plenty", "amount"})
_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")
_PARSER_LOCK = threading.Lock()
_PARSER: dict[str, object] = {}


def phrase_parser():
    """spaCy's offline English pipeline with its tagger and parser (for noun phrases), loaded once;
    None when the pipeline is not installed (then :class:`PhraseLabeller` uses word n-grams)."""
    with _PARSER_LOCK:
        if "nlp" not in _PARSER:
            import importlib

            try:
                package = importlib.import_module(config.SPACY_PIPELINE)
                _PARSER["nlp"] = package.load(exclude=["ner"])
            except (ImportError, OSError):
                _PARSER["nlp"] = None
        return _PARSER["nlp"]


def _default_identifiers(texts: Sequence[str]) -> Collection[str]:
    from voice.privacy import identifier_words

    return identifier_words(texts)


@dataclass(frozen=True)
class _Candidate:
    key: str  # stems, lower case: "social work", "foster carer"
    text: str  # as written most often: "social workers"


def _key(words: Sequence[str]) -> str:
    return " ".join(_stem(w.lower().replace("’", "'")) for w in words)


_TOO_GENERIC = frozenset({"service", "services", "support", "help", "people", "time", "everything", "things"})
"""Single words that say nothing about what a theme is about (a demo theme was labelled "service")."""


def _usable(words: Sequence[str], stop: Collection[str]) -> bool:
    """Whether a phrase's words can name a theme: some content word, no tone-only or vague-only
    phrase, not one generic word alone."""
    low = [w.lower() for w in words]
    if not low or len(low) > _MAX_WORDS or len("".join(low)) < 3:
        return False
    if any(ch in w for w in low for ch in _EDITS):
        return False  # a publisher's edit inside a word: "[T]o support care" -> "T]o support care"
    if len(low) == 1 and (low[0] in _TOO_GENERIC or _stem(low[0]) in VAGUE_WORDS):
        return False
    content = [w for w in low if w not in stop]
    if not content or all(
        w in TONE_WORDS or w in GENERIC_WORDS or w in VAGUE_WORDS or _stem(w) in VAGUE_WORDS for w in content
    ):  # "good", "great service", "positive feedback": praise or complaint without a topic
        return False
    return not any(w in _TITLES for w in low)


def _trim(tokens: list) -> list:
    """Tokens without leading determiners, pronouns, adverbs, tone words ("really good"), stop
    words and punctuation, nor trailing stop words and punctuation."""
    lead = ("DET", "PRON", "NUM", "ADV", "PART", "CCONJ")
    while tokens and (
        tokens[0].is_stop or tokens[0].is_punct or tokens[0].pos_ in lead or tokens[0].lower_ in TONE_WORDS
    ):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_stop or tokens[-1].is_punct or tokens[-1].pos_ == "PART"):
        tokens = tokens[:-1]
    if len(tokens) > 2 and tokens[0].lower_ in _QUANTITY and tokens[1].lower_ == "of":
        return _trim(tokens[2:])  # "lot of people" -> "people"
    return tokens


def _written(tokens: Sequence) -> tuple[list[str], str]:
    """A phrase's words and its text as written; a capital that only starts the sentence is dropped."""
    text = "".join(t.text_with_ws for t in tokens).strip()
    first = tokens[0]
    if first.is_sent_start and first.pos_ != "PROPN" and first.text[1:].islower():
        text = text[:1].lower() + text[1:]
    return [t.text for t in tokens if not t.is_punct], text


def _noun_phrases(doc) -> list[tuple[list[str], str]]:
    """A parsed quote's noun phrases, trimmed, pairs joined by a preposition ("contact with my mum")
    and its verb phrases."""
    spans = list(doc.noun_chunks)
    trimmed = [_trim(list(c)) for c in spans]
    out = [_written(c) for c in trimmed if c]
    for i in range(len(spans) - 1):
        between = doc[spans[i].end : spans[i + 1].start]
        first, second = trimmed[i], trimmed[i + 1]
        if len(between) == 1 and between[0].lower_ in _LINKS and first and second:
            out.append(_written(list(doc[first[0].i : second[-1].i + 1])))  # as written: "time with my mum"
    return out + _verb_phrases(doc)


_VERB_TAIL = frozenset({"dobj", "prt", "advmod", "acomp", "xcomp", "dative", "oprd"})
_EMPTY_VERBS = frozenset({"get", "go", "like", "want", "need", "have", "do", "be", "let", "put", "try"})
"""Verbs that lead no phrase ("got a flat", "want more time" say nothing a noun phrase does not)."""
_LIGHT_VERBS = frozenset(
    {"start", "happen", "feel", "think", "make", "say", "tell", "come", "see", "know", "keep", "use", "help"}
)
"""Verbs too light to be a label alone ("helping", "feeling"), though they lead phrases ("feel safe")."""


def _verb_phrases(doc) -> list[tuple[list[str], str]]:
    """A parsed quote's gerunds with what follows them ("listening", "changing social workers"):
    what a theme is about is often something done, not a thing. A finite verb phrase ("offer the
    support", "takes me seriously") reads as a sentence without its subject and is left out."""
    out = []
    for tok in doc:
        if tok.pos_ != "VERB" or tok.is_stop or tok.lemma_.lower() in _EMPTY_VERBS:
            continue
        if tok.tag_ == "VBG" and tok.lemma_.lower() not in _LIGHT_VERBS:
            out.append(_written([tok]))  # "listening"; a bare "helped" or "changed" names nothing
        ends = [c.right_edge.i for c in tok.rights if c.dep_ in _VERB_TAIL]
        if tok.tag_ == "VBG" and ends and max(ends) - tok.i < _MAX_WORDS:  # "offer the support": no subject
            tail = _trim(list(doc[tok.i : max(ends) + 1]))
            if len(tail) > 1 and tail[0].i == tok.i:
                out.append(_written(tail))
    return out


def _ngrams(doc, stop: Collection[str]) -> list[tuple[list[str], str]]:
    """Word n-grams (1-4 words, inside one clause) that neither start nor end with a stop word."""
    out = []
    words = [t for t in doc if not t.is_space]
    for i in range(len(words)):
        for n in range(1, _MAX_WORDS + 1):
            gram = words[i : i + n]
            if len(gram) < n or any(not t.is_alpha for t in gram):
                break
            if gram[0].lower_ in stop or gram[-1].lower_ in stop:
                continue
            out.append(_written(gram))
    return out


@dataclass
class PhraseLabeller:
    """A short phrase from each theme's own quotes as its label; c-TF-IDF keywords for the table.

    Args:
        embedder: sentence embedder (candidates are embedded in one batch; default: the cached MiniLM).
        identifiers: ``texts -> identifying words and phrases`` (default
            :func:`voice.privacy.identifier_words`); a candidate holding one is dropped.
        quotes: how many quotes nearest the theme's centre phrases are taken from.
        candidates: how many of the most used phrases of a theme are embedded and ranked.
        diversity: MMR's weight on being unlike the phrase already chosen (0: pure relevance).
        phrases: phrases per label, joined by "; " (each next one chosen by MMR).
        usage_weight: how much being used by many of the theme's quotes adds to the cosine.
        contrast: how much closeness to another theme's centre takes away (labels that tell
            themes apart, as c-TF-IDF's class weighting does for keywords).
    """

    embedder: Embedder | None = None
    identifiers: Identifiers | None = None
    quotes: int = 15
    candidates: int = 25
    diversity: float = 0.5
    phrases: int = 1
    usage_weight: float = 0.3
    contrast: float = 0.5
    n_keywords: int = config.THEME_KEYWORDS
    keyworder: CTfidfLabeller | None = field(default=None, repr=False)

    def keywords(self, groups: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
        """The c-TF-IDF keywords of each group (:class:`CTfidfLabeller`), for the table."""
        keyworder = self.keyworder or CTfidfLabeller(n_keywords=self.n_keywords, embedder=self.embedder)
        return keyworder.keywords(groups)

    def label(self, keywords: Sequence[str]) -> str:
        """A label from keywords alone (when no quotes are at hand): the first phrase among them
        that is not only tone or vague words, else the first keyword; never empty."""
        words = [k.strip() for k in keywords if k and k.strip()]
        stop = lemma_nlp().Defaults.stop_words
        usable = [k for k in words if _usable(k.split(), stop)]
        phrases = [k for k in usable if len(k.split()) > 1]
        return (phrases or usable or words or [FALLBACK_LABEL])[0]

    def labels(
        self,
        groups: Mapping[str, Sequence[str]],
        embeddings: Mapping[str, np.ndarray] | None = None,
        taken: Collection[str] = (),
    ) -> dict[str, str]:
        """A phrase label per group of quote texts, no two alike nor like a name in ``taken`` (the
        names of the themes already there: "my social worker" keeps "social worker" for itself);
        ``embeddings`` are the quotes' unit embeddings (group id -> rows in the order of the
        texts; embedded here when missing)."""
        from voice.embed import default_embedder

        embedder = self.embedder or default_embedder()
        ids = sorted((g for g, texts in groups.items() if texts), key=lambda g: (-len(groups[g]), g))
        vecs = {}
        for gid in ids:
            given = None if embeddings is None else embeddings.get(gid)
            rows = given if given is not None else embedder.embed(list(groups[gid]))
            vecs[gid] = unit_rows(np.asarray(rows, dtype=np.float32))
        centres = np.array([centre(vecs[g]) for g in ids]).reshape(len(ids), -1)
        nearest = {g: _nearest(list(groups[g]), vecs[g], centres[i], self.quotes) for i, g in enumerate(ids)}
        hidden = self._hidden([t for g in ids for t in nearest[g]])
        cands = {g: self._candidates(groups[g], nearest[g], hidden) for g in ids}
        central = {
            g: self._central(_nearest(list(groups[g]), vecs[g], centres[i], _WIDE), hidden)
            for i, g in enumerate(ids)
            if not any(_readable(c.text) for c, _ in cands[g])
        }
        texts = sorted({c.text for found in (*cands.values(), *central.values()) for c, _ in found})
        phrase_vecs = unit_rows(embedder.embed(texts)) if texts else np.zeros((0, 1), np.float32)
        row = {t: i for i, t in enumerate(texts)}
        out: dict[str, str] = {}
        used = {_key(_WORD_RE.findall(name)) for name in taken if _WORD_RE.findall(name)}
        for i, gid in enumerate(ids):
            found = [(c, df) for c, df in cands[gid] if not any(_overlaps(c.key, u) for u in used)]
            # a flawed phrase ("court", one word) only when no quote near the centre has a readable
            # one; but in a theme of three or more, a shared flawed word ("PAs", qualified below)
            # before a phrase of one quote ("grandson's bedwetting" for five quotes about workers)
            near = [(c, df) for c, df in central.get(gid, ()) if not any(_overlaps(c.key, u) for u in used)]
            if len(groups[gid]) >= 3 and any(df >= 2 for _, df in found) and all(df < 2 for _, df in near):
                near = []
            found = [(c, df) for c, df in found if _readable(c.text)] or near or found
            if not found:
                wide = _nearest(list(groups[gid]), vecs[gid], centres[i], _WIDE)
                out[gid] = self._fallback(nearest[gid], hidden, wide)
                if not _readable(out[gid]):  # a sentence's first words ("everything is fine i")
                    out[gid] = _quoted(nearest[gid], hidden) or out[gid]
                continue
            pv = phrase_vecs[[row[c.text] for c, _ in found]]
            sims = pv @ centres.T  # each phrase against every theme's centre
            others = np.delete(sims, i, axis=1)
            rivals = others.max(axis=1) if others.shape[1] else np.zeros(len(found), np.float32)
            usage = np.array([math.log1p(df) / math.log1p(max(2, len(groups[gid]))) for _, df in found])
            relevance = sims[:, i] - self.contrast * rivals + self.usage_weight * usage
            chosen = _mmr(pv, relevance, self.phrases, self.diversity)
            chosen = [
                j
                for n, j in enumerate(chosen)
                if not any(_overlaps(found[j][0].key, found[c][0].key) for c in chosen[:n])
            ]
            used.update(found[j][0].key for j in chosen)
            out[gid] = "; ".join(found[j][0].text for j in chosen)
            # one word ("court"): where it belongs says what it is about, when the theme's quotes
            # share it; a word of one quote in a theme of three or more says nothing of the theme
            # ("court" from "My PA came to court with me" among "It's fine" answers), so the
            # theme is named by its nearest short quote where it has one
            lone = len(groups[gid]) >= 3 and all(found[j][1] < 2 for j in chosen)
            if not _readable(out[gid]):
                quoted = _quoted(nearest[gid], hidden) if lone else None
                out[gid] = quoted or _qualified(out[gid], centres[i], taken, embedder)
            if not _readable(out[gid]):  # no topic of its own ("outcome" for "It's fine, nothing to add")
                out[gid] = _quoted(nearest[gid], hidden) or out[gid]
            if not _readable(out[gid]):  # still flawed ("review forms", a verb phrase): the readable
                wide = _nearest(list(groups[gid]), vecs[gid], centres[i], _WIDE)  # phrase most used
                alt = self._fallback(nearest[gid], hidden, wide)  # near the centre, when there is one
                alt_key = _key(_WORD_RE.findall(alt))
                if _readable(alt) and not any(_overlaps(alt_key, u) for u in used):  # no two alike
                    out[gid] = alt
                    used.add(alt_key)
        return out

    def _hidden(self, texts: Sequence[str]) -> frozenset[str]:
        identifiers = self.identifiers or _default_identifiers
        return frozenset(w.lower() for w in identifiers(list(dict.fromkeys(texts))))

    def _candidates(
        self, texts: Sequence[str], nearest: Sequence[str], hidden: frozenset[str]
    ) -> list[tuple[_Candidate, int]]:
        """The theme's most used phrases (taken from its nearest quotes) and how widely each is
        used: the mean number of the theme's quotes with each of its content words ("new social
        worker" is less used than "social worker"); in a theme of three quotes or more, a phrase
        used by one quote only when no other is left."""
        stop = lemma_nlp().Defaults.stop_words
        shown: dict[str, Counter] = {}
        for words, text in _phrases(nearest, stop):
            if _usable(words, stop) and not _names_someone(words, hidden):
                shown.setdefault(_key(words), Counter())[text] += 1
        keyed_texts = [set(_key(_WORD_RE.findall(t)).split()) for t in texts]
        found = []
        for key, forms in shown.items():
            content = [w for w in key.split() if w not in stop] or key.split()
            df = max(1, round(sum(sum(1 for t in keyed_texts if w in t) for w in content) / len(content)))
            text = max(forms.items(), key=lambda kv: (kv[1], kv[0].islower(), -len(kv[0]), kv[0]))[0]
            found.append((_Candidate(key, text), df))
        found.sort(key=lambda cd: (-cd[1], len(cd[0].key), cd[0].key))
        shared = [cd for cd in found if cd[1] >= 2]
        return (shared if len(texts) >= 3 and shared else found)[: self.candidates]

    def _central(self, nearest: Sequence[str], hidden: frozenset[str]) -> list[tuple[_Candidate, int]]:
        """The readable phrases of the quotes nearest the centre (up to 100), the most used
        first, for a theme whose shared phrases are all flawed ("court" alone -> "court
        hearing"; a theme of praise -> "ambulance crew"); identifiers of those quotes hidden."""
        stop = lemma_nlp().Defaults.stop_words
        hidden = hidden | self._hidden(nearest)
        forms: dict[str, Counter] = {}
        for words, text in _phrases(nearest, stop):
            if _usable(words, stop) and not _names_someone(words, hidden) and _readable(text):
                forms.setdefault(_key(words), Counter())[text] += 1
        ranked = sorted(forms.items(), key=lambda kv: -sum(kv[1].values()))  # stable: nearest first
        out = [(_Candidate(k, f.most_common(1)[0][0]), sum(f.values())) for k, f in ranked]
        return out[: self.candidates]

    def _fallback(self, nearest: Sequence[str], hidden: frozenset[str], wide: Sequence[str] = ()) -> str:
        """The readable phrase most used by the quotes nearest the centre (``wide``: up to 100
        of them; a theme of praise has "ambulance crew" somewhere), else the first noun phrase,
        else the first few words of the nearest quote."""
        stop = lemma_nlp().Defaults.stop_words
        hidden_wide = hidden | self._hidden(wide) if wide else hidden
        used: dict[str, Counter] = {}  # the most used readable phrase; the nearest on a tie
        for words, shown in _phrases(wide, stop):
            if _usable(words, stop) and not _names_someone(words, hidden_wide) and _readable(shown):
                used.setdefault(_key(words), Counter())[shown] += 1
        if used:
            best = max(used.values(), key=lambda forms: sum(forms.values()))  # first of the most used
            return best.most_common(1)[0][0]
        for text in nearest:
            for words, shown in _phrases([text], stop):
                if _usable(words, stop) and not _names_someone(words, hidden):
                    return shown
        for text in nearest:
            words = [w for w in _WORD_RE.findall(text) if not _names_someone([w], hidden)]
            if words:
                return " ".join(words[:_MAX_WORDS]).lower()
        return FALLBACK_LABEL


def _quoted(nearest: Sequence[str], hidden: frozenset[str]) -> str | None:
    """'like “It's fine. Nothing to add.”': the nearest short quote, whole and without an
    identifier, for a theme whose only phrase is flawed (answers without a topic), else None."""
    for text in nearest:
        words = _WORD_RE.findall(text)
        if (
            2 <= len(words) <= MAX_LABEL_WORDS - 1
            and not _names_someone(words, hidden)
            and not _EDITS & set(text)
        ):
            label = f"like “{' '.join(text.split())}”"
            if _readable(label):
                return label
    return None


def _qualified(label: str, c: np.ndarray, taken: Collection[str], embedder: Embedder) -> str:
    """``label`` with the name of the theme already there nearest the centre ``c`` (a framework
    theme's: "court (meetings, plans and reviews)") when that makes it readable, else ``label``."""
    names = [
        n for n in dict.fromkeys(taken) if n and len(_WORD_RE.findall(f"{label} {n}")) <= MAX_LABEL_WORDS
    ]
    if not names:
        return label
    sims = unit_rows(embedder.embed(names)) @ c
    for j in np.argsort(-sims, kind="stable"):
        qualified = f"{label} ({names[int(j)]})"
        if _readable(qualified):
            return qualified
    return label


_CHECKS = frozenset({"verb phrase", "generic", "word / word", "placeholder", "length", "broken"})


@functools.lru_cache(maxsize=4096)
def _readable(text: str) -> bool:
    """Whether a phrase passes the label rules a labeller can check alone (:func:`label_problems`:
    no bare verb phrase, praise bucket, pair or placeholder; 2-6 words)."""
    return not _CHECKS.intersection(label_problems(text))


def _overlaps(key: str, other: str) -> bool:
    """Whether two phrases are one word apart ("social worker", "new social worker"); "changing
    my social worker" says something else."""
    a, b = f" {key} ", f" {other} "
    return (a in b or b in a) and abs(len(key.split()) - len(other.split())) <= 1


def _names_someone(words: Sequence[str], hidden: frozenset[str]) -> bool:
    """Whether a phrase holds an identifier of ``hidden`` or a title ("Mrs")."""
    low = [w.lower().replace("’", "'") for w in words]
    return any(w in hidden or w in _TITLES for w in low) or " ".join(low) in hidden


def _phrases(texts: Sequence[str], stop: Collection[str]) -> list[tuple[list[str], str]]:
    """Noun phrases of the texts (spaCy's parser), or word n-grams when it is not installed."""
    nlp = phrase_parser()
    out: list[tuple[list[str], str]] = []
    if nlp is None:
        for doc in lemma_nlp().pipe(list(texts)):
            out += _ngrams(doc, stop)
        return out
    for doc in nlp.pipe(list(texts), batch_size=64):
        out += _noun_phrases(doc)
    return out


def _nearest(texts: list[str], vecs: np.ndarray, c: np.ndarray, n: int) -> list[str]:
    """Up to ``n`` distinct texts nearest the centre ``c``, nearest first."""
    order = np.argsort(-(vecs @ c), kind="stable")
    return list(dict.fromkeys(texts[i] for i in order))[:n]


def _mmr(vecs: np.ndarray, relevance: np.ndarray, k: int, diversity: float) -> list[int]:
    """Maximal marginal relevance: the most relevant first, then each next one most relevant and
    least like those chosen (KeyBERT's ``mmr``)."""
    chosen = [int(np.argmax(relevance))]
    while len(chosen) < min(k, len(relevance)):
        sim = (vecs @ vecs[chosen].T).max(axis=1)
        score = (1 - diversity) * relevance - diversity * sim
        score[chosen] = -np.inf
        chosen.append(int(np.argmax(score)))
    return chosen


def labels_from_quotes(
    labeller: object,
    texts: Sequence[str],
    embeddings: np.ndarray,
    rows: Mapping[str, Sequence[int]],
    taken: Collection[str] = (),
) -> dict[str, str]:
    """Labels made from the quotes of new themes (``rows``: theme id -> indices into ``texts`` and
    ``embeddings``) when the labeller has ``labels`` (as :class:`PhraseLabeller` does), else
    nothing: the engine then calls ``label(keywords)``. Named themes (pinned, saved) are not
    asked; their names are passed as ``taken`` when ``labels`` accepts it."""
    labels = getattr(labeller, "labels", None)
    if not callable(labels) or not rows:
        return {}
    groups = {t: [texts[i] for i in r] for t, r in rows.items()}
    vecs = {t: embeddings[list(r)] for t, r in rows.items()}
    if "taken" in inspect.signature(labels).parameters:
        return dict(labels(groups, vecs, taken=list(taken)))
    return dict(labels(groups, vecs))
