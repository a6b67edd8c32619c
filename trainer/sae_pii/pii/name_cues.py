"""Cues in the text that a name stands somewhere, read by the decoding (decode.py) before words join
into spans: a name slot (after a title, a role, a greeting, thanks, a sign-off, a self-introduction
or a name field's key), a table's name column, a chat export's speaker line or "Name:" opener, a given name and a
surname the name lexicon knows side by side, a word it knows only as a given name. Where a cue says so, a
word is a name at a PERSON probability far below the threshold (SLOT_BAR): the probe reads four
tokens each side and has rarely seen these contexts in other languages or layouts; the cue is the
evidence it lacked. The word lists cover English and the larger Western European languages.

Each function takes the decoder's `words` list ((start, end, tokens, is_pii, class) per word) and its
mean class probabilities, and marks words in place.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import numpy as np

from sae_pii.pii.labels import CLASS_TO_ID
from sae_pii.pii.name_lexicon import known_given_names, known_surnames, plain
from sae_pii.pii.name_rules import NOT_NAME, ROLE_FIELDS
from sae_pii.pii.trim import line_bounds
from sae_pii.pii.word_frequencies import frequent_in_any_language

JOINERS = {"-", "'", "\u2019"}  # inside one word: "Wencke-Stadelmann", "D'Costa"


# Field names whose value is a person's name: a table's column header or a form's key.
NAME_FIELDS = (r"full[ _-]?name|name|(?:first|middle|last|given|family)(?:[ _-]?names?(?:\(s\))?)?|surname|"
               r"account[ _-]?holder|driver|nombres?(?:\(s\))?|apellidos?(?: paterno| materno)?|nom|prénom|nachname|vorname|"
               r"cognome|nome|naam|navn|"
               r"namn|imię|nazwisko|" + "|".join(ROLE_FIELDS))
# Where a name is all but certain to follow: after a title, a greeting that opens a line, thanks, a
# sign-off, or a self-introduction ("Mr. Kiprop", "Hola Guadalupe,", "Abraços, Luciana",
# "Viele Grüße\nSabine Krüger", "mi chiamo Alessandro"), in the languages the word lists cover.
NAME_SLOT_BEFORE = re.compile(
    r"(?:(?<![^\W\d_])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Sr|Sra|Srta|Mme|Mlle|Sig|Sig\.ra|Dott|Dott\.ssa)\.?"
    r"|(?<![^\W\d_])(?:Agent|Officer|Ofc|Sgt|Det|Detective|Nurse|Coach|Defendant|Plaintiff|Witness|Courier|"
    r"Technician|Clinician|Judge|Inspector|Constable|Pastor|Uncle|Aunt|Auntie|Grandma|Grandpa)\.?"
    # a relative, a partner, a friend or a colleague, in the languages the word lists cover ("my partner
    # Aled", "mia moglie Rosaria", "hennes bror Nils", "(medewerker Daan", "our hygienist Mel"; 7 names found
    # on the realistic sets and 3 on the training files, none false: twenty-fifth session)
    r"|(?<![^\W\d_])(?i:partner|wife|husband|son|daughter|brother|sister|cousin|nephew|niece|friend|colleague|"
    r"roommate|flatmate|neighbou?r|boss|landlord|landlady|hygienist|moglie|marito|figlia|figlio|fratello|"
    r"sorella|hijo|hija|esposa|esposo|hermano|hermana|bror|syster|dotter|medewerker|collega|de heer)"
    # Forms of address of languages beyond Western Europe's: Dutch, Polish, Indonesian and Malay,
    # Vietnamese, Greek ("Geachte mevrouw Bosman", "Pani Ewa", "Bu Ratna", "Mbak Sari", "anh Tuấn", "κα Αλεξίου")
    r"|(?<![^\W\d_])(?:[Mm]eneer|[Mm]evrouw|[Mm]evr\.|[Dd]hr\.|Pan|Pani|Panie|Bu|Ibu|Pak|Bapak|Mbak|Kak|"
    r"anh|chị|chú|bác|κα|κε|κος|κ\.)"
    r"|(?:^|\n|[:.!?])[ \t]*(?i:hi|hello|hey|dear|hiya|hola|olá|oi|bonjour|salut|ciao|hallo|hej|hei|liebe|lieber|querid[oa]|"
    r"estimad[oa]|gentile|car[oa]|cher|chère|good (?:morning|afternoon|evening)|hoi|cześć|kia ora|benvenut[oa]|halo|"
    r"merhaba|ahoj|καλημέρα|καλησπέρα)[ \t]*,?"
    r"|(?<![^\W\d_])(?i:thanks|thank you|gracias|merci|grazie|obrigad[oa]|danke|welcome back),?"
    r"|(?<![^\W\d_])(?i:regards|best|cheers|sincerely|saludos|un saludo|atentamente|saluti|grüße|grüssen|"
    r"cumprimentos|abraços|beijos|cordialement|groet|groeten|pozdrawiam|hälsningar|hilsen|xoxo|yours)[ \t]*[,!.]?[ \t]*\n?"
    r"|(?<![^\W\d_])(?i:my name is|i am|i'm|this is|mi chiamo|me llamo|je m'appelle|je suis|ich heiße|ich bin|"
    r"meu nome é|mi nombre es|le atiende|vous parlez avec|you're speaking with|you are speaking with)"
    r"|(?<![^\W\d_])(?i:(?:note|message|report|e-?mail|call|reply|comment|update|feedback|request|letter|text)s? from|"
    r"ask|tell|attn\.?|c/o|signed,?|issued to|account holder|questions go to|cc:)"
    rf"|(?:^|\n|[|;\t]|[ \t]{{2}})[ \t]*(?i:{NAME_FIELDS}|caller|witness|cliente|kunde|titular)[ \t]*(?::|=|[-–](?=[ \t])))[ \t]*\Z")
SLOT_BAR = 0.15
LOWER_SLOT_BAR = 0.5


def grow_name_slots(text: str, words: list, word_means: np.ndarray) -> None:
    """A capitalised word in a name slot (NAME_SLOT_BEFORE) is a name when its PERSON probability clears
    a low bar (in place): the probe reads four tokens each side and misses a name after a greeting
    or sign-off in a language it rarely saw; the slot is the evidence it lacked."""
    per = CLASS_TO_ID["PERSON"]
    for k in np.flatnonzero(word_means[:, per] >= SLOT_BAR).tolist():
        s, e, toks, is_pii, _ = words[k]
        # A lower-case word (a chat's "le atiende warsita") needs the probe's own lean towards a name.
        bar = SLOT_BAR if text[s:s + 1].isupper() else LOWER_SLOT_BAR
        if is_pii or not text[s:s + 1].isalpha() or word_means[k, per] < bar or text[s:e].lower() in NOT_NAME:
            continue
        if NAME_SLOT_BEFORE.search(text, max(0, s - 40), s):
            words[k] = (s, e, toks, True, per)
            _grow_slot_name(text, words, word_means, k, per)


# A chat export's speaker line: one to three capitalised words and the message's time, alone on the
# line ("Chiara Rossi  10:41", "Giulia Conti 10:43 AM").
SPEAKER_LINE = re.compile(r"(?m)^[ \t]*((?:[^\W\d_][\w'’.-]*[ \t]){0,2}[^\W\d_][\w'’.-]*)[ \t]+\d{1,2}:\d\d"
                          r"(?:[ \t]*[AaPp]\.?[Mm]\.?)?[ \t]*$")


def grow_speaker_lines(text: str, words: list, word_means: np.ndarray) -> None:
    """The capitalised words of a speaker line are a name at the slot bar (in place)."""
    if ":" not in text:
        return
    starts = {w[0]: k for k, w in enumerate(words)}
    for m in SPEAKER_LINE.finditer(text):
        if all(n[0].isupper() for n in m.group(1).split()):
            _mark_speaker(text, words, word_means, starts, m.start(1), m.end(1))


def _mark_speaker(text: str, words: list, word_means: np.ndarray, starts: dict[int, int], start: int, end: int) -> None:
    """The words of text[start:end] (`starts`: word index by start offset) are a name at the slot
    bar, up to the first of its words with letters that another entity holds or the probe puts
    under the bar."""
    per = CLASS_TO_ID["PERSON"]
    for k in range(starts.get(start, len(words)), len(words)):
        s, e, toks, is_pii, cls = words[k]
        if s >= end:
            break
        if any(ch.isalpha() for ch in text[s:e]) and (is_pii and cls != per or word_means[k][per] < SLOT_BAR):
            break
        words[k] = (s, e, toks, True, per)


# A chat's "Speaker: message" line ("Joy: corny mo kuya", "[21:03] Olka: kupić coś?"): one or two words
# before ": " opening the line, after an optional stamp: in brackets, or as WhatsApp on Android and
# KakaoTalk export it.
CHAT_STAMP = (r"\[[^\]\n]{1,30}\][ \t]*"
              # WhatsApp's export on Android: "14/05/2024, 11:02 - Kunle: ..."
              r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4},?[ \t]+\d{1,2}[:.]\d\d(?::\d\d)?(?:[ \t]*[AaPp]\.?[Mm]\.?)?[ \t]+[-–][ \t]+"
              # KakaoTalk's: "2024. 5. 3. 오후 8:13, 이슬기 : ..."
              r"|\d{4}\.[ \t]?\d{1,2}\.[ \t]?\d{1,2}\.?[ \t]+(?:오전|오후)[ \t]?\d{1,2}:\d\d,[ \t]+")
# A letter and what may follow it inside a speaker's name: the vowel signs of Indic and Thai script are
# marks, which `\w` leaves out ("राहुल").
_SPEAKER_WORD = r"[^\W\d_][\w'’\u0300-\u036f\u0900-\u0dff\u0e00-\u0e7f-]*"
# A space before the colon only after a stamp: French forms write "Nom : Dupont".
CHAT_OPENER = re.compile(rf"(?m)^[ \t]*(?P<stamp>{CHAT_STAMP})?({_SPEAKER_WORD}(?: {_SPEAKER_WORD})?)"
                         r"(?(stamp)[ \t]?):[ \t]+\S")
# What opens such lines and is no speaker's name: e-mail header keys of the languages the word lists
# cover, a chat's or transcript's roles, directory keys ("Von:", "Från:", "Tú:", "Operator:", "sn:").
_NOT_SPEAKER_WORDS = """
from to cc bcc subject date sent re fw fwd von an betreff gesendet datum från till ämne skickat van aan
onderwerp verzonden de para asunto enviado fecha objet envoyé à da a oggetto inviato data od do temat wysłano
kimden kime konu tarih fra til emne sendt dato tú you me yo eu moi ich ja ty agent bot customer client cliente
kunde operator оператор клиент interviewer interviewee q speaker caller host guest moderator user assistant
system note sn cn dn uid ou dc mail tel name address phone email courier driver rider seller buyer support admin
구매자 판매자 고객 상담사 상담원 客服 顾客 客户 买家 卖家 お客様 オペレーター 担当"""
NOT_SPEAKERS = frozenset(_NOT_SPEAKER_WORDS.split())


def grow_chat_speakers(text: str, words: list, word_means: np.ndarray) -> None:
    """The speakers of a chat written "Name: message" are names at the slot bar (in place): a
    capitalised opener of two such lines or more, in a text where two openers or more repeat, that is
    no header key, role or initialism (NOT_SPEAKERS, NOT_NAME); a role's lines count towards the two.
    Stored probabilities of the kept probes: the twelve older blind sets 15 names found, 5 false, 1
    false lost; the realistic training and development sets 5 found, 2 false, 2 false lost
    (docs/pii.md, nineteenth session). WhatsApp's Android and KakaoTalk stamps, scripts without
    capitals and the role before a name (twenty-fifth session, the demo run's stored probabilities):
    24 names found and 5 false ones lost on the eighteen realistic sets, 3 found on validation."""
    if ":" not in text:
        return
    openers = [(m.group(2), m.start(2), m.end(2)) for m in CHAT_OPENER.finditer(text)]
    counts = Counter(name for name, _, _ in openers)
    repeated = {name for name, n in counts.items() if n >= 2}  # "상담원:" and "박서준:" make a chat
    if len(repeated) < 2:
        return
    speakers = {name for name in repeated if _speaker_name(name)}
    starts = {w[0]: k for k, w in enumerate(words)}
    for name, a, b in openers:
        if name in speakers:
            _mark_speaker(text, words, word_means, starts, a + _role_before_name(name), b)


def _role_before_name(speaker: str) -> int:
    """How many characters of a two-word speaker are a role or title before the name ("Mdm Lee",
    "Operatrice Chiara": the word before a given name the lexicon knows, which it does not know as one)."""
    parts = speaker.split(" ")
    if len(parts) == 2 and (parts[0].lower() in NOT_NAME or
                            plain(parts[1]) in known_given_names() and plain(parts[0]) not in known_given_names()):
        return len(parts[0]) + 1
    return 0


def _speaker_name(opener: str) -> bool:
    parts = opener.split()
    first = opener[:1]
    capitalised = first.isupper() or first.lower() == first.upper()  # or of a script without case: "김하늘"
    return (capitalised and opener.lower() not in NOT_NAME and parts[0].lower() not in NOT_SPEAKERS
            and not any(p.isupper() and len(p) > 1 for p in parts))  # "INTERVIEWER", "Segun UK"


# A chat line whose speaker is a role with the person's name in brackets ("Temsilci (Burak): Merhaba",
# "[18:06] Asesor (Daniela):", "Medewerker (Ilse):"), after an optional stamp.
ROLE_NAME_OPENER = re.compile(r"(?m)^[ \t]*(?:\[[^\]\n]{1,30}\][ \t]*|\d{1,2}[:.]\d\d(?::\d\d)?[ \t]+)?"
                              r"([^\W\d_][\w'’-]*)[ \t]*\(([^\W\d_][\w'’-]*(?: [^\W\d_][\w'’-]*)?)\):[ \t]")


def grow_role_speakers(text: str, words: list, word_means: np.ndarray) -> None:
    """The name in brackets after a chat line's role is a name at the slot bar (in place), unless
    it is a role or header key itself ("Lumi (bot):"), or the word before the bracket is a given name
    the lexicon knows: then the bracket holds a firm or a team ("Sanne (Vattig):")."""
    if "):" not in text:
        return
    names = [m.span(2) for m in ROLE_NAME_OPENER.finditer(text)
             if _speaker_name(m.group(2)) and plain(m.group(1)) not in known_given_names()]
    starts = {w[0]: k for k, w in enumerate(words)} if names else {}
    for start, end in names:
        _mark_speaker(text, words, word_means, starts, start, end)


def grow_lexicon_names(text: str, words: list, word_means: np.ndarray) -> None:
    """Capitalised words the name lexicon vouches for are a name when the probe leans towards one
    (PERSON at LOWER_SLOT_BAR; in place): a given name and a surname it knows one space apart, or one
    word it knows only as a given name, not as a surname nor as a frequent word of any of 27
    languages ("Léa", "Dympna"; not "Kelly", "Rose"). The probe gives "Javier García" 0.78 inside a
    Spanish sentence and 1.0 inside an English one, under the 0.9 threshold that validation picks
    against synthetic confusers. A firm named after a person ("Morgan Stanley") passes too where the
    probe leans that way. Stored probabilities of the kept probes, twelve blind sets: 0.8902 ->
    0.8933, 66 names found, 31 false ones, 1 name lost (docs/pii.md, nineteenth session)."""
    per = CLASS_TO_ID["PERSON"]
    for k in np.flatnonzero(word_means[:, per] >= LOWER_SLOT_BAR).tolist():
        word = words[k]
        if word[3]:
            continue
        value = text[word[0]:word[1]]
        if not (value.isalpha() and value.istitle()) or value.lower() in NOT_NAME:
            continue
        if given_name_only(value):
            words[k] = (*word[:3], True, per)
            continue
        if k + 1 == len(words) or word_means[k + 1, per] < LOWER_SLOT_BAR or text[word[1]:words[k + 1][0]] != " ":
            continue
        surname = words[k + 1]
        after = text[surname[0]:surname[1]]
        if (surname[3] and surname[4] != per) or not (after.isalpha() and after.istitle()) or after.lower() in NOT_NAME:
            continue
        if plain(value) in known_given_names() and plain(after) in known_surnames():
            words[k] = (*word[:3], True, per)
            words[k + 1] = (*surname[:3], True, per)


def given_name_only(word: str) -> bool:
    """The name lexicon knows `word` as a given name and not as a surname, and no language of
    word_frequencies.LANGUAGES uses it often."""
    key = plain(word)
    return key in known_given_names() and key not in known_surnames() and word.lower() not in frequent_in_any_language()


def _grow_slot_name(text: str, words: list, word_means: np.ndarray, k: int, per: int) -> None:
    """The rest of a name in a slot: the capitalised words after it, one space apart (or glued by a
    hyphen or apostrophe: "Hyun-woo Lim"), at the slot bar, up to four words."""
    taken = 0
    j = k + 1
    while j < len(words) and taken < 4:
        s, e, toks, is_pii, cls = words[j]
        if is_pii and cls != per:
            return  # another entity starts here
        gap = text[words[j - 1][1]:s]
        if gap == "" and text[s:e] in JOINERS and j + 1 < len(words) and words[j + 1][0] == e:
            words[j] = (s, e, toks, True, per)  # the hyphen of "Hyun-woo"
            j += 1
            continue
        bar = SLOT_BAR if text[s:s + 1].isupper() or gap == "" else LOWER_SLOT_BAR
        if gap not in ("", " ") or not text[s:s + 1].isalpha() or word_means[j][per] < bar:
            return
        if gap == " " and text[s:s + 1].isupper() != text[words[k][0]:words[k][0] + 1].isupper():
            return  # the rest of the name is in the case of its first word
        words[j] = (s, e, toks, True, per)
        taken += gap == " "
        j += 1


# Column headers of a table's name column (CSV/TSV/pipe/semicolon tables, Markdown).
NAME_HEADER = re.compile(rf"[ \t\"'*]*(?:{NAME_FIELDS})[ \t\"'*]*", re.IGNORECASE)
NAME_KEY = re.compile(NAME_HEADER.pattern + ":", re.IGNORECASE)  # "Naam: Sanne de Vries" alone on its line
TABLE_DELIMITERS = ("\t", "|", ";", ",")
TABLE_RULE = re.compile(r"[|:\- \t+]*")  # a Markdown table's "|---|---|" line


QUOTED_CELL = re.compile(r'"[^"\n]*"')


def _unquoted(line: str, delimiter: str) -> str:
    """The line with each double-quoted cell's delimiters blanked out (same length): a CSV's quoted
    "77 Wexford Dr, Columbus, OH 43214" or "Okafor, Ngozi" is one cell."""
    if delimiter not in ",;" or '"' not in line:
        return line
    return QUOTED_CELL.sub(lambda m: m.group().replace(delimiter, " "), line)


def table_cell(text: str, pos: int) -> tuple[int, str, int] | None:
    """(line start, delimiter, column index) of position `pos` in a table row, or None outside one."""
    line_start, line_end = line_bounds(text, pos)
    line = text[line_start:line_end]
    for d in TABLE_DELIMITERS:
        if line.count(d) >= (2 if d in "|;," else 1):
            cells = _unquoted(line, d)
            return line_start, d, cells.count(d, 0, pos - line_start)
    return None


FIXED_WIDTH_CELL = re.compile(r"\S(?:\S| (?! ))*")  # words one space apart; two spaces or more end a column
HEADER_REACH = 30  # lines


def fixed_width_header(text: str, pos: int) -> str | None:
    """The header of the column that position `pos` opens in a fixed-width table (columns two spaces
    or more apart, as reports and forms print them: "Name    DOB    Licence No." over "Adaeze Eze
    11/02/1984    B9920371"): the cell of the nearest line above without digits whose start lies
    within two characters of `pos`'s column, or None when no such line is within HEADER_REACH lines
    or `pos`'s own line has no column gap."""
    line_start, line_end = line_bounds(text, pos)
    if not re.search(r"\S {2,}\S", text[line_start:line_end]):
        return None
    column = pos - line_start
    above = line_start
    for _ in range(HEADER_REACH):
        if above == 0:
            return None
        a, b = line_bounds(text, above - 1)
        above, line = a, text[a:b]
        if any(ch.isdigit() for ch in line) or not re.search(r"\S {2,}\S", line):
            continue  # a data row, or no table's line
        for cell in FIXED_WIDTH_CELL.finditer(line):
            if abs(cell.start() - column) <= 2:
                return cell.group()
        return None
    return None


def column_header(text: str, cell: tuple[int, str, int]) -> str | None:
    """The header of a table cell's column: that cell of the first line of the block of rows with
    as many delimiters as its own (Markdown rule lines skipped), or None when the row opens the block."""
    line_start, delimiter, column = cell
    head = _block_heads(text, delimiter).get(line_start, line_start)
    if head == line_start:
        return None
    line = text[slice(*line_bounds(text, head))]
    bounds = [0] + [m.end() for m in re.finditer(re.escape(delimiter), _unquoted(line, delimiter))]
    if column >= len(bounds):
        return None
    return line[bounds[column]:bounds[column + 1] - 1 if column + 1 < len(bounds) else len(line)]


@lru_cache(maxsize=16)
def _block_heads(text: str, delimiter: str) -> dict[int, int]:
    """Each line's start -> the start of the first row of its block (the rows above it with as many
    `delimiter`s, Markdown rule lines skipped), in one pass: a header lookup per cell walked up the
    whole table, quadratic in its rows (an 11 kB CSV with 400 names took 0.15 s of rules)."""
    heads: dict[int, int] = {}
    prev: tuple[int, int] | None = None  # (start, delimiter count) of the last line that is no rule line
    start = 0
    for line in text.split("\n"):
        width = _unquoted(line, delimiter).count(delimiter)
        heads[start] = heads[prev[0]] if prev is not None and prev[1] == width else start
        if not (TABLE_RULE.fullmatch(line) and line.strip()):
            prev = (start, width)
        start += len(line) + 1
    return heads


def grow_name_columns(text: str, words: list, word_means: np.ndarray) -> None:
    """A word in a table's name column (NAME_HEADER above it) is a name when its PERSON probability
    clears the slot bar (in place), lower-case too ("| natan |"): a row of cells gives the probe
    little context."""
    per = CLASS_TO_ID["PERSON"]
    if not any(d in text for d in TABLE_DELIMITERS):
        return
    for k in np.flatnonzero(word_means[:, per] >= SLOT_BAR).tolist():
        s, e, toks, is_pii, _ = words[k]
        if not is_pii and text[s:s + 1].isalpha() and in_name_column(text, s):
            words[k] = (s, e, toks, True, per)


def in_name_column(text: str, pos: int) -> bool:
    return _column_is(text, pos, NAME_HEADER)


# Column headers of a table's organisation column: its cells name companies, even founders' names
# ("Egon Zehnder", "Herman Miller").
COMPANY_HEADER = re.compile(r"[ \t\"'*]*(?:company|employer|organi[sz]ation|org|vendor|merchant|supplier|business|firm|"
                            r"carrier|insurer|agency|bank|school|university|hotel)(?:[ _-]?name)?[ \t\"'*]*", re.IGNORECASE)


def in_company_column(text: str, pos: int) -> bool:
    return _column_is(text, pos, COMPANY_HEADER)


def _column_is(text: str, pos: int, header: re.Pattern) -> bool:
    head = header_over(text, pos)
    return head is not None and header.fullmatch(head) is not None


def in_header_row(text: str, pos: int) -> bool:
    """Position `pos` lies in a table's header row: the row that opens its block of rows, with rows
    below it, three cells or more and a "Name" cell ("Emp#\tName\tIBAN\tGross": "IBAN" and "Gross"
    are no names)."""
    cell = table_cell(text, pos)
    if cell is None:
        return False
    line_start, delimiter, _ = cell
    line_end = line_bounds(text, line_start)[1]
    heads = _block_heads(text, delimiter)
    if heads.get(line_start, line_start) != line_start or heads.get(line_end + 1) != line_start:
        return False  # the row opens its block, and the next line belongs to the block
    cells = text[line_start:line_end].split(delimiter)
    return len(cells) >= 3 and any(NAME_HEADER.fullmatch(c) for c in cells)  # not a key-value list's "Tenant\tHugo"


def header_over(text: str, pos: int) -> str | None:
    """The header of the table column holding position `pos`; None outside a table or without one."""
    cell = table_cell(text, pos)
    return column_header(text, cell) if cell is not None else None
