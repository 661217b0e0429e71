"""The "Voice of the Child" appendix in the seed's house style, as Markdown, DOCX, CSV or XLSX.

The seed appendix (``corpus/seeds/000_*.txt``) reads::

    Children's Rights Service: Child Protection - Summary of views/themes Q1 2017/2018
    Views on the child protection process: Qualitative
    What's good?
    "The social workers listen and they help me. ..." Female, 15
    Don't know
    ...
    What's not so good?
    ...

:func:`build_appendix` turns chosen quotes with their labels into that structure: one section
per source, optional theme sections inside it, the class headings of
:data:`voice.records.LABEL_HEADINGS` in the seed's order, each quote in curly quotes followed by
its attribution, and counts. Privacy is the caller's: every quote text goes through
``text_transform`` (the redactor) and every attribution through ``attribution`` (small-number
coarsening; by default the speaker without names, :func:`voice.privacy.safe_speaker`).
Rendering is in ``_render_markdown`` and ``_docx``; exports (audited, written atomically) in
``_export``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from voice import config
from voice.errors import InputError
from voice.ingest.fields import period_sort_key
from voice.ingest.seed_appendix import SOURCE_DOCUMENT_ORIGIN
from voice.privacy import safe_speaker
from voice.records import HUMAN, LABEL_HEADINGS, Quote, Tag
from voice.store import Store

REPORT_CLASSES: tuple[str, ...] = tuple(LABEL_HEADINGS)
"""The classes in the seed appendix's order: good, unsure, not_so_good."""

APPENDIX_TITLE = "Voice of the Child"
NO_THEME = "Other"
"""The theme section of quotes without a theme (when themes are shown)."""

SOURCE_SUBTITLES: dict[str, str] = {
    "Children's Rights Service: Child Protection": "Views on the child protection process: Qualitative",
    "Children in Care Council": "Views of children and young people in care: Qualitative",
    "Care leavers": "Views of care leavers: Qualitative",
    "Early Help families": "Views of families on Early Help support: Qualitative",
    "Supporting Leicestershire Families": (
        "Feedback from children and families about their involvement in SLF"
    ),
}
"""The line under a source's heading, as the seed writes it for child protection."""

CLASS_WORDS = {"good": "good", "unsure": "don't know", "not_so_good": "not so good"}

TABLE_COLUMNS = [
    "id",
    "text",
    "attribution",
    "label",
    "label_origin",
    "label_by",
    "theme",
    "source",
    "period",
    "question",
]
"""Quote table columns of a report export: redacted text and coarsened attribution only
(no raw gender, age or speaker columns); ``label_by`` is ``person`` or ``model proposal``."""

PROPOSED_MARK = "(proposed by the model, not checked)"
"""Printed after the attribution of a quote whose label is only the model's proposal."""

TextTransform = Callable[[str], str]
Attribution = Callable[[Quote], str]
CountsText = Callable[[Mapping[str, int], int], Mapping[str, str]]
"""Counts and their total -> their texts, the total under "total" (``voice.privacy.protect_counts``)."""


def _same(text: str) -> str:
    return text


def plain_attribution(quote: Quote) -> str:
    """The seed's attribution ("Female, 15"), uncoarsened, never a name (``safe_speaker``)."""
    return safe_speaker(quote)


@dataclass(frozen=True)
class ReportQuote:
    """A quote chosen for a report, with the label it is shown under and its theme."""

    quote: Quote
    label: str
    tag: Tag | None = None
    theme: str | None = None

    @property
    def proposed(self) -> bool:
        """True when the label is only the model's proposal (no person has tagged the quote)."""
        return self.tag is not None and self.tag.origin != HUMAN


@dataclass(frozen=True)
class AppendixEntry:
    """One quote as printed: transformed text and attribution."""

    quote_id: str
    text: str
    attribution: str
    label: str
    proposed: bool = False


