"""The rule layer (`validators=True`, the "+ rules" rows of the evaluation): exact checks on the
spans the probe decoded, for the formats that have them. It adds a span where the probe found
nothing only for a format that identifies itself (an e-mail address, an IBAN in its country's
layout, an IP address, a card number after a card key, an airline passenger name: format_finds.py)
and for a value right after its key or under its column's header (a passport number, a birth
date, a licence or SSN, a phone: document_keys.py; a Chinese, Japanese or Korean name:
script_names.py).

- Number-like fragments overlapping a checksum-valid IBAN or card become that whole number.
- Look-alike number labels are settled by exact checks (IBAN mod-97, then Luhn for a card printed
  like one, then the 3-2-4 SSN shape) and by the keys before a number (document_keys.py): a
  passport, licence or SSN needs a document cue; after a reference key ("Policy number:",
  "Customer ID", "order", "account") a number-like span is dropped; a date is never an id or phone
  number, nor 2-7 digits (an EIN) an SSN.
- PERSON spans lose pronouns, greetings, titles, ranks, credentials, kinship words and lower-case
  edge words, split at "and", end at "of/from/at", and go where they name a company, a pet, a
  handle, a numbered thing, a place or a field key (name_rules.py), or sit in an organisation's
  table column; in a script the model cannot read they need a name's shape (script_names.py), and
  everyday words of the language around them are none (everyday_words.py).
- Email/IP spans snap to a parseable string; phone spans start and end at their number.
- Spans failing their check (Luhn, IBAN, IP parse, 9-digit SSN, 6+ digit phone) are dropped. A card
  or IBAN printed in its format's groups ("4532 1234 5678 9012") stays without a valid check
  digit: a mistyped or made-up number is still one to redact.
- Addresses take the edges the probe left out and lose the words it took in (address_rules.py);
  once their edges are in, an address with no number at all (a street, a crossing, a city; "S/N"
  aside) or of one word (a city, a postcode, a field key) is none.
- Amounts after a currency, access-log status codes, coordinates and dates are no id or phone
  number; a room number after a name is no address.
- A birth date needs a birth cue: on its line, as the key closing the line before, or as its table
  column's header.
"""

from __future__ import annotations

import re

from sae_pii.pii.address_lookalikes import no_address, plate_after_key, unit_alone
from sae_pii.pii.address_rules import addresses_apart, cell_end, with_address_edges, without_phone
from sae_pii.pii.checksums import iban_ok, luhn_ok
from sae_pii.pii.document_keys import (
    DOCUMENT_CUE,
    cued_on_line_before,
    document_cued,
    finds_in_place,
    id_columns,
    keyed_finds,
    keyed_id,
    line_back,
    with_finds,
)
from sae_pii.pii.email_names import names_a_mailbox
from sae_pii.pii.everyday_words import language_around, only_everyday_words
from sae_pii.pii.format_finds import (
    EMAIL,
    FIND_SCORE,
    iban_end,
    iban_format_ok,
    ip_ok,
    no_mailbox,
    with_format_finds,
)
from sae_pii.pii.name_cues import (
    column_header,
    fixed_width_header,
    in_company_column,
    in_header_row,
    table_cell,
)
from sae_pii.pii.name_lexicon import reads_as_no_name, with_given_name_before, with_surname_after
from sae_pii.pii.name_rules import not_a_person, strip_non_names
from sae_pii.pii.place_names import names_a_place
from sae_pii.pii.script_names import (
    HAN_OR_KANA,
    keyed_script_addresses,
    keyed_script_names,
    script_name_edges,
    script_says_no_name,
)
from sae_pii.pii.spans import PIISpan
from sae_pii.pii.trim import line_bounds, trim

IPV4 = re.compile(r"(?<!\d)(?<!\d\.)(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)")  # a sentence's final "." may follow
IPV6 = re.compile(r"(?<![0-9A-Fa-f:])[0-9A-Fa-f:]*:[0-9A-Fa-f:]+(?![0-9A-Fa-f:])")


def _snap(text: str, span: PIISpan, pattern: re.Pattern, check=None) -> PIISpan | None:
    lo, hi = max(0, span.start - 64), min(len(text), span.end + 64)
    for m in pattern.finditer(text, lo, hi):
        a, b = m.span()
        if a < span.end and b > span.start and (check is None or check(m.group())):
            return PIISpan(a, b, span.label, span.score, text[a:b])
    return None


