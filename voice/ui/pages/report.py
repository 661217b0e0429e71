"""Report builder (report writers): pick redacted quotes and export the appendix in the seed style."""

from typing import Any

import pandas as pd
import streamlit as st

from voice.errors import StoreError
from voice.privacy import explain_attributions
from voice.records import LABEL_HEADINGS, Quote
from voice.report import (
    REPORT_CLASSES,
    appendix_docx,
    appendix_markdown,
    appendix_table,
    audit_export,
    default_title,
    published_ids,
    select_quotes,
    you_said_we_did,
)
from voice.ui import common
from voice.ui.notes import you_said_we_did_panel
from voice.ui.themes.cache import period_themes
from voice.ui.themes.panel import public_theme_labels

st.title("Report builder")
st.caption(
    "Choose quotes for the “Voice of the Child” appendix. Every export is redacted and small groups' "
    "attributions are coarsened, whoever builds it; each download is recorded in the audit log before "
    "the file is made."
)
store = common.get_store()
periods_all = sorted(store.periods(), reverse=True)
if not periods_all:
    common.empty_state("There are no quotes yet.", "Officers add quotes on the Tag page.")
    st.stop()

c1, c2 = st.columns(2)
default_period = st.session_state.get("period")
periods = c1.multiselect(
    "Periods",
    periods_all,
    default=[default_period if default_period in periods_all else periods_all[0]],
    key="report_periods",
)
sources_all = store.sources()
sources = c2.multiselect("Sources", sources_all, placeholder="All sources")
c3, c4 = st.columns(2)
classes = c3.multiselect(
    "Headings",
    list(REPORT_CLASSES),
    default=list(REPORT_CLASSES),
    format_func=lambda c: LABEL_HEADINGS.get(c, c),
)
show_themes = c4.toggle("Group by theme", value=False, disabled=len(periods) != 1)
include_proposals = st.checkbox(
    "Include the model's proposals (not checked by a person)",
    value=False,
    key="report_proposals",
    help="Off: only quotes tagged by people. On: each proposal is marked "
    "“(proposed by the model, not checked)” in the appendix and “model proposal” in the tables.",
)

if not periods or not classes:
    common.empty_state("Choose at least one period and one heading.")
    st.stop()

themes, representative = {}, set()
if len(periods) == 1:
    result = period_themes(store, periods[0])
    labels = public_theme_labels(store, result, periods[0])  # exports leave the app: words hidden
    themes = {qid: labels.get(tid, "Other") for qid, tid in result.assignment.items()}
    representative = {qid for t in result.themes for qid in t.representative_ids}
    chosen_themes = st.multiselect("Themes", sorted(set(themes.values())), placeholder="All themes")
else:
    chosen_themes = []

items = select_quotes(
    store,
    periods,
    sources=sources or None,
    classes=classes,
    themes=themes or None,
    theme_names=chosen_themes or None,
    include_proposals=include_proposals,
)
if not items:
    common.empty_state(
        "No quotes tagged by people match these choices.",
        "Widen the periods, sources or headings, or include the model's proposals.",
    )
    st.stop()

quotes = [i.quote for i in items]
redacted = dict(zip([q.id for q in quotes], common.redact_texts([q.text for q in quotes]), strict=True))
published = published_ids(store)  # quotes the council itself published with their attributions
explained = explain_attributions(quotes, common.PUBLIC_ROLE, published=published)  # among this table
every = st.toggle("Tick every quote (as the seed appendix does)", value=not representative, key="report_all")
preselect = {q.id for q in quotes} if every or not representative else representative
table = pd.DataFrame(
    [
        {
            "include": i.quote.id in preselect,
            "quote (redacted)": redacted[i.quote.id],
            "attribution": explained[i.quote.id].text or "(none)",
            "why this attribution": explained[i.quote.id].reason,
            "heading": LABEL_HEADINGS[i.label],
            "label by": "model proposal (not checked)" if i.proposed else "person",
            "theme": i.theme or "",
            "source": i.quote.source or "",
            "id": i.quote.id,
        }
        for i in items
    ]
)
n_proposed = sum(i.proposed for i in items)
whose = f"{common.format_count(len(items) - n_proposed)} tagged by people" + (
    f", {common.format_count(n_proposed)} proposed by the model, not checked" if n_proposed else ""
)
st.caption(
    "Attribution: a quote taken from a document the council published keeps the attribution published "
    f"with it (“Female, 15”); any other attribution shared by fewer than {common.small_number_threshold()} "
    "of the quotes exported is coarsened (exact age → age band → “child or young person” → none)."
)
st.write(
    f"{common.format_count(len(items))} quotes match ({whose}); "
    f"{common.format_count(len(preselect & set(table['id'])))} preselected"
    + (" (each theme's representative quotes)." if preselect is representative else ".")
)
edited = st.data_editor(
    table,
    hide_index=True,
    width="stretch",
    disabled=[c for c in table.columns if c != "include"],
    column_config={"include": st.column_config.CheckboxColumn("Include"), "id": None},
    key="report_pick",
)
picked_ids = set(edited.loc[edited["include"], "id"])
picked = [i for i in items if i.quote.id in picked_ids]
if not picked:
    common.empty_state("Tick at least one quote to build the appendix.")
    st.stop()


