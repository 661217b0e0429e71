"""``voice notes``: "you said, we did", the service-development notes of each quarter.

Notes come from a dashboard's "Evidence of children and families voice influencing service
developments" (``voice import-seed``) or are written by officers here or in the app. Every
addition and edit is a new version in the store and a line in the audit log; nothing is
overwritten (``voice notes history ID``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from voice.cli._util import DEFAULT_WHO, Format, app, console, open_store, print_rows, user_errors
from voice.ingest.fields import parse_period
from voice.records import Note
from voice.store import add_note, edit_note, note_history

notes_app = typer.Typer(
    help='"You said, we did": what changed because of what children and families said. '
    "List them (--period), add or edit them.",
)
app.add_typer(notes_app, name="notes")

COLUMNS = ("id", "period", "heading", "theme_id", "text", "who", "at", "source_document")
TABLE_COLUMNS = ("id", "period", "theme_id", "text")


def _row(note: Note) -> dict:
    return {c: getattr(note, c) for c in COLUMNS}


@notes_app.callback(invoke_without_command=True)
def notes(
    ctx: typer.Context,
    period: Annotated[str | None, typer.Option(help="Only this quarter, e.g. '2017/18 Q1'.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """List the service-development notes (newest version of each)."""
    if ctx.invoked_subcommand is not None:
        return
    with user_errors():
        found = open_store().notes(parse_period(period) if period else None)
        columns = TABLE_COLUMNS if fmt is Format.table else COLUMNS
        where = f" for {period}" if period else ""
        print_rows([_row(n) for n in found], columns, fmt, title=f"{len(found)} notes{where}")


@notes_app.command("add")
def add(
    period: Annotated[str, typer.Option(help="The quarter it belongs to, e.g. '2017/18 Q1'.")],
    text: Annotated[str, typer.Option(help="What changed (we did ...).")],
    theme: Annotated[
        str | None,
        typer.Option("--theme", help="A saved theme's id: what children said."),
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Your name (the note and the audit log).")] = (DEFAULT_WHO),
) -> None:
    """Add a note of what changed in a quarter, optionally linked to the theme it answers."""
    with user_errors():
        note = add_note(open_store(), text, parse_period(period), by, theme)
        console.print(f"added note {note.id} for {note.period}", highlight=False)


@notes_app.command("edit")
def edit(
    note_id: Annotated[int, typer.Argument(help="The note's id (`voice notes`).")],
    text: Annotated[str | None, typer.Option(help="The new text.")] = None,
    period: Annotated[str | None, typer.Option(help="Move it to this quarter.")] = None,
    theme: Annotated[
        str | None, typer.Option("--theme", help="Link it to this saved theme ('' to unlink).")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Your name (the edit and the audit log).")] = (DEFAULT_WHO),
) -> None:
    """Edit a note: a new version is stored, the old ones kept (`voice notes history ID`)."""
    with user_errors():
        changes: dict = {}
        if text is not None:
            changes["text"] = text
        if period is not None:
            changes["period"] = parse_period(period)
        if theme is not None:
            changes["theme_id"] = theme or None
        note = edit_note(open_store(), note_id, by, **changes)
        console.print(f"note {note.id} edited ({note.period})", highlight=False)


@notes_app.command("history")
def history(
    note_id: Annotated[int, typer.Argument(help="The note's id (`voice notes`).")],
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """Every version of a note, oldest first, with who wrote it and when."""
    with user_errors():
        versions = note_history(open_store(), note_id)
        columns = ("who", "at", "period", "theme_id", "text") if fmt is Format.table else COLUMNS
        print_rows(
            [_row(n) for n in versions], columns, fmt, title=f"note {note_id}: {len(versions)} versions"
        )
