"""Document keys (part of the rule layer, `validators=True`): what the words before a number say it
is, and the numbers found by their key where the probe found nothing.

- Passport, licence and SSN numbers share shapes, so the document key before a number on its line
  names it ("Pasaporte: ...", "dl_number=..."), or the key closing the line before when the number
  opens its line ("Passport\n712345678"); after a reference key ("Policy number:", "Customer ID",
  "order", "account") a number-like span is no one's (`keyed_id`).
- A licence, passport or SSN number needs a document cue at all: its key on its line, a key
  closing the line before, or its table column's header (`document_cued`): shape alone cannot
  tell it from a control, member or case number.
- Found by their key: a passport number right after a passport key, a date right after a birth
  key ("Born: 11APR82"), and the whole cells of a table's passport, licence or SSN column
  (`keyed_finds`, `id_columns`).
"""

from __future__ import annotations

import re

from sae_pii.pii.format_finds import FIND_SCORE
from sae_pii.pii.name_cues import TABLE_DELIMITERS, header_over
from sae_pii.pii.spans import PIISpan
from sae_pii.pii.trim import line_bounds

# Field keys that name an identity document. The probe reads +-4 tokens, so a key behind a dotted
# leader ("Passport ........... 589942720") or in a language it rarely saw ("Pasaporte") may be out
# of its sight; the rule layer reads back to the start of the line. The twenty-fifth session's Croatian,
# Arabic, Romanian and airline keys, "n.:" and "br.:" found 13 numbers on the realistic sets, none false.
ID_KEYS = {
    "US_PASSPORT": r"passport|pasaporte|passeport|reisepass|passaporto|passaporte|paszport|paspoort|pasaport|paspor|"
                   r"паспорт|διαβατήριο|hộ chiếu(?: số)?|护照(?:号码)?|護照|旅券(?:番号)?|여권(?:번호)?|"
                   r"putovnica|جواز[ \t]+(?:ال)?سفر|"  # Croatian, Arabic
                   r"\bpp\b(?=[ \t]*(?:#|no\b|nr\b|:|[A-Z]{0,2}\d{6,9}\b))|(?-i:\bPPT\b)",  # an airline's passenger list
    "US_DRIVER_LICENSE": r"driv(?:er'?s?|ing)[ _-]*licen[cs]e|licen[cs]e|\bc?dl\b|dl_?(?:number|no|num)|"
                         r"f(?:ü|ue)hrerschein|permis de conduire|licencia|patente|voza[čc]ka dozvola|"
                         r"permis(?:ul|ului)? de conducere",
    "US_SSN": r"\bssn\b|social[ _-]*security|soc\.? ?sec|\bsocial\b|\btin\b",
}
# Keys of numbers that are no one's personal data: a number after one of them is a reference, not a
# phone, passport, licence or SSN ("Policy number: AUT-7731-0048-22", "Customer ID: 88120457",
# "charity no. 209603"). Phone keys compete with them ("Policy holder: Jane Doe, tel 555 ...").
_NUMBERED_THINGS = (r"(?:customer|client|member(?:ship)?|student|employee|group|account|certificate|registration|"
                    r"charity|company|part|model|item|batch|user|patient|visit|holder|health|care|nhs|medicare|"
                    r"insurance|ticket|control|routing|kunde)")
