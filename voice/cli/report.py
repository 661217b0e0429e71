"""``voice appendix``: the "Voice of the Child" appendix of a period, redacted, as a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from voice.cli._util import DEFAULT_WHO, app, console, open_store, user_errors
from voice.errors import InputError
from voice.ingest.fields import parse_label, parse_period
from voice.privacy import load_redactor
from voice.report import (
    EXPORT_SUFFIXES,
    REPORT_CLASSES,
    counts_line,
    export_appendix,
    published_ids,
    select_quotes,
    you_said_we_did,
)
from voice.store import Store


@app.command("appendix")
def appendix(
    period: Annotated[
        list[str], typer.Option(help="A quarter, e.g. '2017/18 Q1'; repeat for several quarters.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help=f"Output file: {', '.join(EXPORT_SUFFIXES)}.")
    ],
    source: Annotated[
        list[str] | None, typer.Option(help="Only this source; repeat for several (default: all).")
    ] = None,
    label: Annotated[
        list[str] | None,
        typer.Option(help="Only this class (good, unsure, not_so_good or the seed wording); repeatable."),
    ] = None,
    title: Annotated[
        str | None, typer.Option(help="Document title (default: from source and period).")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Your name, recorded in the audit log.")] = DEFAULT_WHO,
    counts: Annotated[bool, typer.Option("--counts/--no-counts", help="Show quote counts.")] = True,
    include_proposals: Annotated[
        bool,
        typer.Option(
            "--include-proposals",
            help="Also quotes labelled only by the model, each marked 'proposed by the model, not checked'.",
        ),
    ] = False,
) -> None:
    """Export the "Voice of the Child" appendix in the seed's style, redacted.

    Quotes of the chosen quarters are grouped by source under "What's good?", "Don't know" and
    "What's not so good?" by the label people gave them (newest human tag), each as “text”
    Female, 15. The model's unchecked proposals are left out unless --include-proposals is
    given; then each is marked "(proposed by the model, not checked)" (label_by "model proposal"
    in a table). Names, schools and places are redacted (voice.privacy); counts under 5 show as
    "<5" (and one more count, or the total, where "<5" could be worked out by subtraction) and
    attributions shared by fewer than 5 of the quotes shown are coarsened, except that a quote
    the council itself published ("Female, 15" in the seed appendix) keeps its attribution
    (docs/PRIVACY.md). The quarter's service-development notes follow as "You said, we did"
    (`voice notes`). .md and .docx give the appendix (the DOCX in house style: A4, protective
    marking, page numbers); .csv, .xlsx and .json give the chosen quotes as a table. Every
    export is written to the audit log.
    """
    with user_errors():
        periods = [parse_period(p) for p in period]
        classes = tuple(dict.fromkeys(parse_label(x) for x in label)) if label else REPORT_CLASSES
        suffix = output.suffix.lower()
        if suffix not in EXPORT_SUFFIXES:
            raise InputError(f"unsupported output type '{suffix}': use {', '.join(EXPORT_SUFFIXES)}")
        store = open_store()
        items = select_quotes(
            store, periods, sources=source or None, classes=classes, include_proposals=include_proposals
        )
        if not items:
            where = f" from {', '.join(source)}" if source else ""
            whose = "" if include_proposals else " by people"
            raise InputError(
                f"no quotes labelled {', '.join(classes)}{whose}{where} in {', '.join(periods)} "
                "(see `voice quotes --period ...`; --include-proposals adds the model's proposals)"
            )
        transform = load_redactor([i.quote.text for i in items])
        from voice.privacy import PUBLIC_ROLE, coarsen_attributions, format_count, protect_counts

        # among the quotes shown; a quote from a council-published document keeps its attribution
        coarse = coarsen_attributions([i.quote for i in items], PUBLIC_ROLE, published=published_ids(store))
        developments = you_said_we_did(store, periods, transform, _label_scrubber(store, periods, transform))
        built = export_appendix(
            store,
            items,
            output,
            by,
            text_transform=transform,
            attribution=lambda q: coarse.get(q.id, ""),
            count_text=lambda n: format_count(n, PUBLIC_ROLE),
            counts_text=lambda counts, total: protect_counts(counts, total, PUBLIC_ROLE),
            periods=periods,
            classes=classes,
            title=title,
            with_counts=counts,
            developments=developments,
        )
        line = counts_line(built.counts, built.classes, str, proposed=built.n_proposed)
        notes = f'; {len(developments)} "you said, we did" notes' if developments else ""
        console.print(
            f"wrote {built.title!r} ({line}, redacted{notes}) to {output}",
            highlight=False,
        )


def _label_scrubber(
    store: Store, periods: list[str], transform: Callable[[str], str]
) -> Callable[[str], str]:
    """A theme label fit to print: redacted, and every word the redactor removes from the
    periods' quotes hidden (a label is made of single words taken from them)."""
    from voice.privacy import identifier_words, scrub_words

    words: list[frozenset[str]] = []  # worked out once, and only when a note is linked to a theme

    def label(text: str) -> str:
        if not words:
            words.append(identifier_words([q.text for q in store.quotes(periods=periods)]))
        return scrub_words(transform(text), words[0])

    return label
