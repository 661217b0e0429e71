"""``voice redact | evaluate-redaction | users | audit | benchmark redact``: the privacy commands."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from voice import config
from voice.cli._util import (
    DEFAULT_WHO,
    ERROR,
    Format,
    app,
    benchmark_app,
    console,
    err,
    open_store,
    print_rows,
    progress_bar,
    user_errors,
    users_app,
)
from voice.errors import InputError, MissingPipeline
from voice.files import write_private_text

CHUNK = 500


def _pipeline_errors(exc: RuntimeError) -> None:
    err.print(ERROR, str(exc), highlight=False)
    raise typer.Exit(1) from None


@app.command("redact")
def redact_file(
    input: Annotated[Path, typer.Argument(help="A .csv or .xlsx file with a 'text' column.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output .csv, .xlsx or .json.")],
    kinds: Annotated[
        bool, typer.Option("--kinds/--no-kinds", help="Add a 'redacted_kinds' column (name;place ...).")
    ] = False,
) -> None:
    """Add a 'text_redacted' column to a quote file, keeping every input column.

    Names, staff names, schools, places, addresses, phone numbers, e-mails, dates of birth and
    ages under 10 become [name], [staff name], [school], [place], [address], [phone], [email],
    [date of birth], [age]. The council's own list ($VOICE_LOCAL_NAMES) is used when present.
    Spreadsheet formulas in the output are neutralised. See docs/PRIVACY.md for what it misses.
    """
    from voice.ingest.quote_file import QuoteFileError, RowError, iter_rows
    from voice.privacy import default_redactor
    from voice.report import write_table

    with user_errors():
        if not input.exists():
            raise FileNotFoundError(f"{input}: no such file")
        if output.resolve() == input.resolve():
            raise InputError(f"{output}: choose an output file other than the input")
        rows = list(iter_rows(input))
        if not rows:
            raise QuoteFileError([RowError(input.name, 0, "", "the file has a header but no rows")])
        columns: list[str] = []
        for r in rows:
            columns += [c for c in r if c not in columns]
        extra = ["text_redacted"] + (["redacted_kinds"] if kinds else [])
        columns = [c for c in columns if c not in extra] + extra
        try:
            redactor = default_redactor()
            with progress_bar("redacting") as bar:
                task = bar.add_task(f"redacting {input.name}", total=len(rows))
                changed = 0
                for start in range(0, len(rows), CHUNK):
                    chunk = rows[start : start + CHUNK]
                    texts = ["" if r.get("text") is None else str(r.get("text")) for r in chunk]
                    for r, red in zip(chunk, redactor.redact_many(texts), strict=True):
                        r["text_redacted"] = red.text
                        if kinds:
                            r["redacted_kinds"] = ";".join(s.kind for s in red.spans)
                        changed += bool(red.spans)
                    bar.update(task, completed=start + len(chunk))
        except MissingPipeline as exc:
            _pipeline_errors(exc)
        write_table(rows, output, columns)
        console.print(f"{input.name}: {len(rows)} rows, {changed} with something redacted; wrote {output}")


@app.command("evaluate-redaction")
def evaluate_redaction(
    split: Annotated[
        list[str] | None,
        typer.Option(help="dev, test, holdout, hard_dev or hard_holdout (repeat; default all)."),
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option("--json", help="Write the metrics here (default corpus/redaction/metrics.json)."),
    ] = None,
    misses: Annotated[bool, typer.Option("--misses", help="Print each missed identifier.")] = False,
    ner: Annotated[bool, typer.Option("--ner/--no-ner", help="Use spaCy's entity recogniser.")] = True,
    lists: Annotated[bool, typer.Option("--lists/--no-lists", help="Use the shipped word lists.")] = True,
) -> None:
    """Recall and precision of redaction on the labelled set in corpus/redaction/.

    Recall: the share of identifiers whose every character is redacted. Precision: the share of
    redactions that overlap an identifier. The council's local list is NOT used, so the figures
    are what Voice does out of the box. Rules were tuned on dev only; see corpus/redaction/README.md.
    """
    from voice.privacy import METRICS, SPLITS, Gazetteers, LocalNames, Redactor, evaluate

    with user_errors():
        splits = split or list(SPLITS)
        for s in splits:
            if s not in SPLITS:
                raise InputError(f"unknown split {s!r}: use one of {', '.join(SPLITS)}")
        try:
            redactor = Redactor(
                local=LocalNames(), gazetteers=None if lists else Gazetteers.empty(), use_ner=ner
            )
            results = evaluate(redactor, splits=splits)
        except MissingPipeline as exc:
            _pipeline_errors(exc)
        rows = []
        for s, m in results.items():
            rows.append(
                {
                    "split": s,
                    "sentences": m["sentences"],
                    "identifiers": m["identifiers"],
                    "recall": m["recall"],
                    "precision": m["precision"],
                    "char_precision": m["char_precision"],
                    "kind_accuracy": m["kind_accuracy"],
                    "clean_touched": f"{m['clean_sentences_touched']} of "
                    f"{m['sentences_without_identifiers']}",
                }
            )
        cols = list(rows[0]) if rows else []
        print_rows(rows, cols, Format.table, title="Redaction on corpus/redaction/labelled.csv")
        kinds = sorted({k for m in results.values() for k in m["per_kind"]})
        per_kind = [
            {
                "kind": k,
                **{s: _kind_cell(m["per_kind"].get(k)) for s, m in results.items()},
            }
            for k in kinds
        ]
        print_rows(per_kind, ["kind", *results], Format.table, title="Recall per kind")
        if misses:
            for s, m in results.items():
                for x in m["misses"]:
                    console.print(
                        f"  {s} miss ({x['kind']}): {x['text']!r} in: {x['sentence']}", highlight=False
                    )
                for x in m["false_positive_examples"]:
                    console.print(
                        f"  {s} over-redacted ({x['kind']}): {x['text']!r} in: {x['sentence']}",
                        highlight=False,
                    )
        target = json_out or METRICS
        payload = {
            "command": "voice evaluate-redaction"
            + ("" if ner else " --no-ner")
            + ("" if lists else " --no-lists"),
            "spacy_pipeline": config.SPACY_PIPELINE,
            "splits": results,
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        write_private_text(target, json.dumps(payload, indent=2) + "\n")
        console.print(f"wrote {target}")


def _kind_cell(k: dict | None) -> str:
    return "" if k is None else f"{k['recall']:.3f} ({k['caught']}/{k['identifiers']})"


@benchmark_app.command("redact")
def benchmark_redact(
    n: Annotated[int, typer.Option(help="How many distinct quotes to redact.")] = 2000,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the JSON here.")] = None,
) -> None:
    """Quotes per second redacted: cold (pipeline load included), warm, and repeated (cached).

    Texts are the labelled set's sentences, made distinct by a number, so they have real
    quote lengths and real identifiers.
    """
    from voice.privacy import LocalNames, Redactor, load_labelled, load_pipeline

    with user_errors():
        if n < 1:
            raise InputError("--n must be at least 1")
        base = [s.text for s in load_labelled()]
        texts = [f"{base[i % len(base)]} ({i})" for i in range(n)]
        try:
            t0 = time.perf_counter()
            load_pipeline()
            redactor = Redactor(local=LocalNames())
            redactor.redact_many(texts[:100])
            cold = time.perf_counter() - t0
            redactor = Redactor(local=LocalNames(), cache_size=n + 100)
            t0 = time.perf_counter()
            redactor.redact_many(texts)
            warm = time.perf_counter() - t0
            t0 = time.perf_counter()
            redactor.redact_many(texts)
            cached = time.perf_counter() - t0
        except MissingPipeline as exc:
            _pipeline_errors(exc)
        result = {
            "quotes": n,
            "cold_first_100_seconds": round(cold, 2),
            "warm_quotes_per_second": round(n / warm, 1),
            "cached_quotes_per_second": round(n / cached, 1),
            "mean_chars": round(sum(map(len, texts)) / n, 1),
        }
        console.print(json.dumps(result, indent=2))
        if output:
            write_private_text(output, json.dumps(result, indent=2) + "\n")


# -- users ------------------------------------------------------------------------------------


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InputError("--password-stdin: nothing on standard input")
        return line.rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The username (letters, digits, . _ @ -).")],
    role: Annotated[str, typer.Option(help="officer, report_writer or scrutiny.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of standard input."),
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Change an existing user's password/role.")
    ] = False,
    by: Annotated[str | None, typer.Option("--by", help="Who made the change (default: your login).")] = None,
) -> None:
    """Add a user who may log in to the app (the password is asked twice, hidden).

    The users file is $VOICE_USERS_FILE (default $VOICE_HOME/users.json), mode 0600, holding
    bcrypt hashes only. The change is written to the audit log.
    """
    from voice.privacy import UserStore, check_password, check_role

    with user_errors():
        check_role(role)
        password = _read_password(password_stdin)
        check_password(password)
        users = UserStore()
        user = users.add_user(name, role, password, replace=replace)
        open_store().audit(by or DEFAULT_WHO, "user add", f"{user.username} as {user.role}")
        console.print(f"{'updated' if replace else 'added'} {user.username} ({user.role}) in {users.path}")


@users_app.command("list")
def users_list(
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """List the users who may log in (no password hashes are shown)."""
    from voice.privacy import UserStore

    with user_errors():
        users = UserStore()
        problem = users.permissions_problem()
        if problem:
            err.print(f"warning: {problem}")
        rows = [
            {"username": u.username, "role": u.role, "created_at": u.created_at} for u in users.list_users()
        ]
        print_rows(rows, ["username", "role", "created_at"], fmt, title=f"{len(rows)} users in {users.path}")


@users_app.command("remove")
def users_remove(
    name: Annotated[str, typer.Argument(help="The username to remove.")],
    by: Annotated[str | None, typer.Option("--by", help="Who made the change (default: your login).")] = None,
) -> None:
    """Remove a user; they can no longer log in. The change is written to the audit log."""
    from voice.privacy import UserStore

    with user_errors():
        user = UserStore().remove_user(name)
        open_store().audit(by or DEFAULT_WHO, "user remove", f"{user.username} ({user.role})")
        console.print(f"removed {user.username}")


# -- audit ------------------------------------------------------------------------------------


@app.command("audit")
def audit(
    limit: Annotated[int, typer.Option(help="Show at most this many entries (0: all).")] = 50,
    who: Annotated[str | None, typer.Option(help="Only entries by this person (exact, any case).")] = None,
    action: Annotated[
        str | None,
        typer.Option(
            help="Only this action, e.g. export, tag, import, 'user add'; 'theme' matches every 'theme ...'."
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """List the audit log, newest first: imports, tags, theme edits, exports, user changes.

    The log is append-only: Voice never updates or deletes an entry.
    """
    with user_errors():
        if limit < 0:
            raise InputError("--limit cannot be negative")
        entries = open_store().audit_log()
        if who:
            entries = [e for e in entries if (e.get("who") or "").lower() == who.lower()]
        if action:
            wanted = action.strip().lower()
            entries = [
                e
                for e in entries
                if (e.get("action") or "").lower() == wanted
                or (e.get("action") or "").lower().startswith(wanted + " ")
            ]
        total = len(entries)
        if limit:
            entries = entries[:limit]
        rows = [
            {
                "id": e["id"],
                "at": e["at"].isoformat(timespec="seconds") if hasattr(e["at"], "isoformat") else e["at"],
                "who": e["who"],
                "action": e["action"],
                "detail": e.get("detail") or "",
            }
            for e in entries
        ]
        title = f"{len(rows)} of {total} audit entries" if fmt is Format.table else ""
        print_rows(rows, ["id", "at", "who", "action", "detail"], fmt, title=title)
