"""Panels shared by the dashboard and the themes page: the voice summary and theme summaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
UNTAGGED = "Not checked by a person yet"
HIDDEN = "Classes under 5 (not shown apart)"
CLASS_NAMES = {**{c: LABEL_HEADINGS[c] for c in CLASS_ORDER}, "untagged": UNTAGGED}
CLASS_SCALE = alt.Scale(
    domain=[*(LABEL_HEADINGS[c] for c in CLASS_ORDER), UNTAGGED],
    range=[*(common.LABEL_COLOURS[c] for c in CLASS_ORDER), "#c9c9c9"],
)
HIDDEN_COLOUR = "#9e9ac8"  # no class's colour: several classes under 5, drawn together
LABEL_LIMIT = 260
"""Pixels of a theme label beside a bar before it is cut with "…" (the full label is in the tooltip)."""


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
        if charted(x, c) and x.counts[c]  # no 0 bar
    ]
    if rows:  # an empty chart would draw a bare axis
        chart = (
            alt.Chart(pd.DataFrame(rows))
            .mark_bar()
            .encode(
                x=alt.X("period:N", sort=None, title=None),
                y=alt.Y("share:Q", axis=alt.Axis(format="%"), title="share of people's tags"),
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


def shown_labels(summaries: Sequence[ThemeSummary]) -> dict[str, str]:
    """Theme id -> label as charts and lists show it: two themes with one name are told apart."""
    return {tid: name for name, tid in common.unique_names({s.theme_id: s.label for s in summaries}).items()}


def _charted(s: ThemeSummary, exact: bool) -> bool:
    """Whether the class-split chart draws a theme: it has quotes and its count is shown exactly."""
    return bool(s.size) and (exact or s.size_text == str(s.size))


def uncharted_note(summaries: Sequence[ThemeSummary], exact: bool) -> str:
    """What the class-split chart leaves out, named, so that the chart, the overview and the list
    agree: themes whose count is hidden ("<5", or "5+" so that a small count elsewhere cannot be
    worked out from the total). Empty when every theme with quotes is charted."""
    uncharted = [s for s in summaries if s.size and not _charted(s, exact)]
    if not uncharted:
        return ""
    names = "; ".join(f"{s.label} ({s.size_text})" for s in uncharted)
    one = len(uncharted) == 1
    return f"Not charted, {'its count' if one else 'their counts'} hidden (small numbers): {names}."


def class_split_rows(summaries: Sequence[ThemeSummary], exact: bool) -> list[dict]:
    """The bars of the class-split chart as this user may see them.

    Only themes with quotes, and no part of 0 quotes. Outside the officers a theme whose size
    is hidden ("<5") is left out, and the classes hidden inside a shown size are drawn as one
    part in a colour of its own (the size less the parts shown, which anyone can work out), so every bar is as
    long as the count written beside the theme.
    """
    names = shown_labels(summaries)
    rows = []
    for s in summaries:
        if not _charted(s, exact):
            continue
        hidden = 0
        bar = {"theme": names[s.theme_id], "total": s.size}
        for rank, (c, name) in enumerate(CLASS_NAMES.items()):
            n = s.counts.get(c, 0)
            if n and (exact or s.count_texts.get(c) == str(n)):
                rows.append({**bar, "class": name, "quotes": n, "rank": rank})
            else:
                hidden += n
        if hidden:
            rows.append({**bar, "class": HIDDEN, "quotes": hidden, "rank": len(CLASS_NAMES)})
    return rows


def count_axis(title: str) -> alt.Axis:
    """An axis of whole numbers: no "0.5" or "0.000000" ticks."""
    return alt.Axis(title=title, format="d", tickMinStep=1)


def class_split_chart(rows: Sequence[dict]) -> alt.Chart:
    """A horizontal stacked bar per theme, largest first: good / unsure / not so good counts."""
    data = pd.DataFrame(rows)
    present = set(data["class"]) if len(data) else set()
    names = [n for n in [*CLASS_SCALE.domain, HIDDEN] if n in present]  # a legend of what is drawn only
    colours = dict(zip([*CLASS_SCALE.domain, HIDDEN], [*CLASS_SCALE.range, HIDDEN_COLOUR], strict=True))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(
                "theme:N",
                sort=alt.EncodingSortField("total", op="max", order="descending"),
                title=None,
                axis=alt.Axis(labelLimit=LABEL_LIMIT, labelOverlap=False, labelFontSize=12),
            ),
            x=alt.X("quotes:Q", axis=count_axis("quotes"), stack="zero"),
            color=alt.Color(
                "class:N",
                scale=alt.Scale(domain=names, range=[colours[n] for n in names]),
                title=None,
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0),
            ),
            order=alt.Order("rank:Q"),
            tooltip=["theme", "class", "quotes", alt.Tooltip("total", title="quotes in the theme")],
        )
        .properties(height=alt.Step(26))
    )


def over_quarters_rows(
    sizes: Mapping[str, Mapping[str, int]], labels: Mapping[str, str], exact: bool
) -> list[dict]:
    """Rows of the themes-over-quarters chart: quarter -> theme id -> quotes, as this user may see them.

    Outside the officers a count from 1 to 4 is not a value: its row has ``quotes`` None and
    ``hidden`` True (drawn as a grey "<5" band, never as a point).
    """
    rows, run = [], dict.fromkeys(labels, 0)  # a line never joins two counts across a hidden one
    for quarter, by_theme in sizes.items():
        for tid, label in labels.items():
            n = by_theme.get(tid, 0)
            hidden = not exact and common.format_count(n) != str(n)
            run[tid] += hidden
            rows.append(
                {
                    "quarter": quarter,
                    "theme": label,
                    "quotes": None if hidden else n,
                    "hidden": hidden,
                    "shown": common.format_count(n) if not exact else str(n),
                    "low": 1 if hidden else None,
                    "high": common.small_number_threshold() - 1 if hidden else None,
                    "run": run[tid],
                }
            )
    return rows


def over_quarters_chart(rows: Sequence[dict], quarters: Sequence[str]) -> alt.FacetChart:
    """One small chart per theme: its quotes per quarter, hidden small counts as grey bands."""
    data = pd.DataFrame(rows)
    tip: list[str | alt.Tooltip] = ["theme", "quarter", alt.Tooltip("shown", title="quotes")]
    axis = alt.Axis(labelAngle=-40, labelFontSize=10, labelOverlap=False, labelLimit=90)
    x = alt.X("quarter:O", sort=list(quarters), title=None, axis=axis)
    y_axis = count_axis("quotes")
    exact = (
        alt.Chart()
        .transform_filter("!datum.hidden")
        .encode(x=x, y=alt.Y("quotes:Q", axis=y_axis, scale=alt.Scale(domainMin=0)), tooltip=tip)
    )
    band = alt.Chart().transform_filter("datum.hidden").encode(x=x, tooltip=tip)
    band_text = band.transform_calculate(middle="(datum.low + datum.high) / 2").mark_text(fontSize=10)
    band = band.mark_bar(color="#d9d9d9").encode(y=alt.Y("low:Q", axis=y_axis), y2="high:Q")
    return (
        alt.layer(
            band,
            band_text.encode(y=alt.Y("middle:Q", axis=y_axis), text="shown:N"),
            exact.mark_line(color="#1f77b4").encode(detail="run:N"),
            exact.mark_point(filled=True, size=40),
            data=data,
        )
        .properties(width=200, height=110)
        .facet(
            facet=alt.Facet("theme:N", title=None, header=alt.Header(labelLimit=220, labelFontSize=12)),
            columns=2,
        )
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
    from voice.embed import default_theme_embedder
    from voice.themes import overview, summarise_for_role

    quotes = store.quotes(period=period)
    summaries = summarise_for_role(  # small themes join their nearest theme outside the officers' view
        result, quotes, store.current_tags(), common.role(), previous, embedder=default_theme_embedder()
    )
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


def over_quarters_panel(
    store: Store,
    period: str | None,
    periods: Sequence[str],
    result: ThemeResult,
    summaries: Sequence[ThemeSummary],
) -> None:
    """The pinned (framework) themes over the last four quarters up to ``period``: rising or falling."""
    from voice.ui.themes.cache import period_themes

    if period is None:
        common.empty_state("Choose a quarter to see its themes over the quarters before it.")
        return
    key = period_sort_key(period)
    earlier = [p for p in periods if previous_of(p) and period_sort_key(p) <= key]  # quarters only
    quarters = sorted(earlier, key=period_sort_key)[-4:]
    followed = [t.id for t in result.themes if t.pinned]
    if previous_of(period) is None or len(quarters) < 2 or not followed:
        common.empty_state("Themes over quarters need pinned themes and quotes in two quarters or more.")
        return
    results = {p: result if p == period else period_themes(store, p) for p in quarters}
    sizes = {p: {t.id: t.size for t in r.themes} for p, r in results.items()}
    labels = {**public_theme_labels(store, result, period), **shown_labels(summaries)}
    kept = {
        tid: labels[tid] for tid in followed if tid in labels and any(sizes[p].get(tid) for p in quarters)
    }
    rows = over_quarters_rows(sizes, kept, common.exact_counts())
    if not rows:
        common.empty_state("No quotes in the pinned themes in these quarters.")
        return
    st.altair_chart(over_quarters_chart(rows, quarters), width="content")
    small = (
        "" if common.exact_counts() else " Grey bands: fewer than 5 quotes (the exact number is not shown)."
    )
    st.caption(f"Quotes in each pinned theme per quarter, {quarters[0]} to {quarters[-1]}.{small}")


def linked_theme_quotes(
    result: ThemeResult,
    summaries: Sequence[ThemeSummary],
    in_sources: Mapping[str, Quote],
    browse: bool,
    per_theme: int = 2,
) -> list[tuple[ThemeSummary, list[str], list[str]]]:
    """(summary, the theme's quotes from the linked sources, the ones to show), most quotes first.

    Only quotes of ``in_sources`` are counted or shown: a theme's representative quotes from
    those sources first, then (for roles that may browse quotes) its other quotes from them.
    """
    out = []
    for s in summaries:
        theme = result.theme(s.theme_id)
        members = [qid for qid in (theme.quote_ids if theme else ()) if qid in in_sources]
        if not members:
            continue
        shown = [q.quote_id for q in s.quotes if q.quote_id in members]
        if browse:
            shown += [qid for qid in members if qid not in shown]
        out.append((s, members, shown[:per_theme]))
    out.sort(key=lambda item: (-len(item[1]), item[0].label))
    return out


def linked_themes_panel(store: Store, board: Dashboard) -> None:
    """Pick an indicator: the themes of its linked quote sources, and only their quotes, beside it."""
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
        in_sources = {q.id: q for q in quotes_of(store, board.period, row.linked_sources)}
        if not in_sources:
            common.empty_state(f"No quotes from these sources in {common.md_escape(board.period)}.")
            return
        result = period_themes(store, board.period)
        summaries, _ = theme_summaries(store, result, board.period)
        relevant = linked_theme_quotes(result, summaries, in_sources, common.can("view_quotes"))[:4]
        if not relevant:
            common.empty_state("These quotes are not in any theme yet.")
            return
        st.caption(
            f"{common.format_count(len(in_sources))} quotes from these sources in "
            f"{common.md_escape(board.period)}; the themes with most of them:"
        )
        chosen = [in_sources[qid] for _, _, shown in relevant for qid in shown]
        texts = dict(zip([q.id for q in chosen], common.display_texts(chosen), strict=True))
        who = common.attributions(chosen)  # coarsened among the quotes shown here
        for s, members, shown in relevant:
            n = len(members)
            quotes = "quote" if common.format_count(n) == "1" else "quotes"
            every = len(shown) == n and common.format_count(n) == str(n)
            listed = "" if every else f" ({len(shown)} shown)" if shown else " (none shown)"
            st.markdown(f"**{common.md_escape(s.label)}** — {common.format_count(n)} {quotes}{listed}")
            for qid in shown:
                common.quote_card(texts[qid], who.get(qid, ""))


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
