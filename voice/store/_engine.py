"""Opening the database: URL handling, the SQLite connection settings, creating the schema, and
turning driver errors into one-line explanations.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, ProgrammingError

from voice import config, files
from voice.errors import StoreError
from voice.store._tables import metadata

SCHEMA_LOCK_RETRIES = 40
"""How often opening a fresh SQLite file retries while other sessions hold it (about 40 s in all)."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(config.SQLITE_BUSY_TIMEOUT_S * 1000)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    mode = cursor.execute("PRAGMA journal_mode").fetchone()
    if not mode or str(mode[0]).lower() != "wal":
        cursor.execute("PRAGMA journal_mode=WAL")  # needs a write: only when not WAL already
    cursor.close()


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` without a driver mean psycopg 3, the driver Voice installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _shown(url: str) -> str:
    """``url`` as it may be printed: any password replaced by ``***``, also in a URL that is not
    valid (``user:secret@host/db`` without a scheme)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        head, sep, tail = url.rpartition("@")  # user:password@host: the password ends at the last @
        if not sep:
            return url
        scheme, dslash, credentials = head.rpartition("//")
        user = credentials.split(":", 1)[0]
        return f"{scheme}{dslash}{user}:***@{tail}" if ":" in credentials else url


def explain(exc: DBAPIError) -> str:
    """One line saying what went wrong with the database and what to do about it."""
    lines = str(exc.orig if exc.orig is not None else exc).strip().splitlines()
    detail = lines[0] if lines else type(exc).__name__
    low = detail.lower()
    if "locked" in low or "busy" in low:
        return (
            "the database is locked: another program kept a write lock for more than "
            f"{config.SQLITE_BUSY_TIMEOUT_S:g} s; nothing was stored, "
            f"try again when it has finished ({detail})"
        )
    if "readonly" in low or "read-only" in low or "read only" in low:
        return (
            "the database is read-only: check the permissions of the file and its folder, "
            f"or point VOICE_HOME / VOICE_DB_URL at a writable database ({detail})"
        )
    if "not a database" in low or "malformed" in low or "disk image" in low:
        return (
            "the file is not a Voice database or is damaged: point VOICE_HOME / VOICE_DB_URL at the "
            f"right file, or restore a backup ({detail})"
        )
    if "unable to open database file" in low:
        return f"cannot open the database file: its folder is missing or not writable ({detail})"
    if isinstance(exc, IntegrityError) and "foreign key" in low:
        return f"a tag names a quote that is not stored ({detail})"
    return detail


def _private_sqlite_file(url: str) -> None:
    """Create a SQLite file 0600 in a 0700 folder before SQLite opens it (its -wal and -shm files
    then get the same mode), and tighten an existing one left readable by older versions."""
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///file:"):
        return
    try:
        database = make_url(url).database
    except ArgumentError:
        return
    if not database or database == ":memory:":
        return
    path = Path(database).expanduser()
    files.private_dir(path.parent, tighten=path.parent == config.settings().home)
    files.private_file(path)
    files.tighten_sqlite(path)


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (default: the configured one), creating the schema.

    Raises:
        StoreError: the URL is not valid, its driver is missing, or the database cannot be opened.
    """
    url = normalise_url(url or config.settings().db_url)
    _private_sqlite_file(url)
    try:
        engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    except ArgumentError as exc:
        detail = str(exc).replace(url, _shown(url))  # SQLAlchemy quotes the URL, password and all
        raise StoreError(f"not a database URL: {_shown(url)!r} ({detail})") from None
    except ImportError as exc:
        raise StoreError(
            f"the database driver for {_shown(url)} is not installed ({exc.name}); "
            "for PostgreSQL run: pip install -e '.[postgres]'"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    races_left = len(metadata.tables) + sum(len(t.indexes) for t in metadata.tables.values())
    locked_waits = 0
    while True:
        try:
            metadata.create_all(engine)
            return engine
        except DBAPIError as exc:
            # Sessions opening a fresh database at the same moment all try to create the tables:
            # the losers see "already exists" (or a duplicate key in PostgreSQL's catalogue) and
            # look again; each failure means one more table or index exists, so this ends.
            racing = isinstance(exc, (IntegrityError, ProgrammingError)) or "already exists" in str(exc.orig)
            if racing and races_left > 0:
                races_left -= 1
                continue
            # SQLite's switch to WAL mode needs the file to itself and can fail at once (without
            # waiting for the busy timeout) while another session is creating the schema.
            if "locked" in str(exc.orig) and locked_waits < SCHEMA_LOCK_RETRIES:
                locked_waits += 1
                time.sleep(0.05 * locked_waits)
                continue
            engine.dispose()
            raise StoreError(f"cannot open the database {_shown(url)}: {explain(exc)}") from None
