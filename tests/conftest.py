"""Shared fixtures: a real SQLite store in a temporary folder and the seed files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"


def seed(prefix: str) -> Path:
    """The seed document whose name starts with ``prefix`` (e.g. "000")."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture
def voice_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh VOICE_HOME (and so a fresh SQLite database) for one test."""
    home = tmp_path / "voice-home"
    monkeypatch.setenv("VOICE_HOME", str(home))
    monkeypatch.delenv("VOICE_DB_URL", raising=False)
    return home


@pytest.fixture
def store(voice_home: Path):
    """A real SQLite store in a temporary file."""
    from voice.store import Store

    return Store(f"sqlite:///{voice_home / 'voice.db'}")
