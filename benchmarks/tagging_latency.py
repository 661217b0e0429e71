"""How long a tag takes: `voice tag` wall time and the app's next-quote latency (docs/BENCHMARKS.md).

    .venv/bin/python benchmarks/tagging_latency.py [--tags 10] [--app-tags 20] [--busy] [--browser]

Builds (once, in ``--home``) a council store with `voice demo` plus ``--untagged`` synthetic
untagged quotes with the shipped model's proposals (a queue long enough to tag through), and
copies it for each part so no part sees another's learned model. Then:

* cli: ``--tags`` runs of `voice tag ID LABEL --by …`, each in a fresh process (what the user
  waits for), median and max; then how long until the learned model on disk holds every tag;
* app: the Tag page under Streamlit's AppTest (the server-side script run, browser drawing not
  included): ``--app-tags`` tags (the keyboard shortcuts press these buttons), each timed from the
  click to the run that shows the next quote, then one undo; median and max;
* browser (``--browser``): ``streamlit run`` + Playwright + /usr/bin/chromium in demo mode:
  keys 1/2/3 for ``--app-tags`` quotes, each timed from the key press to the next quote's text
  on screen.

``--busy`` runs a CPU-burning process alongside (another job on a 2-core laptop).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ("good", "unsure", "not_so_good")
BUTTONS = ("tag_good", "tag_unsure", "tag_not_so_good")
CHROMIUM = Path("/usr/bin/chromium")
CARD = "xpath=//h4[contains(., 'Next quote')]/following::p[contains(., '\u201c')][1]"
PASSWORD = "tagging benchmark password"  # the benchmark officer's, in the benchmark's own home


def _env(home: Path, demo: bool = False) -> dict[str, str]:
    env = {**os.environ, "VOICE_HOME": str(home), "VOICE_DEMO": "1" if demo else "0", "HF_HUB_OFFLINE": "1"}
    env.pop("VOICE_DB_URL", None)
    env.pop("VOICE_MODEL_DIR", None)
    env["PYTHONPATH"] = str(ROOT)
    return env


def build(base: Path, untagged: int) -> None:
    """`voice demo` and ``untagged`` synthetic untagged quotes with proposals (skipped when built)."""
    if (base / "built").exists():
        return
    base.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "voice.cli", "demo"], env=_env(base), check=True, capture_output=True
    )
    code = (
        "from voice import config; from voice.benchmark_data import synthetic_quotes;"
        "from voice.classify import load_model, propose_labels; from voice.records import Quote;"
        "from voice.store import Store; s = Store(config.settings().db_url);"
        f"texts = synthetic_quotes({untagged}, seed=7);"
        "s.add_quotes([Quote(text=t, source='Benchmark', period='2018/19 Q1') for t in texts]);"
        "propose_labels(s, load_model());"
        f"from voice.privacy import UserStore; UserStore().add_user('bench', 'officer', {PASSWORD!r})"
    )
    subprocess.run([sys.executable, "-c", code], env=_env(base), check=True)
    (base / "built").write_text("ok", encoding="utf-8")


def fresh_copy(base: Path, target: Path) -> Path:
    """A copy of the built home (store, caches), without any learned model."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(base, target, ignore=shutil.ignore_patterns("models", "demo", "*.log"))
    return target


def _untagged_ids(home: Path, n: int) -> list[str]:
    code = (
        "from voice import config; from voice.store import Store; s = Store(config.settings().db_url);"
        "cur = s.current_tags(); print(' '.join([q.id for q in s.quotes(period='2018/19 Q1')"
        f" if q.id not in cur or cur[q.id].origin != 'human'][:{n}]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=_env(home), check=True, capture_output=True, text=True
    )
    return out.stdout.split()


def _learned_version(home: Path) -> str:
    meta = home / "models" / "voice-default" / "meta.json"
    if not meta.exists():
        return "(none)"
    import json

    return str(json.loads(meta.read_text(encoding="utf-8")).get("corrections_learned"))


def cli_tags(home: Path, n: int) -> dict[str, float]:
    """Wall seconds of ``n`` `voice tag` runs, each a fresh process; then until the model holds them."""
    ids = _untagged_ids(home, n)
    times = []
    for i, quote_id in enumerate(ids):
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "voice.cli", "tag", quote_id, LABELS[i % 3], "--by", "benchmark officer"],
            env=_env(home),
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - t)
        if out.returncode:
            raise SystemExit(f"voice tag failed: {out.stdout}{out.stderr}")
        print(
            f"  voice tag {i + 1:2d}: {times[-1]:5.2f} s  {out.stdout.strip().splitlines()[-1]}", flush=True
        )
    t = time.perf_counter()
    while _learned_version(home) != str(len(ids)) and time.perf_counter() - t < 300:
        time.sleep(0.2)
    caught_up = time.perf_counter() - t
    return {
        "median_s": statistics.median(times),
        "max_s": max(times),
        "model_holds_all_tags_after_s": caught_up,
        "learned": float(_learned_version(home) == str(len(ids))),
    }


