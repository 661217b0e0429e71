"""The quote store: SQLAlchemy 2 tables and the functions that read and write them.

SQLite file by default (WAL mode), any SQLAlchemy URL through ``VOICE_DB_URL``
(PostgreSQL included). The schema is created on first use. Tags and the audit log are
append-only: rows are inserted, never updated or deleted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.exc import OperationalError

from voice import config
from voice.records import HUMAN, LABELS, Indicator, Note, Quote, Tag

metadata = MetaData()

quotes_table = Table(
    "quotes",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("text", Text, nullable=False),
    Column("source", String(200)),
    Column("period", String(20), index=True),
    Column("gender", String(40)),
    Column("age", Integer),
    Column("speaker", String(200)),
    Column("question", Text),
    Column("collected_on", Date),
    Column("imported_from", String(300)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

tags_table = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("quote_id", String(32), ForeignKey("quotes.id"), nullable=False, index=True),
    Column("label", String(20), nullable=False),
    Column("who", String(200), nullable=False),
    Column("origin", String(10), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("model_version", String(100)),
    Column("probability", Float),
    Column("note", Text),
)

notes_table = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("text", Text, nullable=False),
    Column("heading", String(300)),
    Column("period", String(20)),
    Column("source_document", String(300)),
    UniqueConstraint("text", "period", "source_document", name="uq_note"),
)

INDICATOR_FIELDS = [
    f.name for f in dataclasses.fields(Indicator) if f.name not in ("extra", "raw", "line_no")
]

indicators_table = Table(
    "indicators",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False, index=True),
    Column("indicator", Text, nullable=False),
    Column("period", String(20), index=True),
    Column("outcome_area", Text),
    Column("section", Text),
    Column("period_label", String(60)),
    Column("value", Float),
    Column("unit", String(20)),
    Column("value_text", Text),
    Column("count", Float),
    Column("denominator", Float),
    Column("previous_value", Float),
    Column("previous_period", String(60)),
    Column("direction", String(40)),
    Column("polarity", String(10)),
    Column("rag", String(1)),
    Column("national_quartile", Integer),
    Column("sn_average", Float),
    Column("target", String(100)),
    Column("note", Text),
    Column("source_document", String(300)),
    UniqueConstraint("key", "period", "source_document", name="uq_indicator"),
)

audit_table = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("who", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("detail", Text),
)


class StoreError(Exception):
    """A database problem explained in one line (locked, read-only, unreachable)."""


def _now() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (default: the configured one), creating the schema."""
    url = url or config.settings().db_url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///file:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        metadata.create_all(engine)
    except OperationalError as exc:
        raise StoreError(f"cannot open the database {engine.url!r}: {exc.orig}") from exc
    return engine


def _quote_row(q: Quote, at: datetime) -> dict:
    row = {f.name: getattr(q, f.name) for f in dataclasses.fields(Quote)}
    row["created_at"] = at
    return row


def _row_to_quote(row) -> Quote:  # type: ignore[no-untyped-def]
    m = row._mapping
    return Quote(**{f.name: m[f.name] for f in dataclasses.fields(Quote)})


