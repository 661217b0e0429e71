"""Configuration in one place: paths, database URL, model names, thresholds.

Every setting has a default that works on a fresh clone and can be overridden by an
environment variable. Nothing else in Voice reads ``os.environ``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout (or site-packages parent when installed non-editable)."""

CORPUS_DIR = PROJECT_ROOT / "corpus"
MODELS_DIR = PROJECT_ROOT / "models"
SEEDS_DIR = CORPUS_DIR / "seeds"

DEFAULT_MODEL_NAME = "voice-default"
EMBEDDING_MODEL_NAME = "all-MiniLM-L6-v2"

PERIOD_PATTERN = r"^\d{4}/\d{2} Q[1-4]$"
"""Periods are financial-year quarters written as in the seeds: ``2017/18 Q1``."""

SMALL_NUMBER_THRESHOLD = 5
"""Counts below this are shown as "<5" to anyone but officers (docs/PRIVACY.md)."""


def _home() -> Path:
    explicit = os.environ.get("VOICE_HOME")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "voice"


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one process."""

    home: Path
    db_url: str
    cache_dir: Path
    model_dir: Path
    users_file: Path
    local_names_file: Path

    @property
    def is_sqlite(self) -> bool:
        """True when the store is an embedded SQLite file."""
        return self.db_url.startswith("sqlite")


def settings() -> Settings:
    """Read the settings from the environment (``VOICE_HOME``, ``VOICE_DB_URL`` ...)."""
    home = _home()
    db_url = os.environ.get("VOICE_DB_URL") or f"sqlite:///{home / 'voice.db'}"
    cache_dir = Path(os.environ.get("VOICE_CACHE_DIR") or home / "cache")
    model_dir = Path(os.environ.get("VOICE_MODEL_DIR") or MODELS_DIR / DEFAULT_MODEL_NAME)
    users_file = Path(os.environ.get("VOICE_USERS_FILE") or home / "users.json")
    local_names = Path(os.environ.get("VOICE_LOCAL_NAMES") or home / "local_names.json")
    return Settings(home, db_url, cache_dir, model_dir, users_file, local_names)
