"""Address edges the probe leaves out, from word lists (part of the rule layer, `validators=True`):
the country that closes an address and the start of its street (a street type word, the first half
of a house number, a house number before a street without one, the "PO" of "PO Box"); lead-in
words the probe took in ("behind", "wohnhaft") and a building's name before the street leave it, and
so do a linking word and the next field's first word after it ("34540 and", "...\\nVerified by");
two pieces of one address the probe cut at a floor or flat word join again. Since the eighth
session also: the number and name before a street type word ("2500 Citywest" + "Blvd"), a
country cut short ("South" + "Africa"), the city after a closing postcode, a direction; the next
column's words, a field key after the last comma, a phone after a name or on the last line, a
transcript's line number and the cells after a quoted CSV cell leave; two addresses in two
columns split. Since the twenty-fourth session also: a last line after the postcode's line that is
no part of an address ("...1459\nReg. No."), and the end of a firm's or venue's line the span began
inside ("Chapel Allerton " + "Hospital\nChapeltown Road"). What is no address at all:
address_lookalikes.py; the addressee line an address took in: addressee.py.

The words are Faker's country and street-type lists of several languages, the same library the
training data comes from, plus the usual abbreviations. An edge joins a STREET_ADDRESS span only
where it touches the span (the street start on the span's line, the country after a comma or on
the next line) and no other span holds it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sae_pii.pii.faker_lists import attribute_values, provider
from sae_pii.pii.spans import PIISpan
from sae_pii.pii.trim import line_bounds, trim

COUNTRY_LOCALES = ("en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_PT", "da_DK", "pl_PL", "fi_FI")
STREET_TYPE_LOCALES = ("es_ES", "fr_FR", "pt_PT", "pt_BR", "pl_PL")
# "985, " of "985, rue de Teixeira"; "16 " of "16 Heriot Row" (a house number, not the end of a value)
NUMBER_BEFORE_STREET = re.compile(r"(?<![\d/.,:-])(?<!\d )\d{1,5}[a-zA-Z]?(?:,[ \t]?| )\Z")  # a tab ends a column
# Words of a flat, floor or building before its number ("Suite 121", "Apt. 4B").
UNIT_WORDS = "suite|ste|apt|apartment|flat|unit|room|studio|piso|wohnung|appartement|building|floor|level|lot|lokal"
# An office or a shop capitalised only: "come to my shop 15 Adeniran Street" leaves it out.
UNIT_BEFORE_NUMBER = re.compile(rf"(?<![^\W\d_])(?:{UNIT_WORDS}|(?-i:Office|Shop))\.?[ \t]+\Z", re.IGNORECASE)
PO_BEFORE_BOX = re.compile(r"(?<![^\W\d_])(?:PO|P\.O\.)[ \t]+\Z", re.IGNORECASE)
P_BEFORE_O_BOX = re.compile(r"(?<![^\W\d_])P\.[ \t]?\Z")  # "P." of "P.O. Box 305, Kericho"
# A Dutch street named after someone, "Van" before the word the span opens with ("Van Ostadestraat 214").
DUTCH_STREET_OPENING = re.compile(r"(?<![^\W\d_])Van(?: de[nr]?)?[ \t]+\Z")
# "P.O. Box " of "P.O. Box 660044, Dallas"; "Unit 8524 Box ", "PSC 9236, Box " of military addresses
BOX_BEFORE_NUMBER = re.compile(r"(?<![^\W\d_])(?:(?:PO|P\.[ \t]?O\.|Post Office)[ \t]*|(?:Unit|PSC)[ \t]+\d{1,5},?[ \t]+)?Box[ \t]+\Z",
                               re.IGNORECASE)


def _faker_words(attribute: str, locales: tuple[str, ...]) -> set[str]:
    return {w for values in attribute_values("address", attribute.__eq__, locales) for w in values}


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(_faker_words("countries", COUNTRY_LOCALES) | {"USA", "U.S.A.", "UK"})


@lru_cache(maxsize=1)
def _countries_casefolded() -> frozenset[str]:
    return frozenset(c.casefold() for c in _countries())


@lru_cache(maxsize=1)
def _country_after_address() -> re.Pattern:
    alternatives = "|".join(re.escape(c) for c in sorted(_countries(), key=len, reverse=True))
    # After a comma or at the start of the next line, and the last thing on its line or before punctuation.
    return re.compile(r"(?:,[ \t]*|[ \t]*\n[ \t]*)(?:" + alternatives + r")(?=[ \t]*(?:\Z|\n|[.;,)]))")


@lru_cache(maxsize=1)
def _country_at() -> re.Pattern:
    alternatives = "|".join(re.escape(c) for c in sorted(_countries(), key=len, reverse=True))
    return re.compile(r"[ \t]*(?:" + alternatives + r")(?![^\W_])")


def _whole_country(text: str, sp: PIISpan, hi: int) -> int:
    """Where the address ends once a country it cut short is whole: "..., 8001, South" + " Africa"."""
    piece = max(text.rfind(",", sp.start, sp.end), text.rfind("\n", sp.start, sp.end)) + 1
    m = _country_at().match(text, piece) if piece > sp.start else None
    return m.end() if m is not None and sp.end < m.end() <= hi else sp.end


def city_before_country(text: str, sp: PIISpan) -> bool:
    """A span followed on its line by ", <country>" and nothing more ("Rudolstadt, Tuvalu"), or
    ending in one, names a place, not a person."""
    m = _country_after_address().match(text, sp.end)
    if m is not None and "\n" not in m.group():
        return True
    head, comma, tail = sp.text.rpartition(",")  # the country taken into the span: "Dehri, Latvia"
    return bool(comma) and head.strip() != "" and tail.strip() in _countries()


@lru_cache(maxsize=1)
def _street_types_first() -> frozenset[str]:
    """Street type words written before the street's name ("Calle", "rue", "Via", "ul.")."""
    return frozenset(_faker_words("street_prefixes", STREET_TYPE_LOCALES)
                     | _faker_words("street_suffixes", ("it_IT",))  # it_IT's "suffixes" open the name: Via, Piazza
                     | _faker_words("street_prefixes_short", ("id_ID",))  # "Jl.", "Gg."
                     | _faker_words("street_prefixes_long", ("id_ID",))  # "Jalan", "Gang"
                     | {"ul.", "al.", "pl."}  # pl_PL's short forms of ulica, aleja, plac
                     | {"C/", "Avda.", "Av."}  # Spanish "calle" and "avenida", written short
                     | {"вул.", "ул.", "Cad.", "Sok."}  # Ukrainian, Russian and Turkish ones
                     # Greek, Italian, Hebrew, Romanian, Mexican, Polish and Vietnamese ones, and a plot's
                     # (with "P." of "P.O. Box", a Dutch "Van" and an office's number: 20 addresses made exact
                     # on the eighteen realistic sets, 1 on generated_large and 2 on the training files, 4
                     # more closer, none lost; twenty-fifth session)
                     | {"Λεωφ.", "Οδός", "Οδ.", "Corso", "Viale", "Largo", "Vicolo", "רחוב", "Bd.", "Bdul.", "Str.",
                        "Calea", "Șos.", "Priv.", "Privada", "Calz.", "os.", "số", "ngõ", "hẻm", "đường", "Plot"})


