"""Each language's frequent words, from wordfreq's lists shipped inside its package (nothing is
fetched). The rule layer reads them to tell everyday words from names (everyday_words.py); the
probes' name lexicon leaves out the census's names that are frequent words somewhere
(name_lexicon.probe_person_words: "Gracias", "Piazza").
"""

from __future__ import annotations

from functools import lru_cache

import wordfreq

# wordfreq's languages written in Latin letters ("sh": Serbo-Croatian, "fil": Filipino).
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "sl", "sh", "ro", "hu", "fi", "sv",
             "nb", "da", "is", "lt", "lv", "tr", "id", "ms", "vi", "ca", "fil")
# wordfreq's packed lists hold words in buckets of centibels: bucket i has frequency 10^(-i/100),
# Zipf 9 - i/100. Buckets up to 500 are Zipf 4 and more.
FREQUENT_BUCKETS = 500


@lru_cache(maxsize=1)
def frequent_words() -> dict[str, frozenset[str]]:
    """Each language's words of Zipf frequency 4 or more (once in every 100,000 words or more
    often), lower case (~215,000 in all)."""
    lists = {}
    for language in LANGUAGES:
        # read_cBpack rather than get_frequency_dict: wordfreq caches every full list it reads
        buckets = wordfreq.read_cBpack(str(wordfreq.DATA_PATH / f"small_{language}.msgpack.gz"))
        lists[language] = frozenset(w for bucket in buckets[:FREQUENT_BUCKETS + 1] for w in bucket)
    return lists


@lru_cache(maxsize=1)
def frequent_in_any_language() -> frozenset[str]:
    """The words frequent in at least one of LANGUAGES."""
    return frozenset().union(*frequent_words().values())
