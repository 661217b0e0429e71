"""The tagging queue's state for one officer's session: queue, save, undo, and learning handed
to the process's background learner (voice.ui.learning), so the next quote is on screen at once."""

from __future__ import annotations

import streamlit as st

from voice.classify import QueueItem, TaggedQuote, VoiceModel, tagging_queue
from voice.errors import StoreError
from voice.records import HUMAN, Quote, Tag
from voice.store import Store
from voice.ui import common
from voice.ui.common import LABEL_NAMES, md_escape, models_root, user_name
from voice.ui.learning import Learner, learner_for

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

    Ranked again when the model changes (the learner finished) and after an undo or an import in
    this session; a tag only takes its quote out (:func:`save_tag`), so the next card is at once.
    """
    key = (period, model.version, id(model), _epoch())  # a relearned model is a new object
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


def _add_tagged(tagged: TaggedQuote) -> None:
    cached = st.session_state.get("tagged_cache")
    if cached is not None:
        found = [t for t in cached[1] if t.quote_id != tagged.quote_id]
        st.session_state["tagged_cache"] = (cached[0], [*found, tagged])


def undo_label(entry: dict) -> str:
    """The undo button's text, naming the quote and the tag it will withdraw."""
    label = LABEL_NAMES[entry["label"]]
    return f"Undo: ‘{_short(entry.get('text', ''), 50)}’ tagged {label} by you"


def learner(store: Store) -> Learner:
    """The process's background learner for this store (the demo learns into its own folder)."""
    return learner_for(store, models_root())


def current_model(store: Store) -> VoiceModel:
    """The newest model: the learner's once it has learned a tag, else the one loaded at start
    (``common.get_model``, which warns about a damaged learned copy)."""
    learned = learner(store).model()
    return learned if learned is not None else common.get_model()


def learning_problems(store: Store) -> None:
    """Show (once) each background learning run that failed since the last page run."""
    for problem in learner(store).errors():
        st.warning(
            f"Tags saved, but the model was not updated: {md_escape(problem)}", icon=":material/warning:"
        )


def learning_pending(store: Store) -> bool:
    """True while the learner has tags the current model has not learned yet."""
    return learner(store).status().behind > 0


def proposal_note(store: Store, version: str) -> str:
    """Which model made the card's proposal, and whether tags since are still being learned."""
    status = learner(store).status()
    if status.behind <= 0:
        newer = learner(store).model()
        if newer is not None and newer.version != version:
            return (
                f"Proposal by model {version}; {newer.version} has learned every tag and proposes "
                "from the next quote."
            )
        return f"Proposal by model {version}."
    tags = "tag" if status.behind == 1 else f"{status.behind} tags"
    if status.running:
        return f"Proposal by model {version}, from before the last {tags} — updating…"
    return f"Proposal by model {version}, from before the last {tags} (the model was not updated)."


def _learn(store: Store, model: VoiceModel) -> None:
    learner(store).request(store, model, models_root())


def _take_out(quote_id: str) -> None:
    """The tagged quote leaves this session's ranked queue (no re-ranking: the model is the same)."""
    cached = st.session_state.get("queue_cache")
    if cached is None:
        return
    key, queue, done = cached
    kept = [i for i in queue if i.quote.id != quote_id]
    st.session_state["queue_cache"] = (key, kept, done + (len(kept) < len(queue)))


def save_tag(
    store: Store, model: VoiceModel, quote: Quote, label: str, accepted: bool, note: str | None = None
) -> Tag | None:
    """Store a person's tag (append-only), remember it for undo, take the quote out of the queue
    and ask the background learner to learn it (the page runs on at once).

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
    _take_out(quote.id)
    _add_tagged(TaggedQuote(quote.text, tag.label, tag.who, quote.id))
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