NUMBER_LABELS = {"CREDIT_CARD", "IBAN_CODE", "US_SSN", "PHONE_NUMBER", "US_DRIVER_LICENSE", "US_PASSPORT"}
SSN_SHAPE = re.compile(r"\d{3}([- ])\d{2}\1\d{4}")
NO_NUMBER = re.compile(r"\b[Ss]/[Nn]\b|sin n[úu]mero|sem n[úu]mero")  # "Praça Mauro Magalhães, S/N": no number by design
EIN_SHAPE = re.compile(r"\d{2}-\d{7}")
SSN_INSIDE = re.compile(r"(?<!\d)\d{3}([- ]?)\d{2}\1\d{4}(?!\d)")
CARD_SHAPE = re.compile(r"\d(?:[ -]?\d){12,18}")
# A number printed in a card's own groups (4-4-4-4, Amex 4-6-5) that the probe calls a card stays a
# card when its Luhn digit is wrong: a mistyped or made-up card number is still one to redact.
# Likewise an IBAN printed in its groups of four ("GB12 ABCD 1234 5612 3456 78") with wrong check digits.
PRINTED_IBAN = re.compile(r"[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?")
PRINTED_CARD = re.compile(r"\d{4}([ -])\d{4}\1\d{4}\1\d{4}|\d{4}([ -])\d{6}\2\d{5}")


def _card_grouping(t: str) -> bool:
    """Printed the way cards are: one run, groups of four (4-4-4-4, 4-4-4-4-3) or Amex's 4-6-5.
    One Luhn-valid number in ten passes by chance, so "001-764-597-9125" stays a phone number."""
    groups = [len(g) for g in re.split(r"[ -]", t)]
    return len(groups) == 1 or groups in ([4, 6, 5], [4, 6, 4]) or (
        all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4)


def _relabel(sp: PIISpan) -> PIISpan:
    """Look-alike number formats: an exact check decides between the labels the probe confuses
    (a Luhn-valid 16-digit number is a card, not an IBAN; 123-45-6789 is an SSN, not a phone)."""
    if sp.label not in NUMBER_LABELS:
        return sp
    t = sp.text
    label = sp.label
    if iban_ok(t):
        label = "IBAN_CODE"
    elif CARD_SHAPE.fullmatch(t) and luhn_ok(t) and (sp.label == "CREDIT_CARD" or _card_grouping(t)):
        label = "CREDIT_CARD"
    elif SSN_SHAPE.fullmatch(t):
        label = "US_SSN"
    elif sp.label in ("CREDIT_CARD", "IBAN_CODE") and re.fullmatch(r"\(?\+?[\d ().-]{7,}", t) and \
            len(re.sub(r"\D", "", t)) <= 12 and re.search(r"[ ().-]", t):
        label = "PHONE_NUMBER"  # separated digits too short for a card and no IBAN letters
    return sp if label == sp.label else PIISpan(sp.start, sp.end, label, sp.score, t)


IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")
IBAN_TAIL = re.compile(r"(?: ?[A-Za-z0-9])+")


def _find_iban(text: str, sp: PIISpan) -> tuple[int, int] | None:
    """A mod-97-valid IBAN overlapping the span ("ES32" + "4523 4941 7118" + "3872" as the probe
    cut it): from each country-code start nearby, the longest run of groups that passes the check."""
    for m in IBAN_START.finditer(text, max(0, sp.start - 40), sp.end):
        tail = IBAN_TAIL.match(text, m.end(), min(len(text), m.end() + 48))
        if tail is None:
            continue
        end = iban_end(text, m.start(), tail.end(), iban_ok, after=sp.start)
        if end is not None:
            return m.start(), end
    return None


def _find_card(text: str, sp: PIISpan) -> tuple[int, int] | None:
    """A Luhn-valid card number (13-19 digits, in groups) overlapping the span."""
    for m in CARD_SHAPE.finditer(text, max(0, sp.start - 24), min(len(text), sp.end + 24)):
        a, b = m.span()
        if a < sp.end and b > sp.start and luhn_ok(m.group()) and \
                not (a > 0 and text[a - 1].isalnum()) and not (b < len(text) and text[b].isalnum()):
            return a, b
    return None


