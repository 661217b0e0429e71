"""The ``voice indicators`` commands: import, show, export and trend dashboard indicators.

A thin layer like the other :mod:`voice.cli` modules: each command parses options, calls the readers in
:mod:`voice.ingest.indicators`, the store or :mod:`voice.indicators`, and prints.
See docs/INDICATORS.md for the layouts, the matching rule and the voice indicator.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from voice.cli._util import (
    DEFAULT_WHO,
    Format,
    console,
    err,
    indicators_app,
    open_store,
    print_rows,
    user_errors,
)
from voice.errors import InputError, NotFoundError
from voice.indicators import (
    VoiceIndicator,
    compute_all_voice_indicators,
    compute_voice_indicator,
    import_indicator_file,
)
from voice.ingest.fields import parse_period, period_sort_key
from voice.ingest.indicators import (
    CSV_COLUMNS,
    IndicatorReadResult,
    indicator_key,
    write_indicator_csv,
)
from voice.records import Indicator
from voice.report import atomic_output, safe_cell, write_table
from voice.store import Store

SHOW_COLUMNS: tuple[str, ...] = (
    "indicator",
    "period",
    "period_label",
    "value",
    "unit",
    "count",
    "direction",
    "polarity",
    "rag",
    "national_quartile",
    "sn_average",
    "target",
    "note",
    "source_document",
    "key",
)
"""The tidy table's columns (``--format csv`` / ``json``)."""

TABLE_COLUMNS: tuple[str, ...] = ("indicator", "period", "value", "rag", "direction")
"""The terminal table: five columns that fit 80 characters (value as written, "99.0%");
``--format csv`` / ``json`` give every column."""

TREND_COLUMNS: tuple[str, ...] = (
    "period",
    "value",
    "unit",
    "count",
    "direction",
    "rag",
    "national_quartile",
    "sn_average",
    "source_document",
)

VOICE_COLUMNS: tuple[str, ...] = (
    "period",
    "people_tagged",
    "model_proposed",
    "n_untagged",
    "good",
    "unsure",
    "not_so_good",
    "pct_good",
    "pct_unsure",
    "pct_not_so_good",
    "previous_period",
    "previous_pct_good",
    "direction",
    "rag",
    "rag_note",
    "text",
    "provisional_text",
)
"""The voice indicator's columns: every figure from people's tags, except ``provisional_*``."""
VOICE_JSON_COLUMNS = (*VOICE_COLUMNS, "provisional_shares_from_proposals")


class Rag(StrEnum):
    """RAG ratings."""

    R = "R"
    A = "A"
    G = "G"


PeriodOption = Annotated[
    str | None, typer.Option(help="Only this period, e.g. '2017/18 Q1' (or 'Q1 2017/2018').")
]


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _period(text: str | None) -> str | None:
    """The canonical period of an option, or None."""
    return parse_period(text) if text else None


def _report_import(path: Path, result: IndicatorReadResult, added: int) -> None:
    """Print one file's counts, then every warning and raw line on standard error."""
    for warning in result.warnings:
        err.print(f"warning: {warning}", highlight=False, markup=False)
    for line_no, text in result.raw_lines:
        err.print(
            f"kept raw: {result.source_document} line {line_no}: {text[:100]}", highlight=False, markup=False
        )
    if not result.rows:
        console.print(
            f"{path.name}: 0 indicator rows found ({result.lines_read} lines read)", highlight=False
        )
        return
    console.print(
        f"{path.name} ({result.layout}, {result.period or 'no period'}): "
        f"{result.lines_read} lines read, {result.parsed} rows parsed, {result.kept_raw} kept raw, "
        f"{_plural(len(result.warnings), 'warning')}; "
        f"added {added} rows ({result.parsed - added} already stored)",
        highlight=False,
    )


def _as_dict(row: Indicator) -> dict:
    """An indicator as a dict of the canonical columns."""
    return {name: getattr(row, name) for name in CSV_COLUMNS}


def _in_time_order(rows: Sequence[Indicator]) -> list[Indicator]:
    """Rows sorted by period (stable: import order within a period)."""
    return sorted(rows, key=lambda r: period_sort_key(r.period or ""))


def select_indicators(
    store: Store,
    period: str | None = None,
    key_contains: str | None = None,
    rag: str | None = None,
) -> list[Indicator]:
    """Stored rows filtered by period, a case-insensitive key/name substring and RAG."""
    rows = store.indicators(period=period)
    if key_contains:
        needle = key_contains.lower()
        rows = [r for r in rows if needle in r.key or needle in r.indicator.lower()]
    if rag:
        rows = [r for r in rows if r.rag == rag]
    return _in_time_order(rows)


