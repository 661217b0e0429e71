"""Service-development notes ("you said, we did"): officers add and edit them, append-only.

A note is a row of ``notes`` (imported from a dashboard, or the first version of one an officer
wrote) and its versions in ``note_versions``; the newest version is the note. Nothing is
overwritten or deleted: :func:`note_history` gives every version. Each addition and edit is one
transaction that also writes the audit log.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import Connection, func, insert, select

from voice import config
from voice.errors import InputError, NotFoundError
from voice.records import Note
from voice.store._store import Store
from voice.store._tables import note_versions_table, notes_table, themes_table

ADDED_IN_VOICE = "added in Voice"
"""The ``source_document`` of a note an officer wrote in Voice."""
MAX_NOTE_CHARS = 4000


class _Keep:
    """Leave this field as it is (for :func:`edit_note`)."""


KEEP: Final = _Keep()


def _utc(at: datetime | None) -> datetime | None:
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def _clean(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text or "").strip()
    if not text:
        raise InputError("a note cannot be empty: say what changed")
    if len(text) > MAX_NOTE_CHARS:
        raise InputError(f"a note is at most {MAX_NOTE_CHARS} characters (got {len(text)})")
    return text


def _who(who: str) -> str:
    who = (who or "").strip()
    if not who:
        raise InputError("say who is writing the note (--by NAME)")
    return who


def _period(period: str | None) -> str:
    period = (period or "").strip()
    if not re.match(config.PERIOD_PATTERN, period):
        raise InputError(f"a note needs a quarter written like 2017/18 Q1 (got {period!r})")
    return period


def _theme(conn: Connection, theme_id: str | None) -> str | None:
    theme_id = (theme_id or "").strip() or None
    if (
        theme_id is not None
        and conn.scalar(select(themes_table.c.id).where(themes_table.c.id == theme_id)) is None
    ):
        raise NotFoundError(f"no saved theme {theme_id!r} (see `voice themes list`)")
    return theme_id


def current_notes(conn: Connection, period: str | None = None) -> list[Note]:
    """Every note as its newest version says, oldest note first; only ``period``'s when given."""
    newest = (
        select(func.max(note_versions_table.c.id)).group_by(note_versions_table.c.note_id).scalar_subquery()
    )
    versions = {
        r.note_id: r
        for r in conn.execute(select(note_versions_table).where(note_versions_table.c.id.in_(newest)))
    }
    out = []
    for r in conn.execute(select(notes_table).order_by(notes_table.c.id)):
        note = Note(r.text, r.heading, r.period, r.source_document, id=r.id)
        v = versions.get(r.id)
        if v is not None:
            note = replace(note, text=v.text, period=v.period, theme_id=v.theme_id, who=v.who, at=_utc(v.at))
        if period is None or note.period == period:
            out.append(note)
    return out


def get_note(store: Store, note_id: int) -> Note:
    """One note as it stands now."""
    with store.connect() as conn:
        found = [n for n in current_notes(conn) if n.id == note_id]
    if not found:
        raise NotFoundError(f"no note {note_id} (see `voice notes`)")
    return found[0]


def add_note(store: Store, text: str, period: str, who: str, theme_id: str | None = None) -> Note:
    """Store an officer's note of what changed for ``period``, optionally linked to a saved theme."""
    text, period, who = _clean(text), _period(period), _who(who)
    with store.transaction() as conn:
        theme_id = _theme(conn, theme_id)
        row = {"text": text, "heading": None, "period": period, "source_document": ADDED_IN_VOICE}
        note_id = conn.execute(insert(notes_table), [row]).inserted_primary_key
        note_id = note_id[0] if note_id else conn.scalar(select(func.max(notes_table.c.id)))
        _version(conn, note_id, text, period, theme_id, who, "add")
        linked = f" (theme {theme_id})" if theme_id else ""
        store.audit(who, "note add", f"note {note_id} for {period}{linked}", conn=conn)
    return get_note(store, note_id)


def edit_note(
    store: Store,
    note_id: int,
    who: str,
    text: str | _Keep = KEEP,
    period: str | _Keep = KEEP,
    theme_id: str | _Keep | None = KEEP,
) -> Note:
    """A new version of a note (the old ones stay: :func:`note_history`); unchanged fields kept."""
    who = _who(who)
    now = get_note(store, note_id)
    new_text = now.text if isinstance(text, _Keep) else _clean(text)
    new_period = now.period if isinstance(period, _Keep) else _period(period)
    with store.transaction() as conn:
        new_theme = now.theme_id if isinstance(theme_id, _Keep) else _theme(conn, theme_id)
        if (new_text, new_period, new_theme) == (now.text, now.period, now.theme_id):
            raise InputError(f"note {note_id} already says that: nothing changed")
        _version(conn, note_id, new_text, new_period, new_theme, who, "edit")
        store.audit(who, "note edit", f"note {note_id} ({new_period})", conn=conn)
    return get_note(store, note_id)


def note_history(store: Store, note_id: int) -> list[Note]:
    """Every version of a note, oldest first (an imported note starts with its imported text)."""
    with store.connect() as conn:
        row = conn.execute(select(notes_table).where(notes_table.c.id == note_id)).first()
        if row is None:
            raise NotFoundError(f"no note {note_id} (see `voice notes`)")
        base = Note(row.text, row.heading, row.period, row.source_document, id=row.id)
        stmt = select(note_versions_table).where(note_versions_table.c.note_id == note_id)
        versions = [
            replace(base, text=v.text, period=v.period, theme_id=v.theme_id, who=v.who, at=_utc(v.at))
            for v in conn.execute(stmt.order_by(note_versions_table.c.id))
        ]
    if base.source_document == ADDED_IN_VOICE:
        return versions
    return [base, *versions]


def _version(
    conn: Connection, note_id: int, text: str, period: str | None, theme_id: str | None, who: str, action: str
) -> None:
    conn.execute(
        insert(note_versions_table),
        [
            {
                "note_id": note_id,
                "text": text,
                "period": period,
                "theme_id": theme_id,
                "who": who,
                "at": datetime.now(UTC),
                "action": action,
            }
        ],
    )
