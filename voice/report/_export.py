"""Building and rendering in one call, quote tables, and audited exports of the appendix."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from voice.errors import InputError
from voice.records import Tag
from voice.report._appendix import (
    TABLE_COLUMNS,
    Appendix,
    Attribution,
    ReportQuote,
    TextTransform,
    _same,
    build_appendix,
    plain_attribution,
)
from voice.report._docx import render_docx
from voice.report._render_markdown import render_markdown
from voice.report._tables import quote_row, write_bytes_atomically, write_table
from voice.store import Store


def appendix_markdown(
    items: Sequence[ReportQuote],
    *,
    text_transform: TextTransform = _same,
    attribution: Attribution = plain_attribution,
    with_counts: bool = True,
    **options: Any,
) -> str:
    """Build and render as Markdown; further ``options`` are :func:`build_appendix`'s."""
    built = build_appendix(items, text_transform=text_transform, attribution=attribution, **options)
    return render_markdown(built, with_counts)


def appendix_docx(
    items: Sequence[ReportQuote],
    *,
    text_transform: TextTransform = _same,
    attribution: Attribution = plain_attribution,
    with_counts: bool = True,
    **options: Any,
) -> bytes:
    """Build and render as DOCX bytes; further ``options`` are :func:`build_appendix`'s."""
    built = build_appendix(items, text_transform=text_transform, attribution=attribution, **options)
    return render_docx(built, with_counts)


def table_rows(
    items: Sequence[ReportQuote],
    text_transform: TextTransform = _same,
    attribution: Attribution = plain_attribution,
) -> list[dict]:
    """The chosen quotes as export rows (:data:`TABLE_COLUMNS`), text transformed."""
    rows = []
    for item in items:
        tag = item.tag or Tag(item.quote.id, item.label, who="", origin="")
        question = text_transform(item.quote.question) if item.quote.question else None
        shown = replace(item.quote, text=text_transform(item.quote.text), question=question)
        row = quote_row(shown, replace(tag, label=item.label))
        row["attribution"] = attribution(item.quote)
        row["theme"] = text_transform(item.theme) if item.theme else ""
        row["label_by"] = "model proposal" if item.proposed else "person"
        rows.append(row)
    return rows


def appendix_table(
    items: Sequence[ReportQuote],
    fmt: str,
    text_transform: TextTransform = _same,
    attribution: Attribution = plain_attribution,
) -> bytes:
    """The chosen quotes as CSV, XLSX or JSON bytes (formulas neutralised by voice.export)."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in ("csv", "xlsx", "json"):
        raise InputError(f"unsupported table format '{fmt}': use csv, xlsx or json")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"quotes.{fmt}"
        write_table(table_rows(items, text_transform, attribution), path, TABLE_COLUMNS)
        return path.read_bytes()


# -- exporting -----------------------------------------------------------------------------------

EXPORT_SUFFIXES = (".md", ".docx", ".csv", ".xlsx", ".json")


def audit_export(store: Store, who: str, appendix: Appendix | None, what: str, n_quotes: int) -> None:
    """Record an export in the audit log: who, what and how many quotes."""
    title = f" '{appendix.title}'" if appendix else ""
    store.audit(who, "export", f"appendix{title}: {n_quotes} quotes as {what}")


def export_appendix(
    store: Store,
    items: Sequence[ReportQuote],
    path: str | Path,
    who: str,
    *,
    text_transform: TextTransform,
    attribution: Attribution = plain_attribution,
    with_counts: bool = True,
    **options: Any,
) -> Appendix:
    """Audit, then write the appendix (.md, .docx) or its quote table (.csv, .xlsx, .json).

    The file is rendered in memory, the audit row is committed, and only then is the file
    written (atomically: a temporary file renamed into place). If the audit cannot be written
    (:class:`voice.errors.StoreError`) nothing is written. ``text_transform`` has no default
    here: an export to a file must say how it is redacted. ``options`` are
    :func:`build_appendix`'s.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise InputError(f"unsupported output type '{suffix}': use {', '.join(EXPORT_SUFFIXES)}")
    options.setdefault("author", who)
    appendix = build_appendix(items, text_transform=text_transform, attribution=attribution, **options)
    if suffix == ".md":
        data = render_markdown(appendix, with_counts).encode("utf-8")
    elif suffix == ".docx":
        data = render_docx(appendix, with_counts)
    else:
        chosen = [i for i in items if i.label in appendix.classes]
        data = appendix_table(chosen, suffix, text_transform, attribution)
    audit_export(store, who, appendix, f"{suffix.lstrip('.')} ({path.name})", appendix.total)
    write_bytes_atomically(path, data)
    return appendix
