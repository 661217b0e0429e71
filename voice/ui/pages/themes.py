"""Themes (report writers and scrutiny): what children and families are telling us, grouped."""

import altair as alt
import pandas as pd
import streamlit as st

from voice.themes import OTHER
from voice.ui import common
from voice.ui.themes.cache import period_themes
from voice.ui.themes.edit import edit_panel
from voice.ui.themes.panel import (
    class_split_chart,
    class_split_rows,
    over_quarters_panel,
    previous_of,
    theme_quotes_table,
    theme_summaries,
    uncharted_note,
)

st.title("Themes")
store = common.get_store()
periods = sorted(store.periods(), reverse=True)
if not periods:
    common.empty_state("There are no quotes yet.", "Officers add quotes on the Tag page.")
    st.stop()

period = common.period_picker(periods, key="themes_period")
result = period_themes(store, period)
previous = previous_of(period)
prev_result = period_themes(store, previous) if previous in periods else None
summaries, text = theme_summaries(store, result, period, prev_result)

if not summaries:
    answered = result.answered
    if answered and not common.can("view_exact_counts"):
        common.empty_state(
            f"No theme of {common.md_escape(period)} holds 5 quotes or more: under the small-number rule "
            "none is shown to you.",
            "Officers see every theme on this page.",
        )
    else:
        common.empty_state(f"No themes for {common.md_escape(period)}: too few answered quotes.")
    st.stop()

st.markdown(f"**In a minute.** {common.md_escape(text)}")
if prev_result is None:
    st.caption(f"No quotes for {previous or 'the previous period'}: no trend to compare.")

exact = common.exact_counts()


def _shown(n: int) -> bool:
    """Officers see every count; others no count from 1 to 4 (small numbers)."""
    return exact or not 0 < n < common.small_number_threshold()


def _charted(text: str, n: int) -> bool:
    """A count is charted only where its text shows it exactly (not "<5", not hidden as "5+")."""
    return exact or text == str(n)


split = class_split_rows(summaries, exact)
browse = common.can("view_quotes")  # scrutiny members see summaries and representative quotes only
tab_names = ["Themes", "Over quarters", "Map of quotes", "All quotes of a theme"]
if not browse:
    tab_names = ["Themes", "Over quarters", "Map of themes"]
tab_list, tab_trend, tab_map, *rest = st.tabs(tab_names)
listed = [s for s in summaries if s.size]  # as many as the overview counts
empty = [s for s in summaries if not s.size]

with tab_list:
    if split:
        st.altair_chart(class_split_chart(split), width="stretch")
        if not exact:
            note = uncharted_note(summaries, exact)
            st.caption(
                (common.md_escape(note) + " " if note else "")
                + "Classes with fewer than 5 quotes are drawn together in purple (small numbers)."
            )
    for s in listed:
        badge = " (pinned)" if s.pinned else ""
        change = f" · {s.change_text}" if s.change_text else ""
        summary_line = f"{s.size_text} quote{'' if s.size_text == '1' else 's'}, {s.mostly}{change}"
        with st.expander(f"{common.md_escape(s.label)}{badge} — {common.md_escape(summary_line)}"):
            st.write(common.md_escape(s.sentence))
            st.caption("Keywords: " + common.md_escape(", ".join(s.keywords)))
            for q in s.quotes:
                common.quote_card(q.text, q.attribution)
    if empty and common.can("edit_themes"):  # not for scrutiny: a theme with no quotes says nothing
        st.caption(
            f"No quotes in {common.md_escape(period)}: "
            + common.md_escape(", ".join(s.label + (" (pinned)" if s.pinned else "") for s in empty))
        )

with tab_trend:
    over_quarters_panel(store, period, periods, result, summaries)

with tab_map:
    quotes = {q.id: q for q in store.quotes(period=period)}
    labels = {s.theme_id: s.label for s in summaries}  # as this user may see them
    mapped = {s.theme_id: _charted(s.size_text, s.size) for s in summaries}  # a dot count gives the size
    mapped[OTHER] = _shown(len(result.other))
    ids = [q for q in result.coords if q in quotes and mapped.get(result.assignment.get(q, OTHER), True)]
    shown = dict(zip(ids, common.display_texts([quotes[i] for i in ids]), strict=True))
    points = pd.DataFrame(
        [
            {
                "x": result.coords[qid][0],
                "y": result.coords[qid][1],
                "theme": labels.get(result.assignment.get(qid, OTHER), "Other"),
                "quote": shown[qid][:160] if browse else "",
            }
            for qid in ids
        ]
    )
    if points.empty:
        common.empty_state("No quotes to map.")
    else:
        chart = (
            alt.Chart(points)
            .mark_circle(size=70, opacity=0.8)
            .encode(
                x=alt.X("x:Q", axis=None),
                y=alt.Y("y:Q", axis=None),
                color=alt.Color("theme:N", legend=alt.Legend(orient="bottom", columns=3)),
                tooltip=["theme", "quote"] if browse else ["theme"],
            )
            .properties(height=460)
        )
        st.altair_chart(chart, width="stretch")
        st.caption("Each dot is a quote; dots close together say similar things (a 2-D map of meaning).")

for tab_quotes in rest:
    with tab_quotes:
        theme_quotes_table(store, result, summaries, quotes)

if common.can("edit_themes"):
    st.divider()
    edit_panel(store, result, summaries, period)
