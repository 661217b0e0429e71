"""Read CSV and XLSX quote files into validated quotes and tags.

The format (``corpus/examples/quotes.csv``): a ``text`` column is required; ``speaker``,
``gender``, ``age``, ``source``, ``period``, ``question``, ``label`` and ``collected_on`` are
optional. Every row is checked; a file with any bad row raises :class:`QuoteFileError` listing
every problem (file, row, column, problem) and nothing is stored. Row numbers are spreadsheet
row numbers: the header is row 1, the first quote row 2.

Files are streamed: :func:`stream_quote_file` yields validated batches so a 100,000-row file is
never held in memory whole (``Store.add_quote_batches`` writes them in one transaction that is
rolled back if a bad row turns up late). :func:`read_quote_file` collects everything, for small
files.

Encodings: UTF-8 (with or without BOM); UTF-16/UTF-32 with a BOM and UTF-16 without one (Excel's
"Unicode text"); Windows-1252 line by line where a line is not UTF-8 (so a file mixing both keeps
every character, with a warning). Binary files (XLSX/XLS/PDF/images renamed .csv, or anything
full of control bytes) are refused with a message saying what they look like.

Limits: a quote may be up to :data:`MAX_TEXT_CHARS` characters and is stored whole; a CSV field
over 131,072 characters is taken for an unclosed double quote and refused. Control characters
other than tab and line breaks are refused (vertical tab and form feed, as Word pastes them,
become line breaks).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voice.errors import VoiceError
from voice.ingest._label_column import set_labels_aside
from voice.ingest._xlsx_limits import SpreadsheetTooBig, bounded_rows, check_xlsx
from voice.ingest.fields import (
    control_character_problem,
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
"""Longest quote accepted (characters); longer ones are refused with the row number, never cut."""
MAX_ERRORS_SHOWN = 50
MAX_ERRORS_KEPT = 1000
"""Problems kept in :class:`QuoteFileError` (the total is always counted)."""
BATCH_ROWS = 1000
SAMPLE_BYTES = 8192

_PAGE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
_SIGNATURES = (
    (b"PK\x03\x04", "an Excel .xlsx (or other zip) file renamed .csv: rename it to .xlsx, or save it as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls or Word file: save it as .xlsx or CSV"),
    (b"%PDF", "a PDF: save the quotes as CSV or .xlsx"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"SQLite format 3", "a SQLite database"),
    (b"\x1f\x8b", "a gzip archive"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _latin1_for_undefined(exc: UnicodeError) -> tuple[str, int]:
    """The five bytes Windows-1252 leaves undefined are read as Latin-1, so nothing is dropped."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error("voice-latin1", _latin1_for_undefined)


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


