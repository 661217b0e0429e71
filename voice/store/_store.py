"""The quote store: the ``Store`` class, every read and write of quotes, tags, notes, indicators
and the audit log.

SQLite file by default (WAL mode), any SQLAlchemy URL through ``VOICE_DB_URL``; PostgreSQL
(``postgresql://user:pass@host/db``, driven by psycopg 3) is tested beside SQLite. The schema is
created on first use. Tags and the audit log are append-only: rows are inserted, never updated or
deleted, so two officers tagging the same quote at the same moment both keep their tag.

Every database problem (locked, read-only, unreachable, not a database) is raised as
:class:`StoreError` with a one-line explanation; a failed write stores nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine, Table, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from voice.errors import InputError, NotFoundError, StoreError
from voice.records import HUMAN, LABELS, UNDO, Indicator, Note, Quote, Tag
from voice.store._engine import explain, make_engine
from voice.store._tables import (
    INDICATOR_FIELDS,
    audit_table,
    concern_flags_table,
    concern_reviews_table,
    indicators_table,
    notes_table,
    quotes_table,
    tags_table,
)

BATCH_ROWS = 500
"""Rows per INSERT statement (and per id look-up)."""


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    """Times come back naive from SQLite and in the server's zone from PostgreSQL: make them UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _quote_row(q: Quote, at: datetime) -> dict:
    row = {f.name: getattr(q, f.name) for f in dataclasses.fields(Quote)}
    row["created_at"] = at
    return row


def _row_to_quote(row) -> Quote:
    m = row._mapping
    return Quote(**{f.name: m[f.name] for f in dataclasses.fields(Quote)})


def _row_to_tag(row) -> Tag:
    m = row._mapping
    return Tag(
        quote_id=m["quote_id"],
        label=m["label"],
        who=m["who"],
        origin=m["origin"],
        at=_utc(m["at"]),
        model_version=m["model_version"],
        probability=m["probability"],
        note=m["note"],
        id=m["id"],
    )


@dataclasses.dataclass(frozen=True)
class AddResult:
    """What an import added: new quotes, new tags, quotes already stored."""

    quotes_added: int
    tags_added: int
    already_stored: int


