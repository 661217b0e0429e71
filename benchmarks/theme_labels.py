"""How long phrase labels take once the quotes are embedded, and what they are (docs/BENCHMARKS.md).

    .venv/bin/python benchmarks/theme_labels.py [--runs 5] [--quotes corpus/demo/demo_quotes.csv]

Themes the quotes with the default steps, then times :meth:`voice.themes.PhraseLabeller.labels`
on the new themes with their embeddings at hand (what ``build_themes`` does after embedding):
the first call of the process (it loads the spaCy parser and the redactor) and the median of
``--runs`` later calls. Prints each theme's size, label and the old keyword-pair label.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

from voice.embed import default_embedder, unit_rows
from voice.records import Quote
from voice.themes import CTfidfLabeller, PhraseLabeller, build_themes

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quotes", type=Path, default=ROOT / "corpus" / "demo" / "demo_quotes.csv")
    args = parser.parse_args()
    with args.quotes.open(encoding="utf-8") as fh:
        quotes = [
            Quote(text=r["text"], source=r.get("source") or "", period=r.get("period"))
            for r in csv.DictReader(fh)
        ]
    embedder = default_embedder()
    result = build_themes(quotes, embedder, labeller=CTfidfLabeller(embedder=embedder))
    text = {q.id: q.text for q in quotes}
    groups = {t.id: [text[q] for q in t.quote_ids] for t in result.themes}
    embeddings = {tid: unit_rows(embedder.embed(texts)) for tid, texts in groups.items()}
    labeller = PhraseLabeller(embedder=embedder)
    start = time.perf_counter()
    labels = labeller.labels(groups, embeddings)
    first = time.perf_counter() - start
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        labeller.labels(groups, embeddings)
        times.append(time.perf_counter() - start)
    print(f"{len(quotes)} quotes, {len(groups)} themes")
    median = statistics.median(times)
    print(f"first call {first:.2f} s; later calls median {median:.2f} s, max {max(times):.2f} s")
    for t in result.themes:
        print(f"{t.size:4d}  {labels[t.id]:40s}  (keyword pair: {t.label})")


if __name__ == "__main__":
    main()
