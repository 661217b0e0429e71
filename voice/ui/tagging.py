"""The tagging queue's state for one officer's session: queue, save, learn, undo."""

from __future__ import annotations

import streamlit as st

from voice.classify import QueueItem, TaggedQuote, VoiceModel, tagging_queue
from voice.errors import StoreError
from voice.records import HUMAN, Quote, Tag
from voice.store import Store
from voice.ui.common import LABEL_NAMES, md_escape, model_saved, models_root, user_name

UNDO_NOTE = "undo_note"
"""Session key of a message about an undo that was not made, shown on the next run."""

FOCUS = "tag_focus"
"""Session key of the quote to show as the current card (the one just undone)."""

TAG_KEYS = {"good": "1", "unsure": "2", "not_so_good": "3"}
"""Keyboard shortcuts for the three labels (Enter accepts the proposal)."""


def _epoch() -> int:
    return st.session_state.get("tag_epoch", 0)


def queue_changed() -> None:
    """Call after a tag, an undo or an import: the queue is ranked again on the next run."""
    st.session_state["tag_epoch"] = _epoch() + 1


def queue_for(store: Store, model: VoiceModel, period: str | None) -> tuple[list[QueueItem], int]:
    """The queue (most useful first, skipped quotes last) and how many quotes people have tagged.

    Recomputed only after a tag, an undo or an import in this session (the model changes then).
    """
    key = (period, model.version, _epoch())
    cached = st.session_state.get("queue_cache")
    if cached is None or cached[0] != key:
        current = store.current_tags()
        stored = store.quotes(period=period)
        with st.spinner("Ranking the untagged quotes…"):
            queue = tagging_queue(store, model, period, current=current, stored=stored)
        done = sum(1 for q in stored if q.id in current and current[q.id].origin == HUMAN)
        cached = (key, queue, done)
        st.session_state["queue_cache"] = cached
    skipped = st.session_state.get("skipped", set())
    queue = cached[1]
    ordered = [i for i in queue if i.quote.id not in skipped] + [i for i in queue if i.quote.id in skipped]
    focus = st.session_state.get(FOCUS)
    ordered = [i for i in ordered if i.quote.id == focus] + [i for i in ordered if i.quote.id != focus]
    return ordered, cached[2]


def tagged_quotes(store: Store) -> list[TaggedQuote]:
    """Quotes whose current tag is a person's, as the tagging page shows them (to officers, as
    given): what a proposal's reasons cite as "like: … — you tagged this …". Cached per queue."""
    key = _epoch()
    cached = st.session_state.get("tagged_cache")
    if cached is None or cached[0] != key:
        current = store.current_tags()
        found = [
            TaggedQuote(q.text, current[q.id].label, current[q.id].who, q.id)
            for q in store.quotes()
            if q.id in current and current[q.id].origin == HUMAN
        ]
        cached = (key, found)
        st.session_state["tagged_cache"] = cached
    return cached[1]


def undo_label(entry: dict) -> str:
    """The undo button's text, naming the quote and the tag it will withdraw."""
    label = LABEL_NAMES[entry["label"]]
    return f"Undo: ‘{_short(entry.get('text', ''), 50)}’ tagged {label} by you"


def _learn(store: Store, model: VoiceModel) -> None:
    from voice.classify import ModelError, learn_corrections

    with st.spinner("Learning from your tag…"):
        try:
            learn_corrections(store, model, models_root())  # the demo learns into its own folder
        except ModelError as exc:
            st.warning(f"Tag saved, but the model was not updated: {md_escape(exc)}")
            return
    model_saved()


def save_tag(
    store: Store, model: VoiceModel, quote: Quote, label: str, accepted: bool, note: str | None = None
) -> Tag | None:
    """Store a person's tag (append-only), remember it for undo, and let the model learn.

    A database that refuses the write (locked, read-only ...) is one ``st.error`` line and None:
    nothing is stored, the quote stays in the queue and the undo stack is unchanged.
    """
    note = note or ("accepted the proposal" if accepted else "corrected the proposal")
    try:
        tag = store.add_tag(Tag(quote_id=quote.id, label=label, who=user_name(), origin=HUMAN, note=note))
    except StoreError as exc:
        st.error(f"The tag was not saved: {md_escape(exc)} Try again in a moment.")
        return None
    st.session_state.pop(FOCUS, None)
    st.session_state.setdefault("undo_stack", []).append(
        {"quote_id": quote.id, "label": label, "tag_id": tag.id, "text": quote.text}
    )
    _learn(store, model)
    queue_changed()
    st.toast(f"Tagged: {label.replace('_', ' ')}", icon=":material/check:")
    return tag


def undo_last(store: Store, model: VoiceModel) -> bool:
    """Undo this officer's last tag in this session: an "undo" row is appended, so the history
    keeps both. Only that tag is withdrawn: if someone has tagged the quote since, nothing is
    undone and the officer is told which quote. True when the page should run again; False (with
    one ``st.error`` line) when there is nothing to undo or the database refuses."""
    stack = st.session_state.get("undo_stack", [])
    if not stack:
        return False
    last = stack[-1]
    quote = f"“{md_escape(_short(last.get('text', '')))}”"
    try:
        undone = store.undo_tag(last["quote_id"], who=user_name(), tag_id=last.get("tag_id"))
    except StoreError as exc:
        st.error(f"The last tag was not undone: {md_escape(exc)} Try again in a moment.")
        return False
    stack.pop()
    if undone is None:
        st.session_state[UNDO_NOTE] = (  # shown by the page after its rerun
            f"Not undone: someone else has tagged {quote} since your tag; their tag stands "
            "(see the quote's history)."
        )
        return True  # the page runs again and shows the note
    st.session_state[FOCUS] = last["quote_id"]  # back on screen as the current card
    _learn(store, model)
    queue_changed()
    st.toast(f"Undone: your tag ({last['label'].replace('_', ' ')}) on {quote}", icon=":material/undo:")
    return True


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
