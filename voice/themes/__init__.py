"""Grouping quotes into themes: the pluggable steps, the theme guide, building themes for a period
with people's edits kept, summaries and evaluation. Theme persistence lives in ``voice.store``.

Private modules: ``_base`` (the step protocols), ``_reduce`` (hybrid and guided reducers),
``_cluster`` (k-means), ``_label`` (c-TF-IDF keywords and labels), ``_phrase`` (phrase labels),
``_represent`` (representative quotes), ``_text`` (spaCy lemmas, the non-answer rule, tone words),
``_guide`` (the theme guide), ``_build`` (the engine), ``_period`` (a store's period),
``_framework`` (the children's services framework and the choice of scheme), ``_sizes`` (small
themes dissolved), ``_summary``, ``_evaluate``.

May import: ``voice.embed``, ``voice.text`` (sentence splitting), ``voice.privacy``,
``voice.store``, ``voice.records``, ``voice.config``.
"""

from ._base import Clusterer, Guide, Labeller, Reducer, RepresentativePicker
from ._build import (
    OTHER,
    Anchor,
    ThemeResult,
    anchor_from_phrases,
    build_themes,
    name_clusters,
    overview,
    summarise,
)
from ._cluster import KMeansClusterer
from ._evaluate import evaluate_themes, read_categorised
from ._framework import (
    GROUPINGS,
    SCHEMES,
    FrameworkError,
    FrameworkTheme,
    ThemeFramework,
    choose_scheme,
    default_scheme_chooser,
    framework_anchors,
    framework_starters,
    load_framework,
    theme_with_scheme,
    train_scheme_chooser,
)
from ._guide import CategoryGuide, GuideError, OutOfFoldGuide, default_guide
from ._label import CTfidfLabeller
from ._label_rules import LABEL_PROBLEMS, label_problems
from ._period import themes_for_period
from ._phrase import PhraseLabeller
from ._reduce import GuidedReducer, HybridReducer
from ._represent import CentreDiversePicker
from ._summary import (
    RepresentativeQuote,
    ThemeSummary,
    for_audience,
    scrutiny_view,
    summarise_for_role,
)
from ._text import is_non_answer

__all__ = [
    "GROUPINGS",
    "LABEL_PROBLEMS",
    "OTHER",
    "SCHEMES",
    "Anchor",
    "CTfidfLabeller",
    "CategoryGuide",
    "CentreDiversePicker",
    "Clusterer",
    "FrameworkError",
    "FrameworkTheme",
    "Guide",
    "GuideError",
    "GuidedReducer",
    "HybridReducer",
    "KMeansClusterer",
    "Labeller",
    "OutOfFoldGuide",
    "PhraseLabeller",
    "Reducer",
    "RepresentativePicker",
    "RepresentativeQuote",
    "ThemeFramework",
    "ThemeResult",
    "ThemeSummary",
    "anchor_from_phrases",
    "build_themes",
    "choose_scheme",
    "default_guide",
    "default_scheme_chooser",
    "evaluate_themes",
    "for_audience",
    "framework_anchors",
    "framework_starters",
    "is_non_answer",
    "label_problems",
    "load_framework",
    "name_clusters",
    "overview",
    "read_categorised",
    "scrutiny_view",
    "summarise",
    "summarise_for_role",
    "theme_with_scheme",
    "themes_for_period",
    "train_scheme_chooser",
]