@lru_cache(maxsize=1)
def _street_start_before_address() -> re.Pattern:
    alternatives = "|".join(re.escape(c) for c in sorted(_street_types_first(), key=len, reverse=True))
    # A street type word ("plac Traugutta 279", "Calle Maura Ortuño 4") or the first half of a
    # house number ("40/" of "40/36, Bajwa Circle"), right before the span.
    # The type word may be followed by particles ("Acceso de", "Via dei", "Rua das").
    particles = r"(?:(?:de|del|de la|dei|degli|della|delle|da|do|das|dos|di|du|des)[ \t]+)?"
    return re.compile(r"(?:(?<![^\W\d_])(?:" + alternatives + r")\.?[ \t]+" + particles + r"|(?<![\d/])\d+/)\Z",
                      re.IGNORECASE)  # "Av. Insurgentes Sur 1457": the type word's abbreviation dot


# A street type word after the street's name ("Citywest Blvd", "58th St"): a span opening with one
# left out the house number and the name before it, "2500 Citywest" of "2500 Citywest Blvd".
STREET_TYPE_AFTER_NAME = re.compile(r"(?:blvd|st|ave|av|rd|dr|ln|ct|pl|pkwy|hwy|ter|cir|way|street|avenue|road|drive|"
                                    r"lane|court|place|boulevard|parkway|highway|terrace|circle|\d+(?:st|nd|rd|th))\.?\Z",
                                    re.IGNORECASE)
NUMBER_AND_NAME_BEFORE_TYPE = re.compile(r"(?<![\w/.,:-])\d{1,6}[A-Za-z]?(?:[ \t]+(?:[NSEW]|NE|NW|SE|SW)\.?)?"
                                         r"(?:[ \t]+[A-Z0-9][^\W_]*){0,3}[ \t]+\Z")
# Street types written as the end of the street's one word ("Industriestraße", "Keizersgracht").
STREET_ENDINGS = (r"(?:straße|strasse|str\.|weg|gasse|platz|allee|damm|ufer|chaussee|ring|markt|graben|pfad|promenade|"
                  r"laan|straat|gracht|plein|kade|singel|dijk|vej|gade|gatan|vägen|väg|gata|veien|katu|tie|kuja|polku|utca|"
                  r"ulica)")
# A German street's name written apart before its type word, which the span opens with: "Subbelrather"
# of "Subbelrather Str. 22", "Eppendorfer" of "Eppendorfer Landstraße 12". With the Finnish endings and
# "promenade": 3 addresses made exact on the realistic sets, 1 closer, none lost (twenty-fifth session).
GERMAN_NAME_BEFORE_TYPE = re.compile(r"(?<![^\W\d_])[A-ZÄÖÜ][\w-]*er[ \t]+\Z")
GERMAN_TYPE_START = re.compile(r"(?:Str\.|Straße|Strasse|Landstraße|Landstrasse|Allee|Weg|Platz|Chaussee|Damm|Ring)[ \t]")
# A street whose type is the end of its one word, before a house number the span opens with
# ("Industriestraße" of "Industriestraße 17", "Keizersgracht 42", "Drottninggatan 5").
STREET_ENDING_BEFORE_NUMBER = re.compile(rf"(?<![^\W\d_-])[^\W\d_][\w-]*?{STREET_ENDINGS}[ \t]+\Z", re.IGNORECASE)
STREET_ENDING_WORD = re.compile(rf"[^\W\d_][\w-]*?{STREET_ENDINGS}", re.IGNORECASE)  # the word alone: "Woustraat"
# A street line of its own above a span that opens with the postcode ("BILLSTRASSE 112" over
# "20539 HAMBURG", "Am Kirchberg 7" over "69151 Neckargemünd"): a street word or opening, a house number.
STREET_LINE_ABOVE = re.compile(
    r"^[ \t]*(?:(?:Am|Im|An der|An den|Auf der|Auf dem|Zum|Zur|In der|In den)[ \t]+[^\W\d_][\w'’.-]*"
    rf"|(?:[^\W\d_][\w'’.-]*[ \t]+){{0,3}}[^\W\d_][\w-]*?{STREET_ENDINGS}"
    r")[ \t]+\d{1,4}[a-zA-Z]?(?:/\d{1,3})?[ \t]*\n[ \t]*\Z", re.IGNORECASE | re.MULTILINE)
POSTCODE_CITY = re.compile(r"\d{4,5}[ \t]+[^\W\d_]")  # "20539 HAMBURG", "69151 Neckargemünd"


# German streets named "Am Hopfengarten", "An der Alster", "Zur Linde" (capitalised: "in" is no street).
GERMAN_STREET_OPENING = re.compile(r"(?<![^\W\d_])(?:Am|Im|An der|An den|Auf der|Auf dem|Zum|Zur|Unter den|In der|"
                                   r"In den|Hinter der|Vor dem)[ \t]+\Z")


def street_start(text: str, sp: PIISpan, lo: int) -> int:
    """Where the address really starts: before a street type word, a house number or "PO" that the
    probe left out between `lo` and the span."""
    lo_bound = lo
    lo = max(lo, text.rfind("\n", 0, sp.start) + 1, sp.start - 40)  # on the span's line
    m = _street_start_before_address().search(text, lo, sp.start)
    if m is None and sp.text[:1].isupper():
        m = GERMAN_STREET_OPENING.search(text, lo, sp.start)
    if m is None and GERMAN_TYPE_START.match(sp.text):
        m = GERMAN_NAME_BEFORE_TYPE.search(text, lo, sp.start)
    first_word = (sp.text.split(maxsplit=1) or [""])[0]
    if m is None and STREET_TYPE_AFTER_NAME.fullmatch(first_word.rstrip(",")):
        m = NUMBER_AND_NAME_BEFORE_TYPE.search(text, lo, sp.start)
    if m is None and sp.text[:1].isdigit():
        m = STREET_ENDING_BEFORE_NUMBER.search(text, lo, sp.start)
    if m is None and sp.text[:1].isalpha():  # a street without its number
        m = NUMBER_BEFORE_STREET.search(text, lo, sp.start)
    if m is None and sp.text[:3].lower() == "box":
        m = PO_BEFORE_BOX.search(text, lo, sp.start)
    if m is None and re.match(r"O\.[ \t]?Box", sp.text):
        m = P_BEFORE_O_BOX.search(text, lo, sp.start)
    if m is None and STREET_ENDING_WORD.fullmatch(first_word):
        m = DUTCH_STREET_OPENING.search(text, lo, sp.start)
    if m is None and sp.text[:1].isdigit():
        m = BOX_BEFORE_NUMBER.search(text, lo, sp.start)
    if m is None and sp.text[:1].isdigit():  # "Suite " of "Suite 121, pl. Partyzantów 683"
        m = UNIT_BEFORE_NUMBER.search(text, lo, sp.start)
    if m is None and POSTCODE_CITY.match(sp.text):
        above = max(lo_bound, text.rfind("\n", 0, max(0, text.rfind("\n", 0, sp.start))) + 1)
        m = STREET_LINE_ABOVE.search(text, above, sp.start)
    if m is None and sp.text[:1].isdigit() and (phrase := _street_phrase_before().search(text, lo, sp.start)) is not None \
            and not any(w.lower() in LINKING_WORDS for w in re.findall(r"[^\W\d_]+", text[phrase.start():sp.start])[1:]):
        m = phrase  # not "Calle Mayor, y trabaja en" + "46004 Valencia": two places, not one address
    return sp.start if m is None else m.start()


