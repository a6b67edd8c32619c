"""Trimming a candidate span to the entity: surrounding whitespace and punctuation go, balanced
brackets, a leading "+" and an initialism's final "." ("U.S.A.") stay; "Rome." at a sentence end loses it."""

from __future__ import annotations

import re
import unicodedata

LEAD_STRIP = set(" \t\r\n,;:.!?\"'`*-_=/\\|<>)]}·•–—")
TRAIL_STRIP = set(" \t\r\n,;:!?\"'`*-_=/\\|<>([{·•–—")
ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Za-z]\.){1,3}[A-Za-z]\.$")  # "U.S.A."; not "Rome." at a sentence end
INITIALISM = re.compile(r"(?:^|\s)(?:[A-Za-z]\.){1,3}[A-Za-z]$")  # "U.S.A" whose final "." the probe left out


def line_bounds(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """[start, end) of the line holding text[start:end] (end defaults to start)."""
    line_end = text.find("\n", start if end is None else end)
    return text.rfind("\n", 0, start) + 1, len(text) if line_end < 0 else line_end


def is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end:
        ch = text[start]
        if ch in LEAD_STRIP or (ch == "(" and _bracket_close(text[start:end]) < 0):
            start += 1
        else:
            break
    while end > start:
        ch = text[end - 1]
        if (ch in TRAIL_STRIP or (ch == ")" and _bracket_close(text[start:end][::-1], "()") < 0)
                or (ch == "." and not ABBREVIATION.search(text[start:end]))):
            end -= 1
        else:
            break
    if end < len(text) and text[end] == "." and INITIALISM.search(text[start:end]):
        end += 1
    if end < len(text) and text[end] == ")" and text.count("(", start, end) > text.count(")", start, end):
        end += 1  # "Biacesa Di Ledro (TN" + ")": the probe left the closing bracket out
    while 0 < end < len(text) and is_mark(text[end]):  # vowel signs the tokenizer's offsets left out
        end += 1
    if end - start > 2 and text[start] == "(" and _bracket_close(text[start:end]) == end - start - 1:
        return trim(text, start + 1, end - 1)  # "(9 Lewis Glen, Danielberg)": the brackets are not the entity
    return start, end


def _bracket_close(s: str, pair: str = ")(") -> int:
    """Where the bracket opening s closes (-1: never), e.g. "(541) 555" -> 4. With pair="()" it
    reads a reversed string: where a final ")" finds its "("."""
    depth = 0
    for i, ch in enumerate(s):
        depth += (ch == pair[1]) - (ch == pair[0])
        if depth == 0:
            return i
    return -1
