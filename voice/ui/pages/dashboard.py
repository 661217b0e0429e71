"""Dashboard (scrutiny members): the period's indicators beside what children and families say."""

import pandas as pd
import streamlit as st

from voice.indicators import build_dashboard, dashboard_periods
from voice.ui import common
from voice.ui.themes.panel import linked_themes_panel, voice_summary_panel

st.title("Performance dashboard")
st.caption("Indicators as in the quarterly dashboard, with the voice of children and families beside them.")

store = common.get_store()
periods = dashboard_periods(store)
if not periods:
    common.empty_state(
        "No indicators or quotes are loaded yet.",
        "Import a dashboard with `voice indicators import FILE` or quotes on the Tag page.",
    )
    st.stop()

left, right = st.columns([1, 2])
with left:
    quote_periods = set(store.periods())
    with_quotes = [p for p in periods if p in quote_periods]
    period = common.period_picker(periods, key="dashboard_period", default=next(iter(with_quotes), None))
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
    board = build_dashboard(
        store, period, count_formatter=common.format_count, counts_text=common.protect_counts
    ).filter_rag(rags)

if not board.rows:
    common.empty_state(
        f"No indicators for {common.md_escape(period)}" + (" with that rating." if rags else "."),
        "Pick another period or clear the RAG filter.",
    )

trend_periods = ", ".join(board.periods)
for (area, section), rows in board.grouped().items():
    st.subheader(common.md_escape(area))
    if section:
        st.caption(common.md_escape(section))
    table = pd.DataFrame(
        [
            {
                "Indicator": r.indicator,
                "Value": r.value,
                "Count": r.count,
                "Direction": r.direction,
                "RAG": f"{r.rag} {common.RAG_COLOURS[r.rag][1]}" if r.rag in common.RAG_COLOURS else "–",
                "Nat. quartile": r.national_quartile,
                "SN average": r.sn_average,
                "Target": r.target or "",
                "Trend": [v for v in r.trend if v is not None],
            }
            for r in rows
        ]
    )
    st.dataframe(
        table.style.map(common.rag_cell_style, subset=["RAG"]),
        hide_index=True,
        width="stretch",
        column_config={
            "Indicator": st.column_config.TextColumn(width="large"),
            "Trend": st.column_config.LineChartColumn(f"Trend ({trend_periods})", width="small"),
            "Nat. quartile": st.column_config.NumberColumn(help="1 = top quarter of English councils"),
            "SN average": st.column_config.NumberColumn(
                help="Average of statistical neighbours", format="%g"
            ),
        },
    )

st.divider()
voice_summary_panel(store, board)
linked_themes_panel(store, board)
