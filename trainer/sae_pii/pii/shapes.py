"""Orthographic and lexical token features the probes read beside the model's features.

The default model (all-MiniLM-L6-v2) lowercases its input, so its activations cannot tell "Bot:"
from "bot" or "Grant" from "grant"; capitalisation is one of the strongest cues for names. Six
0/1 features per token, computed from the original text, give the probe that cue back (held-out
templates: exact-span micro F1 0.725 -> 0.761, presidio-research 0.521 -> 0.547 with the same
SAE latents). For cased models they are redundant but harmless.

Two more say whether the token's word is a given name or a surname in the name lexicon. Fitted with
Faker's lists (all locales, accents folded; the `given_name` and `surname` columns, which probe
files of the thirteenth and fourteenth sessions read) and a quarter of each document's words
forgotten (`lexicon_forget`), they took PERSON exact-span F1 over the ten blind realistic sets from
0.860-0.862 (three probe seeds) to 0.869-0.876 (four fits). Faker's lists know 79.4 % of the
capitalised words inside names in the read hand-labelled realistic text and 13.4 % of the others
(`bench.pii_experiments lexicon-coverage`).

New probes read `common_given_name` and `common_surname` instead (PROBE_SHAPES): Faker's lists and
the US census's common names, less the census's words frequent in any of 27 languages
(name_lexicon.probe_person_words; it knows 90.5 % and 14.8 % of those words), with a tenth of the
words forgotten. On the same synthetic files and rules, three probe seeds scored the ten blind
sets' mean 0.890 / 0.892 / 0.892 against 0.886 / 0.889 / 0.888 with Faker's columns, and the
held-out synthetic split 0.960 / 0.966 / 0.960 against 0.961 / 0.966 / 0.962 (docs/pii.md, the
fifteenth session). The census's whole lists as columns (frequent foreign words such as "Gracias"
and "Piazza" kept) had cost the held-out split 0.002-0.004 for +0.001 on the blind sets.

Computed with array operations over the text's characters (per-character classes from a lookup
table, prefix sums for counts): the detector calls this on every input, and a per-token Python
loop cost ~2 ms at 512 tokens, a fifth of the budget above the model's forward pass. The lexicon
lookups run once per distinct word (cached): 0.35 ms at 512 tokens.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np

from sae_pii.pii.name_lexicon import faker_person_words, plain, probe_person_words

# Every shape this version computes, for probe files of any version (each names the shapes it reads).
SHAPE_FEATURES = ("title", "upper", "lower", "digit", "line_start", "sentence_start", "given_name", "surname",
                  "common_given_name", "common_surname")
# The shapes a probe fitted now reads.
PROBE_SHAPES = ("title", "upper", "lower", "digit", "line_start", "sentence_start", "common_given_name",
                "common_surname")
# The lexicon columns: the word list each asks, and which of its names.
_LEXICONS = {"given_name": (faker_person_words, ("first_name",)), "surname": (faker_person_words, ("last_name",)),
             "common_given_name": (probe_person_words, ("first_name",)),
             "common_surname": (probe_person_words, ("last_name",))}
_LEXICON_COLUMNS = [SHAPE_FEATURES.index(f) for f in _LEXICONS]
_SENTENCE_END = '.!?:"\n'

# Character classes, one bit each, from the str methods the definitions below use (upper and lower
# count letters only: "Ⅰ" is upper but no letter).
_ALNUM, _ALPHA, _UPPER, _LOWER, _DIGIT, _BLANK, _SPACE, _NEWLINE, _SENT_END = (1 << i for i in range(9))


def _char_class(c: str) -> int:
    return ((c.isalnum() and _ALNUM) | (c.isalpha() and _ALPHA) | (c.isalpha() and c.isupper() and _UPPER)
            | (c.isalpha() and c.islower() and _LOWER) | (c.isdigit() and _DIGIT) | (c in " \t" and _BLANK)
            | (c.isspace() and _SPACE) | (c in "\r\n" and _NEWLINE) | (c in _SENTENCE_END and _SENT_END))


_ASCII_CLASSES = np.array([_char_class(chr(i)) for i in range(128)], dtype=np.int32)


def _classes(text: str) -> np.ndarray:
    """[len(text)] class bits per character (a table for ASCII, str methods for the rest)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    out = _ASCII_CLASSES[np.minimum(codes, 127)]
    wide = codes >= 128
    if wide.any():
        uniq, inverse = np.unique(codes[wide], return_inverse=True)
        out[wide] = np.array([_char_class(chr(c)) for c in uniq.tolist()], dtype=np.int32)[inverse]
    return out


def _prefix(mask: np.ndarray) -> np.ndarray:
    """[n + 1] counts: out[i] = mask[:i].sum()."""
    out = np.zeros(len(mask) + 1, dtype=np.int64)
    np.cumsum(mask, out=out[1:])
    return out


