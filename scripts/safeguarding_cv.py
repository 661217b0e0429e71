"""Grouped-by-source cross-validation of the concern detector's learned parts (detect-5, detect-7).

Out-of-fold recall / precision on every real labelled row (``labelled.csv`` both splits,
``fresh.csv``, ``fresh2.csv``, ``fresh3.csv``: all seen sets), per part and combined, with the share
of the demo quotes and NHS comments flagged; the trade-off of recall against demo false flags; and
the pair of head thresholds ``train_head`` would choose (``_cv.choose``: the fewest demo flags at
which the learned parts reach recall 0.95). voice/safeguarding/_cv.py says how the folds are made.

    python scripts/safeguarding_cv.py                 # the figures at the shipped head's thresholds
    python scripts/safeguarding_cv.py --curve         # and the trade-off curve
    python scripts/safeguarding_cv.py --detect4       # each fold trained the detect-4 way (tune rows only)
    python scripts/safeguarding_cv.py --no-tier       # with the similarity tier switched off
    python scripts/safeguarding_cv.py --detect4 --head old.json   # at another head's thresholds
    python scripts/safeguarding_cv.py --train         # retrain the head (all real rows) and save it

About two minutes a run on two shared cores once the embedding cache is warm.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

import numpy as np

from voice.embed import default_embedder
from voice.safeguarding._classifier import HEAD_PATH, load_head
from voice.safeguarding._cv import (
    DEMO_PATH,
    MAX_DEMO_RATE,
    MAX_NHS_RATE,
    SAFEGUARDING_DIR,
    TARGET_RECALL,
    OutOfFold,
    choose,
    evaluate_point,
    out_of_fold,
    trade_off,
    train_head,
)


def _rp(gold: np.ndarray, flag: np.ndarray) -> str:
    tp = int((gold & flag).sum())
    recall = tp / max(int(gold.sum()), 1)
    precision = tp / max(int(flag.sum()), 1)
    return f"{recall:.3f} / {precision:.3f} ({tp}/{int(gold.sum())}, {int(flag.sum())})"


def _rate(flag: np.ndarray) -> str:
    return f"{flag.mean():.1%} ({int(flag.sum())}/{len(flag)})"


def table(oof: OutOfFold, high: float, low: float) -> None:
    """Per part and combined: out-of-fold recall / precision on the real rows, demo and NHS rates."""
    gold = oof.gold
    nhs = ~oof.ordinary_kids
    no_rule = np.zeros(len(oof.ordinary_head), dtype=bool)
    parts = {
        "rule": (oof.rule, oof.demo_rule, no_rule),
        "similar (loose)": (oof.similar, oof.demo_similar, oof.ordinary_similar),
        "similar tier": (oof.tier, oof.demo_tier, oof.ordinary_tier),
        f"classifier >= {low}": (oof.head >= low, oof.demo_head >= low, oof.ordinary_head >= low),
        f"classifier alone >= {high}": (oof.head >= high, oof.demo_head >= high, oof.ordinary_head >= high),
        "similar and classifier": (
            oof.similar & (oof.head >= low),
            oof.demo_similar & (oof.demo_head >= low),
            oof.ordinary_similar & (oof.ordinary_head >= low),
        ),
    }
    learned = [(oof.head >= high) | (oof.similar & (oof.head >= low))]
    learned += [(oof.demo_head >= high) | (oof.demo_similar & (oof.demo_head >= low))]
    learned += [(oof.ordinary_head >= high) | (oof.ordinary_similar & (oof.ordinary_head >= low))]
    parts["learned parts (no rules, no tier)"] = tuple(learned)
    p = evaluate_point(oof, high, low)
    print(f"{'part':36} {'real rows: recall / precision':34} {'demo flagged':16} NHS flagged")
    for name, (real, demo, ordinary) in parts.items():
        print(f"{name:36} {_rp(gold, real):34} {_rate(demo):16} {_rate(ordinary[nhs])}")
    combined = oof.rule | oof.tier | learned[0]
    print(
        f"{'combined':36} {_rp(gold, combined):34} {p.demo_rate:.1%}{'':10} {p.nhs_rate:.1%} "
        f"(children's ordinary sentences {p.kids_rate:.1%})"
    )
    for name in ("labelled-tune", "labelled-holdout", "fresh"):
        split = name.split("-")[-1]
        idx = np.array([r.split == split for r in oof.rows])
        if name == "fresh":
            for label, cut in (("fresh.csv", "fr"), ("fresh2.csv", "f2-"), ("fresh3.csv", "f3-")):
                sel = np.array([r.id.startswith(cut) for r in oof.rows])
                print(f"  {label:34} {_rp(gold[sel], combined[sel])}")
        else:
            print(f"  {name:34} {_rp(gold[idx], combined[idx])}")
    what_an_officer_clears(oof, combined, high, low)


def what_an_officer_clears(oof: OutOfFold, combined: np.ndarray, high: float, low: float) -> None:
    """Out of fold: false flags on the real non-concerns (many share words with disclosures), on the
    hard negatives of fresh3.csv, and demo quotes flagged per quarter (about 45 quotes each)."""
    gold = oof.gold
    print(f"  real non-concerns flagged          {int((combined & ~gold).sum())} of {int((~gold).sum())}")
    with open(SAFEGUARDING_DIR / "fresh3.csv", newline="", encoding="utf-8-sig") as fh:
        hard = {r["id"] for r in csv.DictReader(fh) if "hard negative" in r["note"].lower()}
    sel = np.array([r.id in hard for r in oof.rows])
    print(f"  fresh3.csv hard negatives flagged  {int(combined[sel].sum())} of {int(sel.sum())}")
    with open(DEMO_PATH, newline="", encoding="utf-8-sig") as fh:
        periods = [r["period"] for r in csv.DictReader(fh) if r["text"].strip()]
    d_flag = (
        oof.demo_rule | oof.demo_tier | (oof.demo_head >= high) | (oof.demo_similar & (oof.demo_head >= low))
    )
    quotes, flags = Counter(periods), Counter(p for p, f in zip(periods, d_flag, strict=True) if f)
    per = ", ".join(f"{p} {flags[p]}/{quotes[p]}" for p in sorted(quotes))
    print(f"  demo flagged per quarter           {per}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--curve", action="store_true", help="print recall against demo false flags")
    ap.add_argument("--detect4", action="store_true", help="train each fold on labelled tune rows only")
    ap.add_argument("--head", type=Path, default=None, help="take the thresholds from this head file")
    ap.add_argument("--no-tier", action="store_true", help="switch the similarity tier off")
    ap.add_argument("--train", action="store_true", help=f"retrain the head and save it to {HEAD_PATH}")
    args = ap.parse_args()
    embedder = default_embedder()
    if args.train:
        head = train_head(embedder)
        head.save()
        print(f"saved {HEAD_PATH}: threshold {head.threshold}, alone {head.alone_threshold}")
        print(head.trained_on["grouped_cv"])
        return
    head = load_head(args.head or HEAD_PATH)
    keep = {k: getattr(head, k) for k in ("min_similarity", "margin", "tier_similarity", "tier_margin")}
    if args.no_tier:
        keep.update(tier_similarity=2.0, tier_margin=2.0)
    oof = out_of_fold(embedder, keep, real_only_tune=args.detect4)
    gold = oof.gold
    sources = len({r.source for r in oof.rows})
    print(f"{len(gold)} real rows, {int(gold.sum())} disclosures, {sources} sources")
    high, low = head.alone_threshold, head.threshold
    print(f"\nAt the shipped head's thresholds (alone {high}, with similar {low}):")
    table(oof, min(high, 2.0), low)
    points = trade_off(oof)
    best = choose(points, MAX_DEMO_RATE, MAX_NHS_RATE)
    print(
        f"\nChosen on these scores (the fewest demo flags with the learned parts' recall >= {TARGET_RECALL}; "
        f"demo <= {MAX_DEMO_RATE:.0%}, NHS <= {MAX_NHS_RATE:.0%}): {best}"
    )
    if args.curve:
        print("\nHighest out-of-fold recall of the learned parts at each demo false-flag rate")
        print("(then the combined detector's; alone, with-similar thresholds):")
        by_demo: dict[float, object] = {}
        for p in points:
            key = round(p.demo_rate, 3)
            rank = (p.learned_recall, p.recall, p.precision)
            if key not in by_demo or rank > (
                by_demo[key].learned_recall,
                by_demo[key].recall,
                by_demo[key].precision,
            ):
                by_demo[key] = p
        top = (-1.0, -1.0)
        for key in sorted(by_demo):
            p = by_demo[key]
            if (p.learned_recall, p.recall) > top and p.learned_recall >= top[0] and p.recall >= top[1]:
                top = (p.learned_recall, p.recall)
                print(
                    f"  demo {p.demo_rate:5.1%}  recall {p.recall:.3f}  precision {p.precision:.3f}  "
                    f"learned parts {p.learned_recall:.3f}  NHS {p.nhs_rate:.1%}  ({p.high}, {p.low})"
                )


if __name__ == "__main__":
    main()