APP_CODE = """
import statistics, sys, time
from streamlit.testing.v1 import AppTest
ROOT, N = sys.argv[1], int(sys.argv[2])
at = AppTest.from_file(ROOT + "/app.py", default_timeout=600).run()
at.text_input[0].set_value("bench")
at.text_input[1].set_value(sys.argv[3])
at.form_submit_button[0].click().run()
at.switch_page(ROOT + "/voice/ui/pages/tag.py").run()
assert not at.exception, at.exception

def card():  # the tagging card (a concern to review may stand above it)
    values = [m.value for m in at.markdown]
    start = next(i for i, v in enumerate(values) if v.startswith("#### Next quote"))
    return next(v for v in values[start:] if v.startswith("\\u201c"))

times = []
for i in range(N):
    before = card()
    t = time.perf_counter()
    at.button(key=("tag_good", "tag_unsure", "tag_not_so_good")[i % 3]).click().run()
    times.append(time.perf_counter() - t)
    assert not at.exception, at.exception
    assert card() != before, ("the next quote is not on screen", before, [e.value for e in at.error])
    print(f"  tag {i + 1:2d}: {times[-1]:5.2f} s", flush=True)
t = time.perf_counter()
next(b for b in at.button if b.label.startswith("Undo: ")).click().run()
undo = time.perf_counter() - t
assert not at.exception, at.exception
print(f"  undo: {undo:5.2f} s", flush=True)
notes = [c.value for c in at.caption if "Proposal" in c.value or "Model:" in c.value]
t = time.perf_counter()
try:
    from voice.ui.learning import wait_all  # learning in the background: until it caught up
    wait_all(900)
except ImportError:  # before the background learner: learning was part of each click
    pass
caught_up = time.perf_counter() - t
print("RESULT", statistics.median(times), max(times), undo, caught_up, notes[:2], flush=True)
"""


def app_tags(home: Path, n: int) -> dict[str, float]:
    """Next-quote latency of ``n`` tags and one undo on the Tag page (AppTest), one process."""
    out = subprocess.run(
        [sys.executable, "-c", APP_CODE, str(ROOT), str(n), PASSWORD],
        env=_env(home),
        capture_output=True,
        text=True,
    )
    print(out.stdout, end="")
    if out.returncode:
        raise SystemExit(f"app benchmark failed:\n{out.stderr[-3000:]}")
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT"))
    median, worst, undo, caught_up = (float(x) for x in line.split()[1:5])
    return {"median_s": median, "max_s": worst, "undo_s": undo, "caught_up_s": caught_up}


def browser_tags(home: Path, n: int) -> dict[str, float]:
    """Key press to next quote on screen, in Chromium against `streamlit run` (demo mode)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_browser import _open, _settle, serve  # the project's own launcher

    os.environ.update(_env(home, demo=True))
    from playwright.sync_api import sync_playwright

    served = serve(home)
    server = next(served)
    times = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            page = _open(browser, f"{server}/tag")
            page.get_by_role("heading", name="Tag quotes").first.wait_for(timeout=300_000)
            _settle(page)
            for i in range(n):
                card = page.locator(CARD).first.inner_text()
                page.get_by_role("heading", name="Tag quotes").first.click()
                t = time.perf_counter()
                page.keyboard.press(str(i % 3 + 1))
                page.wait_for_function(
                    "old => ![...document.querySelectorAll('p')].some(p => p.innerText === old)",
                    arg=card,
                    timeout=120_000,
                    polling=20,
                )
                times.append(time.perf_counter() - t)
                print(f"  key {i + 1:2d}: {times[-1]:5.2f} s", flush=True)
                _settle(page)
            browser.close()
    finally:
        served.close()
    return {"median_s": statistics.median(times), "max_s": max(times)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tags", type=int, default=10, help="`voice tag` runs (default 10)")
    parser.add_argument("--app-tags", type=int, default=20, help="tags on the Tag page (default 20)")
    parser.add_argument("--untagged", type=int, default=300, help="synthetic untagged quotes (default 300)")
    parser.add_argument("--home", type=Path, default=Path("/tmp/voice-tagging-benchmark"))
    parser.add_argument("--busy", action="store_true", help="burn one CPU core alongside")
    parser.add_argument("--browser", action="store_true", help="also time keyboard tagging in Chromium")
    parser.add_argument("--skip", choices=["cli", "app"], action="append", default=[])
    args = parser.parse_args()
    t = time.perf_counter()
    build(args.home / "base", args.untagged)
    print(f"store ready in {time.perf_counter() - t:.1f} s ({args.home / 'base'})", flush=True)
    burner = None
    if args.busy:
        burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    rows = []
    try:
        if "cli" not in args.skip:
            r = cli_tags(fresh_copy(args.home / "base", args.home / "cli"), args.tags)
            rows.append(("voice tag (wall, fresh process)", r["median_s"], r["max_s"]))
            rows.append(
                ("  model on disk holds every tag, after the last", r["model_holds_all_tags_after_s"], None)
            )
        if "app" not in args.skip:
            r = app_tags(fresh_copy(args.home / "base", args.home / "app"), args.app_tags)
            rows.append(("app: click to next quote (AppTest)", r["median_s"], r["max_s"]))
            rows.append(("app: undo (AppTest)", r["undo_s"], None))
            rows.append(("  model holds every tag, after the undo", r["caught_up_s"], None))
        if args.browser:
            home = fresh_copy(args.home / "base", args.home / "browser")
            shutil.copy(home / "voice.db", home / "demo.db")  # demo mode works on its own database
            r = browser_tags(home, args.app_tags)
            rows.append(("app: key to next quote (Chromium)", r["median_s"], r["max_s"]))
    finally:
        if burner is not None:
            burner.kill()
    print(f"\nbusy: {'one CPU-burning process' if args.busy else 'no burner'}; load {os.getloadavg()[0]:.1f}")
    print(f"{'measure':50s} {'median s':>9s} {'max s':>7s}")
    for name, median, worst in rows:
        print(f"{name:50s} {median:9.2f} {'' if worst is None else f'{worst:7.2f}'}")


if __name__ == "__main__":
    main()
