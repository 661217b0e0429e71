"""Extractive, honest theme summaries and a plain-sentence overview for a period.

Nothing here is generated text: sizes, label splits, change against the previous period, the
theme's top keywords and its representative quotes with attribution ("Female, 15"). Counts pass
through ``count_formatter`` (e.g. small-number suppression, "<5") and quote texts, labels and
keywords through ``text_transform`` (e.g. redaction), so this module depends on neither.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from voice import config
from voice.records import MODEL, OTHER_THEME, Quote

if TYPE_CHECKING:
    from voice.embed import Embedder
    from voice.themes._build import ThemeResult

SPLIT_LABELS: tuple[str, ...] = ("good", "unsure", "not_so_good")
"""The order the label split is shown in."""
_SPOKEN = {
    "good": "good",
    "unsure": "unsure",
    "not_so_good": "not so good",
    "untagged": "not yet checked by a person",
}


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True)
class RepresentativeQuote:
    """A quote chosen to show a theme, with its attribution ("Female, 15") and current label."""

    quote_id: str
    text: str
    attribution: str
    label: str | None


@dataclass(frozen=True)
class ThemeSummary:
    """One theme in one period: size, label split, change, keywords and representative quotes.

    Every ``*_text`` field has gone through the ``count_formatter``; ``size``, ``counts``,
    ``previous`` and ``change`` stay exact for charts that the caller suppresses itself.
    """

    theme_id: str
    label: str
    size: int
    size_text: str
    share: float
    counts: dict[str, int]
    count_texts: dict[str, str]
    previous: int | None
    change: int | None
    change_text: str
    keywords: tuple[str, ...]
    quotes: tuple[RepresentativeQuote, ...]
    sentence: str
    pinned: bool = False
    edited: bool = False
    mostly: str = ""
    extra: dict = field(default_factory=dict, compare=False)


def _label(value: Any) -> str | None:
    """A person's label for a quote: a plain label, or a Tag that is not a model proposal."""
    if value is None or getattr(value, "origin", None) == MODEL:
        return None  # the model's proposals are never counted as anyone's judgement
    return getattr(value, "label", value)


def _suppressed(n: int, fmt: Callable[[int], str]) -> bool:
    return fmt(n) != str(n)


def _mostly(counts: Mapping[str, int]) -> str:
    size = sum(counts.values())
    if not size:
        return "no quotes"
    top = max(SPLIT_LABELS, key=lambda c: (counts[c], -SPLIT_LABELS.index(c)))
    if counts[top] * 2 > size:
        return f"mostly {_SPOKEN[top]}"
    if counts["untagged"] * 2 > size:
        return "mostly not yet checked by a person"
    return "mixed"


def _previous_counts(previous: Any) -> dict[str, int] | None:
    if previous is None:
        return None
    if hasattr(previous, "themes"):
        return {t.id: t.size for t in previous.themes}
    return {str(k): int(v) for k, v in previous.items()}


def _change_text(size: int, prev: int | None, fmt: Callable[[int], str]) -> str:
    if prev is None:
        return ""
    if _suppressed(size, fmt) or _suppressed(prev, fmt):
        return "change not shown (small numbers)"
    diff = size - prev
    if diff == 0:
        return "the same as the previous period"
    return f"{'up' if diff > 0 else 'down'} {fmt(abs(diff))} on the previous period ({fmt(prev)})"


