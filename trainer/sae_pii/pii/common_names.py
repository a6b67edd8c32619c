"""The US census's common given names and surnames: the name lexicon's second source, beside Faker.

Faker's person lists know 79 % of the capitalised words inside names in the hand-labelled realistic
text; what they miss is mostly the names of Nigeria, India, China, Poland or Japan ("Adebayo",
"Mehta", "Wei", "Kowalczyk", "Nakamura"). The US Census Bureau counts every surname of the 2010
census borne by 100 people or more and every first name of the 2020 census, the names of a
country of immigrants. The lists in `name_lists/` keep those borne by 300 people or more, less
the words frequent in English ("Will", "Rose"): with them the rule layer's lexicon
(name_lexicon.person_words) knows 92.9 % of those words, against 16.7 % of the capitalised words
outside names (Faker alone: 79.4 % and 13.4 %). The probes' lexicon columns (shapes.py) read them
too, less the words frequent in any of 27 languages (name_lexicon.probe_person_words: 90.5 % and
14.8 %). The data are public domain (US government works);
`scripts/build_common_names.py` writes the lists and says how.

Tried and not kept: names-dataset's names ranked 500th or better in some of 105 countries (91.9 %
and 16.0 %), built from the 2021 Facebook scrape: a PII detector should not ship data derived from
leaked personal data, even as counts of common names.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=2)
def _listed(kind: str) -> frozenset[str]:
    """The words of name_lists/common_<kind>.txt.gz (`name_lexicon.plain` words, one a line)."""
    raw = resources.files(__package__).joinpath("name_lists", f"common_{kind}.txt.gz").read_bytes()
    return frozenset(gzip.decompress(raw).decode("utf-8").split())


def listed_given_names() -> frozenset[str]:
    """The census's common first names."""
    return _listed("given_names")


def listed_surnames() -> frozenset[str]:
    """The census's common surnames."""
    return _listed("surnames")
