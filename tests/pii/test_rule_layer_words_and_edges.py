"""The rule layer's word lists and span edges added after reading realistic set J: roles, greetings,
legal parties and honorifics around names, directory entries, slashed names, phones in a CSV row,
trunk digits, and addresses written with a dash, an Indonesian street type or a remark in brackets."""

from __future__ import annotations

import pytest
from rule_layer import validated
from sae_pii.pii.decode import apply_validators
from sae_pii.pii.spans import PIISpan


def _validated(text: str, value: str, label: str) -> list[str]:
    """The texts the rule layer keeps of one `label` span on the first `value` in `text`."""
    return [s.text for s in validated(text, value, label)]


@pytest.mark.parametrize(("text", "value", "expected"), [
    ("[14:05] Temsilci Burak: Merhaba", "Temsilci Burak", ["Burak"]),  # a Turkish agent's role
    ("Hai Putri,\n\nTerima kasih", "Hai Putri", ["Putri"]),  # an Indonesian greeting
    ("Prezado(a) RAFAEL DE SOUZA NOGUEIRA,\n\nSegue", "Prezado(a) RAFAEL DE SOUZA NOGUEIRA",
     ["RAFAEL DE SOUZA NOGUEIRA"]),  # a greeting's gender ending
    ("Mr. K. Venkatesh Rao, S/o Late K. Subba Rao, aged 58", "Late K. Subba Rao", ["K. Subba Rao"]),
    ("Mit freundlichen Grüßen\n\ni. A. Sabine Kreutzer\nBuchhaltung", "A. Sabine Kreutzer", ["Sabine Kreutzer"]),
    ("Dr Niamh Fitzgerald MICGP\nIMC No. 412887", "Niamh Fitzgerald MICGP", ["Niamh Fitzgerald"]),
    ("■Guest name       : SCHMIDT ANNA 様\n■Check-in", "SCHMIDT ANNA 様", ["SCHMIDT ANNA"]),
    ("WHEREAS the Lessor is the absolute owner", "Lessor", []),  # a contract's party
    ("Anja (Mama von Finn): Guten Morgen!", "von Finn", ["Finn"]),  # "of" after a kinship word
    ("Sehr geehrte Frau von Stein,", "von Stein", ["von Stein"]),  # ...not after a title
    ("erreichen Sie Herrn Dominik Raabe unter", "Herrn Dominik Raabe", ["Dominik Raabe"]),
    ("| 4 | LCpl Kevin Huang | PSC 561 Box 4402", "LCpl Kevin Huang", ["Kevin Huang"]),
    ("Nájemce:\nBc. Tereza Horáková\nnar. 2. 5. 1996", "Bc. Tereza Horáková", ["Tereza Horáková"]),
    ("[12/3/24 10:02] Tía Maribel: Hola sobrinos", "Tía Maribel", ["Maribel"]),
    ("Dear Mdm Lee,", "Mdm Lee", ["Lee"]),
    ("07 Jan  FPO J. OKONJO REF BIRTHDAY GIFT", "J. OKONJO REF", ["J. OKONJO"]),  # a bank line's reference key
    # A piece after an inner lower-case word opens with particles: the name keeps its own, not "van de".
    ("was Jaan een zus van de Willem van Gils uit Tilburg?", "van de Willem van Gils uit Tilburg", ["Willem van Gils"]),
    ("Name: OTIENO BRIAN OUMA", "OTIENO BRIAN OUMA", ["OTIENO BRIAN OUMA"]),  # a surname, not Afrikaans "Ouma"
])
def test_roles_greetings_parties_and_honorifics_leave_names(text, value, expected):
    assert _validated(text, value, "PERSON") == expected


@pytest.mark.parametrize(("text", "value", "expected"), [
    ("dn: CN=Ingrid Halvorsen,OU=Ledelse,OU=People,DC=local", "Ledelse", []),  # a directory's unit
    ("dn: CN=Ingrid Halvorsen,OU=Ledelse,OU=People,DC=local", "DC", []),  # a key before "="
    ("title: Daglig leder\ndepartment: Ledelse\n", "Ledelse", []),  # a department's name
    ("dn: CN=Ingrid Halvorsen,OU=Ledelse", "Ingrid Halvorsen", ["Ingrid Halvorsen"]),  # the person stays
    ("c/o Summit Ridge\n8020 N. Mopac Expy, Suite 310", "N. Mopac Expy", []),  # a street named so
])
def test_directory_parts_departments_and_streets_are_no_names(text, value, expected):
    assert _validated(text, value, "PERSON") == expected


