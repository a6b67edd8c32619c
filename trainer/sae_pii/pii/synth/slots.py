"""The slot grammar of templates: `{{SLOT}}` placeholders, which slots are PII and of which label."""

from __future__ import annotations

import re

SLOT = re.compile(r"\{\{([A-Z_0-9]+)\}\}")
PII_SLOTS = {
    "NAME": "PERSON", "NAME2": "PERSON", "FIRST": "PERSON", "LAST": "PERSON",
    "EMAIL": "EMAIL_ADDRESS", "PHONE": "PHONE_NUMBER", "ADDRESS": "STREET_ADDRESS",
    "STREET": "STREET_ADDRESS", "DOB": "DATE_OF_BIRTH", "SSN": "US_SSN", "CC": "CREDIT_CARD",
    "IBAN": "IBAN_CODE", "IP": "IP_ADDRESS", "PASSPORT": "US_PASSPORT", "DL": "US_DRIVER_LICENSE",
    # Derived name slots: FN/LN are the first/last name of the document's NAME (same digit suffix),
    # U-prefixed slots are upper-cased (screenplay speakers, CV headers). CROSS: "Elm St and 5th Ave".
    "FN": "PERSON", "LN": "PERSON", "UFIRST": "PERSON", "ULAST": "PERSON", "UNAME": "PERSON", "UFN": "PERSON",
    "ULN": "PERSON", "CROSS": "STREET_ADDRESS",
}
NAME_REF = re.compile(r"^(U?)(FN|LN|FIRST|LAST|NAME)(\d*)$")
# Slots drawn afresh at every occurrence (timestamps, counters, amounts); all others repeat their value
# when a template names them twice.
FRESH_SLOTS = {"TIME", "DATETIME", "LOGTIME", "NUM", "NUM2", "NUM4", "AMOUNT", "SKU", "UUID", "HASH", "PORT"}


def slot_label(slot: str) -> str | None:
    """The gold label a slot's value gets ("NAME2" -> PERSON), or None for a confuser slot."""
    if slot in PII_SLOTS:
        return PII_SLOTS[slot]
    base = re.sub(r"\d+$", "", slot)
    if base == "ADDRESS_1L":
        return "STREET_ADDRESS"
    return PII_SLOTS.get(base)
