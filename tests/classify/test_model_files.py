"""Crash-safe model files (docs/SECURITY.md): a save killed at any moment leaves a model that
loads, and a damaged learned copy falls back to the shipped model with one warning, never
blocking tagging."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from voice.classify import ModelError, load_model, local_model_dir, shipped_model_dir
from voice.errors import VoiceWarning

EXAMPLE = ROOT / "corpus" / "examples" / "quotes.csv"

SAVE_FOREVER = """
import sys
from voice.classify import load_model, local_model_dir, save_model, shipped_model_dir
model = load_model(shipped_model_dir())
target = local_model_dir()
i = 0
print("saving", flush=True)
while True:
    i += 1
    model.classifier.temperature_ = 1.0 + i / 1000  # every save writes different weights
    model.meta["corrections_learned"] = i
    save_model(model, target)
    if i == 1:
        print("saved", flush=True)  # later saves take a fraction of a second (the encoder is there)
"""


def _load_active() -> tuple[object, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = load_model()
    return model, [str(w.message) for w in caught if issubclass(w.category, VoiceWarning)]


def test_a_save_killed_at_any_moment_leaves_a_model_that_loads(voice_home: Path) -> None:
    env = {**os.environ, "VOICE_HOME": str(voice_home), "PYTHONPATH": str(ROOT)}
    target = local_model_dir()
    rng = random.Random(16)
    outcomes = []
    for attempt in range(6):
        child = subprocess.Popen(
            [sys.executable, "-c", SAVE_FOREVER], env=env, stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None and child.stdout.readline().strip() == "saving"
        if attempt == 0:
            time.sleep(rng.uniform(0.2, 3.0))  # during the first save (the encoder is written)
        else:
            assert child.stdout.readline().strip() == "saved"
            time.sleep(rng.uniform(0.0, 0.6))  # during one of the later, short saves
        child.stdout.close()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        outcomes.append(child.returncode)
        present = [p for p in target.iterdir() if not p.name.startswith(".")] if target.exists() else []
        assert [p.name for p in present if p.stat().st_size == 0] == []  # never a 0-byte model file
        model, problems = _load_active()  # what `voice queue` / the app load: always something
        assert model.classifier.predict_proba(["they listen to me"]).shape == (1, 3)
        assert len(problems) <= 1
        if (target / "meta.json").exists():
            try:
                load_model(target)
            except ModelError:
                assert problems and "shipped model is used" in problems[0]
    assert all(code == -signal.SIGKILL for code in outcomes)


def _damaged_local_copy() -> Path:
    target = local_model_dir()
    shutil.copytree(shipped_model_dir(), target)
    (target / "weights.npz").write_bytes(b"")  # what a kill mid-save left before saves were atomic
    return target


def test_a_damaged_learned_copy_falls_back_to_the_shipped_model(voice_home: Path) -> None:
    target = _damaged_local_copy()
    with pytest.raises(ModelError):
        load_model(target)  # asked for by name: the damage is an error
    model, problems = _load_active()
    assert model.version.startswith("voice-default@")
    assert len(problems) == 1 and str(target) in problems[0] and "shipped model is used" in problems[0]


def test_the_cli_says_so_in_one_line_and_the_next_tag_repairs_the_copy(voice_home: Path) -> None:
    from voice.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    target = _damaged_local_copy()
    queued = runner.invoke(app, ["queue", "--format", "json"])
    assert queued.exit_code == 0, queued.output
    warned = [line for line in queued.stderr.splitlines() if line.strip()]
    assert warned[0].startswith("Warning: the learned model in"), queued.stderr
    assert warned[1:] == ["learned the latest tags first"]  # the file's own labels, before proposing
    assert "Traceback" not in queued.output
    import json

    load_model(target)  # repaired: `voice queue` learned the file's own labels first and saved a good copy
    quote_id = json.loads(queued.stdout)[0]["id"]
    tagged = runner.invoke(app, ["tag", quote_id, "good", "--by", "alice", "--wait"])
    assert tagged.exit_code == 0 and "model updated" in tagged.stdout, tagged.output
    assert runner.invoke(app, ["queue"]).stderr.strip() == ""
