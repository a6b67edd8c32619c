"""Synthetic labelled documents: many document kinds, many cultures' names, exact character spans.

Templates hold `{{SLOT}}` placeholders (`slots.py`). PII slots become gold spans; confuser slots
(order numbers, SKUs, versions, UUIDs, non-birth dates, companies, cities...) are filled with
look-alikes and stay unlabelled, so a probe has to use context rather than shape alone. Values come
from Faker across many locales (`values.py`); card numbers pass Luhn, IBANs carry valid mod-97 check
digits.

Half the documents fill a whole-document template (`templates.py`, `documents.txt`), half string
short frames and key-value lines together (`compose.py`). Train, validation and test are split BY
TEMPLATE (and frame, and key), so the held-out splits measure generalisation to unseen phrasings and
layouts, not memorised templates.
"""

from sae_pii.pii.synth.generator import generate
from sae_pii.pii.synth.render import render
from sae_pii.pii.synth.templates import SPLITS, Template, split_templates, template_split, templates
from sae_pii.pii.synth.values import PHONE_LOCALES, ValueMaker

__all__ = ["PHONE_LOCALES", "SPLITS", "Template", "ValueMaker", "generate", "render", "split_templates",
           "template_split", "templates"]