def _snap_checked_numbers(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """Number-like spans that overlap a checksum-valid IBAN or card number become that whole
    number; the other fragments of it go (the probe often cuts a grouped IBAN into pieces)."""
    checked: list[PIISpan] = []
    for sp in spans:
        if sp.label not in NUMBER_LABELS:
            continue
        found = (_find_iban(text, sp), "IBAN_CODE")
        if found[0] is None:
            card = _find_card(text, sp)
            # A phone or id fragment becomes the card only when it is printed as one:
            # "4117 4391 6052" + " 3314", not the Luhn-valid phone "001-764-597-9125".
            if card and (sp.label in ("CREDIT_CARD", "IBAN_CODE") or PRINTED_CARD.fullmatch(text[card[0]:card[1]])):
                found = (card, "CREDIT_CARD")
        if found[0] is not None and not any(c.start == found[0][0] for c in checked):
            a, b = found[0]
            score = max(o.score for o in spans if o.start < b and o.end > a)  # of the best fragment
            checked.append(PIISpan(a, b, found[1], score, text[a:b]))
    return finds_in_place(spans, checked)


def apply_validators(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    out = []
    for split in (addresses_apart, without_phone, phone_out_of_name, phones_apart, name_on_one_line,
                  address_in_its_cell):  # spans holding two things
        spans = [piece for sp in spans for piece in split(text, sp)]
    for span in _snap_checked_numbers(text, spans):
        keyed = keyed_id(text, _relabel(span))
        for sp in strip_non_names(text, keyed) if keyed is not None else []:
            sp = _checked(text, sp)
            if sp is not None and (not out or sp.start >= out[-1].end):
                out.append(sp)
    out = keyed_script_addresses(text, keyed_script_names(text, keyed_finds(text, out)))
    out = [sp for sp in with_address_edges(text, with_format_finds(text, id_columns(text, out)))
           if not _no_house_number(sp)]
    return names_found_again(text, out)


def _no_house_number(sp: PIISpan) -> bool:
    """An address with no number at all, once its edges are in ("Otley Road and Headingley Lane",
    "Lime Street", "Lyon, U.S.A."): a street, a crossing or a place, no one's address, unless it says
    it has none ("Praça Mauro Magalhães, S/N"); or one word once its lead-in left ("belt 7"); or an
    amount or a date once its edges moved ("750,00 zł", "6 Maret")."""
    return sp.label == "STREET_ADDRESS" and (
        not any(ch.isdigit() for ch in sp.text) and NO_NUMBER.search(sp.text) is None
        or not any(ch.isspace() for ch in sp.text) and HAN_OR_KANA.search(sp.text) is None  # Chinese is written unspaced
        or no_address(sp.text))  # again once the edges moved


def _checked(text: str, sp: PIISpan) -> PIISpan | None:
    """The span snapped to the valid string its format check finds, or None when it fails."""
    if sp.label == "PERSON":
        if not_a_person(text, sp) or in_company_column(text, sp.start) or script_says_no_name(text, sp.start, sp.end) \
                or reads_as_no_name(text, sp.start, sp.end) or only_everyday_words(text, sp.start, sp.end) \
                or names_a_mailbox(text, sp.start, sp.end) or names_a_place(text, sp.start, sp.end) \
                or in_header_row(text, sp.start):
            return None
        start, end = script_name_edges(text, sp.start, sp.end)
        start = with_given_name_before(text, _without_title_initial(text, start, end), end)
        end = with_surname_after(text, start, end)
        if text[end:end + 1] == '"' and text.count('"', start, end) % 2 == 1:
            end += 1  # 'Margaret "Peggy' + '"': a nickname's closing quote closes the name
        return sp if (start, end) == (sp.start, sp.end) else PIISpan(start, end, sp.label, sp.score, text[start:end])
    if sp.label == "EMAIL_ADDRESS":
        sp = _snap(text, sp, EMAIL)
        return None if sp is None or no_mailbox(text, sp.start) else sp
    if sp.label == "IP_ADDRESS":
        return _snap(text, sp, IPV4, ip_ok) or _snap(text, sp, IPV6, ip_ok)
    if sp.label == "CREDIT_CARD":
        digits = re.sub(r"\D", "", sp.text)
        if re.search(r"[A-Za-z]", sp.text) or not 12 <= len(digits) <= 19:
            return None
        return sp if luhn_ok(digits) or PRINTED_CARD.fullmatch(sp.text) else None
    if sp.label == "IBAN_CODE":
        return sp if iban_ok(sp.text) or PRINTED_IBAN.fullmatch(sp.text) or iban_format_ok(sp.text) else None
    if sp.label == "DATE_OF_BIRTH":
        # "2" of a numbered list holds no year; "issued 2019-08-30" is no birth date
        return None if sum(ch.isdigit() for ch in sp.text) < 4 or _after_other_date_key(text, sp) \
            or not _birth_cued(text, sp) else sp
    if CURRENCY_BEFORE.search(text, max(0, sp.start - 8), sp.start):
        return None  # "NOK 985 000", "KRW 1,482,300": an amount
    if sp.label in DATE_FREE_LABELS and DATE_SHAPE.fullmatch(sp.text):
        return None  # "expires 2029-08-29": a date is never an id or phone number
    if sp.label in ("US_DRIVER_LICENSE", "US_PASSPORT") and (
            not any(ch.isdigit() for ch in sp.text) or "_" in sp.text or "§" in sp.text or ID_CASE_MIX.search(sp.text)):
        return None  # "WA" of "WA Driver License:", "ch_3OqL2yKZ7b", "§46.2-870": licence and passport
        # numbers have digits, and no underscore, section sign or mixed-case letters
    if sp.label == "US_DRIVER_LICENSE" and (m := STATE_PREFIX.match(sp.text) or STATE_CLOSING.match(sp.text)):
        a = sp.start + m.end()  # "TX 41822963", "NSW) 14389257": the issuing state is no part of the number
        sp = PIISpan(a, sp.end, sp.label, sp.score, text[a:sp.end])
    if sp.label == "US_DRIVER_LICENSE" and (m := STATE_IN_BRACKETS_AFTER.search(sp.text)) is not None:
        b = sp.start + m.start()  # "LUND*KA483R9 (WA)"
        sp = PIISpan(sp.start, b, sp.label, sp.score, text[sp.start:b])
    if sp.label in DOCUMENT_CUE and not document_cued(text, sp):
        return None  # "Control No. 2025-RN-0048812": an id number nothing names as a person's document
    if sp.label == "US_SSN":
        m = SSN_INSIDE.search(sp.text)  # "soc sec 856-36-6680": the key the probe took in leaves
        if m is not None and m.span() != (0, len(sp.text)):
            a, b = sp.start + m.start(), sp.start + m.end()
            sp = PIISpan(a, b, sp.label, sp.score, text[a:b])
        # nine digits, not grouped as an employer's EIN ("12-3456789")
        return sp if len(re.sub(r"\D", "", sp.text)) == 9 and not EIN_SHAPE.fullmatch(sp.text) else None
    if sp.label == "PHONE_NUMBER":
        if HTTP_STATUS.search(text, max(0, sp.start - 12), sp.end) or COORDINATES.fullmatch(sp.text) \
                or THOUSANDS_GROUPED_ID.fullmatch(sp.text):
            return None  # an access log's status and size; a latitude and longitude; a RUT, CPF or DNI
        return _phone(text, sp)
    if sp.label == "STREET_ADDRESS" and not any(ch.isspace() for ch in sp.text):
        # one word is a city, a postcode or a field key ("Madrid", "34425", "Pasaporte"), not an
        # address; dropped here, before the edges, so no neighbour joins it (_no_house_number checks
        # again what the edges leave: dropping only there changes presidio-research predictions)
        return None
    if sp.label == "STREET_ADDRESS" and no_address(sp.text):
        return None  # "112 sq m", "640 cartons, 9", "750,00 zł", "9 października 2024", "699,80 TL\nAra": no address
    if sp.label == "STREET_ADDRESS" and unit_alone(text, sp):
        return None  # "Room 1208": a room with no street
    if sp.label == "STREET_ADDRESS" and plate_after_key(text, sp):
        return None  # "reg CA 482-117": a car's plate
    return sp


# Keys of dates that are not birth dates ("issued 2019-08-30, expires ...", "valid until ...").
OTHER_DATE_KEY = re.compile(r"\b(?:issued|issue date|expires|expiry|exp\.?|valid (?:until|through|thru|from)|"
                            r"dated|signed|effective|due|start date|end date|date|"
                            r"death|died|deceased|d\.|married|m\.|arr\.|buried|bapti[sz]ed)[ \t:.=|-]*\Z", re.IGNORECASE)


# What says a date is a birth date, in the languages of the rule layer's word lists.
BIRTH_CUE = re.compile(r"(?i)(?:born|birth|dob|d\.o\.b|\bb\.|geb|\bné|\bnée|nacid[oa]|naci[óo]\b|nasceu|nascid[oa]|\bnato|"
                       r"\bnata|nacimiento|nascimento|nascita|naissance|geburt|bday|urodzon|urodził|doğum|födelse|fødsel|"
                       r"syntym|народж|рожд|生年月日|出生|생년월일|\bBIRT\b|\bnac\.|\bnasc\.|ngày sinh|lahir|जन्म|"
                       r"alizaliwa|"
                       # Czech, Slovak ("nar. 2. 5. 1996"), Polish, Romanian, Norwegian without its "ø",
                       # Swedish, Hungarian, Greek, Persian, Kazakh
                       r"naroz|narod|\bnar\.|urodzeni|na[şș]t|naster|fodsel|född|szület|γένν|γενν|"
                       r"تولد|туған|fecha[_ ]nac)")  # GEDCOM's "1 BIRT\n2 DATE 19 MAR 1902"
# The key closing the line before ("Date of birth", "And your date of birth?"), not a table header's
# "dob;visit" (no field separator after it).
# Nor an XML element's closing tag ("<dob>1984-02-29</dob>" over "<hireDate>2019-09-01</hireDate>").
BIRTH_KEY_LINE_END = re.compile(r"(?<!</)" + BIRTH_CUE.pattern.removeprefix("(?i)") + r"[^\n\d;|\t,]*\Z", re.IGNORECASE)


def _birth_cued(text: str, sp: PIISpan) -> bool:
    """A birth date has its cue on its line ("DOB", "born", "geb."), or sits in a fixed-width
    table's column under a birth header ("Name    DOB" over "Adaeze Eze    11/02/1984"; another
    header there says no), or its key closes the line before ("Date of birth\n15 April 1990"), or it
    sits in a table row under a birth header (in a row with no header found, or a data row above it
    as in an SQL VALUES list, it is kept). A date in a list under "born ..." with no cue of its own
    ("- 23/09/2025  Tdap  lot SN481035") is some other date."""
    if BIRTH_CUE.search(text, *line_bounds(text, sp.start, sp.end)):
        return True
    if (head := fixed_width_header(text, sp.start)) is not None:
        return BIRTH_CUE.search(head) is not None
    if cued_on_line_before(text, sp, BIRTH_KEY_LINE_END):
        return True
    cell = table_cell(text, sp.start)
    if cell is None:
        return False
    head = column_header(text, cell)
    # no header found, or a data row taken for one (an SQL VALUES list): no evidence either way
    return head is None or any(ch.isdigit() for ch in head) or BIRTH_CUE.search(head) is not None


# A US state's or Canadian province's code before a licence number, with the number after it.
_STATES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
           "OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AB BC MB NB NL NS ON PE QC SK")
STATE_PREFIX = re.compile(rf"(?:{'|'.join(_STATES.split())})[ \t]+(?=\S*\d)")
# ...in brackets: the end of "Driver licence (NSW) 14389257" the probe took in, or after the number.
STATE_CLOSING = re.compile(r"[A-Z]{2,3}\)[ \t]+(?=\S*\d)")
STATE_IN_BRACKETS_AFTER = re.compile(r"[ \t]*\([A-Z]{2,3}\)\Z")

def _after_other_date_key(text: str, sp: PIISpan) -> bool:
    return OTHER_DATE_KEY.search(text, line_back(text, sp.start, 24), sp.start) is not None


CURRENCY_BEFORE = re.compile(r"(?:[$€£¥₹]|\b(?:USD|EUR|GBP|NOK|SEK|DKK|ISK|CHF|JPY|KRW|CNY|INR|CAD|AUD|NZD|PLN|CZK|HUF|"
                             r"BRL|MXN|ZAR|TRY|AED|kr|Rs)\.?)[ \t]*\Z")
COORDINATES = re.compile(r"-?\d{1,3}\.\d{3,},?[ \t]*-?\d{1,3}\.\d{3,}")  # "35.6595, 139.7005"
HTTP_STATUS = re.compile(r"HTTP/\d(?:\.\d)?\"[ \t]*\d")  # before the span or taken into it: '1.1" 200 5120'
ID_CASE_MIX = re.compile(r"[a-z].*[A-Z]|[A-Z].*[a-z]")


DATE_FREE_LABELS = {"US_SSN", "PHONE_NUMBER", "US_DRIVER_LICENSE", "US_PASSPORT"}
_DAY, _MONTH, _YEAR = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:19|20)\d\d"
DATE_SHAPE = re.compile(rf"{_YEAR}-{_MONTH}-{_DAY}|{_DAY}([./-]){_MONTH}\1{_YEAR}|{_MONTH}([./-]){_DAY}\2{_YEAR}")
PHONE_START = re.compile(r"[+(\d]")
MIN_PHONE_DIGITS = 6
# An id prefix glued to the digits ("BCX-4482-9921", "POL-5622256") makes them a reference number.
ID_PREFIX = re.compile(r"(?<![\w-])[A-Z]{2,}[-_]\Z")


