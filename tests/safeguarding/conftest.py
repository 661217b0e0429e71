"""Fixtures shared by the safeguarding tests that run the real embedder over many quotes."""

from __future__ import annotations

import csv

import pytest

from voice import config

DEMO = config.CORPUS_DIR / "demo" / "demo_quotes.csv"


@pytest.fixture(scope="module")
def own_voice_home(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Embeddings are cached in a VOICE_HOME of the module's own, not the user's."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VOICE_HOME", str(tmp_path_factory.mktemp("voice-home")))
        mp.delenv("VOICE_DB_URL", raising=False)
        yield


@pytest.fixture(scope="module")
def demo() -> list[str]:
    """The texts of the synthetic demo quotes (ordinary children's feedback, never trained on)."""
    with open(DEMO, newline="", encoding="utf-8-sig") as fh:
        return [r["text"] for r in csv.DictReader(fh)]
