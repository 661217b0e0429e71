"""Panels shared by the dashboard and the themes page: the voice summary and theme summaries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd
import streamlit as st

from voice.indicators import Dashboard, VoiceIndicator, direction_text
from voice.ingest.fields import period_sort_key, previous_period
from voice.records import LABEL_HEADINGS, MODEL, Quote, Tag
from voice.store import Store
from voice.ui import common

if TYPE_CHECKING:
    from voice.themes import ThemeResult, ThemeSummary

CLASS_ORDER = ["good", "unsure", "not_so_good"]
CLASS_SCALE = alt.Scale(
    domain=[*(LABEL_HEADINGS[c] for c in CLASS_ORDER), "Not checked by a person yet"],
    range=[*(common.LABEL_COLOURS[c] for c in CLASS_ORDER), "#c9c9c9"],
)


def voice_summary_panel(store: Store, board: Dashboard) -> None:
    """The voice indicator of the period from people's tags, with the model's proposals apart."""
    st.subheader("Feedback from children and families")
    v = board.voice.get(board.period)
    exact = common.exact_counts()

    def shown(n: int) -> bool:
        return exact or common.format_count(n) == str(n)

    if v is not None and v.n_proposed:
        st.caption(
            f"Proposed by the model, not yet checked: {common.format_count(v.n_proposed)} quotes "
            "(not counted below, nor in the RAG, until a Children's Rights officer checks them)."
        )
    if v is None or not v.n_tagged:
        why = " No RAG: only people's tags are rated." if v is not None and v.n_proposed else ""
        hint = "Tag quotes on the Tag page to fill this row." if common.can("tag") else ""
        common.empty_state(f"No quotes tagged by people for {common.md_escape(board.period)}.{why}", hint)
        return

    def texts(x: VoiceIndicator) -> dict[str, str]:
        """The period's split as this user may see it: no hidden count by subtraction."""
        return common.protect_counts(x.counts, x.n_tagged)

    if not shown(v.n_tagged):
        common.empty_state(
            f"Fewer than {common.small_number_threshold()} quotes tagged by people for "
            f"{common.md_escape(board.period)}."
        )
        return
    now = texts(v)
    total_shown = now["total"] == str(v.n_tagged)
    cols = st.columns(4)
    for col, label in zip(cols, CLASS_ORDER, strict=False):
        count = now[label]
        exact_share = total_shown and count == str(
            v.counts[label]
        )  # a share of a known total gives the count
        share = f"{v.shares[label] or 0:.0%}" if exact_share else f"{count} quotes"
        col.metric(LABEL_HEADINGS[label], share, help=f"{count} quotes tagged by people")
    cols[3].metric("Quotes tagged by people", now["total"])  # no delta arrow: it would point up for "worse"

    def charted(x: VoiceIndicator, c: str) -> bool:
        t = texts(x)
        return t["total"] == str(x.n_tagged) and t[c] == str(x.counts[c])

    rows = [
        {"period": p, "class": LABEL_HEADINGS[c], "share": x.shares[c] or 0}
        for p, x in sorted(board.voice.items(), key=lambda kv: period_sort_key(kv[0]))
        if x.n_tagged and shown(x.n_tagged)
        for c in CLASS_ORDER
        if charted(x, c)
    ]
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            x=alt.X("period:N", sort=None, title=None),
            y=alt.Y("share:Q", axis=alt.Axis(format="%"), title="share of quotes tagged by people"),
            color=alt.Color("class:N", scale=CLASS_SCALE, title=None),
            order=alt.Order("class:N"),
            tooltip=["period", "class", alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(height=220)
    )
    st.altair_chart(chart, width="stretch")
    rag = v.rag or f"not rated (fewer than {common.small_number_threshold()} quotes tagged by people)"
    hidden = "" if exact else " · classes with fewer than 5 quotes are left out (small numbers)"
    since = f" · since the quarter before: {direction_text(v.direction, 'high')}" if v.direction else ""
    st.caption(
        f"RAG {rag}{since} · from people's tags only · Green: 60% or more good and 20% or less not so good; "
        f"Red: 40% or more not so good, or under 30% good; otherwise Amber{hidden}"
    )


def class_split_chart(rows: Sequence[dict]) -> alt.Chart:
    """A horizontal stacked bar per theme: good / unsure / not so good counts."""
    data = pd.DataFrame(rows)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("theme:N", sort=None, title=None),
            x=alt.X("quotes:Q", title="quotes"),
            color=alt.Color("class:N", scale=CLASS_SCALE, title=None),
            tooltip=["theme", "class", "quotes"],
        )
        .properties(height=max(120, 28 * data["theme"].nunique()) if len(data) else 120)
    )


def previous_of(period: str | None) -> str | None:
    """The quarter before ``period`` (None when it is not a quarter)."""
    try:
        return previous_period(period) if period else None
    except ValueError:
        return None


