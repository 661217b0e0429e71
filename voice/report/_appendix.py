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
:func:`export_appendix` commits an audit entry and then writes the file; the app calls
:func:`appendix_markdown` / :func:`appendix_docx` / :func:`appendix_table` for downloads and
:func:`audit_export` when one is made.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from voice.errors import InputError
from voice.ingest.fields import period_sort_key
from voice.privacy import safe_speaker
from voice.records import HUMAN, LABEL_HEADINGS, Quote, Tag
from voice.report._markdown import markdown_text
from voice.report._tables import quote_row, write_bytes_atomically, write_table
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


@dataclass
class Appendix:
    """A built appendix, ready to render."""

    title: str
    periods: list[str]
    classes: tuple[str, ...]
    sections: list[AppendixSection]
    count_text: Callable[[int], str] = str
    counts_text: CountsText | None = None

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
            group = AppendixGroup(text_transform(theme) if theme else None)
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
    )


def _theme_groups(
    items: list[ReportQuote], show_themes: bool, theme_order: Sequence[str] | None
) -> list[tuple[str | None, list[ReportQuote]]]:
    if not show_themes:
        return [(None, items)]
    groups: dict[str, list[ReportQuote]] = {}
    for item in items:
        groups.setdefault(item.theme or NO_THEME, []).append(item)
    order = list(theme_order or [])
    rank = {name: i for i, name in enumerate(order)}

    def key(name: str) -> tuple:
        return (name == NO_THEME, rank.get(name, len(order)), -len(groups[name]), name)

    return [(name, groups[name]) for name in sorted(groups, key=key)]


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


# -- rendering -----------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Data in the appendix's Markdown: no link, image, HTML or maths; "[name]" stays readable."""
    return markdown_text(text, keep_brackets=True)


def render_markdown(appendix: Appendix, with_counts: bool = True) -> str:
    """The appendix as Markdown (headings, one paragraph per quote)."""
    lines = [f"# {_md(appendix.title)}", ""]
    if with_counts:
        lines += [_line(appendix, appendix.counts, appendix.n_proposed), ""]
    if not appendix.sections:
        lines += ["No quotes were chosen for this appendix.", ""]
    for section in appendix.sections:
        lines += [f"## {_md(section.heading)}", ""]
        if section.subtitle:
            lines += [_md(section.subtitle), ""]
        if with_counts and len(appendix.sections) > 1:
            lines += [_line(appendix, section.counts, section.n_proposed), ""]
        for group in section.groups:
            level = "###"
            if group.heading is not None:
                lines += [f"### {_md(group.heading)}", ""]
                if with_counts:
                    lines += [_line(appendix, _group_counts(group), group.n_proposed), ""]
                level = "####"
            for label in appendix.classes:
                entries = group.entries.get(label, [])
                if not entries:
                    continue
                lines += [f"{level} {_md(LABEL_HEADINGS[label])}", ""]
                for entry in entries:
                    lines += [_md(quoted(entry)), ""]
    return "\n".join(lines).rstrip() + "\n"


def _line(appendix: Appendix, counts: Mapping[str, int], proposed: int) -> str:
    """A counts line of the appendix, with its full stop."""
    return appendix.counts_line(counts, proposed) + "."


def _group_counts(group: AppendixGroup) -> Counter:
    return Counter({label: len(entries) for label, entries in group.entries.items()})


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text a Word document can hold: characters XML forbids (stored by older paths) dropped."""
    return _NOT_XML.sub("", text)


def render_docx(appendix: Appendix, with_counts: bool = True) -> bytes:
    """The appendix as a Word document: headings, each quote in italics with its attribution."""
    from docx import Document

    doc = Document()
    doc.core_properties.title = _xml(appendix.title)
    doc.core_properties.author = "Voice"
    doc.add_heading(_xml(appendix.title), level=0)
    if with_counts:
        doc.add_paragraph(_line(appendix, appendix.counts, appendix.n_proposed))
    if not appendix.sections:
        doc.add_paragraph("No quotes were chosen for this appendix.")
    for section in appendix.sections:
        doc.add_heading(_xml(section.heading), level=1)
        if section.subtitle:
            doc.add_paragraph().add_run(_xml(section.subtitle)).bold = True
        if with_counts and len(appendix.sections) > 1:
            doc.add_paragraph(_line(appendix, section.counts, section.n_proposed))
        for group in section.groups:
            level = 2
            if group.heading is not None:
                doc.add_heading(_xml(group.heading), level=2)
                if with_counts:
                    doc.add_paragraph(_line(appendix, _group_counts(group), group.n_proposed))
                level = 3
            for label in appendix.classes:
                entries = group.entries.get(label, [])
                if not entries:
                    continue
                doc.add_heading(LABEL_HEADINGS[label], level=level)
                for entry in entries:
                    paragraph = doc.add_paragraph()
                    paragraph.add_run(f"\u201c{_xml(' '.join(entry.text.split()))}\u201d").italic = True
                    for extra in (entry.attribution, _mark(entry)):
                        if extra:
                            paragraph.add_run(f" {_xml(extra)}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def appendix_markdown(
    items: Sequence[ReportQuote],
    *,
    text_transform: TextTransform = _same,
    attribution: Attribution = plain_attribution,
    with_counts: bool = True,
    **options: Any,
) -> str:
    """Build and render as Markdown; further ``options`` are :func:`build_appendix`'s."""
    built = build_appendix(items, text_transform=text_transform, attribution=attribution, **options)
    return render_markdown(built, with_counts)


