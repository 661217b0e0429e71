"""Keeping children unidentifiable: redaction and its evaluation, small numbers and
attribution, users, roles and sign-in.

Owns: the redactor (``_redact`` composing the word lists of ``_gazetteers``, the pattern rules of
``_patterns`` and spaCy's entities from ``_pipeline``; ``_spans`` holds what it returns), its
evaluation on the labelled set (``_redact_eval``), small-number suppression and coarse
attributions (``_disclosure``), the speaker without names (``_speaker``), the keyed ids every
export carries (``_export_ids``), the users file with roles (``_users``), signing in with a
back-off (``_signin``), and the redaction function every export must use (``_loader``).

May import: ``voice.records``, ``voice.config``, ``voice.errors`` only.
"""

from ._disclosure import (
    COMPLEMENT,
    HIDDEN_WORD,
    PUBLIC_ROLE,
    PUBLISHED_REASON,
    SUPPRESSED,
    TOTAL,
    ShownAttribution,
    age_band,
    coarsen_attributions,
    explain_attributions,
    format_count,
    identifier_words,
    protect_counts,
    protect_rows,
    scrub_words,
    share_text,
)
from ._export_ids import export_id, export_key, export_key_path
from ._gazetteers import Gazetteers, LocalNames
from ._loader import load_redactor
from ._pipeline import load_pipeline
from ._redact import Redactor, default_redactor, redact_text, redact_texts
from ._redact_eval import (
    ANNOTATED,
    HARD_DEV,
    HARD_HOLDOUT,
    HOLDOUT,
    LABELLED,
    METRICS,
    SPLITS,
    LabelledSentence,
    evaluate,
    load_labelled,
    parse_annotated,
    parse_annotated_line,
    score,
)
from ._signin import SignIn, SignInGuard, sign_in
from ._spans import KINDS, MARKERS, RedactedSpan, Redaction
from ._speaker import Speaker, safe_speaker, speaker_of
from ._users import (
    OFFICER,
    REPORT_WRITER,
    ROLE_NAMES,
    ROLES,
    SCRUTINY,
    UsersError,
    UserStore,
    add_user,
    authenticate,
    can,
    check_password,
    check_role,
    normalise_username,
    sees_raw_text,
)

__all__ = [
    "ANNOTATED",
    "COMPLEMENT",
    "HARD_DEV",
    "HARD_HOLDOUT",
    "HIDDEN_WORD",
    "HOLDOUT",
    "KINDS",
    "LABELLED",
    "MARKERS",
    "METRICS",
    "OFFICER",
    "PUBLIC_ROLE",
    "PUBLISHED_REASON",
    "REPORT_WRITER",
    "ROLES",
    "ROLE_NAMES",
    "SCRUTINY",
    "SPLITS",
    "SUPPRESSED",
    "TOTAL",
    "Gazetteers",
    "LabelledSentence",
    "LocalNames",
    "RedactedSpan",
    "Redaction",
    "Redactor",
    "ShownAttribution",
    "SignIn",
    "SignInGuard",
    "Speaker",
    "UserStore",
    "UsersError",
    "add_user",
    "age_band",
    "authenticate",
    "can",
    "check_password",
    "check_role",
    "coarsen_attributions",
    "default_redactor",
    "evaluate",
    "explain_attributions",
    "export_id",
    "export_key",
    "export_key_path",
    "format_count",
    "identifier_words",
    "load_labelled",
    "load_pipeline",
    "load_redactor",
    "normalise_username",
    "parse_annotated",
    "parse_annotated_line",
    "protect_counts",
    "protect_rows",
    "redact_text",
    "redact_texts",
    "safe_speaker",
    "score",
    "scrub_words",
    "sees_raw_text",
    "share_text",
    "sign_in",
    "speaker_of",
]
