"""``voice concerns [review | history]``: quotes that may disclose harm, for a named officer.

The listing screens any stored quote the detector has not read yet, then shows one row per
flagged quote and a line saying how many wait and for how long. ``screen_and_say`` (in ``_util``)
is what every command that stores quotes calls right after storing them (docs/SAFEGUARDING.md).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from voice.cli._util import Format, app, console, err, open_store, print_rows, screen_and_say, user_errors
from voice.errors import NotFoundError, StoreError

if TYPE_CHECKING:
    from voice.store import FlaggedQuote, Store

concerns_app = typer.Typer(
    help="Quotes that may disclose harm: list them, record an officer's review, show a quote's history. "
    "A flag is for a person to read, never a decision; a flagged quote stays out of every theme, count "
    "and report until reviewed.",
    invoke_without_command=True,
)
app.add_typer(concerns_app, name="concerns")

COLUMNS = ["id", "text", "kinds", "reasons", "status", "flagged_at", "reviewed_by", "reviewed_at"]


def _reason_lines(item: FlaggedQuote) -> list[str]:
    return [f'{r.kind}: "{r.cue}" in "{r.sentence}"' for r in item.reasons]


def _row(item: FlaggedQuote) -> dict:
    review = item.review
    reasons = _reason_lines(item)
    return {
        "id": item.quote.id,
        "text": item.quote.text,
        "kinds": ", ".join(item.kinds),
        "reasons": "; ".join(reasons),
        "reason_lines": reasons,  # for the listing; not a column
        "status": item.status,
        "flagged_at": item.flagged_at.isoformat(timespec="seconds") if item.flagged_at else "",
        "reviewed_by": review.who if review else "",
        "reviewed_at": review.at.isoformat(timespec="seconds") if review and review.at else "",
    }


def _waiting_line(store: Store) -> str:
    from voice.store import concern_summary

    summary = concern_summary(store)
    days = summary.oldest_days()
    oldest = f", oldest {days} day{'s' if days != 1 else ''}" if days is not None else ""
    return f"{summary.waiting} not yet reviewed{oldest}"


@concerns_app.callback()
def concerns(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """List the flagged quotes (waiting ones first) with their reasons and status."""
    if ctx.invoked_subcommand is not None:
        return
    from voice.store import flagged_quotes

    with user_errors():
        store = open_store()
        try:
            screen_and_say(store, whatever_the_size=True)
        except StoreError as exc:  # a locked database: still show what is flagged already
            err.print(f"warning: new quotes were not screened: {exc.message}", highlight=False)
        rows = [_row(item) for item in flagged_quotes(store)]
        line = _waiting_line(store)
        if fmt is Format.table:
            _print_cards(rows)
        else:
            print_rows(rows, COLUMNS, fmt, title=f"{len(rows)} flagged quotes")
        (console if fmt is Format.table else err).print(line, highlight=False)


def _print_cards(rows: list[dict]) -> None:
    """One block per flagged quote: its id and status, what it may disclose, the whole quote and
    each reason on a line of its own (eight table columns folded a quote into a word per line at
    80 columns)."""
    console.print(f"{len(rows)} flagged quote{'s' if len(rows) != 1 else ''}", highlight=False)
    for r in rows:
        reviewed = f" by {r['reviewed_by']} at {r['reviewed_at']}" if r["reviewed_by"] else ""
        console.print(highlight=False)
        console.print(f"{r['id']} · {r['status']}{reviewed} · flagged {r['flagged_at']}", highlight=False)
        console.print(f"  may disclose: {r['kinds']}", highlight=False)
        console.print(f"  quote: {r['text']}", highlight=False)
        for reason in r["reason_lines"]:
            console.print(f"  why: {reason}", highlight=False)
    if rows:
        console.print(highlight=False)


def _flagged_quote_id(store: Store, quote_id: str) -> str:
    quote = store.get_quote(quote_id)
    if quote is None:
        raise NotFoundError(f"no quote with id {quote_id!r} (see `voice concerns`)")
    return quote.id


@concerns_app.command("review")
def review(
    quote_id: Annotated[str, typer.Argument(help="The quote id (or a unique prefix of 6+ characters).")],
    outcome: Annotated[
        str, typer.Argument(help="One of the configured outcomes (voice.config.CONCERN_OUTCOMES).")
    ],
    by: Annotated[str, typer.Option("--by", help="Your name: every review records who made it.")],
    note: Annotated[str | None, typer.Option("--note", help="What was done (optional).")] = None,
) -> None:
    """Record your review of a flagged quote (appended, with an audit row; nothing is replaced)."""
    from voice.safeguarding import review_flag

    with user_errors():
        store = open_store()
        done = review_flag(store, _flagged_quote_id(store, quote_id), outcome, by, note)
        where = (
            "it stays out of themes, counts and reports"
            if done.keep_out
            else "it returns to themes, counts and reports"
        )
        console.print(f"{done.quote_id}: {done.outcome}, by {done.who}; {where}", highlight=False)


@concerns_app.command("history")
def history(
    quote_id: Annotated[str, typer.Argument(help="The quote id (or a unique prefix).")],
) -> None:
    """Every flag and review of one quote, oldest first."""
    from voice.store import flagged_quotes

    with user_errors():
        store = open_store()
        qid = _flagged_quote_id(store, quote_id)
        found = flagged_quotes(store, qid)
        if not found:
            raise NotFoundError(f"quote {qid!r} has no safeguarding flag (see `voice concerns`)")
        item = found[0]
        epoch = datetime.min.replace(tzinfo=UTC)
        events: list[dict] = [
            {
                "at": f.at,
                "event": "flagged",
                "detail": "; ".join(f'{r.kind}: "{r.cue}"' for r in f.reasons),
                "by": f"detector {f.detector_version}",
                "note": "",
            }
            for f in item.flags
        ] + [
            {"at": r.at, "event": "reviewed", "detail": r.outcome, "by": r.who, "note": r.note or ""}
            for r in item.reviews
        ]
        events.sort(key=lambda e: e["at"] or epoch)
        print_rows(events, ["at", "event", "detail", "by", "note"], Format.table, title=item.quote.text[:80])
