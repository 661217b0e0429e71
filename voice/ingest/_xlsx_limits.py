"""Spreadsheet bombs: an XLSX file is inspected before openpyxl parses it, and refused over limits.

An XLSX file is a zip of XML. A few kilobytes can declare a sheet of ``A1:XFD1048576`` (17
billion cells that openpyxl pads out one by one) or unpack to a shared string of hundreds of
megabytes (which openpyxl holds in memory whole). :func:`check_xlsx` looks only at the zip's
directory, the first kilobytes of each sheet (where ``<dimension ref=...>`` is) and the declared
sizes (which :mod:`zipfile` enforces while reading), so it answers in milliseconds and little
memory; :func:`bounded_rows` stops a sheet that declares nothing and still grows too big. The
limits are in :mod:`voice.config` (``XLSX_MAX_*``).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from voice import config
from voice.errors import InputError

HEAD_BYTES = 65_536
"""How much of each sheet is read to find its declared dimension (it comes near the top)."""

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref\s*=\s*[\"']([^\"']*)[\"']")
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


class SpreadsheetTooBig(InputError):
    """An XLSX file over one of the limits; the message names the limit (not the file)."""


def _mb(n: int) -> str:
    return f"{n / 1_000_000:,.0f} MB"


def _cell(ref: str) -> tuple[int, int]:
    """(row, column) of a cell reference such as ``XFD1048576``."""
    found = _CELL.match(ref.strip())
    if not found:
        raise SpreadsheetTooBig(f"the sheet declares an unreadable size {ref!r}")
    column = 0
    for letter in found.group(1).upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(found.group(2)), column


def declared_size(ref: str) -> tuple[int, int]:
    """(rows, columns) a ``<dimension ref="A1:XFD1048576">`` declares."""
    first, _, last = ref.partition(":")
    top, left = _cell(first)
    bottom, right = _cell(last or first)
    return bottom - min(top, bottom) + 1, right - min(left, right) + 1


def _check_shape(rows: int, columns: int, where: str) -> None:
    if rows > config.XLSX_MAX_ROWS:
        raise SpreadsheetTooBig(
            f"{where} has {rows:,} rows; at most {config.XLSX_MAX_ROWS:,} are read: split the file"
        )
    if columns > config.XLSX_MAX_COLUMNS:
        raise SpreadsheetTooBig(
            f"{where} has {columns:,} columns; at most {config.XLSX_MAX_COLUMNS:,} are read: "
            "delete the empty columns or save the quotes as CSV"
        )


def check_xlsx(path: Path) -> None:
    """Refuse an XLSX file over the limits before it is parsed.

    Raises:
        SpreadsheetTooBig: too many parts, too much XML once unpacked, too large a shared-string
            table, or a sheet declaring more rows or columns than are read.
        zipfile.BadZipFile: not a zip file (the caller says it is not a readable XLSX file).
    """
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > config.XLSX_MAX_PARTS:
            raise SpreadsheetTooBig(
                f"it holds {len(members):,} parts; an XLSX file of quotes has a few dozen "
                f"(limit {config.XLSX_MAX_PARTS:,})"
            )
        for member in members:
            name = member.filename.lower()
            if name.endswith("sharedstrings.xml") and member.file_size > config.XLSX_MAX_SHARED_STRINGS_BYTES:
                raise SpreadsheetTooBig(
                    f"its shared-string table unpacks to {_mb(member.file_size)}, over the limit of "
                    f"{_mb(config.XLSX_MAX_SHARED_STRINGS_BYTES)}: save the quotes as CSV"
                )
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(member) as sheet:
                    head = sheet.read(HEAD_BYTES)
                declared = _DIMENSION.search(head)
                if not declared and b"sheetData" not in head and len(head) == HEAD_BYTES:
                    raise SpreadsheetTooBig(  # openpyxl would look further and honour what it found
                        f"the sheet {Path(member.filename).stem} has over {HEAD_BYTES // 1024} KB "
                        "before its data: save the quotes as CSV"
                    )
                if declared:
                    rows, columns = declared_size(declared.group(1).decode("ascii", "replace"))
                    _check_shape(rows, columns, f"the sheet {Path(member.filename).stem} (declared size)")
        total = sum(m.file_size for m in members)
        if total > config.XLSX_MAX_UNPACKED_BYTES:
            raise SpreadsheetTooBig(
                f"it unpacks to {_mb(total)} of XML, over the limit of "
                f"{_mb(config.XLSX_MAX_UNPACKED_BYTES)}: split the file or save it as CSV"
            )


def bounded_rows(rows: Iterable[tuple], start: int = 1) -> Iterator[tuple[int, tuple]]:
    """``(row number, row)`` pairs, refused past the row or column limit (for sheets that declare
    no size, or declare less than they hold)."""
    for row_no, row in enumerate(rows, start=start):
        if row_no > config.XLSX_MAX_ROWS or len(row) > config.XLSX_MAX_COLUMNS:
            _check_shape(row_no, len(row), f"the sheet (read up to row {row_no:,})")
        yield row_no, row
