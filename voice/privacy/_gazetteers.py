"""The word lists redaction reads: the shipped gazetteers (``corpus/redaction/gazetteers/``:
first names, surnames, places, the words never redacted, common English words) and the
council's own list of staff, places, schools and names (``$VOICE_LOCAL_NAMES``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from voice import config
from voice.errors import InputError


def _read_list(path: Path) -> frozenset[str]:
    if not path.exists():
        raise FileNotFoundError(f"{path}: redaction word list missing (reinstall Voice)")
    words = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def _read_ordered(path: Path) -> list[str]:
    if not path.exists():
        raise FileNotFoundError(f"{path}: redaction word list missing (reinstall Voice)")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.startswith("#")]


FUNCTION_WORDS = 1_000
"""The most frequent words ("me", "into", "the" ...): never part of a school's or street's name."""
VERY_COMMON_WORDS = 15_000
"""The most frequent English words: a capitalised one alone is not taken for a name by spaCy."""


@dataclass(frozen=True)
class Gazetteers:
    """The shipped word lists (``corpus/redaction/gazetteers/``)."""

    first_names: frozenset[str]
    ambiguous_names: frozenset[str]
    surnames: frozenset[str]
    places: frozenset[str]
    keep_words: frozenset[str]
    common_words: frozenset[str] = frozenset()
    very_common_words: frozenset[str] = frozenset()
    function_words: frozenset[str] = frozenset()

    @classmethod
    def load(cls, folder: Path | None = None) -> Gazetteers:
        """Read the lists from ``folder`` (default :data:`voice.config.GAZETTEER_DIR`)."""
        folder = folder or config.GAZETTEER_DIR
        common = _read_ordered(folder / "common_words.txt")
        return cls(
            first_names=_read_list(folder / "first_names.txt"),
            ambiguous_names=_read_list(folder / "ambiguous_names.txt"),
            surnames=_read_list(folder / "surnames.txt"),
            places=_read_list(folder / "places.txt"),
            keep_words=_read_list(folder / "keep_words.txt"),
            common_words=frozenset(common),
            very_common_words=frozenset(common[:VERY_COMMON_WORDS]),
            function_words=frozenset(common[:FUNCTION_WORDS]),
        )

    @classmethod
    def empty(cls) -> Gazetteers:
        """No lists except the words never redacted (to measure what the lists add)."""
        full = cls.load()
        none: frozenset[str] = frozenset()
        return cls(none, none, none, none, full.keep_words)


@dataclass(frozen=True)
class LocalNames:
    """A council's own list of staff, places, schools and names (never in the repository).

    The file is JSON: ``{"staff": [...], "places": [...], "schools": [...], "names": [...]}``
    (see ``corpus/redaction/local_names.example.json``).
    """

    staff: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    schools: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path | None = None) -> LocalNames:
        """Read the list at ``path`` (default ``Settings.local_names_file``); none → empty.

        Raises ``InputError`` when the file is not such a JSON object.
        """
        path = path or config.settings().local_names_file
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: not a valid local names JSON file ({exc})") from None
        if not isinstance(data, dict):
            raise InputError(f"{path}: expected an object with staff, places, schools, names lists")
        lists = {}
        for key in ("staff", "places", "schools", "names"):
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{path}: '{key}' must be a list of strings")
            lists[key] = tuple(v.strip() for v in value if v.strip())
        return cls(**lists)