@pytest.mark.parametrize(("text", "value", "expected"), [
    ("TRF TO ABUBAKAR SANI Garba/Okafor/house rent", "ABUBAKAR SANI Garba/Okafor", ["ABUBAKAR SANI Garba", "Okafor"]),
])
def test_a_slash_between_two_words_splits_a_name(text, value, expected):
    assert _validated(text, value, "PERSON") == expected


def test_a_state_code_after_a_slash_is_no_name_of_its_own():
    assert "SP" not in _validated("Naturalidade: Campinas/SP\nNome", "Campinas/SP", "PERSON")


@pytest.mark.parametrize(("text", "value", "expected"), [
    ("09:16:05 PDT,+14155238890,+17732094415,received", "+14155238890,+17732094415",
     ["+14155238890", "+17732094415"]),  # a CSV row's two numbers
    ("tel. 091 234 5587, OIB 48213077509", "091 234 5587", ["091 234 5587"]),
    ("Мой номер\n8 (925) 301-44-09, жена", "(925) 301-44-09", ["8 (925) 301-44-09"]),  # Russia's trunk 8
    ("call 1 (575) 420-6667 today", "(575) 420-6667", ["1 (575) 420-6667"]),
    ("Room 21 (925) 301-4409", "(925) 301-4409", ["(925) 301-4409"]),  # not the last digit of a number
    ("Tel: +234 803 555 0129, 0705 555 0147\n", "+234 803 555 0129, 0705 555 0147",
     ["+234 803 555 0129", "0705 555 0147"]),  # a comma and a space between two numbers
])
def test_phones_split_at_a_csv_comma_and_take_a_trunk_digit(text, value, expected):
    assert _validated(text, value, "PHONE_NUMBER") == expected


@pytest.mark.parametrize(("text", "spans", "expected"), [
    ("CONDOMINIO\nVia Giuseppe Mazzini 58 – 40137 Bologna\nC.F. 9123",
     ["Via Giuseppe Mazzini 58", "40137 Bologna"], ["Via Giuseppe Mazzini 58 – 40137 Bologna"]),
    ("Centre de gestion – 14 rue Paul-Bert – 69003 Lyon\nTél. 04 78 62 19 40",
     ["14 rue Paul-Bert", "69003 Lyon\nTél"], ["14 rue Paul-Bert – 69003 Lyon"]),
    ("Jemput  17:42  Jl. Kemang Raya No. 18B, Bangka, Jakarta Selatan 12730\n",
     ["Kemang Raya No. 18B, Bangka, Jakarta Selatan 12730"], ["Jl. Kemang Raya No. 18B, Bangka, Jakarta Selatan 12730"]),
    ("Adres: Caferağa Mah. Moda Cad. No: 41, 34710 Kadıköy/İstanbul (Kuaför Nazlı, 2. kat)",
     ["Caferağa Mah. Moda Cad. No: 41, 34710 Kadıköy/İstanbul (Kuaför Nazlı"],
     ["Caferağa Mah. Moda Cad. No: 41, 34710 Kadıköy/İstanbul"]),  # a remark in brackets
    ("Call 58 – 40137 cars", ["58"], []),  # no postcode and city after the dash: nothing joins
])
def test_address_pieces_join_across_a_dash_and_lose_an_unclosed_remark(text, spans, expected):
    given, pos = [], 0
    for value in spans:
        a = text.index(value, pos)
        given.append(PIISpan(a, a + len(value), "STREET_ADDRESS", 0.9, value))
        pos = a + len(value)
    assert [s.text for s in apply_validators(text, given)] == expected


@pytest.mark.parametrize(("text", "value", "expected"), [
    ("De heer M.J. van der Heijden\nBrinkgreverweg 212\n7413 AD  DEVENTER\n\nDatum", "Brinkgreverweg 212\n7413 AD",
     ["Brinkgreverweg 212\n7413 AD  DEVENTER"]),  # the postcode line the probe cut at its column gap
    ("Herrn Jonas Weber\nLindenstraße 12\n80331 München\n", "Lindenstraße 12", ["Lindenstraße 12\n80331 München"]),
    ("Lindenstraße 12\n80331 items shipped today\n", "Lindenstraße 12", ["Lindenstraße 12"]),  # no town's line
])
def test_the_postcode_line_under_a_street_line_joins_it(text, value, expected):
    assert _validated(text, value, "STREET_ADDRESS") == expected


