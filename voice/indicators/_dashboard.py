"""The dashboard view: a period's indicators grouped as in the seed dashboards, with trends,
the computed voice row and the links from indicators to quote sources.

Pure data (no Streamlit): the app's dashboard page renders what this module returns, and the
tests check it without a browser.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from voice import config
from voice.indicators._voice import (
    VOICE_OUTCOME_AREA,
    VOICE_ROW_NAME,
    VOICE_SECTION,
    VoiceIndicator,
    compute_all_voice_indicators,
)
from voice.ingest.fields import period_sort_key
from voice.records import Indicator
from voice.store import Store

_MOVES = {"higher": "higher", "increase": "higher", "lower": "lower", "decrease": "lower", "decline": "lower"}
_JUDGED = {"better": "better", "worse": "worse", "similar": "similar", "same": "similar", "new": "new"}
NO_AREA = "Other indicators"
GAP = "·"
"""A quarter without a value in a text sparkline: a gap, never joined over."""
_BARS = "▁▂▃▄▅▆▇█"


def direction_text(direction: str | None, polarity: str | None = None) -> str:
    """One direction marker, in words, that agrees with the polarity.

    "better"/"worse" say the judgement ("✓ better", "✗ worse", "= similar"); with a polarity the
    movement is shown too ("▼ better (low is good)"). "higher"/"lower" are a movement: with a
    polarity they are judged ("▲ higher: better"), without one only the movement is said.
    Unknown words are shown as written, without a marker.
    """
    word = (direction or "").strip().lower().strip("↑↓►▲▼ ")
    pole = (polarity or "").strip().lower()
    if word in _MOVES:
        move = _MOVES[word]
        arrow = "▲" if move == "higher" else "▼"
        if pole in ("high", "low"):
            good = (move == "higher") == (pole == "high")
            return f"{arrow} {move}: {'better' if good else 'worse'}"
        return f"{arrow} {move}"
    if word in _JUDGED:
        judged = _JUDGED[word]
        if judged in ("better", "worse") and pole in ("high", "low"):
            up = (judged == "better") == (pole == "high")
            return f"{'▲' if up else '▼'} {judged} ({pole} is good)"
        return {"better": "✓ better", "worse": "✗ worse", "similar": "= similar", "new": "new"}[judged]
    return (direction or "").strip()


def sparkline(values: Sequence[float | None]) -> str:
    """The values as a text sparkline, a missing quarter as a gap ("▂▅·▇")."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low

    def bar(v: float) -> str:
        return _BARS[round((v - low) / span * (len(_BARS) - 1))] if span else _BARS[3]

    return "".join(GAP if v is None else bar(v) for v in values)


