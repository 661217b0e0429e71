""" "You said, we did" in the app: a quarter's service-development notes, shown to every role
(redacted, like quotes) and added or edited by officers (each edit a new version, audited)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from voice.errors import VoiceError
from voice.records import Note
from voice.report import is_development, you_said_we_did
from voice.store import Store, add_note, edit_note, stored_themes
from voice.ui import common

NO_THEME_CHOICE = "(not linked to a theme)"


def _theme_label(store: Store, period: str) -> Callable[[str], str]:
    """A theme label as this page may show it: redacted, identifying words hidden."""
    from voice.privacy import scrub_words

    words = common.identifier_words([q.text for q in store.quotes(period=period)])
    return lambda label: scrub_words(common.redact_texts([label])[0], words)


def you_said_we_did_panel(store: Store, period: str, key: str = "dashboard") -> None:
    """The quarter's notes as "You said / We did" pairs; officers get forms to add and edit."""
    st.subheader("You said, we did")
    flash = st.session_state.pop("note_flash", None)
    if flash:
        st.success(flash)
    st.caption("What changed because of what children and families said, as the appendix will print it.")
    pairs = you_said_we_did(
        store, [period], lambda t: common.redact_texts([t])[0], _theme_label(store, period)
    )
    if not pairs:
        hint = "Add one below." if common.can("tag") else ""
        common.empty_state(f"No service developments are recorded for {period}.", hint)
    current = None
    for pair in pairs:
        if pair.heading != current:
            st.markdown(f"**{common.md_escape(pair.heading)}**")
            current = pair.heading
        said = f"You said: {common.md_escape(pair.said)}  \n" if pair.said else ""
        st.markdown(f"{said}We did: {common.md_escape(pair.did)}")
    if common.can("tag"):
        _forms(store, period, key)


def _forms(store: Store, period: str, key: str) -> None:
    """Officers: add a note, or edit one (the earlier text is kept in the history)."""
    themes = {t.label: t.id for t in stored_themes(store)}
    choices = [NO_THEME_CHOICE, *sorted(themes)]
    with st.expander("Add a note of what changed"), st.form(f"{key}_note_add"):
        text = st.text_area("We did", key=f"{key}_note_text")
        theme = st.selectbox("Because children said (theme)", choices, key=f"{key}_note_theme")
        if st.form_submit_button("Add note"):
            _save(lambda: add_note(store, text, period, common.user_name(), themes.get(theme)), "added")
    notes = [n for n in store.notes(period) if is_development(n)]
    if not notes:
        return
    with st.expander("Edit a note"):
        by_name = {f"{n.id}: {n.text[:60]}": n for n in notes}
        note: Note = by_name[st.selectbox("Note", list(by_name), key=f"{key}_note_pick")]
        linked = next((label for label, tid in themes.items() if tid == note.theme_id), NO_THEME_CHOICE)
        with st.form(f"{key}_note_edit"):
            text = st.text_area("We did", value=note.text, key=f"{key}_note_edit_text_{note.id}")
            theme = st.selectbox(
                "Because children said (theme)",
                choices,
                index=choices.index(linked),
                key=f"{key}_note_edit_theme_{note.id}",
            )
            if st.form_submit_button("Save a new version"):
                _save(
                    lambda: edit_note(
                        store, note.id or 0, common.user_name(), text=text, theme_id=themes.get(theme)
                    ),
                    "saved (the earlier version is kept)",
                )


def _save(action: Callable[[], Note], done: str) -> None:
    """Run an add or edit; a user error shows as one line, success reruns the page to show it."""
    try:
        note = action()
    except VoiceError as exc:
        st.error(str(exc))
    else:
        st.session_state["note_flash"] = f"Note {note.id} {done}."
        st.rerun()
