"""Whole-document templates and their train / validation / test split (by template, so the held-out
splits measure unseen phrasings and layouts, not memorised ones)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


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

# More whole-document templates live in documents.txt: "@@ kind" starts a kind, a line "~~~" ends each
# template. They are appended after `_RAW_TEMPLATES[kind]`, so ids keep counting from there and the
# split rule (by index) is unchanged for the older templates. Several templates hold no PII at all.
DOCUMENTS_FILE = "documents.txt"


def _parse_documents(block: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    kind = None
    buf: list[str] = []
    for line in block.split("\n"):
        if line.startswith("@@ "):
            kind = line[3:].strip()
            out.setdefault(kind, [])
            buf = []
        elif line == "~~~":
            if kind is None:
                raise ValueError(f"{DOCUMENTS_FILE}: a template ends before any '@@ kind' line")
            out[kind].append("\n".join(buf).strip("\n"))
            buf = []
        elif kind is not None:
            buf.append(line)
    return out


def _all_raw_templates() -> dict[str, list[str]]:
    merged = {kind: list(texts) for kind, texts in _RAW_TEMPLATES.items()}
    block = resources.files(__package__).joinpath(DOCUMENTS_FILE).read_text(encoding="utf-8")
    for kind, texts in _parse_documents(block).items():
        merged.setdefault(kind, []).extend(texts)
    return merged


_ALL_TEMPLATES = _all_raw_templates()


def templates() -> list[Template]:
    out = []
    for kind, texts in _ALL_TEMPLATES.items():
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

