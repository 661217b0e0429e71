"""Sessions and sign-in (docs/SECURITY.md), through the real app.py with AppTest: a removed user
is signed out on the next run, a changed role takes effect at once, idle sessions expire,
repeated failures back off (without saying whether the user exists) and every failure is
audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from voice import config
from voice.privacy import UserStore
from voice.store import Store

PAGES = ROOT / "voice" / "ui" / "pages"
PASSWORD = "correct horse battery"


@pytest.fixture
def council(voice_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A council installation (users exist, so no demo) with an officer and a report writer."""
    from voice.privacy import _signin

    monkeypatch.setenv("VOICE_DEMO", "0")
    monkeypatch.setattr(config, "BCRYPT_ROUNDS", 4)  # fast hashes for the test
    monkeypatch.setattr(_signin, "GUARD", _signin.SignInGuard())  # no failures from other tests
    users = UserStore()
    users.add_user("alice", "officer", PASSWORD)
    users.add_user("bob", "report_writer", PASSWORD)
    return voice_home


def audit_rows(home: Path) -> list[dict]:
    return Store(f"sqlite:///{home / 'voice.db'}").audit_log()


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def sign_in(name: str, password: str, at: AppTest | None = None) -> AppTest:
    at = at or AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert titles(at) == ["Voice"], titles(at)
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_a_removed_user_is_signed_out_on_the_next_run(council: Path) -> None:
    at = sign_in("alice", PASSWORD)
    at.switch_page(str(PAGES / "audit.py")).run()
    assert titles(at) == ["Audit log"]
    UserStore().remove_user("alice")
    at.run()
    assert not at.exception, at.exception
    assert titles(at) == ["Voice"]  # the sign-in form, nothing else
    assert "user" not in at.session_state and "role" not in at.session_state
    assert any("removed" in i.value for i in at.info)
    assert not at.dataframe


def test_a_changed_role_takes_effect_at_once(council: Path) -> None:
    at = sign_in("alice", PASSWORD)
    at.switch_page(str(PAGES / "audit.py")).run()
    assert titles(at) == ["Audit log"]
    UserStore().add_user("alice", "scrutiny", PASSWORD, replace=True)
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["role"] == "scrutiny"
    assert "Audit log" not in titles(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(str(PAGES / "audit.py"))


def test_an_idle_session_expires(council: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from voice.ui import auth

    clock = [1_000_000.0]
    monkeypatch.setattr(auth, "_now", lambda: clock[0])
    at = sign_in("alice", PASSWORD)
    assert titles(at) == ["Performance dashboard"]
    clock[0] += (config.SESSION_IDLE_MINUTES - 1) * 60  # used within the limit: still signed in
    at.run()
    assert titles(at) == ["Performance dashboard"]
    clock[0] += config.SESSION_IDLE_MINUTES * 60 + 1
    at.run()
    assert titles(at) == ["Voice"]
    assert any(f"{config.SESSION_IDLE_MINUTES} minutes without use" in i.value for i in at.info)


def test_repeated_failures_back_off_and_are_audited(council: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from voice.privacy import _signin

    clock = [5_000.0]
    monkeypatch.setattr(_signin, "_now", lambda: clock[0])
    at = None
    for attempt in range(config.SIGN_IN_FREE_FAILURES):
        at = sign_in("alice", f"wrong password {attempt}", at)
        assert any("Wrong user name or password" in e.value for e in at.error)
    at = sign_in("alice", PASSWORD, at)  # the right password, but too soon
    assert titles(at) == ["Voice"] and "user" not in at.session_state
    refusal = " ".join(e.value for e in at.error)
    assert f"Wait {config.SIGN_IN_FIRST_WAIT_S:.0f} seconds" in refusal

    # an unknown name gets the same answers, so the wait tells nothing about who exists
    for attempt in range(config.SIGN_IN_FREE_FAILURES):
        at = sign_in("nobody", f"wrong password {attempt}", at)
    at = sign_in("nobody", PASSWORD, at)
    assert " ".join(e.value for e in at.error) == refusal

    rows = audit_rows(council)
    failed = [r for r in rows if r["action"] == "sign-in failed"]
    refused = [r for r in rows if r["action"] == "sign-in refused"]
    assert sorted({r["who"] for r in failed}) == ["alice", "nobody"]
    assert len(failed) == 2 * config.SIGN_IN_FREE_FAILURES and len(refused) == 2
    assert not any(PASSWORD in r["detail"] or "wrong password" in r["detail"] for r in rows)

    clock[0] += config.SIGN_IN_FIRST_WAIT_S + 1  # the wait is over
    at = sign_in("alice", PASSWORD, at)
    assert titles(at) == ["Performance dashboard"]
    assert [r["who"] for r in audit_rows(council) if r["action"] == "sign in"] == ["alice"]


def test_the_wait_grows_with_each_further_failure() -> None:
    from voice.privacy import SignInGuard, _signin

    guard = SignInGuard(free_per_user=5, free_per_address=100, first_wait_s=30, max_wait_s=900)
    now = _signin._now()
    for _ in range(5):
        guard.failed("carol", "10.0.0.1")
    assert guard.wait("carol", "10.0.0.9") == pytest.approx(30, abs=1)
    guard.failed("carol", "10.0.0.1")
    assert guard.wait("carol", "10.0.0.9") == pytest.approx(60, abs=1)
    for _ in range(10):
        guard.failed("carol", "10.0.0.1")
    assert guard.wait("carol", "10.0.0.9") == pytest.approx(900, abs=1)
    assert guard.wait("dave", "10.0.0.1") == 0  # the address has not reached its own limit
    assert _signin._now() - now < 5


def test_the_app_listens_on_localhost_only() -> None:
    import tomllib

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["address"] == "localhost"
