"""Words that read as no name (part of the rule layer): the probe reads four tokens each side and,
in languages and layouts it never saw (a Turkish order e-mail, a Polish court letter, a Swahili
SMS thread), takes the word that opens a sentence, a heading in capitals or a brand for a name. A
PERSON span none of whose words is a given name or surname the name lexicon knows (below) is no
name when it

- has letters of a cased script and none in upper case ("opłaty sądowej od sprzeciwu", "te paso";
  here a word of three letters or more the lexicon does not know is enough) in a text that uses
  capitals around it; a script without case (Chinese, Devanagari) or a text
  all in lower case says nothing either way;
- is one upper-case letter ("Ms. K", "[X] Yes"): an initial alone names no one;
- is one word that opens its sentence or chat message with a lower-case word after it
  ("Siparişiniz alındı", "Mungu akubariki", "Hyran för oktober") that is not an English verb or
  "and" ("Tomomi is from", "Kostas ran the");
- is a heading in capitals: a line of its own between blank lines ("WEZWANIE"), or three words or
  more none of which (of three letters or more) the lexicon knows ("SĄD REJONOWY DLA WROCŁAWIA"), or
  emphasis: one or two words in capitals between lower-case words ("por PRIVADO por favor");
- holds a capital inside a word after a part that opens no surname ("OakHaus", "YubiKey"; not
  "MacLeod", "DeShawn").

In the scripts the model cannot read a name's shape decides first (script_names.py: Korean,
Thai, Chinese, Japanese, Cyrillic, Arabic, ...).

When it came in (commit 0a6cdcb, the seventh session's stored probabilities) it took set G from
0.7160 to 0.7429 exact-span F1 and no development file lost a span (docs/pii.md, the step table).

The name lexicon (`person_words`) is Faker's person lists (all ~90 locales, ~55,000 words) and,
since the fourteenth session, the US census's common first names and surnames (common_names.py,
~69,000 more words): on the same stored probabilities of the kept probes it found 22 more names
and 5 false ones, lost 1 name and 5 false ones over the ten blind realistic sets (mean exact-span
F1 0.883 -> 0.885; docs/pii.md, the fourteenth session).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sae_pii.pii.common_names import listed_given_names, listed_surnames
from sae_pii.pii.faker_lists import attribute_values
from sae_pii.pii.name_rules import NOT_NAME, TITLES
from sae_pii.pii.word_frequencies import frequent_in_any_language

# Parts before an inner capital that open surnames and given names: "MacLeod", "DeShawn", "O'Neill".
NAME_PREFIXES = frozenset(["mc", "mac", "de", "di", "da", "la", "le", "van", "von", "fitz", "o", "d", "du", "st"])
WORD = re.compile(r"[^\W\d_]+")
# What opens a sentence before a word: a line start, a full stop, a chat line's stamp or speaker, a quote.
SENTENCE_START = re.compile(r"(?:^|[.!?][\"”’]?[ \t]+|^[ \t]*\[[^\]\n]*\][ \t]*|^[^\s:]{1,20}:[ \t]+|[\"“][ \t]*)\Z")
LOWER_WORD_AFTER = re.compile(r"[ \t]+[^\W\d_]*[a-zà-ÿ]")
LOWER_WORD_BEFORE = re.compile(r"(?<![^\W\d_])[a-zà-ÿ][^\W\d_]*[ \t]+\Z")
CASE_REACH = 200
INNER_CAPITAL = re.compile(r"(?<=[a-z])(?=[A-Z])")


# English words after a sentence's subject: "Tomomi is from", "Kostas ran the", "Nakamura joins".
SUBJECT_WORDS = frozenset([
    "is", "was", "has", "had", "have", "will", "would", "can", "could", "did", "does", "do", "said", "says",
    "told", "asked", "and", "or", "spent", "lives", "lived", "began", "begins", "joined", "joins", "works",
    "worked", "left", "leaves", "went", "goes", "called", "calls", "came", "comes", "wrote", "writes",
    "shouted", "flew", "ran", "runs", "met", "got", "gets", "loves", "loved", "likes", "liked", "wants",
    "wanted", "needs", "needed", "thinks", "thought", "knows", "knew", "made", "makes", "took", "takes",
    "gave", "gives", "saw", "sees", "started", "starts", "moved", "moves", "played", "plays", "won", "lost",
    "became", "becomes", "returned", "died", "passed", "married", "studied", "teaches", "taught", "founded",
    "led", "leads", "manages", "managed", "owns", "owned", "remains", "stayed", "arrived", "replied",
    "confirmed", "agreed", "signed", "sent"])
TITLE_BEFORE = re.compile(r"(?<![^\W\d_])(?i:" + "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
                          + r")\.?[ \t]+\Z")
WORD_BEFORE_DOT = re.compile(r"(?<![^\W\d_])([^\W\d_]+)\.[ \t]+\Z")


def _blank_line_around(text: str, line_start: int, line_end: int) -> bool:
    """The line stands between blank lines (or the text's edges): a heading, not a name block's line."""
    above = text[text.rfind("\n", 0, max(0, line_start - 1)) + 1:max(0, line_start - 1)] if line_start else ""
    below_end = text.find("\n", line_end + 1)
    below = text[line_end + 1:len(text) if below_end < 0 else below_end] if line_end < len(text) else ""
    return not above.strip() and not below.strip()


def _opens_sentence(before: str) -> bool:
    """The text before a word on its line ends a sentence (not a title's dot: "Mr. Pálffy")."""
    dot = WORD_BEFORE_DOT.search(before)  # a title or an initial: "Mr. Pálffy", "Sen. Kimura", "J. Kimura"
    return SENTENCE_START.search(before) is not None and (
        dot is None or dot.group(1).lower() not in NOT_NAME and len(dot.group(1)) > 1)


def plain(word: str) -> str:
    """Lower case without accents, hyphens or apostrophes: "Zieliński" -> "zielinski"."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


@lru_cache(maxsize=8)
def faker_person_words(kinds: tuple[str, ...]) -> frozenset[str]:
    """The words of Faker's person lists, all locales, whose attribute names start with one of
    `kinds` ("first_name", "last_name", ...), as `plain` words."""
    lists = attribute_values("person", lambda a: a.startswith(kinds) and "format" not in a)
    words = (plain(w) for names in lists for name in names  # a dict's keys: names by weight
             if isinstance(name, str) for w in re.split(r"[\s-]+", name))
    return frozenset(w for w in words if w)  # a trailing space ("Behbud ", az_AZ) splits off "", which matched any punctuation


@lru_cache(maxsize=8)
def person_words(kinds: tuple[str, ...]) -> frozenset[str]:
    """The name lexicon: faker_person_words(kinds) and, for given names ("first_name") and surnames
    ("last_name"), the US census's common ones (common_names.py), as `plain` words."""
    words = faker_person_words(kinds)
    if any(k.startswith("first_name") for k in kinds):
        words |= listed_given_names()
    if any(k.startswith("last_name") for k in kinds):
        words |= listed_surnames()
    return words


@lru_cache(maxsize=8)
def probe_person_words(kinds: tuple[str, ...]) -> frozenset[str]:
    """The probes' name lexicon (shapes.py's common_given_name / common_surname columns): person_words
    less the census's words that are frequent in any of word_frequencies.LANGUAGES. The census counts
    "Gracias", "Piazza" and "Giorno" as surnames; the rule layer asks each word in its language, but
    a probe column is one bit with no language beside it. Faker's words all stay."""
    census = person_words(kinds) - faker_person_words(kinds)
    return faker_person_words(kinds) | (census - frequent_in_any_language())


def known_names() -> frozenset[str]:
    """The given names and surnames of the name lexicon (person_words), as `plain` words."""
    return person_words(("first_name", "last_name"))


def known_given_names() -> frozenset[str]:
    """The given names of the name lexicon (person_words), as `plain` words."""
    return person_words(("first_name",))


# The capitalised word right before a name, on its line: "Temitope" of "Temitope Bankole-Hart".
WORD_BEFORE_NAME = re.compile(r"(?<![\w'’.-])([A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ'’]+)?) \Z")


def with_given_name_before(text: str, start: int, end: int) -> int:
    """Where a PERSON span text[start:end] starts once the given name right before it that the probe
    left out joins it: a capitalised word Faker knows as a given name ("Henk" + "de Groot", "Agus"
    + "Setiawan"), not a word that is no name ("Dear", "Contact")."""
    if not text[start:start + 1].isalpha():
        return start
    m = WORD_BEFORE_NAME.search(text, max(0, start - 30), start)
    if m is None or m.group(1).lower() in NOT_NAME or plain(m.group(1)) not in known_given_names():
        return start
    return m.start(1)


def reads_as_no_name(text: str, start: int, end: int) -> bool:
    """The span text[start:end], labelled PERSON, reads as no name (see the module's docstring)."""
    value = text[start:end]
    words = WORD.findall(value)
    if not words:
        return False
    known = [plain(w) in known_names() for w in words]
    if any(ch.islower() for ch in value) and not any(ch.isupper() for ch in value) and not all(
            k or len(w) < 3 for w, k in zip(words, known)) and not TITLE_BEFORE.search(text, max(0, start - 8), start):
        # (not after a title: "Ms julian gałat-rubaj")
        # ...in a text written in both cases: where all is lower case, case tells nothing
        return any(ch.isupper() for ch in text[max(0, start - CASE_REACH):end + CASE_REACH])
    if value.isupper() and sum(len(w) > 2 for w in words) >= 3 and not any(
            k and len(w) > 2 for w, k in zip(words, known)):
        return True  # "SĄD REJONOWY DLA WROCŁAWIA-FABRYCZNEJ": a heading in capitals, no name in it
    if any(known):
        return False
    if value.isupper() and len(words) <= 2 and LOWER_WORD_BEFORE.search(text, max(0, start - 40), start) \
            and LOWER_WORD_AFTER.match(text, end, end + 40):
        return True  # "mándenmelo por PRIVADO por favor": a word in capitals inside prose is emphasis
    if re.fullmatch(r"[A-Z]\.?", value):
        return True
    line_start, line_end = text.rfind("\n", 0, start) + 1, text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before, after = text[line_start:start], text[end:line_end]
    if len(words) == 1 and _opens_sentence(before) and (m := LOWER_WORD_AFTER.match(after)) is not None \
            and m.group().strip().lower() not in SUBJECT_WORDS:
        return True
    if value.isupper() and not before.strip() and not after.strip() and _blank_line_around(text, line_start, line_end):
        return True
    return any(INNER_CAPITAL.search(w) and plain(INNER_CAPITAL.split(w)[0]) not in NAME_PREFIXES for w in words)


# The capitalised word right after a given name, closing its line, column or clause: "Joshi" of
# "Rahul Joshi  10:14 AM".
WORD_AFTER_NAME = re.compile(r" ([A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ'’]+)?)(?=[ \t]{2,}|\t|[ \t]*(?:\n|\Z|[,;:()]))")


def known_surnames() -> frozenset[str]:
    """The surnames of the name lexicon (person_words), as `plain` words."""
    return person_words(("last_name",))


def with_surname_after(text: str, start: int, end: int) -> int:
    """Where a PERSON span text[start:end] of one given name Faker knows ends once the surname right
    after it that the probe left out joins it: a capitalised word Faker knows as a surname, closing
    its line, column or clause ("Rahul" + " Joshi  10:14 AM"), not a word that is no name."""
    value = text[start:end]
    if " " in value or not value[:1].isupper() or plain(value) not in known_given_names():
        return end
    m = WORD_AFTER_NAME.match(text, end)
    if m is None or m.group(1).lower() in NOT_NAME or plain(m.group(1)) not in known_surnames():
        return end
    return m.end(1)