# Keys of the tax, company, social-insurance and national numbers we do not label, of bank codes and
# of meeting dial-ins ("NIF 178 432 905", "USt-IdNr. DE 814 226 379", "TAJ szám: 038 412 775",
# "Sort code 20-32-53", "Meeting ID: 384 221 907 615"): their numbers have a phone's shape. The
# acronyms count in capitals only ("sin" is Spanish for "without"); "TIN" is an SSN key (ID_KEYS).
# On the probes' stored probabilities for all 32 realistic and hand-labelled files they dropped 43
# phones, all false, and lost no gold span ("dossier" and "expediente" were tried and dropped a
# phone of "Contact dossier : Hugo Berthelot - 06 12 48 77 30"). The nineteenth session's keys of other
# languages' customer, contract, account, tracking and id numbers dropped 6 false phones of the twelve
# blind sets and 20 of the realistic training sets, and no gold span ("номер" and "ruta" were tried
# and dropped phones: "її номер 097 ...", "Rūta"). The twenty-fifth session's VAT, company, account,
# tracking, order, employee and chip keys dropped 55 false phones of the eighteen realistic sets and 9
# of the realistic training sets, and no gold span.
_UNLABELLED_ID_KEYS = (r"\b(?:vat|tax[ _-]*(?:no|nr|number|code|file|ref|reg)|steuer[ -]?(?:nummer|nr|id)|"
                       r"ust[ .-]?id(?:[ .-]?nr)?|regon|krs|pesel|sv[ .-]?nr|sozialversicherungs?nummer|"
                       r"f[øo]dselsnummer|personnummer|henkil[öo]tunnus|codice fiscale|national insurance|aadhaar|"
                       r"philhealth|pag-?ibig|nric|snils|ogrn|okpo|meeting[ _-]*id|call[ _-]*id|conference[ _-]*id|"
                       r"passcode|sort[ _-]*code|bankgiro|plusgiro|bsb|ifsc|zaaknummer|aktenzeichen|"
                       # customer, contract, account, tracking and order numbers of other languages
                       r"kunden?[ _-]*(?:nummer|nr)|vertrags(?:konto|nummer)|verwendungszweck|rechnungsnummer|"
                       r"sendungsnummer|auftragsnummer|compte|num[ée]ro de suivi|police[ .-]?nr|skade[ .-]?nr|cuenta|"
                       r"g[öo]nderi[ _-]*kodu|takip|tracking[ _-]*(?:no|nr|number|num|id)|documento|"
                       r"снилс|инн|заказ|伝票番号|注文番号|保険者番号|운송장번호|계좌|आधार|"
                       # VAT, company, tax and social-insurance numbers, a bank's account, a parcel's or
                       # letter's tracking number, an order, an employee's or a pet's chip number
                       r"p\.?[ ]?iva|gst|hst|kvk(?:-nummer)?|entreprise|s[ée]curit[ée] sociale|tckn|kimlik|bpjs|"
                       r"acc|konto|viitenumero|aanslagnummer|m-?pesa till|till (?:no|number)|paybill|"
                       r"certified mail|recommand[ée]e|gu[íi]a|bol|upc|mprn|mpan|accession|tagebuchnummer|event no|"
                       r"grant no|ap[óo]lice|contrat|contrato|carteirinha|pedido|ordre|n[°º] ?client|"
                       r"personalnummer|personeelsnr|employee[ _-]*id|badge|microchip|puce|"
                       r"(?:survey|access|promo|discount|gift|activation|verification) code)(?!\w)"
                       # in scripts without spaces, no word boundary before the key: "我的订单 3921..."
                       r"|(?:运单号|单号|月结卡号|订单|송장번호|주문번호)"
                       r"|\b(?-i:NIF|NIE|NIPC?|SIN|PAN|RUT|CUIT|CPF|CNPJ|RFC|CURP|BSN|CPR|IRD|TAJ|AHV|AVS|DIN|BIK|INN|KPP|SSS|"
                       r"GSIS|UMID|A/C|OEN|UCI|NSN|C\.C\.|CC)(?!\w)")
