"""Roles, permissions and the users file (bcrypt password hashes, kept outside the repository).

Three roles (docs/PRIVACY.md):

| role | may |
| --- | --- |
| ``officer`` | everything: raw quote text, tagging, theme edits, exports, reports, users, audit |
| ``report_writer`` | redacted quotes, exports, themes, dashboard, reports |
| ``scrutiny`` | dashboard and theme summaries with redacted representative quotes only |

The users file (``Settings.users_file``, default ``$VOICE_HOME/users.json``) is JSON, written
atomically with mode 0600: ``{"version": 1, "users": [{"username", "role", "password_hash",
"created_at"}]}``. Passwords are hashed with bcrypt (cost :data:`voice.config.BCRYPT_ROUNDS`);
checking takes the same time whether or not the user exists.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import bcrypt

from voice import config, files
from voice.errors import InputError, UsersError

OFFICER = "officer"
REPORT_WRITER = "report_writer"
SCRUTINY = "scrutiny"
ROLES: tuple[str, ...] = (OFFICER, REPORT_WRITER, SCRUTINY)

ROLE_NAMES = {
    OFFICER: "Children's Rights officer",
    REPORT_WRITER: "Report writer",
    SCRUTINY: "Scrutiny committee member",
}

PERMISSIONS: dict[str, frozenset[str]] = {
    OFFICER: frozenset(
        {
            "view_raw_text",
            "view_exact_counts",
            "view_full_attribution",
            "view_quotes",
            "tag",
            "edit_themes",
            "export",
            "build_report",
            "view_themes",
            "view_dashboard",
            "import",
            "manage_users",
            "view_audit",
        }
    ),
    REPORT_WRITER: frozenset(
        {"view_quotes", "export", "build_report", "view_themes", "edit_themes", "view_dashboard"}
    ),
    SCRUTINY: frozenset({"view_themes", "view_dashboard"}),
}
"""What each role may do. Anything not listed is refused."""

ALL_PERMISSIONS: frozenset[str] = frozenset().union(*PERMISSIONS.values())

_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
_BCRYPT_MAX_BYTES = 72


@lru_cache(maxsize=1)
def _dummy_hash() -> bytes:
    """A real hash of a random password: unknown users are checked against it so that a
    wrong username takes as long as a wrong password."""
    return bcrypt.hashpw(os.urandom(16).hex().encode(), bcrypt.gensalt(config.BCRYPT_ROUNDS))


@dataclass(frozen=True)
class User:
    """A person who may log in."""

    username: str
    role: str
    created_at: str = ""

    @property
    def name(self) -> str:
        """The username (the same as ``username``)."""
        return self.username

    @property
    def role_name(self) -> str:
        """The role as people say it ("Report writer")."""
        return ROLE_NAMES[self.role]


def check_role(role: str) -> str:
    """Return ``role`` if it is known, else raise ``InputError`` listing the roles."""
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


def can(role: str, permission: str) -> bool:
    """True when ``role`` has ``permission`` (unknown permissions raise, to catch typos)."""
    check_role(role)
    if permission not in ALL_PERMISSIONS:
        raise ValueError(
            f"unknown permission {permission!r}: use one of {', '.join(sorted(ALL_PERMISSIONS))}"
        )
    return permission in PERMISSIONS[role]


def sees_raw_text(role: str) -> bool:
    """True only for officers: everyone else sees redacted quotes."""
    return can(role, "view_raw_text")


def normalise_username(name: str) -> str:
    """Lower-case, trimmed; raises UsersError when it has characters other than a-z 0-9 . _ @ -."""
    clean = (name or "").strip().lower()
    if not _USERNAME_RE.match(clean):
        raise UsersError(
            f"invalid username {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return clean


def check_password(password: str) -> None:
    """Raise UsersError when a new password is too short or too long for bcrypt."""
    if len(password) < config.MIN_PASSWORD_LENGTH:
        raise UsersError(f"the password must have at least {config.MIN_PASSWORD_LENGTH} characters")
    if len(password.encode("utf-8")) > _BCRYPT_MAX_BYTES:
        raise UsersError(f"the password must be at most {_BCRYPT_MAX_BYTES} bytes (bcrypt's limit)")


def hash_password(password: str) -> str:
    """A bcrypt hash of ``password`` (checked with :func:`check_password` first)."""
    check_password(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(config.BCRYPT_ROUNDS)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """True when ``password`` matches ``password_hash`` (bcrypt's constant-time check)."""
    data = (password or "").encode("utf-8")
    if len(data) > _BCRYPT_MAX_BYTES:
        bcrypt.checkpw(b"x", _dummy_hash())
        return False
    try:
        return bcrypt.checkpw(data, password_hash.encode("ascii"))
    except ValueError:  # a malformed hash in the file
        return False


class UserStore:
    """The users file: add, remove, list and authenticate users.

    Args:
        path: the JSON file (default ``Settings.users_file``).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or config.settings().users_file).expanduser()

    # -- reading and writing -----------------------------------------------------------------

    def _load(self) -> list[dict]:
        if not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UsersError(f"{self.path}: cannot read the users file ({exc})") from None
        users = data.get("users") if isinstance(data, dict) else None
        if not isinstance(users, list) or not all(
            isinstance(u, dict) and {"username", "role", "password_hash"} <= u.keys() for u in users
        ):
            raise UsersError(f"{self.path}: not a Voice users file (expected {{'users': [...]}})")
        return users

    def _save(self, users: list[dict]) -> None:
        _refuse_inside_repository(self.path)
        files.private_dir(self.path.parent, tighten=self.path.parent == config.settings().home)
        payload = json.dumps({"version": 1, "users": users}, indent=2) + "\n"
        files.write_private_text(self.path, payload)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold ``<users file>.lock`` (an exclusive ``flock``) around a read-modify-write, so that
        users added or removed at the same moment all take effect and none comes back."""
        lock = self.path.with_name(self.path.name + ".lock")
        _refuse_inside_repository(self.path)
        files.private_dir(lock.parent)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, files.FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def permissions_problem(self) -> str | None:
        """A warning when the file can be read by other accounts, else None."""
        if not self.path.exists():
            return None
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            return f"{self.path} can be read by other accounts (mode {mode:o}): run chmod 600 on it"
        return None

    # -- users -------------------------------------------------------------------------------

    def list_users(self) -> list[User]:
        """Every user, by username."""
        return sorted(
            (User(u["username"], u["role"], u.get("created_at", "")) for u in self._load()),
            key=lambda u: u.username,
        )

    def get(self, username: str) -> User | None:
        """One user, or None."""
        name = (username or "").strip().lower()
        return next((u for u in self.list_users() if u.username == name), None)

    def add_user(self, username: str, role: str, password: str, replace: bool = False) -> User:
        """Add a user (or, with ``replace``, change an existing user's role and password)."""
        name = normalise_username(username)
        check_role(role)
        password_hash = hash_password(password)
        with self._locked():
            users = self._load()
            existing = [u for u in users if u["username"] == name]
            if existing and not replace:
                raise UsersError(
                    f"user {name!r} already exists (use --replace to change the password or role)"
                )
            now = datetime.now(UTC).isoformat(timespec="seconds")
            created = existing[0].get("created_at", now) if existing else now
            users = [u for u in users if u["username"] != name]
            users.append(
                {"username": name, "role": role, "password_hash": password_hash, "created_at": created}
            )
            self._save(sorted(users, key=lambda u: u["username"]))
        return User(name, role, created)

    def remove_user(self, username: str) -> User:
        """Remove a user; raises UsersError when there is none of that name."""
        name = (username or "").strip().lower()
        with self._locked():
            users = self._load()
            found = [u for u in users if u["username"] == name]
            if not found:
                raise UsersError(f"no user {name!r} in {self.path}")
            self._save([u for u in users if u["username"] != name])
        return User(found[0]["username"], found[0]["role"], found[0].get("created_at", ""))

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password is right, else None (same time for unknown users)."""
        name = (username or "").strip().lower()
        try:
            record = next((u for u in self._load() if u["username"] == name), None)
        except UsersError:
            record = None
        if record is None:
            verify_password(password, _dummy_hash().decode("ascii"))
            return None
        if not verify_password(password, record["password_hash"]):
            return None
        if record["role"] not in ROLES:
            return None
        return User(record["username"], record["role"], record.get("created_at", ""))


def _refuse_inside_repository(path: Path) -> None:
    root = config.PROJECT_ROOT
    if not (root / "pyproject.toml").exists():
        return
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return
    raise UsersError(
        f"{path}: keep the users file outside the repository (set VOICE_USERS_FILE or VOICE_HOME)"
    )


def add_user(username: str, role: str, password: str, path: Path | None = None) -> User:
    """Add a user to the users file (see :meth:`UserStore.add_user`)."""
    return UserStore(path).add_user(username, role, password)


def remove_user(username: str, path: Path | None = None) -> User:
    """Remove a user from the users file."""
    return UserStore(path).remove_user(username)


def list_users(path: Path | None = None) -> list[User]:
    """Every user in the users file."""
    return UserStore(path).list_users()


def authenticate(username: str, password: str, path: Path | None = None) -> User | None:
    """The user when ``password`` is right, else None."""
    return UserStore(path).authenticate(username, password)
