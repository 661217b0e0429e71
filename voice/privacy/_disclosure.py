"""Small-number suppression and attribution coarsening for everyone who is not an officer.

Rules (docs/PRIVACY.md):

- **Counts**: a count from 1 to 4 is shown as ``<5`` (:data:`voice.config.SMALL_NUMBER_THRESHOLD`);
  0 stays 0. Officers see exact counts.
- **Shares**: a share whose part or whole is 1-4 is not shown as a percentage ("<5 of 12").
- **Rows of counts with a total** (:func:`protect_counts`): when one count is "<5", at least
  one more (the next smallest, as "5+") or the total is hidden, so no "<5" can be worked out
  by subtraction.
- **Attribution** ("Female, 15"): among the quotes being shown, grouped by period, an
  attribution shared by fewer than 5 quotes is coarsened one level at a time until at least 5
  quotes share it: exact → age band ("young person, 13–15") → broad group ("child or young
  person") → nothing. Age bands: under 10 "child, under 10"; 10–12, 13–15 and 16–17
  "young person, …"; 18–25 "young adult, 18–25"; over 25 "adult". Gender is dropped from the
  first coarsening on. A speaker without an age ("Parent", "Female") is kept when at least 5
  share it, and is otherwise left out. Every level is built from :func:`safe_speaker`: only
  gender and role words and the age, never a name from the speaker field. A quote taken from a
  document the council itself published keeps the attribution published with it ("Female,
  15"), and is not counted in the groups of the others.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from voice.config import SMALL_NUMBER_THRESHOLD
from voice.privacy._normalise import fold
from voice.privacy._speaker import ROLE_WORDS, safe_speaker, speaker_of
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


COMPLEMENT = f"{SMALL_NUMBER_THRESHOLD}+"
"""A count of 5 or more hidden so that a "<5" beside it cannot be worked out by subtraction."""
TOTAL = "total"
"""The key of the total in :func:`protect_counts`' answer."""


def protect_counts(
    counts: Mapping[str, int], total: int | None = None, role: str = PUBLIC_ROLE
) -> dict[str, str]:
    """A row of counts and its total as ``role`` may see them, each as text; the total under :data:`TOTAL`.

    Officers see every number. For anyone else counts of 1-4 are ``"<5"`` and, wherever the
    numbers shown would still give a hidden count back by subtraction ("18 quotes: 7 good,
    8 don't know, <5 not so good"), more is hidden (complementary suppression): the next
    smallest count shown, as ``"5+"``, then the total, until every hidden small count could
    be at least two values. ``total`` defaults to the sum of ``counts``; when it is larger, the
    difference is treated as one more (unshown) count that is protected the same way.
    """
    check_role(role)
    if TOTAL in counts:
        raise ValueError(f"a count cannot be called {TOTAL!r}")
    values = dict(counts)
    whole = sum(values.values()) if total is None else total
    if any(v < 0 for v in values.values()) or whole < sum(values.values()):
        raise ValueError(f"invalid counts {values} of {whole}")
    if role == OFFICER:
        return {**{k: str(v) for k, v in values.items()}, TOTAL: str(whole)}
    rest = whole - sum(values.values())
    shown: dict[str, str] = {k: SUPPRESSED if is_small(v) else str(v) for k, v in values.items()}
    total_text = SUPPRESSED if is_small(whole) else str(whole)
    while _derivable(values, shown, rest, whole, total_text):
        candidates = [k for k, v in values.items() if shown[k] == str(v) and v > 0]
        if candidates:
            shown[min(candidates, key=lambda k: (values[k], list(values).index(k)))] = COMPLEMENT
        elif total_text == str(whole):
            total_text = COMPLEMENT
        else:  # pragma: no cover - with the total hidden nothing can be subtracted
            break
    return {**shown, TOTAL: total_text}


_UNBOUNDED = float("inf")


def _bounds(text: str, exact: int) -> tuple[float, float]:
    """What a reader knows of a number from its text."""
    if text == SUPPRESSED:
        return 1, SMALL_NUMBER_THRESHOLD - 1
    if text == COMPLEMENT:
        return SMALL_NUMBER_THRESHOLD, _UNBOUNDED
    return exact, exact


def _derivable(
    values: Mapping[str, int], shown: Mapping[str, str], rest: int, whole: int, total_text: str
) -> bool:
    """Whether a hidden small count (or the unshown rest) has only one value that fits what is shown."""
    cells = [(_bounds(shown[k], v), is_small(v)) for k, v in values.items() if shown[k] != str(v)]
    if rest:
        cells.append(((0, _UNBOUNDED), is_small(rest)))
    low_total, high_total = _bounds(total_text, whole)
    exact_part = sum(v for k, v in values.items() if shown[k] == str(v))
    low_sum, high_sum = low_total - exact_part, high_total - exact_part  # the hidden cells add up to this
    for i, ((low, high), small) in enumerate(cells):
        if not small:
            continue
        others_low = sum(b[0] for j, (b, _) in enumerate(cells) if j != i)
        others_high = sum(b[1] for j, (b, _) in enumerate(cells) if j != i)
        can_low = max(low, low_sum - others_high)
        can_high = min(high, high_sum - others_low)
        if can_high - can_low < 1:  # one value (or none) fits: the count can be worked out
            return True
    return False


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


@dataclass(frozen=True)
class ShownAttribution:
    """The attribution a quote is shown with, and why (for the report writer)."""

    text: str
    reason: str


PUBLISHED_REASON = "as published by the council"


