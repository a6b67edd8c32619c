"""Spans the probe called STREET_ADDRESS that are something else (part of the rule layer): a
quantity with its unit ("112 sq m"), an amount with its currency after it ("750,00 zł") or opening
an invoice's lines ("699,80 TL\nAra Toplam"), a date
with its month's name ("9 października 2024"), a room or flat with no street after words on its
line ("Guest: Mr. Hamid Karimi Room 1208"), a car's registration plate after its key ("reg CA 482-117",
"Kennzeichen: L-SK 2231"; 6 false addresses dropped on the realistic sets and 2 on the training
files, none lost: twenty-fifth session)."""

from __future__ import annotations

import re
from functools import lru_cache

from sae_pii.pii.address_rules import UNIT_WORDS
from sae_pii.pii.faker_lists import attribute_values
from sae_pii.pii.spans import PIISpan

MEASURE_UNITS = frozenset([
    "sq", "m", "m2", "ft", "ft2", "sqft", "km", "mi", "miles", "kg", "g", "lb", "lbs", "oz", "t", "l", "ml", "cm", "mm",
    "in", "x", "pcs", "pieces", "units", "items", "cartons", "boxes", "pallets", "bags", "y", "yrs", "years", "mo",
    "months", "wk", "weeks", "d", "days", "h", "hrs", "hours", "min", "mins", "kwh", "mb", "gb", "tb"])


def no_address(value: str) -> bool:
    """A quantity, an amount, an invoice's lines, a date or a keyed number (below), whatever the probe
    called it."""
    return quantity_not_address(value) or date_not_address(value) or opens_with_amount(value) \
        or KEYED_NUMBER.match(value) is not None or CODED_AMOUNT.search(value) is not None


# An amount written with its currency's code or sign before it ("CHF 120'000", "€ 38.400"): a table
# of amounts, never a line of an address.
CODED_AMOUNT = re.compile(r"(?<![^\W\d_])(?:CHF|EUR|USD|GBP|PLN|SEK|NOK|DKK|CZK|HUF|INR|KES|NGN|ZAR|BRL|MXN|ARS|CLP|"
                          r"COP|PHP|IDR|VND|JPY|CNY|RMB|AUD|CAD|NZD|SGD|HKD|AED|SAR|RUB|UAH|TRY)[ \t]?\d|[€$£¥₹][ \t]?\d")


# A span that opens with an id's, a booking's or a seat's key and its number: "DNI 48291734K",
# "PESEL 85071402379", "HRB 241887", "Seats 38A 38B", "Ward 39", "Emp 77214", "Folio 2217".
KEYED_NUMBER = re.compile(
    r"(?:DNI|NIE|NIF|PESEL|CUIT|CUIL|RUT|HRB|HRA|APE|SIRET|SIREN|CPF|CNPJ|OIB|BSN|EORI|VAT|TVA|USt-IdNr|Emp|Matricola|"
    r"Folio|Serie|Seats?|Flight|Deck|Gate|Tables?|Ward|Precinct|Booking|Reserva|Conf|PNR|Ticket|Order|Invoice|Ref|"
    r"Acct|KdNr|Mandat|Policy|Claim|Case|SKU|S/N|Ver)\.?:?[ \t]*(?:no\.?|nr\.?|#)?[ \t]*\d")


def opens_with_amount(value: str) -> bool:
    """A span of several lines whose first line is an amount (a currency or decimal cents) or a
    currency alone ("699,80 TL\nAra Toplam", "TL\n2 x Madame Coco ..."): an invoice's lines, no
    address; not a number alone ("0979\nDPO AA 56703": a piece of one)."""
    first, newline, _ = value.partition("\n")
    words = [w.strip(".,").lower() for w in first.split()]
    money = any(w in CURRENCY_WORDS for w in words) or AMOUNT.search(first) is not None  # not a house number alone
    return bool(newline) and bool(words) and money and (quantity_not_address(first) or all(w in CURRENCY_WORDS for w in words))


AMOUNT = re.compile(r"\d[.,]\d{2}(?!\d)")  # "890,00", "4.99"


def quantity_not_address(value: str) -> bool:
    """Numbers and units of measure or currencies only: a quantity ("112 sq m", "98,400 mi", "640
    cartons, 9") or an amount ("750,00 zł"), not an address (lower-case addresses are common in
    forms: "89 cours franklin roosevelt")."""
    words = [w.strip(".,") for w in value.split()]
    return any(ch.isdigit() for ch in value) and all(
        w.replace(",", "").replace(".", "").isdigit() or w.lower() in MEASURE_UNITS or w.lower() in CURRENCY_WORDS
        for w in words if w)


