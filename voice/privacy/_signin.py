"""Signing in with a back-off: repeated failures for one user name, or from one address, make the
next attempt wait, longer each time (docs/SECURITY.md).

The wait is the same whether or not the user name exists, and a locked-out attempt is refused
without checking the password, so guessing on goes no faster with the right password in the
list. Failures are kept in this process's memory (the app is one process) and forgotten an hour
after the last one.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from voice import config
from voice.privacy._users import User, UserStore

FORGET_AFTER_S = 3600.0
"""Failures are forgotten this long after the last one."""


def _now() -> float:
    return time.monotonic()


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt gave: the user, or None with the seconds to wait (0: just wrong)."""

    user: User | None
    wait_s: float = 0.0

    @property
    def locked_out(self) -> bool:
        """True when the attempt was refused unchecked: too many failures, wait ``wait_s``."""
        return self.wait_s > 0


@dataclass
class SignInGuard:
    """Failure counts per user name and per address, and the wait they impose."""

    free_per_user: int = config.SIGN_IN_FREE_FAILURES
    free_per_address: int = config.SIGN_IN_FREE_FAILURES_PER_ADDRESS
    first_wait_s: float = config.SIGN_IN_FIRST_WAIT_S
    max_wait_s: float = config.SIGN_IN_MAX_WAIT_S
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _wait_for(self, key: str, free: int, now: float) -> float:
        count, last = self._failures.get(key, (0, 0.0))
        if count < free or now - last > FORGET_AFTER_S:
            return 0.0
        wait = min(self.first_wait_s * 2 ** (count - free), self.max_wait_s)
        return max(0.0, last + wait - now)

    def wait(self, username: str, address: str) -> float:
        """Seconds before ``username`` may try again from ``address`` (0: now)."""
        now = _now()
        with self._lock:
            return max(
                self._wait_for(f"user:{username}", self.free_per_user, now),
                self._wait_for(f"address:{address}", self.free_per_address, now),
            )

    def failed(self, username: str, address: str) -> None:
        """Count a failed attempt against the user name and the address."""
        now = _now()
        with self._lock:
            for key in (f"user:{username}", f"address:{address}"):
                count, last = self._failures.get(key, (0, 0.0))
                self._failures[key] = (1 if now - last > FORGET_AFTER_S else count + 1, now)

    def succeeded(self, username: str) -> None:
        """Forget the user name's failures (the address's stay: one account must not clear them)."""
        with self._lock:
            self._failures.pop(f"user:{username}", None)


GUARD = SignInGuard()
"""The process-wide guard the app signs in through."""


def sign_in(
    username: str,
    password: str,
    address: str,
    guard: SignInGuard | None = None,
    users_file: Path | None = None,
) -> SignIn:
    """Check a user name and password from ``address``, with the back-off.

    A locked-out attempt is refused before the password is looked at; otherwise a wrong name or
    password counts as a failure (against both the name and the address) and a right one clears
    the name's failures.
    """
    guard = guard or GUARD
    name = (username or "").strip().lower()[:64]
    wait = guard.wait(name, address)
    if wait > 0:
        return SignIn(None, wait)
    user = UserStore(users_file).authenticate(name, password)
    if user is None:
        guard.failed(name, address)
        return SignIn(None, 0.0)
    guard.succeeded(name)
    return SignIn(user)
