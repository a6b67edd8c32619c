"""A person's name put back together after decoding (part of decode.py's boundary repair): the
pieces a name was cut into at its particles ("van den" + "Ülker"), a final initial ("Ryszard Y" +
". Grab"), two spaces ("Grace  Achieng"), a nickname's quote or brackets ('Rosl "Rob" Rust', "Nora (Fitzgerald) Donnelly"), and
the comma or slash of a surname written first ("Nagy, Fanni", "KOVALENKO, Serhii Mykolaiovych",
"TANAKA / Haruto", a quoted "Okafor, Ngozi"). `whole_names` runs them in order."""

from __future__ import annotations

import re

from sae_pii.pii.name_cues import given_name_only, table_cell
from sae_pii.pii.name_lexicon import known_given_names, known_names, plain
from sae_pii.pii.name_rules import NAME_SUFFIXES, NOT_NAME, PARTICLES, preposition_before_given_name
from sae_pii.pii.spans import PIISpan

LIST_WORDS = ("and", "und", "et", "y", "e")  # "and" between the names of a list ("Park and Mann"), 5 languages


def whole_names(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """The decoded spans with each name's cut pieces joined back into one span."""
    spans = [_with_korean_surname(text, _with_particles(text, _with_surname_after_initial(text, sp))) for sp in spans]
    spans = _join_inverted_names(text, _join_nicknames(text, _join_double_spaced(text, spans)))
    return _join_quoted_inverted(text, _with_capitals_given_names(text, spans))


PARTICLES_BEFORE = re.compile(r"(?:(?<=[ \t\n(\"'])|^)((?:(?:van|von|bin|binti|bint|ibn|ter|ten|zu|de|da|di|do|dos|das|du|"
                              r"del|della|der|den|la|le)[ \t]+)+)\Z")
STRONG_PARTICLES = {"van", "von", "bin", "binti", "bint", "ibn", "ter", "ten", "zu"}


def _with_particles(text: str, sp: PIISpan) -> PIISpan:
    """A surname's particles the probe left out join it: "van den" + "Ülker", "bint" + "Oscar", "van"
    + "den Pol" (a particle that only ever opens a surname, or more of them before one it took)."""
    if sp.label != "PERSON":
        return sp
    m = PARTICLES_BEFORE.search(text, max(0, sp.start - 24), sp.start)
    if m is None:
        return sp
    words = m.group(1).split()
    name = sp.text.split()
    first = name[0] if name else ""
    if not (STRONG_PARTICLES & set(words) or first.lower() in PARTICLES):
        return sp
    if preposition_before_given_name(words, first, len(name) > 1):
        return sp  # "Gutschrift von" + "Yasemin Aksoy"
    return PIISpan(m.start(1), sp.end, sp.label, sp.score, text[m.start(1):sp.end])


# Romanized Korean surnames (Revised Romanization and the common older spellings).
KOREAN_SURNAMES = ("Kim|Lee|Yi|Park|Pak|Choi|Choe|Jung|Jeong|Chung|Kang|Cho|Jo|Yoon|Yun|Jang|Chang|Lim|Im|Han|Oh|"
                   "Seo|Suh|Shin|Sin|Kwon|Hwang|Ahn|An|Song|Yoo|Yu|Hong|Jeon|Jun|Ko|Go|Moon|Mun|Yang|Son|Bae|Baek|"
                   "Heo|Huh|Nam|Noh|Roh|Ha|Kwak|Sung|Seong|Cha|Joo|Ju|Woo|Koo|Gu|Min|Ryu|Na|Jin|Ji|Um|Eom|"
                   "Byun|Chae|Won|Chun|Cheon|Bang|Gong|Hyun|Yeo|Do|Pyo|Myung|Sim|Shim|Seok|Ma|Gil|Yeon|Wi")
# A Korean given name written with a hyphen ("Jae-won", "Seo-yeon") then the surname the probe left out.
KOREAN_GIVEN = re.compile(r"[A-Z][a-z]{1,4}-[a-z]{2,4}")
KOREAN_SURNAME_AFTER = re.compile(rf" (?:{KOREAN_SURNAMES})(?![\w'’-])")


def _with_korean_surname(text: str, sp: PIISpan) -> PIISpan:
    """A hyphenated Korean given name takes the romanized surname right after it: "Hyun-woo" + " Lim"."""
    if sp.label != "PERSON" or KOREAN_GIVEN.fullmatch(sp.text) is None:
        return sp
    m = KOREAN_SURNAME_AFTER.match(text, sp.end)
    return sp if m is None else PIISpan(sp.start, m.end(), sp.label, sp.score, text[sp.start:m.end()])


SURNAME_AFTER_INITIAL = re.compile(r"\.[ \t]+(?:[A-Z]\.[ \t]+)*[^\W\d_]*[A-Z][^\W\d_'’-]*(?:[-'’][^\W\d_]+)*")


def _with_surname_after_initial(text: str, sp: PIISpan) -> PIISpan:
    """A name that ends in an initial goes on to the surname after it: "Ryszard Y" + ". Grab", "T" +
    ". Cousin" (an initial closes no name)."""
    if sp.label != "PERSON" or not re.search(r"(?:^|\s)[A-Z]\Z", sp.text):
        return sp
    m = SURNAME_AFTER_INITIAL.match(text, sp.end)
    if m is None:
        return sp
    return PIISpan(sp.start, m.end(), sp.label, sp.score, text[sp.start:m.end()])


# The given names after a surname in capitals, in capitals too, closing the line or the column:
# "Driver: KOWALCZYK" + ", PIOTR A" (forms print "SURNAME, GIVEN NAMES" so).
CAPITALS_GIVEN_AFTER = re.compile(r", ?[A-Z][A-Z'’-]+(?: [A-Z][A-Z'’-]+)?(?: [A-Z]\.?)?(?=[ \t]{2,}|\t|[ \t]*(?:\n|\Z))")
# ...or capitalised given names the name lexicon knows: "| MELNYK, Oleksandra   |", "GAUTHIER-NDIAYE, Mathieu\n".
KNOWN_GIVEN_AFTER = re.compile(r", ?([A-Z][^\W\d_'’-]+(?:-[A-Z][^\W\d_]+)?(?: [A-Z][^\W\d_'’-]+)?)(?: [A-Z]\.?)?"
                               r"(?=[ \t]{2,}|\t|[ \t]*(?:\n|\Z|\|))")


def _with_capitals_given_names(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """A one-word PERSON span in capitals takes the given names after its comma (CAPITALS_GIVEN_AFTER,
    or KNOWN_GIVEN_AFTER) and the spans inside them; not where a span reaches past them."""
    out: list[PIISpan] = []
    i = 0
    while i < len(spans):
        sp = spans[i]
        i += 1
        m = None
        if sp.label == "PERSON" and sp.text.isupper() and " " not in sp.text and len(sp.text) >= 2:
            m = CAPITALS_GIVEN_AFTER.match(text, sp.end)
            if m is None and (m := KNOWN_GIVEN_AFTER.match(text, sp.end)) is not None and not all(
                    plain(w) in known_names() for w in re.split(r"[ -]", m.group(1))):
                m = None
        if m is not None and not any(len(w) > 1 and w.lower() in NOT_NAME for w in m.group().strip(", ").split()):
            inside = i
            while inside < len(spans) and spans[inside].end <= m.end():
                inside += 1
            if inside == len(spans) or spans[inside].start >= m.end():
                sp, i = PIISpan(sp.start, m.end(), sp.label, sp.score, text[sp.start:m.end()]), inside
        out.append(sp)
    return out


# A nickname or maiden name in brackets between a given name and a surname: "Pietro (Peter) Ferrari",
# "Nora (Fitzgerald) Donnelly", 'Margaret "Peggy" (Donnelly) O'Sullivan' (obituaries, genealogy, HR
# records), the bracketed word found or not.
BRACKETED_MIDDLE = re.compile(r'"?[ \t]\([ \t]?"?[A-Z][^\W\d_]+(?:[ -][A-Z][^\W\d_]+)?"?[ \t]?\)[ \t]')


def _join_nicknames(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """A name cut at the closing quote of its nickname is one name: 'Rosl "Rob' + '" ' + 'Rust'; so is
    one cut at a bracketed nickname or maiden name (BRACKETED_MIDDLE) and the span inside it."""
    out: list[PIISpan] = []
    for sp in spans:
        prev = out[-1] if out else None
        if (prev is not None and prev.label == sp.label == "PERSON" and prev.text.count('"') == 1
                and text[prev.end:sp.start] in ('" ', '"\u00a0')):
            out[-1] = PIISpan(prev.start, sp.end, "PERSON", min(prev.score, sp.score), text[prev.start:sp.end])
            continue
        if (prev is not None and prev.label == sp.label == "PERSON" and "(" not in prev.text
                and (m := BRACKETED_MIDDLE.match(text, prev.end)) is not None and m.end() == sp.start
                and (text[prev.end] != '"' or prev.text.count('"') == 1)  # a quote closes the nickname
                and len(prev.text.split('"')[0].split()) == 1):  # a given name before it: not "Ana Ruiz (Madrid) Tom"
            out[-1] = PIISpan(prev.start, sp.end, "PERSON", min(prev.score, sp.score), text[prev.start:sp.end])
            continue
        if (len(out) >= 2 and out[-2].label == prev.label == sp.label == "PERSON"
                and (m := BRACKETED_MIDDLE.match(text, out[-2].end)) is not None and m.end() == sp.start
                and out[-2].end < prev.start and prev.end <= sp.start  # the bracketed name found as a span too
                and len(out[-2].text.split('"')[0].split()) == 1):
            first = out.pop(-2)
            out[-1] = PIISpan(first.start, sp.end, "PERSON", min(first.score, sp.score), text[first.start:sp.end])
            continue
        out.append(sp)
    return out


INVERTED_GAP = re.compile(r",[ \t]?")
SLASH_GAP = re.compile(r"[ \t]*/[ \t]*")  # "TANAKA / Haruto": a surname in capitals, a slash, the given name
# A list of names goes on after the pair, or came before it: "Castro, Lee and Hunter", "Ana, Bo, Cy",
# "...; D'Souza, Smith".
_LIST_WORD = "|".join(rf"\b{w}\b" for w in LIST_WORDS)
LIST_AFTER = re.compile(rf"[ \t]*(?:,|&|{_LIST_WORD})[ \t]*\w", re.IGNORECASE)  # on its line: not "Dear WONG, KAI-LING,\n\n"
LIST_BEFORE = re.compile(rf"(?:[,;]|&|{_LIST_WORD})[ \t]*\Z", re.IGNORECASE)  # same line


def _csv_cells(text: str, first: PIISpan, second: PIISpan) -> bool:
    """The two spans are cells of a CSV row, a bare comma between them: a first-name and a last-name
    column ("Kaveh,Rahimi,k.rahimi@..."), not one name written surname first."""
    cell = table_cell(text, second.start) if text[first.end:second.start] == "," else None
    return cell is not None and cell[1] == ","


# What closes a name standing alone in a ";"-separated cell or mail header list: the next ";" or the
# display name's address ("01;EG links;Yılmaz, Mehmet;030 6145", "...>; Petersen, Sophie <sophie.p@x.au>").
CELL_CLOSE = re.compile(r";|[ \t]*<[^<>\s]+@")


def _no_list_before(text: str, first: PIISpan, second: PIISpan) -> bool:
    """No list of names comes before the pair on its line (LIST_BEFORE), or its ";" opens a cell the
    pair fills alone, of a ";"-separated row or a mail header's recipients (CELL_CLOSE after it)."""
    before = LIST_BEFORE.search(text, max(0, first.start - 8), first.start)
    return before is None or before.group()[0] == ";" and CELL_CLOSE.match(text, second.end) is not None


def _list_goes_on(text: str, end: int) -> bool:
    """A list of names goes on after position `end` (LIST_AFTER), not a lower-case word after a comma:
    "Hoffmeister, Klaus-Dieter" + ", geb. 02.06.1958"."""
    m = LIST_AFTER.match(text, end)
    return m is not None and not (text[end:m.end()].lstrip().startswith(",") and m.group()[-1].islower()
                                  and text[end - 1:end].isalpha() and _capitalised_name_before(text, end))


def _capitalised_name_before(text: str, end: int) -> bool:
    """The word ending at `end` is capitalised: in a list in lower case ("silvana, adam, luca")
    a lower-case word after the comma is the next name."""
    start = end
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "-'’"):
        start -= 1
    return text[start:start + 1].isupper()


GIVEN_INITIALS = re.compile(r"(?:[ \t]+[A-Z]\.?)+\Z")  # "ROSA M", "THANH V.": a given name and its initials


def _both_capitals(surname: PIISpan, given: PIISpan, most: int) -> bool:
    """"DELA CRUZ, MARIA THERESA SANTOS": in capitals both, the given names may be `most` words."""
    return surname.text.isupper() and given.text.isupper() and len(given.text.split()) <= most


def _capitals_then_given(text: str, surname: PIISpan, given: PIISpan) -> bool:
    """"KHOURY, Elias & Nadia" opening a directory's line: a surname in capitals, then a given name
    that is not, reads as one name however a list goes on after it (not "Kids: KAREN, Aristides and")."""
    line_start = text.rfind("\n", 0, surname.start) + 1
    return surname.text.isupper() and not given.text.isupper() and not text[line_start:surname.start].strip()


def _capitals_surname_given(surname: PIISpan, given: PIISpan) -> bool:
    """"KOVALENKO, Serhii Mykolaiovych", "HOLROYD, Edna May": a surname in capitals, then given
    names that are not (up to three words), as crew lists, registers and notices print them."""
    return surname.text.isupper() and not given.text.isupper() and len(given.text.split()) <= 3


KEY_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:[^\n:]{1,40}:[ \t]*)?\Z")  # a line's start, or a field's key on it


def _keyed_given_names(text: str, surname: PIISpan, given: PIISpan) -> bool:
    """"Name on record: Whitecloud, Aiyana Marie", a register's line "Nguyen, Minh Anh": given names
    of up to three words, each one the name lexicon knows as a given name, after a surname of one word
    that opens its line or a field's value (not "Apologies: Grace, Mark Pemberton", a list). On the demo
    run's stored probabilities: 9 names made whole on the eighteen realistic sets, none broken, there or
    on the realistic training sets (twenty-fifth session)."""
    words = given.text.split()
    return (len(words) <= 3 and all(w[:1].isupper() and plain(w) in known_given_names() for w in words)
            and " " not in surname.text and not given_name_only(surname.text)
            and KEY_BEFORE.search(text, max(0, surname.start - 48), surname.start) is not None)


# A given name's initial closing the line or the column after an inverted name: "SOLOMON, BEATRICE" + " A".
TRAILING_INITIAL = re.compile(r"[ \t][A-Z]\.?(?=[ \t]{2,}|\t|[ \t]*(?:\n|\Z))")


_NAME_WORDS = r"[^\W\d_][\w'’.-]*(?:[ \t]+[^\W\d_][\w'’.-]*){0,2}"
# A display name in quotes, surname first: "Okafor, Ngozi", "Ng, Siew Ling" (mail headers, CSV cells).
QUOTED_INVERTED = re.compile(rf'(?<=")({_NAME_WORDS}),[ \t]?({_NAME_WORDS})(?=")')


INITIAL = re.compile(r"[A-Z]\.")


def _join_double_spaced(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """Two capitalised PERSON spans two spaces apart, with no dot but an initial's, are one name of four words at most, typed so
    on a form or in a text message ("Grace  Achieng", "Print:  Miriam  Rodriguez Palma", "Daniel  J.  Okoro":
    8 names made whole on the realistic sets when initials joined, none broken); three spaces or a tab
    part columns (name_rules.COLUMN_GAP)."""
    out: list[PIISpan] = []
    for sp in spans:
        prev = out[-1] if out else None
        if (prev is not None and prev.label == sp.label == "PERSON" and text[prev.end:sp.start] == "  "
                and prev.text[:1].isupper() and sp.text[:1].isupper() and len(prev.text.split() + sp.text.split()) <= 4
                and all("." not in w or INITIAL.fullmatch(w) for w in (prev.text + " " + sp.text).split())):
            # an initial ("Daniel  J.  Okoro"), no table header's abbreviation: "J.m.  Ilość"
            out[-1] = PIISpan(prev.start, sp.end, "PERSON", min(prev.score, sp.score), text[prev.start:sp.end])
            continue
        out.append(sp)
    return out


def _join_quoted_inverted(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """A quoted "Surname, Given" with a PERSON span in it is one name, whichever half the probe found;
    both halves are capitalised words, up to three each."""
    for m in QUOTED_INVERTED.finditer(text):
        if not all(word[0].isupper() for word in " ".join(m.group(1, 2)).split()):
            continue
        inside = [sp for sp in spans if m.start() <= sp.start and sp.end <= m.end()]
        if any(sp.label == "PERSON" for sp in inside) and not any(
                sp.start < m.start() < sp.end or sp.start < m.end() < sp.end for sp in spans):
            score = min(sp.score for sp in inside if sp.label == "PERSON")
            spans = sorted([sp for sp in spans if sp not in inside]
                           + [PIISpan(m.start(), m.end(), "PERSON", score, m.group())], key=lambda sp: sp.start)
    return spans


def _join_inverted_names(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """"Surname, Given-name" is one person: two PERSON spans split at a comma ("Nagy, Fanni"; the
    comma cuts token groups, and a name never bridges punctuation) join when the second is one word
    (and its initials: "ROSA M"; up to three words in capitals both: "DELA CRUZ, JOHN PAUL"; up to three
    given names the lexicon knows after a surname opening a line or a field: "Nguyen, Minh Anh"), the
    first at most two, both start in the same case, and no list goes on around the pair on its line
    ("Castro, Lee and Hunter", "Ana, Bo, Cy", whether or not the probe found the other names; a
    capitals surname opening a directory's line is one anyway: "KHOURY, Elias & Nadia"; a ";" that
    opens a cell or a mail header's next recipient is no list: _no_list_before), and the first is no word the
    name lexicon knows only as a given name. A joined span holds a comma, so it never joins a third."""
    out: list[PIISpan] = []
    for sp in spans:
        prev = out[-1] if out else None
        if (prev is not None and prev.label == sp.label == "PERSON"
                and (INVERTED_GAP.fullmatch(text, prev.end, sp.start) is not None
                     or prev.text.isupper() and SLASH_GAP.fullmatch(text, prev.end, sp.start) is not None)
                and (len(GIVEN_INITIALS.sub("", sp.text).split()) == 1 or _both_capitals(prev, sp, 3)
                     or _capitals_surname_given(prev, sp) or _keyed_given_names(text, prev, sp))
                and not (sp.text.isupper() and len(sp.text) > 1 and not prev.text.isupper())  # "Sami Haddad, DVLA"
                and len(prev.text.split()) <= 2
                and "," not in prev.text
                and prev.text[0].isupper() == sp.text[0].isupper()  # "Hobbits, satanic felines"
                and sp.text.strip(".").lower() not in NAME_SUFFIXES  # "Patricia Nguyen, Esq."
                and (not _list_goes_on(text, sp.end) or _capitals_then_given(text, prev, sp))
                and _no_list_before(text, prev, sp)
                and not _csv_cells(text, prev, sp)
                and not (" " not in prev.text and given_name_only(prev.text))):  # "Children: Chidi, Adaeze"
            end = sp.end
            if sp.text.isupper() and (m := TRAILING_INITIAL.match(text, end)) is not None:
                end = m.end()
            out[-1] = PIISpan(prev.start, end, "PERSON", min(prev.score, sp.score), text[prev.start:end])
            continue
        out.append(sp)
    return out
