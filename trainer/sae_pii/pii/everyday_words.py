"""Everyday words of the language around a span (part of the rule layer).

The probe reads a capitalised word in a language it never saw (a table's header, a form's key, a
button) as a name: "Wartość", "Servizio", "Ödeme Yöntemi", "Kontakt", "NGƯỜI NHẬN". A PERSON span
with a capital letter, not in quotes (a nickname: pax "Ash"), none of whose words is a given name
or surname the name lexicon knows, and all of whose words of three letters or more are frequent
words of the language around it (Zipf frequency 4 or more: once in every 100,000 words or more
often), is no name. "Hoa", "Mei" or "Priti" in English text stay: the words are frequent in Vietnamese,
Dutch or Slovenian, not in English.

The frequencies are wordfreq's lists (Wikipedia, subtitles, news, books, web text), shipped inside
its package: nothing is fetched (word_frequencies.py). The language around a span is the one of
wordfreq's Latin-script languages whose frequent words cover the most lower-case words within
REACH characters of it (`language_around`; rules.py reads it too, for titles written as an
initial: "D." in Spanish).
"""

from __future__ import annotations

import re

from sae_pii.pii.name_lexicon import known_names, plain
from sae_pii.pii.word_frequencies import LANGUAGES, frequent_words

REACH = 1000
WORD = re.compile(r"[^\W\d_]+")
QUOTES = frozenset("\"'“”‘’«»")


def language_around(text: str, start: int, end: int) -> str:
    """The language whose frequent words cover the most lower-case words near text[start:end]
    (English on a tie)."""
    words = [w for w in WORD.findall(text, max(0, start - REACH), end + REACH) if w.islower() and len(w) > 1]
    lists = frequent_words()
    return max(LANGUAGES, key=lambda language: sum(w in lists[language] for w in words))


def only_everyday_words(text: str, start: int, end: int) -> bool:
    """The PERSON span text[start:end] is made of the everyday words of the language around it
    (see the module's docstring). Latin letters only: script_names.py reads the other scripts."""
    words = WORD.findall(text, start, end)
    long_words = [w.lower() for w in words if len(w) >= 3]
    if not long_words or not any(ch.isupper() for ch in text[start:end]) or any(
            plain(w) in known_names() for w in words) or not all(map(_latin, long_words)) or _quoted(text, start, end):
        return False
    frequent = frequent_words()[language_around(text, start, end)]
    return all(w in frequent for w in long_words)


def _quoted(text: str, start: int, end: int) -> bool:
    """A nickname in quotes: pax "Ash"."""
    return text[start - 1:start] in QUOTES and text[end:end + 1] in QUOTES and start > 0 and end < len(text)


def _latin(word: str) -> bool:
    """Latin letters, Vietnamese's included: "người"."""
    return all(ch < "\u0250" or "\u1e00" <= ch < "\u1f00" for ch in word)