def trend_rows(store: Store, key_or_text: str) -> list[Indicator]:
    """One indicator across periods, oldest first.

    Matches the argument's ``indicator_key`` exactly; failing that, rows whose key contains the
    argument (lower case). Raises ``NotFoundError`` when nothing matches and ``InputError`` when the
    substring matches several indicators (naming them).
    """
    rows = store.indicators()
    key = indicator_key(key_or_text)
    exact = [r for r in rows if r.key == key]
    if exact:
        return _in_time_order(exact)
    needles = {key_or_text.strip().lower(), key}
    loose = [r for r in rows if any(n and n in r.key for n in needles)]
    keys = sorted({r.key for r in loose})
    if not keys:
        raise NotFoundError(f"no indicator matches {key_or_text!r} (see `voice indicators show`)")
    if len(keys) > 1:
        listed = "; ".join(keys[:10]) + (" ..." if len(keys) > 10 else "")
        raise InputError(f"{len(keys)} indicators match {key_or_text!r}, be more specific: {listed}")
    return _in_time_order(loose)


def write_indicators(rows: Sequence[Indicator], output: Path) -> None:
    """Write rows by suffix: canonical CSV, JSON, or XLSX (formulas neutralised)."""
    suffix = output.suffix.lower()
    if suffix not in (".csv", ".json", ".xlsx"):
        raise InputError(f"unsupported output type '{suffix}': use .csv, .xlsx or .json")
    with atomic_output(output) as tmp:  # a failure leaves no partial file
        if suffix == ".csv":
            write_indicator_csv(list(rows), tmp)
        elif suffix == ".json":
            write_table([_as_dict(r) for r in rows], tmp, CSV_COLUMNS)
        else:
            _write_xlsx(rows, tmp)


