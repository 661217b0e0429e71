"""A speaker as it may leave Voice: gender, role and age, never a name or a place.

People write the speaker as they like: "Female, 15", "Jake 15", "Olivia Bennett, Female, 14",
"Mum (Sarah)", "care leaver, 19". Import keeps what it cannot parse as it is written, so the
stored gender or speaker can hold a name. :func:`safe_speaker` keeps only words of a fixed
vocabulary (genders and roles: child, young person, parent, carer, care leaver, mum ...) and
the age; every other word is dropped. Every place a speaker is shown or exported uses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voice.records import Quote

GENDER_WORDS: dict[str, str] = {
    "female": "Female",
    "girl": "Female",
    "male": "Male",
    "boy": "Male",
    "non-binary": "Non-binary",
    "nonbinary": "Non-binary",
}
"""Gender words, written as the seed writes them."""

_ROLES = """
child children young person people parent parents carer carers foster fostering care leaver leavers
mum mother mom mam dad father grandparent grandparents grandmother grandfather nan nana gran granny
grandma grandpa grandad grandads sibling siblings brother sister step stepmum stepdad stepmother
stepfather family member members guardian kinship adoptive adopter adopted aunt uncle son daughter
baby teenager teen pupil student adult adults professional relative
"""
ROLE_WORDS = frozenset(_ROLES.split())
"""Words that name a role, not a person. Anything else in a speaker field is dropped."""

JOINING_WORDS = frozenset({"of", "and", "or", "&", "/"})
"""Kept only between two kept words ("mum of child", "parent/carer")."""

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+|[&/]")
_AGE = re.compile(r"(?<![\d/.:-])\b(\d{1,3})\b(?![\d/.:])")


@dataclass(frozen=True)
class Speaker:
    """What may be said about who spoke: a gender-or-role description and an age."""

    description: str = ""
    age: int | None = None

    @property
    def text(self) -> str:
        """ "Female, 15", "Care leaver, 19", "Mum", "15" or ""."""
        return ", ".join(p for p in (self.description, "" if self.age is None else str(self.age)) if p)


def _description(text: str) -> str:
    words: list[str] = []
    pending: list[str] = []
    for token in _TOKEN.findall(text):
        low = token.lower().replace("’", "'")
        if low in GENDER_WORDS or low in ROLE_WORDS:
            word = GENDER_WORDS.get(low, low)
            if word.lower() not in (w.lower() for w in words):
                words += [*pending, word] if words else [word]
            pending = []
        elif low in JOINING_WORDS and words:
            pending.append(low)
        else:
            pending = []
    if not words:
        return ""
    spaced = " ".join(words).replace(" / ", "/")
    return spaced[0].upper() + spaced[1:]


def _age(*texts: str) -> int | None:
    for text in texts:
        for match in _AGE.finditer(text):
            age = int(match.group(1))
            if age <= 120:
                return age
    return None


def speaker_of(quote: Quote | str) -> Speaker:
    """The safe parts of a quote's speaker (or of a speaker as written)."""
    if isinstance(quote, str):
        return Speaker(_description(quote), _age(quote))
    gender, written = quote.gender or "", quote.speaker or ""
    description = _description(gender) or _description(written)
    age = quote.age if quote.age is not None else _age(gender, written)
    return Speaker(description, age)


def safe_speaker(quote: Quote | str) -> str:
    """The speaker as it may be shown anywhere: "Female, 15", "Care leaver, 19", "Mum", "15", "".

    Names, places and every other word outside :data:`GENDER_WORDS` / :data:`ROLE_WORDS` are
    dropped ("Olivia Bennett, Female, 14" -> "Female, 14"; "Mum (Sarah)" -> "Mum").
    """
    return speaker_of(quote).text
