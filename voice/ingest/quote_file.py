"""Read CSV and XLSX quote files into validated quotes and tags.

The format (``corpus/examples/quotes.csv``): a ``text`` column is required; ``speaker``,
``gender``, ``age``, ``source``, ``period``, ``question``, ``label`` and ``collected_on`` are
optional. Every row is checked before anything is stored; a file with any bad row raises
:class:`QuoteFileError` listing every problem (file, row, column, problem). Row numbers are
spreadsheet row numbers: the header is row 1, the first quote row 2.

CSV is read as UTF-8, UTF-8 with BOM, or Windows-1252 (in that order), streamed row by row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from voice.ingest.fields import (
    parse_age,
    parse_date,
    parse_gender,
    parse_label,
    parse_period,
    parse_speaker,
)
from voice.records import Quote, Tag

COLUMNS = ("text", "speaker", "gender", "age", "source", "period", "question", "label", "collected_on")
MAX_TEXT_CHARS = 20_000
MAX_ERRORS_SHOWN = 50


@dataclass(frozen=True)
class RowError:
    """One problem in one cell of an input file."""

    file: str
    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "header"
        col = f", column '{self.column}'" if self.column else ""
        return f"{self.file}, {where}{col}: {self.problem}"


class QuoteFileError(Exception):
    """The file cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:MAX_ERRORS_SHOWN])
        more = len(errors) - MAX_ERRORS_SHOWN
        tail = f"\n... and {more} more problems" if more > 0 else ""
        super().__init__(f"{len(errors)} problem(s), nothing was stored:\n{shown}{tail}")


@dataclass
class QuoteFile:
    """Validated contents of one quote file."""

    path: Path
    quotes: list[Quote] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    rows_read: int = 0
    duplicates: int = 0
    warnings: list[str] = field(default_factory=list)


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise QuoteFileError([RowError(name, 0, "", "the file is empty")])
    sample = data[:8192]
    if b"\x00" in sample or sample.startswith(b"PK\x03\x04"):
        raise QuoteFileError(
            [RowError(name, 0, "", "this is not a text CSV file (binary content); save it as CSV")]
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def iter_csv_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a CSV file as dicts keyed by lower-case header."""
    text = _decode(path.read_bytes(), path.name)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    yield from _rows_with_header(reader, path.name)


def iter_xlsx_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of the first sheet of an XLSX file as dicts keyed by lower-case header."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise QuoteFileError([RowError(path.name, 0, "", f"not a readable XLSX file ({exc})")]) from None
    try:
        sheet = wb.worksheets[0]
        rows = ([("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True))
        yield from _rows_with_header(rows, path.name)
    finally:
        wb.close()


def _rows_with_header(rows, name: str) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    header = None
    for cells in rows:
        if header is None:
            header = [str(c).strip().lower().lstrip("\ufeff") for c in cells]
            if not any(header):
                raise QuoteFileError([RowError(name, 1, "", "the header row is empty")])
            if "text" not in header:
                raise QuoteFileError(
                    [
                        RowError(
                            name,
                            1,
                            "text",
                            f"missing required column 'text' (found: {', '.join(h for h in header if h)})",
                        )
                    ]
                )
            continue
        yield {h: c for h, c in zip(header, cells, strict=False) if h}
    if header is None:
        raise QuoteFileError([RowError(name, 0, "", "the file is empty")])


def iter_rows(path: Path) -> Iterator[dict]:
    """Rows of a CSV or XLSX quote file."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return iter_xlsx_rows(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return iter_csv_rows(path)
    raise QuoteFileError([RowError(path.name, 0, "", f"unsupported file type '{suffix}': use .csv or .xlsx")])


def _cell(row: dict, column: str) -> str:
    value = row.get(column, "")
    return "" if value is None else str(value).strip()


def read_quote_file(
    path: str | Path,
    default_source: str | None = None,
    default_period: str | None = None,
    tagged_by: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> QuoteFile:
    """Read and validate a quote file. Raises :class:`QuoteFileError` if any row is bad.

    Args:
        path: a .csv or .xlsx file.
        default_source: source for rows without one.
        default_period: period for rows without one.
        tagged_by: who the file's labels are attributed to (default ``file:<name>``).
        progress: called with the number of rows read so far, every 1,000 rows.
    """
    path = Path(path)
    if not path.exists():
        raise QuoteFileError([RowError(path.name, 0, "", f"no such file: {path}")])
    result = QuoteFile(path=path)
    errors: list[RowError] = []
    seen: dict[str, tuple[int, str | None]] = {}
    who = tagged_by or f"file:{path.name}"
    for row_no, row in enumerate(iter_rows(path), start=2):
        result.rows_read += 1
        if progress and result.rows_read % 1000 == 0:
            progress(result.rows_read)
        if not any(_cell(row, c) for c in row):
            continue  # a blank line is not a quote
        quote, label, row_errors = _parse_row(row, path.name, row_no, default_source, default_period)
        errors.extend(row_errors)
        if quote is None:
            continue
        if quote.id in seen:
            first_row, first_label = seen[quote.id]
            if label and first_label and label != first_label:
                errors.append(
                    RowError(
                        path.name,
                        row_no,
                        "label",
                        f"same quote as row {first_row} with a different label ({first_label} vs {label})",
                    )
                )
            else:
                result.duplicates += 1
            continue
        seen[quote.id] = (row_no, label)
        result.quotes.append(quote)
        if label:
            result.tags.append(Tag(quote_id=quote.id, label=label, who=who, note=path.name))
    if progress:
        progress(result.rows_read)
    if errors:
        raise QuoteFileError(errors)
    if result.rows_read == 0:
        raise QuoteFileError([RowError(path.name, 0, "", "the file has a header but no rows")])
    return result


def _parse_row(
    row: dict, name: str, row_no: int, default_source: str | None, default_period: str | None
) -> tuple[Quote | None, str | None, list[RowError]]:
    errors: list[RowError] = []

    def check(column: str, parse, raw: str):  # type: ignore[no-untyped-def]
        try:
            return parse(raw)
        except ValueError as exc:
            errors.append(RowError(name, row_no, column, str(exc)))
            return None

    text = _cell(row, "text")
    if not text:
        errors.append(RowError(name, row_no, "text", "the quote text is empty"))
    elif len(text) > MAX_TEXT_CHARS:
        errors.append(
            RowError(
                name,
                row_no,
                "text",
                f"the quote is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}",
            )
        )
    gender, age = None, None
    speaker = _cell(row, "speaker")
    if speaker:
        gender, age = check("speaker", parse_speaker, speaker) or (None, None)
    if _cell(row, "gender"):
        gender = parse_gender(_cell(row, "gender"))
    if _cell(row, "age"):
        age = check("age", parse_age, _cell(row, "age"))
    period_raw = _cell(row, "period") or (default_period or "")
    period = check("period", parse_period, period_raw) if period_raw else None
    label = check("label", parse_label, _cell(row, "label")) if _cell(row, "label") else None
    collected = row.get("collected_on")
    collected_on = check("collected_on", parse_date, collected) if _cell(row, "collected_on") else None
    if errors:
        return None, None, errors
    quote = Quote(
        text=text,
        source=_cell(row, "source") or default_source,
        period=period,
        gender=gender,
        age=age,
        speaker=speaker or None,
        question=_cell(row, "question") or None,
        collected_on=collected_on,
        imported_from=name,
    )
    return quote, label, errors
