"""The PII label set, in one place, and the label-id mapping every other module shares."""

from __future__ import annotations

LABELS: tuple[str, ...] = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "STREET_ADDRESS",
    "DATE_OF_BIRTH",
    "US_SSN",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "US_PASSPORT",
    "US_DRIVER_LICENSE",
)

OUTSIDE = "O"
# Class 0 is "not PII"; class i (1..n) is LABELS[i - 1].
CLASSES: tuple[str, ...] = (OUTSIDE, *LABELS)
CLASS_TO_ID: dict[str, int] = {name: i for i, name in enumerate(CLASSES)}
# Labels made of words rather than a format: their shapes overlap, and rules reshape them.
FREE_TEXT_LABELS = frozenset({"PERSON", "STREET_ADDRESS"})


def check_label(label: str) -> str:
    if label not in LABELS:
        raise ValueError(f"unknown PII label {label!r}: expected one of {', '.join(LABELS)}")
    return label
