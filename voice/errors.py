"""The errors a user can cause, each explained in one line.

Every problem a person can fix (a bad file, an unknown id, a mistyped period, a locked
database, a missing model) is a ``VoiceError``; the command line and the app catch that, and
only that, so a real bug still shows its traceback. The classes also derive from the built-in
error callers caught before (``ValueError``, ``KeyError``, ``RuntimeError``), as scikit-learn's
``NotFittedError`` does, so older ``except`` clauses keep working.

May import: nothing of Voice.
"""

from __future__ import annotations

__all__ = [
    "GuideError",
    "InputError",
    "MissingPipeline",
    "ModelError",
    "NotFoundError",
    "StoreError",
    "UsersError",
    "VoiceError",
    "VoiceWarning",
]


class VoiceError(Exception):
    """A problem the user can fix, explained in one line (the first argument)."""

    @property
    def message(self) -> str:
        """The one-line explanation."""
        return str(self.args[0]) if self.args else self.__class__.__name__


class InputError(VoiceError, ValueError):
    """A value typed or read that Voice cannot use (a period, a label, an option, a file's content)."""


class NotFoundError(VoiceError, KeyError):
    """Something named by the user does not exist (a quote id, a theme, a user, a period)."""


class StoreError(VoiceError):
    """A database problem explained in one line (locked, read-only, unreachable)."""


class ModelError(VoiceError):
    """A model directory is missing, incomplete or corrupt."""


class GuideError(VoiceError, RuntimeError):
    """A theme-guide directory that cannot be read."""


class UsersError(VoiceError, ValueError):
    """A problem with the users file or a user command, explained in one line."""


class MissingPipeline(VoiceError, RuntimeError):
    """A language pipeline Voice needs (spaCy's English model) is not installed."""


class VoiceWarning(UserWarning):
    """A problem Voice worked around (a damaged learned model, say), explained in one line.

    The command line prints it as one ``Warning:`` line and the app with ``st.warning``.
    """