# Currencies written after an amount ("750,00 zł", "9 842 kr", "2.878,92 TL"): an amount, no address.
CURRENCY_WORDS = frozenset(["zł", "zl", "kr", "tl", "rp", "€", "eur", "usd", "pln", "sek", "nok", "dkk", "chf", "gbp",
                            "£", "$", "kč", "czk", "huf", "try", "inr", "rs", "ksh", "kes", "ngn", "zar", "brl", "mxn",
                            "ars", "clp", "cop", "php", "idr", "vnd", "đ", "₫", "yen", "¥", "won", "₩", "lei", "ron"])


@lru_cache(maxsize=1)
def _month_stems() -> tuple[frozenset[str], tuple[str, ...]]:
    """Faker's month names of all locales, lower-cased: the short ones whole, the stems of the long
    ones for their declined forms ("października" of "październik")."""
    names = {str(m).lower() for months in attribute_values("date_time", "MONTH_NAMES".__eq__)
             if isinstance(months, dict) for m in months.values()}
    return frozenset(n for n in names if len(n) < 6), tuple(sorted(n[:-2] for n in names if len(n) >= 6))


def _month_word(word: str) -> bool:
    short, stems = _month_stems()
    return word in short or word.startswith(stems)


def date_not_address(value: str) -> bool:
    """Day, month name and year only ("9 października 2024", "6 Maret"): a date, not an address."""
    words = [w.strip(".,").lower() for w in value.split()]
    return any(_month_word(w) for w in words) and any(w.isdigit() for w in words) and all(
        (w.isdigit() and len(w) <= 4) or _month_word(w) or w in ("de", "del", "of", "r", "") for w in words)


UNIT_ALONE = re.compile(rf"(?:{UNIT_WORDS})\.?[ \t]*(?:no\.?|#)?[ \t]*\d+[A-Za-z]?", re.IGNORECASE)


def unit_alone(text: str, sp: PIISpan) -> bool:
    """A room, flat or suite number with no street after words on its line ("Guest: Mr. Hamid Karimi
    Room 1208"): where someone is inside a building named elsewhere, not an address. On a line of
    its own it is a line of an address block, which the presidio-research files label apart."""
    line_start = text.rfind("\n", 0, sp.start) + 1
    return (UNIT_ALONE.fullmatch(sp.text) is not None and re.search(r"[^\W\d_]", text[line_start:sp.start]) is not None
            and re.match(r"[ \t]*\w", text[sp.end:]) is None)  # not "Unit 8524" of "Unit 8524 Box 0979"


# A vehicle registration's key, in the languages the word lists cover: what follows is a plate.
_PLATE_KEY = (r"(?i)(?<![^\W\d_])(?:reg(?:istration)?(?:[ \t]*(?:no\.?|number|#))?|rego|"
              r"(?:licen[cs]e[ \t]+)?plates?|nr[ \t]+rej\.?|numer[ \t]+rejestracyjny|kennzeichen|"
              r"(?:num[ăa]rul[ \t]+de[ \t]+|nr\.?[ \t]+de[ \t]+)?[îi]nmatriculare|immatriculation|"
              r"targa|matr[íi]cula|placa|rekisterinumero)[ \t]*[:.#-]?[ \t]*")
PLATE_KEY_BEFORE = re.compile(_PLATE_KEY + r"\Z")
PLATE_KEY_START = re.compile(_PLATE_KEY)  # the probe took the key in: "reg CA 482-117"
PLATE_SHAPE = re.compile(r"[A-Z0-9][A-Z0-9 -]{2,12}")  # "CA 482-117", "KA 05 MN 4471", "L-SK 2231"


def plate_after_key(text: str, sp: PIISpan) -> bool:
    """A car's registration plate the probe called an address: capitals and digits right after a
    plate's key on its line, or with the key taken in ("white Toyota Quantum, reg CA 482-117",
    "Kennzeichen: L-SK 2231")."""
    line_start = text.rfind("\n", 0, sp.start) + 1
    key = PLATE_KEY_START.match(sp.text)
    plate = sp.text[key.end():] if key is not None else sp.text
    return (PLATE_SHAPE.fullmatch(plate) is not None and any(ch.isdigit() for ch in plate)
            and (key is not None or PLATE_KEY_BEFORE.search(text, max(line_start, sp.start - 40), sp.start) is not None))
