"""Every theme label `voice themes FILE` writes, checked against the label rules (docs/BENCHMARKS.md).

    .venv/bin/python benchmarks/theme_labels.py [--draws 30] [--nhs-draws 10] [--size 40] [--seed 0]
        [--list] [--time] [--whole-nhs]

Themes, as ``voice themes IN -o OUT`` does (``voice.themes.theme_with_scheme``, scheme auto):
``--draws`` random sets of ``--size`` dev quotes of ``corpus/children/quotes.csv`` (numpy seed
``--seed``; the holdout is never read), each quarter of ``corpus/demo/demo_quotes.csv``, the
seed quotes and ``--nhs-draws`` sets of ``--size`` NHS comments. Each label is checked with
:func:`voice.themes.label_problems` (bare verb phrase, generic praise or complaint, "word /
word", placeholder, name, repeated, under 2 or over 6 words) against the identifying words of
its theme's quotes. Prints per set the number of themes per run and the flags, split into
framework themes (named by the framework file), guide themes (NHS scheme: named by the guide
category that dominates them) and emergent ones (named by the labeller), then
one JSON summary line. ``--list`` prints every label with its size and flags (and, for NHS-scheme
themes, the guide category with most of the theme's probability mass and its share);
``--whole-nhs`` also themes the whole NHS file (a few minutes); ``--time`` also times
:meth:`PhraseLabeller.labels` on the demo quotes (first call and median of 5).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from voice.embed import Embedder, default_embedder, unit_rows
from voice.privacy import identifier_words
from voice.records import Quote
from voice.themes import (
    LABEL_PROBLEMS,
    GuidedReducer,
    PhraseLabeller,
    default_guide,
    label_problems,
    theme_with_scheme,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _sets(
    draws: int, nhs_draws: int, size: int, seed: int, whole_nhs: bool = False
) -> list[tuple[str, str, list[str]]]:
    """(set name, run name, texts) for every run of the audit."""
    rng = np.random.default_rng(seed)
    dev = [r["text"] for r in _rows(CORPUS / "children" / "quotes.csv") if r.get("split") == "dev"]
    out = [("children dev", f"dev draw {d}", [dev[i] for i in rng.choice(len(dev), size, replace=False)])
           for d in range(draws)]  # fmt: skip
    demo = _rows(CORPUS / "demo" / "demo_quotes.csv")
    for period in sorted({r["period"] for r in demo}):
        out.append(("demo quarters", f"demo {period}", [r["text"] for r in demo if r["period"] == period]))
    out.append(("seed quotes", "seed quotes", [r["text"] for r in _rows(CORPUS / "seed_quotes.csv")]))
    nhs = [r["text"] for r in _rows(CORPUS / "nhs_fft_labelled.csv") if r.get("text", "").strip()]
    for d in range(nhs_draws):
        out.append(("nhs", f"nhs draw {d}", [nhs[i] for i in rng.choice(len(nhs), size, replace=False)]))
    if whole_nhs:
        out.append(("nhs whole file", "nhs whole file", nhs))
    return out


def audit_run(texts: Sequence[str], embedder: Embedder) -> tuple[str, list[dict]]:
    """The scheme used and, per theme, its label, size, origin, problems and (NHS scheme) the
    guide category with most of its probability mass, with that share."""
    quotes = [Quote(text=t, id=f"q{i}") for i, t in enumerate(texts)]
    result, used = theme_with_scheme(quotes, "auto", embedder)
    text = {q.id: q.text for q in quotes}
    labels = [t.label for t in result.themes]
    guide = default_guide()
    category_names = set(guide.categories) if guide is not None and used == "nhs" else set()
    out = []
    for i, t in enumerate(result.themes):
        hidden = identifier_words([text[q] for q in t.quote_ids])
        problems = label_problems(t.label, labels[:i] + labels[i + 1 :], hidden)
        origin = "framework" if used == "children" and t.id.startswith("pin-") else "emergent"
        if t.label in category_names:
            origin = "guide"  # named by the guide category that dominates it
        top = ""
        if category_names and guide is not None:
            members = [text[q] for q in t.quote_ids]
            vecs = unit_rows(embedder.embed(members))
            mass = GuidedReducer().topic_probabilities(guide, members, vecs, embedder).mean(axis=0)
            top = f"{guide.categories[int(mass.argmax())]} {mass.max():.2f}"
        out.append({"label": t.label, "size": t.size, "origin": origin, "problems": problems, "top": top})
    return used, out


def _time_labeller(embedder: Embedder, runs: int = 5) -> str:
    texts = [r["text"] for r in _rows(CORPUS / "demo" / "demo_quotes.csv")]
    result, _ = theme_with_scheme([Quote(text=t, id=f"q{i}") for i, t in enumerate(texts)], "nhs", embedder)
    by_id = dict(zip((f"q{i}" for i in range(len(texts))), texts, strict=True))
    groups = {t.id: [by_id[q] for q in t.quote_ids] for t in result.themes}
    embeddings = {tid: unit_rows(embedder.embed(g)) for tid, g in groups.items()}
    labeller = PhraseLabeller(embedder=embedder)
    start = time.perf_counter()
    labeller.labels(groups, embeddings)
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        labeller.labels(groups, embeddings)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return f"labeller on {len(groups)} themes: first call {first:.2f} s; later median {median:.2f} s"


def main() -> None:
    """Run the audit and print the counts (and every label with ``--list``)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--draws", type=int, default=30)
    p.add_argument("--nhs-draws", type=int, default=10)
    p.add_argument("--size", type=int, default=40)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--list", action="store_true", help="print every label with its size and flags")
    p.add_argument("--time", action="store_true", help="also time the phrase labeller")
    p.add_argument("--whole-nhs", action="store_true", help="also theme the whole NHS file (minutes)")
    a = p.parse_args()
    embedder = default_embedder()
    counts: dict[str, Counter] = {}
    themes_per_run: dict[str, Counter] = {}
    labels_seen: dict[str, Counter] = {}
    for set_name, run, texts in _sets(a.draws, a.nhs_draws, a.size, a.seed, a.whole_nhs):
        used, rows = audit_run(texts, embedder)
        themes_per_run.setdefault(set_name, Counter())[len(rows)] += 1
        c = counts.setdefault(set_name, Counter())
        for r in rows:
            c[f"{r['origin']} labels"] += 1
            c.update(f"{r['origin']} {k}" for k in r["problems"])
            c[f"{r['origin']} flagged"] += bool(r["problems"])
            if r["origin"] == "emergent":
                labels_seen.setdefault(set_name, Counter())[r["label"]] += 1
            if a.list:
                flags = ", ".join(r["problems"]) or "ok"
                line = f"{run:22s} {used:8s} {r['origin']:9s} {r['size']:4d}  {r['label']:45s} {flags}"
                print(f"{line}  [{r['top']}]" if r["top"] else line)
    summary = {}
    for set_name, c in counts.items():
        print(f"\n{set_name}: themes per run {dict(sorted(themes_per_run[set_name].items()))}")
        for origin in ("framework", "guide", "emergent"):
            n = c[f"{origin} labels"]
            flags = {k: c[f"{origin} {k}"] for k in LABEL_PROBLEMS if c[f"{origin} {k}"]}
            print(f"  {origin}: {n} labels, {c[f'{origin} flagged']} flagged {flags}")
        common = labels_seen.get(set_name, Counter()).most_common(8)
        print("  most frequent emergent labels:", "; ".join(f"{lab} ({k})" for lab, k in common))
        summary[set_name] = {
            "themes_per_run": dict(sorted(themes_per_run[set_name].items())),
            **{k: v for k, v in sorted(c.items())},
        }
    if a.time:
        print(_time_labeller(embedder))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
