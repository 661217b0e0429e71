"""Safeguarding flags in the app, for officers only (docs/SAFEGUARDING.md).

The Tag page shows the oldest flagged quote not yet reviewed above everything else, with the
reasons, the local procedure and one button per configured outcome; the Dashboard tells officers
how many wait and since when. Nobody else sees a flagged quote, or that a flag exists: the
library leaves held quotes out of every theme, count and report (``Store.quotes``), and these
panels draw nothing for other roles.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from voice.errors import VoiceError
from voice.store import FlaggedQuote, Store, concern_summary, flagged_quotes
from voice.ui import common
from voice.ui.tagging import queue_changed


def may_review() -> bool:
    """Only officers (who may read quotes as given) see and review flags."""
    return common.can("view_raw_text")


def screen_new(store: Store) -> tuple[str, ...]:
    """Screen stored quotes the detector has not read yet; the ids newly flagged (officers only)."""
    from voice.embed import default_embedder
    from voice.safeguarding import screen_store

    try:  # every part of the detector: the sentence model is loaded for the tagging page anyway
        with st.spinner("Reading new quotes for safeguarding concerns…"):
            return screen_store(store, who=common.user_name(), embedder=default_embedder()).flagged
    except VoiceError as exc:
        st.warning(f"New quotes were not screened for safeguarding concerns: {exc}")
        return ()


def _days(since: datetime | None) -> str:
    if since is None:
        return ""
    days = (datetime.now(UTC) - since).days
    return "today" if days < 1 else f"{days} day{'s' if days != 1 else ''} ago"


def concern_first(store: Store) -> None:
    """The Tag page's top: the oldest flagged quote not yet reviewed, and the review buttons."""
    if not may_review():
        return
    screen_new(store)
    waiting = [f for f in flagged_quotes(store) if f.waiting]
    if not waiting:
        return
    st.subheader(f"Concerns: {len(waiting)} not yet reviewed", anchor="concerns")
    st.caption(
        "A flag means these words may disclose harm. It is for you to read and decide, never a "
        "decision; the quote is kept out of every theme, count and report until you record a review."
    )
    _review_panel(store, waiting[0])
    st.divider()


def _review_panel(store: Store, item: FlaggedQuote) -> None:
    from voice.safeguarding import concern_outcomes, procedure_text, review_flag

    q = item.quote
    with st.container(border=True):
        common.quote_card(q.text, common.speaker(q), " · ".join(x for x in (q.source, q.period) if x))
        st.markdown(f"**Flagged {_days(item.flagged_at)}: {common.md_escape(', '.join(item.kinds))}**")
        for r in item.reasons:
            st.markdown(
                f"- {common.md_escape(r.kind)}: “{common.md_escape(r.cue)}” in "
                f"“{common.md_escape(r.sentence)}”"
            )
        st.info(procedure_text(), icon=":material/policy:")
        note = st.text_input("Note (optional; needed for “other”)", key=f"concern_note_{q.id}")
        outcomes = concern_outcomes()
        st.caption("Record what you did:")
        per_row = 2  # every outcome's words readable at 1024 px (five in a row were cut off)
        cols = [c for start in range(0, len(outcomes), per_row) for c in st.columns(per_row)]
        for i, (col, outcome) in enumerate(zip(cols, outcomes, strict=False)):
            if col.button(outcome[:1].upper() + outcome[1:], key=f"concern_outcome_{i}", width="stretch"):
                try:
                    review_flag(store, q.id, outcome, common.user_name(), note)
                except VoiceError as exc:
                    st.error(str(exc))
                    return
                queue_changed()
                st.toast(f"Review recorded: {outcome}", icon=":material/check:")
                st.rerun()


def concern_notice(store: Store) -> None:
    """For officers: how many flagged quotes wait for a review and how long the oldest has waited."""
    if not may_review():
        return
    summary = concern_summary(store)
    if not summary.waiting:
        return
    days = summary.oldest_days()
    oldest = "today" if not days else f"{days} day{'s' if days != 1 else ''} ago"
    st.warning(
        f"Safeguarding: {summary.waiting} flagged quote{'s' if summary.waiting != 1 else ''} not yet "
        f"reviewed (the oldest flagged {oldest}). Read them first on the Tag quotes page.",
        icon=":material/warning:",
    )