def summarise(
    result: ThemeResult,
    quotes: Sequence[Quote] | Mapping[str, Quote],
    labels: Mapping[str, Any],
    previous: ThemeResult | Mapping[str, int] | None = None,
    count_formatter: Callable[[int], str] = str,
    text_transform: Callable[[str], str] = _identity,
    max_quotes: int = 3,
    counts_text: Callable[[Mapping[str, int], int], Mapping[str, str]] | None = None,
) -> list[ThemeSummary]:
    """One summary per theme with quotes (or with quotes in the previous period), largest first.

    Args:
        result: the period's themes (:func:`voice.themes.build_themes` / ``themes_for_period``).
        quotes: the quotes (a list or id -> quote), for texts and attribution.
        labels: quote id -> label ("good" ...) or a Tag (e.g. ``Store.current_tags()``).
        previous: the previous period's result, or theme id -> count; None for no comparison.
        count_formatter: how counts are written (small-number suppression: ``lambda n: "<5" ...``).
        text_transform: applied to quote texts, labels and keywords (redaction).
        max_quotes: representative quotes per theme (the result holds up to 3).
        counts_text: formats a theme's class split and size together, the size under "total"
            (``voice.privacy.protect_counts``: no hidden count by subtraction); when given it
            is used instead of ``count_formatter`` for the split and the size.
    """
    from voice.privacy import safe_speaker  # attribution: gender, role and age, never a name

    by_id = quotes if isinstance(quotes, Mapping) else {q.id: q for q in quotes}
    prev = _previous_counts(previous)
    answered = result.answered or 1
    out = []
    for theme in result.themes:
        prev_n = None if prev is None else prev.get(theme.id, 0)
        if not theme.size and not prev_n:
            continue
        counts = {c: 0 for c in (*SPLIT_LABELS, "untagged")}
        for qid in theme.quote_ids:
            lab = _label(labels.get(qid))
            counts[lab if lab in counts else "untagged"] += 1
        reps = []
        for qid in theme.representative_ids[:max_quotes]:
            q = by_id.get(qid)
            if q is not None:
                reps.append(
                    RepresentativeQuote(qid, text_transform(q.text), safe_speaker(q), _label(labels.get(qid)))
                )
        label = text_transform(theme.label)
        keywords = tuple(text_transform(k) for k in theme.keywords)
        change = None if prev_n is None else theme.size - prev_n
        change_text = _change_text(theme.size, prev_n, count_formatter)
        if counts_text is not None:
            texts = dict(counts_text(counts, theme.size))
            count_texts, size_text = {c: texts[c] for c in counts}, texts["total"]
        else:
            count_texts, size_text = (
                {c: count_formatter(n) for c, n in counts.items()},
                count_formatter(theme.size),
            )
        if prev_n is not None and size_text != str(theme.size):  # a hidden size has no change beside it
            change_text = "change not shown (small numbers)"
        summary = ThemeSummary(
            theme_id=theme.id,
            label=label,
            size=theme.size,
            size_text=size_text,
            share=theme.size / answered,
            counts=counts,
            count_texts=count_texts,
            previous=prev_n,
            change=change,
            change_text=change_text,
            keywords=keywords,
            quotes=tuple(reps),
            sentence=_sentence(size_text, counts, count_texts, change_text, keywords, reps),
            pinned=theme.pinned,
            edited=theme.edited,
            mostly=_mostly(counts),
        )
        out.append(summary)
    out.sort(key=lambda s: (-s.size, s.label))
    return out


def _plural(n: int, fmt: Callable[[int], str], word: str) -> str:
    return f"{fmt(n)} {word}" + ("" if n == 1 and not _suppressed(n, fmt) else "s")


def _sentence(
    size_text: str,
    counts: Mapping[str, int],
    count_texts: Mapping[str, str],
    change_text: str,
    keywords: Sequence[str],
    reps: Sequence[RepresentativeQuote],
) -> str:
    parts = [
        f"{count_texts[c]} {_SPOKEN[c]}" for c in ("not_so_good", "good", "unsure", "untagged") if counts[c]
    ]
    text = f"{size_text} quote{'' if size_text == '1' else 's'}" + (f" ({', '.join(parts)})" if parts else "")
    if change_text:
        text += f", {change_text}"
    text += "."
    if keywords:
        text += f" Words that stand out: {', '.join(keywords[:4])}."
    if reps:
        r = reps[0]
        who = f" ({r.attribution})" if r.attribution else ""
        text += f' For example: "{r.text}"{who}.'
    return text


