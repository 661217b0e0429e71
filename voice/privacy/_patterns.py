"""The pattern rules of redaction: regular expressions for e-mails, UK phone numbers and
postcodes, street addresses, school names, dates of birth, ages under 10, titles with names and
single capital letters used as names; the cues around a word that make it a person, a member of
staff or a place; and :func:`pattern_finds`, which applies the rules to one text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._gazetteers import Gazetteers
from ._spans import _Find


def _words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(text.split())


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
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)44[\s.-]?\(?0?\)?[\s.-]?|\(?0)\d(?:(?:[\s.-]|\)\s?)?\d){8,9}(?!\d)"
)
_NHS_RE = re.compile(r"(?<![\d+])(?P<number>[1-9]\d{2}([\s-]?)\d{3}\2\d{4})(?![\d-])")
"""Ten digits, as one block or spaced 3-3-4; an NHS number when its modulus-11 check holds or
"NHS" comes shortly before it (the check is optional: a mistyped number is still redacted)."""
_NHS_CUE_RE = re.compile(r"\bnhs\b", re.IGNORECASE)
_NI_RE = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE)
"""A National Insurance number: two letters, six digits, a letter A-D ("QQ 12 34 56 C")."""
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
_ROLE_CUE_RE = re.compile(
    r"(?:\b(?:my|our|me|his|her|their|the|new|old)\s+(?:(?:foster|social|key|support|family|youth|"
    r"new|old|little|big|baby|older|younger|step|half|twin|best)[\s-]+)*"
    r"(?:pa|iro|sw|worker|keyworker|carer|teacher|mentor|advocate|counsellor|manager|nan|nana|nanna|"
    r"nanny|gran|granny|grandma|grandad|grandpa|sister|sis|brother|bro|cousin|aunty|auntie|aunt|uncle|"
    r"friend|mate|bestie|boyfriend|girlfriend)"
    r"|\b(?:mum|mom|dad|nan|sister|brother)['’]?s\s+(?:boyfriend|girlfriend|partner|fella|husband|wife)"
    r"|\bname\s+is|\bnames\s+are)\s*,?\s*$",
    re.IGNORECASE,
)
"""A role or family word just before a word ("my pa dave", "my iro bev", "mums boyfriend lee",
"my name is al"): the word is a name even in lower case, even two letters long, even when it
is also an English word, unless it is a frequent word or reads as a verb ("my carer lets me")."""
_ROLE_TITLE_RE = re.compile(
    r"\b(?:teacher|worker|carer|tutor|head|pa|iro|keyworker|mentor)\s+(?P<title>miss|sir)\s+"
    r"(?P<who>[a-z][a-z'’-]+)\b",
    re.IGNORECASE,
)
"""A lower-case "miss" or "sir" is a title after a role: "my teacher miss jones"."""
_NOT_A_NAME_NEXT = _words("me us him her them it you i my your his our their the a an to too")
_CHAT_WORDS = _words(
    "cos coz cuz tho lol omg xx xxx aswell innit ok okay yeah yes no nah oh hi uk tv mr ms mx dr st pc "
    "gp iv im id ur yr"
)
"""Short words children write that are not names (never a two-letter name, never after a cue)."""


def role_cue_name(text: str, start: int, end: int, low: str, g: Gazetteers) -> bool:
    """Whether the word ``text[start:end]`` (lower-cased ``low``) is a name by the role cue before it."""
    if not _ROLE_CUE_RE.search(text[max(0, start - 40) : start]):
        return False
    if low in g.keep_words or low in g.function_words or low in _CHAT_WORDS or len(low) < 2:
        return False
    if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", low):
        return False
    after = re.match(r"\s+([A-Za-z]+)", text[end : end + 20])
    if after and after.group(1).lower() in _NOT_A_NAME_NEXT:
        return False  # "my carer lets me", "my worker took them"
    if low in g.first_names:
        return True
    if len(low) > 4 and re.search(r"(?:ing|ed|ly)$", low):
        return False
    return len(low) <= 3 or low not in g.very_common_words


def short_capitalised_name(text: str, start: int, end: int, low: str, g: Gazetteers) -> bool:
    """A two-letter capitalised word as a name ("i told Li", "Ty keeps taking my stuff")."""
    if len(low) != 2 or low in g.function_words or low in _CHAT_WORDS or low in g.keep_words:
        return False
    if not text[start + 1 : end].islower() or text[end : end + 1] in ("", ".", "'", "’"):
        return False  # "GP’s", "Pr." (an abbreviation, or a cut-off word at the end), not "Li"
    if _is_sentence_start(text, start):
        return bool(_PERSON_VERB_AFTER_RE.match(text[end : end + 30]))
    return True


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


# -- applying the rules ---------------------------------------------------------------------


def pattern_finds(text: str, g: Gazetteers, names: frozenset[str]) -> list[_Find]:
    """What the pattern rules find in ``text``; ``names`` are the known first names."""
    finds: list[_Find] = []
    finds += [_Find(m.start(), m.end(), "email") for m in _EMAIL_RE.finditer(text)]
    for m in _NHS_RE.finditer(text):
        if nhs_check_digit_ok(m.group("number")) or _NHS_CUE_RE.search(
            text[max(0, m.start() - 40) : m.start()]
        ):
            finds.append(_Find(m.start(), m.end(), "nhs"))
    finds += [_Find(m.start(), m.end(), "ni") for m in _NI_RE.finditer(text)]
    for m in _PHONE_RE.finditer(text):
        digits = re.sub(r"^00", "", re.sub(r"\D", "", m.group()))  # "0044 ..." as "+44 ..."
        if 10 <= len(digits) <= 12:
            finds.append(_Find(m.start(), m.end(), "phone"))
    for m in _POSTCODE_RE.finditer(text):
        if any(c.isdigit() for c in m.group()[:4]):
            finds.append(_Find(m.start(), m.end(), "address"))
    finds += [_Find(m.start("date"), m.end("date"), "dob") for m in _DOB_RE.finditer(text)]
    for rx in _AGE_RES:
        finds += [_Find(m.start("age"), m.end("age"), "age") for m in rx.finditer(text)]
    finds += _addresses(text, g)
    finds += _schools(text, g)
    finds += _titles(text, g, names)
    finds += _initials(text)
    return finds


def nhs_check_digit_ok(number: str) -> bool:
    """The NHS number's modulus-11 check: weights 10..2 over the first nine digits."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10:
        return False
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return (0 if check == 11 else check) == digits[9]