def coarsen_attributions(
    quotes: Sequence[Quote],
    role: str,
    threshold: int = SMALL_NUMBER_THRESHOLD,
    *,
    published: Collection[str] = (),
) -> dict[str, str]:
    """The attribution each quote may be shown with, by quote id (:func:`explain_attributions`)."""
    explained = explain_attributions(quotes, role, threshold, published=published)
    return {qid: a.text for qid, a in explained.items()}


def explain_attributions(
    quotes: Sequence[Quote],
    role: str,
    threshold: int = SMALL_NUMBER_THRESHOLD,
    *,
    published: Collection[str] = (),
) -> dict[str, ShownAttribution]:
    """The attribution each quote may be shown with, and the reason, by quote id.

    Officers get every quote's own attribution, without names (:func:`safe_speaker`). For other
    roles a quote in ``published`` (ids of quotes taken from a document the council itself
    published with their attributions, e.g. the seed appendix's "Female, 15") keeps that
    attribution; every other quote gets the most precise level of :func:`_levels` that at least
    ``threshold`` of the other quotes of the same period (among ``quotes``) share, and quotes with
    no usable attribution get "".
    """
    check_role(role)
    if role == OFFICER:
        return {q.id: ShownAttribution(safe_speaker(q), "officers see the exact attribution") for q in quotes}
    out: dict[str, ShownAttribution] = {}
    for q in quotes:
        if q.id in published:
            text = safe_speaker(q)
            out[q.id] = ShownAttribution(text, PUBLISHED_REASON if text else "none was published")
    rest = [q for q in quotes if q.id not in out]
    levels = {q.id: _levels(q) for q in rest}
    depth = {q.id: 0 for q in rest}
    while True:
        label = {q.id: levels[q.id][depth[q.id]] for q in rest}
        counts = Counter((q.period, label[q.id]) for q in rest)
        # a whole group below the threshold moves one level coarser, where it joins others
        small = [q for q in rest if label[q.id] and counts[(q.period, label[q.id])] < threshold]
        if not small:
            break
        for q in small:
            depth[q.id] += 1
    for q in rest:
        out[q.id] = ShownAttribution(label[q.id], _reason(levels[q.id], depth[q.id], threshold))
    return out


def _reason(levels: list[str], depth: int, threshold: int) -> str:
    """Why a quote carries the level it got."""
    if levels == [""]:
        return "no age or role was given"
    if depth == 0:
        return f"{threshold} or more quotes share it"
    fewer = f"fewer than {threshold}"
    if len(levels) == 2:  # a speaker without an age: kept or left out
        return f"{fewer} share it, so it is left out"
    return (
        f"{fewer} share the exact age",
        f"{fewer} share the age band",
        f"{fewer} share even the broad group, so it is left out",
    )[depth - 1]


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

_WORD = re.compile(r"[^\W_](?:[\w'’-]|[\u0300-\u036f\u00ad\u200b-\u200d\u2060\ufeff])*")
"""A word, with any zero-width character or combining accent inside it ("J\u200bake")."""
HIDDEN_WORD = "[…]"
"""What a hidden word in a theme label or keyword becomes."""


_PERSON_KINDS = frozenset({"name", "staff"})


def identifier_words(texts: Sequence[str]) -> frozenset[str]:
    """Lower-case words and phrases the redactor removes from these texts (names, schools, places).

    Theme labels and keywords are made of words taken from the quotes ("bartek / social");
    redacting such a label on its own misses the name, because the context that gave it away
    ("my social worker Bartek") is gone. The identifying words of the theme's quotes are hidden
    from its label and keywords instead (:func:`scrub_words`). An everyday word inside a found
    identifier is not one of them: "Hollybank School" hides "hollybank", never "school"
    (a word among the 15,000 most common English words, or a word that names a role such as
    "carers", is kept unless it is a first name in a person's name: "Grace", "Jack"). Each
    identifier of two words or more is also returned as a phrase ("hollybank school", "mrs
    foster", "surrey young carers"), so the whole of it is hidden where it appears, unless every
    word of it is kept: a service the redactor took for a name, "Young Carers", never hides the
    framework theme "young carers".
    """
    from voice.privacy._redact import default_redactor

    redactor = default_redactor()
    g = redactor.gazetteers
    first_names = g.first_names | g.ambiguous_names
    out: set[str] = set()

    def everyday(w: str) -> bool:
        return w in g.very_common_words or w in ROLE_WORDS

    for redaction in redactor.redact_many(list(texts)):
        for span in redaction.spans:
            for form in dict.fromkeys((span.original, fold(span.original)[0])):  # "jake" too
                found = [w.lower() for w in _WORD.findall(form)]
                if len(found) > 1 and not all(map(everyday, found)):
                    out.add(" ".join(found))
                for w in found:
                    named = span.kind in _PERSON_KINDS and w in first_names
                    if named or not everyday(w):
                        out.add(w)
    return frozenset(out)


def scrub_words(text: str, words: frozenset[str]) -> str:
    """``text`` with every word in ``words`` (any case) replaced by ``[…]``, and every phrase in
    ``words`` (an entry with a space, from :func:`identifier_words`) by one ``[…]``."""
    if not words or not text:
        return text
    phrases = sorted((w for w in words if " " in w), key=len, reverse=True)
    if phrases:
        pattern = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
        text = re.sub(rf"(?<!\w)(?:{pattern})(?!\w)", HIDDEN_WORD, text, flags=re.IGNORECASE)

    def hidden(word: str) -> bool:
        return word.lower() in words or fold(word)[0].lower() in words  # "Ja\u0301ke" is "jake"

    return _WORD.sub(lambda m: HIDDEN_WORD if hidden(m.group(0)) else m.group(0), text)
