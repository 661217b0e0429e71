"""Measuring redaction on the labelled set in ``corpus/redaction/``.

``annotated.txt`` is the source: one sentence a line with identifiers marked ``{kind:text}``.
``labelled.csv`` is made from it by :func:`build_labelled_csv` (columns ``id``, ``split``,
``text``, ``spans`` as a JSON list of ``[start, end, kind]``). Sentences are split 60/40 into
``dev`` (rules may be tuned on it) and ``test`` (never tuned on) by position, separately for
sentences with and without identifiers.

Scoring (span level, as a reader of the redacted text sees it):

- recall: a gold identifier counts as caught when every one of its characters is inside some
  redaction, whatever marker was used; ``kind_accuracy`` says how often the marker was right;
- precision: the share of redactions that overlap a gold identifier; ``char_precision`` the
  share of redacted characters that are inside one;
- ``clean_sentences_touched``: sentences with no identifier in which anything was redacted.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voice import config
from voice.errors import InputError
from voice.privacy._redact import Redactor
from voice.privacy._spans import KINDS

ANNOTATED = config.REDACTION_DIR / "annotated.txt"
HOLDOUT = config.REDACTION_DIR / "holdout.txt"
HARD_DEV = config.REDACTION_DIR / "hard_dev.txt"
"""Harder text the rules for #16 were tuned on (split ``hard_dev``)."""
HARD_HOLDOUT = config.REDACTION_DIR / "holdout_hard.txt"
"""Harder text written before those rules and never tuned on (split ``hard_holdout``)."""
LABELLED = config.REDACTION_DIR / "labelled.csv"
METRICS = config.REDACTION_DIR / "metrics.json"
SPLITS = ("dev", "test", "holdout", "hard_dev", "hard_holdout")
TEST_POSITIONS = (1, 3)
"""Of every five sentences (in file order, per group) positions 1 and 3 go to test: 60/40."""

_MARK_RE = re.compile(r"\{(?P<kind>[a-z]+):(?P<text>[^{}]+)\}")


@dataclass(frozen=True)
class LabelledSentence:
    """One sentence of the labelled set and its gold identifiers ``(start, end, kind)``."""

    id: int
    split: str
    text: str
    spans: tuple[tuple[int, int, str], ...]


def parse_annotated_line(line: str) -> tuple[str, list[tuple[int, int, str]]]:
    """``"me and {name:jake} went"`` → ``("me and jake went", [(7, 11, "name")])``."""
    out, spans, last = [], [], 0
    length = 0
    for m in _MARK_RE.finditer(line):
        kind = m.group("kind")
        if kind not in KINDS:
            raise InputError(f"unknown kind {kind!r} in: {line}")
        plain = line[last : m.start()]
        out.append(plain)
        length += len(plain)
        spans.append((length, length + len(m.group("text")), kind))
        out.append(m.group("text"))
        length += len(m.group("text"))
        last = m.end()
    out.append(line[last:])
    text = "".join(out)
    if "{" in text or "}" in text:
        raise InputError(f"unbalanced mark-up in: {line}")
    return text, spans


def parse_annotated(path: Path = ANNOTATED, split: str | None = None) -> list[LabelledSentence]:
    """Read ``annotated.txt`` and assign each sentence its split (or ``split`` to all)."""
    lines = [
        ln.strip()
        for ln in path.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    positions: Counter[bool] = Counter()
    sentences = []
    for i, line in enumerate(lines):
        text, spans = parse_annotated_line(line)
        group = bool(spans)
        which = split or ("test" if positions[group] % 5 in TEST_POSITIONS else "dev")
        positions[group] += 1
        sentences.append(LabelledSentence(i + 1, which, text, tuple(spans)))
    return sentences


def build_labelled_csv(
    annotated: Path = ANNOTATED,
    holdout: Path = HOLDOUT,
    out: Path = LABELLED,
    hard_dev: Path = HARD_DEV,
    hard_holdout: Path = HARD_HOLDOUT,
) -> Path:
    """Write ``labelled.csv`` from ``annotated.txt`` (dev, test), ``holdout.txt`` (holdout),
    ``hard_dev.txt`` (hard_dev) and ``holdout_hard.txt`` (hard_holdout); ids 1000+, 2000+, 3000+."""
    sentences = parse_annotated(annotated)
    for offset, path, split in (
        (1000, holdout, "holdout"),
        (2000, hard_dev, "hard_dev"),
        (3000, hard_holdout, "hard_holdout"),
    ):
        if path.exists():
            extra = parse_annotated(path, split=split)
            sentences += [LabelledSentence(s.id + offset, s.split, s.text, s.spans) for s in extra]
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "split", "text", "spans"])
        for s in sentences:
            writer.writerow([s.id, s.split, s.text, json.dumps([list(sp) for sp in s.spans])])
    return out


