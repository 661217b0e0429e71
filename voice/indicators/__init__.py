"""The numbers: the computed voice indicator (shares, direction, RAG), the dashboard view model
(a period's indicators grouped as in the seed dashboards, trends, indicator ↔ quote-source links)
and storing an indicator file (``voice indicators import``).

May import: ``voice.store``, ``voice.ingest``, ``voice.records``, ``voice.config``, ``voice.errors``.
"""

from ._dashboard import (
    Dashboard,
    build_dashboard,
    dashboard_periods,
    default_period,
    direction_text,
    indicator_periods,
    linked_sources,
    nearest_with_indicators,
    sparkline,
)
from ._importer import IndicatorImport, import_indicator_file, read_indicator_file, report_notes
from ._voice import (
    VOICE_ROW_NAME,
    VoiceIndicator,
    compute_all_voice_indicators,
    compute_voice_indicator,
    voice_indicator_from_labels,
    voice_rag,
)

__all__ = [
    "VOICE_ROW_NAME",
    "Dashboard",
    "IndicatorImport",
    "VoiceIndicator",
    "build_dashboard",
    "compute_all_voice_indicators",
    "compute_voice_indicator",
    "dashboard_periods",
    "default_period",
    "direction_text",
    "import_indicator_file",
    "indicator_periods",
    "linked_sources",
    "nearest_with_indicators",
    "read_indicator_file",
    "report_notes",
    "sparkline",
    "voice_indicator_from_labels",
    "voice_rag",
]
