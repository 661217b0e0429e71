"""``voice evaluate-concerns``: measure the safeguarding concern detector on a labelled set."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from voice import config
from voice.cli._util import app, console, user_errors
from voice.files import write_private_text

DEFAULT_DATA = config.CORPUS_DIR / "safeguarding" / "labelled.csv"


class Split(StrEnum):
    """Which rows of the labelled set to score."""

    tune = "tune"
    holdout = "holdout"
    fresh = "fresh"
    all = "all"


class EvalFormat(StrEnum):
    """Output formats for ``voice evaluate-concerns``."""

    table = "table"
    json = "json"


def _print_table(result: dict, split: str, data: Path) -> None:
    table = Table(title=f"Concern detector on {escape(str(data))} ({split})")
    for col in ("part", "rows", "recall", "precision", "F1", "flagged / concerns"):
        table.add_column(col)
    for part, groups in result["by_part"].items():
        for group, s in groups.items():
            table.add_row(
                f"{part} ({group})",
                str(s["n"]),
                f"{s['recall']:.3f}",
                f"{s['precision']:.3f}",
                f"{s['f1']:.3f}",
                f"{s['flagged']} / {s['concerns']}",
            )
    console.print(table)
    kinds = Table(title="Combined recall per kind")
    for col in ("kind", "found / concerns", "recall"):
        kinds.add_column(col)
    for kind, s in result["by_kind"].items():
        kinds.add_row(kind, f"{s['found']} / {s['concerns']}", f"{s['recall']:.3f}")
    console.print(kinds)
    console.print(f"Missed concerns: {len(result['misses'])}")
    for m in result["misses"]:
        console.print(
            f"  {m['id']} [{m['origin']}, {m['kind']}] {escape(m['text'])}  ({escape(m['source'])})"
        )
    console.print(f"False flags: {len(result['false_flags'])}")
    for m in result["false_flags"]:
        console.print(f"  {m['id']} [{m['origin']}] {escape(m['text'])}  <- {escape(m['reasons'])}")


@app.command("evaluate-concerns")
def evaluate_concerns_cmd(
    data: Annotated[
        Path, typer.Option("--data", help="Labelled CSV (id,text,label,kind,origin,source,split).")
    ] = DEFAULT_DATA,
    split: Annotated[
        Split, typer.Option("--split", help="tune, holdout, fresh (the blind set, fresh.csv) or all.")
    ] = Split.holdout,
    fmt: Annotated[EvalFormat, typer.Option("--format", help="table or json.")] = EvalFormat.table,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Also write the metrics as JSON to this file.")
    ] = None,
    rules_only: Annotated[
        bool, typer.Option("--rules-only", help="Score the rules alone (no embedding model).")
    ] = False,
) -> None:
    """Recall, precision and F1 of the concern detector: per part, combined, per kind, real vs
    written rows; every missed concern with its source. A flag is for a person, never a decision."""
    with user_errors():
        from voice.safeguarding import evaluate_detector, load_labelled, metrics_json

        rows = load_labelled(data, split.value)
        embedder = None
        if not rules_only:
            from voice.embed import default_embedder

            embedder = default_embedder()
        doc = metrics_json(evaluate_detector(rows, embedder), split.value, data)
        if fmt is EvalFormat.json:
            sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        else:
            _print_table(doc, split.value, data)
        if output is not None:
            write_private_text(output, json.dumps(doc, indent=2) + "\n")