class QuoteFileError(VoiceError):
    """The file cannot be imported; ``errors`` lists the problems found (``total`` counts them all)."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = max(total or 0, len(errors))
        shown = "\n".join(str(e) for e in errors[:MAX_ERRORS_SHOWN])
        more = self.total - min(len(errors), MAX_ERRORS_SHOWN)
        tail = f"\n... and {more:,} more problems" if more > 0 else ""
        super().__init__(f"{self.total:,} problem(s), nothing was stored:\n{shown}{tail}")


@dataclass
class QuoteFile:
    """Validated contents of one quote file."""

    path: Path
    quotes: list[Quote] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    rows_read: int = 0
    duplicates: int = 0
    warnings: list[str] = field(default_factory=list)


# -- bytes to lines of text ------------------------------------------------------------------------


def _fail(name: str, problem: str, row: int = 0, column: str = "") -> QuoteFileError:
    return QuoteFileError([RowError(name, row, column, problem)])


def _utf16_without_bom(head: bytes) -> str | None:
    """Excel's "Unicode text" is UTF-16 little-endian; recognise it by its NUL bytes."""
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _check_text(head: bytes, name: str) -> None:
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise _fail(name, f"this is not a text CSV file: it looks like {what}")
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 11, 12, 13))
    if controls > max(8, len(head) // 100):  # one stray NUL is reported with its row instead
        raise _fail(name, "this is not a text CSV file (binary content): save the quotes as CSV or .xlsx")


def _utf8_lines(path: Path, name: str, warnings: list[str]) -> Iterator[str]:
    """Lines as UTF-8; a line that is not UTF-8 is read as Windows-1252 and reported."""
    fallback = 0
    first: list[str] = []
    with path.open("rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            if line_no == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                fallback += 1
                if len(first) < 5:
                    first.append(str(line_no))
                yield raw.decode("cp1252", errors="voice-latin1")
    if fallback:
        warnings.append(
            f"{name}: {fallback:,} line(s) are not UTF-8 and were read as Windows-1252 "
            f"(line {', '.join(first)}{' ...' if fallback > len(first) else ''}); "
            "check accented letters and curly quotes"
        )


def _wide_lines(path: Path, name: str, encoding: str) -> Iterator[str]:
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
        try:
            yield from fh
        except UnicodeDecodeError as exc:
            raise _fail(
                name, f"the file starts as {encoding.upper()} but is damaged ({exc.reason})"
            ) from None


def text_lines(path: Path, warnings: list[str] | None = None) -> Iterator[str]:
    """The lines of a text file (line endings kept), whatever its encoding; binary files refused.

    Raises:
        QuoteFileError: the file is empty, binary or damaged UTF-16.
    """
    name = path.name
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            if not head[len(bom) :].strip(b"\x00 \t\r\n"):
                raise _fail(name, "the file is empty")
            return _wide_lines(path, name, encoding)
    if not head.removeprefix(codecs.BOM_UTF8).strip():
        raise _fail(name, "the file is empty")
    wide = _utf16_without_bom(head)
    if wide:
        return _wide_lines(path, name, wide)
    _check_text(head, name)
    return _utf8_lines(path, name, warnings if warnings is not None else [])


# -- lines to rows -----------------------------------------------------------------------------------


def _delimiter(header_line: str) -> str:
    """The delimiter that makes a 'text' column in the header; else the one giving most columns."""
    best, most = ",", 0
    for d in (",", ";", "\t"):
        cells = next(csv.reader([header_line], delimiter=d), [])
        if "text" in (c.strip().lower().lstrip("\ufeff") for c in cells):
            return d
        if len(cells) > most:
            best, most = d, len(cells)
    return best


def _csv_problem(exc: csv.Error, line: int) -> str:
    message = str(exc)
    if "field larger than field limit" in message:
        return (
            f"a field is longer than {csv.field_size_limit():,} characters (line {line}): probably a double "
            'quote (") opened on this row is never closed'
        )
    if "unexpected end of data" in message:
        return (
            f'the file ends inside a quoted field: a double quote (") opened here is never closed ({message})'
        )
    if "expected after" in message:
        return (
            f'a double quote (") ends a field but more text follows it (line {line}); inside a quoted field '
            'write a double quote as two ("")'
        )
    return f"cannot read this row as CSV (line {line}): {message}"


def _numbered_csv_rows(path: Path, warnings: list[str]) -> Iterator[tuple[int, list[str]]]:
    lines = text_lines(path, warnings)
    first = next(lines, None)
    if first is None:
        raise _fail(path.name, "the file is empty")
    reader = csv.reader(itertools.chain([first], lines), delimiter=_delimiter(first), strict=True)
    row_no = 0
    while True:
        row_no += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _fail(path.name, _csv_problem(exc, reader.line_num), row=row_no) from None
        yield row_no, cells


def _numbered_xlsx_rows(path: Path) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        check_xlsx(path)  # before openpyxl: spreadsheet bombs are refused in milliseconds
        wb = load_workbook(path, read_only=True, data_only=True)
    except SpreadsheetTooBig as exc:
        raise _fail(path.name, exc.message) from None
    except Exception as exc:  # openpyxl raises many types for a broken file
        with path.open("rb") as fh:
            hint = "" if fh.read(2) == b"PK" else " (if it is a CSV file, rename it to .csv)"
        raise _fail(path.name, f"not a readable XLSX file ({exc}){hint}") from None
    try:
        if not wb.worksheets:
            raise _fail(path.name, "the workbook has no sheets")
        rows = bounded_rows(wb.worksheets[0].iter_rows(values_only=True))
        while True:
            try:
                row_no, row = next(rows)
            except StopIteration:
                return
            except SpreadsheetTooBig as exc:
                raise _fail(path.name, exc.message) from None
            except Exception as exc:  # a damaged sheet is found only when it is read
                raise _fail(path.name, f"not a readable XLSX file ({exc})") from None
            yield row_no, [("" if v is None else v) for v in row]
    except SpreadsheetTooBig as exc:
        raise _fail(path.name, exc.message) from None
    finally:
        wb.close()


def _with_header(rows: Iterator[tuple[int, list]], name: str) -> Iterator[tuple[int, dict]]:
    header = None
    for row_no, cells in rows:
        if header is None:
            header = [str(c).strip().lower().lstrip("\ufeff") for c in cells]
            if not any(header):
                raise _fail(name, "the header row is empty", row=1)
            twice = next((h for i, h in enumerate(header) if h and h in header[:i]), None)
            if twice is not None:
                raise _fail(name, f"the column '{twice}' appears twice: keep one", row=1, column=twice)
            if "text" not in header:
                found = ", ".join(h for h in header if h)[:300]
                raise _fail(
                    name,
                    f"missing required column 'text' (found: {found}); call the column of quotes 'text'",
                    row=1,
                    column="text",
                )
            continue
        yield row_no, {h: c for h, c in zip(header, cells, strict=False) if h}
    if header is None:
        raise _fail(name, "the file is empty")


def numbered_rows(path: Path, warnings: list[str] | None = None) -> Iterator[tuple[int, dict]]:
    """``(spreadsheet row number, row)`` pairs of a CSV or XLSX file, rows keyed by lower-case header."""
    warnings = warnings if warnings is not None else []
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _with_header(_numbered_xlsx_rows(path), path.name)
    if suffix in (".csv", ".txt", ".tsv"):
        return _with_header(_numbered_csv_rows(path, warnings), path.name)
    raise _fail(path.name, f"unsupported file type '{suffix}': use .csv or .xlsx")


def iter_csv_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a CSV file as dicts keyed by lower-case header."""
    return (row for _, row in _with_header(_numbered_csv_rows(path, []), path.name))


def iter_xlsx_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of the first sheet of an XLSX file as dicts keyed by lower-case header."""
    return (row for _, row in _with_header(_numbered_xlsx_rows(path), path.name))


def iter_rows(path: Path) -> Iterator[dict]:
    """Rows of a CSV or XLSX quote file."""
    return (row for _, row in numbered_rows(path))


# -- rows to quotes ----------------------------------------------------------------------------------


def _cell(row: dict, column: str) -> str:
    value = row.get(column, "")
    return "" if value is None else str(value).replace("\ufeff", "").strip()  # a BOM pasted mid-file


class QuoteStream:
    """A quote file read as validated ``(quotes, tags)`` batches; counts fill in as it is read.

    Iterating yields batches of at most ``batch_size`` new quotes until the first bad row; after
    that it only checks the rest of the file, and at the end raises :class:`QuoteFileError` with
    every problem. So a consumer that stores batches inside one transaction stores all or nothing.
    """

    def __init__(
        self,
        path: str | Path,
        default_source: str | None = None,
        default_period: str | None = None,
        tagged_by: str | None = None,
        progress: Callable[[int], None] | None = None,
        batch_size: int = BATCH_ROWS,
        *,
        default_question: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.default_source = default_source
        self.default_period = default_period
        self.default_question = (default_question or "").strip() or None
        self.who = tagged_by or f"file:{self.path.name}"
        self.progress = progress
        self.batch_size = batch_size
        self.rows_read = 0
        self.quotes = 0
        self.tags = 0
        self.duplicates = 0
        self.warnings: list[str] = []

    def __iter__(self) -> Iterator[tuple[list[Quote], list[Tag]]]:
        name = self.path.name
        if not self.path.exists():
            raise _fail(name, f"no such file: {self.path}")
        if self.path.is_dir():
            raise _fail(name, f"{self.path} is a folder, not a file")
        errors: list[RowError] = []
        total_errors = 0
        seen: dict[str, tuple[int, str | None]] = {}
        quotes: list[Quote] = []
        tags: list[Tag] = []

        def problem(e: RowError) -> None:
            nonlocal total_errors
            total_errors += 1
            if len(errors) < MAX_ERRORS_KEPT:
                errors.append(e)

        labels_aside = set_labels_aside(self.path, self.warnings)
        rows = numbered_rows(self.path, self.warnings)
        while True:
            try:
                row_no, row = next(rows)
            except StopIteration:
                break
            except QuoteFileError as exc:  # the file cannot be read further (e.g. an unclosed quote)
                for e in exc.errors:
                    problem(e)
                break
            self.rows_read += 1
            if self.progress and self.rows_read % 1000 == 0:
                self.progress(self.rows_read)
            if not any(_cell(row, c) for c in row):
                continue  # a blank line is not a quote
            if labels_aside:
                row = {**row, "label": ""}
            quote, label, row_errors = _parse_row(row, name, row_no, self.default_source, self.default_period)
            for e in row_errors:
                problem(e)
            if quote is None:
                continue
            if quote.question is None and self.default_question:
                quote = dataclasses.replace(quote, question=self.default_question)
            if quote.id in seen:
                first_row, first_label = seen[quote.id]
                if label and first_label and label != first_label:
                    problem(
                        RowError(
                            name,
                            row_no,
                            "label",
                            f"same quote as row {first_row} with another label ({first_label} vs {label})",
                        )
                    )
                else:
                    self.duplicates += 1
                continue
            seen[quote.id] = (row_no, label)
            self.quotes += 1
            if total_errors:
                continue  # nothing more will be stored: only look for further problems
            quotes.append(quote)
            if label:
                tags.append(Tag(quote_id=quote.id, label=label, who=self.who, note=name))
                self.tags += 1
            if len(quotes) >= self.batch_size:
                yield quotes, tags
                quotes, tags = [], []
        if self.progress:
            self.progress(self.rows_read)
        if total_errors:
            raise QuoteFileError(errors, total_errors)
        if self.quotes == 0:
            raise _fail(name, "the file has a header but no quote rows under it")
        if quotes:
            yield quotes, tags


def stream_quote_file(
    path: str | Path,
    default_source: str | None = None,
    default_period: str | None = None,
    tagged_by: str | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_ROWS,
    *,
    default_question: str | None = None,
) -> QuoteStream:
    """A quote file as a stream of validated batches (see :class:`QuoteStream`).

    Example::

        stream = stream_quote_file("quotes.csv", progress=print)
        result = store.add_quote_batches(stream, who="alice")  # all rows or none
        print(stream.rows_read, stream.duplicates, stream.warnings)
    """
    return QuoteStream(
        path,
        default_source,
        default_period,
        tagged_by,
        progress,
        batch_size,
        default_question=default_question,
    )


def read_quote_file(
    path: str | Path,
    default_source: str | None = None,
    default_period: str | None = None,
    tagged_by: str | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    default_question: str | None = None,
) -> QuoteFile:
    """Read and validate a whole quote file. Raises :class:`QuoteFileError` if any row is bad.

    Args:
        path: a .csv or .xlsx file.
        default_source: source for rows without one.
        default_period: period for rows without one.
        tagged_by: who the file's labels are attributed to (default ``file:<name>``).
        progress: called with the number of rows read so far, every 1,000 rows.
        default_question: the question asked, for rows without one.
    """
    stream = QuoteStream(
        path, default_source, default_period, tagged_by, progress, default_question=default_question
    )
    result = QuoteFile(path=Path(path))
    for quotes, tags in stream:
        result.quotes.extend(quotes)
        result.tags.extend(tags)
    result.rows_read, result.duplicates, result.warnings = (
        stream.rows_read,
        stream.duplicates,
        stream.warnings,
    )
    return result


def _parse_row(
    row: dict, name: str, row_no: int, default_source: str | None, default_period: str | None
) -> tuple[Quote | None, str | None, list[RowError]]:
    errors: list[RowError] = []

    def check(column: str, parse: Callable[[Any], Any], raw: object) -> Any:
        try:
            return parse(raw)
        except ValueError as exc:
            errors.append(RowError(name, row_no, column, str(exc)))
            return None

    for column, value in row.items():
        problem = control_character_problem(value) if isinstance(value, str) else None
        if problem:
            errors.append(RowError(name, row_no, column, problem))
    if errors:
        return None, None, errors
    text = _cell(row, "text").translate(_PAGE_BREAKS)
    if not text:
        errors.append(RowError(name, row_no, "text", "the quote text is empty"))
    elif len(text) > MAX_TEXT_CHARS:
        errors.append(
            RowError(
                name,
                row_no,
                "text",
                f"the quote is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} "
                "(split it, or check for a missing closing double quote)",
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
        question=(_cell(row, "question") or "").translate(_PAGE_BREAKS) or None,
        collected_on=collected_on,
        imported_from=name,
    )
    return quote, label, errors
