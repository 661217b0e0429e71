"""Editing themes in the app: rename, merge, split, move a quote, pin. Every edit is saved and audited."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

import voice.store as theme_store
from voice import config
from voice.store import Store
from voice.themes import ThemeResult, ThemeSummary
from voice.ui.common import display_texts, md_escape, pick_many, pick_one, user_name
from voice.ui.themes.cache import bump_edits


def _done(message: str) -> None:
    bump_edits()
    st.toast(message, icon=":material/check:")
    st.rerun()


def rename_panel(store: Store, names: dict[str, str], period: str | None, who: str) -> None:
    """Rename a theme in every quarter or in this quarter only; a name in use is warned about first."""
    theme_id = pick_one("Theme", names, key="rename_id")
    here = len(theme_store.theme_quote_ids(store, theme_id, period)) if period else 0
    elsewhere = len(theme_store.theme_quote_ids(store, theme_id)) - here
    st.caption(
        f"A theme is one across quarters: it has {here} quotes in {md_escape(period or 'this period')} and "
        f"{elsewhere} in other quarters. A rename shows in every quarter unless you pick this quarter only."
    )
    with st.form("rename_theme"):
        label = st.text_input("New label", key="rename_label")
        scopes = {"every": "Every quarter", "period": f"{period} only (its quotes there become a new theme)"}
        scope = st.radio(
            "Rename in", list(scopes), format_func=scopes.get, key="rename_scope", horizontal=True
        )
        keep = st.checkbox("Keep two themes with this name", key="rename_keep_both")
        if not st.form_submit_button("Rename") or not label.strip():
            return
    taken = theme_store.same_label(store, label, except_id=theme_id)
    if taken is not None and not keep:
        st.warning(
            f"A theme is already called “{md_escape(label.strip())}”. Nothing was renamed. To put their "
            "quotes together use Merge; to keep two themes with one name, tick “Keep two themes with this "
            "name”.",
            icon=":material/warning:",
        )
        return
    by_period = period if scope == "period" and period else None
    theme_store.rename_theme(store, theme_id, label, who, period=by_period, allow_duplicate=keep)
    _done(
        f"Renamed to {md_escape(label)}"
        + (f" in {md_escape(period)} only" if by_period else " in every quarter")
    )


def edit_panel(
    store: Store, result: ThemeResult, summaries: Sequence[ThemeSummary], period: str | None
) -> None:
    """Forms for the theme edits; a re-run of themes keeps every one of them."""
    st.subheader("Edit themes")
    st.caption("Edits are kept when themes are recomputed with new quotes; all are in the audit log.")
    names = {s.theme_id: s.label for s in summaries}
    who = user_name()
    rename, merge, split, move, pin = st.tabs(["Rename", "Merge", "Split", "Move a quote", "Pin"])
    with rename:
        rename_panel(store, names, period, who)
    with merge, st.form("merge_themes"):
        st.caption("A merge applies in every quarter: the merged theme holds all their quotes.")
        chosen = pick_many("Themes to merge", names, key="merge_ids")
        label = st.text_input("Label of the merged theme")
        if st.form_submit_button("Merge"):
            taken = theme_store.same_label(store, label) if label.strip() else None
            if len(chosen) < 2 or not label.strip():
                st.error("Pick at least two themes and give the merged theme a label.")
            elif taken is not None and taken.id not in chosen:
                st.warning(
                    f"A theme is already called “{md_escape(label.strip())}”: add it to the merge, or choose "
                    "another label. Nothing was merged.",
                    icon=":material/warning:",
                )
            else:
                theme_store.merge_themes(store, chosen, label, who)
                _done(f"Merged {len(chosen)} themes into {md_escape(label)}")
    quotes = {q.id: q for q in store.quotes(period=period)}
    shown = dict(zip(quotes, display_texts(list(quotes.values())), strict=True))
    with split:
        theme_id = pick_one("Theme to split", names, key="split_theme")
        theme = result.theme(theme_id)
        members = [qid for qid in (theme.quote_ids if theme else ()) if qid in quotes]
        with st.form("split_theme_form"):
            picked = st.multiselect("Quotes for the new theme", members, format_func=lambda q: shown[q][:100])
            label = st.text_input("Label of the new theme")
            if st.form_submit_button("Split"):
                if not picked or not label.strip():
                    st.error("Pick quotes and give the new theme a label.")
                else:
                    theme_store.split_theme(store, theme_id, picked, label, who)
                    _done(f"Split {len(picked)} quotes into {md_escape(label)}")
    with move, st.form("move_quote"):
        answered = [qid for qid in result.assignment if qid in quotes]
        quote_id = st.selectbox("Quote", answered, format_func=lambda q: shown[q][:100])
        target = pick_one("Move to", names, key="move_target")
        if st.form_submit_button("Move"):
            theme_store.move_quote(store, quote_id, target, who)
            _done(f"Moved to {md_escape(names[target])}")
    with pin, st.form("pin_theme"):
        starters = [label for label, _ in config.STARTER_THEMES]
        st.caption("Starter themes: " + md_escape(", ".join(starters)))
        label = st.text_input("Theme label", placeholder="e.g. contact with brothers and sisters")
        phrases = st.text_area("Example phrases, one per line (what a child might say)")
        if st.form_submit_button("Pin") and label.strip():
            theme_store.pin_theme(store, label, [p for p in phrases.splitlines() if p.strip()], who)
            _done(f"Pinned {md_escape(label)}")
