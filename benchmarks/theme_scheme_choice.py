"""How `voice themes --scheme auto` chooses between the framework and the NHS guide (docs/THEMES.md).

    .venv/bin/python benchmarks/theme_scheme_choice.py FILE [FILE ...] [--sizes 20,40,100]
        [--draws 2000] [--seed 0] [--nhs-holdout]

For each FILE (a CSV with a ``text`` column) it embeds the answered quotes and draws ``--draws``
random files of each size. Per draw it takes the mean over the quotes of the shipped scheme
chooser's probability of children's words (``config.THEME_SCHEME_DIR``) and of the fallback
margin (best framework score less best NHS category cosine). It prints the whole file's means,
the 0.5th and 99.5th percentiles over the draws, and the share of draws given the framework.

``--nhs-holdout`` also refits the chooser as `voice train-scheme-chooser` does but without a
random fifth of the NHS comments (``--seed``), and reports that fifth under the refit chooser:
the shipped chooser has seen every NHS comment, so this is the honest NHS figure.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
import pandas as pd

from voice import config
from voice.embed import default_embedder, unit_rows
from voice.themes import default_scheme_chooser, train_scheme_chooser
from voice.themes._framework import (
    childrens_words,
    framework_anchors,
    framework_margins,
    load_framework,
    nhs_reference,
)
from voice.themes._text import is_non_answer

NHS = config.CORPUS_DIR / "nhs_fft_labelled.csv"


def answered(path: object) -> list[str]:
    """The file's answered quotes."""
    return [t for t in pd.read_csv(path, dtype=str)["text"].dropna() if not is_non_answer(t)]


def report(name: str, prob: np.ndarray, margin: np.ndarray, sizes: list[int], draws: int, seed: int) -> None:
    """Print one JSON line per size that fits the file."""
    for size in sizes:
        if size > len(prob):
            continue
        rng = np.random.default_rng(seed)
        picks = [rng.choice(len(prob), size, replace=False) for _ in range(draws)]
        p = np.array([prob[i].mean() for i in picks])
        m = np.array([margin[i].mean() for i in picks])
        row = {
            "file": name,
            "quotes": len(prob),
            "size": size,
            "chooser_whole": round(float(prob.mean()), 3),
            "chooser_p0.5": round(float(np.percentile(p, 0.5)), 3),
            "chooser_p99.5": round(float(np.percentile(p, 99.5)), 3),
            "chooser_framework_share": round(float((p >= config.THEME_SCHEME_THRESHOLD).mean()), 4),
            "margin_whole": round(float(margin.mean()), 3),
            "margin_p0.5": round(float(np.percentile(m, 0.5)), 3),
            "margin_p99.5": round(float(np.percentile(m, 99.5)), 3),
            "margin_framework_share": round(float((m >= config.THEME_FRAMEWORK_AUTO_MARGIN).mean()), 4),
        }
        print(json.dumps(row), flush=True)


def main() -> None:
    """Parse the options and print the draws."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="*")
    p.add_argument("--sizes", default="20,40,100")
    p.add_argument("--draws", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--nhs-holdout", action="store_true")
    a = p.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    embedder = default_embedder()
    anchors = framework_anchors(load_framework(), embedder)
    reference = nhs_reference(embedder)
    chooser = default_scheme_chooser()
    if chooser is None:
        raise SystemExit(f"no scheme chooser in {config.THEME_SCHEME_DIR}: run `voice train-scheme-chooser`")
    for path in a.files:
        emb = unit_rows(embedder.embed(answered(path)))
        report(
            path,
            childrens_words(chooser, emb),
            framework_margins(anchors, emb, reference),
            sizes,
            a.draws,
            a.seed,
        )
    if a.nhs_holdout:
        nhs = unit_rows(embedder.embed(answered(NHS)))
        kids = unit_rows(embedder.embed([t for f in config.CHILDREN_TRAINING_FILES for t in answered(f)]))
        held = np.random.default_rng(a.seed).permutation(len(nhs))[: len(nhs) // 5]
        rest = np.setdiff1d(np.arange(len(nhs)), held)
        refit = train_scheme_chooser(kids, nhs[rest], embedder)
        emb = nhs[held]
        name = f"{NHS.name} (held-out fifth, refit chooser)"
        report(
            name,
            childrens_words(refit, emb),
            framework_margins(anchors, emb, reference),
            sizes,
            a.draws,
            a.seed,
        )


if __name__ == "__main__":
    main()
