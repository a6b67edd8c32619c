"""The offline default corpus: generic English text mixed with PII-bearing documents.

Nothing is downloaded: every document is generated here from Faker (en_US locale) and a few
hand-written templates, with a fixed seed, so the same seed gives the same corpus on every machine
with the same Faker version (pinned in constraints.txt). Roughly half the documents are generic
prose (news-style paragraphs, product reviews, meeting notes built from Faker's English word
lists) and half carry personal data in the places it shows up in practice: e-mails, support
tickets, HR records, invoices, shipping notices, chat logs, appointment notes. The SAE only needs
the residual stream of both kinds of text, so that PII features exist among its latents.

These templates are deliberately not `sae_pii.pii.synth`'s: the probes are evaluated on synth
templates they never saw, and an SAE trained on those same templates would blur that test.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from faker import Faker

DEFAULT_SEED = 0
PII_FRACTION = 0.5


# Faker's date_this_year/date_of_birth/time, day_of_week, month_name and credit_card_expire are
# relative to *today*: the corpus would change from one day (or minute) to the next. These draw
# from fixed ranges so a seed means one corpus.
_CORPUS_YEAR = 2025


def _recent_date(f: Faker) -> date:
    return f.date_between_dates(date(_CORPUS_YEAR, 1, 1), date(_CORPUS_YEAR, 12, 31))


def _birth_date(f: Faker, min_age: int, max_age: int) -> date:
    return f.date_between_dates(date(_CORPUS_YEAR - max_age, 1, 1), date(_CORPUS_YEAR - min_age, 12, 31))


def _clock_time(f: Faker) -> str:
    return f"{f.random_int(0, 23):02d}:{f.random_int(0, 59):02d}"


def _generic_news(f: Faker, r: random.Random) -> str:
    topic = r.choice(["the economy", "public transport", "local schools", "renewable energy", "housing",
                      "the city budget", "a new library", "water quality", "the football season"])
    parts = [
        f"{f.catch_phrase()}: what it means for {topic}.",
        f"Officials said on {_recent_date(f):%A} that {topic} would be a priority this year. "
        + f.paragraph(nb_sentences=r.randint(3, 6)),
        f"\"{f.sentence(nb_words=r.randint(8, 14))}\" one analyst said. " + f.paragraph(nb_sentences=r.randint(2, 5)),
    ]
    return "\n\n".join(parts)


def _generic_review(f: Faker, r: random.Random) -> str:
    product = r.choice(["coffee grinder", "running shoes", "laptop stand", "desk lamp", "backpack",
                        "electric kettle", "phone case", "wireless headphones", "office chair"])
    stars = r.randint(1, 5)
    return (
        f"{stars} out of 5 stars. I bought this {product} {r.randint(2, 11)} weeks ago. "
        + f.paragraph(nb_sentences=r.randint(2, 5))
        + f" Overall, {'I would recommend it' if stars >= 3 else 'I would not buy it again'}."
    )


def _generic_notes(f: Faker, r: random.Random) -> str:
    items = "\n".join(f"- {f.bs().capitalize()}: {f.sentence(nb_words=r.randint(6, 12))}" for _ in range(r.randint(3, 6)))
    return f"Meeting notes, {_recent_date(f):%B} {r.randint(1, 28)}.\nAgenda:\n{items}\n{f.paragraph(nb_sentences=3)}"


def _generic_story(f: Faker, r: random.Random) -> str:
    return " ".join(f.paragraph(nb_sentences=r.randint(4, 8)) for _ in range(r.randint(1, 3)))


def _pii_email(f: Faker, r: random.Random) -> str:
    sender, recipient = f.name(), f.name()
    return (
        f"From: {sender} <{f.email()}>\nTo: {recipient} <{f.company_email()}>\nSubject: {f.sentence(nb_words=5)}\n\n"
        f"Hi {recipient.split()[0]},\n\n{f.paragraph(nb_sentences=r.randint(2, 4))} You can reach me at "
        f"{f.phone_number()} or stop by {f.street_address()}, {f.city()}.\n\nBest,\n{sender}"
    )


def _pii_ticket(f: Faker, r: random.Random) -> str:
    return (
        f"Support ticket #{r.randint(10000, 99999)}\nCustomer: {f.name()}\nEmail: {f.email()}\n"
        f"Phone: {f.phone_number()}\nIssue: {f.sentence(nb_words=r.randint(6, 12))} "
        f"{f.paragraph(nb_sentences=2)} The card on file ends in {f.credit_card_number()[-4:]} and the "
        f"account was opened from IP {f.ipv4_public()}."
    )


def _pii_hr(f: Faker, r: random.Random) -> str:
    return (
        f"Employee record\nName: {f.name()}\nDate of birth: {_birth_date(f, 20, 65)}\n"
        f"SSN: {f.ssn()}\nHome address: {f.address().replace(chr(10), ', ')}\nPosition: {f.job()}\n"
        f"Emergency contact: {f.name()}, {f.phone_number()}\nNotes: {f.paragraph(nb_sentences=2)}"
    )


def _pii_invoice(f: Faker, r: random.Random) -> str:
    return (
        f"Invoice {f.bothify('INV-####-??').upper()} issued to {f.name()}, {f.company()}, "
        f"{f.address().replace(chr(10), ', ')}. Amount due: ${r.randint(20, 9000)}.{r.randint(0, 99):02d}. "
        f"Pay by card {f.credit_card_number()} (exp {_recent_date(f).replace(year=_CORPUS_YEAR + f.random_int(1, 5)):%m/%y}) or IBAN {f.iban()}. "
        f"Questions: {f.email()}."
    )


def _pii_shipping(f: Faker, r: random.Random) -> str:
    return (
        f"Your order {r.randint(100000, 999999)} has shipped! It will be delivered to {f.name()} at "
        f"{f.street_address()}, {f.city()}, {f.state_abbr()} {f.zipcode()} on {_recent_date(f)}. "
        f"If you are not home, the courier will call {f.phone_number()}. {f.sentence()}"
    )


def _pii_chat(f: Faker, r: random.Random) -> str:
    a, b = f.first_name(), f.first_name()
    lines = [
        f"{a}: hey, {f.sentence(nb_words=6).lower()}",
        f"{b}: sure, my new number is {f.phone_number()}",
        f"{a}: and what's your email again?",
        f"{b}: {f.free_email()}, or send it to my work one {f.company_email()}",
        f"{a}: great, I'll mail the papers to {f.street_address()}. {f.sentence(nb_words=5)}",
    ]
    return "\n".join(lines)


def _pii_appointment(f: Faker, r: random.Random) -> str:
    return (
        f"Appointment confirmed for {f.name()} (DOB {_birth_date(f, 1, 90)}, "
        f"patient ID {f.bothify('??-######').upper()}) with Dr. {f.last_name()} on {_recent_date(f)} at "
        f"{_clock_time(f)}. {f.paragraph(nb_sentences=2)} Reply to {f.email()} or call "
        f"{f.phone_number()} to reschedule."
    )


GENERIC_KINDS: tuple[Callable[[Faker, random.Random], str], ...] = (
    _generic_news, _generic_review, _generic_notes, _generic_story,
)
PII_KINDS: tuple[Callable[[Faker, random.Random], str], ...] = (
    _pii_email, _pii_ticket, _pii_hr, _pii_invoice, _pii_shipping, _pii_chat, _pii_appointment,
)


def iter_documents(n_documents: int, seed: int = DEFAULT_SEED, pii_fraction: float = PII_FRACTION) -> Iterator[str]:
    """Yield `n_documents` texts, deterministic given the seed."""
    if n_documents < 0:
        raise ValueError(f"n_documents must be >= 0, got {n_documents}")
    if not 0.0 <= pii_fraction <= 1.0:
        raise ValueError(f"pii_fraction must be in [0, 1], got {pii_fraction}")
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    for _ in range(n_documents):
        kinds = PII_KINDS if rng.random() < pii_fraction else GENERIC_KINDS
        yield rng.choice(kinds)(fake, rng)


def generate_documents(n_documents: int, seed: int = DEFAULT_SEED, pii_fraction: float = PII_FRACTION) -> list[str]:
    return list(iter_documents(n_documents, seed, pii_fraction))


def write_default_corpus(path: str | Path, n_documents: int, seed: int = DEFAULT_SEED) -> Path:
    """Write the corpus as JSON lines ({"text": ...}), atomically; a file any `datasets` loader reads."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with tmp.open("w", encoding="utf-8") as fh:
        for text in iter_documents(n_documents, seed):
            fh.write(json.dumps({"text": text}) + "\n")
    os.replace(tmp, path)
    return path
