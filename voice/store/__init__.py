"""Persistence: the SQLAlchemy tables and every read and write of them (quotes, append-only tags,
notes, indicators, the audit log, saved themes and their edit log, safeguarding flags and reviews).
The only package that talks SQL.

``_tables`` defines the tables, ``_engine`` opens the database, ``_store`` holds the ``Store``
class, ``_notes`` the service-development notes and their versions,
``_themes`` the saved themes and their edits, ``_concerns`` the safeguarding screens,
flags and reviews.

May import: ``voice.config``, ``voice.records``, ``voice.errors``.
"""

from ._concerns import (
    ConcernFlag,
    ConcernReason,
    ConcernReview,
    ConcernSummary,
    FlaggedQuote,
    add_concern_review,
    concern_summary,
    flagged_quotes,
    record_screening,
    unreviewed_concern_ids,
    unscreened_quotes,
)
from ._engine import normalise_url
from ._notes import ADDED_IN_VOICE, add_note, edit_note, get_note, note_history
from ._store import Store, StoreError, current_tags
from ._themes import (
    edit_log,
    memberships,
    merge_themes,
    move_quote,
    pin_theme,
    rename_theme,
    reset_model_themes,
    same_label,
    save_run,
    seed_starter_themes,
    split_theme,
    stored_themes,
    theme_quote_ids,
)

__all__ = [
    "ADDED_IN_VOICE",
    "ConcernFlag",
    "ConcernReason",
    "ConcernReview",
    "ConcernSummary",
    "FlaggedQuote",
    "Store",
    "StoreError",
    "add_concern_review",
    "add_note",
    "concern_summary",
    "current_tags",
    "edit_log",
    "edit_note",
    "flagged_quotes",
    "get_note",
    "memberships",
    "merge_themes",
    "move_quote",
    "normalise_url",
    "note_history",
    "pin_theme",
    "record_screening",
    "rename_theme",
    "reset_model_themes",
    "same_label",
    "save_run",
    "seed_starter_themes",
    "split_theme",
    "stored_themes",
    "theme_quote_ids",
    "unreviewed_concern_ids",
    "unscreened_quotes",
]
