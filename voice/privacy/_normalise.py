"""The text redaction matches on: Unicode folded so that look-alike spellings of a name match the
name, with a map back to the original characters.

"J\u200bake" (a zero-width space), "Ja\u0301ke" (a combining accent), "Ｊａｃｋ" (full-width
letters) and "Ѕаrah" (Cyrillic letters that look Latin) all read as plain Latin names once
folded. Redaction finds identifiers in the folded text and replaces the matching characters of
the original; everything outside the redacted spans is kept exactly as written.

May import: nothing of Voice.
"""

from __future__ import annotations

import unicodedata

_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
)
"""Zero-width and other invisible characters that can split a word without showing."""

HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W",
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "к": "k", "м": "m", "т": "t",
    "в": "b", "н": "h",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ι": "i", "κ": "k", "ν": "v",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "α": "a",
}  # fmt: skip
"""Cyrillic and Greek letters that look like Latin ones, with the Latin letter they imitate."""


def _is_latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _fold_char(char: str) -> str:
    """One character as matched: a letter's compatibility form and accents off ("Ｊ" → "J",
    "á" → "a"), invisible characters and combining marks gone, anything else as it is."""
    if char in _INVISIBLE:
        return ""
    if unicodedata.combining(char):
        return ""
    if not char.isalnum() or char.isascii():
        return char  # "™" stays one symbol, never the letters "TM"
    decomposed = unicodedata.normalize("NFKD", char)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain if plain.isalnum() else char


def _spoofed_words(text: str) -> set[int]:
    """Positions of look-alike letters inside a word that reads as Latin.

    A word is folded when it mixes Latin letters with look-alikes, or is made of look-alikes
    only ("Јаке"); a real Cyrillic or Greek word has letters with no Latin twin and is left as
    it is.
    """
    positions: set[int] = set()
    i = 0
    while i < len(text):
        if not text[i].isalpha():
            i += 1
            continue
        j = i
        while j < len(text) and (
            text[j].isalpha() or text[j] in _INVISIBLE or unicodedata.combining(text[j])
        ):
            j += 1
        letters = [k for k in range(i, j) if text[k].isalpha()]
        look_alike = [k for k in letters if text[k] in HOMOGLYPHS]
        others = [k for k in letters if k not in look_alike and not _is_latin_letter(_fold_char(text[k])[:1])]
        if look_alike and not others:
            positions.update(look_alike)
        i = j
    return positions


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded for matching, and for each folded character the index it came from.

    The list has one more entry than the folded text: the original length, so that a span's
    end maps back too. Plain ASCII text comes back as it is (and an identity map).
    """
    if text.isascii():
        return text, list(range(len(text) + 1))
    spoofed = _spoofed_words(text)
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = HOMOGLYPHS[char] if i in spoofed else _fold_char(char)
        out.append(folded)
        origin.extend([i] * len(folded))
    origin.append(len(text))
    return "".join(out), origin


def original_span(origin: list[int], text: str, start: int, end: int) -> tuple[int, int]:
    """The original characters behind folded ``[start, end)``, with the invisible characters
    and combining marks that trail its last letter ("Jake\u200d" whole)."""
    a = origin[start]
    b = origin[end - 1] + 1 if end > start else a
    while b < len(text) and (text[b] in _INVISIBLE or unicodedata.combining(text[b])):
        b += 1
    return a, b
