"""Themes for the app: computed once per period and store state, reused across pages and reruns."""

from __future__ import annotations

import streamlit as st

from voice.errors import ModelError
from voice.store import Store, edit_log
from voice.themes import ThemeResult, themes_for_period


def edits_epoch() -> int:
    """Bumped by every theme edit in this session, so the next view recomputes."""
    return st.session_state.get("theme_epoch", 0)


def bump_edits() -> None:
    """Call after a rename, merge, split, move or pin."""
    st.session_state["theme_epoch"] = edits_epoch() + 1


@st.cache_resource(show_spinner=False, max_entries=64)
def _themes(url: str, period: str | None, n_quotes: int, n_edits: int, held: tuple[str, ...]) -> ThemeResult:
    from voice.ui.common import get_store

    return themes_for_period(get_store(), period, who="app")


def period_themes(store: Store, period: str | None) -> ThemeResult:
    """The period's themes (saved edits and pins kept). Recomputed when quotes or edits change, or
    when a quote is held for or released from a safeguarding review."""
    newest = edit_log(store, limit=1)
    n_edits = newest[0]["id"] if newest else 0
    try:
        with st.spinner(f"Grouping the quotes of {period or 'all periods'} into themes…"):
            held = tuple(sorted(store.held_quote_ids()))
            return _themes(store.url, period, store.count_quotes(), n_edits + edits_epoch(), held)
    except ModelError as exc:  # the theme encoder is not installed: say so, with the fix
        st.error(f"Themes cannot be made on this machine: {exc}")
        st.stop()