def _write_xlsx(rows: Sequence[Indicator], output: Path) -> None:
    """An "indicators" sheet with the canonical columns."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("indicators")
    ws.append(list(CSV_COLUMNS))
    for row in rows:
        ws.append([safe_cell(getattr(row, name)) for name in CSV_COLUMNS])
    wb.save(output)


# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------


@indicators_app.command("import")
def import_indicators(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Dashboard text files (corpus/seeds/*.txt) or canonical indicator .csv files."),
    ],
) -> None:
    """Import dashboard indicators; re-importing the same file adds nothing.

    The layout is detected from the content (see docs/INDICATORS.md); a .csv must be in the
    canonical format written by `voice indicators export`. Per file it prints lines read, rows
    parsed, lines kept raw, rows added and already stored; warnings (file and line) go to
    standard error. A file without a dashboard reports 0 rows and is not an error.
    """
    with user_errors():
        store = open_store()
        for path in paths:
            imported = import_indicator_file(store, path, who="indicators import")
            result = imported.result
            _report_import(path, result, imported.added)
            if imported.notes:
                console.print(
                    f"{path.name}: {len(imported.notes)} report paragraphs kept as report text for "
                    f"{result.period or 'no period'} ({imported.notes_added} added)",
                    highlight=False,
                )


@indicators_app.command("show")
def show(
    period: PeriodOption = None,
    key_contains: Annotated[
        str | None, typer.Option(help="Only indicators whose name or key contains this text.")
    ] = None,
    rag: Annotated[Rag | None, typer.Option(help="Only this RAG rating: R, A or G.")] = None,
    fmt: Annotated[
        Format, typer.Option("--format", help="table (main columns), csv or json (every column).")
    ] = Format.table,
) -> None:
    """List stored indicators as a tidy table, in period order."""
    with user_errors():
        rows = select_indicators(open_store(), _period(period), key_contains, rag.value if rag else None)
        dicts = [{c: getattr(r, c) for c in SHOW_COLUMNS} for r in rows]
        if fmt is Format.table:
            for d, r in zip(dicts, rows, strict=True):
                d["value"] = _shown_value(r)
            title = f"{len(rows)} indicator rows (every column: --format csv or json)"
            print_rows(dicts, TABLE_COLUMNS, fmt, title=title)
        else:
            print_rows(dicts, SHOW_COLUMNS, fmt)


def _shown_value(row: Indicator) -> str:
    """The value as the dashboard wrote it ("99.0%"), else the number and unit, else the note."""
    if row.value_text:
        return row.value_text
    if row.value is not None:
        return f"{row.value:g}{row.unit or ''}"
    return row.note or ""


@indicators_app.command("export")
def export(
    output: Annotated[
        Path, typer.Argument(help="Output file: .csv (canonical, re-importable), .json or .xlsx.")
    ],
    period: PeriodOption = None,
) -> None:
    """Export stored indicators with every canonical column."""
    with user_errors():
        store = open_store()
        rows = _in_time_order(store.indicators(period=_period(period)))
        if output.suffix.lower() not in (".csv", ".json", ".xlsx"):
            raise InputError(f"unsupported output type '{output.suffix}': use .csv, .xlsx or .json")
        store.audit(DEFAULT_WHO, "export indicators", f"{len(rows)} rows to {output.name}")  # audit first
        write_indicators(rows, output)
        console.print(f"wrote {len(rows)} indicator rows to {output}", highlight=False)


@indicators_app.command("trend")
def trend(
    key_or_text: Annotated[
        str, typer.Argument(help="An indicator name or key (as in any dashboard), or part of one.")
    ],
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """Show one indicator across periods, oldest first.

    The argument is matched by the same key rule the importer uses (case, qualifiers such as
    "(low = good)" and known rewordings ignored); failing that, by a substring of the key.
    """
    with user_errors():
        rows = trend_rows(open_store(), key_or_text)
        dicts = [{c: getattr(r, c) for c in (*TREND_COLUMNS, "indicator", "key")} for r in rows]
        columns = TREND_COLUMNS if fmt is Format.table else (*TREND_COLUMNS, "indicator", "key")
        print_rows(dicts, columns, fmt, title=rows[0].indicator)


@indicators_app.command("voice")
def voice(
    period: Annotated[
        str | None, typer.Option(help="The period, e.g. '2017/18 Q1' (default: the latest with quotes).")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Only quotes from this source.")] = None,
    all_periods: Annotated[bool, typer.Option("--all", help="Every period that has quotes.")] = False,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """The voice indicator: shares of good / unsure / not so good quotes in a period.

    Counts people's tags only (each quote's newest standing human tag). Quotes whose label is
    only the model's proposal are counted apart (model_proposed) and their split is shown as
    provisional; they are in no share, direction or RAG. Direction compares share good with the
    previous quarter (5 points or more is better/worse). RAG: none with fewer than 5 quotes
    tagged by people; G when good >= 60% and not so good <= 20%; R when not so good >= 40% or
    good < 30%; otherwise A.
    """
    with user_errors():
        results = _voice_results(open_store(), _period(period), source, all_periods)
        rows = [r.as_row() for r in results]
        if fmt is Format.table and len(results) == 1:
            _print_voice(results[0])
        else:
            columns = VOICE_JSON_COLUMNS if fmt is Format.json else VOICE_COLUMNS
            print_rows(rows, columns, fmt, title="voice indicator (people's tags)")


def _voice_results(
    store: Store, period: str | None, source: str | None, all_periods: bool
) -> list[VoiceIndicator]:
    """The voice indicator for one period, the latest one, or all of them."""
    if all_periods:
        results = compute_all_voice_indicators(store, source)
    else:
        if period is None:
            periods = sorted(store.periods(), key=period_sort_key)
            if not periods:
                raise InputError("no quotes with a period are stored (see `voice import-seed`)")
            period = periods[-1]
        results = [compute_voice_indicator(store, period, source)]
    if not results:
        raise InputError("no quotes with a period are stored (see `voice import-seed`)")
    return results


def _print_voice(v: VoiceIndicator) -> None:
    """A short readable summary of one period's voice indicator."""
    previous = (
        f"{v.previous_period}: good {round(v.previous_share_good * 100)}%"
        if v.previous_share_good is not None
        else f"{v.previous_period or 'previous period'}: no quotes tagged by people"
    )
    console.print(f"voice indicator {v.period}{f' (source {v.source})' if v.source else ''}", highlight=False)
    console.print(f"  {v.text}", highlight=False)
    console.print(
        f"  {v.n_tagged} tagged by people, {v.n_proposed} proposed by the model (not yet checked), "
        f"{v.n_untagged} untagged",
        highlight=False,
    )
    if v.n_proposed:
        console.print(f"  provisional, not counted: {v.provisional_text}", highlight=False)
    console.print(f"  direction: {v.direction or 'n/a'} (previous {previous})", highlight=False)
    console.print(f"  RAG: {v.rag or f'none ({v.rag_note})'}", highlight=False)


def _plural(n: int, word: str) -> str:
    """``1 warning`` / ``2 warnings``."""
    return f"{n} {word}{'' if n == 1 else 's'}"
