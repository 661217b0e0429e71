"""Try settings of the local correction head on the issue owner's check (docs/CLASSIFIER.md).

    python benchmarks/adaptation_halves.py --child-cache /tmp/child_dev.npz \
        --bases /tmp/bases.npz --grid "n_residual=2|10,l2_b=5|0.5"

For each setting, on the children's dev rows (scored once by the shipped model, cached in
``--child-cache``): random halves (58 / 58, 20 tags of one half, the other half scored, both
ways) and 40-quote subsets (20 / 20); the most that one tag moves a quote unlike it (cosine
< 0.5, every dev quote in turn the one tag); and, given ``--bases`` (see
``adaptation_grid.py``), the NHS leave-one-service-out gains at k = 20 / 100 in queue order.
``--ceiling``: leave-one-out accuracy of a regression on the domain's own labels instead.
Design choices are made on ``--split dev`` only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

from voice import config
from voice.classify._adapt import HeadSettings, fit_head
from voice.classify._curve import Domain, halves, learning_curve, read_rows, summarise, summarise_halves
from voice.embed import default_embedder, unit_rows

sys.path.insert(0, str(Path(__file__).parent))


def child_domain(path: Path, split: str, cache: Path) -> Domain:
    """The children's rows of ``split`` scored by the shipped model (cached by text)."""
    from voice.classify import load_model, shipped_model_dir
    from voice.classify._estimator import CLASSES

    rows = read_rows(path, None, split)
    emb = default_embedder().embed(rows.texts)
    y = np.searchsorted(CLASSES, np.array(rows.labels))
    if cache.exists():
        with np.load(cache) as z:
            base, center = z["base"], z["center"]
        if len(base) != len(y):
            raise SystemExit(f"{cache}: cached for another file; remove it")
    else:
        model = load_model(shipped_model_dir())
        base = model.classifier.base_proba(rows.texts, embeddings=emb, questions=rows.questions)
        center = unit_rows(model.train_embeddings).mean(axis=0)
        np.savez(cache, base=base, center=center)
    return Domain(path.stem, y, emb, base, center=center)


def one_tag_bound(d: Domain, s: HeadSettings) -> float:
    """The most any quote with cosine < 0.5 to the one tagged quote moves (each quote the tag)."""
    e = unit_rows(d.embeddings)
    worst = 0.0
    for i in range(len(d.labels)):
        for label in range(3):
            head = fit_head(d.base_proba[i : i + 1], d.embeddings[i : i + 1], np.array([label]), s, d.center)
            far = (e @ e[i]) < 0.5
            moved = np.abs(head.adjust(d.base_proba[far], d.embeddings[far]) - d.base_proba[far]).max()
            worst = max(worst, float(moved))
    return worst


def ceiling(d: Domain) -> dict:
    """Leave-one-out accuracy of a logistic regression on the domain's own labels (every other
    quote a tag) over the centred MiniLM embedding and the base's log-probabilities: what a
    head on these features could reach with far more than 20 tags."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import LeaveOneOut, cross_val_predict

    e = unit_rows(d.embeddings) - d.center
    x = np.hstack([e, np.log(np.clip(d.base_proba, 1e-6, 1))])
    out = {"base": round(float((d.base_proba.argmax(1) == d.labels).mean()), 3)}
    for c in (1.0, 10.0):
        lr = LogisticRegression(C=c, max_iter=2000)
        for name, feats in (("embedding", e), ("embedding+base", x)):
            p = cross_val_predict(lr, feats, d.labels, cv=LeaveOneOut(), method="predict_proba")
            out[f"{name} C={c:g}"] = round(float((p.argmax(1) == d.labels).mean()), 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=config.CORPUS_DIR / "children" / "quotes.csv")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--child-cache", type=Path, required=True)
    ap.add_argument("--bases", type=Path, help="cached NHS leave-one-service-out bases (adaptation_grid.py)")
    ap.add_argument("--grid", default="", help="name=v1|v2,... (default: the head's settings)")
    ap.add_argument("--splits", type=int, default=20)
    ap.add_argument("--ceiling", action="store_true", help="only the leave-one-out ceiling")
    ap.add_argument("--no-bound", action="store_true", help="skip the one-tag bound (slow-ish)")
    args = ap.parse_args()
    child = child_domain(args.data, args.split, args.child_cache)
    if args.ceiling:
        print(json.dumps(ceiling(child)))
        return
    nhs = None
    if args.bases:
        from adaptation_grid import load_domains

        nhs = load_domains(args.bases)
    pairs = [kv.split("=") for kv in args.grid.split(",") if kv]
    axes = {k: [json.loads(v) for v in vs.split("|")] for k, vs in pairs}
    for values in itertools.product(*axes.values()):
        s = HeadSettings(**dict(zip(axes, values, strict=True)))
        out = {"setting": dict(zip(axes, values, strict=True))}
        for name, size in (("h58", None), ("h20", 40)):
            summ = {r["k"]: r for r in summarise_halves(halves(child, args.splits, [0, 20], s, size=size))}
            r = summ[20]
            out[name] = (
                f"acc {r['base_accuracy_mean']:.3f}->{r['accuracy_mean']:.3f} (min {r['accuracy_min']:.3f}) "
                f"rev {r['base_reversed_mean']:.2f}->{r['reversed_mean']:.2f} (max {r['reversed_max']}) "
                f"meets {r['base_meets_share']:.2f}->{r['meets_share']:.2f}"
            )
        if not args.no_bound:
            out["one_tag"] = round(one_tag_bound(child, s), 3)
        if nhs:
            rows = [r for d in nhs for r in learning_curve(d, (0, 20, 100), s)]
            summ = {r["k"]: r for r in summarise(rows)}
            out["nhs"] = " ".join(
                f"k{k}: gain {summ[k]['gain_mean']:+.3f} rev {summ[k]['reversed_mean']:.1f}/"
                f"{summ[k]['base_reversed_mean']:.1f}"
                for k in (20, 100)
            )
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
