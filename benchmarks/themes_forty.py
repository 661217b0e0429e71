"""What a quarter of ~40 quotes looks like through `voice themes FILE` (figures for docs/BENCHMARKS.md).

    .venv/bin/python benchmarks/themes_forty.py FILE [--topic-column topic] [--split dev]
        [--draws 10] [--size 40] [--scheme auto] [--group-by framework] [--seed 0]

Draws ``--draws`` random sets of ``--size`` rows (numpy seed ``--seed``) from FILE (``text`` and a
hand-assigned topic column, optionally only rows whose ``split`` is ``--split``), themes each as
`voice themes` does (``voice.themes.theme_with_scheme``) and prints, per draw and on average: the
scheme chosen, the number of themes, the smallest theme, the share in Other, AMI against the
topics and AMI of TF-IDF + k-means with as many groups (mean of seeds 0, 1, 2).
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from sklearn.metrics import adjusted_mutual_info_score as ami

from voice.embed import default_embedder
from voice.records import Quote
from voice.themes import read_categorised, theme_with_scheme
from voice.themes._evaluate import BASELINE_SEEDS, tfidf_kmeans


def main() -> None:
    """Parse the options, run the draws, print one JSON line per draw and a summary."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--topic-column", default="topic")
    p.add_argument("--split", default=None)
    p.add_argument("--draws", type=int, default=10)
    p.add_argument("--size", type=int, default=40)
    p.add_argument("--scheme", default="auto")
    p.add_argument("--group-by", default="framework", choices=["framework", "meaning"])
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    data = read_categorised(a.file, a.topic_column, a.split)
    rng = np.random.default_rng(a.seed)
    embedder = default_embedder()
    rows = []
    for d in range(a.draws):
        pick = rng.choice(len(data.texts), min(a.size, len(data.texts)), replace=False)
        texts = [data.texts[i] for i in pick]
        topics = [data.categories[i] for i in pick]
        quotes = [Quote(text=t, id=f"q{i}") for i, t in enumerate(texts)]
        result, used = theme_with_scheme(quotes, a.scheme, embedder, group_by=a.group_by)
        groups = [result.theme_of(q.id) or "" for q in quotes]
        k = len(set(groups))
        base = float(np.mean([ami(topics, tfidf_kmeans(texts, k, s)) for s in BASELINE_SEEDS]))
        row = {
            "draw": d,
            "scheme": used,
            "themes": len(result.themes),
            "smallest": min((t.size for t in result.themes), default=0),
            "other_share": round(result.other_share, 3),
            "ami_voice": round(float(ami(topics, groups)), 4),
            "ami_tfidf_kmeans": round(base, 4),
        }
        rows.append(row)
        print(json.dumps(row))
    voice, base = np.mean([r["ami_voice"] for r in rows]), np.mean([r["ami_tfidf_kmeans"] for r in rows])
    summary = {
        "draws": len(rows),
        "size": a.size,
        "schemes": sorted({r["scheme"] for r in rows}),
        "group_by": a.group_by,
        "themes_min_max": [min(r["themes"] for r in rows), max(r["themes"] for r in rows)],
        "smallest_theme": min(r["smallest"] for r in rows),
        "mean_other_share": round(float(np.mean([r["other_share"] for r in rows])), 3),
        "mean_ami_voice": round(float(voice), 4),
        "mean_ami_tfidf_kmeans": round(float(base), 4),
        "ratio_of_means": round(float(voice / base), 2) if base > 0 else None,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
