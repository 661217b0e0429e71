"""The redaction function for exports that must never leave unredacted (``voice appendix``, the
app's downloads): imported when asked for, so that a missing or broken redaction module is a
clear error, not an unredacted file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from voice.errors import InputError

REDACTION_MISSING = (
    "redaction is not available: the module voice.privacy._redact (function redact_text) could not be "
    "imported ({problem}); an appendix is never exported unredacted"
)


def load_redactor(texts: Sequence[str] = ()) -> Callable[[str], str]:
    """The redaction function, imported at call time; ``texts`` are redacted up front in a batch.

    Raises ``InputError`` (a ``ValueError``) with a clear message when ``voice.privacy._redact``
    is missing or broken, and ``MissingPipeline`` when spaCy's pipeline is not installed.
    """
    try:
        from voice.privacy._redact import redact_text
    except ImportError as exc:
        raise InputError(REDACTION_MISSING.format(problem=exc)) from None
    done: dict[str, str] = {}
    try:
        from voice.privacy._redact import redact_texts

        unique = list(dict.fromkeys(texts))
        done = dict(zip(unique, redact_texts(unique), strict=True))
    except ImportError:
        pass

    def transform(text: str) -> str:
        return done[text] if text in done else redact_text(text)

    return transform
