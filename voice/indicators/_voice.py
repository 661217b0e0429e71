"""The voice indicator: how the quotes of one period split between good, unsure and not so good.

The dashboards' row "Feedback from families and evaluation provides evidence of positive
impact" only says "See Appendix". This module computes the number that row can show from
**people's tags only**: each quote's newest standing human tag (a label copied from a source
document is a human tag). A quote whose current label is only the model's proposal is counted
apart (``n_proposed``) and is in no share, direction or RAG.

Definition (also in docs/INDICATORS.md):

- shares are of quotes tagged by people only; proposed and untagged quotes are counted but are
  in no share; the proposals' own split is given apart, marked provisional;
- direction compares the share good with the previous quarter's (people's tags too): ``better``
  when it rose by 5 percentage points or more, ``worse`` when it fell by 5 or more, else
  ``similar``; ``no previous data`` when no person tagged a quote of the previous quarter; None
  when no person tagged a quote of this period;
- RAG (small-number rule first): None with fewer than ``SMALL_NUMBER_THRESHOLD`` (5) quotes
  tagged by people; G when good >= 60% and not so good <= 20%; R when not so good >= 40% or
  good < 30%; otherwise A. Thresholds are compared exactly (integer arithmetic, no rounding).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from voice.config import SMALL_NUMBER_THRESHOLD
from voice.errors import InputError
from voice.ingest.fields import period_sort_key, previous_period
from voice.ingest.indicators import indicator_key
from voice.records import HUMAN, LABELS, Indicator, Quote, Tag
from voice.store import Store

VOICE_ROW_NAME = "Feedback from families and evaluation provides evidence of positive impact"
"""The dashboard row the voice indicator fills (seed 000, "See Appendix")."""

VOICE_OUTCOME_AREA = "Children and young people are safe within caring family homes"
VOICE_SECTION = "Early Help"
VOICE_SOURCE = "computed from quotes tagged by people"

DIRECTION_THRESHOLD_PP = 5
"""A change in share good of at least this many percentage points is better / worse."""

NO_PREVIOUS = "no previous data"
CLASS_NAMES = {"good": "good", "unsure": "unsure", "not_so_good": "not so good"}
TEXT_ORDER = ("good", "unsure", "not_so_good")


@dataclass(frozen=True)
class VoiceIndicator:
    """The voice indicator for one period.

    Attributes:
        period: the quarter, e.g. ``2017/18 Q1``.
        n_tagged: quotes tagged by people (the newest standing human tag).
        n_untagged: quotes with no label at all (not in any share).
        n_good, n_unsure, n_not_so_good: quotes tagged by people, per class.
        share_good, share_unsure, share_not_so_good: fractions 0-1 of quotes tagged by people;
            None when none.
        text: e.g. ``good 22% (2 of 9), unsure 33% (3 of 9), not so good 44% (4 of 9)``.
        previous_period: the quarter before (None when ``period`` is not a quarter).
        previous_share_good: share good of the previous quarter's people's tags (None: none).
        direction: ``better`` / ``worse`` / ``similar`` / ``no previous data`` (None: no data).
        rag: ``R`` / ``A`` / ``G``, None under the small-number rule.
        source: the quote source the figures are limited to, if any.
        proposed_counts: quotes whose current label is only the model's proposal, per class
            (in no share, direction or RAG).
    """

    period: str
    n_tagged: int
    n_untagged: int
    n_good: int
    n_unsure: int
    n_not_so_good: int
    share_good: float | None
    share_unsure: float | None
    share_not_so_good: float | None
    text: str
    previous_period: str | None
    previous_share_good: float | None
    direction: str | None
    rag: str | None
    source: str | None = None
    proposed_counts: dict[str, int] = field(default_factory=dict)

    @property
    def n_proposed(self) -> int:
        """Quotes whose current label is only the model's proposal, not yet checked by a person."""
        return sum(self.proposed_counts.values())

    @property
    def provisional_shares(self) -> dict[str, float] | None:
        """The proposals' own split (fractions 0-1 of proposed quotes); None when none. Provisional."""
        n = self.n_proposed
        return {c: self.proposed_counts.get(c, 0) / n for c in TEXT_ORDER} if n else None

    @property
    def provisional_text(self) -> str:
        """``proposed by the model, not yet checked: good 56% (5 of 9), ...`` ('' when none)."""
        n = self.n_proposed
        if not n:
            return ""
        split = ", ".join(_class_text(c, self.proposed_counts.get(c, 0), n) for c in TEXT_ORDER)
        return f"proposed by the model, not yet checked: {split}"

    @property
    def rag_note(self) -> str:
        """Why there is no RAG ('' when there is one), e.g. ``no quote is tagged by people``."""
        if self.rag is not None:
            return ""
        proposed = (
            f"; {self.n_proposed} proposed by the model are not counted until a person checks them"
            if self.n_proposed
            else ""
        )
        if not self.n_tagged:
            return f"no quote is tagged by people{proposed}"
        return f"fewer than {SMALL_NUMBER_THRESHOLD} quotes tagged by people{proposed}"

    @property
    def counts(self) -> dict[str, int]:
        """Quotes tagged by people, per class."""
        return {"good": self.n_good, "unsure": self.n_unsure, "not_so_good": self.n_not_so_good}

    @property
    def shares(self) -> dict[str, float | None]:
        """Fractions of quotes tagged by people, per class (None when no person tagged one)."""
        return {
            "good": self.share_good,
            "unsure": self.share_unsure,
            "not_so_good": self.share_not_so_good,
        }

    def as_row(self) -> dict:
        """A flat dict for tables: counts, shares in % (1 decimal), direction and RAG.

        Every figure but the ``provisional_*`` ones comes from people's tags only.
        """
        provisional = self.provisional_shares
        return {
            "period": self.period,
            "source": self.source,
            "people_tagged": self.n_tagged,
            "model_proposed": self.n_proposed,
            "n_untagged": self.n_untagged,
            "good": self.n_good,
            "unsure": self.n_unsure,
            "not_so_good": self.n_not_so_good,
            "pct_good": _pct1(self.share_good),
            "pct_unsure": _pct1(self.share_unsure),
            "pct_not_so_good": _pct1(self.share_not_so_good),
            "previous_period": self.previous_period,
            "previous_pct_good": _pct1(self.previous_share_good),
            "direction": self.direction,
            "rag": self.rag,
            "rag_note": self.rag_note,
            "text": self.text,
            "provisional_text": self.provisional_text,
            "provisional_shares_from_proposals": (
                {c: _pct1(x) for c, x in provisional.items()} if provisional else None
            ),
        }

    def as_indicator(self) -> Indicator:
        """The dashboard row "Feedback from families ... positive impact" with this figure.

        value is the share good in % (1 decimal), count the good quotes, denominator the
        quotes tagged by people, note the text (and how many proposals were left out).
        """
        direction = self.direction if self.direction in ("better", "worse", "similar") else None
        return Indicator(
            indicator=VOICE_ROW_NAME,
            period=self.period,
            key=indicator_key(VOICE_ROW_NAME),
            outcome_area=VOICE_OUTCOME_AREA,
            section=VOICE_SECTION,
            period_label=self.period.split(" ")[-1] if " " in self.period else None,
            value=_pct1(self.share_good),
            unit="%" if self.n_tagged else None,
            value_text=_class_text("good", self.n_good, self.n_tagged) if self.n_tagged else None,
            count=float(self.n_good) if self.n_tagged else None,
            denominator=float(self.n_tagged) if self.n_tagged else None,
            previous_value=_pct1(self.previous_share_good),
            previous_period=self.previous_period,
            direction=direction,
            polarity="high",
            rag=self.rag,
            note=self.text
            + (f"; {self.n_proposed} proposed by the model, not counted" if self.n_proposed else ""),
            source_document=VOICE_SOURCE if not self.source else f"{VOICE_SOURCE} (source: {self.source})",
        )


