"""Find any quote on the Tag page and re-tag it, with its tag history (officers see quotes as given)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from voice.classify import VoiceModel
from voice.records import LABEL_HEADINGS, Quote, Tag
from voice.store import Store
from voice.ui import common
from voice.ui.tagging import save_tag

MAX_RESULTS = 20
"""How many matching quotes the search lists."""


def find_quotes(store: Store, query: str, current: dict[str, Tag]) -> list[Quote]:
    """Quotes (held ones left out, as everywhere) whose text, source, period or current label
    contains every word of ``query`` (case-insensitive)."""
    words = query.lower().split()
    if not words:
        return []
    found = []
    for q in store.quotes():
        tag = current.get(q.id)
        label = (
            f"{tag.label} {common.LABEL_NAMES[tag.label]} {LABEL_HEADINGS[tag.label]}" if tag else "untagged"
        )
        hay = " ".join(x for x in (q.text, q.source, q.period, label) if x).lower()
        if all(w in hay for w in words):
            found.append(q)
    return found


def history_rows(history: list[Tag]) -> list[dict]:
    """A quote's tags, oldest first: who, when, label, origin (and the note)."""
    return [
        {
            "when": t.at.strftime("%Y-%m-%d %H:%M") if t.at else "",
            "who": t.who,
            "label": common.LABEL_NAMES.get(t.label, t.label),
            "origin": t.origin,
            "note": t.note or "",
        }
        for t in history
    ]


def find_and_retag(store: Store, model: VoiceModel) -> None:
    """A search box: pick a quote, see its tag history, and tag it again."""
    st.subheader("Find a quote to re-tag")
    query = st.text_input(
        "Search quotes", key="retag_query", placeholder="words of the quote, source, period or label"
    )
    if not query.strip():
        return
    current = store.current_tags()
    found = find_quotes(store, query, current)
    if not found:
        st.info("No quote matches. Try fewer words.")
        return
    if len(found) > MAX_RESULTS:
        st.caption(f"{len(found)} quotes match; the first {MAX_RESULTS} are listed. Add words to narrow it.")
    shown = found[:MAX_RESULTS]
    names = {q.id: _line(q, current.get(q.id)) for q in shown}
    picked = st.radio("Matching quotes", list(names), format_func=names.__getitem__, key="retag_pick")
    q = next(x for x in shown if x.id == picked)
    with st.container(border=True):
        common.quote_card(q.text, common.speaker(q), " · ".join(x for x in (q.source, q.period) if x))
    history = store.tag_history(q.id)
    st.markdown("**Tag history** (people's tags and model proposals, oldest first)")
    if history:
        with st.container(key="retag_history"):
            st.table(pd.DataFrame(history_rows(history)).set_index("when"))
    else:
        st.caption("Not tagged yet.")
    cols = st.columns(3)
    for col, label in zip(cols, ("good", "unsure", "not_so_good"), strict=True):
        if col.button(LABEL_HEADINGS[label], key=f"retag_{label}", width="stretch"):
            save_tag(store, model, q, label, accepted=False, note="re-tagged from the search")
            st.rerun()


def _line(q: Quote, tag: Tag | None) -> str:
    label = (
        f"{common.LABEL_NAMES[tag.label]} ({'a person' if tag.origin == 'human' else 'model'})"
        if tag
        else "untagged"
    )
    where = " · ".join(x for x in (q.source, q.period) if x)
    text = q.text if len(q.text) <= 90 else q.text[:89] + "…"
    return f"{text} — {label}" + (f" — {where}" if where else "")
