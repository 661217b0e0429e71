"""Shared fixtures: a real store (SQLite file, or a real PostgreSQL server) and the seed files.

PostgreSQL: the first test that asks for it starts a throw-away server for the whole session
(Debian's ``initdb``/``pg_ctl`` from the ``postgresql`` package, listening only on a unix socket
in a temporary folder, run as the ``postgres`` user when the tests run as root). Every test gets
a database of its own. Without the binaries those tests are skipped with a message saying what
to install; with them, a server that does not start is a test failure.

Tests marked ``both_databases`` run once on SQLite and once on PostgreSQL through the ``store``
fixture (and ``db_url``).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
DATABASES = ("sqlite", "postgresql")
PG_MISSING = "PostgreSQL not installed: apt-get install postgresql to run the store tests on PostgreSQL"


def seed(prefix: str) -> Path:
    """The seed document whose name starts with ``prefix`` (e.g. "000")."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def clear_concern_flags(voice_home: Path) -> int:
    """An officer reviews every quote held for safeguarding as "not a concern", so that it is back in
    themes, counts and exports; returns how many. Since detect-7 (recall first) the detector flags 4
    of the 16 seed quotes (e.g. "I feel safe, but I'm worried about everything."): tests about
    themes, tags and exports of the seed clear them as an officer would (holding them is tested in
    tests/cli/test_concerns_cli.py and tests/safeguarding/)."""
    from voice.safeguarding import review_flag
    from voice.store import Store

    store = Store(f"sqlite:///{voice_home / 'voice.db'}")
    held = sorted(store.held_quote_ids())
    for qid in held:
        review_flag(store, qid, "not a concern", who="officer")
    assert not store.held_quote_ids()
    return len(held)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_databases: run the test on SQLite and on PostgreSQL (the `store`/`db_url` fixtures)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run ``both_databases`` tests once per database."""
    if metafunc.definition.get_closest_marker("both_databases") is None:
        return
    for name in ("store", "db_url"):
        if name in metafunc.fixturenames:
            metafunc.parametrize("database", DATABASES, indirect=True, ids=list(DATABASES))
            return


# -- a throw-away PostgreSQL server ----------------------------------------------------------------


def _pg_bindir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3].split(".")[0])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


class PostgresServer:
    """A PostgreSQL cluster in a temporary folder, reachable only through its unix socket."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="voice-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root: hand the folder to `postgres`
            if subprocess.run(["id", "-u", "postgres"], capture_output=True).returncode != 0:
                pytest.skip(f"{PG_MISSING} (no 'postgres' user to run the server as)")
            shutil.chown(self.root, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._numbers = itertools.count(1)

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            pytest.fail(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}\n{log}", pytrace=False)

    def start(self) -> None:
        """initdb, then start the server (fsync off: the data is thrown away)."""
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        options = f"-k {self.root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
        options += " -c full_page_writes=off -c max_connections=60"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of one database on this server."""
        return f"postgresql+psycopg://postgres@/{database}?host={self.root}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.root), user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        name = f"voice_test_{next(self._numbers)}"
        self._admin(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, closing any connection a test left open."""
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole test session (skipped when not installed)."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip(PG_MISSING)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[dev,postgres]'")
    server = PostgresServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh, empty PostgreSQL database for one test."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


# -- the store ----------------------------------------------------------------------------------------


@pytest.fixture
def voice_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh VOICE_HOME (and so a fresh SQLite database) for one test."""
    home = tmp_path / "voice-home"
    monkeypatch.setenv("VOICE_HOME", str(home))
    monkeypatch.delenv("VOICE_DB_URL", raising=False)
    return home


@pytest.fixture(scope="module")
def own_voice_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A VOICE_HOME for a whole module (embeddings cached there, not in the user's), for modules
    that embed many quotes once: ``pytestmark = pytest.mark.usefixtures("own_voice_home")``."""
    home = tmp_path_factory.mktemp("voice-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VOICE_HOME", str(home))
        mp.delenv("VOICE_DB_URL", raising=False)
        yield home


@pytest.fixture(scope="module")
def demo() -> list[str]:
    """The texts of the synthetic demo quotes (ordinary children's feedback, never trained on)."""
    import csv

    with open(ROOT / "corpus" / "demo" / "demo_quotes.csv", newline="", encoding="utf-8-sig") as fh:
        return [r["text"] for r in csv.DictReader(fh)]


@pytest.fixture
def database(request: pytest.FixtureRequest) -> str:
    """Which database a test runs on: "sqlite" unless the test is marked ``both_databases``."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def db_url(
    database: str, voice_home: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The URL of a fresh database for one test, also set as VOICE_DB_URL for the CLI."""
    if database == "postgresql":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{voice_home / 'voice.db'}"
    monkeypatch.setenv("VOICE_DB_URL", url)
    return url


@pytest.fixture
def store(db_url: str) -> Iterator:
    """A real store: a SQLite file in a temporary folder (or PostgreSQL for ``both_databases``)."""
    from voice.store import Store

    s = Store(db_url)
    yield s
    s.engine.dispose()


# -- a fast fake sentence embedder (theme tests) ---------------------------------------------------

_FAKE_STOP = {"the", "a", "my", "i", "is", "and", "to", "me", "it", "was", "of", "very", "really"}


class FakeEmbedder:
    """Bag of words: each word a fixed random direction, so shared words mean similar texts."""

    version = "fake-1"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls = 0

    def _word(self, w: str):  # type: ignore[no-untyped-def]
        import hashlib

        import numpy as np

        seed = int(hashlib.md5(w.encode()).hexdigest()[:8], 16)
        return np.random.default_rng(seed).standard_normal(self.dim)

    def embed(self, texts, progress=None):  # type: ignore[no-untyped-def]
        import re

        import numpy as np

        self.calls += 1
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"[a-z]+", t.lower()):
                if w not in _FAKE_STOP:
                    out[i] += self._word(w)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        if progress:
            progress(len(texts), len(texts))
        return out


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    """A fresh :class:`FakeEmbedder` (64 dimensions, counts its calls)."""
    return FakeEmbedder()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The app's background learners (voice/ui/learning.py) finish before the interpreter exits: a
    learner thread still inside torch at exit aborts the process (exit 134) after every test passed."""
    import sys

    learning = sys.modules.get("voice.ui.learning")
    if learning is not None:
        learning.wait_all(600)
