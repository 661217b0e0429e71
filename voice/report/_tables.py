"""Tables of quotes with their current labels, and safe CSV / XLSX / JSON writers.

Every cell written to a spreadsheet goes through :func:`safe_cell`, which neutralises
formula injection (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return is
prefixed with an apostrophe, as OWASP recommends).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from voice import config
from voice.errors import InputError
from voice.files import replacing
from voice.privacy import export_id, export_key_path, speaker_of
from voice.records import Quote, Tag
from voice.store import Store

QUOTE_COLUMNS = [
    "id",
    "text",
    "label",
    "label_origin",
    "label_by",
    "probability",
    "gender",
    "age",
    "speaker",
    "source",
    "period",
    "question",
    "collected_on",
]

REDACTED_COLUMNS = [
    c if c != "gender" else "attribution" for c in QUOTE_COLUMNS if c not in ("label_by", "age", "speaker")
]
"""Columns of an export for anyone but officers: redacted text, one coarsened attribution."""

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise spreadsheet formulas in text cells; numbers pass through."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def quote_row(q: Quote, tag: Tag | None, *, internal: bool = False) -> dict:
    """One output row: the quote and its current label (empty when untagged).

    A row leaves Voice unless ``internal`` (officers' own commands on the database): then its
    ``id`` is the keyed export id and ``speaker`` / ``gender`` hold no name, only gender, role
    and age (:func:`voice.privacy.safe_speaker`). ``internal`` rows keep the stored id and fields.
    """
    if internal:
        qid, gender, age, speaker = q.id, q.gender or "", q.age, q.speaker or ""
    else:
        safe = speaker_of(q)
        qid, age, speaker = export_id(q.id), safe.age, safe.text
        gender = speaker_of(q.gender or "").description
    return {
        "id": qid,
        "text": q.text,
        "label": tag.label if tag else "",
        "label_origin": (tag.origin if tag else ""),
        "label_by": (tag.model_version or tag.who) if tag else "",
        "probability": tag.probability if tag and tag.probability is not None else "",
        "gender": gender,
        "age": "" if age is None else age,
        "speaker": speaker,
        "source": q.source or "",
        "period": q.period or "",
        "question": q.question or "",
        "collected_on": q.collected_on.isoformat() if q.collected_on else "",
    }


def quote_rows(
    store: Store,
    period: str | None = None,
    source: str | None = None,
    label: str | None = None,
    *,
    internal: bool = False,
) -> list[dict]:
    """Stored quotes with their current labels, filtered; ``label="untagged"`` for no label.

    Rows are fit to leave Voice (keyed ids, no names in speaker fields) unless ``internal``.
    """
    current = store.current_tags()
    quotes = store.quotes(period=period, source=source)
    rows = [quote_row(q, current.get(q.id), internal=internal) for q in quotes]
    if label == "untagged":
        return [r for r in rows if not r["label"]]
    if label:
        return [r for r in rows if r["label"] == label]
    return rows


@contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """A temporary file beside ``path`` that becomes ``path`` only if the block succeeds.

    The temporary file has ``path``'s suffix and mode 0600 (folders created for it 0700); on any
    error it is removed, so a failed export leaves neither a partial file nor an old file
    half-overwritten (:func:`voice.files.replacing`).

    Raises:
        InputError: ``path`` is one of Voice's own files (the database and its -wal/-shm files,
            the users file, the export key ...): an export never overwrites them.
    """
    refuse_voice_files(path)
    with replacing(path) as tmp:
        yield tmp


def voice_files() -> list[Path]:
    """Files Voice keeps for itself, which no export may overwrite."""
    settings = config.settings()
    found = [settings.users_file, export_key_path(), settings.local_names_file]
    for url in (settings.db_url, config.demo_db_url()):
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///file:"):
            database = Path(url.removeprefix("sqlite:///").split("?")[0]).expanduser()
            found += [Path(f"{database}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    cache = config.cache_dir() / "embeddings.sqlite"
    found += [
        cache,
        Path(f"{cache}-wal"),
        Path(f"{cache}-shm"),
        Path(f"{settings.users_file}.lock"),
    ]
    return found


def refuse_voice_files(path: str | Path) -> None:
    """Raise InputError when ``path`` is one of :func:`voice_files` (links and ``..`` resolved)."""
    target = Path(path).expanduser().resolve()
    for own in voice_files():
        if own.expanduser().resolve() == target:
            raise InputError(
                f"{path}: that is one of Voice's own files ({own.name}); write the export elsewhere"
            )


def write_bytes_atomically(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through :func:`atomic_output`."""
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_table(rows: Sequence[dict], path: str | Path, columns: Sequence[str] | None = None) -> Path:
    """Write rows to .csv, .xlsx or .json by the file's suffix, formulas neutralised, atomically."""
    path = Path(path)
    columns = list(columns or (rows[0].keys() if rows else QUOTE_COLUMNS))
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".json"):
        raise InputError(f"unsupported output type '{suffix}': use .csv, .xlsx or .json")
    with atomic_output(path) as tmp:
        _write_table(rows, tmp, columns)
    return path


def _write_table(rows: Sequence[dict], path: Path, columns: list) -> None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for r in rows:
                writer.writerow({c: safe_cell(r.get(c, "")) for c in columns})
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("quotes")
        ws.append(columns)
        for r in rows:
            ws.append([safe_cell(_plain(r.get(c, ""))) for c in columns])
        wb.save(path)
    elif suffix == ".json":
        path.write_text(
            json.dumps([{c: r.get(c) for c in columns} for r in rows], indent=2, default=str),
            encoding="utf-8",
        )


def _plain(value: object) -> object:
    if isinstance(value, str):  # XLSX (XML) cannot hold control characters: show them as U+FFFD
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return str(value)
