"""Saved themes and the human edits to them: rename, merge, split, move a quote, pin.

Three tables (defined in ``voice.store._tables``, created with the others):

* ``themes``: id, label, keywords, seed phrases, pinned, edited, active, merged_into,
  model_version; a merged or rebuilt theme is kept inactive, never deleted.
* ``theme_members``: one row per quote (quote id -> theme id or "other"), origin
  ``human`` or ``model``. Human rows are never overwritten by a model run.
* ``theme_edits``: an append-only log of every edit and every run that saved something.

Every edit is one ``Store.transaction()`` that also writes the store's audit log (``Store.audit``), so a
refused write (a locked database ...) is a one-line ``StoreError`` and stores nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from voice import config
from voice.errors import InputError, NotFoundError, StoreError
from voice.records import HUMAN, MODEL
from voice.records import OTHER_THEME as OTHER
from voice.store._store import Store
from voice.store._tables import theme_edits_table, theme_members_table, themes_table


@dataclass(frozen=True)
class StoredTheme:
    """A saved theme."""

    id: str
    label: str
    keywords: tuple[str, ...] = ()
    seed_phrases: tuple[str, ...] = ()
    pinned: bool = False
    edited: bool = False
    active: bool = True
    merged_into: str | None = None
    model_version: str | None = None


@dataclass(frozen=True)
class Membership:
    """Which theme a quote is in, and whether a person or a model put it there."""

    quote_id: str
    theme_id: str
    origin: str
    who: str


def _now() -> datetime:
    return datetime.now(UTC)


def _row_to_theme(row) -> StoredTheme:
    m = row._mapping
    return StoredTheme(
        id=m["id"],
        label=m["label"],
        keywords=tuple(json.loads(m["keywords"] or "[]")),
        seed_phrases=tuple(json.loads(m["seed_phrases"] or "[]")),
        pinned=bool(m["pinned"]),
        edited=bool(m["edited"]),
        active=bool(m["active"]),
        merged_into=m["merged_into"],
        model_version=m["model_version"],
    )


def _log(conn, who: str, action: str, theme_id: str | None, detail: dict) -> None:
    conn.execute(
        insert(theme_edits_table),
        [{"at": _now(), "who": who, "action": action, "theme_id": theme_id, "detail": json.dumps(detail)}],
    )


def _who(who: str) -> str:
    who = (who or "").strip()
    if not who:
        raise InputError("say who is making the edit (--by NAME)")
    return who


def _clean_label(label: str) -> str:
    label = re.sub(r"\s+", " ", label or "").strip()
    if not label:
        raise InputError("a theme label cannot be empty")
    if len(label) > 200:
        raise InputError(f"a theme label is at most 200 characters (got {len(label)})")
    return label


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:8]


# -- reading -------------------------------------------------------------------------------


def stored_themes(store: Store, include_retired: bool = False) -> list[StoredTheme]:
    """Saved themes (active ones only unless ``include_retired``), oldest first."""
    stmt = select(themes_table).order_by(themes_table.c.created_at, themes_table.c.id)
    if not include_retired:
        stmt = stmt.where(themes_table.c.active.is_(True))
    with store.connect() as conn:
        return [_row_to_theme(r) for r in conn.execute(stmt)]


def get_theme(store: Store, theme_id: str) -> StoredTheme:
    """One saved theme; ``NotFoundError`` (a ``KeyError``) naming the id when there is none."""
    with store.connect() as conn:
        row = conn.execute(select(themes_table).where(themes_table.c.id == theme_id)).first()
    if row is None:
        raise NotFoundError(f"no theme with id {theme_id!r} (see `voice theme list`)")
    return _row_to_theme(row)


def _active(store: Store, theme_id: str) -> StoredTheme:
    t = get_theme(store, theme_id)
    if not t.active:
        where = f": it was merged into {t.merged_into}" if t.merged_into else ""
        raise InputError(f"theme {theme_id!r} is no longer in use{where}")
    return t


def memberships(store: Store) -> dict[str, Membership]:
    """Every saved assignment: quote id -> membership."""
    with store.connect() as conn:
        rows = conn.execute(select(theme_members_table))
        return {r.quote_id: Membership(r.quote_id, r.theme_id, r.origin, r.who) for r in rows}


def edit_log(store: Store, limit: int | None = None) -> list[dict]:
    """The theme edit log, newest first (detail decoded)."""
    stmt = select(theme_edits_table).order_by(theme_edits_table.c.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    with store.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
    for r in rows:
        r["detail"] = json.loads(r["detail"] or "{}")
    return rows


# -- edits ---------------------------------------------------------------------------------


def same_label(store: Store, label: str, except_id: str | None = None) -> StoredTheme | None:
    """The active theme (other than ``except_id``) already called ``label``, case and spacing aside."""
    key = _clean_label(label).casefold()
    return next(
        (t for t in stored_themes(store) if t.id != except_id and t.label.casefold() == key),
        None,
    )


def theme_quote_ids(store: Store, theme_id: str, period: str | None = None) -> list[str]:
    """The quotes saved in a theme, only those of ``period`` when one is given."""
    ids = [qid for qid, m in memberships(store).items() if m.theme_id == theme_id]
    if period is None:
        return ids
    in_period = {q.id for q in store.quotes(period=period)}
    return [qid for qid in ids if qid in in_period]


def rename_theme(
    store: Store,
    theme_id: str,
    label: str,
    who: str,
    *,
    period: str | None = None,
    allow_duplicate: bool = False,
) -> StoredTheme:
    """Give a theme a new label; it is marked edited, so re-runs keep it.

    A theme is one across quarters, so the new label shows in every quarter. With ``period``
    only that quarter's quotes take the new label: they are split off into a new theme
    (:func:`split_theme`) and the theme keeps its label elsewhere. A label another active theme
    already has is refused (``InputError`` naming it and ``voice theme merge``) unless
    ``allow_duplicate``.
    """
    who, label = _who(who), _clean_label(label)
    old = _active(store, theme_id)
    taken = same_label(store, label, except_id=theme_id)
    if taken is not None and not allow_duplicate:
        raise InputError(
            f"a theme called {taken.label!r} already exists ({taken.id}); to put their quotes together "
            f"use `voice theme merge {theme_id} {taken.id} --label {label!r}`, or choose another label"
        )
    if period is not None:
        ids = theme_quote_ids(store, theme_id, period)
        if not ids:
            raise InputError(f"theme {theme_id} ({old.label!r}) has no quotes in {period}")
        return split_theme(store, theme_id, ids, label, who)
    with store.transaction() as conn:
        conn.execute(
            update(themes_table)
            .where(themes_table.c.id == theme_id)
            .values(label=label, edited=True, updated_at=_now())
        )
        _log(conn, who, "rename", theme_id, {"from": old.label, "to": label})
        store.audit(who, "theme rename", f"{theme_id}: {old.label!r} -> {label!r}", conn=conn)
    return get_theme(store, theme_id)


def _theme_row(
    theme_id: str,
    label: str,
    now,
    keywords: Sequence[str] = (),
    seeds: Sequence[str] = (),
    *,
    pinned: bool = False,
    edited: bool = False,
    model_version: str | None = None,
) -> dict:
    """A new, active row of the themes table."""
    return {
        "id": theme_id,
        "label": label,
        "keywords": json.dumps(list(keywords)),
        "seed_phrases": json.dumps(list(seeds)),
        "pinned": pinned,
        "edited": edited,
        "active": True,
        "merged_into": None,
        "model_version": model_version,
        "created_at": now,
        "updated_at": now,
    }


def merge_themes(store: Store, theme_ids: Sequence[str], label: str, who: str) -> StoredTheme:
    """Merge two or more themes into a new edited theme holding all their quotes.

    The old themes are kept inactive with ``merged_into`` set; the new one is pinned when any
    of them was, and keeps their seed phrases.
    """
    who, label = _who(who), _clean_label(label)
    ids = list(dict.fromkeys(theme_ids))
    if len(ids) < 2:
        raise InputError("merging needs at least two different theme ids")
    olds = [_active(store, t) for t in ids]
    new_id = f"th-{_digest('merge', *sorted(ids), label)}"
    now = _now()
    seeds = tuple(dict.fromkeys(p for t in olds for p in t.seed_phrases))
    keywords = tuple(dict.fromkeys(k for t in olds for k in t.keywords))[: config.THEME_KEYWORDS]
    pinned = any(t.pinned for t in olds)
    with store.transaction() as conn:
        conn.execute(
            insert(themes_table),
            [_theme_row(new_id, label, now, keywords, seeds, pinned=pinned, edited=True)],
        )
        moved = conn.execute(
            update(theme_members_table)
            .where(theme_members_table.c.theme_id.in_(ids))
            .values(theme_id=new_id, origin=HUMAN, who=who, at=now)
        ).rowcount
        conn.execute(
            update(themes_table)
            .where(themes_table.c.id.in_(ids))
            .values(active=False, merged_into=new_id, updated_at=now)
        )
        _log(conn, who, "merge", new_id, {"from": ids, "labels": [t.label for t in olds], "quotes": moved})
        store.audit(who, "theme merge", f"{', '.join(ids)} -> {new_id} {label!r} ({moved} quotes)", conn=conn)
    return get_theme(store, new_id)


def split_theme(store: Store, theme_id: str, quote_ids: Sequence[str], label: str, who: str) -> StoredTheme:
    """Move some of a theme's quotes into a new edited theme called ``label``.

    Quotes are full ids or unique prefixes of 6+ characters; every one must be in ``theme_id``
    now (``InputError`` names the first that is not). The original theme is marked edited too.
    """
    who, label = _who(who), _clean_label(label)
    _active(store, theme_id)
    if not quote_ids:
        raise InputError("name at least one quote to split off")
    ids = []
    for qid in quote_ids:  # full ids or unique prefixes of 6+ characters
        quote = store.get_quote(qid)
        if quote is None:
            raise NotFoundError(f"no quote with id {qid!r} (see `voice quotes`)")
        ids.append(quote.id)
    ids = list(dict.fromkeys(ids))
    current = memberships(store)
    for qid in ids:
        m = current.get(qid)
        if m is None or m.theme_id != theme_id:
            where = f"it is in {m.theme_id}" if m else "it is in no saved theme"
            raise InputError(f"quote {qid} is not in theme {theme_id} ({where})")
    new_id = f"th-{_digest('split', theme_id, *sorted(ids), label)}"
    now = _now()
    with store.transaction() as conn:
        conn.execute(
            insert(themes_table),
            [_theme_row(new_id, label, now, edited=True)],
        )
        conn.execute(
            update(theme_members_table)
            .where(theme_members_table.c.quote_id.in_(ids))
            .values(theme_id=new_id, origin=HUMAN, who=who, at=now)
        )
        conn.execute(
            update(themes_table).where(themes_table.c.id == theme_id).values(edited=True, updated_at=now)
        )
        _log(conn, who, "split", new_id, {"from": theme_id, "quotes": ids})
        store.audit(who, "theme split", f"{len(ids)} quotes of {theme_id} -> {new_id} {label!r}", conn=conn)
    return get_theme(store, new_id)


def move_quote(store: Store, quote_id: str, theme_id: str, who: str) -> Membership:
    """Put a quote in a theme (or ``"other"``) for good: a model run never moves it back.

    ``quote_id`` may be a unique prefix of 6+ characters. Both themes are marked edited.
    """
    who = _who(who)
    quote = store.get_quote(quote_id)
    if quote is None:
        raise NotFoundError(f"no quote with id {quote_id!r} (see `voice quotes`)")
    if theme_id != OTHER:
        _active(store, theme_id)
    before = memberships(store).get(quote.id)
    now = _now()
    with store.transaction() as conn:
        conn.execute(delete(theme_members_table).where(theme_members_table.c.quote_id == quote.id))
        conn.execute(
            insert(theme_members_table),
            [{"quote_id": quote.id, "theme_id": theme_id, "origin": HUMAN, "who": who, "at": now}],
        )
        touched = [t for t in (theme_id, before.theme_id if before else None) if t and t != OTHER]
        if touched:
            conn.execute(
                update(themes_table).where(themes_table.c.id.in_(touched)).values(edited=True, updated_at=now)
            )
        _log(conn, who, "move", theme_id, {"quote": quote.id, "from": before.theme_id if before else None})
        was = before.theme_id if before else "none"
        store.audit(who, "theme move", f"{quote.id}: {was} -> {theme_id}", conn=conn)
    return Membership(quote.id, theme_id, HUMAN, who)


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:30] or _digest(label)


def _pin_id(label: str) -> str:
    """A pinned theme's default id: ``pin-`` and the label's slug."""
    return f"pin-{_slug(label)}"


def pin_theme(
    store: Store, label: str, seed_phrases: Sequence[str], who: str, theme_id: str | None = None
) -> StoredTheme:
    """Pin a theme: it stays on every run and attracts quotes similar to its label and seed phrases.

    Pinning a label again updates its seed phrases (and brings it back if it was merged away:
    a new id is not made). ``theme_id`` (``pin-...``): a framework theme's own id, which its
    file keeps when the theme is renamed; default ``pin-<slug of the label>``.
    """
    who, label = _who(who), _clean_label(label)
    seeds = tuple(dict.fromkeys(p.strip() for p in [label, *seed_phrases] if p and p.strip()))
    if theme_id is not None and not re.fullmatch(r"pin-[a-z0-9-]{1,30}", theme_id):
        raise InputError(
            f"a pinned theme's id is 'pin-' and up to 30 letters, digits or dashes, not {theme_id!r}"
        )
    theme_id = theme_id or _pin_id(label)
    now = _now()
    with store.transaction() as conn:
        exists = conn.execute(select(themes_table.c.id).where(themes_table.c.id == theme_id)).first()
        values = {
            "label": label,
            "seed_phrases": json.dumps(list(seeds)),
            "pinned": True,
            "active": True,
            "merged_into": None,
            "updated_at": now,
        }
        if exists:
            conn.execute(update(themes_table).where(themes_table.c.id == theme_id).values(**values))
        else:
            keywords = list(dict.fromkeys(w for p in seeds for w in p.lower().split() if len(w) > 3))[:8]
            row = _theme_row(theme_id, label, now, keywords, seeds, pinned=True)
            conn.execute(insert(themes_table), [row])
        _log(conn, who, "pin", theme_id, {"label": label, "seed_phrases": list(seeds)})
        store.audit(who, "theme pin", f"{theme_id} {label!r} ({len(seeds)} seed phrases)", conn=conn)
    return get_theme(store, theme_id)


def seed_starter_themes(
    store: Store,
    who: str = "system",
    themes: Sequence[tuple[str, Sequence[str]] | tuple[str, Sequence[str], str]] | None = None,
) -> list[StoredTheme]:
    """Pin every starter theme not saved yet: ``themes`` as (label, seed phrases[, id]), by default
    ``config.STARTER_THEMES`` (a themes run passes the children's services framework's themes:
    ``voice.themes.framework_starters``, with their ids)."""
    have = {t.id for t in stored_themes(store, include_retired=True)}
    out = []
    for entry in config.STARTER_THEMES if themes is None else themes:
        label, phrases = entry[0], entry[1]
        theme_id = entry[2] if len(entry) > 2 else _pin_id(label)
        if theme_id not in have:
            out.append(pin_theme(store, label, phrases, who, theme_id))
    return out


# -- model runs ----------------------------------------------------------------------------


def save_run(
    store: Store,
    new_themes: Sequence,  # Theme objects (id, label, keywords)
    assignments: Mapping[str, str],
    who: str,
    model_version: str,
) -> int:
    """Save a run's new themes and the assignments of quotes that had none; returns rows added.

    Existing memberships (human or model) are never changed here. When another run saved the
    same rows at the same moment (two app sessions), the save is retried once against them.
    """
    try:
        return _save_run(store, new_themes, assignments, who, model_version)
    except StoreError as exc:
        # Store.transaction() raises StoreError "from None"; the driver's error stays in __context__.
        if not isinstance(exc.__context__, IntegrityError):
            raise
        return _save_run(store, new_themes, assignments, who, model_version)


def _save_run(
    store: Store, new_themes: Sequence, assignments: Mapping[str, str], who: str, model_version: str
) -> int:
    now = _now()
    added = 0
    with store.transaction() as conn:
        known = set(conn.scalars(select(themes_table.c.id)))
        retired = set(
            conn.scalars(
                select(themes_table.c.id).where(
                    themes_table.c.active.is_(False), themes_table.c.merged_into.is_(None)
                )
            )
        )
        for t in new_themes:  # a rebuild can find a retired theme again: bring it back
            if t.id in retired:
                conn.execute(
                    update(themes_table)
                    .where(themes_table.c.id == t.id)
                    .values(
                        active=True,
                        label=t.label,
                        keywords=json.dumps(list(t.keywords)),
                        model_version=model_version,
                        updated_at=now,
                    )
                )
        rows = [
            _theme_row(t.id, t.label, now, t.keywords, model_version=model_version)
            for t in new_themes
            if t.id not in known
        ]
        if rows:
            conn.execute(insert(themes_table), rows)
        have = set(conn.scalars(select(theme_members_table.c.quote_id)))
        valid = known | {r["id"] for r in rows}
        members = [
            {"quote_id": q, "theme_id": t, "origin": MODEL, "who": model_version, "at": now}
            for q, t in assignments.items()
            if q not in have and t in valid
        ]
        for i in range(0, len(members), 500):
            conn.execute(insert(theme_members_table), members[i : i + 500])
        added = len(rows) + len(members)
        if added:
            _log(
                conn,
                who,
                "run",
                None,
                {"new_themes": len(rows), "assigned": len(members), "model": model_version},
            )
    if added:
        store.audit(
            who, "themes run", f"{len(rows)} new themes, {len(members)} quotes assigned ({model_version})"
        )
    return added


def reset_model_themes(store: Store, who: str) -> int:
    """Forget what model runs decided: drop model assignments, retire themes no person touched.

    Pinned and edited themes and every human assignment stay. Returns the themes retired.
    """
    now = _now()
    with store.transaction() as conn:
        conn.execute(delete(theme_members_table).where(theme_members_table.c.origin == MODEL))
        retired = conn.execute(
            update(themes_table)
            .where(
                themes_table.c.active.is_(True),
                themes_table.c.pinned.is_(False),
                themes_table.c.edited.is_(False),
            )
            .values(active=False, updated_at=now)
        ).rowcount
        _log(conn, who, "rebuild", None, {"retired": retired})
        store.audit(who, "themes rebuild", f"{retired} model themes retired", conn=conn)
    return retired
