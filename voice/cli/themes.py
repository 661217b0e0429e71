"""``voice themes | theme ... | evaluate-themes | benchmark themes``: the theme commands."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from voice import config
from voice.cli._util import (
    DEFAULT_WHO,
    Format,
    app,
    console,
    open_store,
    print_rows,
    progress_bar,
    progress_callback,
    theme_app,
    user_errors,
)
from voice.errors import InputError
from voice.ingest.quote_file import QuoteFileError, RowError, numbered_rows
from voice.records import Quote

if TYPE_CHECKING:
    from voice.themes import ThemeSummary

THEME_COLUMNS = ("theme_id", "theme_label", "representative")


class Scheme(StrEnum):
    """How a file's quotes are themed (docs/THEMES.md, "How Voice chooses")."""

    auto = "auto"
    children = "children"
    nhs = "nhs"


SchemeOption = Annotated[
    Scheme,
    typer.Option(
        "--scheme",
        help="children: the children's services framework (+ emergent themes; see --group-by); nhs: "
        "the NHS-style guide; auto: children when the scheme chooser reads the file as children's words.",
    ),
]


class Grouping(StrEnum):
    """How a file's children's feedback is grouped (docs/THEMES.md, "Two ways to use the framework")."""

    framework = "framework"
    meaning = "meaning"


GroupingOption = Annotated[
    Grouping,
    typer.Option(
        "--group-by",
        help="File, children's feedback: framework (default): each quote to the framework theme it fits "
        "best, the rest in emergent themes (as the store does); meaning: groups of quotes that say alike, "
        "each named by the framework theme most of its quotes fit or by a phrase of its own.",
    ),
]


class ThemeFormat(StrEnum):
    """Output formats for ``voice themes`` over the store."""

    table = "table"
    json = "json"
    markdown = "markdown"


def _suppress(n: int) -> str:
    """A count as it may leave the officers' hands ("<5" for 1 to 4)."""
    from voice.privacy import PUBLIC_ROLE, format_count

    return format_count(n, PUBLIC_ROLE)


@app.command("themes")
def themes(
    input: Annotated[
        Path | None,
        typer.Argument(help="CSV/XLSX with a 'text' column. Leave out to theme the quotes in the store."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Output .csv/.xlsx/.json: the input plus theme columns."),
    ] = None,
    period: Annotated[str | None, typer.Option(help="Store: only this period, e.g. '2017/18 Q1'.")] = None,
    fmt: Annotated[
        ThemeFormat, typer.Option("--format", help="Store: table, json or markdown.")
    ] = ThemeFormat.table,
    suppress: Annotated[
        bool, typer.Option("--suppress", help=f"Write counts below {config.SMALL_NUMBER_THRESHOLD} as '<5'.")
    ] = False,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Store: re-cluster everything no person has edited.")
    ] = False,
    starters: Annotated[
        bool,
        typer.Option("--starters/--no-starters", help="Store: pin the starter themes on the first run."),
    ] = True,
    by: Annotated[str, typer.Option("--by", help="Who runs it (recorded in the theme log).")] = DEFAULT_WHO,
    unredacted: Annotated[
        bool,
        typer.Option(
            "--unredacted",
            help="Store, officers only: quotes as given, exact counts and speakers (default: redacted, "
            "counts under 5 as '<5', small groups' speakers coarsened, identifying words hidden).",
        ),
    ] = False,
    scheme: SchemeOption = Scheme.auto,
    group_by: GroupingOption = Grouping.framework,
) -> None:
    """Group quotes into themes, with labels, keywords and representative quotes.

    With INPUT: writes every input column (a speaker column reduced to gender, role and age)
    plus theme_id, theme_label and representative (true/false) to -o OUTPUT. Non-answers
    ("don't know", "n/a", empty) get theme_id 'non_answer'; quotes that fit no theme get 'other'.
    --scheme auto (the default) themes children's feedback with the children's services
    framework (config.THEME_FRAMEWORK_FILE or VOICE_THEME_FRAMEWORK) and NHS-style feedback with
    the NHS guide, per file (the scheme chooser in models/themes/scheme decides). Each quote of
    children's feedback joins the framework theme it fits best, as in the store, and the rest
    form emergent themes; --group-by meaning clusters the quotes first instead and names a group
    by the framework theme at least half its quotes fit best, else by a phrase of its own. A
    file's themes hold at least 5 quotes each, and a file of 40 quotes has at least 4.

    Without INPUT: themes the stored quotes of --period, keeping every saved edit (see
    `voice theme --help`); new quotes join existing themes and the new assignments are saved.
    Prints per theme: size, good / unsure / not so good, change against the previous quarter,
    keywords and representative quotes with attribution, then an overview in plain sentences.
    Each output over the store is written to the audit log before it is printed.
    """
    with user_errors():
        if input is not None:
            _themes_file(input, output, scheme.value, group_by.value)
        else:
            if output is not None:
                raise InputError("-o is for themeing a file: give INPUT too")
            _themes_store(period, fmt, _suppress if suppress else str, rebuild, starters, by, unredacted)