REFERENCE_KEY = (r"\b(?:order|invoice|policy(?![ -]?holder)|claim|ticket|case|ref(?:erence)?|confirmation|"
                 r"reservation|booking|" + _NUMBERED_THINGS + r"[ _-]*(?:card(?:[ _-]*(?:no|nr|number|num))?|"
                 r"no|nr|number|num|ids?)|medicare|ndc|oib|rcs|"
                 r"occurrence|incident|track(?:ing)?|shipment|parcel|transaction|txn|"
                 r"vin|sku|receipt|voucher|mrn|npi|e-?ticket|serial|loan|meter|seal|container|manifest|upn|"
                 r"sponsor|vessel|asset|contract|permit|docket|folio|pnr|plates?|reg|lot|zip|postcode|post code|postal code|plz|cep|"
                 r"account|acct|awb|waybill|consignment|imei|iccid|build|flyer|loyalty|rewards|honors|miles|pin|"
                 r"siret|siren|mersis|abn|npwp|org\.?nr|"
                 r"r[ée]f[ée]rence|referencia|riferimento|referenz)\b|§"
                 r"|\b" + _NUMBERED_THINGS + r"[ _-]*#"  # "MEMBER # 9355 0412 8830 2267": no word boundary after "#"
                 r"|" + _UNLABELLED_ID_KEYS)
PHONE_KEY = (r"\b(?:phone|tel|telephone|mobile|cell|fax|call|whatsapp|text|ring|dial|contact[ _-]*(?:no|number|#)|"
             r"cellulare|celular|m[óo]vil|handy|tel[ée]fono|t[ée]l[ée]phone|telefone|portable)\b")
NUMBER_KEY = re.compile("|".join(f"(?P<{lab}>{pat})" for lab, pat in
                                 {**ID_KEYS, "PHONE_NUMBER": PHONE_KEY, "REFERENCE": REFERENCE_KEY}.items()),
                        re.IGNORECASE)
KEY_REACH = 40
# Between a key and the span, the first groups of the same number the probe left out ("Frequent
# flyer: SK 123 " + "456 789"); a comma or a word would be another value ("ref 4, 87654321").
SAME_VALUE = re.compile(r"[ \t:#.=-]*[A-Z]{0,3}[ \t]?(?:\d+[ \t])+")
KEY_CLOSING_LINE = re.compile(f"(?:{NUMBER_KEY.pattern})" + r"[ \t:#.=-]*\r?\n[ \t]*\Z", re.IGNORECASE)


def line_back(text: str, pos: int, reach: int) -> int:
    """Where a key before `pos` may start: `reach` characters back, never before its line."""
    return max(text.rfind("\n", 0, pos) + 1, pos - reach)


def keyed_id(text: str, sp: PIISpan) -> PIISpan | None:
    """Passport, licence and SSN numbers look alike: the nearest document key before the number on
    its line (with no other value in between) names it; after a reference key (order, policy,
    customer number...) a number-like span is no PII at all."""
    if sp.label not in ID_KEYS and sp.label != "PHONE_NUMBER":
        return sp
    window = text[line_back(text, sp.start, KEY_REACH):sp.start]
    keys = list(NUMBER_KEY.finditer(window))
    line_start = line_bounds(text, sp.start)[0]
    if not keys and not window.strip() and line_start > 0:
        # the number opens its line: a key closing the line before names it ("Passport\n712345678")
        window = text[line_bounds(text, line_start - 1)[0]:sp.start]
        keys = [m for m in [KEY_CLOSING_LINE.search(window)] if m is not None]
    if not keys or (re.search(r"\d", window[keys[-1].end():]) and not SAME_VALUE.fullmatch(window[keys[-1].end():])):
        # "Zendesk #882104", "Walgreens Rx #0482217": a number after "#" and no document key is a reference
        return None if window.endswith("#") else sp
    label = keys[-1].lastgroup
    if label == "REFERENCE":
        return None
    if label == sp.label or (label == "US_SSN" and len(re.sub(r"\D", "", sp.text)) != 9):
        return sp
    if sp.label == "PHONE_NUMBER" and not re.fullmatch(r"[A-Z]{0,2}\d{8,9}", sp.text):
        return sp  # a phone after an id key keeps its label unless it is one run of 8-9 digits ("pp# 229307822")
    return PIISpan(sp.start, sp.end, label, sp.score, sp.text)