@pytest.mark.parametrize(("text", "value", "expected"), [
    ("Unit 7, Boksburg Industrial Park\n19 Commissioner Street\nBoksburg\n1459\nReg. No. 2014/118823/07",
     "Unit 7, Boksburg Industrial Park\n19 Commissioner Street\nBoksburg\n1459\nReg",
     "Unit 7, Boksburg Industrial Park\n19 Commissioner Street\nBoksburg\n1459"),
    ("pick up from 22 Wattle Crescent, Ringwood VIC 3134\nLiam Fraser\n", "22 Wattle Crescent, Ringwood VIC 3134\nLiam Fraser",
     "22 Wattle Crescent, Ringwood VIC 3134"),
    ("| 14 Seaview Terrace, Dún Laoghaire, Co. Dublin A96 K2T4\n2 | Dara |", "14 Seaview Terrace, Dún Laoghaire, Co. Dublin A96 K2T4\n2",
     "14 Seaview Terrace, Dún Laoghaire, Co. Dublin A96 K2T4"),  # a table's next cell
    # a country, a city and a street line after the postcode stay
    ("Ship to: 12 Marsh Lane, Leeds LS1 2AB\nUNITED KINGDOM\n", "12 Marsh Lane, Leeds LS1 2AB\nUNITED KINGDOM",
     "12 Marsh Lane, Leeds LS1 2AB\nUNITED KINGDOM"),
    ("8795 Vanessa Vista\nEast Edward, ME 72532\nUS\nDiagnose", "8795 Vanessa Vista\nEast Edward, ME 72532\nUS",
     "8795 Vanessa Vista\nEast Edward, ME 72532\nUS"),
    ("2101 BRYANT ST STE 204\nSAN FRANCISCO, CA 94110\nUNITED STATES US   BILL TO", "2101 BRYANT ST STE 204\nSAN FRANCISCO, CA 94110\nUNITED STATES US",
     "2101 BRYANT ST STE 204\nSAN FRANCISCO, CA 94110\nUNITED STATES US"),
    ("P.O. Box 1388-20100\nNakuru\n", "P.O. Box 1388-20100\nNakuru", "P.O. Box 1388-20100\nNakuru"),
    ("Send it to Flat 2, 18 Hill Road, Bath BA1 3NG\n", "Flat 2, 18 Hill Road, Bath BA1 3NG",
     "Flat 2, 18 Hill Road, Bath BA1 3NG"),
])
def test_a_line_after_the_postcode_that_is_no_address_leaves_it(text, value, expected):
    assert _validated(text, value, "STREET_ADDRESS") == [expected]


@pytest.mark.parametrize(("text", "value", "expected"), [
    ("Rheumatologist\nChapel Allerton Hospital\nChapeltown Road\nLeeds LS7 4SA\n", "Hospital\nChapeltown Road\nLeeds LS7 4SA",
     "Chapeltown Road\nLeeds LS7 4SA"),
    ("Klantenservice Energiek Nederland B.V.\nPostbus 10440, 3004 GK Rotterdam\n", "V.\nPostbus 10440, 3004 GK Rotterdam",
     "Postbus 10440, 3004 GK Rotterdam"),
    ("Dodavatel: Ing. Tomáš Novotný – Truhlářství\nHusova 512/14, 602 00 Brno\n", "Truhlářství\nHusova 512/14, 602 00 Brno",
     "Husova 512/14, 602 00 Brno"),
    # a ship's name before a fleet post office, a house name: the address's own first line
    ("Meet me at USCGC Kristjánsdóttir\nFPO AP 60677 tomorrow", "Kristjánsdóttir\nFPO AP 60677",
     "Kristjánsdóttir\nFPO AP 60677"),
    ("Send it to Rose Cottage\nMill Lane 5, Ludlow SY8 1AA\n", "Rose Cottage\nMill Lane 5, Ludlow SY8 1AA",
     "Rose Cottage\nMill Lane 5, Ludlow SY8 1AA"),
])
def test_the_end_of_a_name_line_above_the_street_leaves_the_address(text, value, expected):
    assert _validated(text, value, "STREET_ADDRESS") == [expected]


