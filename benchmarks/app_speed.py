"""How fast the app's pages render with a big store (figures for docs/BENCHMARKS.md).

    .venv/bin/python benchmarks/app_speed.py [--quotes 10000] [--years 5] [--home DIR]

Builds (once, in ``--home``) a store with ``--quotes`` synthetic quotes spread over
``--years`` × 4 quarters, every one with a model proposal and a fifth of them tagged by a
person, plus the seed dashboard's indicators for every quarter (values jittered). Then:

* cold: a fresh Python process opens the app's first page (imports, store, model, demo check,
  dashboard) — what a user waits for after `streamlit run app.py`;
* warm: each page run again in that process (what every click costs), median of 3.

Rendering is timed server-side with Streamlit's AppTest (the script run that produces the page);
the browser's drawing is not included. Synthetic texts: speed only, never quality.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["dashboard", "tag", "themes", "report", "audit"]
SOURCES = [
    "Children's Rights Service: Child Protection",
    "Children in Care Council",
    "Care leavers",
    "Early Help families",
]


def quarters(years: int, last_year: int = 2017) -> list[str]:
    first = last_year - years + 1
    return [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in range(first, last_year + 1) for q in range(1, 5)]


def build(home: Path, n_quotes: int, years: int) -> None:
    """Fill the store in ``home`` (skipped when it is already there)."""
    os.environ["VOICE_HOME"] = str(home)
    from voice import config
    from voice.benchmark_data import synthetic_quotes
    from voice.classify import load_model, propose_labels
    from voice.ingest.indicators import read_indicators
    from voice.records import HUMAN, Quote, Tag
    from voice.store import Store

    store = Store(config.settings().db_url)
    if store.count_quotes() >= n_quotes:
        return
    rng = random.Random(0)
    periods = quarters(years)
    texts = synthetic_quotes(n_quotes)
    quotes = [
        Quote(
            text=t,
            source=SOURCES[i % len(SOURCES)],
            period=periods[i % len(periods)],
            gender=rng.choice(["Female", "Male"]),
            age=rng.randint(8, 19),
        )
        for i, t in enumerate(texts)
    ]
    store.add_quotes(quotes)
    print(f"classifying {len(quotes)} quotes (cold embedding takes about a minute)…", flush=True)
    propose_labels(store, load_model())
    labels = ("good", "unsure", "not_so_good")
    store.add_tags(
        [Tag(q.id, rng.choice(labels), who="benchmark officer", origin=HUMAN) for q in quotes[::5]]
    )
    seed = next((ROOT / "corpus" / "seeds").glob("000_*.txt"))
    base = read_indicators(seed).rows
    rows = []
    for k, period in enumerate(periods):
        for r in base:
            value = None if r.value is None else round(r.value * (1 + 0.05 * rng.uniform(-1, 1)), 1)
            rows.append(replace(r, period=period, value=value, value_text=None, source_document=f"bench-{k}"))
    store.add_indicators(rows)
    store.engine.dispose()


def cold_first_page(home: Path, role: str) -> float:
    """Seconds for a fresh process to render the first page."""
    code = (
        "import time; t=time.perf_counter();"
        "from streamlit.testing.v1 import AppTest;"
        f"at=AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=600);"
        f"at.session_state['role']={role!r}; at.session_state['user']='benchmark'; at.run();"
        "assert not at.exception, at.exception;"
        "print(time.perf_counter()-t)"
    )
    env = {**os.environ, "VOICE_HOME": str(home), "VOICE_DEMO": "0", "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def warm_pages(home: Path, role: str, repeats: int = 3) -> dict[str, dict[str, float]]:
    """First (cache-filling) and warm (median of ``repeats``) seconds per page, one process."""
    os.environ.update(VOICE_HOME=str(home), VOICE_DEMO="0", HF_HUB_OFFLINE="1")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["role"] = role
    at.session_state["user"] = "benchmark"  # signed in (no demo: the benchmark store is the council's)
    at.run()
    out = {}
    from voice.privacy import can

    permission = {
        "dashboard": "view_dashboard",
        "tag": "tag",
        "themes": "view_themes",
        "report": "build_report",
    }
    for page in [p for p in PAGES if can(role, permission.get(p, "view_audit"))]:
        path = str(ROOT / "voice" / "ui" / "pages" / f"{page}.py")
        t = time.perf_counter()
        at.switch_page(path).run()
        first = time.perf_counter() - t
        assert not at.exception, (page, at.exception)
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t)
        out[page] = {"first_s": round(first, 2), "warm_s": round(statistics.median(times), 2)}
        print(f"{page:10s} first {first:6.2f} s   warm {out[page]['warm_s']:6.2f} s", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quotes", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--home", type=Path, default=Path("/tmp/voice-app-benchmark"))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--role", default="officer", help="officer, report_writer or scrutiny (default officer)"
    )
    args = parser.parse_args()
    args.home.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    build(args.home, args.quotes, args.years)
    print(f"store ready in {time.perf_counter() - t:.1f} s ({args.home})", flush=True)
    cold = cold_first_page(args.home, args.role)
    print(f"cold first page (fresh process): {cold:.2f} s", flush=True)
    pages = warm_pages(args.home, args.role)
    result = {
        "quotes": args.quotes,
        "quarters": args.years * 4,
        "role": args.role,
        "cold_first_page_s": round(cold, 2),
        "pages": pages,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
