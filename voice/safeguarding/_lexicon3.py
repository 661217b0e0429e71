"""Rules added in detector version detect-3: wordings of the same kinds that detect-2 missed.

Written from public guidance, by category, not from evaluation sentences: NICE NG225 (self-harm is
any self-injury, whatever its purpose), the Domestic Abuse Act 2021 and NSPCC (a child who sees or
hears violence against a parent), NSPCC and *Working Together* 2023 (a parent's drinking or drug
use with the child's needs unmet; contact sexual abuse including touching over clothes), DfE
*Preventing and tackling bullying* (repeated name-calling), DfE 2014 on children who go missing
(away for days, sleeping rough, thrown out) and the Home Office county lines indicators.
"""

from __future__ import annotations

from ._lexicon import (
    _HURT_VERB,
    BULLYING,
    DOMESTIC,
    EXPLOITATION,
    MISSING,
    NEGLECT,
    PHYSICAL,
    SELF_HARM,
    SEXUAL,
    Rule,
    _r,
)

# Sentences in which some detect-3 cues are everyday: sport and play, trips and visits away;
# words after "cutting" that make it ordinary (hair, paper, "cutting down").
_SPORT = (
    r"\b(?:football|rugby|netball|hockey|tackl\w*|match|p\.?e\.?|game|games|playing|played|play|wrestl\w*|"
    r"fell|falling|climbing|dancing|dance|photo)\b"
)
_TRIP = (
    r"\b(?:residential|holiday|camp|camping|school trip|trip|festival|visit\w*|work|working|job|shifts?|"
    r"hospital|boarding|uni|university|dad'?s|mum'?s|nan'?s|grandparents?|contact)\b"
)
_NO_OBJECT = (
    r"(?!\s+(?:the|a|an|some|my\s+(?!arms?|wrists?|legs?|"
    r"skin|thighs?|stomach|body)|his|her|their|our|your|it|"
    r"them|this|that|these|those|down|back|out|up|off|in|into|through|across|class|school|lessons?|hair|"
    r"paper|wood|food|corners|ties|calories|sugar|shapes)\b)"
)
_AWAY = (
    r"(?:all (?:week|weekend|night)|for (?:days|nights|weeks|"
    r"(?:a |two |three |four |five |several |a few |\d+ )"
    r"(?:days?|nights?|weeks?)))\b"
)
_INSULT = (
    r"(?:fat|ugly|gay|stupid|thick|dumb|weird|a weirdo|weirdo|freak|a freak|loser|a loser|lazy|smelly|"
    r"skinny|retarded?|a retard|slag|a slag|slut|a slut|names|horrible names|nasty names|a lesbian|lesbian|"
    r"emo|a geek|geek|nerd|a nerd|poor|tramp|a tramp|a pig|pig|worthless|useless|disgusting|a \w+ name)"
)
_PARENT = r"(?:mum|mums|mummy|mom|moms|mam|mother|mothers|step-?mum|nan|her)"

