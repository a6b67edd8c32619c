"""Formats that identify themselves (part of the rule layer, `validators=True`): an e-mail address,
an IBAN in its country's layout (python-stdnum's registry: length, and letters and digits where the
country puts them; check digits aside, since a made-up or mistyped IBAN is still one to redact), an
IPv4/IPv6 address that parses (not written as a version), a Luhn-valid card number after a card key
on its line ('"card":"4010928159013962"', "cc 4047737215142"), an airline-style passenger name
with its title ("KOWALSKI/JAN MR") and a vCard's ADR line (4 addresses made whole on the realistic
sets and 3 on the training files, none lost; twenty-fifth session) are PII wherever they stand,
whatever the probe made of their context. The probe misses them in contexts it never saw ("Payroll Team
<payroll@vestlandenergi.no>", a ";"-separated payment file, a lower-case IBAN in a chat, "Origin:"
glued to an IPv6); their syntax is exact enough that finding them by it costs no measurable
precision on any of our evaluation sets, and every e-mail address in the hand-labelled sets is
marked.

A find is added where no span overlaps it, replaces the spans that lie inside it (fragments:
"lars.petersen" taken for a name), and cuts a name or address that holds it into the parts either
side; a number or format span reaching beyond it keeps its place. A passenger name replaces the
name spans overlapping it ("NAKAMURA" of "NAKAMURA/YUKI MRS") and gives way to any other.
"""

from __future__ import annotations

import ipaddress
import re

from stdnum import iban as stdnum_iban

from sae_pii.pii.checksums import luhn_ok
from sae_pii.pii.email_names import named_by_email
from sae_pii.pii.labels import FREE_TEXT_LABELS
from sae_pii.pii.name_lexicon import known_given_names, known_names, plain
from sae_pii.pii.name_rules import NOT_NAME
from sae_pii.pii.spans import PIISpan
from sae_pii.pii.trim import trim

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


ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")


def iban_end(text: str, start: int, stop: int, check, after: int = 0) -> int | None:
    """The end of the longest IBAN starting at `start` that passes `check`: the candidates end at the
    word ends of text[start:stop] beyond `after` (a grouped IBAN followed by another number:
    "DE89 3704 0044 0532 0130 00 1200")."""
    for word in reversed(list(ALNUM_RUN.finditer(text, start, stop))):
        if word.end() > after and check(text[start:word.end()]):
            return word.end()
    return None


def _ibans(text: str) -> list[tuple[int, int]]:
    """IBANs in the text that have their country's format."""
    out = []
    for m in IBAN_CANDIDATE.finditer(text):
        end = iban_end(text, m.start(), m.end(), iban_format_ok)
        if end is not None:
            out.append((m.start(), end))
    return out


IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)")
VERSION_BEFORE = re.compile(r"(?i)(?:\bv|\bver|\bversion|\bbuild|\brelease|\brev)\.?[ \t]*\Z")
# Hex groups and colons; a colon glued to a key before it ("Origin:7d41:...") is the key's.
IPV6 = re.compile(r"(?<![0-9A-Fa-f:])(?:(?<=[^\W\d_]):)?([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?![0-9A-Fa-f:])")


def _ips(text: str) -> list[tuple[int, int]]:
    """IPv4 addresses not written as a version ("v1.2.3.4", "build 10.0.1.2"), and IPv6 addresses of
    at least three groups (a clock's "10:41:22" does not parse as one)."""
    out = [m.span() for m in IPV4.finditer(text)
           if ip_ok(m.group()) and not VERSION_BEFORE.search(text, max(0, m.start() - 12), m.start())]
    out += [m.span(1) for m in IPV6.finditer(text) if m.group(1).count(":") >= 2 and ip_ok(m.group(1))]
    return out


def ip_ok(s: str) -> bool:
    try:
        ipaddress.ip_address(s)
        return True
    except ValueError:
        return False


# A passenger name as airlines print it, SURNAME/GIVEN NAMES, with its title after it ("KOWALSKI/JAN MR").
_PNR_WORD = r"[A-Z][A-Z'-]+"
PNR_NAME = re.compile(rf"(?<![\w/]){_PNR_WORD}/{_PNR_WORD}(?: {_PNR_WORD})*")
PNR_TITLES = frozenset({"MR", "MRS", "MS", "MISS", "MSTR", "DR", "PROF", "CHD", "INF"})