def voice_indicator_from_labels(
    labels: Sequence[str | None],
    period: str,
    previous_labels: Sequence[str | None] | None = None,
    source: str | None = None,
    proposed: Sequence[str] = (),
) -> VoiceIndicator:
    """Compute the voice indicator from people's tags of one period's quotes.

    Args:
        labels: one entry per quote with a people's tag or no label at all: ``good`` /
            ``unsure`` / ``not_so_good``, or None / "" for a quote with no label.
        period: the quarter the labels belong to.
        previous_labels: the previous quarter's people's tags, or None when unknown.
        source: the quote source the labels were limited to (recorded only).
        proposed: the labels of the quotes whose current label is only the model's proposal
            (counted apart, in no share, direction or RAG).

    Raises:
        InputError: for a label that is not one of the three classes.
    """
    counts, untagged = _count(labels)
    n = sum(counts.values())
    prev_share = _share_good(previous_labels)
    share_good = counts["good"] / n if n else None
    return VoiceIndicator(
        period=period,
        n_tagged=n,
        n_untagged=untagged,
        n_good=counts["good"],
        n_unsure=counts["unsure"],
        n_not_so_good=counts["not_so_good"],
        share_good=share_good,
        share_unsure=counts["unsure"] / n if n else None,
        share_not_so_good=counts["not_so_good"] / n if n else None,
        text=voice_text(counts),
        previous_period=_previous(period),
        previous_share_good=prev_share,
        direction=direction_vs_previous(counts["good"], n, previous_labels),
        rag=voice_rag(counts["good"], counts["not_so_good"], n),
        source=source,
        proposed_counts=_count(proposed)[0],
    )


