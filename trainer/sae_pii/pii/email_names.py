"""Names that their e-mail address spells (part of the rule layer): the capitalised words right
before an address, joined to it by a bracket, "<" or "mailto:", whose first or last word is a part
of its local part, are a person's name whatever the probe made of them ("Priya Shah
(priya.shah@acmebio.com)" in a sign-in log, "CN=Bartosz Zieliński:mailto:bartosz.zielinski@..." in
a calendar invite, "Keala Akana <keala.akana@...>" in a header); so are the cells of the address's
table row that a part of it spells ("Harriet,Okafor-Lewis,harriet@okaforlewis.co.uk",
"(10442, 'Anneke', 'de Vries', 'anneke.devries@ziggo.nl')"). A shared mailbox ("Support Team
<support@...>") names no one.
"""

from __future__ import annotations

import re

from sae_pii.pii.name_cues import table_cell
from sae_pii.pii.name_lexicon import known_given_names, known_names, plain
from sae_pii.pii.name_rules import NOT_NAME, PARTICLES
from sae_pii.pii.trim import line_bounds

# The words before the address and what joins them to it, on the address's line.
WORDS_BEFORE_ADDRESS = re.compile(r"((?:[^\W\d_][^\s<>()\[\]:;,\"=]*[ \t]+){0,5}[^\W\d_][^\s<>()\[\]:;,\"=]*)"
                                  r"[\"']?[ \t]*(?:<|\(|\[|(?<=[^\s]):mailto:|[ \t]mailto:)[ \t]*\Z", re.IGNORECASE)
ROLE_MAILBOXES = frozenset([
    "info", "support", "sales", "admin", "administrator", "noreply", "no-reply", "donotreply", "contact",
    "help", "helpdesk", "billing", "office", "hr", "team", "service", "hello", "mail", "payroll", "accounts",
    "accounting", "jobs", "careers", "press", "media", "orders", "booking", "bookings", "reservations",
    "security", "it", "legal", "compliance", "finance", "marketing", "news", "newsletter", "notifications",
    "alerts", "webmaster", "postmaster", "customerservice", "care", "enquiries", "inquiries", "reception",
    "frontdesk", "dispatch", "claims", "returns"])
MAX_NAME_WORDS = 4


def _parts(local: str) -> set[str]:
    """The parts of a local part, digits aside ("anh.tran88" -> {"anh", "tran"})."""
    return {p for p in re.split(r"[._+\-\d]+", local.lower()) if len(p) >= 2}


def _local_parts(address: str) -> set[str]:
    """The parts of an address's local part; none for a shared mailbox."""
    local = address.split("@", 1)[0].lower()
    parts = _parts(local)
    return set() if local in ROLE_MAILBOXES or parts & ROLE_MAILBOXES else parts


def named_by_email(text: str, emails: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of each name spelled by an e-mail address (start, end): right before it, or a
    cell of its table row."""
    found: set[tuple[int, int]] = set()
    for a, b in emails:
        parts = _local_parts(text[a:b])
        if parts:
            found.update(_name_before(text, a, parts))
            found.update(_row_names(text, a, parts))
    return sorted(found)


# A cell's value: a name of one to three words of letters, in quotes or not.
CELL_NAME = re.compile(r"[ \t]*[\"'(]?[ \t]*([^\W\d_][^\W\d_'’.-]*(?: [^\W\d_][^\W\d_'’.-]*){0,2})[ \t]*[\"')]?[ \t]*")


def _row_names(text: str, a: int, parts: set[str]) -> list[tuple[int, int]]:
    """The cells of the table row holding the address at `a` that `parts` spell."""
    cell = table_cell(text, a)
    if cell is None:
        return []
    out = []
    line_start, line_end = line_bounds(text, a)
    pos = line_start
    for piece in text[line_start:line_end].split(cell[1]):
        m = CELL_NAME.fullmatch(piece)
        pos_piece, pos = pos, pos + len(piece) + 1
        if m is None:
            continue
        words = m.group(1).split()
        if any(w.lower() in NOT_NAME and w not in PARTICLES for w in words) or not any(
                len(plain(w)) >= 3 and plain(w) in parts for w in words) and plain(m.group(1)) not in parts:
            continue
        out.append((pos_piece + m.start(1), pos_piece + m.end(1)))
    return out


def _name_before(text: str, a: int, parts: set[str]) -> list[tuple[int, int]]:
    """The run of capitalised words joined to the address at `a` when `parts` spell its first or last word."""
    m = WORDS_BEFORE_ADDRESS.search(text, text.rfind("\n", 0, a) + 1, a)
    if m is None:
        return []
    run = []  # the capitalised words closing the run, at most MAX_NAME_WORDS, titles aside ("Prof.")
    for w in reversed(list(re.finditer(r"\S+", m.group(1)))):
        if not w.group()[:1].isupper() or len(run) == MAX_NAME_WORDS or w.group().strip(".").lower() in NOT_NAME:
            break
        run.insert(0, w)
    matched = {plain(run[0].group()), plain(run[-1].group())} & parts if run else set()
    # a one-part mailbox spelled by a word that is no name the name lexicon knows is a department's
    # ("Zoomly Driver Onboarding <onboarding@...>")
    if not matched or (len(parts) == 1 and not matched & known_names()):
        return []
    return [(m.start(1) + run[0].start(), m.start(1) + run[-1].end())]


MAILBOX_AFTER = re.compile(r"[ \t]*<[ \t]*([A-Za-z0-9._%+-]+)@")


def names_a_mailbox(text: str, start: int, end: int) -> bool:
    """A display name before "<address>" whose last word, no name the name lexicon knows, is its
    address's local part: a department or a shared mailbox ("Zoomly Driver Onboarding <onboarding@...>",
    "Global Mobility <mobility@...>"), not a person."""
    m = MAILBOX_AFTER.match(text, end)
    words = text[start:end].split()
    if m is None or not words:
        return False
    last = plain(words[-1])
    if last in known_names() or any(plain(part) in known_names() for part in re.split(r"[-'’]", words[-1])):
        return False  # a surname the lexicon knows in part: "Fatima Al-Sayed <f.alsayed@...>"
    if len(words) > 1 and plain(words[0]) in known_given_names():
        return False  # a given name before it: "Daniel Whitcombe <d.whitcombe@...>"
    return last in _parts(m.group(1))