def _last_before(mask: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """For each position p in `pos`: the largest j < p with mask[j], or -1 (len(mask) >= 1)."""
    last = np.maximum.accumulate(np.where(mask, np.arange(len(mask)), -1))
    return np.where(pos > 0, last[np.maximum(pos - 1, 0)], -1)


@lru_cache(maxsize=65536)
def _in_lexicon(word: str) -> tuple[bool, ...]:
    """The word's lexicon columns, in _LEXICONS' order; a one-letter word is in none."""
    key = plain(word) if len(word) > 1 else ""  # the lexicon holds no empty word
    return tuple(key in words(kinds) for words, kinds in _LEXICONS.values())


def preload_lexicons(features: tuple[str, ...] | list[str]) -> None:
    """Build the word lists the lexicon columns among `features` ask (the detector does it at load
    rather than in its first detect())."""
    for words, kinds in (_LEXICONS[f] for f in features if f in _LEXICONS):
        words(kinds)


def _lexicon_columns(text: str, a: np.ndarray, b: np.ndarray, forget: float, seed: int) -> np.ndarray:
    """[len(a), len(_LEXICONS)]: the word text[a:b] is in each lexicon, less the words a
    `forget` share of lexicons would not know (drawn per word and seed: see token_shapes)."""
    keys, inverse = np.unique(a * (len(text) + 1) + b, return_inverse=True)  # one row per distinct word
    hits = np.zeros((len(keys), len(_LEXICONS)), dtype=np.float32)
    for i, key in enumerate(keys.tolist()):
        word = text[key // (len(text) + 1):key % (len(text) + 1)]
        if forget and zlib.crc32(f"{seed}:{word.lower()}".encode()) < forget * 2**32:
            continue
        hits[i] = _in_lexicon(word)
    return hits[inverse.reshape(-1)]


def token_shapes(text: str, offsets: np.ndarray, features: tuple[str, ...] | list[str] = PROBE_SHAPES,
                 lexicon_forget: float = 0.0, seed: int = 0) -> np.ndarray:
    """[T, len(features)] float32 for tokens at character `offsets` [T, 2], the columns of SHAPE_FEATURES
    named by `features` in that order (by default those a probe fitted now reads).

    title/upper/lower describe the letters of the word the token sits in (a run of letters and
    digits: "McDonald" is title, "NASA" upper); digit: the token holds a digit; line_start: the
    word is the first on its line; sentence_start: first after . ! ? : " or a line break (where a
    capital says nothing about names); given_name / surname: the word is one Faker knows;
    common_given_name / common_surname: one the probes' lexicon knows (Faker's and the census's).

    `lexicon_forget` (training only): each distinct word of the text, drawn with `seed`, is unknown to
    the lexicons with this probability. Every synthetic name comes from Faker, but a tenth of the names
    in hand-labelled realistic text are not in the probes' lexicon (a fifth not in Faker's); a probe that
    never saw a name outside the lexicon learns that "unknown" means "no name".
    """
    unknown = [f for f in features if f not in SHAPE_FEATURES]
    if unknown:
        raise ValueError(f"unknown token shape(s) {unknown}; this version computes {list(SHAPE_FEATURES)}")
    offsets = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    out = np.zeros((len(offsets), len(SHAPE_FEATURES)), dtype=np.float32)
    real = offsets[:, 1] > offsets[:, 0]
    columns = [SHAPE_FEATURES.index(f) for f in features]
    if not real.any():
        return out[:, columns]
    s, e = offsets[real, 0], offsets[real, 1]
    cls = _classes(text)
    n = len(cls)
    alnum = (cls & _ALNUM) != 0
    # The word a token sits in: [s, e) grown over letters and digits on both sides.
    a = _last_before(~alnum, s) + 1
    breaks = np.append(np.flatnonzero(~alnum), n)  # non-alnum positions, then the end of the text
    b = breaks[np.searchsorted(breaks, e)]
    count = {bit: _prefix((cls & bit) != 0) for bit in (_ALPHA, _UPPER, _LOWER, _DIGIT)}
    letters = count[_ALPHA][b] - count[_ALPHA][a]
    upper = count[_UPPER][b] - count[_UPPER][a]
    lower = count[_LOWER][b] - count[_LOWER][a]
    alpha_at = np.flatnonzero((cls & _ALPHA) != 0)
    first_letter = np.append(alpha_at, n - 1)[np.searchsorted(alpha_at, a)]  # used only where letters > 0
    first_upper = (letters > 0) & ((cls[first_letter] & _UPPER) != 0)
    all_upper = (letters > 1) & (upper == letters)
    rows = np.flatnonzero(real)
    out[rows, 0] = first_upper & ~all_upper
    out[rows, 1] = all_upper
    out[rows, 2] = (letters > 0) & (lower == letters)
    out[rows, 3] = (count[_DIGIT][e] - count[_DIGIT][s]) > 0
    # What precedes the word: the last non-blank character (line start), the last non-space one.
    j = _last_before((cls & _BLANK) == 0, a)
    line_start = (j < 0) | ((cls[np.maximum(j, 0)] & _NEWLINE) != 0)
    k = _last_before((cls & _SPACE) == 0, a)
    sentence_start = line_start | (k < 0) | ((cls[np.maximum(k, 0)] & _SENT_END) != 0)
    out[rows, 4] = line_start
    out[rows, 5] = sentence_start
    if any(f in _LEXICONS for f in features):
        out[np.ix_(rows, _LEXICON_COLUMNS)] = _lexicon_columns(text, a, b, lexicon_forget, seed)
    return out[:, columns]