COUNTRY_CODE_BEFORE = re.compile(r"(?<![\w+(])(?:\+\d{1,3}[ \t]?(?:\(\d{1,4}\)[ \t]?)?|\(\d{2,4}\)[ \t]?)\Z")
# A first group that opens with a trunk or international prefix ("0", "00 234") before a span the
# probe began at its second group; a last group of 3-4 digits after a span too short for a number.
TRUNK_GROUP_BEFORE = re.compile(r"(?<![\w+(.,/:-])(?:00[ \t]?\d{1,3}|0\d{1,4}|1[38]00)[ \t]\Z")  # "1800 " free-phone
# ...or a trunk digit before an area code in brackets: Russia's "8 (925) 301-44-09", "1 (800) 555-0199".
TRUNK_DIGIT_BEFORE_BRACKET = re.compile(r"(?<![\w+(.,/:-])[18][ \t]?\Z")
# A group may end a sentence or a clause ("07700 900 815. Also"), not a decimal ("815.50").
LAST_GROUP_AFTER = re.compile(r"[ \t]\d{3,4}(?![\w/:-]|[.,]\d|[ \t]?\d)")
# ...and the groups of two to five digits a span too short for a number stops before: "0476 52" + " 18 09",
# "+91 70203" + " 88194", "+380 67 412 88" + " 03".
NEXT_GROUP_AFTER = re.compile(r"[ \t]\d{2,5}(?![\w/:-]|[.,]\d)")
# The digits a whole number has, (at least, at most), without and with "+": a national number 10-11,
# an international one 11-13. NEXT_GROUP_AFTER's groups join until the least is reached.
NUMBER_DIGITS = {False: (10, 11), True: (11, 13)}
MAX_PHONE_DIGITS = 15  # E.164
# Two phone numbers in one span: "07911 123456 / 020 8123 4567 ext 220", "555-0101 or 555-0199",
# "81 8340 2719  WhatsApp 81 1622 0458" (a column gap or a word between them), "+14155238890,+17732094415"
# (a CSV row's comma).
PHONES_APART = re.compile(r",[ \t]*(?=[+(\d])|[ \t]*(?:/|\bor\b|;)[ \t]*|[ \t]{2,}(?:[^\W\d_]+\.?:?[ \t]+)?|[ \t]+[^\W\d_]+\.?:?[ \t]+")