def test_a_state_code_after_its_city_stays_with_the_postcode_below():
    text = "Home address: Rua Oscar Freire, 1250, apto 82\nJardim Paulista, São Paulo - SP\n01426-001, Brazil\n"
    pieces = ["Rua Oscar Freire, 1250, apto 82\nJardim Paulista, São Paulo", "SP\n01426-001, Brazil"]
    given = [PIISpan(text.index(v), text.index(v) + len(v), "STREET_ADDRESS", 0.9, v) for v in pieces]
    assert [s.text for s in apply_validators(text, given)] == [text[14:].strip()]


@pytest.mark.parametrize(("text", "value", "kept"), [
    ("Hausrat (Feuer, Wasser)          CHF 120'000           CHF 200\n", "Wasser)          CHF 120'000           CHF 200",
     False),
    ("Deliver to: 4 EUROPA HOUSE, 12 MARSH LANE, LEEDS LS1 2AB\n", "4 EUROPA HOUSE, 12 MARSH LANE, LEEDS LS1 2AB",
     True),  # a currency's letters without an amount
])
def test_an_amount_with_its_currency_code_is_no_address(text, value, kept):
    assert _validated(text, value, "STREET_ADDRESS") == ([value] if kept else [])


@pytest.mark.parametrize(("text", "value", "kept"), [
    ("Arrendatária: Ana Sofia Rebelo Nunes, NIF 254 118 730\n", "254 118 730", False),
    ("Amtsgericht Bremen HRB 31877 · USt-IdNr. DE 814 226 379", "814 226 379", False),
    ("Buyer VAT: GB 712 4406 19\n", "712 4406 19", False),
    ("TAJ szám: 038 412 775\n", "038 412 775", False),
    ("Meeting ID: 384 221 907 615\nPasscode: Vq7Ea2", "384 221 907 615", False),
    ("Sort code 20-32-53   Account 47318842", "20-32-53", False),
    ("llame sin costo al 800 555 0142", "800 555 0142", True),  # Spanish "sin" (without) is no key
    ("Tax office helpline, tel 0300 200 3300", "0300 200 3300", True),  # a phone key comes last
    ("Contact dossier : Hugo Berthelot - 06 12 48 77 30", "06 12 48 77 30", True),
    # customer, contract, account, tracking and id numbers of other languages and countries
    ("Kundennummer: 2004 7781 36\nVertragskonto: 8100 4412 907", "2004 7781 36", False),
    ("No de compte : 402 118 773", "402 118 773", False), ("Student ID: 2019   NSN: 0147-882-193", "0147-882-193", False),
    ('"tracking_no": "6891 2274 5530"', "6891 2274 5530", False), ("СНИЛС: 128-473-916 05", "128-473-916 05", False),
    ("Documento: CC 1.020.447.833", "1.020.447.833", False), ("운송장번호: 6871-2259-4403", "6871-2259-4403", False),
    ("Suivi de chantier : Julien Bertrand - 06 12 84 37 55", "06 12 84 37 55", True),  # a site's follow-up, no number
    ("хозяйка Людмила Петровна, номер +7 916 482-73-15", "+7 916 482-73-15", True),  # "номер": any number, a phone's too
    ('"Rūta Kazlauskienė","+370 612 44 871"', "+370 612 44 871", True),
    # VAT, company, social-insurance, account, tracking, order, employee and chip numbers (twenty-fifth session)
    ("Ferramenta Rossi srl - P.IVA 04471230961", "04471230961", False), ("GST/HST # 80431 2276 RT0001", "2276 RT0001", False),
    ("KvK-nummer 61284479, hierbij", "61284479", False), ("n° d'entreprise BE 0552.318.774", "0552.318.774", False),
    ("N° de sécurité sociale : 1 88 04 69 123 045 21", "1 88 04 69 123 045 21", False),
    ("T.C. Kimlik No: 30218877461", "30218877461", False), ("Banking details: FNB, Acc 6231 448 109", "448 109", False),
    ("Paying via M-Pesa till 5513408", "5513408", False), ("VIA CERTIFIED MAIL (No. 7021 1970 0002 3318 4409)",
                                                            "7021 1970 0002 3318 4409", False),
    ("Lettre recommandée avec AR n° 1A 171 338 2209 4", "1A 171 338 2209 4", False),
    ("Pedido nº 2211-4478-0932 — Loja", "2211-4478-0932", False), ("运单号：SF 1377 4410 2286", "1377 4410 2286", False),
    ("Ihr Arbeitsvertrag – Personalnummer 31-8820", "31-8820", False), ("Microchip: 956 000 118 342 771", "118 342 771", False),
    ("Survey code: 2287-4410-9913", "2287-4410-9913", False),
])
def test_tax_national_and_bank_numbers_are_no_phones(text, value, kept):
    assert _validated(text, value, "PHONE_NUMBER") == ([value] if kept else [])


