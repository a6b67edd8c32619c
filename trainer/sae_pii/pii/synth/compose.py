"""Compositional documents: short frames (one slot each) and key-value lines, strung together in
random order with random separators. Many more distinct contexts than whole-document templates;
frames and keys are split between train/validation/test by index like the templates."""

from __future__ import annotations

from sae_pii.pii.spans import Document
from sae_pii.pii.synth.render import render
from sae_pii.pii.synth.templates import Template, template_split
from sae_pii.pii.synth.values import ValueMaker

# fmt: off
_FRAMES: dict[str, list[str]] = {
    "NAME": ["my name is {{NAME}}", "{{NAME}} called this morning", "please contact {{NAME}}", "signed, {{NAME}}",
             "meeting with {{NAME}} tomorrow", "thanks to {{NAME}} for the help", "cc: {{NAME}}", "{{NAME}} wrote:",
             "approved by {{NAME}}", "the account holder is {{NAME}}", "ask {{NAME}} about it", "owner: {{NAME}}",
             "{{TITLE}} {{NAME}} will see you now", "I spoke to {{TITLE}} {{LN}} yesterday", "{{NAME}}: sounds good to me",
             "{{UNAME}}: Where were you?", "according to {{NAME}}, the deal is off", "{{NAME}} ({{JOB}}, {{FIRM}})",
             "Dear {{TITLE}} {{LN}}", "{{NAME}} from {{CITY}} won the raffle", "interview with {{NAME}}",
             "{{NAME}} and {{NAME2}} are on leave", "this is {{NAME}} speaking", "regards, {{NAME}}",
             # A person in running prose: subject, object, possessive, apposition.
             "{{NAME}} spent six years at {{FIRM}} before joining us", "the report was written by {{NAME}}",
             "we hired {{NAME}} as {{JOB}}", "{{NAME}}, 34, was arrested on Tuesday", "a photo of {{NAME}} at the launch",
             "{{NAME}}'s flight lands at 6", "has anyone heard from {{NAME}}?", "{{NAME}} grew up in {{CITY}}",
             "the winner, {{NAME}}, gets a trip for two", "{{NAME}} joined {{FIRM}} in {{YEAR}}",
             "my neighbour {{NAME}} found the dog", "next speaker: {{NAME}}", "I'm {{NAME}}, nice to meet you",
             "{{NAME}} of {{FIRM}} will present the results", "the keys are with {{NAME}}", "{{NAME}} resigned in {{YEAR}}"],
    "FIRST": ["hi {{FIRST}}", "thanks {{FIRST}}!", "{{FIRST}} said yes", "tell {{FIRST}} I'm late", "cheers, {{FIRST}}",
              "{{FIRST}} will join later", "hey {{FIRST}}, quick question", "ok {{FIRST}}", "{{FIRST}}: lol same",
              "{{UFIRST}}: Remember me?", "love, {{FIRST}}", "{{FIRST}}'s car is in the shop", "Remember me, {{FIRST}}?",
              "morning {{FIRST}}", "{{FIRST}} and I will drive", "xoxo {{FIRST}}",
              # A first name alone, addressed or mentioned in passing (vocatives, notes, lists).
              "{{FIRST}}, can you call me back?", "don't forget the keys, {{FIRST}}!", "{{FIRST}} left a voicemail",
              "sorry {{FIRST}}, my fault", "good job, {{FIRST}}", "see you soon, {{FIRST}}!", "is {{FIRST}} coming?",
              "ask {{FIRST}}", "{{FIRST}} is off today", "kids: {{FIRST}}, {{FIRST2}} and {{FIRST3}}",
              "as {{FIRST}} put it, no way", "with {{FIRST}} and {{FIRST2}}",
              "{{FIRST}} spent a year in {{CITY}}", "I miss you, {{FIRST}}", "what did {{FIRST}} say?",
              "{{FIRST}} is very reliable", "{{FIRST}} bought the tickets", "{{FIRST}} (support) replied within an hour",
              "happy birthday {{FIRST}}!!", "it was {{FIRST}}'s idea"],
    # Surnames alone, as news, minutes, reviews and citations refer to people after the first mention.
    "LAST": ["{{LAST}} said the deal is off", "according to {{LAST}}", "{{LAST}}'s report is late", "ask {{LAST}} first",
             "{{LAST}} and {{LAST2}} disagreed", "the {{LAST}} file is missing", "as {{LAST}} et al. ({{YEAR}}) showed",
             "unlike early {{LAST}}", "{{LAST}} scored twice", "thanks, {{LAST}}", "present: {{LAST}}, {{LAST2}}, {{LAST3}}",
             "{{LAST}} to follow up", "a {{LAST}} concert", "founders: {{LAST}}, {{LAST2}} and {{LAST3}}",
             "{{LAST}} (chair) opened the meeting", "welcome back, {{LAST}}",
             "{{LAST}} began a career at {{FIRM}}", "the {{LAST}} family moved away", "{{LAST}}'s goal came late",
             "{{TITLE}} {{LN}} declined to comment", "{{LAST}} ({{YEAR}}) found the same", "\"No,\" says {{LAST}}.",
             "{{LAST}} wrote back the same day", "over to you, {{LAST}}"],
    "EMAIL": ["email me at {{EMAIL}}", "contact: {{EMAIL}}", "reply to {{EMAIL}}", "sent from {{EMAIL}}",
              "{{EMAIL}} is my new address", "forward it to {{EMAIL}}", "login: {{EMAIL}}", "cc {{EMAIL}} please",
              "<{{EMAIL}}>", "write to {{EMAIL}} for a refund", "mailto:{{EMAIL}}", "invite {{EMAIL}} to the doc",
              "my work email is {{EMAIL}}", "bounced: {{EMAIL}}", "questions? {{EMAIL}}", "unsubscribe {{EMAIL}}"],
    "PHONE": ["call me on {{PHONE}}", "phone: {{PHONE}}", "my cell is {{PHONE}}", "reach us at {{PHONE}}",
              "fax {{PHONE}}", "text {{PHONE}} when you arrive", "mobile number {{PHONE}}", "tel. {{PHONE}}",
              "ring {{PHONE}} after 6", "hotline {{PHONE}}", "Tel: {{PHONE}} | Fax: {{PHONE2}}", "whatsapp me {{PHONE}}",
              "call back on {{PHONE}}", "his number is {{PHONE}}", "(m) {{PHONE}}", "dial {{PHONE}} and press 2",
              "{{PHONE}} (office) / {{PHONE2}} (mobile)", "try me at {{PHONE}} tonight", "Office: {{PHONE}}, fax: {{PHONE2}}",
              "nobody picks up at {{PHONE}}", "{{PHONE}} (home)", "you can reach her on {{PHONE}}",
              "call {{PHONE}} between 9 and 5", "{{PHONE}} - mobile"],
    "ADDRESS": ["I live at {{ADDRESS}}", "ship to {{ADDRESS}}", "address: {{ADDRESS}}", "mail it to {{ADDRESS}}",
                "new address {{ADDRESS}}", "billing address {{ADDRESS}}", "we moved to {{ADDRESS}}",
                "deliver to: {{ADDRESS}}", "send the keys to\n{{ADDRESS}}", "our office is at {{ADDRESS}}",
                "return to sender: {{ADDRESS}}", "the party is at {{ADDRESS}}", "meet at the corner of {{CROSS}}",
                "registered office: {{ADDRESS}}", "pick up from {{ADDRESS}}", "c/o {{NAME}}, {{ADDRESS}}",
                # A recipient's name beside the address (labels, envelopes, letter heads): two spans.
                "{{NAME}}\n{{ADDRESS}}", "to {{NAME}}, {{ADDRESS_1L}}", "{{TITLE}} {{NAME}}, {{ADDRESS_1L}}",
                "{{TITLE}} {{NAME}}\n{{ADDRESS}}", "recipient: {{NAME}}, {{ADDRESS_1L}}", "{{NAME}} ({{ADDRESS_1L}})",
                "{{UNAME}}\n{{ADDRESS}}", "attn. {{NAME}}\n{{ADDRESS}}", "{{NAME}}, {{ADDRESS}}",
                "send it to {{NAME}} at {{ADDRESS_1L}}", "{{NAME}}\n\n{{ADDRESS}}", "for {{NAME}} - {{ADDRESS_1L}}"],
    "STREET": ["the house at {{STREET}}", "{{STREET}} is the meeting point", "pick me up at {{STREET}}",
               "office: {{STREET}}", "the crash at {{CROSS}}", "park outside {{STREET}}", "drop it at {{STREET}}",
               "she lives on {{STREET}}", "{{STREET}} (back door)", "stop at {{CROSS}}", "lost near {{CROSS}}"],
    "DOB": ["born {{DOB}}", "date of birth: {{DOB}}", "DOB {{DOB}}", "my birthday is {{DOB}}",
            "birth date {{DOB}}", "he was born on {{DOB}}", "d.o.b.: {{DOB}}", "she was born {{DOB}}",
            "geboren am {{DOB}}", "né le {{DOB}}", "fecha de nacimiento {{DOB}}", "b. {{DOB}}",
            "{{AGE}} years old, born {{DOB}}", "DOB (MM/DD/YYYY): {{DOB}}", "nata il {{DOB}}", "birthdate={{DOB}}"],
    "SSN": ["SSN {{SSN}}", "social security number: {{SSN}}", "my ssn is {{SSN}}", "SSN#: {{SSN}}",
            "social security no. {{SSN}}", "tax id (SSN) {{SSN}}", "ss# {{SSN}}", "the SSN on file is {{SSN}}",
            "SSN: {{SSN}} (verified)", "soc sec {{SSN}}", "ssn={{SSN}}", "her social is {{SSN}}",
            "SSN ending {{NUM4}} - full {{SSN}}", "SS no {{SSN}}", "social security # {{SSN}}", "TIN/SSN {{SSN}}"],
    "CC": ["card number {{CC}}", "charge it to {{CC}}", "my visa is {{CC}}", "cc: {{CC}}", "credit card {{CC}}",
           "paid with card {{CC}}", "card no {{CC}}", "the card {{CC}} was declined", "amex {{CC}}",
           "mastercard {{CC}} exp {{EXPIRY}}", "PAN {{CC}}", "card={{CC}}", "Kartennummer {{CC}}",
           "número de tarjeta {{CC}}", "refund to card {{CC}}", "use {{CC}} for the deposit"],
    "IBAN": ["IBAN {{IBAN}}", "wire it to {{IBAN}}", "bank account (IBAN): {{IBAN}}", "my iban is {{IBAN}}",
             "transfer to IBAN {{IBAN}}", "account {{IBAN}}", "pay into {{IBAN}}", "beneficiary IBAN: {{IBAN}}",
             "IBAN: {{IBAN}} BIC: {{CODE}}", "Kontonummer (IBAN) {{IBAN}}", "rekeningnummer {{IBAN}}",
             "refund to {{IBAN}}", "iban={{IBAN}}", "salary account {{IBAN}}", "virement sur {{IBAN}}",
             "sepa to {{IBAN}}"],
    "IP": ["from ip {{IP}}", "client={{IP}}", "server {{IP}} is down", "connected from {{IP}}", "ip address {{IP}}",
           "ping {{IP}}", "blocked {{IP}}", "src {{IP}}", "ssh root@{{IP}}", "remote_addr={{IP}}",
           "login from {{IP}} ({{COUNTRY}})", "whitelist {{IP}}", "dst={{IP}}:{{PORT}}", "my ip is {{IP}}",
           "X-Forwarded-For: {{IP}}", "gateway {{IP}}"],
    "PASSPORT": ["passport {{PASSPORT}}", "passport no. {{PASSPORT}}", "my passport number is {{PASSPORT}}",
                 "US passport #{{PASSPORT}}", "passport: {{PASSPORT}}", "travel document {{PASSPORT}}",
                 "passport number {{PASSPORT}}", "renewed passport {{PASSPORT}}", "passport {{PASSPORT}} exp {{DATE}}",
                 "pp# {{PASSPORT}}", "Reisepass {{PASSPORT}}", "passport={{PASSPORT}}", "scan of passport {{PASSPORT}}",
                 "passport id {{PASSPORT}}", "the passport ({{PASSPORT}}) is valid", "passport book {{PASSPORT}}"],
    "DL": ["driver's license {{DL}}", "DL# {{DL}}", "license no. {{DL}}", "driving licence {{DL}}",
           "driver license number: {{DL}}", "my license is {{DL}}", "DL {{DL}}", "state license {{DL}}",
           "{{STATE}} DL {{DL}}", "driver lic {{DL}}", "license #{{DL}} ({{STATE}})", "dl_number={{DL}}",
           "drivers license: {{DL}}", "operator license {{DL}}", "DLN {{DL}}", "copy of license {{DL}}"],
    "NEG": ["order {{ORDER}} shipped on {{DATE}}", "version {{VERSION}} released", "sku {{SKU}} is out of stock",
            "request id {{UUID}}", "invoice {{INVOICE}} due {{DATE}}", "total {{AMOUNT}}", "build {{HASH}}",
            "tracking {{TRACKING}}", "we met in {{CITY}}", "{{COMPANY}} announced results", "ticket {{TICKET}} closed",
            "appointment on {{DATE}} at {{TIME}}", "flight {{FLIGHT}} to {{COUNTRY}}", "employee id {{EMPID}}",
            "port {{PORT}} open on {{HOST}}", "see you in {{MONTH}}", "the meeting moved to {{DATE}}",
            "expires {{EXPIRY}}", "order #{{NUM}} for {{AMOUNT}}", "upgrade to {{VERSION}} before {{DATE}}",
            "Refund approved", "Status: pending", "Bot: how can I help?", "Agent: one moment please",
            "Note: {{FIRM}} is closed on {{WEEKDAY}}", "{{FIRM}} acquired {{FIRM2}}", "shipped from {{CITY}}, {{COUNTRY}}",
            "ZIP {{ZIP}} only", "{{PRODUCT}} {{VERSION}} is live", "Refund {{AMOUNT}} to the original card",
            "case {{CASENO}} dismissed", "policy {{POLICY}} renewed", "booking ref {{PNR}}", "serial {{SERIAL}}",
            "Welcome to {{FIRM}}!", "Update: {{REGION}} outage resolved", "{{DRUG}} 20 mg daily",
            "the {{NATIONALITY}} delegation arrived", "Monday standup at {{TIME}}", "{{CITY}} office closed {{DATE}}"],
}
_KEYS: dict[str, list[str]] = {
    "NAME": ["Name", "Full name", "Customer", "Patient", "Contact", "Employee", "Applicant", "Account holder",
             "Cardholder", "Tenant", "Insured", "Passenger", "Nombre", "Kunde", "Beneficiary", "Requester"],
    "EMAIL": ["Email", "E-mail", "Mail", "Email address", "Contact email", "Login", "Reply-To", "Correo",
              "User email", "Work email", "E-Mail-Adresse", "Username"],
    "PHONE": ["Phone", "Tel", "Mobile", "Cell", "Phone number", "Home phone", "Work phone", "Contact no.",
              "Telefon", "Teléfono", "Callback", "Emergency phone", "Handy", "Fax", "Téléphone", "Cellulare"],
    "ADDRESS": ["Address", "Home address", "Mailing address", "Shipping address", "Residence", "Billing address",
                "Anschrift", "Dirección", "Adresse", "Indirizzo", "Adres", "Ship to", "Street address", "Domicile"],
    "DOB": ["DOB", "Date of birth", "Birth date", "Born", "Birthday", "D.O.B.", "Geburtsdatum", "Fecha de nacimiento",
            "Date de naissance", "Data di nascita", "Geboortedatum", "birth_date"],
    "SSN": ["SSN", "Social security number", "SSN#", "Soc. sec. no.", "Social Security", "SS#", "TIN (SSN)",
            "ssn", "Social", "SSN (full)"],
    "CC": ["Card", "Card number", "Credit card", "CC", "Card no.", "PAN", "Visa", "Mastercard", "Card on file",
           "Payment card", "Kreditkarte", "Tarjeta"],
    "IBAN": ["IBAN", "Bank account", "IBAN code", "Account (IBAN)", "Payout IBAN", "Bankverbindung", "Cuenta",
             "Rekeningnummer", "Beneficiary account", "Refund IBAN"],
    "IP": ["IP", "IP address", "Client IP", "Remote addr", "Source IP", "Last IP", "Login IP", "Origin",
           "Host IP", "src_ip"],
    "PASSPORT": ["Passport", "Passport no.", "Passport number", "US passport", "Travel doc", "Reisepass",
                 "Passport #", "Pasaporte", "Document no.", "passport_no"],
    "DL": ["Driver's license", "DL", "License no.", "Driver license #", "Driving licence", "DL number",
           "Driver's lic.", "License", "Operator license", "dl_no"],
    "NEG": ["Order", "SKU", "Version", "Invoice", "Date", "Company", "City", "Ticket", "Amount", "Request ID",
            "Status", "Country", "Region", "Product", "Serial", "Policy", "Case", "Booking ref", "Weekday", "Build",
            "Age", "Employer", "ZIP", "Medication"],
}
_NEG_KEY_SLOT = {"Order": "ORDER", "SKU": "SKU", "Version": "VERSION", "Invoice": "INVOICE", "Date": "DATE",
                 "Company": "COMPANY", "City": "CITY", "Ticket": "TICKET", "Amount": "AMOUNT", "Request ID": "UUID",
                 "Status": "STATUS", "Country": "COUNTRY", "Region": "REGION", "Product": "PRODUCT", "Serial": "SERIAL",
                 "Policy": "POLICY", "Case": "CASENO", "Booking ref": "PNR", "Weekday": "WEEKDAY", "Build": "HASH",
                 "Age": "AGE", "Employer": "FIRM", "ZIP": "ZIP", "Medication": "DRUG"}