def compute_voice_indicator(store: Store, period: str, source: str | None = None) -> VoiceIndicator:
    """The voice indicator of ``period`` from the stored quotes' people's tags (proposals apart).

    Args:
        store: the quote store.
        period: a quarter such as ``2017/18 Q1``.
        source: only quotes from this source (both for the period and the previous one).
    """
    if not period:
        raise InputError("a period is needed, e.g. 2017/18 Q1")
    current = store.current_tags()
    labels, proposed = _split(current, store.quotes(period=period, source=source))
    prev = _previous(period)
    previous = _split(current, store.quotes(period=prev, source=source))[0] if prev else None
    return voice_indicator_from_labels(labels, period, previous, source, proposed)


def compute_all_voice_indicators(store: Store, source: str | None = None) -> list[VoiceIndicator]:
    """The voice indicator of every period that has quotes, in time order (one pass over the store)."""
    current = store.current_tags()
    by_period: dict[str, list[Quote]] = {}
    for q in store.quotes(source=source):
        if q.period:
            by_period.setdefault(q.period, []).append(q)
    split = {period: _split(current, quotes) for period, quotes in by_period.items()}
    out = []
    for period in sorted(split, key=period_sort_key):
        prev = _previous(period)
        previous = split[prev][0] if prev in split else ([] if prev else None)
        labels, proposed = split[period]
        out.append(voice_indicator_from_labels(labels, period, previous, source, proposed))
    return out


def voice_rag(n_good: int, n_not_so_good: int, n_tagged: int) -> str | None:
    """RAG of people's tags: None under 5; G good>=60% and nsg<=20%; R nsg>=40% or good<30%; else A."""
    if n_tagged < SMALL_NUMBER_THRESHOLD:
        return None
    if 100 * n_good >= 60 * n_tagged and 100 * n_not_so_good <= 20 * n_tagged:
        return "G"
    if 100 * n_not_so_good >= 40 * n_tagged or 100 * n_good < 30 * n_tagged:
        return "R"
    return "A"


def direction_vs_previous(
    n_good: int, n_tagged: int, previous_labels: Sequence[str | None] | None
) -> str | None:
    """``better`` / ``worse`` (share good moved >= 5 points), ``similar``, or ``no previous data``."""
    if n_tagged == 0:
        return None
    prev_counts, _ = _count(previous_labels or [])
    prev_n = sum(prev_counts.values())
    if prev_n == 0:
        return NO_PREVIOUS
    # Exact comparison in integers: 100*(g/n - pg/pn) >= 5  <=>  100*(g*pn - pg*n) >= 5*n*pn.
    change = 100 * (n_good * prev_n - prev_counts["good"] * n_tagged)
    limit = DIRECTION_THRESHOLD_PP * n_tagged * prev_n
    if change >= limit:
        return "better"
    if change <= -limit:
        return "worse"
    return "similar"


def voice_text(counts: dict[str, int]) -> str:
    """``good 22% (2 of 9), unsure 33% (3 of 9), not so good 44% (4 of 9)``."""
    n = sum(counts.values())
    if n == 0:
        return "no quotes tagged by people"
    return ", ".join(_class_text(c, counts[c], n) for c in TEXT_ORDER)


def _class_text(label: str, k: int, n: int) -> str:
    """``not so good 44% (4 of 9)``; percent rounded half up to a whole number."""
    return f"{CLASS_NAMES[label]} {(200 * k + n) // (2 * n)}% ({k} of {n})"


def _count(labels: Sequence[str | None]) -> tuple[dict[str, int], int]:
    """Counts per class and the number of untagged entries; unknown labels raise."""
    counter = Counter(label or None for label in labels)
    untagged = counter.pop(None, 0)
    unknown = sorted({label for label in counter if label is not None} - set(LABELS))
    if unknown:
        raise InputError(f"unknown label(s) {unknown}: use one of {', '.join(LABELS)}")
    return {c: counter.get(c, 0) for c in TEXT_ORDER}, untagged


def _share_good(labels: Sequence[str | None] | None) -> float | None:
    """Share good of the tagged entries (None when none are tagged)."""
    counts, _ = _count(labels or [])
    n = sum(counts.values())
    return counts["good"] / n if n else None


def _previous(period: str) -> str | None:
    """The previous quarter, or None when ``period`` is not written as a quarter."""
    try:
        return previous_period(period)
    except InputError:
        return None


def _split(current: dict[str, Tag], quotes: Sequence[Quote]) -> tuple[list[str | None], list[str]]:
    """People's tags (None for a quote with no label) and, apart, the model's proposals."""
    labels: list[str | None] = []
    proposed: list[str] = []
    for q in quotes:
        tag = current.get(q.id)
        if tag is not None and tag.origin != HUMAN:
            proposed.append(tag.label)
        else:
            labels.append(tag.label if tag else None)
    return labels, proposed


def _pct1(share: float | None) -> float | None:
    """A share as a percentage with one decimal."""
    return None if share is None else round(share * 100, 1)