def _number(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e6 else f"{v:,.0f}"


@dataclass(frozen=True)
class DashboardRow:
    """One line of the dashboard for the chosen period."""

    key: str
    indicator: str
    outcome_area: str
    section: str
    value: str
    count: str
    direction: str
    rag: str | None
    national_quartile: int | None
    sn_average: float | None
    target: str | None
    trend: list[float | None]
    is_voice: bool = False
    linked_sources: tuple[str, ...] = ()
    trend_periods: tuple[str, ...] = ()
    """The quarters of :attr:`trend`, oldest first, ending at the chosen quarter."""

    @property
    def trend_text(self) -> str:
        """The trend as text: first quarter and value, a sparkline with gaps, last quarter and value."""
        points = [(p, v) for p, v in zip(self.trend_periods, self.trend, strict=False) if v is not None]
        if len(points) < 2:
            return ""
        (first_p, first_v), (last_p, last_v) = points[0], points[-1]
        spark = sparkline(
            self.trend[self.trend_periods.index(first_p) : self.trend_periods.index(last_p) + 1]
        )
        return f"{first_p} {_number(first_v)} {spark} {_number(last_v)} {last_p}"


@dataclass
class Dashboard:
    """The chosen period's rows, the periods the trends run over, and the voice indicators."""

    period: str
    periods: list[str]
    rows: list[DashboardRow]
    voice: dict[str, VoiceIndicator] = field(default_factory=dict)

    def grouped(self) -> dict[tuple[str, str], list[DashboardRow]]:
        """Rows grouped by (outcome area, section), in the order they first appear."""
        groups: dict[tuple[str, str], list[DashboardRow]] = defaultdict(list)
        for row in self.rows:
            groups[(row.outcome_area, row.section)].append(row)
        return dict(groups)

    def filter_rag(self, rags: Sequence[str]) -> Dashboard:
        """Only rows whose RAG is one of ``rags`` ("show me the reds"); all when empty."""
        if not rags:
            return self
        rows = [r for r in self.rows if r.rag in rags]
        return Dashboard(self.period, self.periods, rows, self.voice)


def dashboard_periods(store: Store) -> list[str]:
    """Every period with indicators or quotes, newest first."""
    return _quarters(store.indicators(), store.periods())[::-1]


def indicator_periods(store: Store) -> list[str]:
    """Every quarter with indicators, newest first."""
    return _quarters(store.indicators(), [])[::-1]


def default_period(store: Store) -> str | None:
    """The quarter the dashboard opens on: the newest with indicators, else the newest with quotes.

    Quotes of a quarter whose dashboard is not imported yet do not move it there.
    """
    with_indicators = indicator_periods(store)
    if with_indicators:
        return with_indicators[0]
    return next(iter(dashboard_periods(store)), None)


def nearest_with_indicators(store: Store, period: str) -> str | None:
    """The quarter with indicators nearest to ``period`` (the earlier one on a tie); None without any."""
    with_indicators = indicator_periods(store)
    if not with_indicators:
        return None
    year, quarter = period_sort_key(period)
    where = year * 4 + quarter

    def distance(p: str) -> tuple[int, int]:
        y, q = period_sort_key(p)
        return (abs(y * 4 + q - where), y * 4 + q > where)

    return min(with_indicators, key=distance)


def _quarters(rows: Sequence[Indicator], quote_periods: Sequence[str]) -> list[str]:
    """The quarters of indicator rows and quotes, oldest first (other period texts left out)."""
    periods = {r.period for r in rows if r.period} | set(quote_periods)
    return sorted((p for p in periods if period_sort_key(p) != (0, 0)), key=period_sort_key)


def linked_sources(indicator: Indicator, sources: Sequence[str]) -> tuple[str, ...]:
    """Quote sources linked to an indicator by the keyword table ``config.INDICATOR_LINKS``."""
    text = " ".join(x for x in (indicator.indicator, indicator.section, indicator.outcome_area) if x).lower()
    found: list[str] = []
    for keyword, source_words in config.INDICATOR_LINKS:
        if keyword in text:
            for source in sources:
                if source_words in source.lower() and source not in found:
                    found.append(source)
    return tuple(found)


def _count_text(row: Indicator) -> str:
    if row.count is None:
        return ""
    count = int(row.count) if float(row.count).is_integer() else row.count
    return f"{count} of {int(row.denominator)}" if row.denominator else str(count)


def _value_text(row: Indicator) -> str:
    if row.value_text:
        return row.value_text
    if row.value is not None:
        return f"{row.value:g}{row.unit or ''}"
    return row.note or ""


def _is_voice_row(row: Indicator) -> bool:
    return row.indicator.lower().startswith(VOICE_ROW_NAME.lower())


def build_dashboard(
    store: Store,
    period: str,
    count_formatter: Callable[[int], str] = str,
    counts_text: Callable[[Mapping[str, int], int], Mapping[str, str]] | None = None,
) -> Dashboard:
    """The dashboard for ``period``.

    Args:
        store: the store with indicators and tagged quotes.
        period: the quarter shown, e.g. ``2017/18 Q1``.
        count_formatter: formats quote counts of the voice row (the app passes the
            small-number rule for roles other than officers).
        counts_text: formats the voice row's split and total together (counts -> texts, the
            total under "total": ``voice.privacy.protect_counts``), so no hidden count can be
            worked out from the others; a share is shown only beside an exact count and total.
    """
    all_rows = store.indicators()
    chosen = period_sort_key(period)
    periods = [p for p in _quarters(all_rows, store.periods()) if period_sort_key(p) <= chosen]
    series: dict[str, dict[str, float | None]] = defaultdict(dict)
    for r in all_rows:
        if r.period:
            series[r.key].setdefault(r.period, r.value)
    voice = {v.period: v for v in compute_all_voice_indicators(store)}
    sources = store.sources()
    rows: list[DashboardRow] = []
    seen: set[str] = set()
    for r in (x for x in all_rows if x.period == period):
        if r.key in seen:
            continue
        seen.add(r.key)
        trend = [series[r.key].get(p) for p in periods]
        links = linked_sources(r, sources)
        if _is_voice_row(r):
            rows.append(_voice_row(r, voice, periods, period, count_formatter, sources, counts_text))
            continue
        rows.append(
            DashboardRow(
                key=r.key,
                indicator=r.indicator,
                outcome_area=r.outcome_area or NO_AREA,
                section=r.section or "",
                value=_value_text(r),
                count=_count_text(r),
                direction=direction_text(r.direction, r.polarity),
                rag=r.rag,
                national_quartile=r.national_quartile,
                sn_average=r.sn_average,
                target=r.target,
                trend=trend,
                linked_sources=links,
                trend_periods=tuple(periods),
            )
        )
    v = voice.get(period)
    if not any(row.is_voice for row in rows) and v is not None and (v.n_tagged or v.n_proposed):
        template = Indicator(indicator=VOICE_ROW_NAME, period=period, key="voice")
        rows.append(_voice_row(template, voice, periods, period, count_formatter, sources, counts_text))
    return Dashboard(period, periods, rows, voice)


def _voice_row(
    r: Indicator,
    voice: dict[str, VoiceIndicator],
    periods: Sequence[str],
    period: str,
    count_formatter: Callable[[int], str],
    sources: Sequence[str],
    counts_text: Callable[[Mapping[str, int], int], Mapping[str, str]] | None = None,
) -> DashboardRow:
    """The "Feedback from families ..." row: people's tags counted, the model's proposals apart."""
    v = voice.get(period)
    suppress = count_formatter(1) != "1"  # the caller hides small numbers

    def hidden(n: int) -> bool:
        return suppress and 0 < n < config.SMALL_NUMBER_THRESHOLD

    def texts(x: VoiceIndicator) -> dict[str, str]:
        if counts_text is not None:
            return dict(counts_text(x.counts, x.n_tagged))
        return {**{k: count_formatter(n) for k, n in x.counts.items()}, "total": count_formatter(x.n_tagged)}

    def exact(x: VoiceIndicator, k: str) -> bool:
        t = texts(x)
        return t["total"] == str(x.n_tagged) and t[k] == str(x.counts[k]) and not hidden(x.counts[k])

    def share(p: str) -> float | None:
        vi = voice.get(p)
        if vi is None or vi.share_good is None or hidden(vi.n_tagged) or not exact(vi, "good"):
            return None
        return round(100 * vi.share_good, 1)

    trend = [share(p) for p in periods]
    proposed = (
        f"proposed by the model, not yet checked: {count_formatter(v.n_proposed)}"
        if v is not None and v.n_proposed
        else ""
    )
    if v is None or not v.n_tagged:
        value = "not rated: no quote is tagged by people" if proposed else "no quotes tagged by people"
        count, direction, rag = proposed, "", None
    elif hidden(v.n_tagged):
        value = f"not rated: fewer than {config.SMALL_NUMBER_THRESHOLD} quotes tagged by people"
        count = " · ".join(x for x in (f"{count_formatter(v.n_tagged)} tagged by people", proposed) if x)
        direction, rag = "", None
    else:
        shown = texts(v)
        value = " · ".join(
            f"{name} {round(100 * (v.shares[k] or 0))}%" if exact(v, k) else f"{name} {shown[k]}"
            for k, name in (("good", "good"), ("unsure", "unsure"), ("not_so_good", "not so good"))
        )
        count = " · ".join(x for x in (f"{shown['total']} tagged by people", proposed) if x)
        direction = direction_text(v.direction, "high")  # a larger share of "good" is better
        rag = v.rag
    return DashboardRow(
        key=r.key,
        indicator=r.indicator,
        outcome_area=r.outcome_area or VOICE_OUTCOME_AREA,
        section=r.section or VOICE_SECTION,
        value=value,
        count=count,
        direction=direction,
        rag=rag,
        national_quartile=None,
        sn_average=None,
        target=None,
        trend=trend,
        is_voice=True,
        linked_sources=tuple(sources),
        trend_periods=tuple(periods),
    )