@lru_cache(maxsize=1)
def _street_phrase_before() -> re.Pattern:
    """A street type word, its name and the parts before a comma right before the span, on its
    line: "C/ Cirilo Amorós, " + "54, 3.º", "Calle de Colón 27, 5.º B, " + "46004 Valencia"."""
    alternatives = "|".join(re.escape(c) for c in sorted(_street_types_first(), key=len, reverse=True))
    return re.compile(r"(?<![^\W\d_])(?:" + alternatives + r")\.?[ \t]*[^\n;:()]{1,45}?,[ \t]*\Z", re.IGNORECASE)


# Words that lead into an address but are not part of it ("behind 2250 Broadway", "wohnhaft
# Tessastraat 143"), cut when a house number or a capitalised street name follows them.
LEAD_INS = frozenset(["at", "on", "in", "to", "of", "from", "by", "near", "behind", "opposite", "outside", "inside",
                      "corner", "wohnhaft", "domicilié", "domiciliado", "residente", "resident", "residing", "lives",
                      "living",
                      # an address field's key without its colon ("Indirizzo 956 Carol Throughway")
                      "address", "addr", "indirizzo", "adresse", "adres", "dirección", "direccion", "endereço",
                      "anschrift", "adresa", "adress", "zam", "zamieszkały", "zamieszkała"])
LEAD_IN = re.compile(r"([^\W\d_]+)\.?[ \t]+")  # "zam." (Polish: residing at)
BRACKET_OPENING = re.compile(r"[^\d(\n]{1,40}\([ \t]*")
LINE_NUMBER = re.compile(r"\d{1,3}(?:[ \t]{3,}|\t)(?=\D)")
ADDRESS_HEAD = re.compile(r"\d|[^\W\d_]*[A-Z]")  # a house number or a capitalised street name


@lru_cache(maxsize=1)
def street_words() -> frozenset[str]:
    """Street type words in any position ("Calle Mayor, 5", "Main Street, 5" are streets, not
    building names), lower-cased and without their dots."""
    words = (_street_types_first() | _faker_words("street_suffixes", ("en_US",))
             | {"st", "rd", "ave", "road", "street", "lane", "way", "box", "po"})
    return frozenset(w.lower().strip(".") for w in words)


BUILDING = re.compile(r"([^\d\n,]{3,40}),[ \t]+(?=\d)")  # "Alder Apartments, 1900 NE 45th St"


# A business's name before its address ("Elm Grove Surgery, 14 Elm Grove", "Heron Bay Golf Club,
# Shore Road"): its last word says what it is (besides the legal forms and firm words of name_rules).
VENUE_END = re.compile(r"[ \t](?:Surgery|Inn|Club|Church|Chapel|Parish|Pharmacy|School|Practice|Salon|Shop|Store|Pub|"
                       r"Bar|Gallery|Museum|Library|Theatre|Theater|Cinema|Station|Airport|Office)\Z")
FIRST_SEGMENT = re.compile(r"([^\d\n,]{3,60}),[ \t]+(?=[A-Z\d])")


def without_building(text: str, sp: PIISpan) -> int:
    """Where the address starts once a building's name before its street is cut: a first segment
    without digits, before a comma and a house number, holding no street type word; or a business's
    name, before a comma and the rest of an address that holds a digit."""
    m = FIRST_SEGMENT.match(text, sp.start, sp.end)
    if m is not None and _ends_firm_or_venue(m.group(1)) and any(ch.isdigit() for ch in text[m.end():sp.end]):
        return m.end()
    m = BUILDING.match(text, sp.start, sp.end)
    if m is None or _holds_street_word(m.group(1)):
        return sp.start
    return m.end()


def _holds_street_word(phrase: str) -> bool:
    """A word of the phrase is a street type ("Road", "Calle", "ul.")."""
    return any(w.lower().strip(".,") in street_words() for w in phrase.split())


# What opens a street line: a house number, a unit word and its number, a street type written first
# ("Praça da Batalha, 92", "Via Giuseppe Mazzini 42"), or a street name with its ending and number
# ("Eisenbahnstraße 88").
# A post-office box's line opens an address too ("KIJANI AGROVET SUPPLIES LTD\nP.O. Box 1388-20100,
# Nakuru", "Söderhem Fastigheter AB\nBox 9003, 102 71 Stockholm"), and a number after "No." or "Plot"
# ("No. 45, 2nd Cross"; "Shed No. 7, Plot 42"): a firm's line above it leaves the address. On the
# stored probabilities of all 32 realistic and hand-labelled files: 17 addresses now exact, none lost.
PO_BOX_LINE = (r"(?:P\.?[ \t]?O\.?[ \t]*Box|Post[ \t]*Office[ \t]*Box|Box|Postboks|Postbox|Postfach|Apartado|Casilla|"
               r"Caixa[ \t]+Postal|P\.?M\.?B\.?|Private[ \t]+Bag|Locked[ \t]+Bag)")
STREET_LINE_START = re.compile(rf"[ \t]*(?:\d|(?:{UNIT_WORDS}|shop|shed|plot|door)\.?[ \t]+(?:no\.?[ \t]*)?\d|"
                               rf"(?:no|nr|plot)\.?[ \t]*\d|{PO_BOX_LINE}[ \t]*\d)", re.IGNORECASE)
STREET_ENDING_LINE = re.compile(rf"[ \t]*[^\W\d_][\w-]*?{STREET_ENDINGS}[ \t]+\d", re.IGNORECASE)
# A house's name on the line above its street is part of the address ("Rose Cottage\n3 Mill Lane").
HOUSE_NAME_END = re.compile(r"(?:Cottage|House|Farm|Lodge|Villa|Manor|Court|Mews|Barn|Mill|Hall|Building|Tower|"
                            r"Residency|Apartments|Flats|Place|Gardens)[ \t,]*\Z", re.IGNORECASE)


WORD_BEFORE = re.compile(r"[^\W\d_]\.?[ \t]*\Z")


