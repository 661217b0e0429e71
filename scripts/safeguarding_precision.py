"""How often the concern detector flags ordinary feedback, next to its recall on real disclosures.

For the rules, each embedding part, both embedding parts agreeing, and the combined detector:
recall / precision on the real rows of ``corpus/safeguarding/labelled.csv`` (tune and holdout),
and the number of quotes flagged in ordinary feedback: the 362 synthetic demo quotes
(``corpus/demo/demo_quotes.csv``), the 13 seed quotes (``corpus/seeds/``) and the 4,475 adult NHS
comments (``corpus/nhs_fft_labelled.csv``, not labelled for safeguarding: read the sample).

    python scripts/safeguarding_precision.py                      # the table
    python scripts/safeguarding_precision.py --show 15            # and a sample of what each set flags
    python scripts/safeguarding_precision.py --head other.json    # another head file
    python scripts/safeguarding_precision.py --blind fresh.csv    # a labelled set, all rows (repeatable)
    python scripts/safeguarding_precision.py --no-tier            # the detector without the similarity tier
    python scripts/safeguarding_precision.py --calibrate-tier     # choose the similarity tier (head.json)

Set ``VOICE_HOME`` to keep the embedding cache apart (the first run embeds every sentence: about
ten minutes on two shared cores; later runs read the cache).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import random
from pathlib import Path

from voice import config
from voice.embed import default_embedder
from voice.ingest.seed_appendix import read_seed_appendix
from voice.safeguarding import load_labelled
from voice.safeguarding._classifier import HEAD_PATH, load_head
from voice.safeguarding._detect import combine, cues_by_part
from voice.safeguarding._tier import calibrate_tier

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpus" / "demo" / "demo_quotes.csv"
NHS = ROOT / "corpus" / "nhs_fft_labelled.csv"
COLUMNS = ("rule", "similar", "classifier", "similar tier", "similar+classifier", "combined")
SAFEGUARDING = ROOT / "corpus" / "safeguarding"


def _texts(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return [r["text"] for r in csv.DictReader(fh) if r["text"].strip()]


def seed_quotes() -> list[str]:
    """The quotes of the seed documents' appendices."""
    return [q.text for p in sorted(config.SEEDS_DIR.glob("*.txt")) for q in read_seed_appendix(p).quotes]


def predictions(texts: list[str], head_path: Path | None, tier: bool = True) -> dict[str, list[bool]]:
    """For each column, whether each text is flagged (``tier=False``: with the similarity tier off)."""
    head = load_head(head_path or HEAD_PATH)
    if not tier:
        head = dataclasses.replace(head, tier_similarity=2.0, tier_margin=2.0)
    found = cues_by_part(texts, default_embedder(), head)
    return {
        "rule": [bool(f["rule"]) for f in found],
        "similar": [bool(f["similar"]) for f in found],
        "classifier": [bool(f["classifier"]) for f in found],
        "similar tier": [bool(f["tier"]) for f in found],
        "similar+classifier": [bool(f["similar"] and f["classifier"]) for f in found],
        "combined": [bool(combine(f)) for f in found],
    }


def _rp(gold: list[bool], pred: list[bool]) -> str:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    flagged = sum(pred)
    concerns = sum(gold)
    recall = tp / concerns if concerns else 1.0
    precision = tp / flagged if flagged else 1.0
    return f"{recall:.3f} / {precision:.3f} ({tp}/{concerns}, {flagged})"


def calibrate(head_path: Path | None) -> None:
    """Choose the tier on the real disclosures of the tune split and both seen fresh sets that the
    rest of the detector misses; save it in the head."""
    rows = [r for r in load_labelled(split="tune") if r.origin == "real"]
    rows += load_labelled(SAFEGUARDING / "fresh.csv") + load_labelled(SAFEGUARDING / "fresh2.csv")
    disclosures = [r.text for r in rows if r.concern]
    path = head_path or HEAD_PATH
    without_tier = dataclasses.replace(load_head(path), tier_similarity=2.0, tier_margin=2.0)
    found = cues_by_part(disclosures, default_embedder(), without_tier)
    missed = [t for t, f in zip(disclosures, found, strict=True) if not combine(f)]
    print(f"{len(missed)} of {len(disclosures)} disclosures missed without the tier")
    chosen = calibrate_tier(missed, default_embedder())
    dataclasses.replace(load_head(path), **chosen).save(path)
    print(json.dumps(chosen, indent=1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--head", type=Path, default=None, help="head JSON (default: the shipped one)")
    ap.add_argument("--show", type=int, default=0, help="print up to N flagged quotes per ordinary set")
    ap.add_argument(
        "--blind", type=Path, action="append", default=[], help="also score this labelled CSV (all rows)"
    )
    ap.add_argument("--no-tier", action="store_true", help="switch the similarity tier off")
    ap.add_argument(
        "--calibrate-tier",
        action="store_true",
        help="choose the similarity tier's thresholds (voice/safeguarding/_tier.py), save them in the head",
    )
    args = ap.parse_args()
    if args.calibrate_tier:
        calibrate(args.head)
        return

    labelled = {
        "tune real": [r for r in load_labelled(split="tune") if r.origin == "real"],
        "holdout real": [r for r in load_labelled(split="holdout") if r.origin == "real"],
        "holdout written": [r for r in load_labelled(split="holdout") if r.origin == "written"],
    }
    for path in args.blind:
        labelled[f"{path.stem} (all rows)"] = load_labelled(path, split="all")
    print("recall / precision (found/disclosures, flagged)")
    print(f"{'set':18}" + "".join(f" | {c:28}" for c in COLUMNS))
    for name, rows in labelled.items():
        pred = predictions([r.text for r in rows], args.head, not args.no_tier)
        gold = [r.concern for r in rows]
        print(f"{name:18}" + "".join(f" | {_rp(gold, pred[c]):28}" for c in COLUMNS))

    ordinary = {"demo (362)": _texts(DEMO), "seeds": seed_quotes(), "NHS comments": _texts(NHS)}
    print("\nordinary feedback: quotes flagged (share)")
    print(f"{'set':18}" + "".join(f" | {c:28}" for c in COLUMNS))
    flagged: dict[str, list[str]] = {}
    for name, texts in ordinary.items():
        pred = predictions(texts, args.head, not args.no_tier)
        cells = [f"{sum(pred[c])} of {len(texts)} ({sum(pred[c]) / len(texts):.1%})" for c in COLUMNS]
        print(f"{name:18}" + "".join(f" | {c:28}" for c in cells))
        flagged[name] = [t for t, p in zip(texts, pred["combined"], strict=True) if p]
    if args.show:
        rng = random.Random(0)
        for name, texts in flagged.items():
            print(f"\n{name}: {len(texts)} flagged, sample")
            for t in rng.sample(texts, min(args.show, len(texts))):
                print("  -", t[:160].replace("\n", " "))


if __name__ == "__main__":
    main()
