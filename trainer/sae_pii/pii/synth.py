"""Synthetic labelled documents: many document kinds, many cultures' names, exact character spans.

Templates hold `{{SLOT}}` placeholders. PII slots become gold spans; confuser slots (order numbers,
SKUs, versions, UUIDs, non-birth dates, companies, cities...) are filled with look-alikes and stay
unlabelled, so a probe has to use context rather than shape alone. Values come from Faker across
many locales; card numbers pass Luhn (Faker), IBANs carry valid mod-97 check digits (Faker).

Train, validation and test are split BY TEMPLATE (see `template_split`), so the held-out splits
measure generalisation to unseen phrasings and layouts, not memorised templates.
"""

from __future__ import annotations

import random
import re
import string
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from faker import Faker

from sae_pii.pii.spans import Document, PIISpan

SLOT = re.compile(r"\{\{([A-Z_0-9]+)\}\}")

# Locales for names, addresses and phones, weighted towards Latin scripts (the default model's
# vocabulary covers them best), with a tail of other scripts so names are not all Anglo.
NAME_LOCALES = {
    "en_US": 10, "en_GB": 4, "en_IN": 3, "de_DE": 3, "fr_FR": 3, "es_ES": 3, "es_MX": 2, "it_IT": 3,
    "pt_BR": 3, "nl_NL": 2, "pl_PL": 2, "sv_SE": 1, "fi_FI": 1, "hu_HU": 1, "cs_CZ": 1, "tr_TR": 2,
    "vi_VN": 1, "id_ID": 1, "yo_NG": 2, "zu_ZA": 1, "tw_GH": 1, "sw": 1, "ga_IE": 1, "da_DK": 1,
    "no_NO": 1, "ro_RO": 1, "fil_PH": 1, "en_AU": 1, "en_CA": 1, "pt_PT": 1, "fr_CH": 1,
    "ru_RU": 1, "zh_CN": 1, "ja_JP": 1, "ko_KR": 1, "hi_IN": 1, "el_GR": 1, "uk_UA": 1,
}
ADDRESS_LOCALES = {
    "en_US": 10, "en_GB": 3, "en_CA": 2, "en_AU": 2, "de_DE": 2, "fr_FR": 2, "es_ES": 2, "it_IT": 2,
    "nl_NL": 1, "pt_PT": 1, "pl_PL": 1, "fi_FI": 1, "da_DK": 1, "en_IN": 1, "id_ID": 1, "en_NZ": 1,
}
IBAN_LOCALES = ["de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_GB", "pl_PL", "pt_PT", "fi_FI",
                "da_DK", "no_NO", "de_AT", "fr_CH", "cs_CZ", "ro_RO", "el_GR", "tr_TR"]

PII_SLOTS = {
    "NAME": "PERSON", "NAME2": "PERSON", "FIRST": "PERSON", "LAST": "PERSON",
    "EMAIL": "EMAIL_ADDRESS", "PHONE": "PHONE_NUMBER", "ADDRESS": "STREET_ADDRESS",
    "STREET": "STREET_ADDRESS", "DOB": "DATE_OF_BIRTH", "SSN": "US_SSN", "CC": "CREDIT_CARD",
    "IBAN": "IBAN_CODE", "IP": "IP_ADDRESS", "PASSPORT": "US_PASSPORT", "DL": "US_DRIVER_LICENSE",
}


@dataclass(frozen=True)
class Template:
    id: str
    kind: str
    text: str


