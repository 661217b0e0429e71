"""How fast commands that need no model start (figures for docs/BENCHMARKS.md).

    .venv/bin/python benchmarks/cli_startup.py [--runs 7] [--home DIR]

Each command runs in a fresh process (``.venv/bin/voice ...``) against a small SQLite store
(the 000 seed's appendix, imported once into ``--home``); the figure is the median wall time of
``--runs`` runs after one warm-up (the operating system's file cache is warm, as on a machine in
use), and the median CPU time (user + system: on a busy machine the wall time mostly measures
the other jobs). Also reports which model libraries each process imported: none should be.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VOICE = Path(sys.executable).with_name("voice")
COMMANDS = [
    ["--help"],
    ["quotes", "--label", "good"],
    ["history", "QUOTE"],
    ["tag", "QUOTE", "good", "--by", "benchmark", "--no-learn"],
    ["users", "list"],
    ["audit"],
]
HEAVY = ("torch", "sentence_transformers", "spacy", "sklearn", "transformers")
PROBE = (
    "import json, sys, runpy; sys.argv = ['voice', *sys.argv[1:]]\n"
    "try:\n    runpy.run_module('voice.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
    f"sys.stderr.write('\\nHEAVY ' + json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--home", type=Path, default=None, help="VOICE_HOME to use (default: a temporary one)"
    )
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="voice-startup-"))
    env = {**os.environ, "VOICE_HOME": str(home), "VOICE_USERS_FILE": str(home / "users.json")}
    subprocess.run(
        [str(VOICE), "import-seed", str(ROOT / "corpus/seeds/000_5feb690b17561cdb.txt")],
        env=env,
        capture_output=True,
        check=True,
    )
    quotes = subprocess.run(
        [str(VOICE), "quotes", "--format", "json"], env=env, capture_output=True, text=True, check=True
    )
    quote_id = json.loads(quotes.stdout)[0]["id"]
    results = []
    for command in COMMANDS:
        command = [quote_id if c == "QUOTE" else c for c in command]
        times, cpu = [], []
        for i in range(args.runs + 1):
            c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            done = subprocess.run([str(VOICE), *command], env=env, capture_output=True, text=True)
            c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode:  # a figure never times an error message
                raise SystemExit(f"voice {' '.join(command)} failed: {done.stderr[-2000:]}")
            if i:
                times.append(time.perf_counter() - t0)
                cpu.append(c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime)
        probe = subprocess.run(
            [sys.executable, "-c", PROBE, *command], env=env, capture_output=True, text=True
        )
        heavy = json.loads(probe.stderr.rsplit("HEAVY ", 1)[1])
        results.append(
            {
                "command": "voice " + " ".join(command[:2]),
                "exit": done.returncode,
                "median_s": round(statistics.median(times), 3),
                "max_s": round(max(times), 3),
                "cpu_s": round(statistics.median(cpu), 3),
                "model_libraries_imported": heavy,
            }
        )
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| command | median (s) | max (s) | CPU (s) | model libraries imported |")
    print("| --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| `{r['command']}` | {r['median_s']:.2f} | {r['max_s']:.2f} | {r['cpu_s']:.2f} | "
            f"{', '.join(r['model_libraries_imported']) or 'none'} |"
        )


if __name__ == "__main__":
    main()
