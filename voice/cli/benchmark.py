"""``voice benchmark import``: seconds and peak memory to import a large synthetic quote file."""

from __future__ import annotations

import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from voice.cli._util import benchmark_app, console, user_errors
from voice.files import write_private_text


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@benchmark_app.command("import")
def benchmark_import(
    rows: Annotated[int, typer.Option(help="Quote rows in the synthetic file.")] = 100_000,
    text_chars: Annotated[
        int, typer.Option(help="Pad each quote to this many characters (e.g. 10000 for a ~50 MB file).")
    ] = 0,
    db_url: Annotated[
        str | None, typer.Option(help="Import into this (empty) database instead of a temporary SQLite file.")
    ] = None,
    whole: Annotated[
        bool, typer.Option("--whole/--stream", help="Read the whole file first (the old way) or stream it.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Also write the figures as JSON.")
    ] = None,
) -> None:
    """Import a synthetic quote file (all rows or none) and print rows/s and peak memory.

    Run each mode in its own process: peak RSS is the process's high-water mark. The figure
    "import peak" is how far the import raised it above the process before the import.
    """
    from voice.ingest.quote_file import read_quote_file, stream_quote_file
    from voice.ingest.synthetic import write_quote_csv
    from voice.store import Store

    with user_errors(), tempfile.TemporaryDirectory() as tmp:
        path = write_quote_csv(Path(tmp) / "bench.csv", rows, text_chars=text_chars, seed=rows)
        store = Store(db_url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        store.count_quotes()
        before = _peak_rss_mb()
        t0 = time.perf_counter()
        if whole:
            parsed = read_quote_file(path)
            result = store.add_quotes(parsed.quotes, parsed.tags, who="benchmark")
        else:
            result = store.add_quote_batches(stream_quote_file(path), who="benchmark")
        seconds = time.perf_counter() - t0
        after = _peak_rss_mb()
        figures = {
            "mode": "whole" if whole else "stream",
            "database": store.dialect,
            "rows": rows,
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "quotes_added": result.quotes_added,
            "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds),
            "peak_rss_mb": round(after),
            "import_peak_mb": round(after - before),
        }
        store.close()
    console.print(
        f"{figures['mode']} import of {rows:,} rows ({figures['file_mb']} MB) into {figures['database']}: "
        f"{seconds:.1f} s ({figures['rows_per_s']:,} rows/s), peak RSS {figures['peak_rss_mb']} MB "
        f"(+{figures['import_peak_mb']} MB during the import)"
    )
    if output:
        write_private_text(output, json.dumps(figures, indent=2))