# A passport's number: letters at most in front and six to nine digits ("A12093857", "AAF447210"),
# or eight to ten capitals and digits with three digits or more ("CF7R2K9L1", "19AV48213").
PASSPORT_NUMBER = r"[A-Z]{0,3}\d{6,9}|(?=[A-Z\d]{8,10}\b)(?:[A-Z]*\d){3}[A-Z\d]*"
# A passport key and the number right after it ("Pasaporte\t532490304", "Passport ....... 191158705"):
# the number is the passport's even where the probe found nothing.
_KEY_NUMBER_WORD = (r"(?i:[ _\t-]*\n?[ \t]*(?:no\.?|nr\.?|br\.|number|num|#|n\.?[º°]|n\.(?=[ \t:])))?[\"' \t:：.#=|>-]*"  # '"passport_no": "', "Lic. No.:",
                    r"(?:\n[ \t]*(?i:n\.?º|no\.?)?[ \t]*)?")  # "<passport>", "passaporte\nn.º CB318204"
KEYED_PASSPORT = re.compile(r"(?i:" + ID_KEYS["US_PASSPORT"] + r")" + _KEY_NUMBER_WORD
                            + r"(?:[A-Z][a-z]{2,15}[ \t]+|\(?[A-Z]{2,3}\)?:?[ \t]+)?"  # the issuing country: "Nigeria", "(TR):"
                            + r"\b(" + PASSPORT_NUMBER + r")\b(?![-/.]\d)")
# A driving licence number right after a driver's licence key, a state's or province's code aside
# ("CDL: CA D4417093", '"dl_number": "S530-4417-2093"'); not a business or professional licence.
KEYED_LICENCE = re.compile(r"(?<![\w/-])(?:(?i:driv(?:er'?s?|ing)[ _-]*licen[cs]e|dl_(?:number|no|num)|f(?:ü|ue)hrerschein(?:nummer)?|"
                           r"permis de conduire|permis(?=[ \t]+n[°º])|permis(?:ul|ului)? de conducere|voza[čc]ka dozvola|"
                           r"licencia de conducir|rijbewijs|praw[oa] jazdy|carta de condu[çc][ãa]o|"
                           r"patente di guida|patente(?=[ \t]+n)|k[öø]rekort|ehliyet|instruction permit|learner'?s permit|"
                           r"免許証番号|运转免许|驾驶证|驾照|운전면허)|C?DL|LIC|CNH)"
                           # "DL" and "LIC" in capitals: not "mg/dL"
                           r"(?i:[ _\t]*\(?(?:no\.?|nr\.?|br\.|number|num|#|n\.?[º°]|n\.(?=[ \t:])))?[\"' \t:：.#=|]+"  # not "DL-5564WU"
                           r"(?:[A-Z]{2,3}[ \t]+|\([A-Z]{2,3}\)[ \t]+(?:n\.?[º°][ \t]*)?)?"  # the issuing state: "NJ ", "(FAB) n° "
                           # the number: "D4417093", "1487 2264", Poland's "00812/05/1261"
                           r"\b([A-Z]{0,3}\d[\dA-Z-]{4,16}|\d{3,5}(?: \d{3,5}){1,2}|\d{5}/\d{2}/\d{4})\b(?![-/.]\d)")


# A birth date's key and a date right after it ("Born: 11APR82", "DOB 4/7/69", "Geburtsdatum: 03.02.1987").
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
_MONTHS = _MONTH + r"[a-z]*\.?"
_DATE_VALUE = (rf"\d{{1,2}}{_MONTH}\d{{2,4}}|\d{{4}}[./-]\d{{1,2}}[./-]\d{{1,2}}|\d{{1,2}}([./-])\d{{1,2}}\2\d{{2,4}}|"
               rf"\d{{1,2}}(?:st|nd|rd|th)?(?:[ \t]+of)?[ \t]+{_MONTHS},?[ \t]+\d{{4}}|"
               rf"{_MONTHS}[ \t]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]+\d{{4}}|"
               # a month's name in another language: "3 de abril de 1994", "7 février 1997", "4. März 1990"
               rf"\d{{1,2}}\.?º?[ \t]+(?:de[ \t]+)?[^\W\d_]{{3,11}}\.?[ \t]+(?:de[ \t]+)?\d{{4}}|"
               r"\d{4}年\d{1,2}月\d{1,2}日")  # "1994年7月26日"
