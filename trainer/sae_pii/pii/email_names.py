"""Names that their e-mail address spells (part of the rule layer): the capitalised words right
before an address, joined to it by a bracket, "<" or "mailto:", whose first or last word is a part
of its local part, are a person's name whatever the probe made of them ("Priya Shah
(priya.shah@acmebio.com)" in a sign-in log, "CN=Bartosz Zieliński:mailto:bartosz.zielinski@..." in
a calendar invite, "Keala Akana <keala.akana@...>" in a header). A shared mailbox ("Support Team
<support@...>") names no one.
"""

from __future__ import annotations

import re
import unicodedata

from sae_pii.pii.name_rules import NOT_NAME

# The words before the address and what joins them to it, on the address's line.
WORDS_BEFORE_ADDRESS = re.compile(r"((?:[^\W\d_][^\s<>()\[\]:;,\"=]*[ \t]+){0,5}[^\W\d_][^\s<>()\[\]:;,\"=]*)"
                                  r"[\"']?[ \t]*(?:<|\(|\[|(?<=[^\s]):mailto:|[ \t]mailto:)[ \t]*\Z", re.IGNORECASE)
ROLE_MAILBOXES = frozenset(["info", "support", "sales", "admin", "administrator", "noreply", "no-reply", "donotreply", "contact", "help", "helpdesk", "billing", "office", "hr", "team", "service", "hello", "mail", "payroll", "accounts", "accounting", "jobs", "careers", "press", "media", "orders", "booking", "bookings", "reservations", "security", "it", "legal", "compliance", "finance", "marketing", "news", "newsletter", "notifications", "alerts", "webmaster", "postmaster", "customerservice", "care", "enquiries", "inquiries", "reception", "frontdesk", "dispatch", "claims", "returns"])
MAX_NAME_WORDS = 4


def _plain(word: str) -> str:
    """Lower case without accents, hyphens or apostrophes: "Zieliński" -> "zielinski"."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def named_by_email(text: str, emails: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of each name spelled by the e-mail address (start, end) right after it."""
    out = []
    for a, b in emails:
        local = text[a:b].split("@", 1)[0].lower()
        parts = {p for p in re.split(r"[._+-]", local) if len(p) >= 2}
        if not parts or local in ROLE_MAILBOXES or parts & ROLE_MAILBOXES:
            continue
        line_start = text.rfind("\n", 0, a) + 1
        m = WORDS_BEFORE_ADDRESS.search(text, line_start, a)
        if m is None:
            continue
        words = [w for w in re.finditer(r"\S+", m.group(1))]
        run = []  # the capitalised words closing the run, at most MAX_NAME_WORDS, titles aside ("Prof.")
        for w in reversed(words):
            if not w.group()[:1].isupper() or len(run) == MAX_NAME_WORDS or w.group().strip(".").lower() in NOT_NAME:
                break
            run.insert(0, w)
        if run and ({_plain(run[0].group()), _plain(run[-1].group())} & parts):
            out.append((m.start(1) + run[0].start(), m.start(1) + run[-1].end()))
    return out