# fmt: off
_RAW_TEMPLATES: dict[str, list[str]] = {
    "email": [
        "Hi {{FIRST}},\n\nThanks for your order {{ORDER}}. We shipped it on {{DATE}} to:\n{{ADDRESS}}\n\nQuestions? Call us at {{PHONE}} or reply to {{EMAIL}}.\n\nBest,\n{{NAME2}}\n{{COMPANY}}",
        "From: {{NAME}} <{{EMAIL}}>\nTo: {{EMAIL2}}\nSubject: Problem with invoice {{INVOICE}}\n\nHello, my card ending in {{NUM4}} was charged twice on {{DATE}}. The full number is {{CC}}. Please refund it.\n\nRegards,\n{{NAME2}}",
        "Dear {{NAME}},\n\nWelcome to {{COMPANY}}! Your employee ID is {{EMPID}}. Payroll needs your SSN ({{SSN}}) and your bank details (IBAN {{IBAN}}) before {{DATE}}.\n\nHR team\n{{CITY}} office",
        "Hello team,\n\nPlease add {{NAME}} (born {{DOB}}) to the travel booking for {{CITY}}. Passport number: {{PASSPORT}}. Mobile: {{PHONE}}.\n\nThanks, {{FIRST}}",
        "Subject: Re: your application\n\n{{FIRST}}, we received your documents on {{DATE}}. We still need a copy of your driver's license ({{DL}}) and proof of address: {{ADDRESS}}.\n\nKind regards,\n{{NAME2}}, {{JOB}}",
        "Hey {{FIRST}} - forwarding the login alert. Someone signed in from {{IP}} at {{TIME}} using {{EMAIL}}. If this wasn't you, reset your password. Ticket {{TICKET}}.",
        "Good morning,\nI am writing on behalf of my mother, {{NAME}}, date of birth {{DOB}}. Her new address is {{ADDRESS}} and her phone is {{PHONE}}.\nSincerely, {{NAME2}}",
        "Bonjour {{FIRST}},\n\nVotre virement vers {{IBAN}} a été reçu le {{DATE}}. Référence {{ORDER}}.\n\n{{NAME2}}\n{{COMPANY}}",
    ],
    "chat": [
        "[{{TIME}}] {{USER}}: hey can you send me {{FIRST}}'s number?\n[{{TIME}}] {{USER2}}: sure it's {{PHONE}}\n[{{TIME}}] {{USER}}: thx, and her email?\n[{{TIME}}] {{USER2}}: {{EMAIL}}",
        "{{FIRST}}: my card got declined again\nagent: sorry about that! can you confirm the number?\n{{FIRST}}: {{CC}}\nagent: thanks, and the billing zip?\n{{FIRST}}: {{ZIP}}",
        "me: whats the wifi again\n{{FIRST}}: network is {{COMPANY}}-guest, server ip is {{IP}}\nme: and the version we're on?\nfriend: {{VERSION}}",
        "User: I need to update my address to {{ADDRESS}}\nBot: Sure. For security, please confirm your date of birth.\nUser: {{DOB}}\nBot: Thanks {{FIRST}}, done. Anything else?",
        "{{USER}} joined the channel\n{{USER}}: hi all, I'm {{NAME}}, new on the {{PRODUCT}} team\n{{USER2}}: welcome! ping me at {{EMAIL}} if you need access",
        "<{{FIRST}}> can u check ssn {{SSN}} in the system\n<{{FIRST2}}> found it, belongs to {{NAME}}\n<{{FIRST}}> ok and the order {{ORDER}}?\n<{{FIRST2}}> shipped {{DATE}}",
        "lol {{FIRST}} just sent me his iban {{IBAN}} to split the dinner, {{AMOUNT}} each",
        "Customer: hi, my passport {{PASSPORT}} expires {{DATE}}, can I still fly to {{COUNTRY}}?\nAgent {{FIRST}}: yes, as long as it is valid for the whole trip.",
    ],
    "ticket": [
        "Ticket {{TICKET}} | Priority: high | Reporter: {{NAME}} ({{EMAIL}})\nDescription: Checkout fails for SKU {{SKU}} on build {{VERSION}}. Request id {{UUID}}. Client IP {{IP}}.",
        "Issue #{{NUM}}: customer {{NAME}} called from {{PHONE}} about order {{ORDER}}. Card on file {{CC}}. Refund {{AMOUNT}} approved by {{FIRST2}}.",
        "SUPPORT CASE {{TICKET}}\nOpened: {{DATETIME}}\nCustomer: {{NAME}}\nDOB: {{DOB}}\nSSN: {{SSN}}\nNotes: identity verified, account unlocked.",
        "Bug report from {{FIRST}}: the app crashes on {{VERSION}} when saving the address field ({{ADDRESS}}). Device id {{UUID}}, commit {{HASH}}.",
        "[{{TICKET}}] Chargeback on {{DATE}} - cardholder {{NAME}}, card {{CC}}, merchant {{COMPANY}}, amount {{AMOUNT}}.",
        "Case {{TICKET}}: {{NAME}} requests deletion of all data (GDPR). Contact {{EMAIL}}, phone {{PHONE}}. Last login {{DATETIME}} from {{IP}}.",
        "Escalation: driver license {{DL}} for {{NAME}} failed verification twice. Uploaded {{DATE}}. Assigned to {{FIRST2}}.",
        "Refund ticket {{TICKET}} - wire {{AMOUNT}} to IBAN {{IBAN}} (account holder {{NAME}}). Invoice {{INVOICE}}.",
    ],
    "form": [
        "Full name: {{NAME}}\nDate of birth: {{DOB}}\nAddress: {{ADDRESS}}\nPhone: {{PHONE}}\nEmail: {{EMAIL}}\nSSN: {{SSN}}",
        "APPLICANT\nName ........ {{NAME}}\nBorn ........ {{DOB}}\nPassport .... {{PASSPORT}}\nNationality . {{COUNTRY}}\nSigned ...... {{DATE}}",
        "Patient: {{NAME}}   DOB: {{DOB}}   MRN: {{NUM}}\nEmergency contact: {{NAME2}}, {{PHONE}}\nVisit date: {{DATE}}  Clinic: {{CITY}}",
        "Payment details\nCardholder: {{NAME}}\nCard number: {{CC}}\nExpiry: {{EXPIRY}}\nBilling address: {{ADDRESS}}",
        "Employee onboarding form\nLegal name: {{NAME}}\nPersonal email: {{EMAIL}}\nHome address: {{STREET}}, {{CITY}}\nDriver's license no.: {{DL}}\nStart date: {{DATE}}",
        "Direct deposit authorization - Name: {{NAME}}; IBAN: {{IBAN}}; Bank: {{COMPANY}}; Effective: {{DATE}}",
        "Rental application | Applicant {{NAME}} | D.O.B. {{DOB}} | Current address {{ADDRESS}} | Tel {{PHONE}} | Employer {{COMPANY}}",
        "Name: {{NAME}}\nTitle: {{JOB}}\nCompany: {{COMPANY}}\nOffice: {{CITY}}, {{COUNTRY}}\nWork phone: {{PHONE}}",
    ],
    "log": [
        "{{DATETIME}} INFO auth: login ok user={{EMAIL}} ip={{IP}} session={{UUID}}\n{{DATETIME}} WARN api: rate limit for {{IP2}} on /v2/orders/{{ORDER}}",
        "{{IP}} - - [{{LOGTIME}}] \"GET /api/{{VERSION}}/users/{{NUM}} HTTP/1.1\" 200 {{NUM4}} \"-\" \"Mozilla/5.0\"",
        "{{DATETIME}} ERROR payment: card {{CC}} declined (code 05) for customer {{NAME}} order={{ORDER}}",
        "level=info ts={{DATETIME}} msg=\"profile updated\" user_id={{NUM}} name=\"{{NAME}}\" phone=\"{{PHONE}}\" build={{HASH}}",
        "[{{DATETIME}}] kyc-service: verified ssn={{SSN}} dob={{DOB}} request={{UUID}} latency={{NUM}}ms",
        "{{DATETIME}} DEBUG sync: uploaded {{NUM}} rows from host {{HOST}} ({{IP}}), version {{VERSION}}, checksum {{HASH}}",
        "{{DATETIME}} INFO transfer: iban={{IBAN}} amount={{AMOUNT}} ref={{INVOICE}} status=settled",
        "Dec {{NUM2}} {{TIME}} {{HOST}} sshd[{{NUM}}]: Accepted publickey for {{USER}} from {{IP}} port {{PORT}}",
    ],
    "note": [
        "Met {{NAME}} at the {{COMPANY}} conference in {{CITY}}. Follow up next week: {{EMAIL}}, {{PHONE}}.",
        "Reminder: {{FIRST}}'s birthday is {{DOB}}. Gift ideas under {{AMOUNT}}. Send it to {{ADDRESS}}.",
        "Call notes {{DATE}}: spoke with {{NAME}} about the renewal of contract {{INVOICE}}. They moved to {{CITY}}. New number {{PHONE}}.",
        "TODO: renew passport {{PASSPORT}} before {{DATE}}; update DL {{DL}} address to {{STREET}}.",
        "Interview with {{NAME}} went well - strong on {{PRODUCT}}. References: {{NAME2}} ({{EMAIL}}).",
        "Landlord: {{NAME}}, {{PHONE}}. Rent {{AMOUNT}} to {{IBAN}} by the 1st. Flat at {{ADDRESS}}.",
        "Visited {{CITY}} and {{CITY2}} in {{MONTH}}; stayed with {{FIRST}} near {{COMPANY}} HQ. Flight {{FLIGHT}}.",
        "Dad's details for the insurance form: {{NAME}}, born {{DOB}}, SSN {{SSN}}, Medicare id {{NUM}}.",
    ],
    "csv": [
        "id,name,email,phone,dob\n{{NUM}},{{NAME}},{{EMAIL}},{{PHONE}},{{DOB}}\n{{NUM}},{{NAME2}},{{EMAIL2}},{{PHONE2}},{{DOB2}}",
        "order_id,sku,qty,price,shipped\n{{ORDER}},{{SKU}},{{NUM2}},{{AMOUNT}},{{DATE}}\n{{ORDER2}},{{SKU2}},{{NUM2}},{{AMOUNT}},{{DATE2}}",
        "customer;iban;card;city\n{{NAME}};{{IBAN}};{{CC}};{{CITY}}",
        "timestamp\tsrc_ip\tdst_ip\tuser\tbytes\n{{DATETIME}}\t{{IP}}\t{{IP2}}\t{{EMAIL}}\t{{NUM}}",
        "\"name\",\"ssn\",\"license\",\"state\"\n\"{{NAME}}\",\"{{SSN}}\",\"{{DL}}\",\"{{STATE}}\"",
        "employee,employee_id,department,start_date,version\n{{NAME}},{{EMPID}},{{DEPT}},{{DATE}},{{VERSION}}",
    ],
    "json": [
        "{\"user\": {\"name\": \"{{NAME}}\", \"email\": \"{{EMAIL}}\", \"phone\": \"{{PHONE}}\", \"id\": \"{{UUID}}\"}, \"created\": \"{{DATETIME}}\"}",
        "{\"event\": \"payment\", \"card\": \"{{CC}}\", \"amount\": \"{{AMOUNT}}\", \"order\": \"{{ORDER}}\", \"ip\": \"{{IP}}\"}",
        "{\n  \"applicant\": \"{{NAME}}\",\n  \"date_of_birth\": \"{{DOB}}\",\n  \"passport\": \"{{PASSPORT}}\",\n  \"address\": \"{{ADDRESS_1L}}\"\n}",
        "{\"sku\": \"{{SKU}}\", \"version\": \"{{VERSION}}\", \"build\": \"{{HASH}}\", \"released\": \"{{DATE}}\", \"owner\": \"{{COMPANY}}\"}",
        "- name: {{NAME}}\n  ssn: \"{{SSN}}\"\n  bank_iban: {{IBAN}}\n  driver_license: {{DL}}\n  city: {{CITY}}",
        "{\"host\": \"{{HOST}}\", \"addr\": \"{{IP}}\", \"port\": {{PORT}}, \"admin\": \"{{EMAIL}}\", \"request_id\": \"{{UUID}}\"}",
    ],
    "letter": [
        "{{NAME}}\n{{ADDRESS}}\n\n{{DATE}}\n\nDear {{NAME2}},\n\nWe confirm that your account {{INVOICE}} was closed and the balance of {{AMOUNT}} transferred to {{IBAN}}.\n\nYours faithfully,\n{{COMPANY}}",
        "To whom it may concern,\n\nThis certifies that {{NAME}}, born on {{DOB}}, holder of US passport {{PASSPORT}}, has worked at {{COMPANY}} since {{DATE}} as {{JOB}}.\n\n{{NAME2}}, HR",
        "Notice: a package for {{NAME}} could not be delivered to {{ADDRESS}}. Tracking {{TRACKING}}. Call {{PHONE}} to reschedule.",
        "We regret to inform you that the card {{CC}} issued to {{NAME}} has been reported stolen on {{DATE}} and blocked.",
        "Dear Sir or Madam, my social security number is {{SSN}} and my license number is {{DL}}. Please correct my record. {{NAME}}",
        "Jury summons for {{NAME}}, {{ADDRESS}}. Report to the {{CITY}} courthouse on {{DATE}} at {{TIME}}. Juror number {{NUM}}.",
    ],
    "prose": [
        "{{NAME}} was born on {{DOB}} in {{CITY}}, {{COUNTRY}}, and later joined {{COMPANY}} as a {{JOB}}.",
        "According to the records, {{NAME}} lives at {{ADDRESS}} and can be reached on {{PHONE}}.",
        "The server at {{IP}} runs version {{VERSION}} and was patched on {{DATE}} by {{FIRST}}.",
        "Release {{VERSION}} of {{PRODUCT}} ships on {{DATE}} in {{CITY}}; SKU {{SKU}} will cost {{AMOUNT}}.",
        "Our office in {{CITY}} moved to a new building on {{DATE}}; {{COMPANY}} now has {{NUM}} employees in {{COUNTRY}}.",
        "Order {{ORDER}} ({{SKU}}) was shipped on {{DATE}} with tracking number {{TRACKING}} from the {{CITY}} warehouse.",
        "Please wire the deposit to {{IBAN}} and email the receipt to {{EMAIL}}, then text {{FIRST}} at {{PHONE}}.",
        "I think {{FIRST}} said the meeting with {{COMPANY}} is on {{DATE}} at {{TIME}}, not {{DATE2}}.",
    ],
}
# fmt: on