class Store:
    """All reads and writes of quotes, tags, notes, indicators and the audit log."""

    def __init__(self, url: str | None = None, engine: Engine | None = None) -> None:
        self.engine = engine or make_engine(url)

    @property
    def url(self) -> str:
        """The database URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Close the pooled connections (the store can still be used: it reconnects)."""
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection in one write transaction: committed at the end, rolled back on any error.

        Raises:
            StoreError: the database refused (locked, read-only, unreachable ...), in one line;
                nothing of the transaction is stored.
        """
        try:
            with self.engine.begin() as conn:
                yield conn
        except DBAPIError as exc:
            raise StoreError(f"could not write to {self.url}: {explain(exc)}") from None

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading; driver errors become a one-line :class:`StoreError`."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except DBAPIError as exc:
            raise StoreError(f"could not read from {self.url}: {explain(exc)}") from None

    # -- quotes and tags -------------------------------------------------------------------

    def add_quotes(self, quotes: Sequence[Quote], tags: Sequence[Tag] = (), who: str = "system") -> AddResult:
        """Store new quotes and tags in one transaction; quotes already stored are skipped.

        A tag is skipped when the same quote already has a tag with the same label, origin,
        author and note, so importing the same file twice adds nothing.
        """
        return self.add_quote_batches([(quotes, tags)], who=who)

    def add_quote_batches(
        self, batches: Iterable[tuple[Sequence[Quote], Sequence[Tag]]], who: str = "system"
    ) -> AddResult:
        """Store a stream of ``(quotes, tags)`` batches in ONE transaction: all of it or nothing.

        For files too big to hold in memory: the reader yields validated batches while this
        writes them; if the stream raises (a bad row late in the file), everything is rolled
        back and the exception is re-raised. Quotes already stored are skipped (also when another
        session stores the same quote at the same moment); tags as in :meth:`add_quotes`.
        On SQLite the write lock is held from the first batch to the end of the stream.
        """
        at = _now()
        quotes_added = tags_added = already = 0
        with self.transaction() as conn:
            for quotes, tags in batches:
                q, t, s = self._add_batch(conn, quotes, tags, at)
                quotes_added, tags_added, already = quotes_added + q, tags_added + t, already + s
            if quotes_added or tags_added:
                self.audit(who, "import", f"{quotes_added} quotes, {tags_added} tags", conn=conn)
        return AddResult(quotes_added, tags_added, already)

    def _add_batch(
        self, conn: Connection, quotes: Sequence[Quote], tags: Sequence[Tag], at: datetime
    ) -> tuple[int, int, int]:
        for t in tags:
            _check_label(t.label)
        ids = list({q.id: None for q in quotes})
        existing: set[str] = set()
        for chunk in _chunks(ids, BATCH_ROWS):
            existing |= set(conn.scalars(select(quotes_table.c.id).where(quotes_table.c.id.in_(chunk))))
        new_rows, seen = [], set(existing)
        for q in quotes:
            if q.id not in seen:
                new_rows.append(_quote_row(q, at))
                seen.add(q.id)
        for chunk in _chunks(new_rows, BATCH_ROWS):
            conn.execute(_insert_if_new(conn, quotes_table), chunk)
        tag_rows = self._new_tag_rows(conn, tags, at)
        for chunk in _chunks(tag_rows, BATCH_ROWS):
            conn.execute(insert(tags_table), chunk)
        return len(new_rows), len(tag_rows), len(existing)

    def _new_tag_rows(self, conn: Connection, tags: Sequence[Tag], at: datetime) -> list[dict]:
        if not tags:
            return []
        qids = list({t.quote_id for t in tags})
        known: set[tuple] = set()
        for chunk in _chunks(qids, BATCH_ROWS):
            rows = conn.execute(
                select(
                    tags_table.c.quote_id,
                    tags_table.c.label,
                    tags_table.c.origin,
                    tags_table.c.who,
                    tags_table.c.note,
                ).where(tags_table.c.quote_id.in_(chunk))
            )
            known |= {tuple(r) for r in rows}
        out = []
        for t in tags:
            _check_label(t.label)
            sig = (t.quote_id, t.label, t.origin, t.who, t.note)
            if sig in known:
                continue
            known.add(sig)
            out.append(_tag_row(t, at))
        return out

    def add_tag(self, tag: Tag) -> Tag:
        """Append one tag (a person's or a model's) and return it with its id and time.

        Raises:
            NotFoundError: no quote has this id (a KeyError).
            InputError: the label is not one of the three (a ValueError).
        """
        _check_label(tag.label)
        at = tag.at or _now()
        with self.transaction() as conn:
            if conn.scalar(select(quotes_table.c.id).where(quotes_table.c.id == tag.quote_id)) is None:
                raise NotFoundError(tag.quote_id)
            result = conn.execute(insert(tags_table), [_tag_row(tag, at)])
            if tag.origin == HUMAN:
                self.audit(tag.who, "tag", f"{tag.quote_id} -> {tag.label}", conn=conn)
        new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        return dataclasses.replace(tag, at=at, id=new_id)

    def undo_tag(self, quote_id: str, who: str, tag_id: int | None = None) -> Tag | None:
        """Withdraw the quote's newest standing human tag by appending an ``undo`` row.

        Nothing is deleted: the history keeps the tag and its undo. Returns the undo row, or
        None when the quote has no human tag to undo, or when ``tag_id`` is given and the
        standing tag is another one (someone has tagged the quote since: theirs is not undone).
        """
        standing = current_tags(self.tag_history(quote_id)).get(quote_id)
        if standing is None or standing.origin != HUMAN:
            return None
        if tag_id is not None and standing.id != tag_id:
            return None
        undo = Tag(quote_id, standing.label, who=who, origin=UNDO, note=f"undoes tag {standing.id}")
        at = _now()
        with self.transaction() as conn:
            result = conn.execute(insert(tags_table), [_tag_row(undo, at)])
            self.audit(
                who, "undo tag", f"{quote_id}: withdrew {standing.label} (tag {standing.id})", conn=conn
            )
        new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        return dataclasses.replace(undo, at=at, id=new_id)

    def add_tags(self, tags: Iterable[Tag]) -> int:
        """Append many tags (e.g. a model's proposals) in one transaction."""
        at = _now()
        rows = []
        for t in tags:
            _check_label(t.label)
            rows.append(_tag_row(t, t.at or at))
        with self.transaction() as conn:
            for chunk in _chunks(rows, BATCH_ROWS):
                conn.execute(insert(tags_table), chunk)
        return len(rows)

    def get_quote(self, quote_id: str) -> Quote | None:
        """The quote with this id (a unique prefix of at least 6 characters also works)."""
        prefix = quote_id.strip().lower()
        with self.connect() as conn:
            row = conn.execute(select(quotes_table).where(quotes_table.c.id == quote_id)).first()
            if row is None and len(prefix) >= 6 and re.fullmatch(r"[0-9a-f]+", prefix):
                rows = conn.execute(
                    select(quotes_table).where(quotes_table.c.id.startswith(prefix)).limit(2)
                ).all()
                row = rows[0] if len(rows) == 1 else None
        return _row_to_quote(row) if row is not None else None

    def quotes(
        self,
        period: str | None = None,
        source: str | None = None,
        periods: Sequence[str] | None = None,
        *,
        include_held: bool = False,
    ) -> list[Quote]:
        """Stored quotes, oldest first, optionally filtered by period(s) and source.

        Quotes held for a safeguarding review (:meth:`held_quote_ids`) are left out unless
        ``include_held``: every theme, count, chart, export and report reads quotes here, so a
        flagged quote reaches none of them until an officer has reviewed it (docs/SAFEGUARDING.md).
        """
        stmt = select(quotes_table).order_by(quotes_table.c.created_at, quotes_table.c.id)
        if not include_held:
            stmt = stmt.where(quotes_table.c.id.not_in(_held_ids()))
        if period:
            stmt = stmt.where(quotes_table.c.period == period)
        if periods:
            stmt = stmt.where(quotes_table.c.period.in_(list(periods)))
        if source:
            stmt = stmt.where(quotes_table.c.source == source)
        with self.connect() as conn:
            return [_row_to_quote(r) for r in conn.execute(stmt)]

    def count_quotes(self) -> int:
        """How many quotes are stored."""
        with self.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(quotes_table)) or 0)

    def periods(self, *, include_held: bool = False) -> list[str]:
        """The distinct quote periods, in order (of quotes not held, unless ``include_held``)."""
        stmt = select(quotes_table.c.period).distinct()
        if not include_held:
            stmt = stmt.where(quotes_table.c.id.not_in(_held_ids()))
        with self.connect() as conn:
            return sorted(p for p in conn.scalars(stmt) if p)

    def sources(self, *, include_held: bool = False) -> list[str]:
        """The distinct quote sources, in order (of quotes not held, unless ``include_held``)."""
        stmt = select(quotes_table.c.source).distinct()
        if not include_held:
            stmt = stmt.where(quotes_table.c.id.not_in(_held_ids()))
        with self.connect() as conn:
            return sorted(s for s in conn.scalars(stmt) if s)

    def held_quote_ids(self) -> set[str]:
        """Quotes held for a safeguarding review: flagged and not yet reviewed, or kept out by the
        newest review. :meth:`quotes`, :meth:`periods` and :meth:`sources` leave them out."""
        with self.connect() as conn:
            return set(conn.scalars(_held_ids().distinct()))

    def tag_history(self, quote_id: str) -> list[Tag]:
        """Every tag of one quote, oldest first."""
        stmt = select(tags_table).where(tags_table.c.quote_id == quote_id).order_by(tags_table.c.id)
        with self.connect() as conn:
            return [_row_to_tag(r) for r in conn.execute(stmt)]

    def all_tags(self, origin: str | None = None) -> list[Tag]:
        """Every tag, oldest first, optionally only one origin (human / model)."""
        stmt = select(tags_table).order_by(tags_table.c.id)
        if origin:
            stmt = stmt.where(tags_table.c.origin == origin)
        with self.connect() as conn:
            return [_row_to_tag(r) for r in conn.execute(stmt)]

    def current_tags(self) -> dict[str, Tag]:
        """The tag that decides each quote's label: newest human tag, else newest model tag."""
        return current_tags(self.all_tags())

    # -- notes and indicators --------------------------------------------------------------

    def add_notes(self, notes: Sequence[Note]) -> int:
        """Store service-development notes; ones already stored are skipped."""
        with self.transaction() as conn:
            rows = [
                {k: getattr(n, k) for k in ("text", "heading", "period", "source_document")} for n in notes
            ]
            return _insert_new(conn, notes_table, rows, _NOTE_KEY)

    def notes(self, period: str | None = None) -> list[Note]:
        """Service-development notes as they stand now (newest version; ``voice.store.add_note``)."""
        from voice.store._notes import current_notes

        with self.connect() as conn:
            return current_notes(conn, period or None)

    def add_indicators(self, rows: Sequence[Indicator], who: str = "system") -> int:
        """Store indicator rows in one transaction; (key, period, document) already stored is skipped."""
        dicts = [{f: getattr(ind, f) for f in INDICATOR_FIELDS} for ind in rows]
        with self.transaction() as conn:
            added = _insert_new(conn, indicators_table, dicts, _INDICATOR_KEY)
            if added:
                self.audit(who, "import indicators", f"{added} rows", conn=conn)
        return added

    def indicators(self, period: str | None = None) -> list[Indicator]:
        """Stored indicator rows in import order, optionally for one period."""
        stmt = select(indicators_table).order_by(indicators_table.c.id)
        if period:
            stmt = stmt.where(indicators_table.c.period == period)
        with self.connect() as conn:
            return [Indicator(**{f: r._mapping[f] for f in INDICATOR_FIELDS}) for r in conn.execute(stmt)]

    # -- audit -----------------------------------------------------------------------------

    def audit(self, who: str, action: str, detail: str = "", *, conn: Connection | None = None) -> None:
        """Append one line to the audit log (exports, theme edits, logins ...).

        With ``conn`` (from :meth:`transaction`) the line is part of that transaction, stored
        with the change it records or not at all; without, it is written in a transaction of its own.

        Raises:
            InputError: ``who`` is empty or blank: every line names someone.
        """
        if not (who or "").strip():
            raise InputError(
                "say who is doing this (--by NAME): the audit log records a name with every change"
            )
        if conn is not None:
            conn.execute(
                insert(audit_table), [{"at": _now(), "who": who, "action": action, "detail": detail}]
            )
            return
        with self.transaction() as own:
            self.audit(who, action, detail, conn=own)

    def audit_log(self, limit: int | None = None) -> list[dict]:
        """The audit log, newest first (times in UTC)."""
        stmt = select(audit_table).order_by(audit_table.c.id.desc())
        if limit:
            stmt = stmt.limit(limit)
        with self.connect() as conn:
            return [{**r._mapping, "at": _utc(r._mapping["at"])} for r in conn.execute(stmt)]


