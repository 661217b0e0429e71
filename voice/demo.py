"""Load the seed documents and the documented demo set into a store, idempotently.

What a new user sees on first start (``voice demo``, the app's first page):

* the "Voice of the Child" appendix of every seed dashboard (quotes, their source-document
  labels and the service-development notes), as ``voice import-seed`` stores them;
* every seed dashboard's indicators and the scrutiny report's narrative paragraphs, as
  ``voice indicators import`` stores them (:func:`voice.indicators.import_indicator_file` is that
  command's library side);
* the demo set in ``corpus/demo/``: synthetic quotes over eight quarters with example tags by
  ``config.DEMO_TAGGER`` (human origin; :func:`voice.model.human_corrections` skips them, so the
  model never learns from them), and synthetic indicator rows that fill the seed series.

Every step skips what is already stored, so loading twice adds nothing. The quotes are screened
for possible disclosures of harm as they are stored (:func:`voice.safeguarding.screen_store`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from voice import config
from voice.indicators import import_indicator_file
from voice.ingest.quote_file import read_quote_file
from voice.ingest.seed_appendix import read_seed_appendix
from voice.safeguarding import screen_store
from voice.store import Store

DEMO_QUOTES = config.DEMO_DIR / "demo_quotes.csv"
"""Synthetic quotes in the quote file format plus ``provenance`` (corpus/demo/README.md)."""
DEMO_INDICATORS = config.DEMO_DIR / "demo_indicators.csv"
"""Synthetic indicator rows in the canonical indicator CSV format."""
DEMO_SOURCE_DOCUMENT = "demo (synthetic)"
"""The ``source_document`` of every demo indicator row (never the same as a real document)."""
DEMO_QUEUE_PERIODS: tuple[str, ...] = ("2017/18 Q4",)
"""Quarters whose demo quotes the app leaves untagged, so the tagging queue has work to show."""

LoadProgress = Callable[[int, int, str], None]
"""Called as ``progress(step, steps, message)`` before each step of a load."""


@dataclass(frozen=True)
class SeedLoad:
    """What one seed document added."""

    name: str
    period: str | None
    quotes_found: int
    quotes_added: int
    tags_added: int
    notes_added: int
    indicator_rows: int
    indicators_added: int
    warnings: tuple[str, ...] = ()


@dataclass
class DemoSummary:
    """What :func:`load_demo` read and added."""

    seeds: list[SeedLoad] = field(default_factory=list)
    demo_quotes_read: int = 0
    demo_quotes_added: int = 0
    demo_tags_read: int = 0
    demo_tags_added: int = 0
    demo_indicator_rows: int = 0
    demo_indicators_added: int = 0
    untagged_periods: tuple[str, ...] = ()
    concerns_flagged: int = 0
    """Quotes newly flagged as possibly disclosing harm (held for an officer's review)."""

    @property
    def quotes_added(self) -> int:
        """Quotes added from the seeds and the demo set together."""
        return sum(s.quotes_added for s in self.seeds) + self.demo_quotes_added

    @property
    def indicators_added(self) -> int:
        """Indicator rows added from the seeds and the demo set together."""
        return sum(s.indicators_added for s in self.seeds) + self.demo_indicators_added


def seed_paths() -> list[Path]:
    """The seed documents, in name order."""
    return sorted(config.SEEDS_DIR.glob("*.txt"))


def import_seed_document(store: Store, path: Path, who: str) -> SeedLoad:
    """Store one seed document's appendix quotes, labels and notes, and its indicators."""
    appendix = read_seed_appendix(path)
    added = store.add_quotes(appendix.quotes, appendix.tags, who=who)
    notes_added = store.add_notes(appendix.notes)
    indicators = import_indicator_file(store, path, who)
    return SeedLoad(
        name=path.name,
        period=appendix.period,
        quotes_found=len(appendix.quotes),
        quotes_added=added.quotes_added,
        tags_added=added.tags_added,
        notes_added=notes_added + indicators.notes_added,
        indicator_rows=len(indicators.result.rows),
        indicators_added=indicators.added,
        warnings=tuple(appendix.warnings) + tuple(indicators.result.warnings),
    )


def load_demo(
    store: Store,
    who: str = "demo",
    progress: LoadProgress | None = None,
    untagged_periods: Sequence[str] = (),
) -> DemoSummary:
    """Load the seeds and the demo set into ``store``; what is already stored is skipped.

    Args:
        store: the store to fill.
        who: recorded in the audit log as the importer.
        progress: called as ``progress(step, steps, message)`` before each step.
        untagged_periods: quarters whose demo quotes are stored without their demo tag (the
            app passes :data:`DEMO_QUEUE_PERIODS` so its tagging queue is not empty).

    Returns:
        Counts per seed document and for the demo set.
    """
    seeds = seed_paths()
    steps = len(seeds) + 2
    summary = DemoSummary(untagged_periods=tuple(untagged_periods))
    for step, path in enumerate(seeds):
        if progress:
            progress(step, steps, f"seed document {path.name}")
        summary.seeds.append(import_seed_document(store, path, who))
    if progress:
        progress(len(seeds), steps, f"demo quotes {DEMO_QUOTES.name}")
    parsed = read_quote_file(DEMO_QUOTES, tagged_by=config.DEMO_TAGGER)
    skip = {q.id for q in parsed.quotes if q.period in set(untagged_periods)}
    tags = [t for t in parsed.tags if t.quote_id not in skip]
    added = store.add_quotes(parsed.quotes, tags, who=who)
    summary.demo_quotes_read, summary.demo_tags_read = len(parsed.quotes), len(tags)
    summary.demo_quotes_added, summary.demo_tags_added = added.quotes_added, added.tags_added
    summary.concerns_flagged = len(screen_store(store, who=who).flagged)
    if progress:
        progress(len(seeds) + 1, steps, f"demo indicators {DEMO_INDICATORS.name}")
    indicators = import_indicator_file(store, DEMO_INDICATORS, who)
    summary.demo_indicator_rows, summary.demo_indicators_added = len(indicators.result.rows), indicators.added
    if progress:
        progress(steps, steps, "done")
    return summary


def store_is_empty(store: Store) -> bool:
    """True when the store holds no quote and no indicator row."""
    return store.count_quotes() == 0 and not store.indicators()


def ensure_demo(
    store: Store,
    who: str = "demo",
    progress: LoadProgress | None = None,
    untagged_periods: Sequence[str] = DEMO_QUEUE_PERIODS,
) -> DemoSummary | None:
    """The app's first start: load the seeds and the demo set only when the store is empty.

    The newest demo quarter's quotes are stored untagged by default, so the tagging queue has
    work; their demo labels stay in the CSV only. Returns None when the store already had data.
    """
    if not store_is_empty(store):
        return None
    return load_demo(store, who=who, progress=progress, untagged_periods=untagged_periods)
