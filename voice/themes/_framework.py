"""The children's services theme framework: themes a council can edit, assigned by meaning.

The framework is a JSON file (``config.THEME_FRAMEWORK_FILE``, or the council's own copy named by
``VOICE_THEME_FRAMEWORK``): 12-16 themes, each a name, a one-line description and example
phrases. A quote joins the framework theme it is most similar to (its cosine to the theme's
closest example, or to the centre of name, description and examples) when that reaches
``config.THEME_FRAMEWORK_MIN_SIMILARITY``: BERTopic's zero-shot topic modelling
(``zeroshot_topic_list`` / ``zeroshot_min_similarity``). The rest are clustered into emergent
themes. :func:`choose_scheme` decides, per file, between the framework and the NHS-style guide,
with a scheme chooser learned from children's quotes and NHS comments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from voice import config
from voice.embed import Embedder, default_embedder, default_theme_embedder, unit_rows
from voice.errors import InputError, VoiceError
from voice.records import Quote
from voice.themes._base import Progress, centre
from voice.themes._build import Anchor, ThemeResult

if TYPE_CHECKING:
    from voice.themes._guide import CategoryGuide

__all__ = [
    "GROUPINGS",
    "SCHEMES",
    "FrameworkError",
    "FrameworkTheme",
    "ThemeFramework",
    "childrens_words",
    "choose_scheme",
    "default_scheme_chooser",
    "framework_anchors",
    "framework_starters",
    "load_framework",
    "nhs_reference",
    "theme_slug",
    "theme_with_scheme",
    "train_scheme_chooser",
]

GROUPINGS = ("framework", "meaning")
"""How a file's children's feedback is grouped: ``framework`` (the default), each quote to the
framework theme it fits best, the rest clustered (as a store does); ``meaning``, clusters first,
each named by the framework theme that dominates it (:func:`voice.themes.name_clusters`) or by a
phrase of its own."""
SCHEMES = ("auto", "children", "nhs")
"""``children``: the framework and emergent themes; ``nhs``: the NHS-style guide alone; ``auto``:
the framework when the file reads as children's words (:func:`choose_scheme`)."""
MIN_THEMES, MAX_THEMES = 3, 30
"""How many themes a framework file may hold (the shipped one has 14)."""
MAX_TEXT = 300
"""Longest name, description or example phrase, in characters."""


class FrameworkError(VoiceError, ValueError):
    """A theme framework file that cannot be used: the message names the file and the entry."""


@dataclass(frozen=True)
class FrameworkTheme:
    """One framework theme: a name a councillor would use, a one-line description, example phrases."""

    name: str
    description: str
    examples: tuple[str, ...]
    sources: tuple[str, ...] = ()
    key: str = ""
    """The file's optional ``id``: keeps the theme's id when its name changes (default: the name's slug)."""

    @property
    def id(self) -> str:
        """The theme's id, the same as a pinned theme's in the store: ``pin-<key or slug of the name>``."""
        return f"pin-{self.key or theme_slug(self.name)}"

    @property
    def phrases(self) -> tuple[str, ...]:
        """Description and examples: what the theme's anchor is made of (with the name)."""
        return (self.description, *self.examples)


@dataclass(frozen=True)
class ThemeFramework:
    """A loaded framework: its name, the file it came from and its themes."""

    name: str
    path: Path
    themes: tuple[FrameworkTheme, ...]