def appendix_docx(
    items: Sequence[ReportQuote],
    *,
    text_transform: TextTransform = _same,
    attribution: Attribution = plain_attribution,
    with_counts: bool = True,
    **options: Any,
) -> bytes:
    """Build and render as DOCX bytes; further ``options`` are :func:`build_appendix`'s."""
    built = build_appendix(items, text_transform=text_transform, attribution=attribution, **options)
    return render_docx(built, with_counts)


def table_rows(
    items: Sequence[ReportQuote],
    text_transform: TextTransform = _same,
    attribution: Attribution = plain_attribution,
) -> list[dict]:
    """The chosen quotes as export rows (:data:`TABLE_COLUMNS`), text transformed."""
    rows = []
    for item in items:
        tag = item.tag or Tag(item.quote.id, item.label, who="", origin="")
        question = text_transform(item.quote.question) if item.quote.question else None
        shown = replace(item.quote, text=text_transform(item.quote.text), question=question)
        row = quote_row(shown, replace(tag, label=item.label))
        row["attribution"] = attribution(item.quote)
        row["theme"] = text_transform(item.theme) if item.theme else ""
        row["label_by"] = "model proposal" if item.proposed else "person"
        rows.append(row)
    return rows


def appendix_table(
    items: Sequence[ReportQuote],
    fmt: str,
    text_transform: TextTransform = _same,
    attribution: Attribution = plain_attribution,
) -> bytes:
    """The chosen quotes as CSV, XLSX or JSON bytes (formulas neutralised by voice.export)."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in ("csv", "xlsx", "json"):
        raise InputError(f"unsupported table format '{fmt}': use csv, xlsx or json")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"quotes.{fmt}"
        write_table(table_rows(items, text_transform, attribution), path, TABLE_COLUMNS)
        return path.read_bytes()


# -- exporting -----------------------------------------------------------------------------------

EXPORT_SUFFIXES = (".md", ".docx", ".csv", ".xlsx", ".json")


def audit_export(store: Store, who: str, appendix: Appendix | None, what: str, n_quotes: int) -> None:
    """Record an export in the audit log: who, what and how many quotes."""
    title = f" '{appendix.title}'" if appendix else ""
    store.audit(who, "export", f"appendix{title}: {n_quotes} quotes as {what}")


def export_appendix(
    store: Store,
    items: Sequence[ReportQuote],
    path: str | Path,
    who: str,
    *,
    text_transform: TextTransform,
    attribution: Attribution = plain_attribution,
    with_counts: bool = True,
    **options: Any,
) -> Appendix:
    """Audit, then write the appendix (.md, .docx) or its quote table (.csv, .xlsx, .json).

    The file is rendered in memory, the audit row is committed, and only then is the file
    written (atomically: a temporary file renamed into place). If the audit cannot be written
    (:class:`voice.errors.StoreError`) nothing is written. ``text_transform`` has no default
    here: an export to a file must say how it is redacted. ``options`` are
    :func:`build_appendix`'s.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise InputError(f"unsupported output type '{suffix}': use {', '.join(EXPORT_SUFFIXES)}")
    appendix = build_appendix(items, text_transform=text_transform, attribution=attribution, **options)
    if suffix == ".md":
        data = render_markdown(appendix, with_counts).encode("utf-8")
    elif suffix == ".docx":
        data = render_docx(appendix, with_counts)
    else:
        chosen = [i for i in items if i.label in appendix.classes]
        data = appendix_table(chosen, suffix, text_transform, attribution)
    audit_export(store, who, appendix, f"{suffix.lstrip('.')} ({path.name})", appendix.total)
    write_bytes_atomically(path, data)
    return appendix