PHONE_IN_NAME = re.compile(r"[+(]?\d(?:[ ()./-]*\d){6,}")


def phone_out_of_name(text: str, sp: PIISpan) -> list[PIISpan]:
    """A PERSON span holding a number of seven digits or more ("nirudishie kwa 0790 441 286 Mungu"):
    the number is a PHONE_NUMBER span (checked like any phone), the words either side PERSON spans
    (checked like any name); a name holds no digits."""
    if sp.label != "PERSON" or (m := PHONE_IN_NAME.search(sp.text)) is None:
        return [sp]
    a, b = sp.start + m.start(), sp.start + m.end()
    pieces = [PIISpan(sp.start, a, "PERSON", sp.score, text[sp.start:a]),
              PIISpan(a, b, "PHONE_NUMBER", sp.score, text[a:b]),
              PIISpan(b, sp.end, "PERSON", sp.score, text[b:sp.end])]
    return [p for p in pieces if p.text.strip()]


# A title written as an initial before a name of two words or more, in the languages that write it
# so: Spanish, Portuguese and Catalan "D." / "D.ª" (Don, Doña: "D. Alejandro Ruiz Cebrián, mayor de
# edad"), French "M." (Monsieur); in English text these are initials ("D. Alejandro Ruiz").
TITLE_INITIAL = re.compile(r"(?:D\.ª|Dª|D\.|M\.)[ \t]+(?=[^\W\d_]+[ \t]+[^\W\d_])")
TITLE_INITIAL_LANGUAGES = {"D": ("es", "pt", "ca"), "M": ("fr",)}


