"""Signing in: a login form against the users file, or the clearly marked demo mode."""

from __future__ import annotations

import streamlit as st

from voice import config
from voice.privacy import ROLE_NAMES


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
        index=roles.index(current),
        format_func=lambda role: ROLE_NAMES[role],
        key="demo_role",
    )
    st.session_state["role"] = chosen
    st.session_state["user"] = f"demo user ({chosen})"


def _login_form() -> None:
    st.title("Voice")
    st.write("Sign in to see what children and families are telling us.")
    with st.form("login"):
        name = st.text_input("User name")
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        from voice.privacy import authenticate

        user = authenticate(name.strip(), password)
        if user is None:
            st.error("Wrong user name or password.")
            return
        st.session_state["user"] = user.name
        st.session_state["role"] = user.role
        st.rerun()


def signed_in() -> bool:
    """Show the demo banner or the login form; True once someone may use the app."""
    if config.demo_mode():
        _demo_sidebar()
        return True
    if "user" not in st.session_state:
        _login_form()
        return False
    st.sidebar.write(
        f"Signed in as **{st.session_state['user']}**  \n{ROLE_NAMES.get(st.session_state['role'])}"
    )
    if st.sidebar.button("Sign out", icon=":material/logout:"):
        for key in ("user", "role"):
            st.session_state.pop(key, None)
        st.rerun()
    return True