@pytest.mark.parametrize(("text", "value", "expected"), [
    ("KIJANI AGROVET SUPPLIES LTD\nP.O. Box 1388-20100, Nakuru\n", "LTD\nP.O. Box 1388-20100, Nakuru",
     "P.O. Box 1388-20100, Nakuru"),
    ("Attn: Disputes Department\nPO Box 14402, Asheville, NC 28813\n", "Disputes Department\nPO Box 14402, Asheville, NC 28813",
     "PO Box 14402, Asheville, NC 28813"),
    ("SRI VENKATESWARA HOSPITAL\nNo. 45, 2nd Cross, Malleswaram, Bengaluru - 560003\n",
     "HOSPITAL\nNo. 45, 2nd Cross, Malleswaram, Bengaluru - 560003", "No. 45, 2nd Cross, Malleswaram, Bengaluru - 560003"),
    ("Helse Fjordvik HF\nSentralsjukehuset\nPostboks 1000, 6807 Førde\n", "Sentralsjukehuset\nPostboks 1000, 6807 Førde",
     "Postboks 1000, 6807 Førde"),
    ("Rose Cottage\nPO Box 12, Hawes DL8 3NT\n", "Rose Cottage\nPO Box 12, Hawes DL8 3NT",
     "Rose Cottage\nPO Box 12, Hawes DL8 3NT"),  # a house's name stays
    ("Atlântico Seguros, S.A.\nAv. da Liberdade 190, 1250-147 Lisboa\n", "S.A.\nAv. da Liberdade 190, 1250-147 Lisboa",
     "Av. da Liberdade 190, 1250-147 Lisboa"),  # a firm's legal form or a venue's word ends the line above
    ("Kōwhai Primary School\n42 Puriri Street, Rotorua 3010\n", "School\n42 Puriri Street, Rotorua 3010",
     "42 Puriri Street, Rotorua 3010"),  # (a line of words only, which left before the firm's-word check)
])
def test_a_firms_line_above_a_po_box_or_numbered_line_leaves_the_address(text, value, expected):
    assert _validated(text, value, "STREET_ADDRESS") == [expected]


def test_the_name_lexicon_holds_no_empty_word():
    """Faker's az_AZ lists end some names with a space ("Behbud "): split, it gave an empty word,
    which `plain()` of any punctuation matched, so "-" or "." counted as a known name."""
    from sae_pii.pii.name_lexicon import known_given_names, known_names, known_surnames, plain

    assert plain("-") == "" and "" not in known_names() | known_given_names() | known_surnames()
    assert "behbud" in known_given_names()  # the name itself stays


@pytest.mark.parametrize(("text", "value", "expected"), [
    # a sentence's first word with a lower-case word after it is kept only as a known name
    ("Nakamura fixed the pump yesterday.", "Nakamura", ["Nakamura"]),
    ("Kowalczyk przyjechał wczoraj.", "Kowalczyk", ["Kowalczyk"]),
    # a known given name right before a name the probe found joins it
    ("Please call Adebayo Okafor today.", "Okafor", ["Adebayo Okafor"]),
])
def test_the_name_lexicon_knows_common_names_faker_lacks(text, value, expected, monkeypatch):
    """The rule layer's lexicon holds the US census's common names beside Faker's: with Faker's
    lists alone these names are dropped or left short."""
    from sae_pii.pii import name_lexicon

    assert _validated(text, value, "PERSON") == expected
    monkeypatch.setattr(name_lexicon, "person_words", name_lexicon.faker_person_words)
    assert _validated(text, value, "PERSON") != expected