def _without_title_initial(text: str, start: int, end: int) -> int:
    """Where a PERSON span starts once a title written as an initial leaves it (TITLE_INITIAL)."""
    m = TITLE_INITIAL.match(text, start, end)
    if m is None or language_around(text, start, end) not in TITLE_INITIAL_LANGUAGES[text[start]]:
        return start
    return m.end()


def address_in_its_cell(text: str, sp: PIISpan) -> list[PIISpan]:
    """An address span across a comma with no space after it ends there: a CSV row's street cell
    ("1180 Peachtree St NE Ste 400" + ",Atlanta,GA,30309"); no author of the evaluation sets wrote
    an address with such a comma. What is left is checked like any address (one word is none)."""
    if sp.label != "STREET_ADDRESS" or (cut := cell_end(text, sp.start, sp.end)) is None:
        return [sp]
    a, b = trim(text, sp.start, cut)
    return [PIISpan(a, b, sp.label, sp.score, text[a:b])] if b > a else []


def name_on_one_line(text: str, sp: PIISpan) -> list[PIISpan]:
    """A PERSON span across a line break keeps the line with the most letters: a name is written on
    one line ("Harriet Dunmore-Ngata" + "\nM 021 887 4402": the next line's key)."""
    if sp.label != "PERSON" or "\n" not in sp.text:
        return [sp]
    starts = [0] + [m.end() for m in re.finditer(r"\n", sp.text)]
    ends = [m.start() for m in re.finditer(r"\n", sp.text)] + [len(sp.text)]
    a, b = max(zip(starts, ends), key=lambda line: sum(ch.isalpha() for ch in sp.text[line[0]:line[1]]))
    a, b = trim(text, sp.start + a, sp.start + b)
    return [PIISpan(a, b, sp.label, sp.score, text[a:b])] if b > a else []


