"""Dashboard (scrutiny members): the period's indicators beside what children and families say."""

import pandas as pd
import streamlit as st

from voice.indicators import build_dashboard, dashboard_periods, default_period, nearest_with_indicators
from voice.ui import common
from voice.ui.concerns import concern_notice
from voice.ui.notes import you_said_we_did_panel
from voice.ui.themes.panel import linked_themes_panel, voice_summary_panel

st.title("Performance dashboard")
st.caption("Indicators as in the quarterly dashboard, with the voice of children and families beside them.")

store = common.get_store()
concern_notice(store)  # officers only: flagged quotes waiting for a review
periods = dashboard_periods(store)
if not periods:
    how = (
        "Import a dashboard with `voice indicators import FILE`, and quotes on the Tag page."
        if common.can("import")
        else "Ask a Children's Rights officer to load this quarter's dashboard and quotes."
    )
    common.empty_state("No indicators or quotes are loaded yet.", how)
    st.stop()

jump = st.session_state.pop("dashboard_jump", None)  # "Show the nearest quarter" below
if jump in periods:
    st.session_state["period"] = jump
    st.session_state["dashboard_period"] = jump

left, right = st.columns([1, 2])
with left:
    period = common.period_picker(periods, key="dashboard_period", default=default_period(store))
if period is None:  # only without periods, stopped above
    st.stop()
with right:
    rags = st.multiselect(
        "Show RAG",
        ["R", "A", "G"],
        format_func=lambda r: common.RAG_COLOURS[r][1],
        key="dashboard_rag",
        placeholder="All ratings (pick Red to show me the reds)",
    )

with st.spinner("Building the dashboard…"):
    full = build_dashboard(
        store, period, count_formatter=common.format_count, counts_text=common.protect_counts
    )
    board = full.filter_rag(rags)

if not any(not r.is_voice for r in full.rows):
    nearest = nearest_with_indicators(store, period)
    common.empty_state(
        f"No indicators for {common.md_escape(period)}: its performance dashboard has not been loaded yet."
        + (f" The nearest quarter with indicators is {nearest}." if nearest else ""),
        "What children and families said this quarter is below.",
    )
    if nearest and st.button(f"Show {nearest}", key="dashboard_nearest"):
        st.session_state["dashboard_jump"] = nearest
        st.rerun()
elif not board.rows:
    common.empty_state(
        f"No indicators for {common.md_escape(period)} with that rating.",
        "Clear the RAG filter to see them all.",
    )


def _text(value: object) -> str:
    """A cell as text: nothing for a missing value (never "None")."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _rag(rag: str | None) -> str:
    return f"{rag} {common.RAG_COLOURS[rag][1]}" if rag in common.RAG_COLOURS else "not rated"


shown_area = None
for (area, section), rows in board.grouped().items():
    if area != shown_area:  # each outcome area once, its sections under it
        st.subheader(common.md_escape(area))
        shown_area = area
    if section:
        st.markdown(f"**{common.md_escape(section)}**")
    table = pd.DataFrame(
        [
            {
                "Indicator": r.indicator,
                "Value": r.value,
                "RAG": _rag(r.rag),
                "Direction": r.direction,
                f"Trend to {period}": r.trend_text,
                "Count": r.count,
                "Target": _text(r.target),
                "Nat. quartile": _text(r.national_quartile),
                "SN average": _text(r.sn_average),
            }
            for r in rows
        ]
    )
    empty = [c for c in table.columns[4:] if not table[c].astype(bool).any()]  # columns with nothing
    table = table.drop(columns=empty)
    styled = table.style.map(common.rag_cell_style, subset=["RAG"]).hide(axis="index")
    st.table(styled)
st.caption(
    f"Trend: each indicator's value from its first quarter to {period} (· a quarter without a value). "
    "Nat. quartile 1 = top quarter of English councils; SN average = average of statistical neighbours."
)

st.divider()
voice_summary_panel(store, board)
you_said_we_did_panel(store, period)
linked_themes_panel(store, board)