def without_line_above_street(text: str, sp: PIISpan) -> int:
    """Where the address starts once the line above its street line leaves: a number alone, no word's
    (another field's: "51 824 753 556\nLevel 3, 200 Adelaide Street", a chat line's "09:21"; not
    "byt " + "12"), or words without digits, street type or house name ("Allgemeinmedizin\nEisenbahnstraße
    88", a name or a firm above "Apt 5C"; not a state's code: "SP\n01426-001").

    A span that began inside its line loses that line's end over a looser street line too: the probe
    began within a firm's or a venue's name and ran on into the address below it ("Chapel Allerton " +
    "Hospital\nChapeltown Road\nLeeds LS7 4SA", "Energiek Nederland B." + "V.\nPostbus 10440, 3004 GK
    Rotterdam"), when the next line holds a street word or opens with a cased word and a number
    ("Husova 512/14"; not a code's key, "SP\nCEP 01304-001", nor a ship's "Napolitani\nFPO AP 70381")."""
    nl = text.find("\n", sp.start, sp.end)
    if nl < 0:
        return sp.start
    first, rest = text[sp.start:nl], nl + 1
    before = text[text.rfind("\n", 0, sp.start) + 1:sp.start]  # the span's line before it: a piece of an
    # address may start inside its line ("byt " + "12\n130 00 Praha 3")
    opens_street = _opens_street_line(text, rest, sp.end)
    if opens_street:
        number_alone = re.fullmatch(r"[\d\s.,:/-]+", first) is not None and WORD_BEFORE.search(before) is None
        words_only = re.search(r"[^\W\d_]{3}", first) is not None and _no_address_words(first)
        # a firm's legal form or a venue's word ending the line: "Atlântico Seguros, S.A.\nAv. da Liberdade 190"
        firm = _ends_firm_or_venue(first.rstrip(" \t,"))
        if number_alone or words_only or firm:
            return rest
    if not _ends_a_name_line(first, before):
        return sp.start
    next_line = text[rest:sp.end].split("\n", 1)[0]
    street = opens_street or _holds_street_word(next_line) or CASED_WORD_AND_NUMBER.match(next_line) is not None
    return rest if street else sp.start


def _ends_a_name_line(first: str, before: str) -> bool:
    """`first`, a span's first line, ends a line the span began inside (`before`, the line's text
    before the span, holds a letter) and holds no digit, house name or street word, nor a state's
    code after its city ("São Paulo - " + "SP")."""
    return re.search(r"[^\W\d_]", before) is not None and _no_address_words(first) \
        and not (re.fullmatch(r"[ \t]*[A-Z]{2,3}[ \t]*", first) and re.search(r"[-–/,][ \t]*\Z", before))


def _no_address_words(line: str) -> bool:
    """No digit, house name or street word in `line`: a name's or a firm's words, not an address's."""
    return not any(ch.isdigit() for ch in line) and HOUSE_NAME_END.search(line) is None and not _holds_street_word(line)


CASED_WORD_AND_NUMBER = re.compile(r"[ \t]*[^\W\d_]*[a-z][^\W\d_]*\.?[ \t]+\d")


def _ends_firm_or_venue(piece: str) -> bool:
    """`piece` ends with a firm's legal form or word, or a venue's word: no part of the address after
    it (" " + piece: the word alone counts too, "GmbH, " + "Kaiserstraße 28"; both patterns want a
    space before it)."""
    from sae_pii.pii.name_rules import COMPANY_ENDING  # name_rules reads this module: imported late

    return COMPANY_ENDING.search(" " + piece) is not None or VENUE_END.search(" " + piece) is not None


def _opens_street_line(text: str, start: int, end: int) -> bool:
    """text[start:end] opens with a street line: a house number, a unit and its number, a street
    name with its ending and number, or a street type written first ("Praça da Batalha, 92")."""
    word = re.match(r"[ \t]*(\S+)", text[start:end])
    return STREET_LINE_START.match(text, start, end) is not None or STREET_ENDING_LINE.match(text, start, end) is not None \
        or word is not None and word.group(1) in _street_types_first()


def without_tail_words(text: str, sp: PIISpan) -> int:
    """Where the address ends once words the probe took in after it are cut: a short last line whose
    line goes on in another column, the next column's words after a run of spaces, a linking word
    ("Pontevedra, 34540 and"), another field's key after the last comma ("..., GA 31405, Social
    Security No"), or a last line of one word without a digit that its line goes on after
    ("...2937\nVerified by phone": the next field, not a city or country line)."""
    end = sp.end
    last_break = text.rfind("\n", sp.start, end)
    if last_break > sp.start and _line_goes_on(text, end) and len(text[last_break:end].split()) <= 2 \
            and "," not in text[last_break:end]:
        end = last_break  # "..., Texas 75202\n14" of a transcript's next line "14   Holloway": another field
    if (gap := COLUMN_GAP_TAIL.search(text, sp.start, end)) is not None:
        end = gap.start()  # "..., IL 60649   Reported": the next column's words
    while (m := TAIL_LINK.search(text, sp.start, end)) is not None:
        end = m.start()
    line = text.rfind("\n", sp.start, end)
    last = text[line + 1:end] if line >= 0 else ""
    one_word = bool(last) and " " not in last.strip() and not any(ch.isdigit() for ch in last)
    if one_word and last.strip() not in _countries() and text[end:end + 1] not in ("", "\n") \
            and (not text[end:].startswith((",", ".")) or KEY_DOT_BEFORE_NUMBER.match(text, end)):
        end = line  # "...69003 Lyon\nTél. 04 78": the next line's key, not a city
    elif line >= 0 and re.fullmatch(r"[ \t]*\d{1,2}", last) and text[end:end + 1] in (".", ")"):
        end = line  # "...OK 74012\n6. Phone:": the next item's number of a numbered list
    line = text.rfind("\n", sp.start, end)
    if line >= 0 and _opens_another_field(text, line + 1, end):
        end = line  # "...Deutschland\nBroj putovnice / Passport No.:", "...Porto\n☐ Alterar morada"
    while (m := LOWER_WORD_TAIL.search(text, sp.start, end)) is not None and m.group(1) not in street_words() \
            and WORD_GOES_ON.match(text, end) is not None and any(ch.isupper() for ch in text[sp.start:m.start()]):
        end = m.start()  # "..., 08003 Barcelona junto", "31 Harehills Lane tmrw": the sentence goes on
    if (bracket := _unclosed_bracket(text, sp.start, end)) is not None:
        end = bracket  # "..., 34710 Kadıköy/İstanbul (Kuaför Nazlı": a remark in brackets, cut off
    comma = text.rfind(",", sp.start, end)
    piece = text[comma + 1:end].strip() if comma >= 0 else ""
    if piece and not any(ch.isdigit() for ch in piece) and (
            " " not in piece and _next_field(text, end, piece) or FIELD_KEY_PIECE.search(piece)):
        end = comma  # "..., 94954 Calw, Soc. sec. no.", "..., ME 65966, US passport": the next field's first word
    line = text.rfind("\n", sp.start, end)
    if line > sp.start and _no_address_line_after_postcode(text, sp.start, line, end):
        end = line  # "...Boksburg\n1459\nReg. No.", "..., Ringwood VIC 3134\nLiam Fraser"
    return end


# A postcode closing a line: 4-6 digits ("Boksburg\n1459", "VIC 3134"), or a British, Irish or
# Canadian code ("NN4 7PB", "A96 K2T4", "M5R 3J9").
POSTCODE_LINE_END = re.compile(r"(?:(?<![\w-])\d{4,6}|\b[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}|\b[A-Z]\d{2}[ \t]?[A-Z\d]{4}"
                               r"|\b[A-Z]\d[A-Z][ \t]?\d[A-Z]\d)[ \t,.]*\Z")