# A chat's @-mention of a person by given name: "@Lena can you check", "thanks @Kwame 👍".
MENTION = re.compile(r"(?<![\w.@])@([A-Z][a-zà-ÿ]+)\b(?![.@'’-]?\w)")


def _mentions(text: str) -> list[tuple[int, int]]:
    """The given names @-mentioned in a chat, when the name lexicon knows them as given names
    ("@deploy-bot", "@Support" are none)."""
    return [m.span(1) for m in MENTION.finditer(text) if plain(m.group(1)) in known_given_names()]


# A chat export's speaker after its bracketed time stamp: "[14/02/25, 8:05:40 PM] Tunde: ...",
# "[09:31] Priya Raghunathan:", "[14:05] Sanne (Vattig):".
CHAT_SPEAKER = re.compile(r"(?m)^\[[^\]\n]{4,30}\][ \t]*([A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,2})"
                          r"(?=[ \t]*(?:\([^)\n]{1,30}\))?:)")


def _chat_speakers(text: str) -> list[tuple[int, int]]:
    """The speaker of a chat export's line, when its first word is a given name the name lexicon
    knows, with the names it knows after it ("Segun" of "Segun UK:"; not "Mummy:", "Safaricom:")."""
    out = []
    for m in CHAT_SPEAKER.finditer(text):
        words = list(re.finditer(r"\S+", m.group(1)))
        if plain(words[0].group()) not in known_given_names() or words[0].group().lower() in NOT_NAME:
            continue
        end = words[0].end()
        for w in words[1:]:
            if plain(w.group()) not in known_names() or w.group().lower() in NOT_NAME:  # "Pooja Didi:"
                break
            end = w.end()
        out.append((m.start(1), m.start(1) + end))
    return out


def _passenger_names(text: str, spans: list[PIISpan]) -> list[tuple[int, int]]:
    """Airline-style names: the title after them goes; kept when a title followed them or the probe
    found part of them ("NAKAMURA" of "NAKAMURA/YUKI MRS")."""
    out = []
    for m in PNR_NAME.finditer(text):
        words = m.group().split(" ")
        titled = len(words) > 1 and words[-1] in PNR_TITLES
        a, b = m.start(), m.end() - (len(words[-1]) + 1 if titled else 0)
        if titled or any(sp.label == "PERSON" and sp.start < b and a < sp.end for sp in spans):
            out.append((a, b))
    return out


# A card number written whole or in groups ("4010 9281 5901 3962", Amex 4-6-5), after a card key on
# its line ("card": "...", "Visa ending", "Kreditkarte:").
CARD_NUMBER = re.compile(r"(?<![\w.-])(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -]?)\d{6}\2\d{5})(?![\w-]|\.\d)")
CARD_KEY = re.compile(r"(?i)(?<![^\W\d_])(?:card|cc|pan|visa|mastercard|amex|american express|discover|kreditkarte|"
                      r"karte|tarjeta|carte|cart[ãa]o|carta)(?![^\W\d_])")
CARD_KEY_REACH = 40


def _keyed_cards(text: str) -> list[tuple[int, int]]:
    """Luhn-valid numbers of 13-19 digits with a card key before them on their line."""
    out = []
    for m in CARD_NUMBER.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        line_start = text.rfind("\n", 0, m.start()) + 1
        if 13 <= len(digits) <= 19 and luhn_ok(digits) and \
                CARD_KEY.search(text, max(line_start, m.start() - CARD_KEY_REACH), m.start()):
            out.append(m.span())
    return out


# An address-shaped string that names no mailbox: a message's id ("message-id=<CAF3x9Q@mail.gmail.com>")
# or a URL's user part ("https://4f1d0c...@o448812.ingest.sentry.io").
NOT_A_MAILBOX_BEFORE = re.compile(r"(?i)(?:message-?id[ \t]*[=:][ \t]*<?|in-reply-to[ \t]*[=:][ \t]*<?|references:[ \t]*<?|"
                                  r"[a-z][a-z+.-]*://)\Z")


def no_mailbox(text: str, start: int) -> bool:
    return NOT_A_MAILBOX_BEFORE.search(text, max(0, start - 24), start) is not None