def phones_apart(text: str, sp: PIISpan) -> list[PIISpan]:
    """A PHONE_NUMBER span holding two numbers of seven digits or more each, split where a slash, ";",
    "or", a column gap or a word stands between them."""
    if sp.label != "PHONE_NUMBER":
        return [sp]
    out, a = [], sp.start
    for m in PHONES_APART.finditer(text, sp.start, sp.end):
        left, right = text[a:m.start()], text[m.end():sp.end]
        if sum(ch.isdigit() for ch in left) >= 7 and sum(ch.isdigit() for ch in right) >= 7:
            out.append(PIISpan(a, m.start(), sp.label, sp.score, left))
            a = m.end()
    return [sp] if not out else [*out, PIISpan(a, sp.end, sp.label, sp.score, text[a:sp.end])]


# A number grouped in thousands by dots, with a check character or not: Chile's RUT ("96.800.570-7"),
# Brazil's CPF ("084.317.226-59") and CNPJ's head, Colombia's cédula, Argentina's DNI. A phone written
# with dots ends in four digits ("312.503.8812").
THOUSANDS_GROUPED_ID = re.compile(r"\d{1,3}(?:\.\d{3}){2}(?:-[\dKk]{1,2})?")


def _phone(text: str, sp: PIISpan) -> PIISpan | None:
    """A phone number starts at its first digit, "+" or "(" (not at "me" in "Whatsapp me 871-..."),
    ends at its last digit (not at "-Fax" in "377-417-3759-Fax"; "x1711" and "ext. 42" end in
    digits) and holds at least 6 digits, as the local numbers of small countries do ("33 93 31"; not
    "press 2", not a 4-digit extension alone). Digits glued to an upper-case id prefix
    ("BCX-4482-9921") are a reference number, not a phone."""
    m = PHONE_START.search(sp.text)
    digits = [i for i, ch in enumerate(sp.text) if ch.isdigit()]
    if m is None or len(digits) < MIN_PHONE_DIGITS:
        return None
    a, b = sp.start + m.start(), sp.start + digits[-1] + 1
    if ID_PREFIX.search(text, max(0, a - 12), a):
        return None
    if (code := COUNTRY_CODE_BEFORE.search(text, max(0, a - 12), a)) is not None:
        a = code.start()  # "+1 " of "+1 (312) 847-2290", "(31) " of "(31) 98842-1176": left out by the probe
    elif text[a].isdigit() and (trunk := TRUNK_GROUP_BEFORE.search(text, max(0, a - 10), a)) is not None \
            and len(digits) + sum(ch.isdigit() for ch in trunk.group()) <= MAX_PHONE_DIGITS:
        a = trunk.start()  # "07826 " of "07826 441 093", "00 234 " of "00 234 803 551 2290"
    elif text[a] == "(" and (trunk := TRUNK_DIGIT_BEFORE_BRACKET.search(text, max(0, a - 3), a)) is not None:
        a = trunk.start()
    if len(digits) < 10 and (tail := LAST_GROUP_AFTER.match(text, b)) is not None and b == sp.end:
        b = tail.end()  # " 4410" of "613 882 4410", " 2016" of "+86 574 8773 2016"
    count, (least, most) = sum(ch.isdigit() for ch in text[a:b]), NUMBER_DIGITS[text[a] == "+"]
    while count < least and b >= sp.end and (group := NEXT_GROUP_AFTER.match(text, b)) is not None \
            and count + len(group.group().strip()) <= most:
        count += len(group.group().strip())  # " 18" + " 09" of "0476 52 18 09"
        b = group.end()
    while b < sp.end and text[b] == ")" and text.count("(", a, b) > text.count(")", a, b):
        b += 1  # "+1 555 123 4567 (ext. 1188)" keeps its closing bracket
    return sp if (a, b) == (sp.start, sp.end) else PIISpan(a, b, sp.label, sp.score, text[a:b])


