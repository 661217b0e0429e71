"""Small-number suppression and attribution coarsening for everyone who is not an officer.

Rules (docs/PRIVACY.md):

- **Counts**: a count from 1 to 4 is shown as ``<5`` (:data:`voice.config.SMALL_NUMBER_THRESHOLD`);
  0 stays 0. Officers see exact counts.
- **Shares**: a share whose part or whole is 1-4 is not shown as a percentage ("<5 of 12").
- **Attribution** ("Female, 15"): among the quotes being shown, grouped by period, an
  attribution shared by fewer than 5 quotes is coarsened one level at a time until at least 5
  quotes share it: exact → age band ("young person, 13–15") → broad group ("child or young
  person") → nothing. Age bands: under 10 "child, under 10"; 10–12, 13–15 and 16–17
  "young person, …"; 18–25 "young adult, 18–25"; over 25 "adult". Gender is dropped from the
  first coarsening on. A speaker without an age ("Parent", "Female") is kept when at least 5
  share it, and is otherwise left out. Every level is built from :func:`safe_speaker`: only
  gender and role words and the age, never a name from the speaker field.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from voice.config import SMALL_NUMBER_THRESHOLD
from voice.privacy._speaker import safe_speaker, speaker_of
from voice.privacy._users import OFFICER, check_role
from voice.records import Quote

SUPPRESSED = f"<{SMALL_NUMBER_THRESHOLD}"

PUBLIC_ROLE = "report_writer"
"""Anything that leaves the officers' hands (exports, appendices) is made as a report writer sees it."""

AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 9, "child, under 10"),
    (10, 12, "young person, 10–12"),
    (13, 15, "young person, 13–15"),
    (16, 17, "young person, 16–17"),
    (18, 25, "young adult, 18–25"),
    (26, 200, "adult"),
)
"""(lowest age, highest age, label) for the first coarsening."""


def is_small(n: int) -> bool:
    """True for counts from 1 up to the small-number threshold (exclusive)."""
    return 0 < n < SMALL_NUMBER_THRESHOLD


def format_count(n: int, role: str) -> str:
    """A count as ``role`` may see it: ``"<5"`` for 1-4 unless the role is officer; 0 is 0."""
    check_role(role)
    if n < 0:
        raise ValueError(f"a count cannot be negative: {n}")
    if role != OFFICER and is_small(n):
        return SUPPRESSED
    return str(n)


def share_text(part: int, total: int, role: str) -> str:
    """``"9 of 12 (75%)"``; for non-officers ``"<5 of 12"`` or ``"<5 quotes"`` when small.

    The percentage is left out whenever the part or the whole is a small number, because a
    percentage of a known total gives the count back.
    """
    check_role(role)
    if part < 0 or total < 0 or part > total:
        raise ValueError(f"invalid share {part} of {total}")
    if total == 0:
        return "no quotes"
    if role != OFFICER:
        if is_small(total):
            return f"{SUPPRESSED} quotes"
        if is_small(part):
            return f"{SUPPRESSED} of {total}"
    return f"{part} of {total} ({round(100 * part / total)}%)"


def age_band(age: int) -> str:
    """The band label for an age ("young person, 13–15")."""
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return "adult"


def broad_group(age: int) -> str:
    """The broadest label: "child or young person" under 18, else "young adult" / "adult"."""
    if age < 18:
        return "child or young person"
    return "young adult" if age <= 25 else "adult"


def _levels(q: Quote) -> list[str]:
    """A quote's attribution from most to least precise; "" means no attribution.

    The most precise level is :func:`safe_speaker`'s: a name in the speaker field never shows.
    """
    speaker = speaker_of(q)
    if speaker.age is not None:
        return [speaker.text, age_band(speaker.age), broad_group(speaker.age), ""]
    if speaker.description:  # only gender and role words: "Female", "Foster carer", "Mum"
        return [speaker.text, ""]
    return [""]