KEYED_BIRTH_DATE = re.compile(
    r"(?i)(?:\bborn(?:[ \t]+on)?|\bdob|\bd\.o\.b\.?|date[ \t]+of[ \t]+birth|birth[ \t]*date|birthday|geburtsdatum|"
    r"fecha[ \t]+de[ \t]+nacimiento|date[ \t]+de[ \t]+naissance|data[ \t]+di[ \t]+nascita|data[ \t]+de[ \t]+nascimento|"
    r"geboortedatum|\bn[ée]e?[ \t]+le|nacid[oa][ \t]+el|nascid[oa][ \t]+em|geboren[ \t]+am|"
    r"naci[óo](?:[ \t]+en[ \t][^\n\d]{1,40}?)?,?[ \t]+el(?:[ \t]+d[íi]a)?|"  # "nació en Zapopan, Jal., el día"
    r"fecha[ \t]+de[ \t]+nac\.|\bnasc\.|ng[àa]y[ \t]+sinh|tanggal[ \t]+lahir|tgl\.?[ \t]*lahir|जन्म[ \t]+तिथि|"
    r"出生日期|生年月日|alizaliwa(?:[ \t]+tarehe)?|"
    # Arabic, Persian, Korean, Hebrew, Croatian, Romanian and Polish ones; Spanish's "I was born on"
    # (with a year first and a layout note: 14 birth dates found on the realistic sets, none false)
    r"تاريخ[ \t]+الميلاد|المولود[ \t]+بتاريخ|متولد|생년월일|תאריך[ \t]+לידה|datum[ \t]+ro[đd]enja|"
    r"n[ăa]scut[ăa]?[ \t]+(?:la|pe)|\bur\.|\bnaci[ \t]+el)"
    r"(?:[ \t]*\([^()\n]{1,16}\))?"  # "Date of birth (YYYY/MM/DD):"
    r"[\"' \t:：.=|-]*\n?[ \t]*(" + _DATE_VALUE + r")(?![\w/.-]?\d)")  # '"dob": "1988-02-11"' too


# Where each key of KEYED_PASSPORT / KEYED_BIRTH_DATE can start, in lower case: a case-sensitive
# scan for these literals, then the full pattern only there, is ~10x cheaper than scanning with
# the case-insensitive pattern at every position (0.3 ms of a 512-token document's rules).
# A phone number right after a phone key ("PH: 616-555-0140", "Tel. +49 30 1234567", "Cell: 559-803-1426"):
# the field keys and their abbreviations; not PHONE_KEY's verbs ("call", "text", "dial"), after which
# a number is a phone only when the probe says so.
KEYED_PHONE = re.compile(r"(?i:\b(?:ph|phone|tel|telephone|mobile|mob|cell|fax|whatsapp|handy|móvil|movil|celular|"
                         r"telefone|telefon|téléphone|tlf|mobil|gsm|hp|手机|电话|联系电话|電話|携帯|휴대폰|연락처|전화)\b)"
                         r"\.?[ \t]*[:#.]?[ \t]*(\+?\(?\d[\d ()./-]{5,18}\d)(?![\d/.-]?\d)")
PHONE_KEY_START = re.compile(r"ph|tel|t[ée]l|mob|cell|fax|whatsapp|handy|m[óo]vil|celular|tlf|gsm|hp|手机|电话|联系|電話|携帯|"
                             r"휴대폰|연락처|전화")
