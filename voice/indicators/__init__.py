"""The numbers: the computed voice indicator (shares, direction, RAG), the dashboard view model
(a period's indicators grouped as in the seed dashboards, trends, indicator ↔ quote-source links)
and storing an indicator file (``voice indicators import``).

May import: ``voice.store``, ``voice.ingest``, ``voice.records``, ``voice.config``, ``voice.errors``.
"""

from ._dashboard import Dashboard, build_dashboard, dashboard_periods, linked_sources
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
    "import_indicator_file",
    "linked_sources",
    "read_indicator_file",
    "report_notes",
    "voice_indicator_from_labels",
    "voice_rag",
]
