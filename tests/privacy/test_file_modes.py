"""Owner-only files (docs/SECURITY.md): everything Voice writes is 0600 in 0700 folders, whatever
the umask: the database and its WAL/SHM, the embedding cache, the learned model, the users file,
the export key and every export.

The commands run as real processes under ``umask 022`` (the usual default, which makes files
0644 and folders 0755). Root ignores modes when opening files, but ``stat`` still shows them.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

EXAMPLE = ROOT / "corpus" / "examples" / "quotes.csv"


def _voice(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "VOICE_HOME": str(home), "PYTHONPATH": str(ROOT)}
    for name in ("DB_URL", "USERS_FILE", "CACHE_DIR", "MODEL_DIR", "LOCAL_NAMES"):
        env.pop(f"VOICE_{name}", None)
    done = subprocess.run(
        [sys.executable, "-m", "voice.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _modes(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` (itself included) with its mode in octal."""
    found = {".": oct(stat.S_IMODE(root.stat().st_mode))}
    for path in root.rglob("*"):
        found[path.relative_to(root).as_posix()] = oct(stat.S_IMODE(path.lstat().st_mode))
    return found


def _loose(modes: dict[str, str], root: Path) -> dict[str, str]:
    want = {True: oct(0o700), False: oct(0o600)}
    return {p: m for p, m in modes.items() if m != want[(root / p).is_dir()]}


def test_everything_voice_writes_is_owner_only_under_umask_022(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = tmp_path / "exports" / "q3"  # folders Voice creates for an export are 0700 too
    _voice(home, "import", str(EXAMPLE))
    _voice(home, "users", "add", "alice", "--role", "officer", "--password-stdin", stdin="a long password\n")
    quote_id = json.loads(_voice(home, "quotes", "--format", "json").stdout)[0]["id"]
    _voice(home, "tag", quote_id, "good", "--by", "alice")  # learns: model + embedding cache
    for suffix in (".csv", ".xlsx", ".json"):
        _voice(home, "export", str(out / f"quotes{suffix}"))
    _voice(home, "appendix", "--period", "2017/18 Q2", "-o", str(out / "appendix.docx"), "--by", "alice")

    modes = _modes(home)
    for expected in (
        "voice.db",
        "users.json",
        "users.json.lock",
        "export_key",
        "cache/embeddings.sqlite",
        "models/voice-default/weights.npz",
        "models/voice-default/train.json",
        "models/voice-default/meta.json",
    ):
        assert expected in modes, sorted(modes)
    assert _loose(modes, home) == {}
    exports = _modes(tmp_path / "exports")
    assert len([p for p in exports if "." in Path(p).name and p != "."]) == 4, exports
    assert _loose({p: m for p, m in exports.items() if p != "."}, tmp_path / "exports") == {}


WAL_SCRIPT = """
import json, os, stat, sys
from pathlib import Path
os.umask(0o022)
from voice.embed import EmbeddingCache
from voice.store import Store
home = Path(sys.argv[1])
store = Store(f"sqlite:///{home / 'voice.db'}")
store.audit("alice", "test", "a write, so that the WAL file exists")
cache = EmbeddingCache(home / "cache" / "embeddings.sqlite")
import numpy as np
conn = cache._connect()  # held open: SQLite removes -wal/-shm when the last connection closes
conn.execute("INSERT INTO vectors VALUES ('k', 1, ?)", (np.zeros(1, np.float32).tobytes(),))
with store.connect() as db:
    names = [p for p in home.rglob("*") if p.name.endswith(("-wal", "-shm"))]
    print(json.dumps({p.relative_to(home).as_posix(): oct(stat.S_IMODE(p.stat().st_mode)) for p in names}))
"""


def test_sqlite_wal_and_shm_files_are_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "VOICE_HOME": str(home), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", WAL_SCRIPT, str(home)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    wanted = {"voice.db-wal", "voice.db-shm", "cache/embeddings.sqlite-wal", "cache/embeddings.sqlite-shm"}
    assert wanted <= set(found), found
    assert set(found.values()) == {oct(0o600)}, found


def test_an_older_installation_is_tightened_when_voice_opens_it(tmp_path: Path) -> None:
    """Files and folders left 0644/0755 by an earlier version are made owner-only on next use."""
    home = tmp_path / "home"
    _voice(home, "import", str(EXAMPLE))
    os.chmod(home, 0o755)
    for name in ("voice.db", "voice.db-wal", "voice.db-shm"):
        if (home / name).exists():
            os.chmod(home / name, 0o644)
    _voice(home, "quotes", "--format", "json")
    assert _loose(_modes(home), home) == {}