def theme_slug(label: str) -> str:
    """A label as an id fragment (lower case, dashes), as ``voice.store`` makes pinned ids."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:30]


def _text(value: object, where: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FrameworkError(f"{where}: '{field}' must be non-empty text")
    value = " ".join(value.split())
    if len(value) > MAX_TEXT:
        raise FrameworkError(f"{where}: '{field}' is longer than {MAX_TEXT} characters")
    return value


def _theme(entry: object, where: str) -> FrameworkTheme:
    if not isinstance(entry, dict):
        raise FrameworkError(f"{where}: must be an object with name, description and examples")
    name = _text(entry.get("name"), where, "name")
    where = f"{where} ({name!r})"
    unknown = set(entry) - {"name", "description", "examples", "sources", "id"}
    if unknown:
        raise FrameworkError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if not theme_slug(name):
        raise FrameworkError(f"{where}: 'name' needs at least one letter or digit")
    description = _text(entry.get("description"), where, "description")
    examples = entry.get("examples")
    if not isinstance(examples, list) or not examples:
        raise FrameworkError(f"{where}: 'examples' must be a list of at least one phrase")
    phrases = tuple(_text(e, f"{where} example {i + 1}", "example") for i, e in enumerate(examples))
    sources = entry.get("sources", [])
    if not isinstance(sources, list):
        raise FrameworkError(f"{where}: 'sources' must be a list of text")
    cited = tuple(_text(s, f"{where} source {i + 1}", "source") for i, s in enumerate(sources))
    key = entry.get("id", "")
    if key != "" and (not isinstance(key, str) or theme_slug(key) != key):
        raise FrameworkError(f"{where}: 'id' must be lower-case letters, digits and dashes, at most 30")
    return FrameworkTheme(name, description, phrases, cited, key)


def load_framework(path: str | Path | None = None) -> ThemeFramework:
    """Read and check a framework file (default: ``config.theme_framework_file()``).

    Raises:
        FrameworkError: the file is missing, not JSON, or an entry is incomplete; the message
            names the file and the entry (``themes[3] ('school')``).
    """
    path = Path(path) if path is not None else config.theme_framework_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FrameworkError(f"{path}: no such theme framework file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError(f"{path}: cannot read it ({exc})") from None
    except json.JSONDecodeError as exc:
        raise FrameworkError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        raise FrameworkError(f"{path}: must be a JSON object with a 'themes' list")
    entries = data["themes"]
    if not MIN_THEMES <= len(entries) <= MAX_THEMES:
        raise FrameworkError(f"{path}: has {len(entries)} themes; give {MIN_THEMES} to {MAX_THEMES}")
    themes = tuple(_theme(e, f"{path.name}: themes[{i}]") for i, e in enumerate(entries))
    seen: dict[str, str] = {}
    for i, t in enumerate(themes):
        if t.id in seen:
            raise FrameworkError(
                f"{path.name}: themes[{i}] ({t.name!r}): same id as {seen[t.id]!r} ({t.id}; ids must differ)"
            )
        seen[t.id] = t.name
    name = data.get("name", path.stem)
    return ThemeFramework(str(name), path, themes)


def framework_starters(framework: ThemeFramework | None = None) -> list[tuple[str, tuple[str, ...], str]]:
    """The framework's themes as a store pins them: (name, description and examples, id)."""
    framework = framework or load_framework()
    return [(t.name, t.phrases, t.id) for t in framework.themes]


def framework_anchors(
    framework: ThemeFramework,
    embedder: Embedder | None = None,
    min_similarity: float = config.THEME_FRAMEWORK_MIN_SIMILARITY,
    pinned: bool = False,
    names_clusters: bool = False,
) -> list[Anchor]:
    """One anchor per framework theme: name, description and examples embedded, centred together.

    ``pinned=False`` (a file run) lets a theme with no quotes drop out of the result.
    By default each quote joins the anchor it fits best (``--group-by framework``);
    ``names_clusters=True``: the anchors name the clusters they dominate and take no quote on their
    own (``--group-by meaning``; :class:`Anchor`).
    """
    embedder = embedder or default_embedder()
    blocks = [(t.name, *t.phrases) for t in framework.themes]
    vecs = unit_rows(embedder.embed([p for b in blocks for p in b]))
    out, start = [], 0
    for t, block in zip(framework.themes, blocks, strict=True):
        v = vecs[start : start + len(block)]
        start += len(block)
        words = tuple(w for w in t.name.split() if len(w) > 3)
        out.append(
            Anchor(
                t.id,
                t.name,
                centre(v),
                min_similarity,
                words,
                pinned,
                False,
                examples=v,
                names_clusters=names_clusters,
            )
        )
    return out


def nhs_reference(embedder: Embedder) -> np.ndarray:
    """Unit vectors of the NHS-style guide's category names ("Staff manner ...", "Waiting time" ...).

    Empty when no guide ships: :func:`choose_scheme` then picks the framework.
    """
    from voice.themes._guide import default_guide

    guide = default_guide()
    names = [c for c in (guide.categories if guide else ()) if c.lower() != "not assigned"]
    return unit_rows(embedder.embed(names)) if names else np.zeros((0, 1), np.float32)


def choose_scheme(
    anchors: Sequence[Anchor],
    emb: np.ndarray,
    reference: np.ndarray,
    margin: float = config.THEME_FRAMEWORK_AUTO_MARGIN,
    chooser: CategoryGuide | None = None,
    threshold: float = config.THEME_SCHEME_THRESHOLD,
) -> str:
    """``"children"`` or ``"nhs"`` for a file's quotes (rows of unit vectors ``emb``).

    With a scheme ``chooser`` (:func:`train_scheme_chooser`): children's feedback when the
    quotes' mean probability of being children's words reaches ``threshold``. On draws of 20
    quotes, children's files averaged 0.51-0.95 and NHS comments 0.04-0.24 (99 % ranges,
    ``benchmarks/theme_scheme_choice.py``). Without one (a council's own embedder): each quote's
    best framework score less its best cosine to an NHS guide category name (``reference``),
    averaged, must reach ``margin`` (children's draws of 40: 0.06-0.19; NHS: -0.01-0.08).
    """
    if not len(emb):
        return "children"
    if chooser is not None:
        return "children" if float(childrens_words(chooser, emb).mean()) >= threshold else "nhs"
    if not len(reference) or not anchors:
        return "children"
    return "children" if float(framework_margins(anchors, emb, reference).mean()) >= margin else "nhs"