PASSPORT_KEY_START = re.compile(r"pass|pasa|pasz|pasp|reise|pp\b|ppt\b|паспорт|διαβ|hộ chiếu|护照|護照|旅券|여권|putovnica|جواز")
LICENCE_KEY_START = re.compile(r"driv|c?dl|lic|cnh|f(?:ü|ue)hrer|permis|licencia|rijbewijs|praw[oa]|carta|patente|k[öø]rekort|"
                               r"ehliyet|instruction|learner|免許|驾|운전|voza")  # lower-cased text: "dl" of "DL"
BIRTH_KEY_START = re.compile(r"born|dob|d\.o\.b|date|birth|geburt|fecha|data|geboorte|n[ée]e?\b|nacid|naci[óo]|nascid|"
                             r"nasc\.|geboren|ng[àa]y|tanggal|tgl|जन्म|出生|生年月日|alizaliwa|"
                             r"تاريخ|المولود|متولد|생년월일|תאריך|datum|n[ăa]scut|ur\.|naci\b")


def _matches_at(pattern: re.Pattern, key_start: re.Pattern, text: str, low: str) -> list[re.Match]:
    """pattern.finditer(text), trying the pattern only where key_start finds a key's first letters
    in `low`, text.lower() (computed once for all the keys)."""
    if len(low) != len(text):  # a letter whose lower case is longer ("İ"): positions would shift
        return list(pattern.finditer(text))
    out: list[re.Match] = []
    for hint in key_start.finditer(low):
        if out and hint.start() < out[-1].end():
            continue
        m = pattern.match(text, hint.start())
        if m is not None:
            out.append(m)
    return out


