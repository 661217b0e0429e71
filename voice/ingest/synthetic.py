"""Synthetic quote files for import benchmarks and robustness tests (never for training)."""

from __future__ import annotations

import csv
from pathlib import Path

from voice.benchmark_data import synthetic_quotes

_SPEAKERS = ["Female, 15", "Male, 12", "Parent", "Female, 9", "Male, 17", "Carer", ""]
_LABELS = ["What's good?", "Don't know", "What's not so good?", ""]


def write_quote_csv(path: str | Path, rows: int, text_chars: int = 0, seed: int = 0) -> Path:
    """Write a valid quote CSV of ``rows`` distinct quotes (about 100 bytes a row).

    Args:
        path: the CSV to write (UTF-8).
        rows: how many quote rows under the header.
        text_chars: pad each quote to at least this many characters (for big files).
        seed: makes the texts reproducible and distinct between files.
    """
    path = Path(path)
    filler = " and they listen to me" * (text_chars // 22 + 1) if text_chars else ""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "speaker", "period", "label", "source"])
        for i, text in enumerate(synthetic_quotes(rows, seed=seed)):
            if text_chars and len(text) < text_chars:
                text = (text + filler)[:text_chars]
            writer.writerow(
                [text, _SPEAKERS[i % 7], f"2017/18 Q{1 + i % 4}", _LABELS[i % 4], "Synthetic benchmark"]
            )
    return path
