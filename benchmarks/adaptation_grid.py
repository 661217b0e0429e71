"""Try settings of the local correction head on cached base-model predictions (docs/CLASSIFIER.md).

    python benchmarks/adaptation_grid.py --bases /tmp/bases.npz   # fits the bases once (~15 min)

The leave-one-service-out base models (and the in-domain fold models) are fitted once and
their probabilities cached in ``--bases``; every setting is then a few seconds.
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
from voice.embed import default_embedder

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
    with np.load(bases) as z:
        return [
            Domain(str(n), z[f"{i}_y"], z[f"{i}_e"], z[f"{i}_p"], z[f"{i}_q"])
            for i, n in enumerate(z["names"])
        ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bases", type=Path, required=True)
    ap.add_argument("--grid", default="l2_w=1,l2_b=1,vote_max=0.5", help="name=v1|v2,... ")
    args = ap.parse_args()
    domains = load_domains(args.bases)
    axes = {kv.split("=")[0]: [float(v) for v in kv.split("=")[1].split("|")] for kv in args.grid.split(",")}
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


if __name__ == "__main__":
    main()