def keyed_finds(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """Passport, driving licence and phone numbers (seven digits or more) and birth dates right after
    their keys, where the probe found nothing."""
    low = text.lower()
    return with_finds(spans, [PIISpan(m.start(1), m.end(1), label, FIND_SCORE, m.group(1))
                               for label, pattern, key_start in (("US_PASSPORT", KEYED_PASSPORT, PASSPORT_KEY_START),
                                                                 ("US_DRIVER_LICENSE", KEYED_LICENCE, LICENCE_KEY_START),
                                                                 ("DATE_OF_BIRTH", KEYED_BIRTH_DATE, BIRTH_KEY_START),
                                                                 ("PHONE_NUMBER", KEYED_PHONE, PHONE_KEY_START))
                               for m in _matches_at(pattern, key_start, text, low)
                               if label != "PHONE_NUMBER" or sum(ch.isdigit() for ch in m.group(1)) >= 7])


def with_finds(spans: list[PIISpan], finds: list[PIISpan]) -> list[PIISpan]:
    """`spans` and the finds that overlap none of them nor an earlier find of the list (two patterns
    that found the same stretch), in text order."""
    free: list[PIISpan] = []
    for f in finds:
        if not any(o.start < f.end and f.start < o.end for o in (*spans, *free)):
            free.append(f)
    return sorted(spans + free, key=lambda s: (s.start, s.end)) if free else spans


def finds_in_place(spans: list[PIISpan], finds: list[PIISpan]) -> list[PIISpan]:
    """The finds, and the spans that overlap none of them, in text order: each find takes the place
    of what the probe made of its stretch."""
    if not finds:
        return spans
    rest = [sp for sp in spans if not any(sp.start < f.end and f.start < sp.end for f in finds)]
    return sorted(rest + finds, key=lambda s: (s.start, s.end))


# A whole table cell that reads as an id number: letters at most in front, then digits.
ID_CELL = re.compile(r"(?<![\w-])[A-Z]{0,3}\d[\dA-Z-]{4,18}(?![\w-])")
ID_SHAPE = {"US_PASSPORT": re.compile(r"[A-Z]{0,3}\d{6,9}"), "US_SSN": re.compile(r"\d{3}-?\d{2}-?\d{4}"),
            "US_DRIVER_LICENSE": re.compile(r"[A-Z]{0,3}[\d-]{5,18}[A-Z]{0,2}")}


def _whole_cell(text: str, start: int, end: int) -> bool:
    """Only spaces and quotes between text[start:end] and the delimiters or line ends around it."""
    line_start, line_end = line_bounds(text, start, end)
    before = text[line_start:start].rstrip(" \"'")
    after = text[end:line_end].lstrip(" \"'")
    return (not before or before[-1] in TABLE_DELIMITERS) and (not after or after[0] in TABLE_DELIMITERS)


# A whole table cell that reads as a date, and the header of a column of birth dates.
DATE_CELL = re.compile(r"(?<![\w/.-])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}([./-])\d{1,2}\1(?:\d{4}|\d{2}))(?![\w/.-])")
BIRTH_HEADER = re.compile(r"(?i)\bdob\b|d\.o\.b|birth|geburt|nacimiento|naissance|nascita|nascimento|geboorte|urodzenia|"
                          r"doğum|födelse|fødsel|народж|рожд|生年月日|出生|생년월일|ngày sinh|lahir|जन्म")


def id_columns(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """A table's passport, licence or SSN column ("| Passport No. |", "dl_number;...") holds that
    document's numbers, and a birth column ("dob", "| Date of birth |") its birth dates, found where
    the probe missed them: a row of cells gives it little context."""
    if not any(d in text for d in TABLE_DELIMITERS):
        return spans
    found = []
    for m in DATE_CELL.finditer(text):
        if _whole_cell(text, m.start(), m.end()) and (head := header_over(text, m.start())) is not None \
                and BIRTH_HEADER.search(head):
            found.append(PIISpan(m.start(), m.end(), "DATE_OF_BIRTH", FIND_SCORE, m.group()))
    for m in ID_CELL.finditer(text):
        if not _whole_cell(text, m.start(), m.end()):
            continue  # checked first: it is cheap, the header lookup is not
        head = header_over(text, m.start())
        if head is None:
            continue
        label = next((lab for lab, cue in DOCUMENT_CUE.items() if cue.search(head)), None)
        if label is not None and ID_SHAPE[label].fullmatch(m.group()):
            found.append(PIISpan(m.start(), m.end(), label, FIND_SCORE, m.group()))
    return with_finds(spans, found)


# What names a licence, passport or social security number: its keys (ID_KEYS) and the short forms
# of forms and exports ("Driver's lic.", "DLN", "Travel doc", "Document no.", "SS#", "taxpayer_id").
DOCUMENT_CUE = {
    "US_DRIVER_LICENSE": re.compile(ID_KEYS["US_DRIVER_LICENSE"] + r"|\bdln?\b|\blic\b", re.IGNORECASE),
    "US_PASSPORT": re.compile(ID_KEYS["US_PASSPORT"] + r"|\bpp\b|travel[ _-]*doc|document[ _-]*(?:no|nr|number|#)",
                              re.IGNORECASE),
    "US_SSN": re.compile(ID_KEYS["US_SSN"] + r"|\bss\b|ssn|taxpayer|\bitin\b", re.IGNORECASE),
}


def document_cued(text: str, sp: PIISpan) -> bool:
    """A licence, passport or SSN is named as one on its line, by the key closing the line before
    ("Driver license number\nD4829163") or by its table column's header; a number nothing names is
    some other id (a control, member or case number), which the probe cannot tell apart by shape."""
    cue = DOCUMENT_CUE[sp.label]
    if cued_on_its_lines(text, sp, cue, cue):
        return True
    head = header_over(text, sp.start)
    return head is not None and cue.search(head) is not None


def cued_on_its_lines(text: str, sp: PIISpan, on_line: re.Pattern, line_before: re.Pattern) -> bool:
    """`on_line` is found on the span's line, or `line_before` on the line before it."""
    return on_line.search(text, *line_bounds(text, sp.start, sp.end)) is not None or cued_on_line_before(
        text, sp, line_before)


def cued_on_line_before(text: str, sp: PIISpan, line_before: re.Pattern) -> bool:
    """`line_before` is found on the line before the span's."""
    line_start = line_bounds(text, sp.start, sp.end)[0]
    return line_start > 0 and line_before.search(text, *line_bounds(text, line_start - 1)) is not None
