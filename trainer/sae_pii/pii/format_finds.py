"""Formats that identify themselves (part of the rule layer, `validators=True`): an e-mail address
and an IBAN that passes its country's format and check digits (python-stdnum) are PII wherever they
stand, whatever the probe made of their context. The probe misses them in contexts it never saw
("Payroll Team <payroll@vestlandenergi.no>", a ";"-separated payment file, a lower-case IBAN in a
chat); their syntax is exact enough that finding them by it costs no precision: every e-mail address
in the three hand-labelled sets is marked, and a random string passes an IBAN's country format and
mod-97 check about once in a hundred thousand.

A find is added where no span overlaps it, or replaces the spans that lie inside it (fragments:
"lars.petersen" taken for a name); a span reaching beyond it keeps its place.
"""

from __future__ import annotations

import re

from stdnum import iban as stdnum_iban

from sae_pii.pii.spans import PIISpan

# A local part never starts with the quote that opens an SQL string: "'lars@mail.dk'".
EMAIL = re.compile(r"[A-Za-z0-9._%+-][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# An IBAN written compact or in groups of four: country code, check digits, then the account.
IBAN_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){8,30}(?![A-Za-z0-9])")
FIND_SCORE = 1.0  # a format check, not a probability


def iban_format_ok(candidate: str) -> bool:
    """The country's IBAN format (length, letters and digits where its registry entry puts them),
    check digits aside: a made-up or mistyped IBAN in a document is still one to redact. (With its
    own check digits recomputed, the number passes stdnum's format check or fails on its layout.)"""
    compact = stdnum_iban.compact(candidate)
    return re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", compact) is not None and stdnum_iban.is_valid(
        compact[:2] + stdnum_iban.calc_check_digits(compact) + compact[4:], check_country=False)


def _ibans(text: str) -> list[tuple[int, int]]:
    """IBANs in the text: each candidate's longest prefix ending at a word end that has its country's
    format (a grouped IBAN followed by another number: "DE89 3704 0044 0532 0130 00 1200")."""
    out = []
    for m in IBAN_CANDIDATE.finditer(text):
        ends = [m.start() + w.end() for w in re.finditer(r"[A-Za-z0-9]+", m.group())]
        for end in reversed(ends):
            if iban_format_ok(text[m.start():end]):
                out.append((m.start(), end))
                break
    return out


def with_format_finds(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    finds = [(m.start(), m.end(), "EMAIL_ADDRESS") for m in EMAIL.finditer(text)]
    finds += [(a, b, "IBAN_CODE") for a, b in _ibans(text)]
    if not finds:
        return spans
    out = list(spans)
    for a, b, label in finds:
        overlapping = [sp for sp in out if sp.start < b and a < sp.end]
        if any(sp.start < a or sp.end > b for sp in overlapping):
            continue  # a span reaching beyond the find keeps its place
        if len(overlapping) == 1 and (overlapping[0].start, overlapping[0].end, overlapping[0].label) == (a, b, label):
            continue
        out = [sp for sp in out if sp not in overlapping]
        score = max([sp.score for sp in overlapping if sp.label == label], default=FIND_SCORE)
        out.append(PIISpan(a, b, label, score, text[a:b]))
    return sorted(out, key=lambda s: (s.start, s.end))
