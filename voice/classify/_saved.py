"""A part of a model saved as ``<stem>.npz`` (arrays, no pickle) beside ``<stem>.json`` (settings)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from voice import files


def save_part(directory: Path, stem: str, arrays: dict[str, Any], settings: dict) -> None:
    """Write ``<stem>.npz`` and ``<stem>.json`` into a model directory, each crash-safe and private."""
    with files.replacing(directory / f"{stem}.npz") as tmp:
        np.savez_compressed(tmp, **arrays)
    files.write_private_text(directory / f"{stem}.json", json.dumps(settings, indent=2))


def load_part(directory: Path, stem: str) -> tuple[dict[str, np.ndarray], dict] | None:
    """The arrays and settings of ``<stem>``, or None when the directory has none.

    Raises:
        ValueError, KeyError, OSError: when the files are damaged (the caller reports it).
    """
    if not (directory / f"{stem}.npz").exists():
        return None
    settings = json.loads((directory / f"{stem}.json").read_text(encoding="utf-8"))
    with np.load(directory / f"{stem}.npz", allow_pickle=False) as z:
        return {k: z[k] for k in z.files}, settings


def remove_part(directory: Path, stem: str) -> None:
    """Remove ``<stem>.npz`` and ``<stem>.json`` (a model saved without that part)."""
    for suffix in (".npz", ".json"):
        (directory / f"{stem}{suffix}").unlink(missing_ok=True)
