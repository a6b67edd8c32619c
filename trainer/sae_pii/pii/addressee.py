"""The addressee the probe took into an address (part of the rule layer, run by the decoding): a
first line of capitalised words with no digit over a line that opens with a house number or a
unit becomes a PERSON span, and the address starts after it; another field's tail on the line the
address starts on, or a care-of line, just leaves."""

from __future__ import annotations

import re

from sae_pii.pii.address_rules import UNIT_WORD, UNIT_WORDS, street_words
from sae_pii.pii.spans import PIISpan
from sae_pii.pii.trim import trim

# The addressee the probe took into an address: a first line of capitalised words with no digit
# over a line that opens with a house number or a unit ("Gordon MacLeod\n3rd Floor, 17 Bree
# Street"), or capitalised words before "of" and a house number ("Luca Bianchi of 8 Wellington
# Terrace"); a "c/o" or "Attn" line leaves without becoming a name.
ADDRESS_LINE_HEAD = re.compile(rf"[ \t]*(?:\d|(?:{UNIT_WORDS}|level)\.?[ \t]+\d)", re.IGNORECASE)
CARE_OF = re.compile(r"(?:c/o|attn\.?|attention)[ \t:]", re.IGNORECASE)
NAME_OF_BEFORE_NUMBER = re.compile(r"([^\d\n]+?)[ \t]+of[ \t]+(?=\d)")
BUILDING_WORDS = frozenset(["house", "cottage", "apartments", "apartment", "flats", "tower", "towers", "building",
                            "court", "residency", "residences", "villa", "lodge", "hall", "centre", "center", "farm",
                            "manor", "mansions", "plaza", "park", "estate", "gardens", "chambers", "complex", "heights",
                            "block", "business", "office", "offices", "campus", "mall", "hotel", "hospital", "school"])


def _reads_as_name(words: list[str]) -> bool:
    """One to four capitalised words (or initials; short lower-case particles aside: "Sanne de
    Vries"), none a street, unit or building word."""
    words = [w for w in words if not (w.islower() and len(w) <= 3)]
    return 1 <= len(words) <= 4 and all(
        w[:1].isupper() and w.strip(".,").lower() not in street_words() and w.strip(".,").lower() not in BUILDING_WORDS
        and UNIT_WORD.fullmatch(w.strip(".,")) is None for w in words)


# What may stand before an addressee on its line: nothing, a key ("Billing address:", "Attn:"), a
# surname and its comma ("NGUYEN, " of "NGUYEN, THANH V.") or a title ("Mrs. " of "Mrs. Oluwaseun
# Adebayo-Cole\nFlat 3, 17 Admiralty Road").
BEFORE_ADDRESSEE = re.compile(r"[ \t]*(?:[^\n]*:[ \t]*|[^\W\d_][^\W\d_'’ -]*,[ \t]*|(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?[ \t]+)?\Z")


def _opens_block(text: str, start: int) -> bool:
    """The addressee opens its block: after a key or a surname on its line, or alone on a line with
    no line of text above it (not the company line of a signature: "Jo Lee\nTelephone repairer\nFoot
    Quarters\nUnit 3906")."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if BEFORE_ADDRESSEE.fullmatch(before) is None:
        return False
    if before.strip():
        return True
    above = text[text.rfind("\n", 0, max(0, line_start - 1)) + 1:max(0, line_start - 1)]
    return not above.strip() or above.rstrip().endswith(":")


def _starts_mid_line(text: str, start: int) -> bool:
    """Words stand before `start` on its line, and no key's colon ends them."""
    before = text[text.rfind("\n", 0, start) + 1:start].rstrip()
    return bool(before) and not before.endswith(":")


def addressee_apart(text: str, sp: PIISpan) -> list[PIISpan]:
    """An address span that opens with its addressee: the addressee as a PERSON span (checked like
    any name by the rule layer) and the address after it; a care-of line just leaves."""
    if sp.label != "STREET_ADDRESS":
        return [sp]
    newline = sp.text.find("\n")
    if newline > 0 and ADDRESS_LINE_HEAD.match(sp.text, newline + 1) and not any(ch.isdigit() for ch in sp.text[:newline]):
        head_end, rest, in_prose = newline, newline + 1, False
    elif (m := NAME_OF_BEFORE_NUMBER.match(sp.text)) is not None:
        head_end, rest, in_prose = m.end(1), m.end(), True  # "my nephew Luca Bianchi of 8 Wellington Terrace"
    else:
        return [sp]
    head = sp.text[:head_end]
    if not in_prose and _starts_mid_line(text, sp.start) and (len(head.split()) < 2 or not _reads_as_name(head.split())) \
            and not any(w.lower().strip(".,") in street_words() for w in head.split()) \
            and not re.fullmatch(r"[A-Z]{2}", head.strip()):  # "São Paulo - SP\n01426-001": a state's code
        a, b = trim(text, sp.start + rest, sp.end)  # "LLC INC.\n4101 Blanding Blvd": another field's tail
        return [PIISpan(a, b, sp.label, sp.score, text[a:b])]
    care_of = CARE_OF.match(head) is not None
    if not care_of and not (len(head.split()) >= 2 and _reads_as_name(head.split())
                            and (in_prose or _opens_block(text, sp.start))):
        return [sp]
    a, b = trim(text, sp.start + rest, sp.end)
    address = PIISpan(a, b, sp.label, sp.score, text[a:b])
    if care_of:
        return [address]
    c, d = trim(text, sp.start, sp.start + head_end)
    return [PIISpan(c, d, "PERSON", sp.score, text[c:d]), address]