def childrens_words(chooser: CategoryGuide, emb: np.ndarray) -> np.ndarray:
    """Per quote: the scheme chooser's probability that it is children's words, not an NHS comment."""
    return np.asarray(chooser.transform(emb)[:, chooser.categories.index(CHILDREN)])


def train_scheme_chooser(children: np.ndarray, nhs: np.ndarray, embedder: Embedder) -> CategoryGuide:
    """A two-category guide (children's words / NHS comments) from unit embeddings of each."""
    from voice.themes._guide import CategoryGuide

    labels = [CHILDREN] * len(children) + [NHS] * len(nhs)
    chooser = CategoryGuide.fit(np.vstack([children, nhs]), labels, class_weight="balanced")
    chooser.meta["embedding"] = embedder.version
    return chooser


def default_scheme_chooser() -> CategoryGuide | None:
    """The shipped scheme chooser (``config.THEME_SCHEME_DIR``), loaded once; None when there is none."""
    from voice.themes._guide import cached_guide

    return cached_guide(config.THEME_SCHEME_DIR)


CHILDREN, NHS = "children", "nhs"
"""The scheme chooser's two categories."""


def framework_margins(anchors: Sequence[Anchor], emb: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Per quote: its best framework score less its best cosine to an NHS guide category name."""
    ours = np.column_stack([a.scores(emb) for a in anchors]).max(axis=1)
    return np.asarray(ours - (emb @ reference.T).max(axis=1))


def theme_with_scheme(
    quotes: Sequence[Quote],
    scheme: str = "auto",
    embedder: Embedder | None = None,
    framework: ThemeFramework | None = None,
    progress: Progress | None = None,
    min_theme_size: int = config.SMALL_NUMBER_THRESHOLD,
    group_by: str = "framework",
    theme_embedder: Embedder | None = None,
) -> tuple[ThemeResult, str]:
    """Theme a file's quotes with the framework (``children``), the NHS-style guide, or ``auto``.

    ``children``: with ``group_by="framework"`` (the default) each quote joins the framework theme
    it fits best and the rest are clustered into emergent themes (sentence embeddings: the NHS
    guide does not know children's topics); with ``"meaning"`` the quotes are clustered first and
    a cluster at least half of whose quotes fit one framework theme best carries its name. Either way no
    theme keeps fewer than ``min_theme_size`` quotes (the small-number threshold). ``nhs``:
    :func:`build_themes` as before (guide and clustering). ``auto``: per file, by
    :func:`choose_scheme`. Returns the result and the scheme used.

    ``embedder`` (default MiniLM) reads the file for the scheme choice and the NHS guide, both
    learned on it; ``theme_embedder`` groups children's quotes (default: MiniLM beside
    all-mpnet-base-v2, :func:`voice.embed.default_theme_embedder`; AMI against hand topics
    0.16 → 0.20 on eight children's sets, docs/THEMES.md).
    """
    from voice.themes._build import build_themes
    from voice.themes._reduce import meaning_reducer
    from voice.themes._text import is_non_answer

    if scheme not in SCHEMES:
        raise InputError(f"unknown theme scheme {scheme!r}: use {', '.join(SCHEMES)}")
    if group_by not in GROUPINGS:
        raise InputError(f"unknown grouping {group_by!r}: use {', '.join(GROUPINGS)}")
    embedder = embedder or default_embedder()
    if scheme == "nhs":
        return build_themes(quotes, embedder, progress=progress), "nhs"
    framework = framework or load_framework()
    if scheme == "auto":
        texts = [q.text for q in quotes if not is_non_answer(q.text)]
        emb = unit_rows(embedder.embed(texts, progress=progress)) if texts else np.zeros((0, 1))
        chooser = default_scheme_chooser()
        if chooser is not None and not chooser.suits(embedder, emb):
            chooser = None  # learned on another model: fall back to the framework's margin
        reference = nhs_reference(embedder) if chooser is None else np.zeros((0, 1), np.float32)
        margin_anchors = framework_anchors(framework, embedder) if chooser is None else []  # margin only
        scheme = choose_scheme(margin_anchors, emb, reference, chooser=chooser)
        if scheme == "nhs":
            return build_themes(quotes, embedder), "nhs"
    theme_embedder = theme_embedder or default_theme_embedder()
    anchors = framework_anchors(framework, theme_embedder, names_clusters=group_by == "meaning")
    result = build_themes(
        quotes,
        theme_embedder,
        anchors=anchors,
        reducer=meaning_reducer(),
        min_theme_size=min_theme_size,
        progress=progress,
    )
    return result, "children"
