"""The rule lexicon: phrases that may disclose harm, one list per kind, and everyday exclusions.

Written from public guidance, not from the evaluation set: the categories and definitions of
*Working Together to Safeguard Children* (HM Government, 2023: physical, emotional and sexual
abuse, neglect, domestic abuse, child sexual and criminal exploitation, children missing from
home or care, bullying including cyberbullying, self-harm and suicide risk) and the NSPCC's
"Spotting the signs of child abuse" pages (what children say and do). docs/SAFEGUARDING.md
names the sources. Patterns are matched case-insensitively, one sentence at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ME = r"(?:me|us|my (?:little |baby |younger |older |big )?(?:brother|sister|siblings?))"
_HURT_VERB = (
    r"(?:hit|hits|hitting|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?|slap(?:s|ped|ping)?|beat|beats|beating|"
    r"smack(?:s|ed|ing)?|throttl\w*|strangl\w*|chok(?:e|es|ed|ing)|push(?:es|ed|ing)?|shov\w*|"
    r"whack\w*|burn(?:s|ed|t)?|hurt|hurts|hurting|bit|bites|grab(?:s|bed|bing)?|threw|throws?)"
)


@dataclass(frozen=True)
class Rule:
    """One pattern for one kind. ``generic`` rules are dropped in lessons, leaflets and general talk."""

    kind: str
    pattern: re.Pattern[str]
    strength: float = 1.0
    generic: bool = False
    unless: re.Pattern[str] | None = None
    """A sentence this pattern also matches drops the match (an everyday use of the words)."""


def _r(
    kind: str, pattern: str, strength: float = 1.0, generic: bool = False, unless: str | None = None
) -> Rule:
    return Rule(
        kind,
        re.compile(pattern, re.IGNORECASE),
        strength,
        generic,
        re.compile(unless, re.IGNORECASE) if unless else None,
    )


PHYSICAL = "physical abuse"
SEXUAL = "sexual abuse"
EMOTIONAL = "emotional abuse"
NEGLECT = "neglect"
DOMESTIC = "domestic abuse"
SELF_HARM = "self-harm or suicidal thoughts"
EXPLOITATION = "exploitation or grooming"
MISSING = "going missing"
UNSAFE = "unsafe where they live"
BULLYING = "severe bullying"

RULES: tuple[Rule, ...] = (
    # Physical abuse (WT 2023: hitting, shaking, throwing, poisoning, burning, suffocating).
    _r(PHYSICAL, rf"\b{_HURT_VERB}\s+{_ME}\b"),
    _r(
        PHYSICAL,
        r"\b(?:get|got|gets|getting|been|being)\s+(?:hit|beaten|beat|punched|kicked|slapped|smacked|hurt)\b",
        0.8,
    ),
    _r(PHYSICAL, r"\b(?:leaves?|left|gave|gives|have|has|got)\s+(?:me\s+)?(?:bruises|marks|a black eye)\b"),
    _r(PHYSICAL, r"\bbruises\b", 0.6),
    _r(PHYSICAL, r"\bwith a (?:belt|stick|slipper|wooden spoon)\b"),
    _r(PHYSICAL, r"\bphysically (?:abus\w*|hurt\w*)|\bphysical abuse\b"),
    _r(PHYSICAL, r"\b(?:was|is|been|are|were|keeps?)\s+abusing\s+me\b|\babus(?:es|ed|ing)\s+(?:me|us)\b"),
    _r(
        PHYSICAL,
        r"\b(?:this|the|my|his|her) abuse\b|\bi (?:get|got|suffer(?:ed)?) abuse\b",
        0.8,
        generic=True,
    ),
    _r(PHYSICAL, r"\bthrew me\b|\bthrow(?:s)? me\b|\bdown the stairs\b"),
    # Sexual abuse (WT 2023: forcing or enticing to take part in sexual activities, online too).
    _r(SEXUAL, r"\bsexual(?:ly)? abus\w*|\bsexually assault\w*|\bmolest\w*"),
    _r(SEXUAL, r"\brap(?:e|ed|ing)\b"),
    _r(SEXUAL, r"\btouch(?:es|ed|ing)?\s+(?:me|my (?:private|body|bum|chest|breasts?)|us)\b"),
    _r(
        SEXUAL,
        r"\bundress(?:es|ed|ing)?\s+me\b|\bmakes? me (?:have sex|touch|undress)|"
        r"\bhave sex with (?:me|her|him)\b",
    ),
    _r(
        SEXUAL,
        r"\b(?:made|make|makes|making) (?:me|us) (?:do|watch) (?:sexual|sex|things)\b|\bsexual things\b",
    ),
    _r(SEXUAL, r"\bprivate parts\b|\bin places i don'?t like\b|\binappropriate(?:ly)? touch\w*"),
    _r(SEXUAL, r"\bfilmed (?:it|me|us)\b|\bsexual videos? of me\b"),
    # Emotional abuse (WT 2023: conveying worthlessness, unloved, frightened; seeing ill-treatment).
    _r(
        EMOTIONAL,
        r"\b(?:should\s*n'?t|shouldnt|should not) (?:of|have) been born\b|"
        r"\bwish(?:es|ed)? i (?:was|were) never born\b|\bnever been born\b|\bnever wanted me\b",
    ),
    _r(EMOTIONAL, r"\bcalls? me (?:stupid|useless|worthless|fat|ugly|a waste|lazy|a pig)\b"),
    _r(
        EMOTIONAL,
        r"\b(?:puts?|putting) me down\b|\bswear(?:s|ing)? at me\b|"
        r"\b(?:shouts?|shouted|shouting|yell(?:s|ed|ing)?|scream(?:s|ed|ing)?) at me\b",
        0.8,
    ),
    _r(EMOTIONAL, r"\bmakes? me feel (?:bad|worthless|useless|stupid|small|like nothing)\b"),
    _r(
        EMOTIONAL,
        r"\b(?:tells?|told) me (?:i'?m|i am|that i'?m) "
        r"(?:lazy|spoilt|stupid|useless|worthless|a waste|ugly|fat)\b",
    ),
    _r(EMOTIONAL, r"\b(?:emotionally|mentally) (?:hurt\w*|abus\w*)|\bemotional abuse\b"),
    _r(EMOTIONAL, r"\bit'?s all my fault\b|\bblamed? (?:me )?for everything\b", 0.6),
    _r(EMOTIONAL, r"\bloses? (?:his|her|their) temper\b|\bpicking on me\b", 0.7),
    # Neglect (WT 2023: failure to provide food, clothing, shelter, supervision, medical care).
    _r(
        NEGLECT,
        r"\bno food\b|\bnever any food\b|\bnot enough (?:food|to eat)\b|\bnothing to eat\b|\bwent without\b",
    ),
    _r(NEGLECT, r"\b(?:go|goes|went|going) (?:to school |to bed )?hungry\b|\balways hungry\b|\bstarv\w*"),
    _r(
        NEGLECT,
        r"\bleft (?:on my own|alone|by myself|home alone|to look after)\b|"
        r"\b(?:i'?m|i am|we'?re) (?:often |always )?(?:home )?alone (?:at night|all day)\b",
    ),
    _r(NEGLECT, r"\bno one (?:there )?to (?:do|look after|feed|care)\b|\bno one (?:was )?there\b", 0.7),
    _r(
        NEGLECT,
        r"\b(?:i |we )?(?:look|looks|looking) after (?:my )?(?:mum|dad|mom|parents|baby|little)\b",
        0.7,
    ),
    _r(
        NEGLECT,
        r"\b(?:mum|dad|mom|parents?|she|he) (?:both )?"
        r"(?:drinks? too much|is always drunk|gets drunk|uses? drugs|used drugs|takes? drugs|on drugs)\b|"
        r"\bdrinking problem\b|\bin the pub every day\b|\bsmashed out of\b",
    ),
    _r(
        NEGLECT,
        r"\bforget(?:s)? to (?:feed|take me|pick me)\b|\bno (?:heating|electric|bed|clean clothes)\b|"
        r"\bdirty clothes\b",
    ),
    _r(
        NEGLECT,
        r"\bwon'?t (?:give|let) me (?:eat|any|dinner|food)\b|\bonly (?:ever )?went into the kitchen\b",
    ),
    # Domestic abuse (Domestic Abuse Act 2021: a child who sees, hears or experiences it is a victim).
    _r(
        DOMESTIC,
        rf"\b{_HURT_VERB}\s+(?:my |our )?"
        r"(?:mum|mummy|mom|mam|mother|dad|daddy|father|step-?mum|step-?dad|nan)\b",
    ),
    _r(DOMESTIC, r"\b(?:gets?|got|is|was|becomes?) (?:really )?violent\b|\bdomestic (?:abuse|violence)\b"),
    _r(DOMESTIC, r"\bthrows? things\b|\bthrew things\b|\bputting (?:my )?mum down\b|\bfamily get hurt\b"),
    _r(
        DOMESTIC,
        r"\bhide (?:when|under|in)\b|\block(?:ed)? myself in\b|"
        r"\bscared of (?:him|her|my (?:dad|step-?dad|mum))\b",
    ),
    _r(DOMESTIC, r"\b(?:he|she|they) would have hit us\b|\bstops? hitting\b"),
    # Self-harm and suicidal thoughts (NICE NG225; every mention is flagged, past ones too).
    _r(
        SELF_HARM,
        r"\bkill(?:ing)? (?:myself|my self)\b|\bsuicid\w*|"
        r"\bend(?:ing)? (?:it all|my life|it tonight|my own life)\b|\bending it all\b",
    ),
    _r(
        SELF_HARM,
        r"\b(?:want|wanted|wanting|wanna) (?:to )?(?:die|be dead|be gone|disappear forever)\b|"
        r"\bi just want to die\b",
    ),
    _r(
        SELF_HARM,
        r"\b(?:don'?t|do not|dont) want to (?:live|be alive|be here|exist|wake up)\b|"
        r"\bnot worth living\b|\bfed up with life\b",
    ),
    _r(
        SELF_HARM,
        r"\bbetter off (?:without me|if i (?:was|were)(?:n'?t| not) here|dead)\b|"
        r"\bwish i (?:was|were) dead\b",
    ),
    _r(
        SELF_HARM,
        r"\b(?:cut|cuts|cutting|harm|harming|hurt|hurting|burn|burnt|burning|scratch\w*|starv\w*|punish\w*) "
        r"(?:myself|my self|my (?:arms?|wrists?|legs?|skin))\b",
    ),
    _r(
        SELF_HARM,
        r"\bself[- ]?harm\w*|\boverdose\w*|\bslit\w* (?:my )?wrists?\b|\bhang myself\b|\bjump off\b",
    ),
    _r(
        SELF_HARM,
        r"\b(?:need|want|urge) to cut\b|\b(?:every time|when|if) i cut\b|\bi cut myself\b|"
        r"\bcutting (?:kind of )?(?:gives|helps)\b|\bthe scars\b",
    ),
    _r(SELF_HARM, r"\b(?:a|the) (?:knife|razor|blade)\b.*\b(?:myself|cut\w*)\b|\bwhat i might do\b"),
    # Exploitation and grooming (WT 2023: child sexual and criminal exploitation, online abuse).
    _r(
        EXPLOITATION,
        r"\bkeep (?:it |this |us |our \w+ |them )?(?:a )?secrets?\b|\b(?:our|special|little) secret\b|"
        r"\bask(?:s|ed)? me to keep\b",
        0.8,
        generic=True,
    ),
    _r(
        EXPLOITATION,
        r"\bsend (?:him|her|them|me) (?:some |more )?(?:pictures|photos|pics|nudes|rude|naked|videos)\b|"
        r"\bsending (?:him|her|them) (?:pictures|photos|pics|videos)\b",
    ),
    _r(
        EXPLOITATION,
        r"\b(?:ask(?:s|ed|ing)?|keeps? asking) (?:me )?for (?:photos|pictures|pics|nudes|videos)\b|"
        r"\bnudes\b|\brude (?:pictures|photos|pics)\b|\bnaked (?:picture|photo|pic)\w*",
    ),
    _r(
        EXPLOITATION,
        r"\bblackmail\w*|\bthreaten\w* to (?:show|share|post|send)\b|"
        r"\b(?:share|post|show) (?:them|the (?:pictures|photos|videos))\b",
    ),
    _r(EXPLOITATION, r"\bgroom\w*", 1.0, generic=True),
    _r(
        EXPLOITATION,
        r"\b(?:boyfriend|girlfriend|he|she) is (?:1[89]|[2-6]\d)\b|\bolder (?:boyfriend|man|men|boys|guys)\b",
    ),
    _r(
        EXPLOITATION,
        r"\b(?:man|someone|somebody|person|people) (?:i met )?"
        r"(?:online|on a game|on snapchat|on instagram)\b|"
        r"\bmet (?:online|on a game)\b",
        0.7,
        generic=True,
    ),
    _r(
        EXPLOITATION,
        r"\b(?:gives?|gave|giving) (?:me|us) (?:weed|drugs|money|alcohol|drink|vapes?|gifts)\b|"
        r"\bdrink and drugs\b",
    ),
    _r(
        EXPLOITATION,
        r"\bcarry (?:packages|drugs|stuff)\b|\bsell(?:ing)? drugs\b|\bcounty lines\b|\btrap house\b|"
        r"\bowe (?:them|him|her) money\b|\btrain ticket\b",
    ),
    _r(
        EXPLOITATION,
        r"\bcan'?t tell anyone about us\b|\b(?:no one|nobody) (?:will|would) believe (?:me|you)\b|"
        r"\bsays? i'?m special\b|\bwhat he asked for\b",
    ),
    # Going missing (DfE 2014 statutory guidance on children who run away or go missing).
    _r(
        MISSING,
        r"\bran away\b|\brun(?:ning)? away\b|\brunaway\b|\bwent missing\b|\bgo(?:ing|es)? missing\b|"
        r"\bbeen missing\b",
    ),
    _r(
        MISSING,
        r"\bslept (?:rough|in a|on the street|outside|in the park)\b|\bsleeping rough\b|"
        r"\bstayed out all night\b",
    ),
    _r(
        MISSING,
        r"\bdidn'?t (?:go|come) (?:back|home)\b|"
        r"\bstay(?:ed|ing)? with (?:people|someone|a man|men) i (?:just )?met\b",
    ),
    _r(
        MISSING,
        r"\breported (?:me )?(?:missing|to the police)\b|\bdisappear from\b|\bjust (?:to )?stay away\b",
    ),
    # Unsafe where they live (National Minimum Standards; Ofsted's "do you feel safe where you live").
    _r(
        UNSAFE,
        r"\b(?:don'?t|do not|dont|never) feel safe\b|"
        r"\bnot safe (?:at home|here|where i live|in (?:my|the|this))\b|\bunsafe\b",
    ),
    _r(
        UNSAFE,
        r"\bscared (?:to go home|to leave my room|to be at home)\b|\bafraid to go home\b|"
        r"\b(?:who|they) scare me\b",
    ),
    _r(UNSAFE, r"\bthreatens? me\b|\block(?:s|ed)? me (?:in|out)\b|\bpushed me against\b"),
    _r(UNSAFE, r"\bexpect them to\b.*\bhit\b|\bgoing to hit me\b"),
    # Severe bullying (DfE "Preventing and tackling bullying"; physical, sexual, online, prejudice-based).
    _r(BULLYING, r"\bbull(?:y|ies|ied|ying)\b", 0.8, generic=True),
    _r(
        BULLYING,
        r"\bbeat (?:me )?up\b|\bbeaten up\b|\bspit (?:on|at) me\b|\bspat (?:on|at) me\b|"
        r"\bthrew (?:rocks|stones|things) at me\b",
    ),
    _r(
        BULLYING,
        r"\bcall(?:s|ed|ing)? me names\b|\blaugh(?:s|ed|ing)? at me\b|\bmaking fun of\b|\bcornered me\b",
    ),
    _r(
        BULLYING,
        r"\bto talk about me\b|\btold me to kill myself\b|\beveryone hates me\b|"
        r"\bi (?:feel i )?have no friends\b",
        0.8,
    ),
)

# Sentences about sport, accidents and medical care: hurting words there are everyday.
EVERYDAY = re.compile(
    r"\b(?:football|rugby|netball|hockey|cricket|p\.?e\.?|dodgeball|playing|played|play|match|race|"
    r"fell|fall|falling|tripped|accident|injection|jab|vaccin\w*|dentist|doctor|nurse|hospital|bike|"
    r"trampoline|skateboard|scooter|sprain\w*|broke my|head ?ache|headache|boredom)\b",
    re.IGNORECASE,
)
EVERYDAY_KINDS = frozenset({PHYSICAL, BULLYING})

# General talk about harm (lessons, leaflets): a generic rule there is not a disclosure.
EDUCATION = re.compile(
    r"\b(?:lesson|assembly|learn\w*|taught|teach\w*|explain\w*|workshop|leaflet|poster|talks? to us about|"
    r"what \w+ is|about (?:online )?safety|who i can talk to|drug abuse|alcohol abuse|substance abuse|"
    r"stories about|heard about|news (?:of|about))\b",
    re.IGNORECASE,
)

# Figures of speech that borrow the words of harm.
FIGURES = re.compile(
    r"\b(?:die|died|dying) (?:of|from) (?:boredom|embarrassment|shame|laugh\w*)|\bdying (?:to|for)\b|"
    r"\bto die for\b|\bkill for\b|\bkill (?:him|her|them|my brother|my sister|her brother|his brother)\b|"
    r"\bcut (?:my|her|his) (?:own )?hair\b|\bkilling me\b|\bmurderers\b|"
    r"\b(?:dog|cat|pet|phone|keys|bag|ball|hamster|rabbit|homework|tortoise)\s+"
    r"(?:went|goes|go|has gone|was|got) missing\b",
    re.IGNORECASE,
)