WIDER_RULES: tuple[Rule, ...] = (
    # detect-3 (WT 2023, NSPCC: injuries a child names; anger taken out on the child).
    _r(
        PHYSICAL,
        r"\b(?:gave|gives|left|leaves)\s+me\s+(?:two |a |black )?"
        r"(?:black eyes|a bloodshot eye|a split lip|a fat lip)\b|"
        r"\btakes? (?:her|his|their) anger out on me\b",
    ),
    # detect-3 (NSPCC: contact abuse includes touching over clothes, kissing; told indirectly).
    _r(
        SEXUAL,
        r"\b(?:grab(?:s|bed|bing)|touch(?:es|ed|ing)|strok(?:es|"
        r"ed|ing)|rubb?(?:s|ed|ing)|squeez(?:es|ed|ing)|"
        r"put (?:his|her|their) hands? (?:up |on )?|had (?:his|her) hands? on) "
        r"(?:my |me on (?:my|the) )?(?:leg|legs|thighs?|inner thigh|"
        r"bum|bottom|backside|chest|boobs?|breasts?|crotch)\b",
        0.8,
        unless=_SPORT,
    ),
    _r(
        SEXUAL,
        r"\b(?:tried|try|tries|trying|wanted|wants|forced|"
        r"forces|made|makes) (?:me )?to kiss (?:me|him|her)\b|"
        r"\bforced (?:a )?kiss\w*|\bkissed me (?:when|even though|without)\b|\bmade me kiss\b",
    ),
    _r(
        SEXUAL,
        r"\b(?:things|it|stuff) (?:began|begin|started|starts|got|gets|getting|became|becomes|turned|went)"
        r"(?: to)?(?: get| become| be| turn)?(?: quite| really|"
        r" very| a bit| more| a little| kind of| sort of)? sexual\b|"
        r"\b(?:said|says|made|makes|sent|sends) (?:sexual|dirty|"
        r"rude) (?:comments|remarks|messages|jokes|things) "
        r"(?:to|about|at) me\b",
        1.0,
        generic=True,
    ),
    # detect-3 (NSPCC, WT 2023: a parent's drinking or drug use with the child's needs unmet).
    _r(
        NEGLECT,
        r"\bbecause of (?:her|his|their|my (?:mum|dad|mom|parents)'?s?|mum'?s|dad'?s|mom'?s|the) "
        r"(?:drinking|drink|drug (?:use|taking|habit)|drugs|alcohol|addiction)\b",
    ),
    _r(
        NEGLECT,
        r"\b(?:mum|dad|mom|mam|my parents|parents|she|he)(?:'s|"
        r"'re| is| was| were| are| gets| got| used to be)"
        r"(?: always| usually| often| constantly| too| so| really| just| always so)*\s+"
        r"(?:drunk|wasted|stoned|off (?:her|his|their) (?:face|"
        r"head)s?|passed out|high(?!\s+(?:up|in|on the|school)))\b|"
        r"\btoo (?:drunk|high|hungover|wasted) to\b|\b(?:drunk|high) all the time\b|"
        r"\b(?:mum|dad|mom|she|he|they) (?:drinks|is drinking|was drinking|were drinking|drank) "
        r"(?:all day|every day|every night|all the time|all night)\b",
    ),
    _r(
        NEGLECT,
        r"\b(?:mum|dad|mom|she|he)(?: both)? (?:drinks?|drank) (?:a lot|too much|loads|heavily|every day)\b|"
        r"\b(?:they|both|my parents|mum and dad)(?: both)? (?:take|took|use|used|do|did) drugs\b|"
        r"\b(?:isn'?t|wasn'?t|never|hardly) (?:any |enough )?(?:food|anything to eat) in the "
        r"(?:house|fridge|flat|cupboards?)\b",
    ),
    _r(
        NEGLECT,
        r"\b(?:mum|dad|mom|mam|my parents)(?: just| even| totally| completely)* "
        r"forgot (?:christmas|my birthday|about (?:me|us)|to feed)\b",
        0.7,
    ),
    # detect-3 (Domestic Abuse Act 2021, NSPCC: seeing or hearing violence against a parent).
    _r(
        DOMESTIC,
        rf"\b{_HURT_VERB}\s+(?:my |our )?(?:mums|moms|mothers)\b|"
        r"\b(?:he|dad|daddy|dads|fathers|my dad|step-?dad|"
        r"my step-?dad|her boyfriend|mum'?s boyfriend|her partner)"
        r"(?:'d| would| just| keep| keeps| kept| always| still| used to| started| then)*\s+"
        r"(?:hurt|hurts|hurting|hit|hits|hitting|beat|beats|"
        r"beating|punch\w*|kick\w*|slap\w*|strangl\w*|chok\w*|"
        rf"push\w*|shov\w*|throttl\w*|smack\w*|batter\w*)\s+(?:my |our )?{_PARENT}\b",
    ),
    _r(
        DOMESTIC,
        rf"\babusive (?:towards?|to) (?:my |our )?{_PARENT}\b|"
        r"\b(?:mum|mom)'?s (?:partner|boyfriend) is abusive\b|"
        r"\b(?:they|mum and dad|my parents|mum and (?:him|her \w+)) (?:argue|fight|row) "
        r"(?:often|all the time|a lot|every (?:day|night))\b",
        0.7,
    ),
    _r(
        DOMESTIC,
        r"\b(?:gets?|got|getting|is|was|becomes?|became|turns?|turned) (?:really |very |so )?violent "
        rf"(?:with|towards?|to|at) (?:my |our )?{_PARENT}\b|\bviolent (?:to|towards?) (?:my )?mum\b",
    ),
    _r(
        DOMESTIC,
        r"\b(?:he|dad|my dad|step-?dad|my step-?dad|her boyfriend|"
        r"mum'?s boyfriend)(?: always| keeps| still| would)*\s+"
        r"(?:shouts?|screams?|swears?|yells?) at (?:my )?mum\b",
        0.6,
    ),
    # detect-3 (NICE NG225: self-harm is any self-injury, whatever its purpose; first person, no object).
    _r(
        SELF_HARM,
        r"\bi(?:'m|'ve|'d| am| was| have| had| still| keep| kept| started| start| began| been| went back to|"
        r" go back to| got back into| just| now| again)+\s+(?:cutting|"
        r"self[- ]?harming|burning|scratching|harming)\b" + _NO_OBJECT,
    ),
    _r(
        SELF_HARM,
        r"\b(?:take|taking|took|end|ending|ended) my (?:own )?life\b|"
        r"\btried to (?:kill|hang|drown|poison|hurt) myself\b",
    ),
    _r(
        SELF_HARM,
        r"\b(?:started|start|began|begun|went back to|gone back to|relapsed into|back to) "
        r"(?:cutting|self[- ]?harming|harming|hurting myself)\b"
        + _NO_OBJECT
        + r"|\b(?:cutting|self[- ]?harming|harming myself) again\b",
    ),
    _r(
        SELF_HARM,
        r"\b(?:scratch\w*|cuts|marks|abrasions|burns|bruises|scars|wounds|injur\w*|bite marks)\b[^.!?]{0,40}?"
        r"\bon (?:myself|my own (?:arms?|legs?|skin|body))\b|"
        r"\b(?:hit|hits|hitting|punch\w*|bit|bite|bites|biting|pinch\w*|bash\w*|bang\w*) myself\b|"
        r"\bbang(?:s|ed|ing)? my head (?:against|on) (?:the |a )?walls?\b|"
        r"\bpick(?:s|ed|ing)? (?:at )?my skin (?:until|till|"
        r"til) it bleeds\b|\bdid (?:it|this|that) to myself\b",
    ),
    # detect-3 (Home Office county lines indicators: travelling to sell, a second phone).
    _r(
        EXPLOITATION,
        r"\bburner phone\b|\b(?:doing|do|did|does) (?:drops|deliveries|runs) for (?:them|him|older|some)\b|"
        r"\b(?:sent|taken|took me|go|went) to (?:other|another|different) (?:towns?|cities|city|areas?) "
        r"to (?:sell|deliver|drop)\b",
    ),
    # detect-3 (DfE 2014: away from home for days, sleeping rough, thrown out; not a trip or a visit).
    _r(
        MISSING,
        r"(?:\bnot|\bnever|n'?t)\s+(?:been\s+|being\s+|coming\s+|"
        r"come\s+|came\s+|gone\s+|going\s+|go\s+|went\s+|"
        r"getting\s+|get\s+)?(?:back\s+)?home\s+"
        + _AWAY
        + r"|\b(?:stay(?:ed|s|ing)? out|been out|was out|were out|disappear(?:ed|s|ing)?|vanish\w*|"
        r"(?:been|was|were|stay(?:ed|ing)?) away from home)\s+" + _AWAY,
        1.0,
        unless=_TRIP,
    ),
    _r(
        MISSING,
        r"\b(?:slept|sleep(?:s|ing)?|night|nights)\b[^.!?,]{0,20}?\bon the streets?\b|"
        r"\b(?:liv(?:e|ed|ing)|ended up|homeless|out)\b[^.!?,]{0,12}?\bon the streets\b|"
        r"\bnowhere (?:else )?to (?:sleep|stay|live)\b|\b(?:sofa|couch)[- ]surf\w*|"
        r"\b(?:slept|sleeping) (?:in (?:a |the )?(?:car|park|stairwell|doorway|tent|bus station|shed|garage)|"
        r"on (?:a |the )?(?:bench|streets?))\b",
    ),
    _r(
        MISSING,
        r"\b(?:kicked|thrown|chucked|threw|kicks|throws) me out\b|"
        r"\b(?:kicked|thrown|chucked) out of (?:the |my |our )?(?:house|home|flat)\b",
        0.8,
    ),
    # detect-3 (DfE "Preventing and tackling bullying": repeated name-calling is bullying).
    _r(BULLYING, r"\bname[- ]?calling\b", 0.7, generic=True),
    _r(
        BULLYING,
        r"\b(?:(?:was|were|get|got|gets|getting|being|been|am|are|i'?m) called|call(?:s|ed|ing)? me) "
        rf"{_INSULT}(?:,? (?:and|or) {_INSULT})*\b",
        0.8,
    ),
    _r(
        BULLYING,
        r"\b(?:picked on|teased|tormented|harass\w*|excluded|"
        r"left out|mocked|taunted|called names)\b[^.!?]{0,30}?"
        r"\b(?:all the time|every (?:single )?day|constantly|"
        r"for (?:years|months|ages|\d+ years|\w+ years))\b|"
        r"\bthe (?:bullying|name[- ]calling|teasing) (?:went on|carried on|lasted|has gone on|kept going) "
        r"for (?:years|months|ages|\d+ (?:years|months)|\w+ (?:years|months))\b",
        0.8,
    ),
)
