"""Read the "Voice of the Child" appendix of a quarterly dashboard text file.

The appendix (see ``corpus/seeds/000_*.txt``) has three parts that matter:

* ``<Service>: <area> - Summary of views/themes ...`` followed by the headings
  "What's good?", "Don't know", "What's not so good?" and quotes written as
  ``"text" Female, 15``. Each quote is labelled by its heading (a human tag, origin
  "source document").
* "Evidence of children and families voice influencing service developments": narrative
  bullets about meetings and events. These are *not* quotes; they are kept as
  service-development :class:`~voice.records.Note` rows.
* "Feedback from Children and Families about their involvement in SLF": bullets in single
  quotes, which are family feedback: stored as untagged quotes with source
  "Supporting Leicestershire Families".

Files without an appendix (most dashboards) give no quotes and no error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from voice.errors import InputError
from voice.ingest.fields import parse_label, parse_period, parse_speaker
from voice.records import Note, Quote, Tag

SOURCE_DOCUMENT_ORIGIN = "source document"
SLF_SOURCE = "Supporting Leicestershire Families"

_TITLE = re.compile(r"Children and Families Performance\s+FY\s*(\d{4}/\d{2})\s+(Q[1-4])", re.I)
_SUMMARY = re.compile(r"^(?P<source>.+?)\s+-\s+Summary of views", re.I)
_HEADINGS = ("what's good?", "don't know", "what's not so good?")
_QUOTED = re.compile(r'^["\u201c](?P<text>.+)["\u201d]\s*(?P<speaker>[^"\u201c\u201d]*)$')
_DEVELOPMENTS = "evidence of children and families voice influencing service developments"
_SLF = re.compile(r"^feedback from children and families about their involvement in slf", re.I)
_END = "this page is intentionally left blank"


@dataclass
class SeedAppendix:
    """What one dashboard's appendix holds."""

    path: Path
    period: str | None
    quotes: list[Quote] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _straight(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'")


def document_period(text: str) -> str | None:
    """The period of a dashboard from its title: "FY2017/18 Q1" -> "2017/18 Q1"."""
    m = _TITLE.search(text)
    return parse_period(f"{m.group(1)} {m.group(2)}") if m else None


def read_seed_appendix(path: str | Path) -> SeedAppendix:
    """Parse the voice appendix of a dashboard text file (UTF-8 or Windows-1252)."""
    path = Path(path)
    text = read_text(path)
    result = SeedAppendix(path=path, period=document_period(text))
    state, source, label, heading = "", None, None, None
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        low = _straight(line).lower()
        if not line:
            continue
        if low == _END:
            state = ""
            continue
        m = _SUMMARY.match(_straight(line))
        if m:
            state, source, label = "views", m.group("source").strip(), None
            continue
        if low == _DEVELOPMENTS:
            state, heading = "developments", None
            continue
        if _SLF.match(_straight(line)):
            state = "slf"
            continue
        if state == "views":
            if low in _HEADINGS:
                label = parse_label(_straight(line))
                continue
            q = _QUOTED.match(line)
            if q and label:
                _add_quote(result, q.group("text"), q.group("speaker"), source, label, line_no)
            elif label:
                result.warnings.append(f"{path.name} line {line_no}: not a quote, skipped: {line[:60]}")
        elif state == "developments":
            if line.startswith("- "):
                result.notes.append(Note(line[2:].strip(), heading, result.period, path.name))
            elif line.endswith(":"):
                heading = line[:-1].strip()
        elif state == "slf" and line.startswith("- "):
            body = line[2:].strip()
            body = re.sub(r"^['\u2018\"\u201c](.*)['\u2019\"\u201d]$", r"\1", body).strip()
            result.quotes.append(
                Quote(text=body, source=SLF_SOURCE, period=result.period, imported_from=path.name)
            )
    return result


def _add_quote(
    result: SeedAppendix,
    text: str,
    speaker: str,
    source: str | None,
    label: str,
    line_no: int,
) -> None:
    gender, age = None, None
    speaker = speaker.strip()
    if speaker:
        try:
            gender, age = parse_speaker(speaker)
        except ValueError as exc:
            result.warnings.append(f"{result.path.name} line {line_no}: speaker {exc}")
    quote = Quote(
        text=text.strip(),
        source=_straight(source) if source else None,
        period=result.period,
        gender=gender,
        age=age,
        speaker=speaker or None,
        imported_from=result.path.name,
    )
    result.quotes.append(quote)
    result.tags.append(Tag(quote_id=quote.id, label=label, who=SOURCE_DOCUMENT_ORIGIN, note=result.path.name))


def read_text(path: Path) -> str:
    """Read a text file as UTF-8 (with or without BOM), falling back to Windows-1252."""
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file")
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise InputError(f"{path.name}: this is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