@dataclass
class AppendixGroup:
    """Quotes under the class headings, for a source or a theme within it."""

    heading: str | None
    entries: dict[str, list[AppendixEntry]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """Quotes in this group."""
        return sum(len(v) for v in self.entries.values())

    @property
    def n_proposed(self) -> int:
        """Quotes in this group whose label is only the model's proposal."""
        return sum(e.proposed for v in self.entries.values() for e in v)


@dataclass
class AppendixSection:
    """One source: its heading, subtitle and groups (one, or one per theme)."""

    source: str | None
    heading: str
    subtitle: str | None
    groups: list[AppendixGroup] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        """Quotes per class in this section."""
        c: Counter = Counter()
        for g in self.groups:
            for label, entries in g.entries.items():
                c[label] += len(entries)
        return c

    @property
    def n_proposed(self) -> int:
        """Quotes in this section whose label is only the model's proposal."""
        return sum(g.n_proposed for g in self.groups)


@dataclass(frozen=True)
class Development:
    """One "you said, we did" pair: a heading (the linked theme or the note's own), what children
    said (a representative redacted quote of the theme, when linked) and what changed."""

    heading: str
    did: str
    said: str | None = None
    period: str | None = None


YOU_SAID_WE_DID = "You said, we did"
"""The heading of the service-development section."""


@dataclass
class Appendix:
    """A built appendix, ready to render."""

    title: str
    periods: list[str]
    classes: tuple[str, ...]
    sections: list[AppendixSection]
    count_text: Callable[[int], str] = str
    counts_text: CountsText | None = None
    developments: list[Development] = field(default_factory=list)
    """"You said, we did": what changed, each with what children said about it when linked."""
    marking: str = field(default_factory=config.protective_marking)
    author: str = "Voice"
    made: datetime = field(default_factory=lambda: datetime.now(UTC))

    def counts_line(self, counts: Mapping[str, int], proposed: int = 0) -> str:
        """One counts line of this appendix ("9 quotes tagged by people: 2 good, ...")."""
        return counts_line(counts, self.classes, self.count_text, self.counts_text, proposed)

    @property
    def counts(self) -> Counter:
        """Quotes per class over all sections."""
        c: Counter = Counter()
        for s in self.sections:
            c.update(s.counts)
        return c

    @property
    def total(self) -> int:
        """Quotes in the appendix."""
        return sum(self.counts.values())

    @property
    def n_proposed(self) -> int:
        """Quotes in the appendix whose label is only the model's proposal."""
        return sum(s.n_proposed for s in self.sections)


# -- selecting -----------------------------------------------------------------------------------


def select_quotes(
    store: Store,
    periods: Sequence[str],
    sources: Collection[str] | None = None,
    classes: Collection[str] = REPORT_CLASSES,
    themes: Mapping[str, str] | None = None,
    theme_names: Collection[str] | None = None,
    quote_ids: Collection[str] | None = None,
    include_proposals: bool = False,
) -> list[ReportQuote]:
    """Stored quotes of ``periods`` tagged by people with one of ``classes``.

    Args:
        store: where the quotes and their tags are.
        periods: one or more quarters, e.g. ``["2017/18 Q1"]``.
        sources: only these sources (None: all).
        classes: only these labels; untagged quotes never appear in an appendix.
        themes: quote id -> theme label, to show theme sections.
        theme_names: only quotes of these themes (needs ``themes``).
        quote_ids: only these quotes (the report writer's pick), in store order.
        include_proposals: also quotes whose current label is only the model's proposal
            (each :attr:`ReportQuote.proposed`, marked as such wherever it is printed).
    """
    current = store.current_tags()
    out = []
    for q in store.quotes(periods=list(periods)):
        tag = current.get(q.id)
        if tag is None or tag.label not in classes or (tag.origin != HUMAN and not include_proposals):
            continue
        if sources is not None and q.source not in sources:
            continue
        if quote_ids is not None and q.id not in quote_ids:
            continue
        theme = themes.get(q.id) if themes else None
        if theme_names is not None and theme not in theme_names:
            continue
        out.append(ReportQuote(q, tag.label, tag, theme))
    return out


def published_ids(store: Store) -> set[str]:
    """Quotes taken from a document the council itself published with their attributions (the
    seed appendix's "Female, 15"): their label came from that document (a tag by "source document")."""
    return {t.quote_id for t in store.all_tags() if t.who == SOURCE_DOCUMENT_ORIGIN}


# -- building ------------------------------------------------------------------------------------


def seed_period(period: str) -> str:
    """The seed's period wording: "2017/18 Q1" -> "Q1 2017/2018"."""
    m = re.match(r"^(\d{4})/(\d{2}) (Q[1-4])$", period)
    if not m:
        return period
    start = int(m.group(1))
    return f"{m.group(3)} {start}/{start + 1}"


def periods_text(periods: Sequence[str], seed_style: bool = False) -> str:
    """One period, or "first to last" of several (in time order)."""
    ordered = sorted(set(periods), key=period_sort_key)
    fmt = seed_period if seed_style else (lambda p: p)
    if not ordered:
        return ""
    if len(ordered) == 1:
        return fmt(ordered[0])
    return f"{fmt(ordered[0])} to {fmt(ordered[-1])}"


def default_title(sources: Sequence[str | None], periods: Sequence[str]) -> str:
    """ "Voice of the Child — <source>, <period>" (the source only when there is one)."""
    named = [s for s in dict.fromkeys(sources) if s]
    where = f"{named[0]}, " if len(named) == 1 else ""
    when = periods_text(periods)
    return f"{APPENDIX_TITLE} — {where}{when}" if (where or when) else APPENDIX_TITLE


def build_appendix(
    items: Sequence[ReportQuote],
    *,
    periods: Sequence[str] | None = None,
    classes: Sequence[str] = REPORT_CLASSES,
    title: str | None = None,
    text_transform: TextTransform = _same,
    attribution: Attribution = plain_attribution,
    show_themes: bool = False,
    theme_order: Sequence[str] | None = None,
    count_text: Callable[[int], str] = str,
    subtitles: Mapping[str, str] = SOURCE_SUBTITLES,
    counts_text: CountsText | None = None,
    developments: Sequence[Development] = (),
    marking: str | None = None,
    author: str | None = None,
) -> Appendix:
    """Arrange chosen quotes in the seed appendix's structure.

    Args:
        items: the quotes, in the order they should appear under each heading.
        periods: the report's periods (default: those of the quotes).
        classes: the class headings to show, in the seed's order whatever order is given.
        title: the document title (default :func:`default_title`).
        text_transform: applied to every quote text (the redactor).
        attribution: gives each quote's attribution (small-number coarsening).
        show_themes: a theme section per theme inside each source.
        theme_order: the order of theme sections (default: largest first).
        count_text: formats counts (e.g. "<5" below the small-number threshold).
        counts_text: formats each counts line as a whole (complementary suppression); when
            given it is used instead of ``count_text``.
        subtitles: the line under each source heading.
        developments: the "you said, we did" section (:func:`voice.report.you_said_we_did`).
        marking: the protective marking (default ``config.protective_marking()``).
        author: who made the document (the signed-in user, ``--by``).
    """
    wanted = [c for c in REPORT_CLASSES if c in set(classes)]
    unknown = set(classes) - set(REPORT_CLASSES)
    if unknown:
        raise InputError(f"unknown class(es) {sorted(unknown)}: use {', '.join(REPORT_CLASSES)}")
    items = [i for i in items if i.label in wanted]
    periods = list(periods) if periods else sorted({i.quote.period for i in items if i.quote.period})
    by_source: dict[str | None, list[ReportQuote]] = {}
    for item in items:
        by_source.setdefault(item.quote.source, []).append(item)
    when = periods_text(periods, seed_style=True)
    sections = []
    for source, source_items in by_source.items():
        heading = f"{source or 'Quotes'} - Summary of views/themes" + (f" {when}" if when else "")
        section = AppendixSection(source, heading, subtitles.get(source or ""))
        for theme, group_items in _theme_groups(source_items, show_themes, theme_order):
            shown = text_transform(theme) if theme else None
            group = AppendixGroup(shown if shown is None or is_heading(shown) else NO_THEME)
            for label in wanted:
                group.entries[label] = [
                    AppendixEntry(
                        i.quote.id, text_transform(i.quote.text), attribution(i.quote), label, i.proposed
                    )
                    for i in group_items
                    if i.label == label
                ]
            section.groups.append(group)
        sections.append(section)
    return Appendix(
        title=title or default_title(list(by_source), periods),
        periods=periods,
        classes=tuple(wanted),
        sections=sections,
        count_text=count_text,
        counts_text=counts_text,
        developments=list(developments),
        marking=config.protective_marking() if marking is None else marking,
        author=(author or "").strip() or "Voice",
    )


def _theme_groups(
    items: list[ReportQuote], show_themes: bool, theme_order: Sequence[str] | None
) -> list[tuple[str | None, list[ReportQuote]]]:
    if not show_themes:
        return [(None, items)]
    groups: dict[str, list[ReportQuote]] = {}
    for item in items:
        name = item.theme if item.theme and is_heading(item.theme) else NO_THEME
        groups.setdefault(name, []).append(item)
    order = list(theme_order or [])
    rank = {name: i for i, name in enumerate(order)}

    def key(name: str) -> tuple:
        return (name == NO_THEME, rank.get(name, len(order)), -len(groups[name]), name)

    return [(name, groups[name]) for name in sorted(groups, key=key)]


_NOT_WORDS = re.compile(r"[\W_]|\[…\]|\[\.\.\.\]")


def is_heading(name: str | None) -> bool:
    """False for empty and placeholder theme names: "", "(no keywords)", "[…] / […]"."""
    text = (name or "").strip()
    if not text or (text.startswith("(") and text.endswith(")")):
        return False
    return bool(_NOT_WORDS.sub("", text))


def made_text(made: datetime) -> str:
    """The date a document was made, as UK papers write it: "5 May 2025"."""
    return f"{made.day} {made:%B %Y}"


def counts_line(
    counts: Mapping[str, int],
    classes: Sequence[str],
    count_text: Callable[[int], str],
    counts_text: CountsText | None = None,
    proposed: int = 0,
) -> str:
    """ "9 quotes tagged by people: 2 good, 3 don't know, 4 not so good", saying whose labels.

    ``counts_text`` formats the row as a whole (no hidden count by subtraction). With
    ``proposed`` quotes labelled only by the model: "9 quotes (7 tagged by people, 2 proposed by
    the model, not checked): ...".
    """
    row = {c: counts.get(c, 0) for c in classes}
    total = sum(row.values())
    if counts_text is not None:
        texts = dict(counts_text(row, total))
    else:
        texts = {**{c: count_text(n) for c, n in row.items()}, "total": count_text(total)}
    parts = ", ".join(f"{texts[c]} {CLASS_WORDS[c]}" for c in classes)
    noun = "quote" if texts["total"] == "1" else "quotes"  # "<5 quotes", never "<5 quote"
    if not proposed:
        return f"{texts['total']} {noun} tagged by people: {parts}"
    whose = f"{count_text(total - proposed)} tagged by people, {count_text(proposed)} proposed by the model"
    return f"{texts['total']} {noun} ({whose}, not checked): {parts}"


def quoted(entry: AppendixEntry) -> str:
    """The seed's quote style: “text” Attribution, then the proposal mark when there is one."""
    text = " ".join(entry.text.split())
    return f"\u201c{text}\u201d" + "".join(f" {x}" for x in (entry.attribution, _mark(entry)) if x)


def _mark(entry: AppendixEntry) -> str:
    return PROPOSED_MARK if entry.proposed else ""


def _line(appendix: Appendix, counts: Mapping[str, int], proposed: int) -> str:
    """A counts line of the appendix, with its full stop."""
    return appendix.counts_line(counts, proposed) + "."


def _group_counts(group: AppendixGroup) -> Counter:
    return Counter({label: len(entries) for label, entries in group.entries.items()})


def developments_by_heading(developments: Sequence[Development]) -> list[tuple[str, list[Development]]]:
    """The "you said, we did" pairs under their headings, in first-seen order."""
    groups: dict[str, list[Development]] = {}
    for d in developments:
        groups.setdefault(d.heading, []).append(d)
    return list(groups.items())
