"""What the second theme encoder costs: time and memory of theming a children's file (docs/THEMES.md).

    .venv/bin/python benchmarks/theme_encoder_cost.py [FILE] [--sizes 40,130] [--encoders both,minilm]

For each encoder ("both": MiniLM beside all-mpnet-base-v2, as shipped; "minilm": MiniLM alone) and
each size, a fresh process with an empty ``VOICE_HOME`` (a cold embedding cache) themes the first
SIZE quotes of FILE as ``voice themes FILE`` does (``theme_with_scheme``, scheme auto), then again
with the cache warm, and reports both times and the process's peak memory. Also times loading
all-mpnet-base-v2 and embedding the demo's 362 quotes with it. One JSON line per run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _child(path: str, encoder: str, size: int) -> None:
    import csv
    import resource
    import time

    from voice.embed import default_embedder
    from voice.records import Quote
    from voice.themes import theme_with_scheme

    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:size]
    quotes = [Quote(text=r["text"], id=str(i)) for i, r in enumerate(rows)]
    kw = {} if encoder == "both" else {"theme_embedder": default_embedder()}
    t0 = time.perf_counter()
    _, used = theme_with_scheme(quotes, "auto", **kw)
    t1 = time.perf_counter()
    theme_with_scheme(quotes, "auto", **kw)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"encoder": encoder, "quotes": len(quotes), "scheme": used, "cold_s": round(t1 - t0, 1)}
    print(json.dumps({**out, "warm_s": round(t2 - t1, 2), "peak_mb": round(peak)}))


def _mpnet_speed() -> None:
    import csv
    import time

    from voice.embed._mpnet import MPNetEmbedder, load_mpnet

    t0 = time.perf_counter()
    load_mpnet()
    t1 = time.perf_counter()
    with (ROOT / "corpus" / "demo" / "demo_quotes.csv").open(newline="", encoding="utf-8") as fh:
        texts = [r["text"] for r in csv.DictReader(fh)]
    MPNetEmbedder().embed(texts)
    t2 = time.perf_counter()
    speed = round(len(texts) / (t2 - t1), 1)
    print(json.dumps({"mpnet_load_s": round(t1 - t0, 1), "demo_quotes": len(texts), "quotes_per_s": speed}))


def main() -> None:
    """Parse the options and run each measurement in its own process."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file", nargs="?", default=str(ROOT / "corpus" / "children" / "fresh.csv"))
    p.add_argument("--sizes", default="40,130")
    p.add_argument("--encoders", default="both,minilm")
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    p.add_argument("--speed", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        return _child(a.file, a.child[0], int(a.child[1]))
    if a.speed:
        return _mpnet_speed()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    runs = [["--speed"]] + [["--child", e, s] for e in a.encoders.split(",") for s in a.sizes.split(",")]
    for extra in runs:
        with tempfile.TemporaryDirectory() as home:
            subprocess.run(
                [sys.executable, __file__, a.file, *extra], env={**env, "VOICE_HOME": home}, check=True
            )


if __name__ == "__main__":
    main()
