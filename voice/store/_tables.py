"""The SQLAlchemy tables: quotes, append-only tags, notes, indicators, the audit log, the
saved themes with their members and edit log, and the safeguarding screens, flags and reviews.
One ``MetaData``: opening a store creates them all.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from voice.records import Indicator

metadata = MetaData()

# Free text is Text (no length limit on any database): PostgreSQL enforces VARCHAR lengths where
# SQLite ignores them, so a long speaker, source or file name must not fail only on PostgreSQL.
quotes_table = Table(
    "quotes",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("text", Text, nullable=False),
    Column("source", Text),
    Column("period", Text, index=True),
    Column("gender", Text),
    Column("age", Integer),
    Column("speaker", Text),
    Column("question", Text),
    Column("collected_on", Date),
    Column("imported_from", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

tags_table = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("quote_id", String(32), ForeignKey("quotes.id"), nullable=False, index=True),
    Column("label", String(20), nullable=False),
    Column("who", Text, nullable=False),
    Column("origin", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("model_version", Text),
    Column("probability", Float),
    Column("note", Text),
)

notes_table = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("text", Text, nullable=False),
    Column("heading", Text),
    Column("period", Text),
    Column("source_document", Text),
    UniqueConstraint("text", "period", "source_document", name="uq_note"),
)

note_versions_table = Table(
    "note_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("note_id", Integer, ForeignKey("notes.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("period", Text),
    Column("theme_id", Text),
    Column("who", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(20), nullable=False),
)
"""Append-only versions of a note (officers' additions and edits); the newest is the note."""

INDICATOR_FIELDS = [
    f.name for f in dataclasses.fields(Indicator) if f.name not in ("extra", "raw", "line_no")
]

indicators_table = Table(
    "indicators",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False, index=True),
    Column("indicator", Text, nullable=False),
    Column("period", Text, index=True),
    Column("outcome_area", Text),
    Column("section", Text),
    Column("period_label", Text),
    Column("value", Float),
    Column("unit", Text),
    Column("value_text", Text),
    Column("count", Float),
    Column("denominator", Float),
    Column("previous_value", Float),
    Column("previous_period", Text),
    Column("direction", Text),
    Column("polarity", Text),
    Column("rag", Text),
    Column("national_quartile", Integer),
    Column("sn_average", Float),
    Column("target", Text),
    Column("note", Text),
    Column("source_document", Text),
    UniqueConstraint("key", "period", "source_document", name="uq_indicator"),
)

audit_table = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("who", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("detail", Text),
)

themes_table = Table(
    "themes",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("label", String(200), nullable=False),
    Column("keywords", Text, nullable=False, default="[]"),
    Column("seed_phrases", Text, nullable=False, default="[]"),
    Column("pinned", Boolean, nullable=False, default=False),
    Column("edited", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("merged_into", String(40)),
    Column("model_version", String(100)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

theme_members_table = Table(
    "theme_members",
    metadata,
    Column("quote_id", String(32), ForeignKey(quotes_table.c.id), primary_key=True),
    Column("theme_id", String(40), nullable=False, index=True),
    Column("origin", String(10), nullable=False),
    Column("who", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

theme_edits_table = Table(
    "theme_edits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("who", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("theme_id", String(40)),
    Column("detail", Text),
)

# Safeguarding flags (voice/store/_concerns.py). All three are append-only: nothing is updated or
# deleted, and the newest review of a quote decides where it stands.
concern_screens_table = Table(
    "concern_screens",
    metadata,
    Column("quote_id", String(32), ForeignKey(quotes_table.c.id), primary_key=True),
    Column("detector_version", String(100), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

concern_flags_table = Table(
    "concern_flags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("quote_id", String(32), ForeignKey(quotes_table.c.id), nullable=False, index=True),
    Column("kinds", Text, nullable=False),
    Column("reasons", Text, nullable=False),
    Column("score", Float),
    Column("detector_version", String(100), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("quote_id", "detector_version", name="uq_concern_flag"),
)

concern_reviews_table = Table(
    "concern_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("quote_id", String(32), ForeignKey(quotes_table.c.id), nullable=False, index=True),
    Column("outcome", Text, nullable=False),
    Column("keep_out", Boolean, nullable=False),
    Column("who", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
)
