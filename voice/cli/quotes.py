"""``voice import-seed | import | quotes | tag | history | export | demo``: quotes and tags.

`voice tag` is what a person waits for after each tag: this module imports, at the top, only
what it needs (the store); readers of files and the report tables are imported in the commands
that use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from voice.cli._util import (
    DEFAULT_WHO,
    Format,
    app,
    console,
    err,
    open_store,
    print_rows,
    progress_bar,
    propose_store_labels,
    screen_and_say,
    user_errors,
)
from voice.errors import InputError, NotFoundError
from voice.ingest.fields import parse_label
from voice.records import HUMAN, Tag


def write_table(rows: Sequence[dict], path: Path, columns: Sequence[str] | None = None) -> Path:
    """:func:`voice.report.write_table`, imported only when `voice export` writes a file."""
    from voice.report import write_table as write

    return write(rows, path, columns)


@app.command("import-seed")
def import_seed(
    paths: Annotated[list[Path], typer.Argument(help="Dashboard text files such as corpus/seeds/000_*.txt.")],
) -> None:
    """Import the "Voice of the Child" appendix quotes of dashboard text files.

    Quotes under "What's good?", "Don't know" and "What's not so good?" are stored with
    that label as a human tag by "source document"; SLF family feedback is stored untagged;
    the "voice influencing service developments" bullets are stored as notes, not quotes.
    """
    from voice.ingest.seed_appendix import read_seed_appendix

    with user_errors():
        store = open_store()
        for path in paths:
            if not path.exists():
                raise FileNotFoundError(f"{path}: no such file")
            if path.is_file() and not path.read_bytes().strip():
                raise InputError(f"{path}: the file is empty")
            appendix = read_seed_appendix(path)
            result = store.add_quotes(appendix.quotes, appendix.tags, who="import-seed")
            screen_and_say(store, who="import-seed")
            notes_added = store.add_notes(appendix.notes)
            labelled = len({t.quote_id for t in appendix.tags})
            untagged = len(appendix.quotes) - labelled
            for w in appendix.warnings:
                err.print(f"warning: {w}")
            if not appendix.quotes:
                console.print(f"{path.name}: 0 quotes found")
                continue
            console.print(
                f"{path.name} ({appendix.period or 'no period'}): {len(appendix.quotes)} quotes found "
                f"({labelled} labelled, {untagged} untagged), "
                f"{len(appendix.notes)} service-development notes; "
                f"added {result.quotes_added} quotes, {result.tags_added} tags, {notes_added} notes "
                f"({result.already_stored} already stored)"
            )


@app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(help="A .csv or .xlsx file with a 'text' column.")],
    source: Annotated[str | None, typer.Option(help="Source for rows without one.")] = None,
    period: Annotated[
        str | None, typer.Option(help="Period (e.g. '2017/18 Q1') for rows without one.")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who the file's labels are attributed to.")] = None,
    question: Annotated[
        str | None,
        typer.Option(
            "--question",
            help="The question the children answered (e.g. 'What could be better?'), for rows without "
            "one: the classifier reads it as context.",
        ),
    ] = None,
) -> None:
    """Import quotes from a CSV or XLSX file (all rows or none).

    Columns: text (required), speaker, gender, age, source, period, question, label,
    collected_on. Re-importing the same file adds nothing. See corpus/examples/quotes.csv.
    """
    from voice.ingest.quote_file import stream_quote_file

    with user_errors():
        if by is not None and not by.strip():
            raise InputError("--by: give the name of the person the labels are attributed to")
        if question is not None and not question.strip():
            raise InputError("--question: give the question the children answered, or leave the option out")
        store = open_store()
        with progress_bar("importing") as bar:
            task = bar.add_task(f"importing {path.name} (rows)", total=None)
            parsed = stream_quote_file(
                path,
                source,
                period,
                by,
                progress=lambda n: bar.update(task, completed=n),
                default_question=question,
            )
            result = store.add_quote_batches(parsed, who=by or DEFAULT_WHO)  # streamed, all rows or none
        screen_and_say(store, who=by or DEFAULT_WHO)
        for warning in parsed.warnings:
            err.print(f"warning: {warning}", highlight=False)
        console.print(
            f"{path.name}: {parsed.rows_read} rows read, {parsed.quotes} quotes "
            f"({parsed.duplicates} duplicate rows); added {result.quotes_added} quotes and "
            f"{result.tags_added} tags ({result.already_stored} already stored)"
        )


@app.command("quotes")
def list_quotes(
    period: Annotated[str | None, typer.Option(help="Only this period, e.g. '2017/18 Q1'.")] = None,
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    label: Annotated[str | None, typer.Option(help="good, unsure, not_so_good or untagged.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """List stored quotes with their current label."""
    from voice.report import QUOTE_COLUMNS, quote_rows

    with user_errors():
        if label and label != "untagged":
            label = parse_label(label)
        rows = quote_rows(open_store(), period=period, source=source, label=label, internal=True)
        columns = ["id", "text", "label", "label_origin", "gender", "age", "source", "period"]
        if fmt is Format.table:
            print_rows(rows, columns, fmt, title=f"{len(rows)} quotes")
        else:
            print_rows(rows, QUOTE_COLUMNS if fmt is Format.csv else [*columns, "question"], fmt)


@app.command("tag")
def tag_quote(
    quote_id: Annotated[str, typer.Argument(help="The quote id (or a unique prefix of 6+ characters).")],
    label: Annotated[str, typer.Argument(help="good, unsure or not_so_good (seed wording accepted).")],
    by: Annotated[str, typer.Option("--by", help="Your name: every tag records who gave it.")],
    learn: Annotated[bool, typer.Option("--learn/--no-learn", help="Update the model with this tag.")] = True,
    wait: Annotated[
        bool,
        typer.Option("--wait", help="Learn before returning and say so (else in the background)."),
    ] = False,
) -> None:
    """Tag a quote. Tags are append-only: the history of every change is kept.

    The model then learns from every human tag in the store (a local correction head saved to
    $VOICE_HOME/models/), so the next proposals reflect the correction. It learns in a
    background process, so the command returns at once: tags given in quick succession are
    learned together, and `voice queue` uses the new model once it is saved. ``--wait`` learns
    before returning.
    """
    with user_errors():
        from voice.cli import _learning

        store = open_store()
        quote = store.get_quote(quote_id)
        if quote is None:
            raise NotFoundError(f"no quote with id {quote_id!r} (see `voice quotes`)")
        tag = store.add_tag(Tag(quote_id=quote.id, label=parse_label(label), who=by, origin=HUMAN))
        history = store.tag_history(quote.id)
        console.print(f"{quote.id}: {tag.label} by {by} ({len(history)} tags in its history)")
        if not learn:
            return
        if failed := _learning.last_failure():
            err.print(f"warning: the model has not learned the earlier tags: {failed}", highlight=False)
        if not wait:
            if not _learning.learner_waiting():  # else the waiting learner learns this tag too
                _learning.learn_in_background()
            console.print("model: learning from this tag in the background (`voice tag --wait` waits for it)")
            return
        from voice.classify import ModelError

        try:
            model = _learning.learn_now(store)
            console.print(f"model updated: {model.version}" if model else "model: already learned these tags")
        except ModelError as exc:
            err.print(f"warning: tag saved, but the model was not updated: {exc}")


@app.command("learn-tags", hidden=True)
def learn_tags() -> None:
    """Learn every person's tag unless the saved model already has (run by `voice tag`)."""
    with user_errors():
        from voice.cli import _learning

        model = _learning.learn_now(open_store(), queue=True)
        console.print(f"model updated: {model.version}" if model else "model: nothing to learn now")


