"""Owner-only files: everything Voice writes is mode 0600 in folders of mode 0700, whatever the umask.

The database (and SQLite's ``-wal``/``-shm`` files, which SQLite creates with the main file's
mode), the embedding cache, learned models (whose ``train.json`` holds tagged quotes), the users
file, the export key and every export hold children's words or secrets: no other account on the
machine may read them (docs/SECURITY.md). Every place that creates a file or folder goes through
this module.

May import: nothing of Voice.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: str | Path, *, tighten: bool = False) -> Path:
    """Create ``path`` (and missing parents) with mode 0700; returns it.

    Folders this call creates are 0700 whatever the umask. An existing folder is left as it is
    unless ``tighten`` (Voice's own folders: ``$VOICE_HOME``, caches, models), when it is made
    0700 if this account owns it.
    """
    path = Path(path).expanduser()
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    for created in missing:
        with contextlib.suppress(OSError):
            os.chmod(created, DIR_MODE)
    if tighten and not missing:
        tighten_mode(path)
    return path


def tighten_mode(path: str | Path) -> None:
    """Take group and other permissions off ``path`` when this account owns it (else leave it)."""
    with contextlib.suppress(OSError):
        info = os.stat(path)
        if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o077)


def private_file(path: str | Path) -> Path:
    """Create ``path`` empty with mode 0600 if it does not exist; tighten it if it does.

    SQLite files are created this way before SQLite opens them: an empty file is an empty
    database, and SQLite gives its ``-wal``/``-shm``/``-journal`` files the main file's mode.
    """
    path = Path(path).expanduser()
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        tighten_mode(path)
        return path
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def tighten_sqlite(path: str | Path) -> None:
    """Owner-only modes on a SQLite file and its ``-wal``, ``-shm`` and ``-journal`` files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        tighten_mode(f"{path}{suffix}")


def fsync_dir(path: str | Path) -> None:
    """Flush a folder's entries to disk (after a rename into it); a no-op where unsupported."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A private temporary file beside ``path`` that replaces ``path`` only if the block succeeds.

    The file is 0600; when the block ends it is flushed to disk, renamed over ``path`` and the
    folder is flushed too, so a crash at any moment leaves either the old file or the new one,
    never a partial one. On any error the temporary file is removed and ``path`` is untouched.
    """
    path = Path(path)
    private_dir(path.parent)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.tmp.", suffix=path.suffix, dir=path.parent)
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tighten_mode(tmp)  # a writer may have replaced the file
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_private_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through :func:`replacing` (0600, crash-safe)."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_private_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` through :func:`replacing` (0600, crash-safe)."""
    return write_private_bytes(path, text.encode("utf-8"))
