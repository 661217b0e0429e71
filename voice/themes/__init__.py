"""Grouping quotes into themes: the pluggable steps (reduce, cluster, label, represent), the theme
guide, building themes for a period with people's edits kept, summaries and evaluation. Theme
persistence lives in ``voice.store``.

May import: ``voice.embed``, ``voice.classify`` (sentence splitting), ``voice.privacy``,
``voice.store``, ``voice.records``, ``voice.config``.
"""

from ._build import (
    OTHER,
    Anchor,
    ThemeResult,
    anchor_from_phrases,
    build_themes,
    overview,
    summarise,
    themes_for_period,
)
from ._evaluate import evaluate_themes, read_categorised
from ._guide import CategoryGuide, GuideError, OutOfFoldGuide, default_guide
from ._steps import (
    CentreDiversePicker,
    CTfidfLabeller,
    GuidedReducer,
    HybridReducer,
    KMeansClusterer,
    is_non_answer,
)
from ._summary import RepresentativeQuote, ThemeSummary, for_audience, summarise_for_role

__all__ = [
    "OTHER",
    "Anchor",
    "CTfidfLabeller",
    "CategoryGuide",
    "CentreDiversePicker",
    "GuideError",
    "GuidedReducer",
    "HybridReducer",
    "KMeansClusterer",
    "OutOfFoldGuide",
    "RepresentativeQuote",
    "ThemeResult",
    "ThemeSummary",
    "anchor_from_phrases",
    "build_themes",
    "default_guide",
    "evaluate_themes",
    "for_audience",
    "is_non_answer",
    "overview",
    "read_categorised",
    "summarise",
    "summarise_for_role",
    "themes_for_period",
]
