"""The "you said, we did" section: service-development notes paired with what children said.

A note linked to a saved theme is paired with that theme's label and one of its quotes of the
note's quarter (a quote tagged by a person first), both redacted; an unlinked note (the seed's
"Evidence of children and families voice influencing service developments") stands under its
own heading. Quotes held for a safeguarding review are never used (``Store.quotes``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from voice.records import HUMAN, Note
from voice.report._appendix import NO_THEME, Development, TextTransform, _same, is_heading
from voice.store import Store, memberships, stored_themes

UNLINKED = "Service developments"
"""The heading of a note with neither a theme nor a heading of its own."""
_REPORT_PARAGRAPH = re.compile(r"^report paragraph \d+$", re.I)


def is_development(note: Note) -> bool:
    """True for a "you said, we did" note; False for a scrutiny report's narrative paragraph that
    ``voice indicators import`` keeps as report text (heading "report paragraph N")."""
    return not _REPORT_PARAGRAPH.match(note.heading or "")


def you_said_we_did(
    store: Store,
    periods: Sequence[str],
    text_transform: TextTransform = _same,
    theme_label: Callable[[str], str] | None = None,
) -> list[Development]:
    """The notes of ``periods`` as "you said, we did" pairs, every text through ``text_transform``.

    ``theme_label`` makes a theme's label fit to print (default ``text_transform``; exports pass
    the label with identifying words hidden).
    """
    notes = [n for p in periods for n in store.notes(p) if is_development(n)]
    if not notes:
        return []
    themes = {t.id: t for t in stored_themes(store, include_retired=True)}
    members = memberships(store)
    current = store.current_tags()
    label_of = theme_label or text_transform
    out = []
    for note in notes:
        heading, said = note.heading or UNLINKED, None
        theme = themes.get(note.theme_id or "")
        if theme is not None:
            label = label_of(theme.label)
            heading = label if is_heading(label) else NO_THEME
            said = _representative(store, note, theme.id, members, current, text_transform)
        out.append(Development(heading, " ".join(text_transform(note.text).split()), said, note.period))
    return out


def _representative(
    store: Store, note: Note, theme_id: str, members: dict, current: dict, text_transform: TextTransform
) -> str | None:
    """One quote of the theme in the note's quarter, redacted and in curly quotes."""
    quotes = [
        q
        for q in store.quotes(period=note.period)
        if getattr(members.get(q.id), "theme_id", None) == theme_id
    ]
    if not quotes:
        return None
    quotes.sort(key=lambda q: getattr(current.get(q.id), "origin", None) != HUMAN)  # people's tags first
    return f"\u201c{' '.join(text_transform(quotes[0].text).split())}\u201d"
