"""Tag quotes (Children's Rights officers): the model proposes, the officer decides."""

import streamlit as st

from voice.records import LABEL_HEADINGS, LABELS
from voice.ui import common
from voice.ui.add_quotes import add_quote_form, upload_quotes
from voice.ui.concerns import concern_first
from voice.ui.retag import find_and_retag
from voice.ui.tagging import (
    TAG_KEYS,
    UNDO_NOTE,
    current_model,
    learning_pending,
    learning_problems,
    proposal_note,
    queue_for,
    save_tag,
    tagged_quotes,
    undo_label,
    undo_last,
)

st.title("Tag quotes")
store = common.get_store()
model = current_model(store)  # the background learner's newest, once it has learned a tag
learning_problems(store)

tab_queue, tab_find, tab_add = st.tabs(["Tagging queue", "Find and re-tag", "Add quotes"])

with tab_queue:
    concern_first(store)  # a quote that may disclose harm comes before everything else
    periods = ["All periods", *sorted(store.periods(), reverse=True)]
    period = st.selectbox("Period", periods, key="tag_period")
    queue, done = queue_for(store, model, None if period == "All periods" else period)
    c1, c2 = st.columns(2)
    c1.metric("Tagged by people", done)
    c2.metric("Left to tag", len(queue))
    st.caption(f"Model: {common.md_escape(model.version)} (learns from every tag in the background)")

    if note := st.session_state.pop(UNDO_NOTE, None):
        st.warning(note, icon=":material/info:")
    last = st.session_state.get("undo_stack", [])
    if (
        last
        and st.button(undo_label(last[-1]), icon=":material/undo:", shortcut="z")
        and undo_last(store, model)
    ):
        st.rerun()

    if not queue:
        common.empty_state(
            "Nothing left to tag here: every quote has a person's tag.",
            "Add quotes in the next tab, or pick another period.",
        )
    else:
        item = queue[0]
        q = item.quote
        st.markdown("#### Next quote (most useful first)")
        with st.container(border=True):
            common.quote_card(q.text, common.speaker(q), " · ".join(x for x in (q.source, q.period) if x))
            if q.question:
                st.caption(f"Asked: {common.md_escape(q.question)}")
        explanation = model.classifier.explain(  # the officer sees quotes as given on this page
            q.text, q.question, tagged=tagged_quotes(store), me=common.user_name()
        )
        st.markdown(
            f"**Proposal: {LABEL_HEADINGS[item.label]}** ({item.confidence:.0%} sure) — "
            f"{common.md_escape(explanation.reason)}"
        )
        st.progress(
            item.confidence,
            text=" · ".join(f"{common.LABEL_NAMES[k]} {v:.0%}" for k, v in item.proba.items()),
        )

        @st.fragment(run_every=2.0 if learning_pending(store) else None)
        def _proposal_note() -> None:  # says when the learner catches up, without a page run
            st.caption(common.md_escape(proposal_note(store, model.version)))

        _proposal_note()

        # The buttons tag the quote that was on screen when the key was pressed (their callbacks
        # save it), never whatever is first in the queue when the page runs again: a learner that
        # finishes in between re-ranks the queue. A callback runs before the page, so it opens
        # the store itself: get_store() points its caches (and the learner's) at the demo's.
        def _tag(shown, label: str, accepted: bool) -> None:
            here = common.get_store()
            if (quote := here.get_quote(shown.id)) is not None:
                save_tag(here, current_model(here), quote, label, accepted=accepted)

        def _skip(quote_id: str) -> None:
            st.session_state.setdefault("skipped", set()).add(quote_id)

        st.button(
            f"Accept: {LABEL_HEADINGS[item.label]}",
            type="primary",
            shortcut="Enter",
            icon=":material/check:",
            on_click=_tag,
            args=(q, item.label, True),
        )
        st.write("or correct it:")
        cols = st.columns(len(LABELS) + 1)
        for col, label in zip(cols, ("good", "unsure", "not_so_good"), strict=False):
            col.button(
                LABEL_HEADINGS[label],
                key=f"tag_{label}",
                shortcut=TAG_KEYS[label],
                width="stretch",
                on_click=_tag,
                args=(q, label, label == item.label),
            )
        cols[-1].button("Skip", key="skip", shortcut="s", width="stretch", on_click=_skip, args=(q.id,))
        st.caption("Keys: Enter accepts · 1 good · 2 don't know · 3 not so good · S skip · Z undo")
        with st.expander(f"Next in the queue ({min(len(queue) - 1, 10)} shown)"):
            for nxt in queue[1:11]:
                st.markdown(
                    f"- {common.md_escape(nxt.quote.text[:140])} → "
                    f"*{LABEL_HEADINGS[nxt.label]}* ({nxt.confidence:.0%})"
                )

with tab_find:
    find_and_retag(store, model)

with tab_add:
    add_quote_form(store)
    st.divider()
    upload_quotes(store)