# fmt: on


def _split_items(items: list[str], split: str) -> list[str]:
    if split == "all":
        return items
    return [x for i, x in enumerate(items) if template_split(f"x-{i}") == split] or items[:1]


def compose(values: ValueMaker, split: str) -> Document:
    """A document of 2-6 frames or key-value lines, with exact spans."""
    rng = values.rng
    # A few documents hold nothing but confusers, so "no PII at all" is seen in training too.
    negative_only = rng.random() < 0.05
    if rng.random() < 0.5:
        keys = ["NEG"] if negative_only else list(_FRAMES)
        parts = []
        for _ in range(rng.randint(2, 6)):
            kind = rng.choice(keys)
            frame = rng.choice(_split_items(_FRAMES[kind], split))
            if rng.random() < 0.5:
                frame = frame[0].upper() + frame[1:]
            parts.append(frame)
        sep = rng.choice([". ", ".\n", "\n", "; ", " - ", ", ", " | "])
        text = sep.join(parts) + rng.choice(["", ".", "\n"])
        kind = "mixed"
    else:
        keys = ["NEG"] if negative_only else list(_KEYS)
        lines = []
        colon = rng.choice([": ", ":", " = ", "\t", " - ", ": ", " "])
        for _ in range(rng.randint(2, 7)):
            slot = rng.choice(keys)
            key = rng.choice(_split_items(_KEYS[slot], split))
            value = "{{" + (_NEG_KEY_SLOT[key] if slot == "NEG" else slot) + "}}"
            if slot == "ADDRESS":
                # Ship-to lines often start with the recipient: "Ship to: Ana Lima, 12 Rua ..." (two spans).
                value = "{{NAME}}, {{ADDRESS_1L}}" if rng.random() < 0.2 else "{{ADDRESS_1L}}"
            lines.append(f"{key}{colon}{value}")
        text = rng.choice(["\n", "\n", "; ", " | ", ", "]).join(lines)
        kind = "keyvalue"
    return render(Template(id=f"{kind}-{split}", kind=kind, text=text), values, memo=False)