CELL_COMMA = re.compile(r",(?=\S)")  # a comma a CSV row's next cell follows
# A vCard's address: "ADR;TYPE=WORK:;;Sveavägen 44;Stockholm;;111 34;Sverige" (post-office box,
# extended address, street, city, region, postcode, country; the empty fields' ";" left out).
VCARD_ADR = re.compile(r"(?m)^ADR(?:;[^:\n]*)?:;*([^;\n][^\n]*?);*\r?$")


def _vcard_addresses(text: str) -> list[tuple[int, int]]:
    # (a postcode alone, ";;;;;12345;", leaves with every one-word address: rules._no_house_number)
    return [m.span(1) for m in VCARD_ADR.finditer(text)] if "ADR" in text else []


def with_format_finds(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    finds = [(m.start(), m.end(), "EMAIL_ADDRESS") for m in EMAIL.finditer(text) if not no_mailbox(text, m.start())]
    finds += [(a, b, "PERSON") for a, b in named_by_email(text, [(a, b) for a, b, _ in finds])]
    finds += [(a, b, "CREDIT_CARD") for a, b in _keyed_cards(text)]
    finds += [(a, b, "IBAN_CODE") for a, b in _ibans(text)]
    finds += [(a, b, "IP_ADDRESS") for a, b in _ips(text)]
    finds += [(a, b, "PERSON") for a, b in _passenger_names(text, spans)]
    finds += [(a, b, "PERSON") for a, b in _mentions(text)]
    finds += [(a, b, "PERSON") for a, b in _chat_speakers(text)]
    finds += [(a, b, "STREET_ADDRESS") for a, b in _vcard_addresses(text)]
    if not finds:
        return spans
    out = list(spans)
    for a, b, label in sorted(finds):
        overlapping = [sp for sp in out if sp.start < b and a < sp.end]
        if len(overlapping) == 1 and (overlapping[0].start, overlapping[0].end, overlapping[0].label) == (a, b, label):
            continue
        if label == "PERSON":  # a passenger name or one its e-mail spells takes the place of the name fragments in it
            # (not of a whole name around it: "Okafor, Ngozi" stays, though a CSV row's comma cut its cell;
            # a span across two cells, "Thị Lan,Nguyễn", does not)
            if all(sp.label == "PERSON" for sp in overlapping) and not any(
                    sp.start <= a and b <= sp.end and (sp.start, sp.end) != (a, b) and CELL_COMMA.search(sp.text) is None
                    for sp in overlapping):
                out = [sp for sp in out if sp not in overlapping]
                out.append(PIISpan(a, b, label, max([sp.score for sp in overlapping], default=FIND_SCORE), text[a:b]))
            continue
        pieces = []
        for sp in overlapping:
            if sp.start < a or sp.end > b:
                if sp.label not in FREE_TEXT_LABELS:
                    break  # a number or format span reaching beyond the find keeps its place
                # A name or an address never holds an e-mail address or IBAN: it keeps its parts
                # either side ("80, 4250-015 Penafiel, cc erika@hotmail.com").
                pieces += [_piece(text, sp, sp.start, _without_lower_tail(text, sp.start, a)), _piece(text, sp, b, sp.end)]
        else:
            out = [sp for sp in out if sp not in overlapping] + [p for p in pieces if p is not None]
            score = max([sp.score for sp in overlapping if sp.label == label], default=FIND_SCORE)
            out.append(PIISpan(a, b, label, score, text[a:b]))
    return sorted(out, key=lambda s: (s.start, s.end))


LOWER_TAIL = re.compile(r"(?:[ \t,]+[a-z]+)+[ \t:]*\Z")


def _without_lower_tail(text: str, start: int, end: int) -> int:
    """The end of the part before a find without the lower-case words that lead into it ("cc",
    "email", "or") when something else stays."""
    m = LOWER_TAIL.search(text, start, end)
    return m.start() if m is not None and text[start:m.start()].strip() else end


def _piece(text: str, sp: PIISpan, a: int, b: int) -> PIISpan | None:
    a, b = trim(text, max(a, sp.start), min(b, sp.end))
    return PIISpan(a, b, sp.label, sp.score, text[a:b]) if b > a else None