def _no_address_line_after_postcode(text: str, start: int, line: int, end: int) -> bool:
    """text[line + 1:end], the span's last line, comes after a line closed by a postcode and is no part
    of the address: no digit (or a number of one or two digits, a table's next cell), no country or
    its code, no place GeoNames knows, no street line ("...NN4 7PB\nRegistered in England and Wales")."""
    from sae_pii.pii.place_names import place_names, plain_phrase  # place_names reads the name lexicon: late

    last = text[line + 1:end].strip()
    previous = text[max(text.rfind("\n", start, line) + 1, start):line]
    if not last or POSTCODE_LINE_END.search(previous) is None:
        return False
    if any(ch.isdigit() for ch in last):
        return re.fullmatch(r"\d{1,2}", last) is not None
    if _opens_street_line(text, line + 1, end) or re.fullmatch(r"[A-Z]{2,3}", last):
        return False  # a street line, or a country's or state's code ("...ME 72532\nUS", "...Jackburn 6406\nNZ")
    # each comma's part, and without a country code after it ("UNITED STATES US")
    parts = [q for p in last.split(",") if p.strip() for q in (p.strip(), re.sub(r"[ \t]+[A-Z]{2,3}\Z", "", p.strip()))]
    return not any(p.casefold() in _countries_casefolded() or plain_phrase(p) in place_names() for p in parts)


def _unclosed_bracket(text: str, start: int, end: int) -> int | None:
    """Where a bracket opened in text[start:end] after the address's number and not closed there
    begins, if one is (not the lead-in's "apartment (" + "Landsberger Str. 302, ...")."""
    opening = text.rfind("(", start, end)
    if opening < 0 or text.find(")", opening, end) >= 0 or not any(ch.isdigit() for ch in text[start:opening]):
        return None
    return opening


# A key's abbreviation dot before a number: "Tél. 04 78 62 19 40", "Tel.: +49".
KEY_DOT_BEFORE_NUMBER = re.compile(r"\.[ \t]*:?[ \t]*[+(\d]")
NEXT_COLUMN = re.compile(r"(?:[ \t]{2,}|\t)\S")
# A line that opens another field: a key and its colon ("Tél. / Tel.:", "PESEL (row 2, ...):"), or a
# list item's checkbox or bullet ("☐ Alterar morada").
FIELD_LINE = re.compile(r"[ \t]*(?:[^\W\d_][^\d:\n()]{0,30}(?:\([^)\n]*\))?[ \t]*:(?:[ \t]|$)|[☐☑☒•▪◦*-][ \t])", re.MULTILINE)
# A lower-case word closing a cased address, another word after it on its line: the sentence going on.
LOWER_WORD_TAIL = re.compile(r"(?<=[\w.])[ \t]+([a-zà-ÿ]{3,})\Z")
WORD_GOES_ON = re.compile(r"[ \t]+[^\W\d_]")  # ...and another word after it on its line


PROSE_WORD_IN_KEY = re.compile(r"(?<![^\W\d_])[a-z]{3,}")  # "for this card": a sentence, not a key
BRACKETED = re.compile(r"^[^(]*\)|\([^)]*\)")  # "(row 2, nadany 29.03.2022)", or its tail after the span


def _opens_another_field(text: str, line_start: int, end: int) -> bool:
    """The line from `line_start` opens another field, and the words from the span's `end` to the key's
    colon are no prose ("Thailand for this card: 4916..." is an address line, then a sentence)."""
    m = FIELD_LINE.match(text, line_start)
    return m is not None and PROSE_WORD_IN_KEY.search(BRACKETED.sub("", text[end:m.end()])) is None


def _line_goes_on(text: str, end: int) -> bool:
    """The line goes on after `end` in another column: a run of spaces or a tab, then more text."""
    return NEXT_COLUMN.match(text, end) is not None


COLUMN_GAP_TAIL = re.compile(r"(?<=\S)(?:[ \t]{3,}|\t)[^\d\n]+\Z")  # after words on its line, not an indent
# A person's other fields after an address's last comma: "..., GA 31405, Social Security No".
FIELD_KEY_PIECE = re.compile(r"(?i)\b(?:social security|ssn|dob|date of birth|born|passport|licen[cs]e|phone|tel|"
                             r"mobile|e-?mail)\b")


def _next_field(text: str, end: int, piece: str) -> bool:
    """The one-word piece after an address's last comma opens the next field: a lower-case word goes
    on after it on its line ("US passport"; not "Springfield IL"), it is a short abbreviation with a lower-case
    word after its dot ("Soc. sec."; not "Spain. buzzer doesnt work"), or a lower-case fragment ("b")."""
    after = text[end:end + 3]
    country = piece.lower() in _countries_lower()
    abbreviation = re.match(r"\.[ \t][a-z]", after) is not None and len(piece) <= 4 and not country
    return re.match(r"[ \t][a-z]", after) is not None or abbreviation or (piece.islower() and not country)


@lru_cache(maxsize=1)
def _countries_lower() -> frozenset[str]:
    return frozenset(c.lower() for c in _countries())


TAIL_LINK = re.compile(r",?[ \t]+(?:and|or|is|are|was|to|at|on|in|the|und|y|et|e)\Z")


def without_lead_in(text: str, sp: PIISpan) -> int:
    """Where the address starts once the lead-in words the probe took in are cut: LEAD_INS before a
    house number or a capitalised street name, and any other lower-case word that is no street or
    unit word before a house number ("is it still 8 Protea Street")."""
    if (m := BRACKET_OPENING.match(text, sp.start, sp.end)) is not None and any(ch.isdigit() for ch in text[m.end():sp.end]):
        return m.end()  # "apartment (Landsberger Str. 302, 80687 München)": the address is in the brackets
    if (m := LINE_NUMBER.match(text, sp.start, sp.end)) is not None:
        return m.end()  # "13       Holloway Grant LLP, 901 Main Street": a transcript's line number
    start, lower_only = sp.start, False
    while (m := LEAD_IN.match(text, start, sp.end)) is not None:
        word = m.group(1)
        if word.lower() not in LEAD_INS:
            if not word.islower() or word in street_words() or UNIT_WORD.fullmatch(word):
                break
            lower_only = True
        start = m.end()
    head = ADDRESS_HEAD.match(text, start, sp.end)
    if head is None and (m := LEAD_IN.match(text, start, sp.end)) is not None and m.group(1).lower() in street_words():
        head = m  # "zam. ul. Krzywoustego": a street type word opens the address
    return start if head and (not lower_only or head.group().isdigit()) else sp.start


# ...and the words that open such a part of an address without a number before them.
UNIT_WORD = re.compile(rf"{UNIT_WORDS}|apto|andar|bloco|casa|villa|house|block|no|nr", re.IGNORECASE)
# A phone key inside an address span ("..., IL 60657, ph 773-555-0138", "ph 0433 190 254"): the
# number after it is the phone, not the address.
PHONE_IN_ADDRESS = re.compile(r"(?:^|,?[ \t]+)(?:ph|phone|tel|telephone|mob|mobile|cell|fax)\.?:?[ \t]*(?=[+(\d])",
                              re.IGNORECASE)