def _addresses(text: str, g: Gazetteers) -> list[_Find]:
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
        if words[0].lower() in g.keep_words:
            continue
        start = m.start() if m.group("number") or m.start() < m.start("name") else None
        if start is None:
            start = m.start("name") + m.group("name").index(words[0])
        finds.append(_Find(start, m.end(), "address"))
    for m in _ADDRESS_LOWER_RE.finditer(text):
        words = m.group("name").split()
        if any(w in _NOT_STREET_WORDS or w in g.keep_words for w in words[-1:]):
            continue
        if not m.group("number") and (
            any(w in _NOT_STREET_WORDS for w in words)
            or m.group("type") in ("close", "drive", "gardens")
            or not _STREET_CUE_RE.search(text[max(0, m.start() - 30) : m.start()])
        ):
            continue
        finds.append(_Find(m.start("all"), m.end("all"), "address"))
    return finds


def _schools(text: str, g: Gazetteers) -> list[_Find]:
    finds = []
    for m in _SCHOOL_RE.finditer(text):
        start, school = m.start("school"), m.group("school")
        words = school.split()
        while len(words) > 1 and words[0] in _SCHOOL_LEADING_NOISE:
            start += school.index(words[1], school.index(words[0]) + len(words[0])) - school.index(words[0])
            school = text[start : m.end("school")]
            words = school.split()
        if len(words) < 2 or words[0] in _SCHOOL_LEADING_NOISE:
            continue
        if words[0].lower() in g.keep_words:
            continue
        finds.append(_Find(start, m.end("school"), "school"))
    for m in _SCHOOL_LOWER_RE.finditer(text):
        # the one or two lower-case words before "primary" that are not generic words
        start = m.start()
        for w in reversed(list(re.finditer(r"[a-z][a-z'’]+", text[max(0, m.start() - 30) : m.start()]))[-2:]):
            word_start = max(0, m.start() - 30) + w.start()
            between = text[word_start + len(w.group()) : start]
            if (
                between.strip()
                or w.group() in _GENERIC_SCHOOL_WORDS
                or w.group() in g.keep_words
                or w.group() in g.function_words
            ):
                break
            start = word_start
        if start < m.start():
            finds.append(_Find(start, m.end(), "school"))
    return finds


def _titles(text: str, g: Gazetteers, names: frozenset[str]) -> list[_Find]:
    finds = []
    for m in _TITLE_RE.finditer(text):
        who = m.group("who")
        low = who.lower()
        if low in g.keep_words or low in _NOT_STREET_WORDS:
            continue
        known = low in names or low in g.surnames or len(who) == 1
        if not known and low in g.common_words and (who.islower() or "." in m.group()):
            continue  # "Dr needs", "dr. However"
        finds.append(_Find(m.start(), m.end("who"), "staff"))
    for m in _ROLE_TITLE_RE.finditer(text):
        low = m.group("who").lower()
        if low not in g.function_words and low not in g.keep_words:
            finds.append(_Find(m.start("title"), m.end("who"), "staff"))
    return finds


def _initials(text: str) -> list[_Find]:
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