def templates() -> list[Template]:
    out = []
    for kind, texts in _RAW_TEMPLATES.items():
        for i, text in enumerate(texts):
            out.append(Template(id=f"{kind}-{i:02d}", kind=kind, text=text))
    return out


SPLITS = ("train", "validation", "test")


def template_split(template_id: str) -> str:
    """Which split a template belongs to. Within every kind: templates 3, 7, 11... are the test
    split, templates 1, 9... the validation split (probe thresholds), the rest train."""
    idx = int(template_id.rsplit("-", 1)[1])
    if idx % 4 == 3:
        return "test"
    if idx % 8 == 1:
        return "validation"
    return "train"


def split_templates() -> dict[str, list[Template]]:
    out: dict[str, list[Template]] = {s: [] for s in SPLITS}
    for t in templates():
        out[template_split(t.id)].append(t)
    return out


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def luhn_ok(digits: str) -> bool:
    nums = [int(c) for c in digits if c.isdigit()]
    if len(nums) < 12:
        return False
    total = 0
    for i, d in enumerate(reversed(nums)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def iban_ok(iban: str) -> bool:
    s = re.sub(r"\s", "", iban).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", s):
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


class ValueMaker:
    """Fills slots. One instance per generator; every choice flows from one seeded RNG."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self._fakers: dict[str, Faker] = {}
        self.seed = seed

    def faker(self, locale: str) -> Faker:
        if locale not in self._fakers:
            f = Faker(locale)
            f.seed_instance(self.seed * 7919 + len(self._fakers))
            self._fakers[locale] = f
        return self._fakers[locale]

    # --- names ---------------------------------------------------------------------------------
    def _name_parts(self) -> tuple[str, str]:
        f = self.faker(_weighted(self.rng, NAME_LOCALES))
        first = f.first_name()
        last = f.last_name()
        return first, last

    def _case(self, s: str) -> str:
        r = self.rng.random()
        if r < 0.08:
            return s.lower()
        if r < 0.12:
            return s.upper()
        return s

    def first(self) -> str:
        return self._case(self._name_parts()[0])

    def last(self) -> str:
        return self._case(self._name_parts()[1])

    def name(self) -> str:
        first, last = self._name_parts()
        r = self.rng.random()
        if r < 0.6:
            s = f"{first} {last}"
        elif r < 0.72:
            s = f"{first} {self.rng.choice(string.ascii_uppercase)}. {last}"
        elif r < 0.8:
            s = f"{last}, {first}"
        elif r < 0.88:
            first2, last2 = self._name_parts()
            s = f"{first} {last}-{last2}" if self.rng.random() < 0.5 else f"{first} {first2} {last}"
        elif r < 0.94:
            s = f"{first[0]}. {last}"
        else:
            s = f"{first} {self.rng.choice(string.ascii_uppercase)} {last}"
        return self._case(s)

    # --- contact -------------------------------------------------------------------------------
    def email(self) -> str:
        f = self.faker("en_US")
        r = self.rng.random()
        if r < 0.5:
            first, last = self._name_parts()
            first = re.sub(r"[^a-z]", "", first.lower()) or "user"
            last = re.sub(r"[^a-z]", "", last.lower()) or "mail"
            local = self.rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{self.rng.randint(1, 99)}",
                                     f"{first}{last}", f"{last}.{first[0]}", f"{first}"])
            domain = self.rng.choice([f.free_email_domain(), f.domain_name(), f.domain_name(), "example.org"])
            return f"{local}@{domain}"
        return self.rng.choice([f.email(), f.free_email(), f.company_email(), f.ascii_safe_email()])

    def phone(self) -> str:
        r = self.rng.random()
        if r < 0.45:
            a, b, c = self.rng.randint(201, 989), self.rng.randint(200, 999), self.rng.randint(0, 9999)
            fmt = self.rng.choice(["({a}) {b}-{c:04d}", "{a}-{b}-{c:04d}", "{a}.{b}.{c:04d}", "+1 {a} {b} {c:04d}",
                                   "+1-{a}-{b}-{c:04d}", "1 ({a}) {b}-{c:04d}", "({a}) {b}-{c:04d} ext. 12",
                                   "{a} {b} {c:04d}"])
            return fmt.format(a=a, b=b, c=c)
        return self.faker(_weighted(self.rng, ADDRESS_LOCALES)).phone_number()

    def address(self, one_line: bool | None = None) -> str:
        addr = self.faker(_weighted(self.rng, ADDRESS_LOCALES)).address()
        if one_line is None:
            one_line = self.rng.random() < 0.6
        lines = [part.strip() for part in addr.split("\n") if part.strip()]
        return ", ".join(lines) if one_line else "\n".join(lines)

    def street(self) -> str:
        return self.faker(_weighted(self.rng, ADDRESS_LOCALES)).street_address()

    # --- dates ---------------------------------------------------------------------------------
    def _date(self, lo: int, hi: int) -> str:
        y, m, d = self.rng.randint(lo, hi), self.rng.randint(1, 12), self.rng.randint(1, 28)
        months = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]
        fmt = self.rng.choice([
            f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y}", f"{d:02d}.{m:02d}.{y}",
            f"{d:02d}/{m:02d}/{y}", f"{months[m - 1]} {d}, {y}", f"{d} {months[m - 1]} {y}",
            f"{d} {months[m - 1][:3]} {y}", f"{months[m - 1][:3]} {d}, {y}", f"{m:02d}-{d:02d}-{y}",
        ])
        return fmt

    def dob(self) -> str:
        return self._date(1932, 2008)

    def date(self) -> str:
        return self._date(2012, 2027)

    # --- identifiers ---------------------------------------------------------------------------
    def ssn(self) -> str:
        s = self.faker("en_US").ssn()
        r = self.rng.random()
        if r < 0.1:
            return s.replace("-", " ")
        if r < 0.18:
            return s.replace("-", "")
        return s

    def credit_card(self) -> str:
        kind = self.rng.choice(["visa16", "visa16", "mastercard", "mastercard", "amex", "discover", "jcb16",
                                "diners", "maestro", "visa19"])
        num = self.faker("en_US").credit_card_number(card_type=kind)
        r = self.rng.random()
        if r < 0.35 and len(num) == 16:
            sep = self.rng.choice([" ", "-"])
            return sep.join(num[i:i + 4] for i in range(0, 16, 4))
        if r < 0.45 and len(num) == 15:
            return f"{num[:4]} {num[4:10]} {num[10:]}"
        return num

    def iban(self) -> str:
        s = self.faker(self.rng.choice(IBAN_LOCALES)).iban()
        r = self.rng.random()
        if r < 0.4:
            s = " ".join(s[i:i + 4] for i in range(0, len(s), 4))
        elif r < 0.45:
            s = s.lower()
        return s

    def ip(self) -> str:
        f = self.faker("en_US")
        r = self.rng.random()
        if r < 0.55:
            return f.ipv4_public()
        if r < 0.8:
            return f.ipv4_private()
        return f.ipv6() if self.rng.random() < 0.7 else f.ipv6().split(":", 2)[0] + "::" + f.hexify("^^^^")

    def passport(self) -> str:
        if self.rng.random() < 0.5:
            return f"{self.rng.choice(string.ascii_uppercase)}{self.rng.randint(0, 99999999):08d}"
        return f"{self.rng.randint(100000000, 999999999)}"

    def driver_license(self) -> str:
        L = string.ascii_uppercase
        d = lambda n: "".join(self.rng.choice(string.digits) for _ in range(n))
        c = lambda: self.rng.choice(L)
        return self.rng.choice([
            f"{c()}{d(7)}",                                  # CA
            f"{d(9)}",                                       # NY, many states
            f"{d(3)} {d(3)} {d(3)}",                         # NY printed
            f"{c()}{d(3)}-{d(3)}-{d(2)}-{d(3)}-{d(1)}",      # FL
            f"{c()}{d(3)}-{d(4)}-{d(4)}",                    # IL
            f"{d(8)}",                                       # TX
            f"WDL{''.join(self.rng.choice(L + string.digits) for _ in range(9))}",  # WA
            f"{c()}{d(12)}",                                 # MI/MN
            f"{c()}{c()}{d(6)}{c()}",                        # misc
            f"{d(4)}-{d(2)}-{d(4)}",
        ])

    # --- confusers (never labelled) ------------------------------------------------------------
    def confuser(self, slot: str) -> str:
        f = self.faker(_weighted(self.rng, ADDRESS_LOCALES))
        r = self.rng
        hexs = lambda n: "".join(r.choice("0123456789abcdef") for _ in range(n))
        makers: dict[str, Callable[[], str]] = {
            "COMPANY": f.company,
            "CITY": f.city,
            "COUNTRY": lambda: self.faker("en_US").country(),
            "STATE": lambda: self.faker("en_US").state_abbr(),
            "ZIP": lambda: self.faker("en_US").postcode(),
            "DATE": self.date,
            "MONTH": lambda: self.faker("en_US").month_name(),
            "EXPIRY": lambda: f"{r.randint(1, 12):02d}/{r.randint(25, 33)}",
            "TIME": lambda: f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}",
            "DATETIME": lambda: f"{self._date_iso()}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}Z"
            if r.random() < 0.5 else f"{self._date_iso()} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
            "LOGTIME": lambda: f"{r.randint(1, 28):02d}/Mar/2025:{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:11 +0000",
            "ORDER": lambda: r.choice([f"#{r.randint(10000, 9999999)}", f"ORD-{r.randint(2019, 2026)}-{r.randint(0, 999999):06d}",
                                       f"{r.randint(100, 999)}-{r.randint(1000000, 9999999)}-{r.randint(1000000, 9999999)}",
                                       f"PO{r.randint(10000000, 99999999)}", f"{r.randint(100000000, 999999999)}"]),
            "SKU": lambda: r.choice([f"SKU-{r.randint(10000, 99999)}-{r.choice(['BL', 'RD', 'XL', 'S'])}",
                                     f"{f.lexify('??').upper()}-{r.randint(100, 9999)}{f.lexify('??').upper()}",
                                     f"{r.randint(100000000000, 999999999999)}"]),
            "VERSION": lambda: r.choice([f"v{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}",
                                         f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}",
                                         f"{r.randint(1, 5)}.{r.randint(0, 9)}-rc{r.randint(1, 4)}"]),
            "UUID": lambda: str(uuid.UUID(int=r.getrandbits(128), version=4)),
            "HASH": lambda: hexs(r.choice([7, 12, 40])),
            "AMOUNT": lambda: r.choice([f"${r.randint(1, 9999):,}.{r.randint(0, 99):02d}", f"{r.randint(1, 999)} EUR",
                                        f"£{r.randint(1, 999)}"]),
            "INVOICE": lambda: r.choice([f"INV-{r.randint(0, 999999):06d}", f"{r.randint(2020, 2026)}/{r.randint(1, 9999):04d}",
                                         f"AC-{r.randint(10000000, 99999999)}"]),
            "TICKET": lambda: r.choice([f"#{r.randint(1000, 99999)}", f"JIRA-{r.randint(100, 9999)}",
                                        f"CS{r.randint(1000000, 9999999)}", f"INC{r.randint(100000, 999999)}"]),
            "TRACKING": lambda: r.choice([f"1Z{f.bothify('???###').upper()}{r.randint(10**9, 10**10 - 1)}",
                                          " ".join(str(r.randint(1000, 9999)) for _ in range(5)) + f" {r.randint(10, 99)}",
                                          f"{r.randint(10**11, 10**12 - 1)}"]),
            "EMPID": lambda: r.choice([f"E{r.randint(10000, 99999)}", f"{r.randint(100000, 999999)}", f"EMP-{r.randint(1000, 9999)}"]),
            "NUM": lambda: str(r.randint(10, 99999999)),
            "NUM2": lambda: str(r.randint(1, 30)),
            "NUM4": lambda: f"{r.randint(0, 9999):04d}",
            "PORT": lambda: str(r.choice([22, 80, 443, 5432, 6379, 8080, r.randint(1024, 65535)])),
            "HOST": lambda: r.choice([f"{f.word()}-{r.randint(1, 40):02d}.internal", f"web{r.randint(1, 9)}.{f.domain_name()}",
                                      f"ip-{r.randint(10, 250)}-{r.randint(0, 250)}"]),
            "DOMAIN": f.domain_name,
            "USER": lambda: r.choice([f.user_name(), f"@{f.user_name()}", f"{f.word()}{r.randint(1, 999)}"]),
            "PRODUCT": lambda: r.choice(["billing", "search", "mobile app", "data platform", "checkout", "Atlas", "Nimbus"]),
            "JOB": lambda: self.faker("en_US").job(),
            "DEPT": lambda: r.choice(["Finance", "Engineering", "Sales", "Legal", "Support", "HR"]),
            "FLIGHT": lambda: f"{f.lexify('??').upper()}{r.randint(10, 9999)}",
            "ADDRESS_1L": lambda: self.address(one_line=True),
        }
        base = re.sub(r"\d+$", "", slot)
        if base not in makers:
            raise KeyError(f"template slot {{{{{slot}}}}} has no value maker")
        return makers[base]()

    def _date_iso(self) -> str:
        return f"{self.rng.randint(2019, 2026)}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def pii(self, slot: str) -> str:
        base = re.sub(r"\d+$", "", slot)
        return {
            "NAME": self.name, "FIRST": self.first, "LAST": self.last, "EMAIL": self.email,
            "PHONE": self.phone, "ADDRESS": self.address, "STREET": self.street, "DOB": self.dob,
            "SSN": self.ssn, "CC": self.credit_card, "IBAN": self.iban, "IP": self.ip,
            "PASSPORT": self.passport, "DL": self.driver_license,
        }[base]()


def _slot_label(slot: str) -> str | None:
    if slot in PII_SLOTS:
        return PII_SLOTS[slot]
    base = re.sub(r"\d+$", "", slot)
    if base == "ADDRESS_1L":
        return "STREET_ADDRESS"
    return PII_SLOTS.get(base)


def render(template: Template, values: ValueMaker) -> Document:
    """Fill one template; spans are computed while the text is assembled, so they are exact."""
    parts: list[str] = []
    spans: list[PIISpan] = []
    pos = 0
    last = 0
    for m in SLOT.finditer(template.text):
        literal = template.text[last:m.start()]
        parts.append(literal)
        pos += len(literal)
        slot = m.group(1)
        label = _slot_label(slot)
        base = re.sub(r"\d+$", "", slot)
        if base == "ADDRESS_1L":
            value = values.address(one_line=True)
        elif label is not None:
            value = values.pii(slot)
        else:
            value = values.confuser(slot)
        value = value.strip()  # some Faker locales pad their values
        if label is not None:
            spans.append(PIISpan(pos, pos + len(value), label, 1.0, value))
        parts.append(value)
        pos += len(value)
        last = m.end()
    parts.append(template.text[last:])
    text = "".join(parts)
    return Document(text=text, spans=spans, meta={"template": template.id, "kind": template.kind})


def generate(n: int, split: str = "train", seed: int = 0) -> Iterator[Document]:
    """`n` documents from the templates of `split` ("train", "validation", "test" or "all"), seeded."""
    by_split = split_templates()
    pool = [t for s in SPLITS for t in by_split[s]] if split == "all" else by_split.get(split)
    if pool is None:
        raise ValueError(f"split must be one of {SPLITS + ('all',)}, not {split!r}")
    # Each split draws its own values too (distinct seeds), so no value is shared by construction.
    values = ValueMaker(seed * 1000 + {"train": 1, "validation": 2, "test": 3, "all": 4}[split])
    for i in range(n):
        # Half whole-document templates, half compositional documents from the same split's parts.
        if i % 2 == 1:
            yield compose(values, split)
            continue
        template = pool[(i // 2) % len(pool)] if i // 2 < len(pool) else values.rng.choice(pool)
        yield render(template, values)


# ------------------------------------------------------------------------------------------------
# Compositional documents: short frames (one slot each) and key-value lines, strung together in
# random order with random separators. Many more distinct contexts than whole-document templates;
# frames and keys are split between train/validation/test by index like the templates.

# fmt: off
_FRAMES: dict[str, list[str]] = {
    "NAME": ["my name is {{NAME}}", "{{NAME}} called this morning", "please contact {{NAME}}", "signed, {{NAME}}",
             "meeting with {{NAME}} tomorrow", "thanks to {{NAME}} for the help", "cc: {{NAME}}", "{{NAME}} wrote:",
             "approved by {{NAME}}", "the account holder is {{NAME}}", "ask {{NAME}} about it", "owner: {{NAME}}"],
    "FIRST": ["hi {{FIRST}}", "thanks {{FIRST}}!", "{{FIRST}} said yes", "tell {{FIRST}} I'm late", "cheers, {{FIRST}}",
              "{{FIRST}} will join later", "hey {{FIRST}}, quick question", "ok {{FIRST}}"],
    "EMAIL": ["email me at {{EMAIL}}", "contact: {{EMAIL}}", "reply to {{EMAIL}}", "sent from {{EMAIL}}",
              "{{EMAIL}} is my new address", "forward it to {{EMAIL}}", "login: {{EMAIL}}", "cc {{EMAIL}} please"],
    "PHONE": ["call me on {{PHONE}}", "phone: {{PHONE}}", "my cell is {{PHONE}}", "reach us at {{PHONE}}",
              "fax {{PHONE}}", "text {{PHONE}} when you arrive", "mobile number {{PHONE}}", "tel. {{PHONE}}"],
    "ADDRESS": ["I live at {{ADDRESS}}", "ship to {{ADDRESS}}", "address: {{ADDRESS}}", "mail it to {{ADDRESS}}",
                "new address {{ADDRESS}}", "billing address {{ADDRESS}}", "we moved to {{ADDRESS}}",
                "deliver to: {{ADDRESS}}"],
    "STREET": ["the house at {{STREET}}", "{{STREET}} is the meeting point", "pick me up at {{STREET}}",
               "office: {{STREET}}"],
    "DOB": ["born {{DOB}}", "date of birth: {{DOB}}", "DOB {{DOB}}", "my birthday is {{DOB}}",
            "birth date {{DOB}}", "he was born on {{DOB}}", "d.o.b.: {{DOB}}", "she was born {{DOB}}"],
    "SSN": ["SSN {{SSN}}", "social security number: {{SSN}}", "my ssn is {{SSN}}", "SSN#: {{SSN}}",
            "social security no. {{SSN}}", "tax id (SSN) {{SSN}}", "ss# {{SSN}}", "the SSN on file is {{SSN}}"],
    "CC": ["card number {{CC}}", "charge it to {{CC}}", "my visa is {{CC}}", "cc: {{CC}}", "credit card {{CC}}",
           "paid with card {{CC}}", "card no {{CC}}", "the card {{CC}} was declined"],
    "IBAN": ["IBAN {{IBAN}}", "wire it to {{IBAN}}", "bank account (IBAN): {{IBAN}}", "my iban is {{IBAN}}",
             "transfer to IBAN {{IBAN}}", "account {{IBAN}}", "pay into {{IBAN}}", "beneficiary IBAN: {{IBAN}}"],
    "IP": ["from ip {{IP}}", "client={{IP}}", "server {{IP}} is down", "connected from {{IP}}", "ip address {{IP}}",
           "ping {{IP}}", "blocked {{IP}}", "src {{IP}}"],
    "PASSPORT": ["passport {{PASSPORT}}", "passport no. {{PASSPORT}}", "my passport number is {{PASSPORT}}",
                 "US passport #{{PASSPORT}}", "passport: {{PASSPORT}}", "travel document {{PASSPORT}}",
                 "passport number {{PASSPORT}}", "renewed passport {{PASSPORT}}"],
    "DL": ["driver's license {{DL}}", "DL# {{DL}}", "license no. {{DL}}", "driving licence {{DL}}",
           "driver license number: {{DL}}", "my license is {{DL}}", "DL {{DL}}", "state license {{DL}}"],
    "NEG": ["order {{ORDER}} shipped on {{DATE}}", "version {{VERSION}} released", "sku {{SKU}} is out of stock",
            "request id {{UUID}}", "invoice {{INVOICE}} due {{DATE}}", "total {{AMOUNT}}", "build {{HASH}}",
            "tracking {{TRACKING}}", "we met in {{CITY}}", "{{COMPANY}} announced results", "ticket {{TICKET}} closed",
            "appointment on {{DATE}} at {{TIME}}", "flight {{FLIGHT}} to {{COUNTRY}}", "employee id {{EMPID}}",
            "port {{PORT}} open on {{HOST}}", "see you in {{MONTH}}", "the meeting moved to {{DATE}}",
            "expires {{EXPIRY}}", "order #{{NUM}} for {{AMOUNT}}", "upgrade to {{VERSION}} before {{DATE}}"],
}
_KEYS: dict[str, list[str]] = {
    "NAME": ["Name", "Full name", "Customer", "Patient", "Contact", "Employee", "Applicant", "Account holder"],
    "EMAIL": ["Email", "E-mail", "Mail", "Email address", "Contact email", "Login"],
    "PHONE": ["Phone", "Tel", "Mobile", "Cell", "Phone number", "Home phone", "Work phone", "Contact no."],
    "ADDRESS": ["Address", "Home address", "Mailing address", "Shipping address", "Residence", "Billing address"],
    "DOB": ["DOB", "Date of birth", "Birth date", "Born", "Birthday", "D.O.B."],
    "SSN": ["SSN", "Social security number", "SSN#", "Soc. sec. no.", "Social Security"],
    "CC": ["Card", "Card number", "Credit card", "CC", "Card no.", "PAN"],
    "IBAN": ["IBAN", "Bank account", "IBAN code", "Account (IBAN)", "Payout IBAN"],
    "IP": ["IP", "IP address", "Client IP", "Remote addr", "Source IP", "Last IP"],
    "PASSPORT": ["Passport", "Passport no.", "Passport number", "US passport", "Travel doc"],
    "DL": ["Driver's license", "DL", "License no.", "Driver license #", "Driving licence"],
    "NEG": ["Order", "SKU", "Version", "Invoice", "Date", "Company", "City", "Ticket", "Amount", "Request ID"],
}
_NEG_KEY_SLOT = {"Order": "ORDER", "SKU": "SKU", "Version": "VERSION", "Invoice": "INVOICE", "Date": "DATE",
                 "Company": "COMPANY", "City": "CITY", "Ticket": "TICKET", "Amount": "AMOUNT", "Request ID": "UUID"}
# fmt: on


def _split_items(items: list[str], split: str) -> list[str]:
    if split == "all":
        return items
    return [x for i, x in enumerate(items) if template_split(f"x-{i}") == split] or items[:1]


def compose(values: ValueMaker, split: str) -> Document:
    """A document of 2-6 frames or key-value lines, with exact spans."""
    rng = values.rng
    keys = list(_FRAMES)
    if rng.random() < 0.5:
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
        lines = []
        colon = rng.choice([": ", ":", " = ", "\t", " - ", ": ", " "])
        for _ in range(rng.randint(2, 7)):
            slot = rng.choice([k for k in _KEYS])
            key = rng.choice(_split_items(_KEYS[slot], split))
            value = "{{" + (_NEG_KEY_SLOT[key] if slot == "NEG" else slot) + "}}"
            if slot == "ADDRESS":
                value = "{{ADDRESS_1L}}"
            lines.append(f"{key}{colon}{value}")
        text = rng.choice(["\n", "\n", "; ", " | ", ", "]).join(lines)
        kind = "keyvalue"
    return render(Template(id=f"{kind}-{split}", kind=kind, text=text), values)