# A phone number alone after a run of spaces at the end of an address: the next column of a
# fixed-width line ("1250 Broadway, New York, NY 10001  (212) 555-0143").
PHONE_AFTER_COLUMN_BREAK = re.compile(r"[ \t]{2,}(?=[+(]?\d[\d ()./-]{6,}\Z)")
# ...or after a word and one space, as a national number: after a name ("Wiremu Tawhiri 027 339
# 5061") or a one-letter key ("\nM 021 887 4402").
PHONE_AFTER_WORDS = re.compile(r"(?<=[^\W\d_])[ \t]+(?=(?:(?:\+|0)\d(?:[ ()-]*\d){8,}|\(?\d{3}\)?[ .-]\d{3}[.-]\d{4})"
                               r"[ \t]*\Z)")  # "Brent Yarbrough 512-555-0152" too
# ...or on the line after the address, written as phones are: a "+" or a bracket first, or ten
# digits or more (not a postcode on its own line: "01426-001", "93703-2214").
PHONE_ON_LAST_LINE = re.compile(r"[ \t]*\n[ \t]*(?=(?:[+(]\d|\d(?:[ ()./-]*\d){9})[\d ()./-]*\Z)")


# Two addresses side by side in two columns: "1440 Abbott St, Salinas, CA 93901          8800 W 47th St".
COLUMN_GAP_BEFORE_NUMBER = re.compile(r"(?<=\S)[ \t]{3,}(?=\d)")


def addresses_apart(text: str, sp: PIISpan) -> list[PIISpan]:
    """An address span holding two addresses in two columns, each with a number: the two."""
    if sp.label != "STREET_ADDRESS":
        return [sp]
    m = COLUMN_GAP_BEFORE_NUMBER.search(sp.text)
    if m is None or not any(ch.isdigit() for ch in sp.text[:m.start()]) or "\n" in sp.text[:m.start()]:
        return [sp]
    a, b = sp.start + m.start(), sp.start + m.end()
    return [PIISpan(sp.start, a, sp.label, sp.score, text[sp.start:a]), PIISpan(b, sp.end, sp.label, sp.score, text[b:sp.end])]


def without_phone(text: str, sp: PIISpan) -> list[PIISpan]:
    """An address span holding a phone key and a number after it, or a phone alone after a column
    break, a name or a one-letter key, or on its last line: the address before it and a
    PHONE_NUMBER span after it (checked like any phone by the rule layer)."""
    if sp.label != "STREET_ADDRESS":
        return [sp]
    m = (PHONE_IN_ADDRESS.search(sp.text) or PHONE_AFTER_COLUMN_BREAK.search(sp.text) or PHONE_ON_LAST_LINE.search(sp.text)
         or PHONE_AFTER_WORDS.search(sp.text))
    if m is None:
        return [sp]
    a, b = sp.start + m.start(), sp.start + m.end()
    pieces = [PIISpan(sp.start, a, sp.label, sp.score, text[sp.start:a]),
              PIISpan(b, sp.end, "PHONE_NUMBER", sp.score, text[b:sp.end])]
    return [p for p in pieces if p.text.strip()]


# The city the probe left out after the last comma, when it closes the line or the sentence
# ("15 Admiralty Way, Lekki Phase 1" + ", Lagos"; "..., Dubai" + ", UAE").
CITY_AFTER = re.compile(r",[ \t]*[A-Z][^\W\d_]+(?:[ -][A-Z][^\W\d_]+){0,2}(?=[ \t]*(?:\n|\Z|[.;)]))")


def _postcode_line_at_end(text: str, sp: PIISpan) -> re.Match | None:
    """The postcode-and-city line right under the span's one line, or the one its last line opens."""
    last_break = sp.text.rfind("\n")
    if last_break < 0:
        return POSTCODE_CITY_LINE.match(text, sp.end) if text[sp.end - 1:sp.end].isalnum() else None
    line = POSTCODE_CITY_LINE.match(text, sp.start + last_break)
    return line if line is not None and line.end() >= sp.end else None


def country_end(text: str, sp: PIISpan, hi: int) -> int:
    """Where the address really ends: after the country that closes it (", Netherlands",
    "\\nPortugal"; or that it cut short, "South" + " Africa") or else the capitalised place after
    its last comma that closes its line (CITY_AFTER; an address without a number goes later anyway,
    rules._no_house_number) or the city after a closing postcode, a direction after its street
    type ("Copper Ave" + " NE"), and the postcode half or district code after it (POSTCODE_TAIL), up
    to `hi`."""
    end = _whole_country(text, sp, hi)
    m = _country_after_address().match(text, end)
    if m is not None and m.end() <= hi:
        end = m.end()
    else:
        city = CITY_AFTER.match(text, end)
        if city is not None and city.end() <= hi and FIELD_KEY_PIECE.search(city.group()) is None:
            end = city.end()
    if end == sp.end and text[end - 1:end].isdigit() and (city := CITY_AFTER_POSTCODE.match(text, end)) is not None \
            and city.end() <= hi:
        end = city.end()  # "ul. Legnicka 57/14, 54-203" + " Wrocław"
    last_word = text[text.rfind(" ", sp.start, end) + 1:end]
    if STREET_TYPE_AFTER_NAME.fullmatch(last_word) and (direction := DIRECTION_AFTER.match(text, end)) is not None \
            and direction.end() <= hi:
        end = direction.end()  # "2608 Copper Ave" + " NE"
    if end == sp.end and re.search(r"\d", sp.text) and (line := _postcode_line_at_end(text, sp)) is not None \
            and line.end() <= hi:
        end = line.end()  # "Brinkgreverweg 212" + "\n7413 AD  DEVENTER": the postcode line under the street
    tail = POSTCODE_TAIL.match(text, end)
    if tail is not None and tail.end() <= hi and re.search(r"\d", text[sp.start:end]):
        end = tail.end()
    if text[end - 1:end].isalpha() and (code := POSTCODE_AFTER_CITY.match(text, end)) is not None and code.end() <= hi \
            and re.search(r"\d", text[sp.start:end]):
        end = code.end()  # "Shanghai" + " 200240", "Chennai" + " - 600004", and what closes the line after it
        place = _country_after_address().match(text, end) or CITY_AFTER.match(text, end)
        if place is not None and place.end() <= hi and FIELD_KEY_PIECE.search(place.group()) is None:
            end = place.end()
    return end


# A postcode after the city that closes the address, a dash or a comma between: "Shanghai 200240",
# "Chennai - 600004", "Bengaluru, Karnataka – 560087" (India's six digits, written "600 020" too).
POSTCODE_AFTER_CITY = re.compile(r"[ \t]*[,–-]?[ \t]*(?:\d{3}[ ]\d{3}|\d{4,6})(?![\w/.:-]|[ \t]?\d)")
CITY_AFTER_POSTCODE = re.compile(r"[ \t]+[A-ZÀ-ÖØ-Þ][^\W\d_]+(?:[ -][A-ZÀ-ÖØ-Þ][^\W\d_]+)?(?=[ \t]*(?:\n|\Z|[,.;)]))")
DIRECTION_AFTER = re.compile(r"[ \t]+(?:NE|NW|SE|SW|N|S|E|W)\b(?![.'’-]?\w)")
# A line of a postcode and a city alone: "7413 AD  DEVENTER", "80331 München", "D-20095 Hamburg", "1010 Wien".
POSTCODE_CITY_LINE = re.compile(r"[ \t]*\n[ \t]*(?:[A-Z]{1,2}-)?(?:\d{4}[ ]?[A-Z]{2}|\d{4,5})[ \t]+"
                                r"[A-ZÀ-ÖØ-Þ][^\W\d_]+(?:[ -][A-ZÀ-ÖØ-Þ]?[^\W\d_]+){0,2}(?=[ \t]*(?:\n|\Z))")