@app.command("history")
def tag_history(
    quote_id: Annotated[str, typer.Argument(help="The quote id (or a unique prefix).")],
) -> None:
    """Show every tag a quote has had, oldest first."""
    with user_errors():
        store = open_store()
        quote = store.get_quote(quote_id)
        if quote is None:
            raise NotFoundError(f"no quote with id {quote_id!r}")
        rows = [
            {
                "at": t.at,
                "label": t.label,
                "who": t.who,
                "origin": t.origin,
                "model": t.model_version,
                "p": t.probability,
            }
            for t in store.tag_history(quote.id)
        ]
        print_rows(rows, ["at", "label", "who", "origin", "model", "p"], Format.table, title=quote.text[:80])


@app.command("export")
def export(
    output: Annotated[Path, typer.Argument(help="Output file: .csv, .xlsx or .json.")],
    period: Annotated[str | None, typer.Option(help="Only this period.")] = None,
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    label: Annotated[str | None, typer.Option(help="good, unsure, not_so_good or untagged.")] = None,
    unredacted: Annotated[
        bool,
        typer.Option(
            "--unredacted",
            help="Officers only: keep quotes as given (names, places ...) and exact gender, role and "
            "age (never a name from the speaker field). Recorded in the audit log.",
        ),
    ] = False,
    by: Annotated[str, typer.Option("--by", help="Your name, for the audit log.")] = DEFAULT_WHO,
) -> None:
    """Export quotes with their current labels (spreadsheet formulas neutralised).

    By default the export is fit to leave the officers' hands: quote text redacted
    ([name], [school], [place] ...), speakers coarsened where a group is small, no officer
    names (docs/PRIVACY.md). ``--unredacted`` keeps the text as stored. Either way ids are this
    installation's keyed export ids and speakers carry no names. The export is written to the
    audit log first; when that fails nothing is written.
    """
    from voice.report import QUOTE_COLUMNS, REDACTED_COLUMNS, quote_rows

    with user_errors():
        if label and label != "untagged":
            label = parse_label(label)
        store = open_store()
        rows = quote_rows(store, period=period, source=source, label=label)
        columns = QUOTE_COLUMNS
        if not unredacted:
            from voice.privacy import PUBLIC_ROLE, protect_rows

            rows = protect_rows(rows, PUBLIC_ROLE)
            columns = [c for c in REDACTED_COLUMNS if not rows or c in rows[0]]
        if output.suffix.lower() not in (".csv", ".xlsx", ".json"):
            raise ValueError(f"unsupported output type '{output.suffix}': use .csv, .xlsx or .json")
        kind = "UNREDACTED" if unredacted else "redacted"
        store.audit(by, "export", f"{len(rows)} quotes ({kind}) to {output.name}")  # first: no file unaudited
        write_table(rows, output, columns)
        console.print(f"wrote {len(rows)} quotes ({kind}) to {output}")


