"""What every page shares: the store, the model and the redactor (created once per process),
the signed-in user, and small display helpers (RAG badges, safe quote text).

Pages stay short: they read from here and call the voice library.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from voice import config
from voice.errors import VoiceWarning
from voice.records import Quote
from voice.store import Store

if TYPE_CHECKING:
    from voice.classify import VoiceModel

RAG_COLOURS = {"R": ("#b00020", "Red"), "A": ("#a15c00", "Amber"), "G": ("#1b6e20", "Green")}
"""Badge colours with white text (contrast ≥ 4.5:1); the letter is always shown too."""

LABEL_NAMES = {"good": "good", "unsure": "unsure", "not_so_good": "not so good"}
LABEL_COLOURS = {"good": "#1b6e20", "unsure": "#6b6b6b", "not_so_good": "#b00020"}

from voice.privacy import PUBLIC_ROLE  # noqa: E402  exports: as a report writer sees them

# -- resources created once -----------------------------------------------------------------


@st.cache_resource(show_spinner="Opening the quote store…")
def _open_store(url: str) -> Store:
    return Store(url)


def _fill_demo(store: Store) -> None:
    """Demo mode: load the seeds and the demo set on first start, with a progress bar.

    Safe to run again: a run stopped half-way (the visitor clicked on) is completed the next
    time, and quotes still without any label get the model's proposals.
    """
    from voice.classify import propose_labels
    from voice.demo import ensure_demo

    bar = st.progress(0.0, text="Opening the demo…")

    def step(done: int, total: int, message: str) -> None:
        bar.progress(min(done / max(total, 1), 1.0) * 0.7, text=f"First start: {message}")

    ensure_demo(store, progress=step)
    current = store.current_tags()
    if any(q.id not in current for q in store.quotes() if q.text.strip()):

        def embedded(done: int, total: int) -> None:
            bar.progress(0.7 + 0.3 * done / max(total, 1), text=f"Proposing labels: {done} of {total} quotes")

        propose_labels(store, get_model(), embedded)  # the newest demo quarter is left untagged
    bar.empty()


_DEMO_READY: set[str] = set()


def get_store() -> Store:
    """The council's store; in demo mode the demo's own database, filled on first start.

    Called first on every page run and by a callback that writes (a callback runs before the
    page, in a fresh context), it also points this run's embedding and logit caches, and those of
    a learner it starts, at the demo's own folder in demo mode (``config.use_cache_dir``), so the
    demo never writes into the council's caches.
    """
    if not config.demo_mode():
        config.use_cache_dir(None)
        return _screened_once(_open_store(config.settings().db_url))
    config.use_cache_dir(config.demo_cache_dir())
    url = config.demo_db_url()
    store = _open_store(url)
    if url not in _DEMO_READY:
        _fill_demo(store)
        _DEMO_READY.add(url)
    return _screened_once(store)


_SCREENED: set[str] = set()


def _screened_once(store: Store) -> Store:
    """Once per process, screen quotes stored before screening existed (docs/SAFEGUARDING.md)."""
    if store.url not in _SCREENED:
        from voice.embed import default_embedder
        from voice.errors import VoiceError
        from voice.safeguarding import screen_store, screening_version, too_big_to_read_fully
        from voice.store import unscreened_quotes

        try:  # every part of the detector (recall first); a big backlog: the rules now, the Tag page the rest
            model = default_embedder()
            big = too_big_to_read_fully(unscreened_quotes(store, screening_version(model)))
            screen_store(store, who="app", embedder=None if big else model)
            _SCREENED.add(store.url)
        except VoiceError:  # a locked database: tried again on the next page run
            pass
    return store


@st.cache_resource(show_spinner="Loading the classifier…")
def _load_model(model_dir: str, home: str, root: str) -> tuple[VoiceModel, list[str]]:
    """The active model and the warnings loading it gave (a damaged learned copy)."""
    from voice.classify import load_model

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", VoiceWarning)
        model = load_model(models_root=Path(root) if root else None)
    return model, [str(w.message) for w in caught if issubclass(w.category, VoiceWarning)]


def models_root() -> Path | None:
    """Where learned corrections are saved: the demo's own folder in demo mode, else the
    council's (None: ``$VOICE_HOME/models``)."""
    return config.demo_models_dir() if config.demo_mode() else None


def get_model() -> VoiceModel:
    """The active classifier: the learned copy (the council's, or the demo's own in demo mode)
    when there is one, else the shipped model (also when the learned copy is damaged: then a
    warning says so and tagging goes on)."""

    model, problems = _cached_model()
    for problem in problems:
        st.warning(problem, icon=":material/warning:")
    return model


def _cached_model() -> tuple[VoiceModel, list[str]]:
    from voice.classify import active_model_dir

    root = models_root()
    return _load_model(str(active_model_dir(models_root=root)), str(config.settings().home), str(root or ""))


def redact_texts(texts: Sequence[str]) -> list[str]:
    """Redacted texts (the process-wide redactor batches them and keeps recent ones)."""
    from voice.privacy import redact_texts as redact

    return redact(texts)


def identifier_words(texts: Sequence[str]) -> frozenset[str]:
    """Words the redactor removes from these texts (to hide them from theme labels)."""
    from voice.privacy import identifier_words as find

    return find(texts)


# -- who is signed in -----------------------------------------------------------------------


def role() -> str:
    """The signed-in user's role ("officer", "report_writer" or "scrutiny")."""
    return st.session_state.get("role", "scrutiny")


