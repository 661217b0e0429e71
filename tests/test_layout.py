"""The layout holds: layering contracts (import-linter), module sizes, no flat families, a light CLI,
types."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VOICE = ROOT / "voice"
HEAVY = ("torch", "sentence_transformers", "spacy", "sklearn", "transformers", "streamlit")


def _tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: it is a dev dependency (pip install -e '.[dev]')")
    return found


def test_import_contracts_hold() -> None:
    done = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_no_module_is_too_big_to_read() -> None:
    sizes = {p.relative_to(ROOT).as_posix(): len(p.read_text().splitlines()) for p in VOICE.rglob("*.py")}
    assert {p: n for p, n in sizes.items() if n > 600} == {}


def test_no_flat_family_of_prefixed_modules() -> None:
    """Families of siblings such as cli_*.py or themes_*.py belong in a package."""
    for folder in [VOICE, *[p for p in VOICE.rglob("*") if p.is_dir() and p.name != "__pycache__"]]:
        stems = [p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")]
        prefixes: dict[str, list[str]] = {}
        for stem in stems:
            if "_" in stem:
                prefixes.setdefault(stem.split("_")[0], []).append(stem)
        families = {k: v for k, v in prefixes.items() if len(v) >= 2 or k in stems}
        assert families == {}, f"{folder}: {families}"


def test_importing_the_cli_loads_no_model_library() -> None:
    """`voice --help`, `voice quotes` and friends start without torch, spaCy or scikit-learn."""
    code = (
        "import json, sys; import voice.cli; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_only_config_reads_the_environment() -> None:
    pattern = re.compile(r"\bos\.(environ|getenv|putenv|unsetenv)\b|\bfrom os import .*\b(environ|getenv)\b")
    readers = sorted(
        p.relative_to(ROOT).as_posix()
        for p in [*VOICE.rglob("*.py"), ROOT / "app.py"]
        if pattern.search(p.read_text())
    )
    assert readers == ["voice/config.py"]


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    done = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-4000:]