@app.command("demo")
def demo(
    classify: Annotated[
        bool, typer.Option("--classify/--no-classify", help="Propose labels for untagged quotes.")
    ] = True,
) -> None:
    """Load the seed documents and the demo set into the database and show what Voice makes of them.

    Imports the appendix quotes and every dashboard's indicators, then the documented demo set
    (corpus/demo/: synthetic quotes over eight quarters with example tags, and synthetic
    indicator rows; never used to train the model). Idempotent. Proposes labels for the
    untagged quotes with the shipped model, and prints the voice indicator that replaces
    "See Appendix".
    """
    from voice.demo import DEMO_INDICATORS, DEMO_QUOTES, load_demo
    from voice.indicators import compute_voice_indicator
    from voice.report import quote_rows

    with user_errors():
        store = open_store()
        console.print(f"database: {store.url}")
        summary = load_demo(store, who="demo")  # screens what it stores with the rules
        # and with every part of the detector, which says how many are flagged in all (the rules'
        # count from load_demo is part of it, so it is not printed again; docs/SAFEGUARDING.md)
        screen_and_say(store, who="demo")
        for s in summary.seeds:
            console.print(
                f"  {s.name}: {s.quotes_found} quotes found ({s.quotes_added} added), "
                f"{s.indicator_rows} indicator rows ({s.indicators_added} added)"
            )
        console.print(
            f"  demo set (synthetic, corpus/demo/README.md): {DEMO_QUOTES.name}: {summary.demo_quotes_read} "
            f"quotes ({summary.demo_quotes_added} added, {summary.demo_tags_added} demo tags added), "
            f"{DEMO_INDICATORS.name}: {summary.demo_indicator_rows} indicator rows "
            f"({summary.demo_indicators_added} added)"
        )
        if classify:
            from voice.classify import load_model

            propose_store_labels(store, load_model())
        rows = quote_rows(store, period="2017/18 Q1", internal=True)
        print_rows(
            rows,
            ["id", "text", "label", "label_origin", "gender", "age", "source", "period"],
            Format.table,
            title=f"2017/18 Q1: {len(rows)} of {store.count_quotes()} quotes stored",
        )
        v = compute_voice_indicator(store, "2017/18 Q1")
        console.print(
            "Feedback from families and evaluation provides evidence of positive impact, 2017/18 Q1: "
            f"{v.text} (RAG {v.rag or 'n/a'}; people's tags only, model proposals not counted)"
        )
        console.print("Next: `voice quotes`, `voice queue`, `voice indicators show --period '2017/18 Q1'`.")
