"""What leaves Voice as a document: the "Voice of the Child" appendix (Markdown, DOCX), quote
tables and safe file writing (formula neutralisation). Redaction and attribution are passed in;
every quote row carries the keyed export id and a speaker without names.

May import: ``voice.store``, ``voice.ingest``, ``voice.records``, ``voice.config``, ``voice.privacy``
(export ids and safe speakers).
"""

from ._appendix import (
    REPORT_CLASSES,
    YOU_SAID_WE_DID,
    Development,
    ReportQuote,
    build_appendix,
    counts_line,
    default_title,
    is_heading,
    published_ids,
    select_quotes,
)
from ._developments import is_development, you_said_we_did
from ._export import (
    EXPORT_SUFFIXES,
    appendix_docx,
    appendix_markdown,
    appendix_table,
    audit_export,
    export_appendix,
)
from ._markdown import markdown_text
from ._tables import (
    QUOTE_COLUMNS,
    REDACTED_COLUMNS,
    atomic_output,
    quote_rows,
    safe_cell,
    write_bytes_atomically,
    write_table,
)

__all__ = [
    "EXPORT_SUFFIXES",
    "QUOTE_COLUMNS",
    "REDACTED_COLUMNS",
    "REPORT_CLASSES",
    "YOU_SAID_WE_DID",
    "Development",
    "ReportQuote",
    "appendix_docx",
    "appendix_markdown",
    "appendix_table",
    "atomic_output",
    "audit_export",
    "build_appendix",
    "counts_line",
    "default_title",
    "export_appendix",
    "is_development",
    "is_heading",
    "markdown_text",
    "published_ids",
    "quote_rows",
    "safe_cell",
    "select_quotes",
    "write_bytes_atomically",
    "write_table",
    "you_said_we_did",
]
