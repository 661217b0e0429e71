"""The concern detector: rules, similarity to curated disclosures, and a small classifier head.

``detect_concerns(texts)`` runs the rules alone (no model, thousands of quotes a second).
``detect_concerns(texts, embedder=default_embedder())`` adds the embedding parts: a quote is also
flagged when one of its sentences is very close to a curated disclosure (the similarity tier,
detect-4), when the classifier head is very sure (detect-5), or when the similarity part and the
classifier both flag it. Every cue names its kind,
what matched and the sentence it matched in. docs/SAFEGUARDING.md "The detector" gives the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from voice.embed import Embedder

from ._classifier import Head, load_head
from ._lexicon import SELF_HARM
from ._negation import ongoing, resolution, sentences
from ._rules import rule_hits
from ._similar import ExampleIndex, Nearest

DETECTOR_VERSION = "detect-7"
"""Flags are re-screened when this changes. 2: the head learns from ordinary feedback and its
thresholds keep cross-validated false flags on ordinary feedback at or under 1%. 3: wider rules
(self-harm without an object, violence against a parent, a parent's drinking, name-calling,
indirect sexual contact, away from home for days and sleeping rough). 4: a similarity tier (a
sentence very close to a curated disclosure flags alone, thresholds calibrated on ordinary
feedback), 27 more curated disclosures, and "stopped me from ..." no longer reads as a denial.
5: the head learns from every real labelled row (labelled.csv, fresh.csv, fresh2.csv), flags alone
at a high probability and with the similarity part at a lower one, both chosen from a
cross-validation grouped by source (docs/SAFEGUARDING.md "detect-5"). 6: three calm examples of
phoning a service that never calls back ("They never call back when I ring them." was flagged as
exploitation by the similarity tier); the head is unchanged. 7: recall first: the head also learns
from fresh3.csv, and its two thresholds (0.65 / 0.65) are the fewest demo flags at which the learned
parts find 95% of the disclosures out of fold (about one demo quote in eight is flagged, was one
in 28; docs/SAFEGUARDING.md "detect-7")."""

CONCERN_KINDS: tuple[str, ...] = (
    "physical abuse",
    "sexual abuse",
    "emotional abuse",
    "neglect",
    "domestic abuse",
    "self-harm or suicidal thoughts",
    "exploitation or grooming",
    "going missing",
    "unsafe where they live",
    "severe bullying",
)
"""The kinds of harm a flag names (Working Together to Safeguard Children's categories, widened)."""

PARTS: tuple[str, ...] = ("rule", "similar", "classifier")
"""The detector's parts, as named in ``ConcernCue.source``."""

TIER = "tier"
"""The key of the similarity tier's cues in ``cues_by_part`` (their ``source`` is ``similar``)."""
ALONE = "classifier alone"
"""The key of the classifier cues strong enough to flag alone (detect-5; their ``source`` is
``classifier``)."""


@dataclass(frozen=True)
class ConcernCue:
    """One reason for a flag: the kind of harm, what matched, and the sentence it matched in."""

    kind: str
    cue: str
    sentence: str
    source: str = "rule"
    """``rule`` (lexicon), ``similar`` (near a curated example disclosure) or ``classifier``."""
    score: float = 1.0
    """How strongly this part points to harm, 0-1."""


@dataclass(frozen=True)
class Concern:
    """A quote that may disclose harm: every cue found, and a score in 0-1 (higher: more likely)."""

    cues: tuple[ConcernCue, ...]
    score: float

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of harm named by the cues, without repeats, in cue order."""
        return tuple(dict.fromkeys(c.kind for c in self.cues))

    @property
    def reasons(self) -> str:
        """The cues in one line: ``self-harm or suicidal thoughts: "want to die" in "…"``."""
        return "; ".join(f'{c.kind}: "{c.cue}" in "{c.sentence}"' for c in self.cues)


@dataclass
class _Models:
    """The embedding parts, built once per embedder."""

    embedder: Embedder
    head: Head
    index: ExampleIndex = field(init=False)

    def __post_init__(self) -> None:
        self.index = ExampleIndex(self.embedder)


_MODELS: dict[int, _Models] = {}


def _models(embedder: Embedder, head: Head | None) -> _Models:
    key = id(embedder)
    if head is not None:
        return _Models(embedder, head)
    if key not in _MODELS or _MODELS[key].embedder is not embedder:
        _MODELS[key] = _Models(embedder, load_head())
    return _MODELS[key]


def _resolved_away(text: str, sentence: str, kind: str) -> bool:
    """Whether a cue of ``kind`` in ``sentence`` is dropped because the quote says it is over."""
    return kind != SELF_HARM and resolution(text) is not None and not ongoing(sentence)


def _rule_cues(text: str) -> list[ConcernCue]:
    return [ConcernCue(h.kind, h.cue, h.sentence, "rule", h.strength) for h in rule_hits(text)]


def _embed_unique(embedder: Embedder, texts: Sequence[str]) -> dict[str, np.ndarray]:
    unique = list(dict.fromkeys(texts))
    if not unique:
        return {}
    vecs = embedder.embed(unique)
    return dict(zip(unique, vecs, strict=True))


def cues_by_part(
    texts: Sequence[str], embedder: Embedder | None = None, head: Head | None = None
) -> list[dict[str, list[ConcernCue]]]:
    """For each text, the cues of each part (``rule``; with an embedder also ``similar``,
    ``classifier`` and ``tier``). ``detect_concerns`` combines them; ``voice evaluate-concerns``
    scores each."""
    out: list[dict[str, list[ConcernCue]]] = [{"rule": _rule_cues(t)} for t in texts]
    if embedder is None:
        return out
    models = _models(embedder, head)
    split = [sentences(t) or [t.strip()] for t in texts]
    vectors = _embed_unique(embedder, [s for ss in split for s in ss] + [t.strip() for t in texts])
    for text, sents, parts in zip(texts, split, out, strict=True):
        sent_vecs = np.vstack([vectors[s] for s in sents])
        near: list[Nearest] = models.index.nearest(sent_vecs)
        similar, tier = [], []
        for sentence, nb in zip(sents, near, strict=True):
            if nb.similarity < models.head.min_similarity or nb.margin < models.head.margin:
                continue
            if _resolved_away(text, sentence, nb.kind):
                continue
            cue = ConcernCue(
                nb.kind, f'like "{nb.example}" ({nb.similarity:.2f})', sentence, "similar", nb.similarity
            )
            similar.append(cue)
            if nb.similarity >= models.head.tier_similarity and nb.margin >= models.head.tier_margin:
                tier.append(cue)
        parts["similar"] = similar
        parts[TIER] = tier
        whole = float(models.head.probability(vectors[text.strip()][None, :])[0])
        sent_p = models.head.probability(sent_vecs)
        best = int(np.argmax(sent_p))
        sentence, kind = sents[best], near[best].kind
        p = max(whole, float(sent_p[best]))
        if p >= models.head.threshold and not _resolved_away(text, sentence, kind):
            parts["classifier"] = [ConcernCue(kind, f"classifier {p:.2f}", sentence, "classifier", p)]
        else:
            parts["classifier"] = []
        parts[ALONE] = [c for c in parts["classifier"] if c.score >= models.head.alone_threshold]
    return out


def combine(found: dict[str, list[ConcernCue]]) -> list[ConcernCue]:
    """The cues that raise a flag: every rule cue, every similarity-tier cue (a sentence very
    close to a curated disclosure), a classifier cue at the head's ``alone_threshold`` (detect-5),
    and the embedding cues when both embedding parts agree (the loose similarity part alone, or
    the classifier alone below ``alone_threshold``, flags too much ordinary feedback)."""
    cues = list(found.get("rule", [])) + list(found.get(TIER, [])) + list(found.get(ALONE, []))
    if found.get("similar") and found.get("classifier"):
        cues += found["similar"] + found["classifier"]
    return list(dict.fromkeys(cues))


def detect_concerns(texts: Sequence[str], *, embedder: Embedder | None = None) -> list[Concern | None]:
    """One result per text: a ``Concern`` when it may disclose harm, else None.

    Without ``embedder`` only the rules run (no model; tens of thousands of quotes a minute). With
    one (``voice.embed.default_embedder()``) a quote is also flagged when a sentence is very close
    to a curated disclosure (the similarity tier), when the classifier head alone is very sure, or
    when its sentences are both near a curated
    disclosure and scored as one by the classifier head. A flag is for a person to
    read, never a decision.
    """
    results: list[Concern | None] = []
    for found in cues_by_part(texts, embedder):
        cues = combine(found)
        results.append(Concern(tuple(cues), round(max(c.score for c in cues), 3)) if cues else None)
    return results