# What closes an address after its city: the inward half of a UK postcode ("leeds ls6" + " 2ab"),
# a district or province letter code at the end of a line or sentence ("København" + " N",
# "Milano" + " MI").
POSTCODE_TAIL = re.compile(r"(?<=\d)[ \t]+\d[A-Za-z]{2}\b|(?<=[^\W\d_])[ \t]+[A-Z]{1,2}(?=[ \t]*(?:\n|$|[,.;)]))")


# The keys inside a Turkish address: its door, flat, floor and block ("Bağdat Cad. No:245 D:7", "Kat: 4"),
# no field keys (decode.KEY_END reads them too).
TURKISH_ADDRESS_KEYS = ("No", "D", "Daire", "Kat", "Blok")
# What may sit between two pieces of one address on one line: commas and at most two short words
# the probe left out, a floor, a door or a flat ("45, 2º izq, 28013", "34, 2. tv, 2200", "84/92 m. 15,
# 00-514", "Flat 5/3, 12 Marchmont Road"); never a field separator or a linking word ("to", "and").
ADDRESS_GAP = re.compile(r"[ \t]*,?[ \t]*(?:[\w.º°ª/-]{1,5}[ \t]*){0,2},?[ \t]*")
# ...or up to four of its parts, each capitalised or a number, a particle or a floor word, with commas
# or dashes between them (a list of parts, not a sentence).
# A key inside it is a postcode's ("CEP:") or a door's ("Daire:", Turkish); any other ("Office:",
# "Dirección:") opens another field.
PARTS_GAP = re.compile(r"[ \t]?[,–—-]?[ \t]?(?:(?:(?:CEP|C\.?P\.?|PLZ|ZIP|" + "|".join(TURKISH_ADDRESS_KEYS) + r"):|[A-ZÀ-Þ0-9][\w'’.º°ª-]*|"
                       r"de|da|do|di|la|le|del|der|andar|piso|apto|kat)[ \t]?[,–—-]?[ \t]?){1,4}")
TURKISH_KEY_OR_DASH = re.compile(r"[,–—-]|\b(?:" + "|".join(TURKISH_ADDRESS_KEYS) + r"):")
LINKING_WORDS = frozenset(["to", "and", "or", "from", "y", "e", "et", "und", "en", "og", "och", "i", "a", "the", "then",
                           "via"])


# "m" of "m. 15", "ap" of "ap. 4", "Esq" of "3º Esq., 1100-231 Lisboa", "Col" of "Col. Chapalita"; not "Street"
ABBREVIATION_END = re.compile(r"(?<![^\W\d_])[A-Za-z]?[a-z]{1,3}\Z")


DASH_GAP = re.compile(r"[ \t]+[-–][ \t]+")
# After a dash, a postcode (its key too: "CEP 05407-002", "600004", "3987," of "12214 - 3987,") or a
# floor ("14º andar"); not a house number and its street ("12 Main St - 34 Elm St": two addresses).
NUMBER_AFTER_DASH = re.compile(r"(?:CEP|C\.P\.|CP|PLZ)[ \t:]*\d|\d{5}|\d{4}-\d|\d{1,3}[º°ª]|\d+(?=,)")
STATE_CODE = re.compile(r"[A-Z]{2}(?=[ \t]*(?:[,\n]|\Z))")


def _one_address(text: str, left: PIISpan, right: PIISpan, middle: PIISpan | None = None) -> bool:
    gaps = [(left.end, middle.start), (middle.end, right.start)] if middle else [(left.end, right.start)]
    if middle is not None and (middle.label != "PERSON" or " " in middle.text or "-" not in middle.text):
        return False  # only a hyphenated place name the probe took for a name ("Meguro-ku")
    for a, b in gaps:
        if DASH_GAP.fullmatch(text, a, b) and (text[a - 1:a].isdigit() and text[b:b + 1].isupper()
                                               or STATE_CODE.match(text, b) is not None
                                               or POSTCODE_CITY.match(text, b) is not None
                                               or NUMBER_AFTER_DASH.match(text, b) and any(ch.isdigit() for ch in left.text)):
            continue  # "apto 302 - Ipanema", "São Paulo - SP,": Brazil writes an address's parts so;
            # a letterhead's street, dash, postcode and town: "Via Giuseppe Mazzini 58 – 40137 Bologna";
            # a postcode or a floor after a street with its number: "No. 14, ... Chennai - 600004",
            # "Faria Lima, 3477 – 14º andar", "São Paulo/SP – CEP 05407-002" (not "Indirizzo - 7839 ...")
        abbreviation = ABBREVIATION_END.search(text, max(0, a - 4), a)
        if abbreviation is not None and abbreviation.group()[0].isupper() and abbreviation.group().lower() in street_words() \
                and text[a + 1:a + 2] != ",":
            abbreviation = None  # "12 Main St. 5 Elm St": a street type's dot ends a sentence; not "6th St., Ste. 290"
        if text[a:a + 1] == "." and (text[a - 1:a].isdigit() or abbreviation is not None):
            a += 1  # the ordinal dot of a floor, "2. tv", or an abbreviation's, "84/92 m. 15", "3º Esq., 1100"
        gap = text[a:b]
        if re.fullmatch(r"[ \t]*,?[ \t]*#", gap):
            continue  # "10 Anson Road, #" + "22-02 International Plaza": a unit's sign
        if PARTS_GAP.fullmatch(gap) is not None and TURKISH_KEY_OR_DASH.search(gap) and b - a <= 32:
            continue  # the address's parts between: " Dr, Kaneohe, ", " - Funcionários - CEP: ", " de la Chaussée-d'Antin, "
        if b - a > 12 or ADDRESS_GAP.fullmatch(gap) is None or not gap.strip() and gap != " ":
            return False  # a tab or a run of spaces separates fields; one space does not
        words = [w for w in re.split(r"[\s,]+", gap) if w]
        if any(w.strip(".").lower() in LINKING_WORDS or not any(ch.isalnum() for ch in w) for w in words):
            return False  # a linking word, or a sentence's full stop or a field's dash between two addresses
    return True


