"""What every ``voice`` command shares: the typer app and its sub-apps, the consoles, output
formats, the user-error guard, the store opener, table printing and progress bars.

Command modules import from here; this module imports no command module (no circle).
"""

from __future__ import annotations

import csv
import getpass
import json
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, TextIO

import typer
from rich.console import Console
from rich.text import Text

from voice import config
from voice.errors import VoiceError, VoiceWarning
from voice.store import Store

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from voice.classify import VoiceModel
    from voice.ingest.quote_file import QuoteFileError


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown user"


DEFAULT_WHO = _login_name()
"""Who the audit log names when a command is not given ``--by``: the operating-system user."""

app = typer.Typer(
    help="Voice: children's and families' feedback as evidence beside the performance figures.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
benchmark_app = typer.Typer(
    help="Measure speed and memory (figures for docs/BENCHMARKS.md).", no_args_is_help=True
)
app.add_typer(benchmark_app, name="benchmark")
users_app = typer.Typer(
    help="Who may log in to the app, with which role (officer, report_writer, scrutiny).",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")
theme_app = typer.Typer(
    help="Edit saved themes: rename, merge, split, move a quote, pin. Edits survive re-runs.",
    no_args_is_help=True,
)
app.add_typer(theme_app, name="theme")
indicators_app = typer.Typer(
    help="Dashboard indicators: import performance dashboards, list, export and trend them, "
    "and compute the voice indicator from tagged quotes.",
    no_args_is_help=True,
)
app.add_typer(indicators_app, name="indicators")
console = Console(soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, soft_wrap=True, markup=False, emoji=False)
"""Both consoles print data as it is: no Rich markup (``[name]`` stays, ``[/]`` cannot crash)
and no emoji codes; styled words are :class:`rich.text.Text` (``ERROR``)."""
ERROR = Text("Error:", style="red")
WARNING = Text("Warning:", style="yellow")


class Format(StrEnum):
    """Output formats for listing commands."""

    table = "table"
    csv = "csv"
    json = "json"


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn problems a user can fix into one clear message and exit code 1.

    Those are ``VoiceError``s, and a typed path that does not exist, may not be read or is a
    folder (``FileNotFoundError``, ``PermissionError``, ``IsADirectoryError``). Anything else is
    a bug and keeps its traceback.
    The message is printed as it is: Rich markup in data (``[name]``, ``[/]``) is not interpreted.
    A :class:`~voice.errors.VoiceWarning` (a problem worked around) is printed as one line.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("always", VoiceWarning)
        warnings.showwarning = _warning_printer(warnings.showwarning)
        with _errors_explained():
            yield


def _warning_printer(previous: Callable[..., None]) -> Callable[..., None]:
    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if issubclass(category, VoiceWarning):
            err.print(WARNING, str(message), highlight=False)
        else:
            previous(message, category, filename, lineno, file, line)

    return show


@contextmanager
def _errors_explained() -> Iterator[None]:
    try:
        yield
    except (VoiceError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        # imported here, not at the top: a command that reads no file starts lighter
        from voice.ingest.quote_file import QuoteFileError

        if isinstance(exc, QuoteFileError):
            err.print(ERROR, _one_line(exc), highlight=False)
            raise typer.Exit(1) from None
        message = exc.message if isinstance(exc, VoiceError) else str(exc.args[0] if exc.args else exc)
        if isinstance(exc, IsADirectoryError):
            message = f"{exc.filename}: is a folder, not a file"
        elif isinstance(exc, OSError) and exc.filename is not None:
            message = f"{exc.filename}: {exc.strerror or message}"
        err.print(ERROR, str(message), highlight=False)
        raise typer.Exit(1) from None


def _one_line(exc: QuoteFileError) -> str:
    """A file refused for one problem in one line; several problems listed under a summary."""
    if exc.total == 1 and len(exc.errors) == 1:
        return f"{exc.errors[0]} (1 problem(s), nothing was stored)"
    return str(exc)


def open_store() -> Store:
    """The configured store (``VOICE_DB_URL`` or the SQLite file under ``VOICE_HOME``)."""
    return Store(config.settings().db_url)


def print_rows(rows: Sequence[dict], columns: Sequence[str], fmt: Format, title: str = "") -> None:
    """Print rows as a rich table, CSV or JSON on standard output."""
    if fmt is Format.json:
        sys.stdout.write(
            json.dumps([{c: r.get(c) for c in columns} for r in rows], indent=2, default=str) + "\n"
        )
    elif fmt is Format.csv:
        from voice.report import safe_cell

        writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows({c: safe_cell(r.get(c)) for c in columns} for r in rows)  # no formula injection
    else:
        from rich.table import Table

        table = Table(title=title or None, show_lines=False)
        for c in columns:
            table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(*["" if r.get(c) is None else str(r.get(c)) for c in columns])
        console.print(table)


def progress_bar(description: str) -> Progress:
    """A progress bar for work that takes more than a second."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def progress_callback(bar: Progress, task: TaskID) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback that moves ``task`` on ``bar``."""

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return update


def propose_store_labels(store: Store, model: VoiceModel) -> None:
    """Propose labels for the store's quotes no person has tagged, and say how many were added."""
    from voice.classify import propose_labels

    with progress_bar("classifying") as bar:
        task = bar.add_task("classifying untagged quotes", total=None)
        added = propose_labels(store, model, progress_callback(bar, task))
    if not added:
        console.print("nothing to classify: every quote has a human tag or this model's tag")
        return
    console.print(f"tagged {added} quotes as model proposals ({model.version})")


def screen_and_say(
    store: Store, who: str = DEFAULT_WHO, thorough: bool = True, whatever_the_size: bool = False
) -> None:
    """Screen the stored quotes the detector has not read yet; say how many may disclose harm.

    Every part of the detector runs (``thorough``: the rules and the embedding parts, which load
    the sentence model): recall comes first. A very large batch is read by the rules alone unless
    ``whatever_the_size`` (``voice concerns`` finishes it); ``thorough=False`` runs the rules alone.
    """
    from voice.safeguarding import screen_store, screening_version, too_big_to_read_fully
    from voice.store import unscreened_quotes

    embedder = None
    if thorough:
        from voice.embed import default_embedder

        embedder = default_embedder()
        todo = unscreened_quotes(store, screening_version(embedder))
        if not whatever_the_size and too_big_to_read_fully(todo):  # the rules now, the rest later
            embedder = None
            err.print(
                f"safeguarding: {len(todo):,} quotes were read by the detector's rules only (the "
                "embedding parts would take minutes): run `voice concerns` to read them with every part",
                highlight=False,
            )
    result = screen_store(store, who=who, embedder=embedder)
    if result.flagged:
        n = len(result.flagged)
        err.print(
            f"safeguarding: {n} quote{'s' if n != 1 else ''} may disclose harm: flagged for an officer "
            "to read now, and held out of themes, counts and reports until reviewed (`voice concerns`)",
            highlight=False,
        )


def warn_file_concerns(texts: Sequence[str], name: str) -> None:
    """For a file that is not stored (``voice classify FILE``): name each row that may disclose harm."""
    from voice.safeguarding import detect_concerns

    for i, concern in enumerate(detect_concerns(texts)):
        if concern is not None:
            err.print(
                f"safeguarding: {name}, row {i + 2} may disclose harm ({', '.join(concern.kinds)}): "
                "put it in front of a named officer now (docs/SAFEGUARDING.md)",
                highlight=False,
            )
