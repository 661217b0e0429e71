"""Keyed ids for what leaves Voice: nobody can compute them from a quote's text.

Inside the database a quote's id is a plain hash of its text, source and period
(:func:`voice.records.quote_id`), so that re-importing a file adds nothing. That id must not
leave: anyone who guesses a text (or a name in it) can hash the guess and match it, and two
councils would export the same id for the same quote. Every export carries instead
``HMAC-SHA256(installation key, quote id)``, cut to 16 hex digits. The key is 32 random bytes
made on first use and kept, owner-only (0600), at ``$VOICE_HOME/export_key``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from voice.config import settings
from voice.errors import StoreError
from voice.files import private_dir

KEY_FILE = "export_key"
KEY_BYTES = 32
EXPORT_ID_LENGTH = 16
"""Hex digits of an exported id (64 bits)."""

_KEYS: dict[tuple[str, int, int], bytes] = {}


def export_key_path() -> Path:
    """Where this installation's export key is kept: ``$VOICE_HOME/export_key``."""
    return settings().home / KEY_FILE


def _create(path: Path) -> None:
    """Write a new key next to ``path`` and link it into place; a key already there wins."""
    private_dir(path.parent, tighten=path.parent == settings().home)
    fd, tmp = tempfile.mkstemp(prefix=".export_key.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, secrets.token_bytes(KEY_BYTES))
        os.fsync(fd)
        os.close(fd)
        with contextlib.suppress(FileExistsError):  # a key another process made first wins
            os.link(tmp, path)  # atomic: the key appears whole or not at all
    finally:
        Path(tmp).unlink(missing_ok=True)


def export_key() -> bytes:
    """This installation's 32-byte export key, made on first use."""
    path = export_key_path()
    try:
        if not path.exists():
            _create(path)
        stat = path.stat()
        cached = _KEYS.get((str(path), stat.st_ino, stat.st_mtime_ns))
        if cached is not None:
            return cached
        key = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read or create the export key ({exc.strerror or exc})") from exc
    if len(key) != KEY_BYTES:
        raise StoreError(
            f"{path}: the export key is damaged ({len(key)} bytes, not {KEY_BYTES}); "
            "restore it from a backup (a new key changes every exported id)"
        )
    _KEYS[(str(path), stat.st_ino, stat.st_mtime_ns)] = key
    return key


def export_id(quote_id: str, key: bytes | None = None) -> str:
    """The id a quote carries outside Voice: keyed, stable within this installation."""
    digest = hmac.new(key or export_key(), quote_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:EXPORT_ID_LENGTH]