def overview(
    summaries: Sequence[ThemeSummary],
    period: str | None,
    result: ThemeResult | None = None,
    count_formatter: Callable[[int], str] = str,
    max_themes: int = 5,
) -> str:
    """A few plain sentences a committee member can read in a minute.

    Args:
        summaries: from :func:`summarise`.
        period: the period's name ("2017/18 Q1"), or None for "all periods".
        result: the same result, to report non-answers and the "Other" share.
        count_formatter: how counts are written (small-number suppression).
        max_themes: how many of the largest themes to name.
    """
    fmt = count_formatter
    when = f"In {period}" if period else "Across all periods"
    shown = [s for s in summaries if s.size]
    in_themes = sum(s.size for s in shown)
    if not shown:
        text = f"{when}, no quotes were grouped into themes."
    else:
        text = (
            f"{when}, {_plural(in_themes, fmt, 'quote')} fell into {len(shown)} "
            f"theme{'s' if len(shown) != 1 else ''}."
        )
        largest = "; ".join(f"{s.label} ({s.size_text}, {s.mostly})" for s in shown[:max_themes])
        text += f" The largest: {largest}."
    moved = [s for s in summaries if s.change and not s.change_text.startswith("change not shown")]
    if moved:
        up = max(moved, key=lambda s: (s.change or 0, s.label))
        down = min(moved, key=lambda s: (s.change or 0, s.label))
        bits = []
        if (up.change or 0) > 0:
            bits.append(f"{up.label} grew most (up {fmt(up.change or 0)})")
        if (down.change or 0) < 0:
            bits.append(f"{down.label} fell most (down {fmt(-(down.change or 0))})")
        if bits:
            text += " Compared with the previous period, " + " and ".join(bits) + "."
    if result is not None:
        n_non, n_other = len(result.non_answers), len(result.other)
        if n_non:
            text += (
                f' {_plural(n_non, fmt, "answer")} said nothing (such as "don\'t know" or "n/a") '
                "and are in no theme."
            )
        if n_other:
            share = "" if _suppressed(n_other, fmt) else f", {result.other_share:.0%} of answers"
            text += f" {_plural(n_other, fmt, 'quote')} fit no theme and are counted as Other{share}."
    return text


def for_audience(
    summaries: Sequence[ThemeSummary],
    attributions: Mapping[str, str],
    hidden_words: frozenset[str] | Mapping[str, frozenset[str]],
) -> list[ThemeSummary]:
    """Summaries fit for people who are not officers, after :func:`summarise` with redaction.

    Attributions are replaced by ``attributions`` (quote id -> coarsened attribution, "" when
    unknown) and every word of ``hidden_words`` (what the redactor removed from the quotes, see
    :func:`voice.privacy.identifier_words`) is hidden from labels, keywords and sentences: a
    label such as "bartek / social" is made of single words that redaction alone cannot see as
    a name. ``hidden_words`` may be one set for every theme or theme id -> the set found in
    that theme's own quotes (a theme without an entry hides nothing).
    """
    from dataclasses import replace

    from voice.privacy import scrub_words

    out = []
    for s in summaries:
        words = (
            hidden_words if isinstance(hidden_words, frozenset) else hidden_words.get(s.theme_id, frozenset())
        )
        sentence = s.sentence
        for q in s.quotes:  # the sentence quotes an example with its attribution: coarsen it too
            if q.attribution:
                shown = attributions.get(q.quote_id, "")
                sentence = sentence.replace(f" ({q.attribution})", f" ({shown})" if shown else "")
        out.append(
            replace(
                s,
                label=scrub_words(s.label, words),
                keywords=tuple(scrub_words(k, words) for k in s.keywords),
                sentence=scrub_words(sentence, words),
                quotes=tuple(replace(q, attribution=attributions.get(q.quote_id, "")) for q in s.quotes),
            )
        )
    return out


