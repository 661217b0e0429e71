"""The ``voice`` command line: a thin layer over the library.

Each command parses its options, calls one library function and prints the result. User errors
(bad files, unknown ids, a locked database) print one clear message and exit with code 1; they
never show a traceback. ``_util`` holds the typer app and what commands share; each command
group is a module that registers on it. May import every library package, never ``voice.ui``.

A command runs with only its own module imported (``COMMAND_MODULES``: `voice tag` needs none
of the indicator, theme or report commands); ``voice --help``, an unknown command and
``voice.cli.app`` import every module, in the order ``--help`` lists them (``MODULES``).
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

__all__ = ["COMMAND_MODULES", "MODULES", "app", "main"]

MODULES = (
    "quotes",
    "model",
    "adaptation",
    "benchmark",
    "privacy",
    "report",
    "themes",
    "quality",
    "safeguarding",
    "indicators",
    "concerns",
    "notes",
)
"""The command modules in the order ``voice --help`` lists their commands."""

COMMAND_MODULES = {
    **dict.fromkeys(["import-seed", "import", "quotes", "tag", "learn-tags", "history", "export"], "quotes"),
    "demo": "quotes",
    **dict.fromkeys(["train", "train-children-reader", "classify", "queue", "evaluate"], "model"),
    "evaluate-adaptation": "adaptation",
    **dict.fromkeys(["redact", "evaluate-redaction", "audit", "users"], "privacy"),
    "appendix": "report",
    **dict.fromkeys(["themes", "theme"], "themes"),
    **dict.fromkeys(["evaluate-themes", "train-themes", "train-scheme-chooser"], "quality"),
    "evaluate-concerns": "safeguarding",
    "indicators": "indicators",
    "concerns": "concerns",
    "notes": "notes",
}
"""The module that registers each top-level command or command group. ``voice benchmark`` has
commands in several modules: it, and any name not here, imports them all."""


def _register(modules: tuple[str, ...]) -> typer.Typer:
    for name in modules:
        importlib.import_module(f"voice.cli.{name}")
    from voice.cli._util import app

    return app


def __getattr__(name: str) -> Any:
    """``voice.cli.app``: the typer app with every command registered."""
    if name == "app":
        return _register(MODULES)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console-script entry point: registers the invoked command's module only, then runs it."""
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    module = COMMAND_MODULES.get(command)
    _register((module,) if module else MODULES)()
