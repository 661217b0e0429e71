"""Adding quotes in the app: one typed quote, or a CSV/XLSX file (all rows or none)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from voice.errors import StoreError
from voice.ingest.fields import control_character_problem, parse_period
from voice.ingest.quote_file import QuoteFileError, read_quote_file
from voice.records import Quote
from voice.store import Store
from voice.ui.common import md_escape, speaker, user_name
from voice.ui.tagging import queue_changed

GENDERS = ["", "Female", "Male", "Non-binary", "Parent", "Carer", "Young person"]


def add_quote_form(store: Store) -> None:
    """A form for one quote: text, speaker gender and age, source, period."""
    st.subheader("Add one quote")
    flash = st.session_state.pop("concern_flash", None)
    if flash:
        st.warning(flash, icon=":material/warning:")
    added = st.session_state.pop("add_quote_flash", None)
    if added:
        st.success(added)
    sources = store.sources()
    with st.form("add_quote", clear_on_submit=False):  # kept after an error; cleared once stored
        text = st.text_area("What they said", max_chars=10_000, key="add_quote_text")
        c1, c2 = st.columns(2)
        gender = c1.selectbox("Speaker", GENDERS, key="add_quote_gender")
        age = c2.number_input("Age", min_value=0, max_value=25, value=None, step=1, key="add_quote_age")
        c3, c4 = st.columns(2)
        source = c3.selectbox(
            "Source",
            [*sources, "Other (type below)"],
            index=None,
            placeholder="Choose a source",
            key="add_quote_source",
        )
        other_source = c3.text_input(
            "Other source", placeholder="e.g. Children in Care Council", key="add_quote_other"
        )
        period = c4.text_input("Period (quarter)", placeholder="e.g. 2017/18 Q1", key="add_quote_period")
        submitted = st.form_submit_button("Add quote", type="primary")
    if not submitted:
        return
    errors = []
    if not text.strip():
        errors.append("The quote is empty.")
    typed = {"What they said": text, "Other source": other_source, "Period": period}
    for field_name, value in typed.items():  # the rule file import applies to every cell
        problem = control_character_problem(value)
        if problem:
            errors.append(f"{field_name}: {problem}.")
    period_value = None
    if not period.strip():
        errors.append("Period: say which quarter the quote is from, e.g. 2017/18 Q1.")
    else:
        try:
            period_value = parse_period(period)
        except ValueError as exc:
            errors.append(f"Period: {exc}")
    chosen_source = other_source.strip() or (source if source and not source.startswith("Other") else None)
    if not chosen_source:
        errors.append("Source: choose where the quote came from, or type another source.")
    if errors:
        for e in errors:
            st.error(md_escape(e))
        return
    quote = Quote(
        text=text.strip(),
        source=chosen_source,
        period=period_value,
        gender=gender or None,
        age=int(age) if age is not None else None,
        imported_from="typed in the app",
    )
    try:
        result = store.add_quotes([quote], who=user_name())
    except StoreError as exc:
        st.error(f"Nothing was added: {md_escape(exc)}")
        return
    _screen(store, [quote])
    if result.quotes_added:
        for key in (
            "add_quote_text",
            "add_quote_gender",
            "add_quote_age",
            "add_quote_source",
            "add_quote_other",
        ):
            st.session_state.pop(key, None)  # the period stays: the next quote is often from it too
        st.session_state["add_quote_flash"] = f"Added. It is in the tagging queue now (id {quote.id})."
        queue_changed()
        st.rerun()
    else:
        st.info("That quote is already stored (same words, source and period): nothing added.")


def upload_quotes(store: Store) -> None:
    """Upload a CSV/XLSX, preview it, show every row error, and store all rows or none."""
    st.subheader("Import a file")
    st.caption(
        "CSV or XLSX with a `text` column; optional speaker, gender, age, source, period, question, label."
    )
    uploaded = st.file_uploader("Quote file", type=["csv", "xlsx"], key="quote_upload")
    question = st.text_input(
        "Question asked (optional)",
        key="upload_question",
        help="For rows without a question column: the model reads the question as context.",
    )
    if uploaded is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(uploaded.name).name
        path.write_bytes(uploaded.getvalue())
        try:
            parsed = read_quote_file(path, tagged_by=user_name(), default_question=question)
        except QuoteFileError as exc:
            st.error(f"{md_escape(uploaded.name)}: nothing was imported. Fix these rows and upload again:")
            st.dataframe(
                pd.DataFrame([{"row": e.row, "column": e.column, "problem": e.problem} for e in exc.errors]),
                hide_index=True,
            )
            return
    st.write(
        f"**Preview** — {parsed.rows_read} rows, {len(parsed.quotes)} quotes ({parsed.duplicates} duplicates)"
    )
    st.dataframe(
        pd.DataFrame(
            [
                {"text": q.text, "speaker": speaker(q), "source": q.source, "period": q.period}
                for q in parsed.quotes[:50]
            ]
        ),
        hide_index=True,
    )
    if st.button(f"Import {len(parsed.quotes)} quotes", type="primary", key="confirm_upload"):
        try:
            result = store.add_quotes(parsed.quotes, parsed.tags, who=user_name())
        except StoreError as exc:
            st.error(f"Nothing was imported: {md_escape(exc)}")
            return
        _screen(store, parsed.quotes)
        st.success(
            f"Added {result.quotes_added} quotes and {result.tags_added} tags "
            f"({result.already_stored} already stored) from {md_escape(uploaded.name)}."
        )
        queue_changed()


def _screen(store: Store, quotes: list[Quote]) -> None:
    """Screen the quotes just stored. When any may disclose harm, run the page again so that the
    tagging queue shows it at the top, with a warning above this form."""
    from voice.embed import default_embedder
    from voice.safeguarding import screen_quotes

    flagged = len(screen_quotes(store, quotes, who=user_name(), embedder=default_embedder()).flagged)
    if flagged:
        st.session_state["concern_flash"] = (
            f"{flagged} quote{'s' if flagged != 1 else ''} just added may disclose harm: stored, kept out "
            "of every theme, count and report, and put at the top of the Tagging queue for you to read now."
        )
        queue_changed()
        st.rerun()