def scrutiny_view(
    result: ThemeResult,
    min_size: int = config.SMALL_NUMBER_THRESHOLD,
    quotes: Sequence[Quote] = (),
    embedder: Embedder | None = None,
) -> ThemeResult:
    """The result as a scrutiny view shows it: no theme under ``min_size`` quotes, none empty.

    With ``quotes`` and an ``embedder``, small themes are dissolved into their nearest theme
    (the smallest first; each quote joins the remaining theme whose centre it is closest to, or
    "Other" below ``config.THEME_OUTLIER_MIN_SIMILARITY``: ``voice.themes._sizes``); without,
    they are folded into "Other". Themes with no quotes (an unused pinned or framework theme)
    are hidden. A store keeps pinned and edited themes whatever their size, and a quarter's
    quotes spread over themes made for every quarter: this is what makes its view readable.
    """
    from dataclasses import replace

    if all(t.size >= min_size for t in result.themes):
        return result
    assignment = dict(result.assignment)
    text_of = {q.id: q.text for q in quotes}
    placed = [q for t in result.themes for q in t.quote_ids if q in text_of]
    if embedder is not None and placed:
        from voice.embed import unit_rows
        from voice.themes._base import centre
        from voice.themes._sizes import dissolve_small_themes

        emb = unit_rows(embedder.embed([text_of[q] for q in placed]))
        rows = {q: i for i, q in enumerate(placed)}
        targets = [
            _Centre(t.id, centre(emb[[rows[q] for q in t.quote_ids if q in rows]]))
            for t in result.themes
            if any(q in rows for q in t.quote_ids)
        ]
        moved = dissolve_small_themes(
            {q: assignment[q] for q in placed},
            rows,
            emb,
            targets,
            min_size,
            config.THEME_OUTLIER_MIN_SIMILARITY,
        )
        assignment.update(moved)
    counts = Counter(assignment.values())
    assignment = {
        q: OTHER_THEME if t != OTHER_THEME and counts[t] < min_size else t for q, t in assignment.items()
    }
    themes = []
    for t in result.themes:
        members = tuple(q for q, tid in assignment.items() if tid == t.id)
        if len(members) >= min_size:
            reps = tuple(r for r in t.representative_ids if r in members) or members[:3]
            themes.append(replace(t, quote_ids=members, representative_ids=reps))
    themes.sort(key=lambda t: (-t.size, t.id))
    other = [q for q in result.assignment if assignment[q] == OTHER_THEME]
    return replace(result, themes=themes, assignment=assignment, other=other)


@dataclass(frozen=True)
class _Centre:
    """A theme as :func:`voice.themes._sizes.dissolve_small_themes` sees it: a centre to score by."""

    id: str
    centre: Any
    pinned: bool = False
    edited: bool = False

    def scores(self, emb: Any) -> Any:
        return emb @ self.centre


def summarise_for_role(
    result: ThemeResult,
    quotes: Sequence[Quote],
    labels: Mapping[str, Any],
    role: str,
    previous: ThemeResult | Mapping[str, int] | None = None,
    embedder: Embedder | None = None,
) -> list[ThemeSummary]:
    """:func:`summarise` as ``role`` may see it outside the tagging page (docs/PRIVACY.md).

    Quote texts are redacted for every role; counts follow the small-number rule (with
    complementary suppression of each theme's split) and attributions are coarsened among the
    representative quotes shown, for everyone but officers; words the redactor removes from the
    theme's own quotes are hidden from its label, keywords and sentence (:func:`for_audience`):
    an everyday word is never hidden ("Hollybank School" in a quote hides "Hollybank", not "school").
    For everyone but officers, no theme under the small-number threshold is shown and empty themes
    are hidden (:func:`scrutiny_view`: dissolved into their nearest theme with an ``embedder``, else
    folded into "Other").
    """
    from voice.privacy import (
        OFFICER,
        coarsen_attributions,
        format_count,
        identifier_words,
        protect_counts,
        redact_texts,
    )

    if role != OFFICER:
        result = scrutiny_view(result, quotes=quotes, embedder=embedder)
    texts = [q.text for q in quotes]
    redact_texts(texts)  # one batch; the redactor keeps them for the single lookups below
    summaries = summarise(
        result,
        quotes,
        labels,
        previous,
        count_formatter=lambda n: format_count(n, role),
        text_transform=lambda t: redact_texts([t])[0],
        counts_text=lambda counts, total: protect_counts(counts, total, role),
    )
    by_id = {q.id: q for q in quotes}
    shown = [by_id[r.quote_id] for s in summaries for r in s.quotes if r.quote_id in by_id]
    # attributions are coarsened among the quotes shown together (the summaries' examples)
    words = {
        t.id: identifier_words([by_id[q].text for q in t.quote_ids if q in by_id]) for t in result.themes
    }
    return for_audience(summaries, coarsen_attributions(shown, role), words)
