"""Try settings of the local correction head on cached base-model predictions (docs/CLASSIFIER.md).

    python benchmarks/adaptation_grid.py --bases /tmp/bases.npz   # fits the bases once (~15 min)
    python benchmarks/adaptation_grid.py --bases /tmp/bases.npz --grid "l2_w=0.3|1,vote_max=0|0.5"
    python benchmarks/adaptation_grid.py --bases /tmp/bases.npz --out docs/adaptation --seeds

The leave-one-service-out base models (and the in-domain fold models) are fitted once, exactly
as ``voice evaluate-adaptation`` fits them, and their probabilities cached in ``--bases``;
every setting is then a minute or two. Without ``--grid`` the head's default settings are used;
``--out`` writes what ``voice evaluate-adaptation -o`` writes (curve.json, .csv, .png), and
``--seeds`` adds the 9 seed children's quotes scored by a base fitted on the whole feedback set,
each with the other 8 as tags.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np

from voice import config
from voice.classify._adapt import HeadSettings
from voice.classify._curve import Domain, base_models, learning_curve, read_rows, summarise
from voice.embed import default_embedder, unit_rows

KS = (0, 10, 20, 50, 100)


def load_domains(bases: Path) -> list[Domain]:
    if not bases.exists():
        rows = read_rows(config.CORPUS_DIR / "nhs_fft_labelled.csv", "service")
        emb = default_embedder().embed(rows.texts)
        domains, _ = base_models(rows, emb, 150, 5, lambda d, n: print(f"fitted {d}/{n}", flush=True))
        arrays = {}
        for i, d in enumerate(domains):
            arrays |= {
                f"{i}_y": d.labels,
                f"{i}_e": d.embeddings,
                f"{i}_p": d.base_proba,
                f"{i}_q": d.in_domain_proba,
            }
        np.savez(bases, names=np.array([d.name for d in domains]), **arrays)
    rows = read_rows(config.CORPUS_DIR / "nhs_fft_labelled.csv", "service")
    emb, groups = unit_rows(default_embedder().embed(rows.texts)), np.array(rows.groups)
    with np.load(bases) as z:
        return [
            Domain(
                str(n), z[f"{i}_y"], z[f"{i}_e"], z[f"{i}_p"], z[f"{i}_q"], emb[groups != str(n)].mean(axis=0)
            )
            for i, n in enumerate(z["names"])
        ]


def seed_report() -> dict:
    """The seed quotes by a base fitted on every feedback row, without and with the other 8 as tags."""
    from voice.classify import FeedbackClassifier
    from voice.cli.adaptation import _seed_report

    rows = read_rows(config.CORPUS_DIR / "nhs_fft_labelled.csv")
    emb = default_embedder().embed(rows.texts)
    seed = read_rows(config.CORPUS_DIR / "seed_quotes.csv")
    seed_emb = default_embedder().embed(seed.texts)
    clf = FeedbackClassifier().fit(rows.texts, rows.labels, embeddings=emb, questions=rows.questions)
    proba = clf.base_proba(seed.texts, embeddings=seed_emb, questions=seed.questions)
    return _seed_report(seed, seed_emb, [proba], unit_rows(emb).mean(axis=0))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bases", type=Path, required=True)
    ap.add_argument("--grid", default="", help="name=v1|v2,... (default: the head's settings)")
    ap.add_argument("--out", type=Path, help="write curve.json, curve.csv, curve.png here")
    ap.add_argument("--seeds", action="store_true", help="add the seed children's quotes")
    args = ap.parse_args()
    domains = load_domains(args.bases)
    pairs = [kv.split("=") for kv in args.grid.split(",") if kv]
    axes = {k: [float(v) for v in vs.split("|")] for k, vs in pairs}
    for values in itertools.product(*axes.values()):
        s = HeadSettings(**dict(zip(axes, values, strict=True)))
        rows = [r for d in domains for r in learning_curve(d, KS, s)]
        summ = {r["k"]: r for r in summarise(rows)}
        print(
            json.dumps(dict(zip(axes, values, strict=True))),
            " ".join(
                f"k{k}:acc={summ[k]['accuracy_mean']:.3f} gain={summ[k]['gain_mean']:+.3f} "
                f"rev={summ[k]['reversed_mean']:.1f}/{summ[k]['base_reversed_mean']:.1f} "
                f"gap={summ[k].get('gap_to_in_domain_mean', 0):+.3f}"
                for k in KS
            ),
            flush=True,
        )
    if args.out:
        from voice.cli.adaptation import _write

        seeds = seed_report() if args.seeds else None
        if seeds:
            print("seeds", {k: v for k, v in seeds.items() if k != "predictions"}, flush=True)
        _write(
            args.out,
            config.CORPUS_DIR / "nhs_fft_labelled.csv",
            "service",
            None,
            summarise(rows),
            rows,
            seeds,
        )


if __name__ == "__main__":
    main()