def user_name() -> str:
    """The signed-in user's name (recorded with every tag, edit and export)."""
    return st.session_state.get("user", "anonymous")


def exact_counts() -> bool:
    """Officers see exact counts and attributions; everyone else the small-number rule."""
    return can("view_exact_counts")


def display_texts(quotes: Sequence[Quote]) -> list[str]:
    """Quote texts for every view outside the tagging page: redacted, whoever looks.

    Only the tagging page shows quotes as they were given (to officers, the only role that has
    it); dashboards, themes, maps and reports never do (docs/PRIVACY.md).
    """
    return redact_texts([q.text for q in quotes])


def can(permission: str) -> bool:
    """Whether the signed-in user's role has this permission (voice.users)."""
    from voice.privacy import can as allowed

    return allowed(role(), permission)


def small_number_threshold() -> int:
    """Counts below this are shown as "<5" outside the officers."""
    return config.SMALL_NUMBER_THRESHOLD


def format_count_for(who_role: str, n: int) -> str:
    """A count under the small-number rule for ``who_role``."""
    from voice.privacy import format_count as fmt

    return fmt(n, who_role)


def format_count(n: int) -> str:
    """A count under the small-number rule for this user's role ("<5")."""
    return format_count_for(role(), n)


def protect_counts_for(who_role: str, counts: Mapping[str, int], total: int | None = None) -> dict[str, str]:
    """A row of counts and its total (key "total") as text for ``who_role``, none derivable."""
    from voice.privacy import protect_counts as protect

    return protect(counts, total, who_role)


def protect_counts(counts: Mapping[str, int], total: int | None = None) -> dict[str, str]:
    """A row of counts and its total for this user's role (complementary suppression)."""
    return protect_counts_for(role(), counts, total)


def attributions(quotes: Sequence[Quote]) -> dict[str, str]:
    """Attributions as this user may see them, coarsened among exactly the ``quotes`` shown."""
    from voice.privacy import coarsen_attributions

    return coarsen_attributions(quotes, role())


def speaker(quote: Quote) -> str:
    """A quote's speaker as every page shows it: gender, role and age, never a name."""
    from voice.privacy import safe_speaker

    return safe_speaker(quote)


def public_attributions(quotes: Sequence[Quote]) -> dict[str, str]:
    """Attributions for anything that leaves the app: coarsened among the ``quotes`` it holds."""
    from voice.privacy import coarsen_attributions

    return coarsen_attributions(quotes, PUBLIC_ROLE)


# -- display helpers ------------------------------------------------------------------------


def md_escape(text: object) -> str:
    """Data shown inside Markdown as typed, on one line: no markup, HTML, links, images or maths.

    Every ``st.markdown``, ``st.caption``, ``st.write``, heading, metric label, message and
    toast that shows data passes it through here (``voice.report.markdown_text``).
    """
    from voice.report import markdown_text

    return markdown_text(text)


def rag_badge(rag: str | None) -> str:
    """An HTML badge carrying the letter and the colour (safe: fixed content only)."""
    if rag not in RAG_COLOURS:
        return '<span style="color:#555">–</span>'
    colour, name = RAG_COLOURS[rag]
    return (
        f'<span title="{name}" style="background:{colour};color:#fff;border-radius:4px;'
        f'padding:1px 7px;font-weight:600">{html.escape(rag)}</span>'
    )


def rag_cell_style(value: str) -> str:
    """Pandas Styler CSS for a "R Red" / "A Amber" / "G Green" table cell."""
    letter = (value or "")[:1]
    if letter not in RAG_COLOURS:
        return ""
    return f"background-color: {RAG_COLOURS[letter][0]}; color: white; font-weight: 600"


def quote_card(text: str, attribution: str, caption: str = "") -> None:
    """A quote as in the seed appendix: the words in quotation marks, then the attribution."""
    line = f"“{md_escape(text)}” — *{md_escape(attribution)}*" if attribution else f"“{md_escape(text)}”"
    st.markdown(line)
    if caption:
        st.caption(md_escape(caption))


def empty_state(message: str, hint: str = "") -> None:
    """A clear message instead of an empty screen."""
    st.info(message + (f"\n\n{hint}" if hint else ""), icon=":material/info:")


def period_picker(
    periods: Sequence[str], key: str, label: str = "Period", default: str | None = None
) -> str | None:
    """A period select box (newest first) remembered across pages; ``default`` on first view."""
    if not periods:
        return None
    chosen_before = st.session_state.get("period", default)
    index = list(periods).index(chosen_before) if chosen_before in periods else 0
    chosen = st.selectbox(label, list(periods), index=index, key=key)
    st.session_state["period"] = chosen
    return chosen


def unique_names(names: dict[str, str]) -> dict[str, str]:
    """Display name -> id, with a number added where two names are the same.

    Select boxes show plain strings (no ``format_func``), which keeps them testable.
    """
    out: dict[str, str] = {}
    for key, name in names.items():
        shown, n = name, 2
        while shown in out:
            shown, n = f"{name} ({n})", n + 1
        out[shown] = key
    return out


def pick_one(label: str, names: dict[str, str], key: str) -> str:
    """A select box over ``names`` (id -> name) returning the chosen id."""
    by_name = unique_names(names)
    return by_name[st.selectbox(label, list(by_name), key=key)]


def pick_many(label: str, names: dict[str, str], key: str) -> list[str]:
    """A multiselect over ``names`` (id -> name) returning the chosen ids."""
    by_name = unique_names(names)
    return [by_name[n] for n in st.multiselect(label, list(by_name), key=key)]