def coarsen_attributions(
    quotes: Sequence[Quote], role: str, threshold: int = SMALL_NUMBER_THRESHOLD
) -> dict[str, str]:
    """The attribution each quote may be shown with, by quote id.

    Officers get every quote's own attribution, without names (:func:`safe_speaker`). For other
    roles each quote gets the most precise level of :func:`_levels` that at least ``threshold``
    quotes of the same period (among ``quotes``) share; quotes with no usable attribution get "".
    """
    check_role(role)
    if role == OFFICER:
        return {q.id: safe_speaker(q) for q in quotes}
    levels = {q.id: _levels(q) for q in quotes}
    depth = {q.id: 0 for q in quotes}
    while True:
        label = {q.id: levels[q.id][depth[q.id]] for q in quotes}
        counts = Counter((q.period, label[q.id]) for q in quotes)
        # a whole group below the threshold moves one level coarser, where it joins others
        small = [q for q in quotes if label[q.id] and counts[(q.period, label[q.id])] < threshold]
        if not small:
            return label
        for q in small:
            depth[q.id] += 1


def protect_rows(rows: Sequence[dict], role: str, quotes: Sequence[Quote] | None = None) -> list[dict]:
    """Quote rows (as from :func:`voice.export.quote_rows`) made fit for ``role``.

    Officers get the rows unchanged. Everyone else gets ``text`` and ``question`` redacted,
    ``speaker``/``gender``/``age`` replaced by one coarsened ``attribution`` (from ``quotes``
    when given, else rebuilt from the rows), and no ``label_by`` (officers' names).
    """
    check_role(role)
    if role == OFFICER:
        return [dict(r) for r in rows]
    from voice.privacy._redact import default_redactor

    if quotes is None:
        quotes = [
            Quote(
                text=r.get("text") or "",
                source=r.get("source") or None,
                period=r.get("period") or None,
                gender=r.get("gender") or None,
                age=int(r["age"]) if str(r.get("age", "")).strip().isdigit() else None,
                speaker=r.get("speaker") or None,
                id=r.get("id") or "",
            )
            for r in rows
        ]
    attribution = coarsen_attributions(quotes, role)
    redactor = default_redactor()
    texts = redactor.redact_many([str(r.get("text") or "") for r in rows])
    questions = redactor.redact_many([str(r.get("question") or "") for r in rows])
    out = []
    for r, q, t, qu in zip(rows, quotes, texts, questions, strict=True):
        row = {k: v for k, v in r.items() if k not in ("speaker", "gender", "age", "label_by")}
        row["text"] = t.text
        row["question"] = qu.text
        row["attribution"] = attribution.get(q.id, "")
        out.append(row)
    return out


# -- words that name someone, in labels built from quotes ----------------------------------------

_WORD = re.compile(r"[^\W_][\w'’-]*")
HIDDEN_WORD = "[…]"
"""What a hidden word in a theme label or keyword becomes."""


def identifier_words(texts: Sequence[str]) -> frozenset[str]:
    """Lower-case words the redactor removes from these texts (names, schools, places ...).

    Theme labels and keywords are made of single lower-case words taken from the quotes
    ("bartek / social"); redacting such a label on its own misses the name, because the
    context that gave it away ("my social worker Bartek") is gone. Words redacted anywhere in
    the theme's quotes are hidden from its label and keywords instead (:func:`scrub_words`).
    """
    from voice.privacy._redact import default_redactor

    words: set[str] = set()
    for redaction in default_redactor().redact_many(list(texts)):
        for span in redaction.spans:
            words.update(w.lower() for w in _WORD.findall(span.original))
    return frozenset(words)


def scrub_words(text: str, words: frozenset[str]) -> str:
    """``text`` with every word in ``words`` (any case) replaced by ``[…]``."""
    if not words or not text:
        return text
    return _WORD.sub(lambda m: HIDDEN_WORD if m.group(0).lower() in words else m.group(0), text)
