"""Signing in: a login form against the users file, or the clearly marked demo mode.

A signed-in session is checked again on every page run (docs/SECURITY.md): the user is read
from the users file, so a removed user is signed out and a changed role takes effect at once,
and a session unused for ``config.SESSION_IDLE_MINUTES`` is signed out. Sign-in goes through
:func:`voice.privacy.sign_in` (a back-off after repeated failures); every failure is audited.
"""

from __future__ import annotations

import time

import streamlit as st

from voice import config
from voice.errors import UsersError, VoiceError
from voice.privacy import ROLE_NAMES, UserStore

SIGNED_OUT_NOTE = "signed_out_because"


def _now() -> float:
    return time.time()


def _demo_sidebar() -> None:
    st.sidebar.warning(
        "**Demo mode.** Sample data (seed documents plus a synthetic demo set) in a demo database "
        "of its own, no sign-in. Create users with `voice users add` to use your own data.",
        icon=":material/science:",
    )
    roles = list(ROLE_NAMES)
    current = st.session_state.get("role", "officer")
    chosen = st.sidebar.selectbox(
        "See the app as",
        roles,
        index=roles.index(current) if current in roles else 0,
        format_func=lambda role: ROLE_NAMES[role],
        key="demo_role",
    )
    st.session_state["role"] = chosen
    st.session_state["user"] = f"demo user ({chosen})"


def client_address() -> str:
    """The browser's address: the last ``X-Forwarded-For`` hop when the app is reached through a
    reverse proxy on this machine (docs/SECURITY.md), else the connection's own address."""
    direct = st.context.ip_address or "unknown"
    forwarded = (st.context.headers.get("X-Forwarded-For") or "").split(",")[-1].strip()
    if forwarded and direct in ("127.0.0.1", "::1", "localhost"):
        return forwarded[:64]
    return direct


def _audit(who: str, action: str, detail: str) -> None:
    from voice.ui.common import get_store

    get_store().audit(who, action, detail)


def _shown_name(typed: str) -> str:
    """The typed user name as the audit log records it (never the password)."""
    from voice.privacy import normalise_username

    try:
        return normalise_username(typed)
    except UsersError:
        return "(not a valid user name)"


def _login_form() -> None:
    st.title("Voice")
    st.write("Sign in to see what children and families are telling us.")
    note = st.session_state.pop(SIGNED_OUT_NOTE, None)
    if note:
        st.info(note, icon=":material/logout:")
    with st.form("login"):
        name = st.text_input("User name")
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    try:
        _check(name, password)
    except VoiceError as exc:  # the audit log cannot be written: nobody is signed in unrecorded
        st.error(exc.message)


def _check(name: str, password: str) -> None:
    from voice.privacy import sign_in

    address = client_address()
    result = sign_in(name, password, address)
    who = _shown_name(name)
    if result.user is None:
        if result.locked_out:
            _audit(
                who, "sign-in refused", f"too many failures; waiting {result.wait_s:.0f} s; from {address}"
            )
            st.error(
                f"Too many failed sign-ins for this user name or from this computer. "
                f"Wait {result.wait_s:.0f} seconds and try again."
            )
        else:
            _audit(who, "sign-in failed", f"wrong user name or password; from {address}")
            st.error("Wrong user name or password.")
        return
    _audit(result.user.name, "sign in", f"from {address}")
    st.session_state["user"] = result.user.name
    st.session_state["role"] = result.user.role
    st.session_state["last_seen"] = _now()
    st.rerun()


def sign_out(reason: str = "") -> None:
    """Forget everything this session held (quotes in caches included); ``reason`` is shown on
    the sign-in form."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if reason:
        st.session_state[SIGNED_OUT_NOTE] = reason


def _still_valid() -> bool:
    """Re-check a signed-in session: the user still exists (with its current role), not idle."""
    now = _now()
    idle = now - st.session_state.get("last_seen", now)
    if idle > config.SESSION_IDLE_MINUTES * 60:
        sign_out(f"Signed out after {config.SESSION_IDLE_MINUTES} minutes without use. Sign in again.")
        return False
    try:
        user = UserStore().get(st.session_state["user"])
    except UsersError as exc:  # the users file cannot be read: nobody is let in
        st.error(exc.message)
        st.stop()
    if user is None:
        sign_out("Your account has been removed or changed. Sign in again.")
        return False
    st.session_state["role"] = user.role
    st.session_state["last_seen"] = now
    return True


def signed_in() -> bool:
    """Show the demo banner or the login form; True once someone may use the app."""
    if config.demo_mode():
        _demo_sidebar()
        return True
    if "user" in st.session_state:
        _still_valid()  # signs the session out when it is not
    if "user" not in st.session_state:
        _login_form()
        return False
    st.sidebar.write(
        f"Signed in as **{st.session_state['user']}**  \n{ROLE_NAMES.get(st.session_state['role'])}"
    )
    if st.sidebar.button("Sign out", icon=":material/logout:"):
        _audit(st.session_state["user"], "sign out", "")
        sign_out("Signed out.")
        st.rerun()
    return True
