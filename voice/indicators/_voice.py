"""The voice indicator: how the quotes of one period split between good, unsure and not so good.

The dashboards' row "Feedback from families and evaluation provides evidence of positive
impact" only says "See Appendix". This module computes the number that row can show from the
current labels of the period's quotes (newest human tag, else newest model tag).

Definition (also in docs/INDICATORS.md):

- shares are of *tagged* quotes only; untagged quotes are counted but not in any share;
- direction compares the share good with the previous quarter's: ``better`` when it rose by
  5 percentage points or more, ``worse`` when it fell by 5 or more, else ``similar``;
  ``no previous data`` when the previous quarter has no tagged quote; None when this period has
  no tagged quote;
- RAG (small-number rule first): None with fewer than ``SMALL_NUMBER_THRESHOLD`` (5) tagged
  quotes; G when good >= 60% and not so good <= 20%; R when not so good >= 40% or good < 30%;
  otherwise A. Thresholds are compared exactly (integer arithmetic, no float rounding).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from voice.config import SMALL_NUMBER_THRESHOLD
from voice.errors import InputError
from voice.ingest.fields import period_sort_key, previous_period
from voice.ingest.indicators import indicator_key
from voice.records import LABELS, Indicator
from voice.store import Store

VOICE_ROW_NAME = "Feedback from families and evaluation provides evidence of positive impact"
"""The dashboard row the voice indicator fills (seed 000, "See Appendix")."""

VOICE_OUTCOME_AREA = "Children and young people are safe within caring family homes"
VOICE_SECTION = "Early Help"
VOICE_SOURCE = "computed from tagged quotes"

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
        n_tagged: quotes with a current label.
        n_untagged: quotes without one (not in any share).
        n_good, n_unsure, n_not_so_good: quotes per class.
        share_good, share_unsure, share_not_so_good: fractions 0-1 of tagged; None when none.
        text: e.g. ``good 22% (2 of 9), unsure 33% (3 of 9), not so good 44% (4 of 9)``.
        previous_period: the quarter before (None when ``period`` is not a quarter).
        previous_share_good: share good in the previous quarter (None when no tagged quotes).
        direction: ``better`` / ``worse`` / ``similar`` / ``no previous data`` (None: no data).
        rag: ``R`` / ``A`` / ``G``, None under the small-number rule.
        source: the quote source the figures are limited to, if any.
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

    @property
    def counts(self) -> dict[str, int]:
        """Quotes per class."""
        return {"good": self.n_good, "unsure": self.n_unsure, "not_so_good": self.n_not_so_good}

    @property
    def shares(self) -> dict[str, float | None]:
        """Fractions of tagged quotes per class (None when nothing is tagged)."""
        return {
            "good": self.share_good,
            "unsure": self.share_unsure,
            "not_so_good": self.share_not_so_good,
        }

    def as_row(self) -> dict:
        """A flat dict for tables: counts, shares in % (1 decimal), direction and RAG."""
        return {
            "period": self.period,
            "source": self.source,
            "n_tagged": self.n_tagged,
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
            "text": self.text,
        }

    def as_indicator(self) -> Indicator:
        """The dashboard row "Feedback from families ... positive impact" with this figure.

        value is the share good in % (1 decimal), count the good quotes, denominator the
        tagged quotes, note the text.
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
            note=self.text,
            source_document=VOICE_SOURCE if not self.source else f"{VOICE_SOURCE} (source: {self.source})",
        )


def voice_indicator_from_labels(
    labels: Sequence[str | None],
    period: str,
    previous_labels: Sequence[str | None] | None = None,
    source: str | None = None,
) -> VoiceIndicator:
    """Compute the voice indicator from the current labels of one period's quotes.

    Args:
        labels: one entry per quote: ``good`` / ``unsure`` / ``not_so_good``, or None / ""
            for an untagged quote.
        period: the quarter the labels belong to.
        previous_labels: the previous quarter's labels, or None when unknown.
        source: the quote source the labels were limited to (recorded only).

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
    )


def compute_voice_indicator(store: Store, period: str, source: str | None = None) -> VoiceIndicator:
    """The voice indicator of ``period`` from the stored quotes' current labels.

    Args:
        store: the quote store.
        period: a quarter such as ``2017/18 Q1``.
        source: only quotes from this source (both for the period and the previous one).
    """
    if not period:
        raise InputError("a period is needed, e.g. 2017/18 Q1")
    current = store.current_tags()
    labels = _period_labels(store, current, period, source)
    prev = _previous(period)
    previous = _period_labels(store, current, prev, source) if prev else None
    return voice_indicator_from_labels(labels, period, previous, source)


def compute_all_voice_indicators(store: Store, source: str | None = None) -> list[VoiceIndicator]:
    """The voice indicator of every period that has quotes, in time order (one pass over the store)."""
    current = store.current_tags()
    by_period: dict[str, list[str | None]] = {}
    for q in store.quotes(source=source):
        if q.period:
            by_period.setdefault(q.period, []).append(current[q.id].label if q.id in current else None)
    out = []
    for period in sorted(by_period, key=period_sort_key):
        prev = _previous(period)
        previous = by_period.get(prev, []) if prev else None
        out.append(voice_indicator_from_labels(by_period[period], period, previous, source))
    return out


def voice_rag(n_good: int, n_not_so_good: int, n_tagged: int) -> str | None:
    """RAG of a split: None under 5 tagged; G good>=60% and nsg<=20%; R nsg>=40% or good<30%; else A."""
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
        return "no tagged quotes"
    return ", ".join(_class_text(c, counts[c], n) for c in TEXT_ORDER)


def _class_text(label: str, k: int, n: int) -> str:
    """``not so good 44% (4 of 9)``; percent rounded half up to a whole number."""
    return f"{CLASS_NAMES[label]} {(200 * k + n) // (2 * n)}% ({k} of {n})"


def _count(labels: Sequence[str | None]) -> tuple[dict[str, int], int]:
    """Counts per class and the number of untagged entries; unknown labels raise."""
    counter = Counter(label or None for label in labels)
    untagged = counter.pop(None, 0)
    unknown = sorted(set(counter) - set(LABELS))
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


def _period_labels(store: Store, current: dict, period: str, source: str | None) -> list[str | None]:
    """Current label (or None) of every stored quote of one period."""
    quotes = store.quotes(period=period, source=source)
    return [current[q.id].label if q.id in current else None for q in quotes]


def _pct1(share: float | None) -> float | None:
    """A share as a percentage with one decimal."""
    return None if share is None else round(share * 100, 1)
