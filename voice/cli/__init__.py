"""The ``voice`` command line: a thin layer over the library.

Each command parses its options, calls one library function and prints the result. User errors
(bad files, unknown ids, a locked database) print one clear message and exit with code 1; they
never show a traceback. ``_util`` holds the typer app and what commands share; each command
group is a module that registers on it; this module imports them in the order ``--help`` lists
them. May import every library package, never ``voice.ui``.
"""

# The command modules register on `app` when imported, in the order `voice --help` lists them.
# isort: off
from voice.cli import quotes  # noqa: F401
from voice.cli import model  # noqa: F401
from voice.cli import adaptation  # noqa: F401
from voice.cli import benchmark  # noqa: F401
from voice.cli import privacy  # noqa: F401
from voice.cli import report  # noqa: F401
from voice.cli import themes  # noqa: F401
from voice.cli import quality  # noqa: F401
from voice.cli import safeguarding  # noqa: F401
from voice.cli import indicators  # noqa: F401
from voice.cli import concerns  # noqa: F401
from voice.cli import notes  # noqa: F401

# isort: on
from voice.cli._util import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
