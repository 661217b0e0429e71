"""Users added and removed at the same moment by several processes all take effect (the users
file's lock, docs/SECURITY.md): none is lost and a removed user never comes back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT

CHILD = """
import os, sys, time
from pathlib import Path
from voice import config
from voice.privacy import UserStore
config.BCRYPT_ROUNDS = 4
path, go, action, names = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4:]
while not go.exists():
    time.sleep(0.001)
users = UserStore(path)
for name in names:
    if action == "add":
        users.add_user(name, "officer", "a long enough password")
    else:
        users.remove_user(name)
"""


def _race(users_file: Path, jobs: list[tuple[str, list[str]]], go: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, str(users_file), str(go), action, *names], env=env)
        for action, names in jobs
    ]
    time.sleep(3)  # every child is waiting on the start file
    go.touch()
    assert [c.wait(timeout=120) for c in children] == [0] * len(children)


def _names(users_file: Path) -> set[str]:
    return {u["username"] for u in json.loads(users_file.read_text())["users"]}


def test_parallel_adds_all_take_effect(tmp_path: Path) -> None:
    users_file = tmp_path / "home" / "users.json"
    jobs = [("add", [f"user{p}-{i}" for i in range(5)]) for p in range(12)]
    _race(users_file, jobs, tmp_path / "go")
    assert _names(users_file) == {f"user{p}-{i}" for p in range(12) for i in range(5)}


def test_a_removed_user_never_comes_back(tmp_path: Path) -> None:
    from voice import config
    from voice.privacy import UserStore

    users_file = tmp_path / "home" / "users.json"
    old = config.BCRYPT_ROUNDS
    config.BCRYPT_ROUNDS = 4
    try:
        for i in range(20):
            UserStore(users_file).add_user(f"leaver{i}", "officer", "a long enough password")
    finally:
        config.BCRYPT_ROUNDS = old
    jobs = [("remove", [f"leaver{i}"]) for i in range(20)] + [("add", [f"joiner{p}"]) for p in range(6)]
    _race(users_file, jobs, tmp_path / "go")
    assert _names(users_file) == {f"joiner{p}" for p in range(6)}