def _held_ids():
    """SELECT of the held quote ids: a flag, and no review or a newest review that keeps it out."""
    reviews = concern_reviews_table
    newest = select(func.max(reviews.c.id)).group_by(reviews.c.quote_id)
    released = select(reviews.c.quote_id).where(reviews.c.id.in_(newest), reviews.c.keep_out.is_(False))
    return select(concern_flags_table.c.quote_id).where(concern_flags_table.c.quote_id.not_in(released))


def current_tags(tags: Iterable[Tag]) -> dict[str, Tag]:
    """Pick each quote's deciding tag from a tag history in insertion order.

    The newest human tag wins; a model tag counts only when no person has tagged the quote.
    An ``undo`` row withdraws the newest human tag still standing, so after an undo the tag
    before it (or the model's proposal) decides again; both rows stay in the history.
    """
    human: dict[str, list[Tag]] = {}
    model: dict[str, Tag] = {}
    for t in tags:
        if t.origin == HUMAN:
            human.setdefault(t.quote_id, []).append(t)
        elif t.origin == UNDO:
            if human.get(t.quote_id):
                human[t.quote_id].pop()
        else:
            model[t.quote_id] = t
    return {**model, **{qid: stack[-1] for qid, stack in human.items() if stack}}


_NOTE_KEY = ("text", "period", "source_document")
_INDICATOR_KEY = ("key", "period", "source_document")


def _insert_if_new(conn: Connection, table: Table):
    """INSERT that skips rows whose primary key is already stored (another session's import)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()
    return insert(table)


def _insert_new(conn: Connection, table: Table, rows: Sequence[dict], key: Sequence[str]) -> int:
    """Insert the rows whose ``key`` columns match no stored row (NULL matches NULL)."""
    added = 0
    for row in rows:
        match = select(table.c.id).where(*[_eq(table.c[k], row[k]) for k in key])
        if conn.scalar(match) is None:
            conn.execute(insert(table), [row])
            added += 1
    return added


def _eq(column, value):
    return column.is_(None) if value is None else column == value


def _check_label(label: str) -> None:
    if label not in LABELS:
        raise InputError(f"unknown label {label!r}: use one of {', '.join(LABELS)}")


def _tag_row(t: Tag, at: datetime) -> dict:
    return {
        "quote_id": t.quote_id,
        "label": t.label,
        "who": t.who,
        "origin": t.origin,
        "at": t.at or at,
        "model_version": t.model_version,
        "probability": t.probability,
        "note": t.note,
    }


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