def load_labelled(path: Path = LABELLED) -> list[LabelledSentence]:
    """Read ``labelled.csv``."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            LabelledSentence(
                int(r["id"]), r["split"], r["text"], tuple((a, b, k) for a, b, k in json.loads(r["spans"]))
            )
            for r in csv.DictReader(fh)
        ]


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def score(redactor: Redactor, sentences: Sequence[LabelledSentence]) -> dict:
    """Recall, precision and the misses of ``redactor`` on ``sentences``."""
    redactions = redactor.redact_many([s.text for s in sentences])
    gold_by_kind: Counter[str] = Counter()
    caught_by_kind: Counter[str] = Counter()
    right_kind = 0
    predicted = overlapping = 0
    red_chars = red_chars_in_gold = 0
    clean = clean_touched = 0
    misses: list[dict] = []
    false_positives: list[dict] = []
    confusions: Counter[str] = Counter()
    for s, red in zip(sentences, redactions, strict=True):
        covered = [False] * len(s.text)
        for sp in red.spans:
            for i in range(sp.start, sp.end):
                covered[i] = True
        in_gold = [False] * len(s.text)
        for a, b, _ in s.spans:
            for i in range(a, b):
                in_gold[i] = True
        for a, b, kind in s.spans:
            gold_by_kind[kind] += 1
            if all(covered[a:b]):
                caught_by_kind[kind] += 1
                over = [sp for sp in red.spans if sp.start < b and sp.end > a]
                if any(sp.kind == kind for sp in over):
                    right_kind += 1
                else:
                    confusions[f"{kind}->{over[0].kind}"] += 1
            else:
                misses.append({"id": s.id, "kind": kind, "text": s.text[a:b], "sentence": s.text})
        for sp in red.spans:
            predicted += 1
            red_chars += sp.end - sp.start
            red_chars_in_gold += sum(in_gold[sp.start : sp.end])
            if any(in_gold[sp.start : sp.end]):
                overlapping += 1
            else:
                false_positives.append({"id": s.id, "kind": sp.kind, "text": sp.original, "sentence": s.text})
        if not s.spans:
            clean += 1
            clean_touched += bool(red.spans)
    gold = sum(gold_by_kind.values())
    caught = sum(caught_by_kind.values())
    return {
        "sentences": len(sentences),
        "sentences_without_identifiers": clean,
        "identifiers": gold,
        "recall": _ratio(caught, gold),
        "precision": _ratio(overlapping, predicted),
        "char_precision": _ratio(red_chars_in_gold, red_chars),
        "kind_accuracy": _ratio(right_kind, caught),
        "redactions": predicted,
        "false_positives": len(false_positives),
        "clean_sentences_touched": clean_touched,
        "per_kind": {
            k: {
                "identifiers": gold_by_kind[k],
                "caught": caught_by_kind[k],
                "recall": _ratio(caught_by_kind[k], gold_by_kind[k]),
            }
            for k in KINDS
            if gold_by_kind[k]
        },
        "kind_confusions": dict(confusions.most_common()),
        "misses": misses,
        "false_positive_examples": false_positives,
    }


def evaluate(
    redactor: Redactor, sentences: Sequence[LabelledSentence] | None = None, splits: Sequence[str] = SPLITS
) -> dict[str, dict]:
    """Score each split of the labelled set."""
    sentences = list(sentences) if sentences is not None else load_labelled()
    by_split: dict[str, list[LabelledSentence]] = defaultdict(list)
    for s in sentences:
        by_split[s.split].append(s)
    return {split: score(redactor, by_split[split]) for split in splits}