_lookup = {q.text: redacted[q.id] for q in quotes}
_words = common.identifier_words([q.text for q in store.quotes(periods=periods)])


def transform(text: str) -> str:
    """The redacted text of a chosen quote."""
    return _lookup.get(text) or common.redact_texts([text])[0]


exported = {  # among the quotes exported
    qid: a.text
    for qid, a in explain_attributions(
        [i.quote for i in picked], common.PUBLIC_ROLE, published=published
    ).items()
}
changed = [i for i in picked if exported[i.quote.id] != explained[i.quote.id].text]
if changed:
    st.caption(
        f"{len(changed)} attributions change with the quotes you ticked (groups of fewer than "
        f"{common.small_number_threshold()} are coarsened among the quotes exported); the preview shows them."
    )


def _label(text: str) -> str:
    """A theme label fit to leave the app: redacted, identifying words hidden."""
    from voice.privacy import scrub_words

    return scrub_words(transform(text), _words)


def attribution(q: Quote) -> str:
    """The attribution an exported quote carries (coarsened among the quotes exported)."""
    return exported.get(q.id, "")


options: dict[str, Any] = {
    "text_transform": transform,
    "attribution": attribution,
    "periods": periods,
    "classes": classes,
    "show_themes": show_themes,
    "count_text": lambda n: common.format_count_for(common.PUBLIC_ROLE, n),
    "counts_text": lambda counts, total: common.protect_counts_for(common.PUBLIC_ROLE, counts, total),
    "developments": you_said_we_did(store, periods, transform, _label),
    "author": common.user_name(),
}
markdown = appendix_markdown(picked, **options)
title = default_title([i.quote.source for i in picked], periods)
who = common.user_name()
slug = "voice-appendix-" + "-".join(p.replace("/", "-").replace(" ", "") for p in periods)
FORMATS = {  # label -> (suffix, mime, build): a file is built only after the audited click
    "Word (DOCX)": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda: appendix_docx(picked, **options),
    ),
    "Markdown": ("md", "text/markdown", lambda: markdown.encode("utf-8")),
    "Quotes CSV": ("csv", "text/csv", lambda: appendix_table(picked, "csv", transform, attribution)),
    "Quotes XLSX": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda: appendix_table(picked, "xlsx", transform, attribution),
    ),
}

st.subheader("Downloads")
st.caption("Each download is recorded in the audit log when it is prepared; nothing is offered before.")
chosen_format = st.radio("Format", list(FORMATS), horizontal=True, key="report_format")
suffix, mime, build = FORMATS[chosen_format]
# what the prepared file was made from: any change drops it, so a stale file is never offered
choice = (tuple(periods), tuple(sources), tuple(classes), show_themes, tuple(sorted(picked_ids)), suffix, who)
prepared = st.session_state.get("report_prepared")
if prepared is not None and prepared[0] != choice:
    st.session_state.pop("report_prepared", None)
    prepared = None
if st.button("Prepare download", key="report_prepare", icon=":material/description:"):
    data = build()
    try:
        audit_export(store, who, None, f"{suffix} ('{title}')", len(picked))  # committed first
    except StoreError as exc:
        st.error(f"Nothing was exported: the audit log could not record it ({common.md_escape(exc)}).")
    else:
        prepared = (choice, data)
        st.session_state["report_prepared"] = prepared
if prepared is not None:
    st.download_button(
        f"Download {chosen_format}",
        prepared[1],
        f"{slug}.{suffix}",
        mime=mime,
        on_click="ignore",
        key="report_download",
        type="primary",
        icon=":material/download:",
    )
st.subheader("Preview")
with st.container(border=True):
    st.markdown(markdown)
if len(periods) == 1:
    you_said_we_did_panel(store, periods[0], key="report")