def _row_to_tag(row) -> Tag:  # type: ignore[no-untyped-def]
    m = row._mapping
    at = m["at"]
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return Tag(
        quote_id=m["quote_id"],
        label=m["label"],
        who=m["who"],
        origin=m["origin"],
        at=at,
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

    # -- quotes and tags -------------------------------------------------------------------

    def add_quotes(self, quotes: Sequence[Quote], tags: Sequence[Tag] = (), who: str = "system") -> AddResult:
        """Store new quotes and tags in one transaction; quotes already stored are skipped.

        A tag is skipped when the same quote already has a tag with the same label, origin,
        author and note, so importing the same file twice adds nothing.
        """
        at = _now()
        try:
            with self.engine.begin() as conn:
                ids = [q.id for q in quotes]
                existing = set()
                for chunk in _chunks(ids, 500):
                    existing |= set(
                        conn.scalars(select(quotes_table.c.id).where(quotes_table.c.id.in_(chunk)))
                    )
                new_rows, seen = [], set(existing)
                for q in quotes:
                    if q.id not in seen:
                        new_rows.append(_quote_row(q, at))
                        seen.add(q.id)
                for chunk in _chunks(new_rows, 500):
                    conn.execute(insert(quotes_table), chunk)
                tag_rows = self._new_tag_rows(conn, tags, at)
                for chunk in _chunks(tag_rows, 500):
                    conn.execute(insert(tags_table), chunk)
                if new_rows or tag_rows:
                    self._audit(conn, who, "import", f"{len(new_rows)} quotes, {len(tag_rows)} tags")
        except OperationalError as exc:
            raise StoreError(f"could not write to {self.url}: {exc.orig}") from exc
        return AddResult(len(new_rows), len(tag_rows), len(set(ids) & existing))

    def _new_tag_rows(self, conn, tags: Sequence[Tag], at: datetime) -> list[dict]:  # type: ignore[no-untyped-def]
        if not tags:
            return []
        qids = list({t.quote_id for t in tags})
        known: set[tuple] = set()
        for chunk in _chunks(qids, 500):
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
        """Append one tag (a person's or a model's) and return it with its id and time."""
        _check_label(tag.label)
        at = tag.at or _now()
        try:
            with self.engine.begin() as conn:
                if conn.scalar(select(quotes_table.c.id).where(quotes_table.c.id == tag.quote_id)) is None:
                    raise KeyError(tag.quote_id)
                result = conn.execute(insert(tags_table), [_tag_row(tag, at)])
                if tag.origin == HUMAN:
                    self._audit(conn, tag.who, "tag", f"{tag.quote_id} -> {tag.label}")
        except OperationalError as exc:
            raise StoreError(f"could not write to {self.url}: {exc.orig}") from exc
        new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        return dataclasses.replace(tag, at=at, id=new_id)

    def add_tags(self, tags: Iterable[Tag]) -> int:
        """Append many tags (e.g. a model's proposals) in one transaction."""
        at = _now()
        rows = []
        for t in tags:
            _check_label(t.label)
            rows.append(_tag_row(t, t.at or at))
        with self.engine.begin() as conn:
            for chunk in _chunks(rows, 500):
                conn.execute(insert(tags_table), chunk)
        return len(rows)

    def get_quote(self, quote_id: str) -> Quote | None:
        """The quote with this id (a unique prefix of at least 6 characters also works)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(quotes_table).where(quotes_table.c.id == quote_id)).first()
            if row is None and len(quote_id) >= 6:
                rows = conn.execute(
                    select(quotes_table).where(quotes_table.c.id.like(f"{quote_id}%")).limit(2)
                ).all()
                row = rows[0] if len(rows) == 1 else None
        return _row_to_quote(row) if row is not None else None

    def quotes(
        self,
        period: str | None = None,
        source: str | None = None,
        periods: Sequence[str] | None = None,
    ) -> list[Quote]:
        """Stored quotes, oldest first, optionally filtered by period(s) and source."""
        stmt = select(quotes_table).order_by(quotes_table.c.created_at, quotes_table.c.id)
        if period:
            stmt = stmt.where(quotes_table.c.period == period)
        if periods:
            stmt = stmt.where(quotes_table.c.period.in_(list(periods)))
        if source:
            stmt = stmt.where(quotes_table.c.source == source)
        with self.engine.connect() as conn:
            return [_row_to_quote(r) for r in conn.execute(stmt)]

    def count_quotes(self) -> int:
        """How many quotes are stored."""
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(quotes_table)) or 0)

    def periods(self) -> list[str]:
        """The distinct quote periods, in order."""
        with self.engine.connect() as conn:
            rows = conn.scalars(select(quotes_table.c.period).distinct())
            return sorted(p for p in rows if p)

    def sources(self) -> list[str]:
        """The distinct quote sources, in order."""
        with self.engine.connect() as conn:
            rows = conn.scalars(select(quotes_table.c.source).distinct())
            return sorted(s for s in rows if s)

    def tag_history(self, quote_id: str) -> list[Tag]:
        """Every tag of one quote, oldest first."""
        stmt = select(tags_table).where(tags_table.c.quote_id == quote_id).order_by(tags_table.c.id)
        with self.engine.connect() as conn:
            return [_row_to_tag(r) for r in conn.execute(stmt)]

    def all_tags(self, origin: str | None = None) -> list[Tag]:
        """Every tag, oldest first, optionally only one origin (human / model)."""
        stmt = select(tags_table).order_by(tags_table.c.id)
        if origin:
            stmt = stmt.where(tags_table.c.origin == origin)
        with self.engine.connect() as conn:
            return [_row_to_tag(r) for r in conn.execute(stmt)]

    def current_tags(self) -> dict[str, Tag]:
        """The tag that decides each quote's label: newest human tag, else newest model tag."""
        return current_tags(self.all_tags())

    # -- notes and indicators --------------------------------------------------------------

    def add_notes(self, notes: Sequence[Note]) -> int:
        """Store service-development notes; ones already stored are skipped."""
        with self.engine.begin() as conn:
            return _insert_new(conn, notes_table, [dataclasses.asdict(n) for n in notes], _NOTE_KEY)

    def notes(self, period: str | None = None) -> list[Note]:
        """Stored service-development notes."""
        stmt = select(notes_table).order_by(notes_table.c.id)
        if period:
            stmt = stmt.where(notes_table.c.period == period)
        with self.engine.connect() as conn:
            return [Note(r.text, r.heading, r.period, r.source_document) for r in conn.execute(stmt)]

    def add_indicators(self, rows: Sequence[Indicator], who: str = "system") -> int:
        """Store indicator rows in one transaction; (key, period, document) already stored is skipped."""
        dicts = [{f: getattr(ind, f) for f in INDICATOR_FIELDS} for ind in rows]
        with self.engine.begin() as conn:
            added = _insert_new(conn, indicators_table, dicts, _INDICATOR_KEY)
            if added:
                self._audit(conn, who, "import indicators", f"{added} rows")
        return added

    def indicators(self, period: str | None = None) -> list[Indicator]:
        """Stored indicator rows in import order, optionally for one period."""
        stmt = select(indicators_table).order_by(indicators_table.c.id)
        if period:
            stmt = stmt.where(indicators_table.c.period == period)
        with self.engine.connect() as conn:
            return [Indicator(**{f: r._mapping[f] for f in INDICATOR_FIELDS}) for r in conn.execute(stmt)]

    # -- audit -----------------------------------------------------------------------------

    def _audit(self, conn, who: str, action: str, detail: str) -> None:  # type: ignore[no-untyped-def]
        conn.execute(insert(audit_table), [{"at": _now(), "who": who, "action": action, "detail": detail}])

    def audit(self, who: str, action: str, detail: str = "") -> None:
        """Append one line to the audit log (exports, theme edits, logins ...)."""
        with self.engine.begin() as conn:
            self._audit(conn, who, action, detail)

    def audit_log(self, limit: int | None = None) -> list[dict]:
        """The audit log, newest first."""
        stmt = select(audit_table).order_by(audit_table.c.id.desc())
        if limit:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]


def current_tags(tags: Iterable[Tag]) -> dict[str, Tag]:
    """Pick each quote's deciding tag from a tag history in insertion order.

    The newest human tag wins; a model tag counts only when no person has tagged the quote.
    """
    human: dict[str, Tag] = {}
    model: dict[str, Tag] = {}
    for t in tags:
        (human if t.origin == HUMAN else model)[t.quote_id] = t
    return {**model, **human}


_NOTE_KEY = ("text", "period", "source_document")
_INDICATOR_KEY = ("key", "period", "source_document")


def _insert_new(conn, table: Table, rows: Sequence[dict], key: Sequence[str]) -> int:  # type: ignore[no-untyped-def]
    """Insert the rows whose ``key`` columns match no stored row (NULL matches NULL)."""
    added = 0
    for row in rows:
        match = select(table.c.id).where(*[_eq(table.c[k], row[k]) for k in key])
        if conn.scalar(match) is None:
            conn.execute(insert(table), [row])
            added += 1
    return added


def _eq(column, value):  # type: ignore[no-untyped-def]
    return column.is_(None) if value is None else column == value


def _check_label(label: str) -> None:
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r}: use one of {', '.join(LABELS)}")


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