def quotes_of(store: Store, period: str | None, sources: Sequence[str] = ()) -> list[Quote]:
    """The period's quotes, limited to ``sources`` when any are given."""
    quotes = store.quotes(period=period)
    return [q for q in quotes if q.source in sources] if sources else quotes


def theme_summaries(
    store: Store, result: ThemeResult, period: str | None, previous: ThemeResult | None = None
) -> tuple[list[ThemeSummary], str]:
    """The period's theme summaries and overview as this user may see them.

    Quotes are redacted for everyone (only the tagging page shows them as given), and theme
    labels and keywords have every word hidden that the redactor removes from the period's
    quotes (a label like "bartek / social" is made of single words that redaction alone would
    not recognise). Officers see exact counts and attributions; everyone else sees counts
    under 5 as "<5" and coarsened attributions.
    """
    from voice.themes import overview, summarise_for_role

    quotes = store.quotes(period=period)
    summaries = summarise_for_role(result, quotes, store.current_tags(), common.role(), previous)
    return summaries, overview(summaries, period, result, count_formatter=common.format_count)


def public_theme_labels(store: Store, result: ThemeResult, period: str | None) -> dict[str, str]:
    """Theme id -> label fit to leave the app, for exports: the identifying words of the theme's
    own quotes hidden (never an everyday word such as "school")."""
    from voice.privacy import scrub_words

    text_of = {q.id: q.text for q in store.quotes(period=period)}
    return {
        t.id: scrub_words(
            common.redact_texts([t.label])[0],
            common.identifier_words([text_of[q] for q in t.quote_ids if q in text_of]),
        )
        for t in result.themes
    }


def linked_themes_panel(store: Store, board: Dashboard) -> None:
    """Pick an indicator: the themes of its linked quote sources show beside it."""
    from voice.ui.themes.cache import period_themes

    linked = [r for r in board.rows if r.linked_sources]
    st.subheader("What children and families say about an indicator")
    if not linked:
        common.empty_state("No indicator of this period is linked to a quote source.")
        return
    names = {r.key: r.indicator for r in linked}
    key = common.pick_one("Indicator", names, key="linked_indicator")
    row = next(r for r in linked if r.key == key)
    left, right = st.columns([1, 2])
    with left:
        st.markdown(f"**{common.md_escape(row.indicator)}**")
        st.metric("Value", common.md_escape(row.value) if row.value else "–")
        direction = f" · {common.md_escape(row.direction)}" if row.direction else ""
        st.markdown(f"RAG {common.rag_badge(row.rag)}{direction}", unsafe_allow_html=True)
        st.caption("Linked quotes: " + common.md_escape(", ".join(row.linked_sources)))
    with right:
        in_sources = {q.id for q in quotes_of(store, board.period, row.linked_sources)}
        if not in_sources:
            common.empty_state(f"No quotes from these sources in {common.md_escape(board.period)}.")
            return
        result = period_themes(store, board.period)
        summaries, _ = theme_summaries(store, result, board.period)
        relevant = []
        for s in summaries:
            theme = result.theme(s.theme_id)
            n = len(set(theme.quote_ids) & in_sources) if theme else 0
            if n:
                relevant.append((n, s))
        relevant.sort(key=lambda pair: -pair[0])
        by_id = {q.id: q for q in store.quotes(period=board.period)}
        examples = [q.quote_id for _, s in relevant[:4] for q in s.quotes[:2] if q.quote_id in by_id]
        who = common.attributions([by_id[qid] for qid in examples])  # among the quotes shown here
        for n, s in relevant[:4]:
            st.markdown(
                f"**{common.md_escape(s.label)}** — {common.format_count(n)} of these quotes, {s.mostly}"
            )
            for q in s.quotes[:2]:
                common.quote_card(q.text, who.get(q.quote_id, ""))
        if not relevant:
            common.empty_state("These quotes are not in any theme yet.")


def _whose_label(tag: Tag | None) -> str:
    """A quote's label saying whose it is: a person's tag as the heading, a proposal marked."""
    if tag is None:
        return ""
    if tag.origin == MODEL:
        return f"{LABEL_HEADINGS[tag.label]} (proposed by the model, not checked)"
    return LABEL_HEADINGS[tag.label]


def theme_quotes_table(
    store: Store, result: ThemeResult, summaries: Sequence[ThemeSummary], quotes: dict[str, Quote]
) -> None:
    """Drill down: every quote of one theme, as this user may see it."""
    names = {s.theme_id: s.label for s in summaries}
    chosen = common.pick_one("Theme", names, key="drill_theme")
    theme = result.theme(chosen)
    members = [quotes[qid] for qid in (theme.quote_ids if theme else ()) if qid in quotes]
    if not members:
        common.empty_state("This theme has no quotes in this period.")
        return
    current = store.current_tags()
    shown = common.attributions(members)
    rows = [
        {
            "quote": text,
            "attribution": shown.get(q.id, ""),
            "label": _whose_label(current.get(q.id)),
            "source": q.source or "",
        }
        for q, text in zip(members, common.display_texts(members), strict=True)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