def _read_rows(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    rows = list(numbered_rows(path))
    if not rows:
        raise QuoteFileError([RowError(path.name, 0, "", "the file has a header but no rows")])
    columns = list(rows[0][1].keys())
    if "text" not in columns:
        raise QuoteFileError(
            [RowError(path.name, 0, "text", f"no 'text' column (columns: {', '.join(columns)})")]
        )
    return rows, columns


def _themes_file(input: Path, output: Path | None, scheme: str = "auto", group_by: str = "framework") -> None:
    from voice.privacy import safe_speaker
    from voice.report import write_table
    from voice.themes import load_framework, theme_with_scheme

    if output is None:
        raise InputError("give -o OUTPUT when themeing a file (or no INPUT to theme the store)")
    framework = load_framework() if scheme != "nhs" else None  # a bad framework file fails first
    numbered, columns = _read_rows(input)
    quotes = [Quote(text=str(row.get("text") or "").strip(), id=f"row-{n}") for n, row in numbered]
    with progress_bar("themes") as bar:
        task = bar.add_task(f"embedding {len(quotes)} quotes", total=len(quotes))
        result, used = theme_with_scheme(
            quotes, scheme, framework=framework, progress=progress_callback(bar, task), group_by=group_by
        )
    reps = result.representative()
    renamed = {c: f"input_{c}" if c in THEME_COLUMNS else c for c in columns}
    out_rows = []
    for q, (_, row) in zip(quotes, numbered, strict=True):
        r = {renamed[c]: v for c, v in row.items()}
        if r.get("speaker"):  # gender, role and age only: a name never comes back out
            r["speaker"] = safe_speaker(str(r["speaker"]))
        r.update(
            theme_id=result.theme_of(q.id), theme_label=result.label_of(q.id), representative=q.id in reps
        )
        out_rows.append(r)
    write_table(out_rows, output, [*renamed.values(), *THEME_COLUMNS])
    rows = [
        {"theme_id": t.id, "label": t.label, "quotes": t.size, "keywords": ", ".join(t.keywords[:5])}
        for t in result.themes
    ]
    why = {"children": "children's services framework", "nhs": "NHS-style guide"}[used]
    title = f"{len(result.themes)} themes ({why}{', chosen for this file' if scheme == 'auto' else ''})"
    print_rows(rows, ["theme_id", "label", "quotes", "keywords"], Format.table, title=title)
    console.print(
        f"{len(quotes)} rows: {result.answered - len(result.other)} in {len(result.themes)} themes, "
        f"{len(result.other)} in Other ({result.other_share:.0%} of answers), "
        f"{len(result.non_answers)} non-answers; wrote {output}"
    )


def _themes_store(
    period: str | None,
    fmt: ThemeFormat,
    count: Callable[[int], str],
    rebuild: bool,
    starters: bool,
    by: str,
    unredacted: bool = False,
) -> None:
    from voice.embed import default_theme_embedder
    from voice.ingest.fields import parse_period, previous_period
    from voice.privacy import PUBLIC_ROLE, export_id
    from voice.themes import overview, scrutiny_view, summarise, summarise_for_role, themes_for_period

    store = open_store()
    if period:
        period = parse_period(period)
        if period not in store.periods():
            raise InputError(
                f"no quotes for {period} (periods in the store: {', '.join(store.periods()) or 'none'})"
            )
    quotes = store.quotes(period=period)
    if not quotes:
        raise InputError("no quotes in the store: import some first (`voice import`, `voice import-seed`)")
    with progress_bar("themes") as bar:
        task = bar.add_task(f"embedding {len(quotes)} quotes", total=len(quotes))
        result = themes_for_period(
            store, period, who=by, starters=starters, rebuild=rebuild, progress=progress_callback(bar, task)
        )
    previous = None
    if period:
        prev = previous_period(period)
        if prev in store.periods():
            previous = themes_for_period(store, prev, who=by, starters=False)
    labels = store.current_tags()
    if unredacted:
        protect = None
        if count is _suppress:  # --suppress: the same rule as the redacted output, splits included
            from voice.privacy import protect_counts

            protect = lambda counts, total: protect_counts(counts, total, PUBLIC_ROLE)  # noqa: E731
        summaries = summarise(result, quotes, labels, previous, count_formatter=count, counts_text=protect)
    else:
        # no theme under 5 quotes (small ones join their nearest theme); overview and counts agree
        result = scrutiny_view(result, quotes=quotes, embedder=default_theme_embedder())
        summaries = summarise_for_role(result, quotes, labels, PUBLIC_ROLE, previous)
        count = _suppress
    text = overview(summaries, period, result, count_formatter=count)
    kind = "UNREDACTED" if unredacted else "redacted"
    store.audit(  # before anything is printed: an output the audit log cannot record is not made
        by, "export", f"themes of {period or 'all periods'}: {len(summaries)} themes ({kind}) as {fmt.value}"
    )
    if fmt is ThemeFormat.json:
        exact = ("size", "counts", "previous", "change", "share", "extra")
        payload = {
            "period": period,
            "overview": text,
            "answered": count(result.answered),
            "non_answers": count(len(result.non_answers)),
            "other": count(len(result.other)),
            "model_version": result.model_version,
            "themes": [
                {k: v for k, v in dataclasses.asdict(s).items() if unredacted or k not in exact}
                for s in summaries
            ],
        }
        themes: list[dict] = payload["themes"]  # type: ignore[assignment]  # built just above
        for theme in themes:  # quotes leave with this installation's keyed ids
            for q in theme["quotes"]:
                q["quote_id"] = export_id(q["quote_id"])
        sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")
    elif fmt is ThemeFormat.markdown:
        sys.stdout.write(markdown_report(summaries, text, period) + "\n")
    else:
        table = Table(title=f"themes, {period or 'all periods'}", show_lines=True)
        for c in ("theme", "quotes", "good", "unsure", "not so good", "change", "keywords", "for example"):
            table.add_column(c, overflow="fold")
        for s in summaries:
            ex = s.quotes[0] if s.quotes else None
            table.add_row(
                Text.assemble(s.label, "\n", (f"{s.theme_id}{_flags(s)}", "dim")),
                s.size_text,
                s.count_texts["good"],
                s.count_texts["unsure"],
                s.count_texts["not_so_good"],
                "" if s.change is None else s.change_text,
                ", ".join(s.keywords[:5]),
                f'"{ex.text}" {ex.attribution}' if ex else "",
            )
        console.print(table)
        console.print(text)


def _flags(s: ThemeSummary) -> str:
    return (" pinned" if s.pinned else "") + (" edited" if s.edited else "")


def markdown_report(summaries: Sequence[ThemeSummary], overview_text: str, period: str | None) -> str:
    """Theme summaries as Markdown: the overview, then one section per theme with its quotes.

    Every piece of data is escaped (:func:`voice.report.markdown_text`): no link, image, HTML or
    maths from a quote or a label, and each quote stays on its one line.
    """
    from voice.report import markdown_text

    def md(text: str) -> str:
        return markdown_text(text, keep_brackets=True)  # "[name]" stays readable

    lines = [f"# Themes, {md(period or 'all periods')}", "", md(overview_text), ""]
    for s in summaries:
        lines += [f"## {md(s.label)} ({md(s.size_text)} quotes)", "", md(s.sentence), ""]
        if s.keywords:
            lines += [f"Keywords: {md(', '.join(s.keywords))}", ""]
        for q in s.quotes:
            who = f" — {md(q.attribution)}" if q.attribution else ""
            lines.append(f'> "{md(q.text)}"{who}')
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- voice theme ... -------------------------------------------------------------------------------


By = Annotated[str, typer.Option("--by", help="Your name: every edit records who made it.")]


@theme_app.command("list")
def theme_list(
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
    all_: Annotated[bool, typer.Option("--all", help="Include merged and retired themes.")] = False,
) -> None:
    """List saved themes with how many quotes each holds."""
    from collections import Counter

    import voice.store as theme_store

    with user_errors():
        store = open_store()
        sizes = Counter(m.theme_id for m in theme_store.memberships(store).values())
        rows = [
            {
                "id": t.id,
                "label": t.label,
                "quotes": sizes.get(t.id, 0),
                "pinned": t.pinned,
                "edited": t.edited,
                "active": t.active,
                "merged_into": t.merged_into or "",
                "keywords": ", ".join(t.keywords[:5]),
            }
            for t in theme_store.stored_themes(store, include_retired=all_)
        ]
        cols = ["id", "label", "quotes", "pinned", "edited", "keywords"] + (
            ["active", "merged_into"] if all_ else []
        )
        print_rows(
            rows, cols, fmt, title=f"{len(rows)} saved themes ({sizes.get('other', 0)} quotes moved to Other)"
        )


@theme_app.command("rename")
def theme_rename(
    theme_id: Annotated[str, typer.Argument(help="The theme id (see `voice theme list`).")],
    label: Annotated[str, typer.Argument(help="The new label.")],
    by: By,
    period: Annotated[
        str | None, typer.Option(help="In this quarter only (its quotes there split off).")
    ] = None,
) -> None:
    """Rename a theme in every quarter (or one --period only); a label in use is refused."""
    from voice.store import rename_theme, theme_quote_ids

    with user_errors():
        store = open_store()
        t = rename_theme(store, theme_id, label, by, period=period)
        n = len(theme_quote_ids(store, t.id))
        where = (
            f"in every quarter ({n} quotes)" if period is None else f"in {period} only ({n} quotes split off)"
        )
        console.print(f"{t.id}: now {t.label!r} {where}")


@theme_app.command("merge")
def theme_merge(
    theme_ids: Annotated[list[str], typer.Argument(help="Two or more theme ids.")],
    label: Annotated[str, typer.Option("--label", help="Label of the merged theme.")],
    by: By,
) -> None:
    """Merge themes into one new theme holding all their quotes."""
    from voice.store import merge_themes

    with user_errors():
        t = merge_themes(open_store(), theme_ids, label, by)
        console.print(f"merged {', '.join(theme_ids)} into {t.id} {t.label!r}")


@theme_app.command("split")
def theme_split(
    theme_id: Annotated[str, typer.Argument(help="The theme to split.")],
    quote_ids: Annotated[list[str], typer.Argument(help="The quotes (ids) that move to the new theme.")],
    label: Annotated[str, typer.Option("--label", help="Label of the new theme.")],
    by: By,
) -> None:
    """Split some quotes of a theme off into a new theme."""
    from voice.store import split_theme

    with user_errors():
        t = split_theme(open_store(), theme_id, quote_ids, label, by)
        console.print(f"split {len(quote_ids)} quotes of {theme_id} into {t.id} {t.label!r}")


@theme_app.command("move")
def theme_move(
    quote_id: Annotated[str, typer.Argument(help="The quote id (or a unique prefix of 6+ characters).")],
    theme_id: Annotated[str, typer.Argument(help="The theme id, or 'other'.")],
    by: By,
) -> None:
    """Move a quote to another theme (or to 'other'); re-runs never move it back."""
    from voice.store import move_quote

    with user_errors():
        m = move_quote(open_store(), quote_id, theme_id, by)
        console.print(f"{m.quote_id} -> {m.theme_id}")


@theme_app.command("pin")
def theme_pin(
    label: Annotated[str, typer.Argument(help="The theme's label, e.g. 'feeling safe'.")],
    by: By,
    seed: Annotated[
        list[str] | None,
        typer.Option("--seed", help="A phrase the theme is about (repeat the option for more)."),
    ] = None,
) -> None:
    """Pin a theme: it is kept on every run and attracts quotes like its label and seed phrases."""
    from voice.store import pin_theme

    with user_errors():
        t = pin_theme(open_store(), label, seed or [], by)
        console.print(f"pinned {t.id} {t.label!r} with {len(t.seed_phrases)} seed phrases")


@theme_app.command("starters")
def theme_starters(by: By) -> None:
    """Pin the children's services framework's themes (config.THEME_FRAMEWORK_FILE) not saved yet."""
    from voice.store import seed_starter_themes
    from voice.themes import framework_starters

    with user_errors():
        added = seed_starter_themes(open_store(), by, framework_starters())
        console.print(
            f"pinned {len(added)} starter themes"
            + (f": {', '.join(t.label for t in added)}" if added else "")
        )


@theme_app.command("log")
def theme_log(limit: Annotated[int, typer.Option(help="How many entries.")] = 30) -> None:
    """The theme edit log, newest first."""
    from voice.store import edit_log

    with user_errors():
        rows = [{**r, "detail": json.dumps(r["detail"])} for r in edit_log(open_store(), limit)]
        print_rows(rows, ["at", "who", "action", "theme_id", "detail"], Format.table, title="theme edits")