def names_found_again(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """A name the layer found stands for the same person wherever else the document writes it the
    same way: its other occurrences, as whole words the spans leave free, are names too, under the
    same checks as the probe's names (not "Joubert" of "Joubert Properties"), when the name is
    capitalised, not in capitals, longer than two letters, and no capitalised word follows it there
    ("Jordan" of "Jordan Smith"). Stored probabilities of the demo run: 63 names found on the eighteen
    realistic sets for 11 false ones, 26 for 14 on the training files (twenty-fifth session); without
    those limits, 79 for 59 and 30 for 45."""
    names = {sp.text for sp in spans if sp.label == "PERSON" and len(sp.text) > 2 and not sp.text[:1].islower()
             and not sp.text.isupper()}
    if not names:
        return spans
    finds = []
    for name in names:
        # not before another capitalised word: part of a longer name or a firm's ("Jordan" of "Jordan Smith")
        for m in re.finditer(r"(?<![\w@.-])" + re.escape(name) + r"(?![\w@-]|\.\w|[ \t]+[A-Z])", text):
            find = PIISpan(m.start(), m.end(), "PERSON", FIND_SCORE, name)
            if _checked(text, find) == find:
                finds.append(find)
    # at one place, the longest name first: "Sipho Dlamini", not "Dlamini" of it
    return with_finds(spans, sorted(finds, key=lambda s: (s.start, -s.end))) if finds else spans