def joined_address_pieces(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """Two STREET_ADDRESS spans on one line with only commas and a short floor, door or flat word
    between them (or a hyphenated place name taken for a name, "2-11-3 Kamimeguro, Meguro-ku, Tokyo")
    are one address the probe cut in two."""
    out: list[PIISpan] = []
    for sp in spans:
        if sp.label == "STREET_ADDRESS" and out:
            left, middle = (out[-2], out[-1]) if len(out) > 1 and out[-1].label != "STREET_ADDRESS" else (out[-1], None)
            if left.label == "STREET_ADDRESS" and _one_address(text, left, sp, middle):
                del out[-2 if middle else -1:]
                out.append(PIISpan(left.start, sp.end, sp.label, min(left.score, sp.score), text[left.start:sp.end]))
                continue
        out.append(sp)
    return out


@lru_cache(maxsize=1)
def _street_types_first_lower() -> frozenset[str]:
    return frozenset(w.lower() for w in _street_types_first())


def _without_countries_after_addresses(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """A country taken for a name right after an address ("..., 9761 Billum, Danmark") is no name:
    it goes, and the address takes it in as its closing country; not a country that is also a given
    name ("3 Elm Rd, Jordan.")."""
    out: list[PIISpan] = []
    for sp in spans:
        if (sp.label == "PERSON" and out and out[-1].label == "STREET_ADDRESS" and sp.text.lower() in _countries_lower()
                and sp.text not in _given_names() and re.fullmatch(r",?[ \t]*\n?[ \t]*", text[out[-1].end:sp.start])):
            continue
        out.append(sp)
    return out


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    """Faker's English given names ("Jordan", "Chad", "Georgia" are countries too)."""
    en_us = provider("person", "en_US")
    return frozenset(en_us.first_names_male) | frozenset(en_us.first_names_female)


HOUSE_NUMBER_AFTER = re.compile(r"(?:,[ \t]*|[ \t]+)(?:\d{1,5}[a-zA-Z]?|[Ss]/[Nn])\b(?![.,:/-]?\d)")


def street_not_person(text: str, sp: PIISpan) -> PIISpan:
    """A "name" that opens with a street type word ("Praça Mauro Magalhães", "Stretto Leblanc",
    "chemin Allain") is a street named after a person: an address, with the house number after it
    (", 5", ", S/N")."""
    words = sp.text.split()
    if sp.label != "PERSON" or len(words) < 2 or len(words[0].strip(".")) < 3 \
            or words[0].lower() not in _street_types_first_lower():
        return sp
    m = HOUSE_NUMBER_AFTER.match(text, sp.end)
    end = m.end() if m else sp.end
    return PIISpan(sp.start, end, "STREET_ADDRESS", sp.score, text[sp.start:end])


# A quoted cell of a CSV row or a JSON value: opened after a delimiter or a key's colon, closed
# before the next delimiter or the line's end.
QUOTED_CELL = re.compile(r'(?:^|(?<=[,;\t=:\[{]))[ \t]*"([^"\n]*)"(?=[ \t]*(?:[,;\t}\]]|$))', re.MULTILINE)
PROSE_WORD = re.compile(r"\b[a-z]{4,}\b")  # "come by to see": a sentence, not the rest of an address


def whole_quoted_cell(text: str, sp: PIISpan, lo: int, hi: int) -> tuple[int, int]:
    """An address that lies inside a quoted cell takes the whole cell ('"Calle Mayor 45, 2º izq,
    28013 Madrid"', the probe stopping at the first comma), unless the rest reads as prose; one that
    starts in a quoted cell ends with it."""
    line_start, line_end = text.rfind("\n", 0, sp.start) + 1, text.find("\n", sp.end)
    for m in QUOTED_CELL.finditer(text, line_start, len(text) if line_end == -1 else line_end):
        a, b = m.span(1)
        if a <= sp.start and sp.end <= b and lo <= a and b <= hi:
            rest = text[a:sp.start] + " " + text[sp.end:b]
            return (sp.start, sp.end) if PROSE_WORD.search(rest) else (a, b)
        if a <= sp.start < b < sp.end:
            return sp.start, b  # '"Flat 4, 27 Camden Road",London,,NW1 9LR': the next cells are other columns
    return sp.start, sp.end


BARE_COMMA = re.compile(r",(?=\S)")


def cell_end(text: str, start: int, end: int) -> int | None:
    """Where the first CSV cell boundary in text[start:end] is: a comma with no space after it, in
    a line of three such commas or more, or before a letter ("Blvd,St. Louis"; not "3,49")."""
    line_start, line_end = line_bounds(text, start, end)
    csv_row = len(BARE_COMMA.findall(text, line_start, line_end)) >= 3
    for m in BARE_COMMA.finditer(text, start, end):
        if csv_row or not text[m.end()].isdigit():
            return m.start()
    return None


# The value after a Turkish address key the address ends on ("No:12 D" + ":3", "No: 7 Daire" + ": 3").
KEY_VALUE_AFTER = re.compile(r"[ \t]?:[ \t]?\d+(?:/\d+)?[A-Za-z]?(?![\w/.-])")


def with_door_number(text: str, sp: PIISpan, hi: int) -> PIISpan:
    """An address that ends on a Turkish address key takes the key's value (the probe left "3" of
    "D:3" out), up to `hi`."""
    last = sp.text[sp.text.rfind(" ") + 1:]
    value = KEY_VALUE_AFTER.match(text, sp.end) if last in TURKISH_ADDRESS_KEYS else None
    if value is None or value.end() > hi:
        return sp
    return PIISpan(sp.start, value.end(), sp.label, sp.score, text[sp.start:value.end()])


def with_address_edges(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """STREET_ADDRESS spans (sorted, not overlapping) take the edges the probe left out, up to
    their neighbours (the whole quoted cell they lie in, since the seventh session). Exact-span micro F1 with the rule layer, validation / held-out /
    synth_dataset_v2 / generated_large, the country then the street start: 0.924 / 0.918 / 0.758 /
    0.721 -> 0.925 / 0.919 / 0.758 / 0.723 -> 0.927 / 0.921 / 0.760 / 0.724 (measured inside the
    decoding, before this layer existed: docs/pii.md, fourth session)."""
    out: list[PIISpan] = []
    spans = _without_countries_after_addresses(text, [street_not_person(text, sp) for sp in spans])
    for i, sp in enumerate(spans):
        if sp.label == "STREET_ADDRESS":
            lo = out[-1].end if out else 0
            hi = spans[i + 1].start if i + 1 < len(spans) else len(text)
            if cell_end(text, sp.end, sp.end + 2) == sp.end:
                hi = sp.end  # a CSV row's street cell: "5821 Lindell Blvd" + ",St. Louis,63112"
            if sp.start and cell_end(text, sp.start - 1, sp.start + 1) == sp.start - 1:
                lo = sp.start  # ...and its start: "7," + "Hadley Hall"
            sp = with_door_number(text, sp, hi)
            start, end = street_start(text, sp, lo), country_end(text, sp, hi)
            start, end = whole_quoted_cell(text, PIISpan(start, end, sp.label, sp.score, text[start:end]), lo, hi)
            if start == sp.start:
                start = without_lead_in(text, sp)
            if start == sp.start:
                start = without_building(text, sp)
            if start == sp.start:
                start = without_line_above_street(text, sp)
            if end == sp.end:
                end = without_tail_words(text, sp)
            if (start, end) != (sp.start, sp.end):
                start, end = trim(text, start, end)  # "EH6 7BE." once a list's "3" after it left
                sp = PIISpan(start, end, sp.label, sp.score, text[start:end])
        out.append(sp)
    return joined_address_pieces(text, out)
