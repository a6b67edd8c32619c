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
    # Derived name slots: FN/LN are the first/last name of the document's NAME (same digit suffix),
    # U-prefixed slots are upper-cased (screenplay speakers, CV headers). CROSS: "Elm St and 5th Ave".
    "FN": "PERSON", "LN": "PERSON", "UFIRST": "PERSON", "ULAST": "PERSON", "UNAME": "PERSON", "UFN": "PERSON",
    "ULN": "PERSON", "CROSS": "STREET_ADDRESS",
}
_REF = re.compile(r"^(U?)(FN|LN|FIRST|LAST|NAME)(\d*)$")
# Slots drawn afresh at every occurrence (timestamps, counters, amounts); all others repeat their value
# when a template names them twice.
_FRESH_SLOTS = {"TIME", "DATETIME", "LOGTIME", "NUM", "NUM2", "NUM4", "AMOUNT", "SKU", "UUID", "HASH", "PORT"}


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

# Extra whole-document templates, parsed by `_parse_extra`: "@@ kind" starts a kind, a line "~~~" ends
# each template. Appended after `_RAW_TEMPLATES[kind]`, so ids keep counting from there and the split
# rule (by index) is unchanged for the old templates. Several templates hold no PII at all.
_EXTRA_TEMPLATES = """
@@ email
Hallo {{FIRST}},

anbei die Rechnung {{INVOICE}} vom {{DATE}}. Bitte überweisen Sie {{AMOUNT}} auf folgendes Konto:
IBAN: {{IBAN}}
Kontoinhaber: {{NAME}}

Mit freundlichen Grüßen
{{NAME2}}
{{FIRM}}
~~~
On {{DATE}} at {{TIME}}, {{NAME}} <{{EMAIL}}> wrote:
> Could you send the contract to my home address?
> {{ADDRESS}}
> Thanks!

Sure, it goes out on {{WEEKDAY}}.
{{FIRST2}}
~~~
Subject: {{PRODUCT}} {{VERSION}} is here

Hello there,

Refund requests for orders placed before {{DATE}} are now processed automatically.
Status: live in {{REGION}}.
Note: our {{CITY}} warehouse is closed on {{WEEKDAY}}.

The {{FIRM}} team
Unsubscribe | Privacy policy
~~~
Dear {{TITLE}} {{LN}},

Thank you for choosing {{FIRM}}. Your appointment with {{TITLE2}} {{NAME2}} is confirmed for {{WEEKDAY}}, {{DATE}} at {{TIME}}.
Location:
    {{ADDRESS}}
If you need to reschedule, call {{PHONE}}.

Warm regards,
Front desk
~~~
Fwd: visa

---------- Forwarded message ---------
From: {{NAME}} <{{EMAIL}}>
Date: {{DATE}}
Subject: passport copy

Attached. Passport {{PASSPORT}}, issued in {{CITY}}. My SSN in case HR needs it: {{SSN}}.

Sent from my iPhone
~~~
{{FIRST}} -

Quick one: {{FIRM}} wants the signed NDA by {{WEEKDAY}}. {{NAME}} from their legal team ({{EMAIL}}, {{PHONE}}) is the contact.

- {{FIRST2}}
~~~
Estimado/a {{NAME}}:

Le confirmamos que su pedido {{ORDER}} será entregado en {{ADDRESS_1L}} el {{DATE}}. Para cualquier consulta llame al {{PHONE}}.

Atentamente,
Atención al cliente, {{COMPANY}}
~~~
Subject: Outage report {{DATE}}

All,

The {{PRODUCT}} API in {{REGION}} was down from {{TIME}} to {{TIME2}} UTC. Root cause: expired certificate on {{HOST}}.
Fix ships in {{VERSION}} on {{WEEKDAY}}.

Incident {{TICKET}}
SRE on call
~~~
@@ chat
{{FIRST}}: u coming tonight?
{{FIRST2}}: yeah whats the address again
{{FIRST}}: {{ADDRESS_1L}}, buzz {{NUM2}}
{{FIRST2}}: k see u at 8
~~~
[{{DATE}} {{TIME}}] Bot: Welcome to {{FIRM}} support! What's your name?
[{{DATE}} {{TIME}}] You: {{NAME}}
[{{DATE}} {{TIME}}] Bot: Thanks, {{FN}}. Status of order {{ORDER}}: shipped.
[{{DATE}} {{TIME}}] You: great thx
~~~
{{USER}}: anyone know who owns the {{HOST}} box?
{{USER2}}: thats {{FIRST}}'s, ask him
{{USER}}: {{FIRST}} is out till {{WEEKDAY}}
{{USER2}}: then {{NAME}} in infra, ext {{NUM4}}
~~~
Agent: Thanks for contacting {{FIRM}}. Can I have your email?
Visitor: {{EMAIL}}
Agent: And the last four digits of the card?
Visitor: {{NUM4}}
Agent: Found it. Refund of {{AMOUNT}} issued today.
~~~
{{USER}}: deploy {{VERSION}} done
{{USER2}}: nice. Status?
{{USER}}: green. Bot posted the changelog in #releases
{{USER2}}: Refund flow still broken on {{PRODUCT}} though, see {{TICKET}}
~~~
{{DATE}}, {{TIME}} - {{FIRST}}: ich schick dir meine neue adresse
{{DATE}}, {{TIME}} - {{FIRST}}: {{ADDRESS}}
{{DATE}}, {{TIME}} - {{FIRST2}}: danke! ist deine nummer noch {{PHONE}}?
{{DATE}}, {{TIME}} - {{FIRST}}: ja
~~~
{{NAME}} (Customer): I was charged for {{PRODUCT}} twice
{{FIRST2}} (Support): Sorry about that! Which card?
{{NAME}} (Customer): visa {{CC}}
{{FIRST2}} (Support): Reversed. You'll see it in 3-5 days.
~~~
mom: did u send grandma the card
me: yes to {{ADDRESS_1L}}
mom: thats the old one!! she's at {{STREET}} now
me: oops
~~~
@@ ticket
Title: Cannot reset password
Reporter: {{NAME}}
Email: {{EMAIL}}
Environment: {{PRODUCT}} {{VERSION}}, {{BROWSER}}
Steps: 1. open login 2. click reset 3. nothing happens
Last seen IP: {{IP}}
Status: Open   Assignee: {{FIRST}}
~~~
{{TICKET}} - Address change
Requested by: {{TITLE}} {{NAME}}
Old: {{ADDRESS}}
New: {{ADDRESS2}}
Verified via DOB ({{DOB}}) and phone {{PHONE}}.
~~~
INC{{NUM}} | P2 | {{PRODUCT}}
Summary: nightly export to {{FIRM}} SFTP failed
Host: {{HOST}}
Build: {{HASH}}
Status: Resolved - retried at {{TIME}}
Note: no customer impact.
~~~
Zendesk #{{NUM}}
Requester: {{EMAIL}}
Subject: where is my order {{ORDER}}??

Hi, it's been 3 weeks. I ordered on {{DATE}}, ship to {{ADDRESS}}. Call me {{PHONE}}. {{FIRST}}
~~~
[{{TICKET}}] Fraud alert: card {{CC}} used from {{IP}} ({{COUNTRY}}) at {{DATETIME}}. Cardholder {{NAME}} confirms it was not them. Card blocked; replacement goes to {{STREET}}.
~~~
Bug {{TICKET}}: name field shows 'null' for user {{NUM}}
Repro: create a user named "{{NAME}}", save, reload.
Expected: name shown. Actual: blank.
Version {{VERSION}}, reported by {{FIRST}}.
~~~
Melding {{TICKET}}
Klant: {{NAME}}
Telefoon: {{PHONE}}
Adres: {{ADDRESS}}
Omschrijving: storing internet sinds {{DATE}}, monteur ingepland op {{WEEKDAY}}.
~~~
Priority: Low
Status: Waiting on customer
Refund: {{AMOUNT}} pending
Note from {{FIRST}}: asked {{NAME}} for the IBAN twice. Received today: {{IBAN}}.
~~~
@@ form
PATIENT REGISTRATION

Last name: {{LAST}}        First name: {{FIRST}}
Date of birth (MM/DD/YYYY): {{DOB}}    Age: {{AGE}}
Sex: {{SEX}}
Street address: {{STREET}}
City: {{CITY}}   State: {{STATE}}   ZIP: {{ZIP}}
Home phone: {{PHONE}}
Insurance ID: {{INSID}}
Signature: ____________  Date: {{DATE}}
~~~
Request for Taxpayer Identification Number
Name (as shown on your income tax return): {{NAME}}
Business name: {{FIRM}}
Address: {{ADDRESS}}
Social security number: {{SSN}}
Date: {{DATE}}
~~~
Anmeldeformular
Name, Vorname: {{NAME}}
Geburtsdatum: {{DOB}}
Anschrift: {{ADDRESS}}
Telefon: {{PHONE}}
E-Mail: {{EMAIL}}
Bankverbindung (IBAN): {{IBAN}}
~~~
| Field | Value |
|---|---|
| Name | {{NAME}} |
| Date of birth | {{DOB}} |
| Driver license | {{DL}} |
| State | {{STATE}} |
| Issued | {{DATE}} |
~~~
Product registration
Model: {{PRODUCT}}
Serial no.: {{SERIAL}}
Firmware: {{VERSION}}
Purchase date: {{DATE}}
Store: {{FIRM}}, {{CITY}}
Warranty until: {{DATE2}}
~~~
Visitor log
Name: {{NAME}}   Company: {{FIRM}}   Host: {{TITLE}} {{LN2}}
Badge: {{NUM}}   In: {{TIME}}   Out: {{TIME2}}
~~~
Travel booking
Traveller 1: {{TITLE}} {{NAME}}, born {{DOB}}, passport {{PASSPORT}}
Traveller 2: {{NAME2}}, born {{DOB2}}, passport {{PASSPORT2}}
Flight: {{FLIGHT}} {{CITY}} - {{CITY2}}, {{DATE}}
Booking ref: {{PNR}}
~~~
Modulo di iscrizione
Cognome e nome: {{NAME}}
Data di nascita: {{DOB}}
Indirizzo: {{ADDRESS_1L}}
Cellulare: {{PHONE}}
Email: {{EMAIL}}
~~~
@@ log
{{DATETIME}} [worker-{{NUM2}}] INFO  OrderService - order {{ORDER}} created for customer_email={{EMAIL}} total={{AMOUNT}}
~~~
{{DATETIME}} audit user="{{NAME}}" action=EXPORT table=customers rows={{NUM}} src={{IP}}
~~~
{{DATETIME}} INFO  scheduler: job nightly-backup finished in {{NUM}}s
{{DATETIME}} WARN  disk /var at 91% on {{HOST}}
{{DATETIME}} INFO  deploy: {{PRODUCT}} {{VERSION}} ({{HASH}}) rolled out to {{REGION}}
~~~
Traceback (most recent call last):
  File "/srv/app/billing.py", line {{NUM}}, in charge
    gateway.charge(card="{{CC}}", amount={{NUM}})
ValueError: card declined for {{EMAIL}} (request {{UUID}})
~~~
<134>1 {{DATETIME}} {{HOST}} vpn - - - user {{USER}} ({{NAME}}) connected from {{IP}} assigned {{IP2}}
~~~
{"level":"warn","time":"{{DATETIME}}","msg":"address validation failed","address":"{{ADDRESS_1L}}","customer":"{{NAME}}","trace":"{{HASH}}"}
~~~
{{DATETIME}} sms-gateway: delivered to {{PHONE}} msgid={{UUID}} status=DELIVERED
{{DATETIME}} sms-gateway: failed to {{PHONE2}} err=UNREACHABLE
~~~
{{DATETIME}} INFO  Started {{PRODUCT}} {{VERSION}} in {{NUM2}}.4 seconds (JVM running for {{NUM2}}.9)
{{DATETIME}} INFO  Tomcat started on port(s): {{PORT}} (http)
{{DATETIME}} INFO  Bot scheduler ready, region={{REGION}}
~~~
@@ note
Errands {{WEEKDAY}}:
- pick up prescription for {{FIRST}}
- drop keys at {{STREET}}
- call {{TITLE}} {{LAST}} re: estimate ({{PHONE}})
~~~
1:1 notes {{DATE}} with {{NAME}}
* wants to move to the {{CITY}} office in {{MONTH}}
* asked about the {{FIRM}} partnership
* next check-in {{WEEKDAY}}
~~~
Note to self: Status meeting moved to {{WEEKDAY}}. Refund policy doc v{{NUM2}} due {{DATE}}. Ask Legal about the {{FIRM}} contract.
~~~
Neighbour {{FIRST}} ({{ADDRESS_1L}}) has our spare key. Her number: {{PHONE}}. Alarm code is NOT {{NUM4}}.
~~~
Wedding guest list
{{NAME}} + 1
{{NAME2}}
{{TITLE}} and Mrs. {{LN3}}
{{NAME4}} (vegetarian)
RSVP by {{DATE}}
~~~
Condolence card for the {{LAST}} family - send to
{{ADDRESS}}
~~~
Notes réunion du {{DATE}} : {{NAME}} reprend le dossier {{FIRM}}. Contact : {{EMAIL}}, {{PHONE}}. Prochaine réunion à {{CITY}}.
~~~
Car accident {{DATE}}, corner of {{CROSS}}. Other driver: {{NAME}}, license {{DL}}, insurer {{FIRM}}, policy {{POLICY}}. Witness: {{NAME2}} {{PHONE}}.
~~~
@@ csv
first_name,last_name,email,signup_date
{{FIRST}},{{LAST}},{{EMAIL}},{{DATE}}
{{FIRST2}},{{LAST2}},{{EMAIL2}},{{DATE2}}
{{FIRST3}},{{LAST3}},{{EMAIL3}},{{DATE3}}
~~~
Name|Street|City|Zip|Phone
{{NAME}}|{{STREET}}|{{CITY}}|{{ZIP}}|{{PHONE}}
{{NAME2}}|{{STREET2}}|{{CITY2}}|{{ZIP2}}|{{PHONE2}}
~~~
date,region,product,units,revenue
{{DATE}},{{REGION}},{{PRODUCT}},{{NUM}},{{AMOUNT}}
{{DATE2}},{{REGION2}},{{PRODUCT2}},{{NUM}},{{AMOUNT}}
{{DATE3}},{{REGION3}},{{PRODUCT3}},{{NUM}},{{AMOUNT}}
~~~
"Vendor","Contact","Phone","IBAN"
"{{FIRM}}","{{NAME}}","{{PHONE}}","{{IBAN}}"
"{{FIRM2}}","{{NAME2}}","{{PHONE2}}","{{IBAN2}}"
~~~
session_id,ip,user_agent,country
{{UUID}},{{IP}},Mozilla/5.0,{{COUNTRY}}
{{UUID}},{{IP2}},curl/8.4,{{COUNTRY2}}
~~~
patient_id;name;dob;visit
{{NUM}};{{NAME}};{{DOB}};{{DATE}}
{{NUM}};{{NAME2}};{{DOB2}};{{DATE2}}
~~~
Kundennr;Name;Geburtsdatum;Anschrift
{{NUM}};{{NAME}};{{DOB}};"{{ADDRESS_1L}}"
{{NUM}};{{NAME2}};{{DOB2}};"{{ADDRESS_1L2}}"
~~~
card_holder,card_number,exp,cvv_present
{{NAME}},{{CC}},{{EXPIRY}},yes
{{NAME2}},{{CC2}},{{EXPIRY2}},no
~~~
employee,manager,company,city
{{NAME}},{{NAME2}},{{FIRM}},{{CITY}}
{{NAME3}},{{NAME2}},{{FIRM}},{{CITY2}}
~~~
ticket,status,priority,opened,owner_team
{{TICKET}},Open,High,{{DATE}},{{DEPT}}
{{TICKET2}},Closed,Low,{{DATE2}},{{DEPT2}}
~~~
@@ json
{
  "customer": {
    "firstName": "{{FN}}",
    "lastName": "{{LN}}",
    "birthDate": "{{DOB}}",
    "contact": {"email": "{{EMAIL}}", "phone": "{{PHONE}}"}
  },
  "orderId": "{{ORDER}}"
}
~~~
{"shipping": {"name": "{{NAME}}", "line1": "{{STREET}}", "city": "{{CITY}}", "postal_code": "{{ZIP}}", "country": "{{COUNTRY}}"}}
~~~
{"status": "ok", "version": "{{VERSION}}", "region": "{{REGION}}", "items": [{"sku": "{{SKU}}", "price": "{{AMOUNT}}"}, {"sku": "{{SKU2}}", "price": "{{AMOUNT}}"}], "trace_id": "{{UUID}}"}
~~~
employee:
  name: {{NAME}}
  ssn: {{SSN}}
  address: |
    {{ADDRESS}}
  manager: {{NAME2}}
~~~
[{"id": {{NUM}}, "name": "{{NAME}}", "ip": "{{IP}}"}, {"id": {{NUM}}, "name": "{{NAME2}}", "ip": "{{IP2}}"}]
~~~
{"kyc": {"full_name": "{{NAME}}", "dob": "{{DOB}}", "id_type": "driver_license", "id_number": "{{DL}}", "state": "{{STATE}}"}, "checked_at": "{{DATETIME}}"}
~~~
payee:
  holder: "{{NAME}}"
  iban: "{{IBAN}}"
  bank: {{FIRM}}
  reference: {{INVOICE}}
~~~
{"author": "{{NAME}}", "title": "Notes on {{PRODUCT}}", "published": "{{DATE}}", "publisher": "{{FIRM}}", "location": "{{CITY}}"}
~~~
{"event":"signup","props":{"email":"{{EMAIL}}","referrer":"{{DOMAIN}}","plan":"pro"},"ip":"{{IP}}","ts":"{{DATETIME}}"}
~~~
{"build": {"commit": "{{HASH}}", "branch": "main", "version": "{{VERSION}}"}, "deployed_by": "ci-bot", "at": "{{DATETIME}}", "owner": "{{FIRM}}"}
~~~
@@ letter
{{FIRM}}
{{ADDRESS}}
Tel. {{PHONE}}

{{DATE}}

{{TITLE}} {{NAME2}}
{{ADDRESS2}}

Re: Policy {{POLICY}}

Dear {{TITLE}} {{LN2}},

We have received your claim dated {{DATE2}} and will respond within 30 days.

Sincerely,

{{NAME3}}
Claims Department
~~~
Dear Landlord,

I, {{NAME}}, tenant at {{ADDRESS_1L}}, give notice that I will vacate the property on {{DATE}}. Please return my deposit of {{AMOUNT}} to IBAN {{IBAN}}.

Forwarding address:
{{ADDRESS2}}

{{NAME}}
~~~
Dear Customer,

Refund of {{AMOUNT}} for order {{ORDER}} has been issued. Note: it may take 5-10 business days to appear.

Status: Completed
Reference: {{INVOICE}}

{{FIRM}}, {{CITY}}
~~~
Sehr geehrte Frau {{LN}},

hiermit bestätigen wir den Eingang Ihrer Kündigung vom {{DATE}}. Ihr Vertrag {{INVOICE}} endet zum {{DATE2}}.

Mit freundlichen Grüßen
{{NAME2}}
{{FIRM}}
~~~
Reference letter

{{DATE}}

It is my pleasure to recommend {{NAME}}, who worked under my supervision at {{FIRM}} in {{CITY}}. {{FN}} was dependable and well liked.

Please contact me at {{EMAIL}} or {{PHONE}}.

{{TITLE}} {{NAME2}}
{{JOB}}
~~~
Estimada Sra. {{LN}}:

Por la presente le informamos que su solicitud ha sido aprobada. El importe de {{AMOUNT}} se abonará en la cuenta {{IBAN}}.

Un saludo,
{{NAME2}}
{{FIRM}}, {{CITY}}
~~~
FINAL NOTICE

{{NAME}}
{{ADDRESS}}

Account: {{INVOICE}}
Amount due: {{AMOUNT}}

Your account is past due. Pay online or call {{PHONE}} before {{DATE}}.
~~~
{{CITY}}, le {{DATE}}

Cher Monsieur {{LN}},

Suite à notre entretien, je vous confirme l'envoi du contrat à l'adresse suivante : {{ADDRESS_1L}}.

Cordialement,
{{NAME2}}
~~~
Dear Hiring Manager,

I am applying for the {{JOB}} position at {{FIRM}}. I hold a degree from the University of {{CITY}} and have five years of experience.

Sincerely,
{{NAME}}
{{PHONE}} | {{EMAIL}}
~~~
Certificate of Residence

The municipality of {{CITY}} certifies that {{NAME}}, born {{DOB}}, has resided at {{ADDRESS_1L}} since {{DATE}}.

Issued {{DATE2}}, {{CITY}}.
~~~
@@ prose
{{NAME}}, a {{JOB}} from {{CITY}}, told reporters on {{WEEKDAY}} that {{FIRM}} had ignored the warnings. "We told them in {{MONTH}}," {{LN}} said.
~~~
{{FIRM}} shares rose {{NUM2}}% after the company said it would open a plant in {{CITY}}, {{COUNTRY}}, creating {{NUM}} jobs by {{YEAR}}.
~~~
When {{FIRST}} finally reached {{CITY}}, {{FIRST2}} was waiting at the station with a letter from their uncle, {{NAME}}.
~~~
In {{YEAR}}, {{NAME}} founded {{FIRM}} with {{NAME2}} in a garage on {{STREET}}. Today the firm employs {{NUM}} people across {{COUNTRY}} and {{COUNTRY2}}.
~~~
The property at {{ADDRESS_1L}} was sold on {{DATE}} for {{AMOUNT}} to {{NAME}}, according to {{CITY}} county records.
~~~
Heavy rain closed roads across {{COUNTRY}} on {{WEEKDAY}}. Officials in {{CITY}} and {{CITY2}} said schools would reopen on {{DATE}}.
~~~
{{TITLE}} {{NAME}}, who led the study at the University of {{CITY}}, said the results surprised the team. Her colleague, {{TITLE2}} {{NAME2}}, was more cautious.
~~~
My grandfather {{NAME}} was born on {{DOB}} in a small village near {{CITY}}. He emigrated to {{COUNTRY}} in {{YEAR}} and worked for {{FIRM}} until he retired.
~~~
@@ dialogue
{{UFIRST}}: Remember me, {{FIRST2}}?
{{UFIRST2}}: {{FIRST}}? From {{CITY}}?
{{UFIRST}}: Fifteen years. You still owe me twenty bucks.
{{UFIRST2}}: (laughing) Some things never change.
~~~
INTERVIEWER: Can you state your name for the record?
{{ULN}}: {{NAME}}.
INTERVIEWER: And your date of birth?
{{ULN}}: {{DOB}}.
INTERVIEWER: Where were you on the night of {{DATE}}?
{{ULN}}: At home. {{ADDRESS_1L}}.
~~~
Minutes - {{PRODUCT}} steering meeting, {{DATE}}
Attendees: {{NAME}} (chair), {{NAME2}}, {{NAME3}}, {{FIRST4}} from {{FIRM}}
Apologies: {{NAME5}}

1. {{FN}} opened the meeting and reviewed the action items.
2. {{FN2}} reported that release {{VERSION}} slipped to {{DATE2}}.
3. AOB: none.
Next meeting: {{WEEKDAY}}, {{TIME}}, {{CITY}} office.
~~~
Q: Please tell us who you are.
A: My name is {{NAME}}, I'm {{AGE}} and I work as a {{JOB}} in {{CITY}}.
Q: How did you hear about {{FIRM}}?
A: My colleague {{FIRST}} recommended it.
~~~
HOST: Welcome back to the show. Today we're talking about {{PRODUCT}}.
GUEST: Thanks for having me.
HOST: Status update first - the {{VERSION}} release?
GUEST: Shipped on {{WEEKDAY}}. Refund requests dropped by half.
HOST: Great news for {{FIRM}}.
~~~
[{{TIME}}] {{NAME}}: Can everyone hear me?
[{{TIME}}] {{NAME2}}: Yes, loud and clear.
[{{TIME}}] {{NAME}}: Great. {{FN2}}, can you share the deck?
[{{TIME}}] {{NAME2}}: Sharing now.
~~~
{{FIRST}}: Did you call {{TITLE}} {{LAST}}?
{{FIRST2}}: Left a message on {{PHONE}}. He hasn't called back.
{{FIRST}}: Try his office then.
~~~
TRANSCRIPT - Deposition of {{NAME}}
Taken on {{DATE}} at the offices of {{FIRM}}, {{CITY}}

MR. {{ULN2}}: Please state your address.
THE WITNESS: {{ADDRESS_1L}}.
MR. {{ULN2}}: How long have you lived there?
THE WITNESS: Since {{YEAR}}.
~~~
{{FIRST}}: Hast du die Nummer von Frau {{LAST}}?
{{FIRST2}}: Ja, {{PHONE}}.
{{FIRST}}: Danke! Und die Adresse?
{{FIRST2}}: {{ADDRESS}}
~~~
Moderator: Our next caller is {{FIRST}} from {{CITY}}. Go ahead, {{FIRST}}.
Caller: Hi, long-time listener. I just wanted to say {{FIRM}} still hasn't fixed my furnace.
Moderator: Sorry to hear that.
~~~
Stand-up {{DATE}}
Present: {{FIRST}}, {{FIRST2}}, {{FIRST3}}
- {{FIRST}}: finished the {{PRODUCT}} migration
- {{FIRST2}}: blocked on {{TICKET}}
- {{FIRST3}}: out on {{WEEKDAY}}
Action: {{FIRST}} to email {{NAME}} at {{FIRM}} ({{EMAIL}})
~~~
{{UFIRST}}
Where were you last night?

{{UFIRST2}}
Out. With {{FN3}}.

{{UFIRST}}
(beat)
{{NAME3}}? From the bank?
~~~
Panel discussion, {{CITY}}, {{DATE}}
Moderator ({{NAME}}): Welcome, everyone.
{{NAME2}} ({{FIRM}}): Thank you. At {{FIRM}} we see this every day.
{{NAME3}} (University of {{CITY2}}): I'd push back on that.
~~~
Caller: Hi, is this the pharmacy?
Staff: Yes, {{FIRM}} pharmacy, {{CITY}} branch.
Caller: Are you open on {{WEEKDAY}}?
Staff: Until {{TIME}}. Note that we close early on {{DATE}}.
~~~
{{FIRST}}: ¿Me pasas el correo de {{NAME}}?
{{FIRST2}}: Claro, es {{EMAIL}}
{{FIRST}}: Gracias. ¿Y su móvil?
{{FIRST2}}: {{PHONE}}
~~~
Officer: License and registration, please.
Driver: Here. License number is {{DL}}.
Officer: This says you live at {{ADDRESS_1L}}. Still current?
Driver: Yes, sir.
Officer: Wait here, {{TITLE}} {{LN}}.
~~~
@@ bio
{{NAME}} (born {{DOB}}) is a {{NATIONALITY}} {{JOB}} and entrepreneur. Born in {{CITY}}, {{LN}} studied at the University of {{CITY2}} before joining {{FIRM}} in {{YEAR}}. In {{YEAR2}} {{LN}} co-founded {{FIRM2}} with {{NAME2}}.
~~~
Early life

{{FN}} grew up in {{CITY}}, {{COUNTRY}}, the youngest of four children of {{NAME2}}, a schoolteacher, and {{NAME3}}, who ran a bakery in the town centre. In {{YEAR}} the family moved to {{CITY2}}, where {{FN}} attended {{FIRM}} Academy.
~~~
{{CITY}}, {{DATE}} - {{FIRM}} has appointed {{NAME}} as chief executive, replacing {{NAME2}}, who steps down after {{NUM2}} years. {{LN}}, {{AGE}}, previously ran the company's operations in {{COUNTRY}}.
~~~
The letter arrived on a {{WEEKDAY}}. {{FIRST}} read it twice, then handed it to {{FIRST2}} without a word. It was from {{NAME}}, their father's old partner at {{FIRM}}, and it was postmarked {{CITY}}.
~~~
{{FIRM}} was founded in {{CITY}} in {{YEAR}} and moved its headquarters to {{CITY2}}, {{COUNTRY}}, in {{YEAR2}}. It merged with {{FIRM2}} and today sells {{PRODUCT}} in {{NUM2}} countries.
~~~
{{NAME}}, {{AGE}}, of {{CITY}}, passed away peacefully on {{DATE}}. Born {{DOB}} to {{NAME2}} and {{NAME3}}, {{FN}} worked for {{FIRM}} for thirty years. {{FN}} is survived by a daughter, {{FIRST4}}, and two grandchildren. A service will be held at St. Mary's Church, {{CITY}}, on {{WEEKDAY}}.
~~~
{{NAME}} (born {{DOB}} in {{CITY}}) is a {{NATIONALITY}} professional footballer who plays as a midfielder for {{FIRM}} and the {{COUNTRY}} national team.
~~~
Police in {{CITY}} arrested a {{AGE}}-year-old man, identified as {{NAME}}, on {{WEEKDAY}} after a break-in at {{ADDRESS_1L}}. {{TITLE}} {{NAME2}}, a spokesperson for the department, declined to comment.
~~~
{{NAME}} wurde am {{DOB}} in {{CITY}} geboren. Nach dem Studium arbeitete {{LN}} bei {{FIRM}} in {{CITY2}} und heiratete {{YEAR}} {{NAME2}}.
~~~
It was {{FIRST}}'s idea to drive to {{CITY}}. {{FIRST2}} said it was crazy, but by midnight they were past {{CITY2}}, the radio playing, {{FIRST}} asleep against the window.
~~~
{{TITLE}} {{NAME}} is a professor of economics at the University of {{CITY}}. Before joining academia, {{TITLE}} {{LN}} worked at {{FIRM}} and advised the government of {{COUNTRY}}.
~~~
The {{FIRM}} building on the waterfront opened in {{YEAR}}. Designed by the {{CITY}} studio {{FIRM2}}, it hosts exhibitions from {{COUNTRY}} and {{COUNTRY2}}. Admission is {{AMOUNT}}.
~~~
Our story began in {{YEAR}} when {{NAME}} and {{NAME2}} met at a trade fair in {{CITY}}. Together they opened the first {{FIRM}} store on the corner of {{CROSS}}.
~~~
{{NAME}} è nato a {{CITY}} il {{DOB}}. Laureato in ingegneria, ha lavorato per {{FIRM}} prima di fondare {{FIRM2}} nel {{YEAR}} insieme a {{NAME2}}.
~~~
"I never planned to stay," said {{NAME}}, who moved to {{CITY}} from {{COUNTRY}} in {{YEAR}}. {{FN}} now runs a café with her partner {{FIRST2}}, two doors down from the old {{FIRM}} offices.
~~~
According to court filings, {{NAME}} of {{CITY}} sued {{FIRM}} in {{YEAR}}, alleging that {{NAME2}}, then a regional manager, had fired her after she complained.
~~~
@@ resume
{{UNAME}}
{{ADDRESS_1L}} | {{PHONE}} | {{EMAIL}}

EXPERIENCE
{{JOB}}, {{FIRM}} - {{CITY}}    {{MONTH}} {{YEAR}} - Present
- Led the migration of {{PRODUCT}} to {{VERSION}}
{{JOB2}}, {{FIRM2}} - {{CITY2}}    {{YEAR2}} - {{YEAR3}}

EDUCATION
B.Sc., University of {{CITY3}}, {{YEAR4}}
~~~
Curriculum Vitae

Name: {{NAME}}
Date of birth: {{DOB}}
Nationality: {{NATIONALITY}}
Address: {{ADDRESS}}
Mobile: {{PHONE}}
E-mail: {{EMAIL}}

Work experience
{{YEAR}}-{{YEAR2}}  {{FIRM}}, {{CITY}} - {{JOB}}
~~~
{{NAME}}
{{JOB}}
{{EMAIL}} · {{PHONE}} · {{CITY}}, {{STATE}}

Summary
Engineer with {{NUM2}} years of experience at {{FIRM}} and {{FIRM2}}.
Skills: Python, SQL, {{PRODUCT}}
References available upon request.
~~~
Lebenslauf

Persönliche Daten
Name: {{NAME}}
Geburtsdatum: {{DOB}}
Anschrift: {{ADDRESS}}
Telefon: {{PHONE}}

Berufserfahrung
{{YEAR}} - heute: {{JOB}}, {{FIRM}}, {{CITY}}
~~~
REFERENCES
{{TITLE}} {{NAME}}, {{JOB}}, {{FIRM}} - {{PHONE}}
{{NAME2}}, Team Lead, {{FIRM2}} - {{EMAIL2}}
~~~
EXPERIENCE
Senior Engineer, {{FIRM}} ({{CITY}})  {{YEAR}}-{{YEAR2}}
- Cut cloud spend by {{NUM2}}%
- Shipped {{PRODUCT}} {{VERSION}}
Engineer, {{FIRM2}} ({{CITY2}})  {{YEAR3}}-{{YEAR}}
EDUCATION
University of {{CITY3}}, {{DEPT}} programme
~~~
{{NAME}} — {{JOB}}
{{PHONE}} • {{EMAIL}}

Profile: bilingual {{NATIONALITY}}/English professional based in {{CITY}}.
~~~
CV - {{NAME}}
Born: {{DOB}}, {{CITY}}
Contact: {{EMAIL}}

{{YEAR}}-now   {{JOB}} at {{FIRM}}
{{YEAR2}}-{{YEAR}}  Intern at {{FIRM2}}
~~~
CURRÍCULUM
Nombre: {{NAME}}
Fecha de nacimiento: {{DOB}}
Dirección: {{ADDRESS_1L}}
Teléfono: {{PHONE}}
Correo: {{EMAIL}}
Experiencia: {{JOB}} en {{FIRM}} ({{YEAR}}-{{YEAR2}})
~~~
# {{NAME}}

**Email:** {{EMAIL}}
**Phone:** {{PHONE}}
**Location:** {{CITY}}, {{COUNTRY}}

## Experience
### {{JOB}} @ {{FIRM}} ({{YEAR}}–present)
~~~
{{NAME}}
    {{ADDRESS}}
    {{PHONE}}

Objective: a position as {{JOB}} at a company like {{FIRM}}.
~~~
Applicant: {{NAME}} | DOB {{DOB}} | {{EMAIL}} | {{PHONE}}
Last employer: {{FIRM}} ({{CITY}}), {{JOB}}, left {{MONTH}} {{YEAR}}
~~~
CURRICULUM VITAE
{{NAME}}
Né(e) le {{DOB}} à {{CITY}}
{{ADDRESS}}
Tél. : {{PHONE}}
Courriel : {{EMAIL}}

EXPÉRIENCE
{{YEAR}}-{{YEAR2}} : {{JOB}}, {{FIRM}}
~~~
Skills
- Languages: English, German, Dutch
- Tools: {{PRODUCT}}, Git, Docker
Certifications
- Solutions Architect ({{YEAR}})
- Scrum Master, {{FIRM}} ({{YEAR2}})
~~~
{{NAME}}, {{JOB}}
Portfolio: {{DOMAIN}} | GitHub: {{USER}} | Tel: {{PHONE}}
~~~
PERSONAL DETAILS
Full name .......... {{NAME}}
Date of birth ...... {{DOB}}
Passport ........... {{PASSPORT}}
Driving licence .... {{DL}}
Home address ....... {{ADDRESS}}
~~~
@@ medical
PROGRESS NOTE
Patient: {{NAME}}   DOB: {{DOB}}   MRN: {{NUM}}
Date of service: {{DATE}}
Provider: Dr. {{NAME2}}

S: {{AGE}}-year-old presents with cough x {{NUM2}} days.
O: T 37.9, BP 128/82.
A: Acute bronchitis.
P: {{DRUG}} 500 mg, follow up in 1 week.
~~~
Dear {{TITLE}} {{LN2}},

Thank you for seeing {{NAME}} (DOB {{DOB}}), a {{AGE}}-year-old with worsening knee pain. Address: {{ADDRESS_1L}}. Phone: {{PHONE}}.

Kind regards,
Dr. {{NAME3}}
{{CITY}} Family Practice
~~~
Discharge summary
Name: {{NAME}}
Admitted: {{DATE}}  Discharged: {{DATE2}}
Diagnosis: community-acquired pneumonia
Medications: {{DRUG}}, {{DRUG2}}
Follow-up: Dr. {{LAST2}}, {{CITY}} General Hospital, {{PHONE}}
~~~
Rx
{{NAME}}  DOB {{DOB}}
{{ADDRESS}}

{{DRUG}} 10 mg tablets, #30, take one daily
Refills: 2

Dr. {{NAME2}}, DEA {{CODE}}
~~~
Clinic bulletin {{DATE}}
Flu shots available {{WEEKDAY}} at the {{CITY}} site. Note: {{DRUG}} is back in stock.
Status of the new wing: opening in {{MONTH}}.
~~~
Appointment reminder: {{FN}}, you are booked with Dr. {{LAST2}} on {{DATE}} at {{TIME}}, {{CITY}} Medical Center. Reply C to confirm or call {{PHONE}}.
~~~
Lab report
Patient ID: {{NUM}}
Name: {{NAME}}
Sex: {{SEX}}  Age: {{AGE}}
Collected: {{DATETIME}}
HbA1c: 6.1 %
Glucose: 104 mg/dL
Ordering physician: Dr. {{NAME2}}
~~~
Ärztlicher Befundbericht
Patient: {{NAME}}, geb. {{DOB}}
Anschrift: {{ADDRESS}}
Diagnose: Hypertonie
Therapie: {{DRUG}}
{{CITY}}, den {{DATE}}
Dr. med. {{NAME2}}
~~~
Triage note {{TIME}}: {{AGE}}yo female brought in by husband ({{NAME}}, {{PHONE}}). Allergies: penicillin. Insurance: {{FIRM}}, member id {{INSID}}.
~~~
INSURANCE CLAIM
Insured: {{NAME}}
SSN: {{SSN}}
Date of birth: {{DOB}}
Date of service: {{DATE}}
Provider: {{CITY}} Orthopedics, {{ADDRESS_1L}}
Amount billed: {{AMOUNT}}
~~~
Pt called re: side effects of {{DRUG}}. Spoke w/ {{NAME}}, callback {{PHONE}}. Advised to stop and see Dr. {{LAST}} on {{WEEKDAY}}.
~~~
Vaccination record
{{NAME}}, born {{DOB}}
- {{DATE}}  Tdap  lot {{SERIAL}}
- {{DATE2}}  Influenza  lot {{SERIAL2}}
Administered at {{FIRM}} Pharmacy, {{CITY}}
~~~
Protocol {{CODE}} amendment 3: inclusion criteria updated; sites in {{CITY}}, {{CITY2}} and {{COUNTRY}}. Sponsor: {{FIRM}}. Version {{VERSION}} effective {{DATE}}.
~~~
Referral
From: Dr. {{NAME}}, {{FIRM}} Clinic
To: Cardiology, {{CITY}} University Hospital
Re: {{NAME2}}, DOB {{DOB}}, tel {{PHONE}}
Reason: palpitations since {{MONTH}}.
~~~
Verwijsbrief
Patiënt: {{NAME}}
Geboortedatum: {{DOB}}
Adres: {{ADDRESS_1L}}
Telefoon: {{PHONE}}
Huisarts: dr. {{NAME2}}, {{CITY}}
~~~
Emergency contact for {{NAME}}: {{NAME2}} (spouse), {{PHONE}}, {{EMAIL}}
~~~
@@ sms
hey its {{FIRST}}, new number lol. save it
~~~
u there? send me ur addy for the invite

{{ADDRESS_1L}}. buzzer doesnt work just call {{PHONE}}
~~~
{{FIRM}}: Your verification code is {{NUM4}}. Do not share it. Msg&data rates may apply.
~~~
omw, tell {{FIRST}} to save me a seat
~~~
Reminder: {{FN}}, your appt w/ Dr {{LAST}} is {{WEEKDAY}} {{TIME}}. Reply Y to confirm
~~~
pls venmo me {{AMOUNT}} for the tix - {{FIRST}}
~~~
stuck in traffic near {{CITY}}, be there by {{TIME}}. sry!!
~~~
my bank details for the rent: {{IBAN}} (acc name {{NAME}}) thx
~~~
Hallo, hier ist {{FIRST}}. Meine neue Handynummer: {{PHONE}}. Lg
~~~
did {{FIRST}} ever pay u back? {{FIRST2}} says she didnt
~~~
ok so teh wifi pw is on the fridge and {{FIRST}}'s mom is picking up the kids at {{TIME}}, her cell is {{PHONE}}
~~~
Your {{FIRM}} order {{ORDER}} has shipped! Track it: {{TRACKING}}
~~~
hola {{FIRST}}! te paso el numero de {{NAME}}: {{PHONE}}
~~~
just landed in {{CITY}}!! call u later
~~~
this is {{NAME}} from the open house, still interested in {{STREET}}? call me {{PHONE}}
~~~
ciao {{FIRST}}, sono a {{CITY}} fino a {{WEEKDAY}}. mi scrivi a {{EMAIL}}?
~~~
@@ markup
<div class="contact">
  <h2>{{NAME}}</h2>
  <p>Email: <a href="mailto:{{EMAIL}}">{{EMAIL}}</a></p>
  <p>Phone: {{PHONE}}</p>
</div>
~~~
<tr><td>{{NAME}}</td><td>{{EMAIL}}</td><td>{{CITY}}</td><td>{{DATE}}</td></tr>
<tr><td>{{NAME2}}</td><td>{{EMAIL2}}</td><td>{{CITY2}}</td><td>{{DATE2}}</td></tr>
~~~
| Name | Role | Company |
|------|------|---------|
| {{NAME}} | {{JOB}} | {{FIRM}} |
| {{NAME2}} | {{JOB2}} | {{FIRM2}} |
~~~
<customer id="{{NUM}}">
  <name>{{NAME}}</name>
  <dob>{{DOB}}</dob>
  <ssn>{{SSN}}</ssn>
  <address>{{ADDRESS_1L}}</address>
</customer>
~~~
<footer>
  <p>&copy; {{YEAR}} {{FIRM}}. All rights reserved.</p>
  <a href="/status">Status</a> | <a href="/refund">Refund policy</a> | Version {{VERSION}}
</footer>
~~~
## Contact

- **Owner:** {{NAME}}
- **Email:** `{{EMAIL}}`
- **On-call phone:** {{PHONE}}
- **Server:** `{{IP}}`
~~~
<address>
  {{ADDRESS}}
</address>
~~~
<input type="hidden" name="cc" value="{{CC}}">
<input type="hidden" name="holder" value="{{NAME}}">
~~~
<p>Dear {{FIRST}},</p>
<p>Your booking <b>{{PNR}}</b> for {{DATE}} is confirmed. We look forward to welcoming you in {{CITY}}.</p>
<p>{{FIRM}} Hotels</p>
~~~
[{{NAME}}](mailto:{{EMAIL}}) reviewed the PR on {{DATE}} - see commit `{{HASH}}`.
~~~
<person>
  <given>{{FIRST}}</given>
  <family>{{LAST}}</family>
  <phone type="mobile">{{PHONE}}</phone>
  <iban>{{IBAN}}</iban>
</person>
~~~
> **Note:** questions go to {{NAME}} ({{EMAIL}}).

| Server | IP | Owner |
|---|---|---|
| {{HOST}} | {{IP}} | {{FIRST}} |
~~~
# Release notes {{VERSION}}

* Fixed refund rounding ({{TICKET}})
* Bot now replies in German
* Status page moved to {{DOMAIN}}

Thanks to the {{FIRM}} team.
~~~
<meta name="author" content="{{NAME}}">
<meta name="contact" content="{{EMAIL}}">
<title>{{PRODUCT}} - {{FIRM}}</title>
~~~
<div class="signature">{{NAME}}<br>{{JOB}}<br>{{FIRM}}<br>Tel. {{PHONE}}</div>
~~~
<ul>
  <li>Passport: {{PASSPORT}}</li>
  <li>Driver license: {{DL}}</li>
  <li>Born: {{DOB}}</li>
</ul>
~~~
@@ legal
THIS AGREEMENT is made on {{DATE}} between {{FIRM}}, a company registered in {{COUNTRY}} ("the Company"), and {{NAME}}, residing at {{ADDRESS_1L}} ("the Consultant").
~~~
AFFIDAVIT

I, {{NAME}}, of {{ADDRESS}}, being duly sworn, depose and say:

1. I was born on {{DOB}}.
2. My social security number is {{SSN}}.

______________________
{{NAME}}

Subscribed and sworn before me on {{DATE}}.
Notary Public: {{NAME2}}
~~~
LEASE AGREEMENT
Landlord: {{NAME}}
Tenant: {{NAME2}}
Premises: {{ADDRESS}}
Term: {{DATE}} to {{DATE2}}
Monthly rent: {{AMOUNT}}, payable to IBAN {{IBAN}}
~~~
IN WITNESS WHEREOF, the parties have executed this Agreement as of {{DATE}}.

{{FIRM}}
By: {{NAME}}
Title: {{JOB}}

{{FIRM2}}
By: {{NAME2}}
Title: Chief Executive Officer
~~~
Section 4.2 Termination. Either party may terminate this Agreement upon {{NUM2}} days' written notice. Note: Sections 6 through 9 survive termination. This Agreement is governed by the laws of {{COUNTRY}}.
~~~
POWER OF ATTORNEY

I, {{NAME}}, born {{DOB}}, hereby appoint {{NAME2}} of {{ADDRESS_1L}} as my attorney-in-fact.
~~~
Case No. {{CASENO}}
{{UNAME}}, Plaintiff,
v.
{{FIRM}}, Defendant.

COMPLAINT FOR DAMAGES
~~~
Kaufvertrag

zwischen {{NAME}}, wohnhaft {{ADDRESS_1L}} (Verkäufer)
und {{NAME2}}, geboren am {{DOB}} (Käufer)

Kaufpreis: {{AMOUNT}}, zahlbar auf {{IBAN}}.
~~~
NOTICE OF DEFAULT

To: {{NAME}}
    {{ADDRESS}}

You are in default under the loan agreement dated {{DATE}}. Contact our counsel, {{FIRM}}, at {{PHONE}}.
~~~
Witness statement of {{NAME}}, occupation {{JOB}}, address {{ADDRESS_1L}}. On {{DATE}} at about {{TIME}} I saw a car parked outside the {{FIRM}} offices.
~~~
Contrato de arrendamiento
Arrendador: {{NAME}}
Arrendatario: {{NAME2}}
Inmueble: {{ADDRESS_1L}}
Fecha: {{DATE}}
~~~
The Seller, {{FIRM}}, and the Buyer, {{NAME}} (email {{EMAIL}}), agree that delivery will be made to {{ADDRESS_1L}} no later than {{DATE}}.
~~~
WHEREAS {{FIRM}} ("Licensor") owns the {{PRODUCT}} software, version {{VERSION}}; and WHEREAS {{FIRM2}} ("Licensee") wishes to use it in {{COUNTRY}}; NOW, THEREFORE, the parties agree as follows.
~~~
Last Will and Testament of {{NAME}}

I leave my house at {{ADDRESS_1L}} to my daughter {{NAME2}}, and my savings account ({{IBAN}}) to my son {{NAME3}}.
~~~
Schedule A - Parties
1. {{NAME}}, date of birth {{DOB}}, passport no. {{PASSPORT}}
2. {{NAME2}}, date of birth {{DOB2}}, driver's license {{DL}}
~~~
Signed: ____________  {{NAME}}     Date: {{DATE}}
Witness: ____________  {{NAME2}}
~~~
@@ support
Call summary {{DATE}}
Caller: {{NAME}}
Callback number: {{PHONE}}
Issue: charged twice for order {{ORDER}}
Resolution: refund of {{AMOUNT}} issued
Agent: {{FIRST}}
~~~
Agent: Thank you for calling {{FIRM}}, my name is {{FIRST}}. How can I help?
Customer: Hi, I moved and need to update my address.
Agent: Sure. What's the new address?
Customer: {{ADDRESS_1L}}.
Agent: And can you verify your date of birth?
Customer: {{DOB}}.
~~~
Bot: Hi! I'm the {{FIRM}} assistant.
Bot: Status of your order {{ORDER}}: Out for delivery.
Bot: Refund requests take {{NUM2}} days.
Bot: Anything else? (yes/no)
~~~
Chat transcript {{TICKET}}
{{TIME}} Customer ({{EMAIL}}): my account is locked
{{TIME}} {{FIRST}} (Agent): I can help. Last 4 of your SSN?
{{TIME}} Customer: {{NUM4}}
{{TIME}} {{FIRST}} (Agent): Unlocked. Anything else?
~~~
Customer {{NAME}} ({{EMAIL}}) reports a login from unknown IP {{IP}} on {{DATE}}. Password reset sent. Escalated to Security ({{TICKET}}).
~~~
Caller: Yes hi, this is {{NAME}}, I'm calling about my mother's account, {{NAME2}}.
Rep: Are you listed as an authorized user?
Caller: I should be. My number is {{PHONE}}.
Rep: I see you here, {{TITLE}} {{LN}}.
~~~
Interaction notes: Spoke to cust. Verified w/ DOB {{DOB}} + zip {{ZIP}}. Updated phone to {{PHONE}}. Cust asked about {{PRODUCT}} upgrade, sent info to {{EMAIL}}. -{{FIRST}}
~~~
Agente: Buenas tardes, le atiende {{FIRST}}. ¿Me dice su nombre completo?
Cliente: {{NAME}}.
Agente: ¿Y el número de tarjeta?
Cliente: {{CC}}.
Agente: Gracias, ya está bloqueada.
~~~
Note: customer asked about refund eligibility for {{PRODUCT}}. Status: pending review. Bot handoff at {{TIME}}. Order {{ORDER}}, amount {{AMOUNT}}.
~~~
Agent {{FIRST}}: I've sent the return label to {{EMAIL}}.
Customer: it says it ships from {{ADDRESS_1L}}, is that right?
Agent {{FIRST}}: Yes, drop it at any {{FIRM}} store in {{CITY}}.
~~~
CASE SUMMARY
Customer: {{NAME}}
Account: {{INVOICE}}
Contact: {{PHONE}} / {{EMAIL}}
Problem: router {{PRODUCT}} drops the connection
Steps taken: firmware {{VERSION}}, factory reset
Next: technician visit on {{WEEKDAY}} to
  {{ADDRESS}}
~~~
{{FIRST}}: Hi {{FIRST2}}, thanks for waiting. I see the payment to {{IBAN}} bounced.
{{FIRST2}}: Weird, that's my account.
{{FIRST}}: Could you double-check the holder name?
{{FIRST2}}: It's {{NAME}}.
~~~
Voicemail transcript ({{DATETIME}}): Hi, this is {{NAME}}, um, calling about invoice {{INVOICE}}. You can reach me at {{PHONE}}. Thanks, bye.
~~~
Résumé d'appel
Client : {{NAME}}
Téléphone : {{PHONE}}
Motif : carte {{CC}} perdue
Action : carte bloquée, nouvelle carte envoyée au {{ADDRESS_1L}}
~~~
Customer wrote: "My name is {{NAME}} and I've been a customer since {{YEAR}}. I was told by {{FIRST}} on the phone that my refund would arrive by {{DATE}}."
Agent reply: Apologies, {{FN}} - processing it now.
~~~
Rep: Can I get the passport number on the booking?
Caller: {{PASSPORT}}
Rep: And the traveller's name exactly as printed?
Caller: {{UNAME}}
Rep: Perfect, you're all set for {{FLIGHT}} on {{DATE}}.
~~~
@@ article
Review: {{NAME}} live in {{CITY}}

I had not seen {{LN}} play since {{YEAR}}. The support set by {{NAME2}} dragged, but once {{LN}} walked on with {{LAST}} on drums and {{LAST2}} on bass the room woke up. The encore, an old {{LAST3}} song, was the highlight of the night. {{FIRST}} from the fan club says the tour reaches {{CITY2}} in {{MONTH}}.
~~~
Minutes - {{DEPT}} sync, {{DATE}}
Present: {{LAST}}, {{LAST2}}, {{LAST3}} (chair), {{FIRST}}
Apologies: {{NAME}}

1. Budget: {{LAST2}} reported spend of {{AMOUNT}} against plan; {{LAST}} to check the {{FIRM}} invoice.
2. Hiring: two offers out. {{LAST3}} asked whether the {{CITY}} role can be remote.
Actions: {{LAST}} - revised forecast by {{WEEKDAY}}. {{FIRST}} - book the room for {{MONTH}}.
~~~
{{CITY}} 2-1 {{CITY2}}

{{LAST}} opened the scoring after {{NUM2}} minutes, heading in a cross from {{NAME}}. {{LAST2}} equalised before the break, but the substitute {{NAME3}} won it late on. "{{LN3}} has been brilliant all season," said the coach, {{NAME2}}. {{LAST}} limped off with a knee injury and misses {{WEEKDAY}}'s game.
~~~
2 Related work

Sparse dictionary methods were popularised by {{LAST}} and {{LAST2}} ({{YEAR}}) and later scaled up by {{LAST3}} et al. ({{YEAR2}}). Unlike {{LAST}}'s formulation, ours needs no warm start. {{LAST4}} ({{YEAR3}}) reports similar gains on {{PRODUCT}}.

Acknowledgements. We thank {{NAME}} for comments on an early draft, {{FIRST}} for help with the experiments and the {{FIRM}} lab in {{CITY}} for compute.
~~~
Unlike the earlier {{LAST}} novels, this one is set in {{CITY}} and moves fast. Fans of {{LAST2}} will recognise the tone; is there a better example of restraint than late {{LAST}}? The translation by {{NAME}} is excellent. Four stars.
Posted by {{USER}} on {{DATE}}
~~~
{{FIRM}} said on {{WEEKDAY}} that the film, directed by {{NAME}} and starring {{LAST}} and {{NAME2}}, opens in {{COUNTRY}} in {{MONTH}}. {{LN}}'s previous film took {{AMOUNT}} in its first weekend; {{LAST}} was not available for comment.
~~~
Re: best {{PRODUCT}} setup?

> {{USER}} wrote:
> ask {{FIRST}}, she knows this stuff

Honestly the {{LAST}} method works fine for us. {{FIRST2}} and I tried it in {{YEAR}} and never looked back. Thanks {{USER2}}!
~~~
"We will appeal," {{LAST}} told reporters outside the {{CITY}} court on {{WEEKDAY}}. Her lawyer, {{NAME}}, declined to comment. {{LAST2}}, a spokesperson for {{FIRM}}, said the company "respects the decision". {{LN}} had sued {{LAST2}}'s employer in {{YEAR}}.
~~~
Tonight on {{CITY}} Radio: "Highway to Hell", "The Big Three Killed My Baby", "Blue Monday", "Paint It Black" and the new single from Golden Earring. Request line opens at {{TIME}}. Tickets for the Summer Jam in {{CITY2}} go on sale {{WEEKDAY}}.
~~~
Starting line-up: {{LAST}}; {{LAST2}}, {{LAST3}}, {{LAST4}}, {{LAST5}}; {{LAST6}}, {{LAST7}}. Bench: {{NAME}}, {{NAME2}}.
Captain {{LAST3}} returns after {{NUM2}} weeks out. Kick-off {{TIME}} at the {{CITY}} Stadium.
~~~
{{CITY}}: Die Stadtverwaltung hat am {{WEEKDAY}} bekannt gegeben, dass die Brücke über den Fluss bis {{MONTH}} gesperrt bleibt. Bürgermeisterin {{NAME}} sagte, die Sanierung koste {{AMOUNT}}. Kritik kam von {{LAST}}, dem Sprecher der Opposition: "{{LN}} hat die Anwohner nicht informiert."
~~~
Según {{LAST}}, el Ayuntamiento de {{CITY}} aprobó el presupuesto el {{DATE}}. La concejala {{NAME}} votó en contra. "No es el plan que prometimos", dijo {{LN}}. El alcalde, {{NAME2}}, defendió la Propuesta de Movilidad Urbana.
~~~
Congratulations to {{FIRST}} and {{FIRST2}}, who were married in {{CITY}} on {{DATE}}! The {{LAST}} family thanks everyone who came, and especially {{NAME}} for the photos. Uncle {{FIRST3}}, we found your hat.
~~~
Interview transcript ({{DATE}})
Q: When did you start?
{{ULAST}}: In {{YEAR}}, with {{LAST2}}. We had {{AMOUNT}} and a van.
Q: And {{LAST2}} left when?
{{ULAST}}: After the {{CITY}} tour. {{FIRST}} replaced her.
~~~
The true authorship of the letters has been debated for years. {{LAST}} argued they were forged; {{LAST2}} and {{LAST3}} disagreed. The {{NATIONALITY}} edition, translated by {{NAME}}, follows {{LAST2}}'s reading.
~~~
Annual Report {{YEAR}} - Chair's Statement
Revenue grew {{NUM2}}% in {{REGION}}. Our Board welcomed {{NAME}} as Non-Executive Director; {{LN}} succeeds {{NAME2}}, to whom we owe Thanks for Nine Years of Service. Outlook: Cautious.
~~~
@@ foreign
Bewerbung als {{JOB}}

Sehr geehrte Damen und Herren,
mit großem Interesse habe ich Ihre Anzeige gelesen. Meine Unterlagen (Zeugnisse, Referenzen) liegen bei.
Anschrift: {{ADDRESS_1L}}
Telefon: {{PHONE}}
Mit freundlichen Grüßen
{{NAME}}
~~~
Solicitud de Reembolso n.º {{ORDER}}
Cliente: {{NAME}}
Correo Electrónico: {{EMAIL}}
Motivo: Producto Defectuoso
Estado: Pendiente de Revisión
Atención al Cliente - {{FIRM}}
~~~
Conseiller : Bonjour, Service Client {{FIRM}}, que puis-je faire pour vous ?
Client : Ma carte a été refusée. Je m'appelle {{NAME}}.
Conseiller : Pouvez-vous confirmer votre date de naissance ?
Client : Le {{DOB}}.
Conseiller : Merci, Madame {{LN}}. Votre Demande est Enregistrée.
~~~
Verbale di Riunione - {{DATE}}
Presenti: {{NAME}}, {{NAME2}}
Ordine del Giorno: Bilancio, Assunzioni, Varie ed Eventuali
Decisione: il Consiglio approva. Prossima Riunione a {{CITY}}.
~~~
Klant: Goedemiddag, ik bel over mijn Bestelling {{ORDER}}.
Medewerker: Natuurlijk. Wat is uw Naam?
Klant: {{NAME}}, en mijn Postcode is {{ZIP}}.
Medewerker: Dank u. Het Pakket wordt {{WEEKDAY}} bezorgd op {{ADDRESS_1L}}.
~~~
Ficha do Cliente
Nome Completo: {{NAME}}
Data de Nascimento: {{DOB}}
Morada: {{ADDRESS_1L}}
Observações: Cliente Preferencial desde {{YEAR}}. Atendimento por {{FIRST}}.
~~~
Anmeldung zur Fortbildung "Datenschutz im Unternehmen"
Teilnehmer: {{NAME}}
Abteilung: {{DEPT}}
Geburtsdatum: {{DOB}}
Hinweis: Die Teilnahmebestätigung wird per E-Mail an {{EMAIL}} versendet.
~~~
Agente: Buenas tardes, Soporte Técnico. ¿En qué puedo ayudarle?
Usuario: No puedo entrar. Desde la IP {{IP}} me sale un Error.
Agente: ¿Me confirma su Nombre?
Usuario: {{NAME}}.
Agente: Gracias, {{FN}}. Le enviamos un Enlace a {{EMAIL}}.
~~~
Avis de Passage
Le Facteur est passé le {{DATE}}. Destinataire : {{NAME}}
Adresse : {{ADDRESS_1L}}
Votre Colis est disponible au Bureau de Poste de {{CITY}}.
~~~
Rechnung Nr. {{INVOICE}}
Leistungszeitraum: {{MONTH}} {{YEAR}}
Kunde: {{NAME}}, {{ADDRESS_1L}}
Zahlbar innerhalb von 14 Tagen auf IBAN {{IBAN}}. Bei Rückfragen: {{PHONE}}
~~~
Curriculum Vitae
Dati Personali
Nome: {{NAME}}
Nata il: {{DOB}}
Esperienza: {{JOB}} presso {{FIRM}}, {{CITY}}
Lingue: Italiano, Inglese, Tedesco
~~~
Assunto: Reclamação {{TICKET}}
Exmos. Senhores,
Venho por este meio apresentar Reclamação. O Técnico {{NAME}} não compareceu no dia {{DATE}}.
Contacto: {{PHONE}}
Com os melhores cumprimentos,
{{NAME2}}
~~~
Protokoll der Mitgliederversammlung
Ort: {{CITY}}, Datum: {{DATE}}
Versammlungsleiter: {{NAME}}
Protokollführer: {{NAME2}}
Beschluss: Der Vorstand wird entlastet. Kassenbericht durch {{LAST}}.
~~~
Mesa de Ayuda - Ticket {{TICKET}}
Solicitante: {{NAME}} ({{EMAIL}})
Prioridad: Alta
Descripción: el Servidor {{IP}} no responde desde las {{TIME}}.
Asignado a: {{FIRST}}
~~~
Objet : Résiliation du Contrat {{POLICY}}
Madame, Monsieur,
Je soussignée {{NAME}}, demeurant {{ADDRESS_1L}}, vous informe de la Résiliation de mon Contrat.
Fait à {{CITY}}, le {{DATE}}
~~~
Zgłoszenie Reklamacyjne
Klient: {{NAME}}
Telefon: {{PHONE}}
Opis: Uszkodzona Przesyłka, Numer Zamówienia {{ORDER}}
Status: Przyjęte
~~~
@@ form
Billing address: {{NAME}}
    {{ADDRESS}}
Payment: card ending {{NUM4}}   Order {{ORDER}}
~~~
{{NAME}}

{{ADDRESS}}
~~~
SHIP TO:
{{UNAME}}
{{ADDRESS}}
Tracking: {{TRACKING}}
~~~
Delivery address: {{NAME}}, {{ADDRESS_1L}}
Invoice address: same as delivery
~~~
"""


def _parse_extra(block: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    kind = None
    buf: list[str] = []
    for line in block.split("\n"):
        if line.startswith("@@ "):
            kind = line[3:].strip()
            out.setdefault(kind, [])
            buf = []
        elif line == "~~~":
            assert kind is not None, "template before any '@@ kind' line"
            out[kind].append("\n".join(buf).strip("\n"))
            buf = []
        elif kind is not None:
            buf.append(line)
    return out


def _all_raw_templates() -> dict[str, list[str]]:
    merged = {kind: list(texts) for kind, texts in _RAW_TEMPLATES.items()}
    for kind, texts in _parse_extra(_EXTRA_TEMPLATES).items():
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


# fmt: off
_NICKNAMES = ["Bob", "Bobby", "Liz", "Beth", "Jim", "Jimmy", "Kate", "Katie", "Mike", "Tom", "Tony", "Randy", "Megan",
              "Sam", "Alex", "Chris", "Danny", "Becky", "Sandy", "Bill", "Ted", "Nick", "Maggie", "Jen", "Steve", "Sue",
              "Pat", "Rob", "Andy", "Ken", "Nate", "Dani", "Lupe", "Paco", "Pepe", "Nacho", "Sasha", "Gigi", "Fritz",
              "Jo", "Teddy", "Sunny", "Mo", "Abby", "Frankie", "Billie", "Charlie", "Nico", "Lulu", "Toni"]
_APOSTROPHE_LAST = ["O'Brien", "O'Connor", "O'Neill", "O'Sullivan", "D'Souza", "D'Amico", "D'Angelo", "N'Diaye",
                    "O'Hara", "Dell'Olio", "D'Costa", "O'Reilly", "McCarthy", "MacDonald", "Fitzgerald", "D'Arcy",
                    "O'Malley", "Dall'Ara", "L'Estrange", "M'Bala"]
_PARTICLES = ["van der", "van den", "van", "de", "de la", "del", "von", "von der", "di", "da", "dos", "ter", "le",
              "al-", "el-", "Abu", "Ben", "De", "Van", "la"]
_EXTRA_FIRST = ["Mohammed", "Fatima", "Ahmed", "Aisha", "Omar", "Layla", "Yusuf", "Khadija", "Hassan", "Noor",
                "Siobhan", "Niamh", "Tadhg", "Oluwaseun", "Chidi", "Ngozi", "Thandiwe", "Kwame", "Priya", "Arjun"]
_EXTRA_LAST = ["Al-Farsi", "Haddad", "Khalil", "Mansour", "Nasser", "Rahman", "Aziz", "Saleh", "Ó Briain",
               "Mac Giolla", "Okonkwo", "Adeyemi", "Mensah", "Dlamini", "Nkosi", "Chaudhry", "Iyer", "Van Dyk"]
_INTL_PHONES = [
    "+44 20 DDDD DDDD", "+44 (0)20 DDDD DDDD", "0044 20 DDDD DDDD", "+44 7DDD DDDDDD", "020 DDDD DDDD", "07DDD DDDDDD",
    "+49 30 DDDDDDD", "+49 (0)89 DDDDDDDD", "0049 171 DDDDDDD", "+49 151 DDDD DDDD", "030 DDDDDDDD", "0171/DDDDDDD",
    "+33 1 DD DD DD DD", "+33 6 DD DD DD DD", "06 DD DD DD DD", "+34 6DD DDD DDD", "+34 91 DDD DD DD",
    "+39 06 DDDD DDDD", "+39 3DD DDD DDDD", "+31 20 DDD DDDD", "+31 6 DDDDDDDD", "+31 (0)6-DDDDDDDD",
    "+91 9DDDD DDDDD", "+91-DDDDDDDDDD", "+61 2 DDDD DDDD", "+61 4DD DDD DDD", "+353 1 DDD DDDD", "+353 8D DDD DDDD",
    "+41 44 DDD DD DD", "+48 22 DDD DD DD", "+55 11 9DDDD-DDDD", "+52 55 DDDD DDDD", "+81 3-DDDD-DDDD",
    "+27 21 DDD DDDD", "+234 80D DDD DDDD", "+254 7DD DDD DDD", "+1 (DDD) DDD-DDDD", "+1.DDD.DDD.DDDD",
    "+43 1 DDDDDDD", "+32 2 DDD DD DD", "+45 DD DD DD DD", "+46 8 DDD DDD DD", "+47 DDD DD DDD",
    # National formats written without the country code, as people write them at home: grouped in
    # pairs with dots or dashes, 8 digits in two blocks, 6-digit local numbers ("33 93 31").
    "0D.DD.DD.DD.DD", "DD-DD-DD-DD", "DD DD DD DD", "DDDD DDDD", "DDD DD DDD", "DD DD DD", "0DD DDD DD DD",
    "0DDD DDDDDDD", "(0DD) DDD-DDD", "+852 DDDD DDDD", "+65 DDDD DDDD", "+972-5D-DDD-DDDD", "+20 1DD DDD DDDD",
    "+86 1DD DDDD DDDD", "+7 9DD DDD-DD-DD", "+90 5DD DDD DD DD", "+62 8DD-DDDD-DDDD", "+63 9DD DDD DDDD",
]
# Faker locales whose phone_number() has its own national formats (the rest fall back to en_US's),
# so phones come in the shapes of ~60 countries, not just those of the address locales.
PHONE_LOCALES = {
    "en_US": 12, "en_GB": 3, "en_CA": 2, "en_AU": 2, "en_IN": 2, "en_NZ": 1, "de_DE": 2, "de_AT": 1, "de_CH": 1,
    "fr_FR": 2, "fr_CH": 1, "es_ES": 2, "es_MX": 1, "es_AR": 1, "es_CL": 1, "es_CO": 1, "it_IT": 2, "pt_PT": 1,
    "pt_BR": 2, "nl_NL": 1, "nl_BE": 1, "pl_PL": 1, "cs_CZ": 1, "sk_SK": 1, "hu_HU": 1, "ro_RO": 1, "bg_BG": 1,
    "hr_HR": 1, "sl_SI": 1, "bs_BA": 1, "mk_MK": 1, "el_GR": 1, "da_DK": 1, "sv_SE": 1, "no_NO": 1, "fi_FI": 1,
    "lt_LT": 1, "lv_LV": 1, "de_LU": 1, "de_LI": 1, "ru_RU": 1, "uk_UA": 1, "tr_TR": 1, "he_IL": 1, "fa_IR": 1,
    "ar_DZ": 1, "ar_JO": 1, "ar_PS": 1, "az_AZ": 1, "ka_GE": 1, "hy_AM": 1, "uz_UZ": 1, "am_ET": 1, "tw_GH": 1,
    "ne_NP": 1, "id_ID": 1, "vi_VN": 1, "th_TH": 1, "zh_CN": 1, "zh_TW": 1, "ja_JP": 1, "ko_KR": 1,
}
_UNIT_LINES = ["Apt {n}", "Apt. {n}B", "Suite {n}", "Flat {n}", "Unit {n}", "Studio {n}", "Building C, Floor {n}",
               "Room {n}", "PO Box {n}", "Wohnung {n}", "Piso {n}", "Appartement {n}"]
_ADDRESS_COUNTRIES = {
    "en_US": ["USA", "United States", "U.S.A.", "US"], "en_GB": ["UK", "United Kingdom", "England"],
    "en_CA": ["Canada"], "en_AU": ["Australia"], "de_DE": ["Germany", "Deutschland", "DE"],
    "fr_FR": ["France"], "es_ES": ["Spain", "España"], "it_IT": ["Italy", "Italia"], "nl_NL": ["Netherlands", "Nederland"],
    "pt_PT": ["Portugal"], "pl_PL": ["Poland", "Polska"], "fi_FI": ["Finland", "Suomi"], "da_DK": ["Denmark", "Danmark"],
    "en_IN": ["India"], "id_ID": ["Indonesia"], "en_NZ": ["New Zealand", "NZ"],
}
# Companies that read like surnames or people: the PERSON confusers a probe most often gets wrong.
_FIRMS = ["Berkery Noyes", "Smith & Wesson", "Johnson Controls", "Goldman Sachs", "Morgan Stanley", "Ernst & Young",
          "Procter & Gamble", "Johnson & Johnson", "Marks & Spencer", "Hewlett-Packard", "Dow Jones", "Baker McKenzie",
          "Ford", "Bosch", "Siemens", "Philips", "Ferrero", "Barclays", "Lloyds", "Sainsbury's", "McKinsey", "Deloitte",
          "Dell", "Wells Fargo", "Charles Schwab", "Tiffany & Co.", "Harley-Davidson", "Rolls-Royce", "Boehringer Ingelheim",
          "Van Lanschot", "De Beers", "Abt Associates", "Clifford Chance", "Freshfields", "Allen & Overy",
          "Skadden Arps", "Merrill Lynch", "Edward Jones", "Raymond James", "Ben & Jerry's", "Dolce & Gabbana",
          "Louis Vuitton", "Hugo Boss", "Ralph Lauren", "Tommy Hilfiger", "Calvin Klein", "Martha Stewart Living",
          "Wendy's", "McDonald's", "Papa John's", "Dr. Oetker", "Tchibo", "Lidl", "Aldi", "Carrefour", "Zara"]
_REAL_CITIES = ["London", "Paris", "Berlin", "Madrid", "Rome", "Amsterdam", "Lisbon", "Dublin", "Vienna", "Zurich",
                "Munich", "Lyon", "Milan", "Barcelona", "Toronto", "Chicago", "Boston", "Austin", "Seattle", "Denver",
                "Sydney", "Melbourne", "Auckland", "Nairobi", "Lagos", "Accra", "Mumbai", "Bangalore", "Singapore",
                "Manila", "Jakarta", "São Paulo", "Mexico City", "Bogotá", "Lima", "Istanbul", "Warsaw", "Prague",
                "Budapest", "Helsinki", "Oslo", "Stockholm", "Copenhagen", "Brussels", "Rotterdam", "Hamburg",
                "Cologne", "Florence", "Naples", "Seville", "Valencia", "Porto", "Kraków", "Cape Town", "Johannesburg",
                "Charlotte", "Jackson", "Lincoln", "Madison", "Victoria", "Eugene", "Lafayette", "Chester", "Clifton",
                "Tyler", "Florence", "Marion", "Shelby", "Savannah"]
_DRUGS = ["Metformin", "Lisinopril", "Amoxicillin", "Atorvastatin", "Ibuprofen", "Omeprazole", "Sertraline",
          "Levothyroxine", "Amlodipine", "Prednisone", "Ramipril", "Salbutamol", "Paracetamol", "Warfarin"]
_NATIONALITIES = ["American", "British", "German", "French", "Spanish", "Italian", "Dutch", "Nigerian", "Kenyan",
                  "Brazilian", "Mexican", "Indian", "Canadian", "Australian", "Irish", "Polish", "Swedish", "Turkish",
                  "Ghanaian", "Filipino", "Portuguese", "Belgian", "Austrian", "Swiss"]
_PRODUCTS = ["billing", "search", "mobile app", "data platform", "checkout", "Atlas", "Nimbus", "Orion", "Helix",
             "Falcon", "Jasper", "Quinn", "Sierra", "Phoenix", "Mercury", "Iris", "Juniper", "Aurora", "Kepler",
             "Office 365", "Salesforce", "Jira", "SAP", "Photoshop", "iPhone 15", "Galaxy S24", "ThinkPad X1"]
# fmt: on


def _sort_set_built_lists(f: Faker) -> None:
    """Faker's it_IT address provider builds its city list from a set, so the list's order (and
    the cities a seed draws) changes with PYTHONHASHSEED; sorted, a seed gives the same documents
    in every process."""
    for provider in f.get_providers():
        cities = getattr(type(provider), "cities", None)
        if type(provider).__module__.endswith(".it_IT") and isinstance(cities, list):
            cities.sort()


class ValueMaker:
    """Fills slots. One instance per generator; every choice flows from one seeded RNG."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self._name_faker: Faker | None = None
        self._fakers: dict[str, Faker] = {}
        self.seed = seed

    def faker(self, locale: str) -> Faker:
        if locale not in self._fakers:
            f = Faker(locale)
            f.seed_instance(self.seed * 7919 + len(self._fakers))
            _sort_set_built_lists(f)
            self._fakers[locale] = f
        return self._fakers[locale]

    # --- names ---------------------------------------------------------------------------------
    def _name_parts(self) -> tuple[str, str]:
        r = self.rng.random()
        if r < 0.03:
            self._name_faker = self.faker("en_GB")
            return self.rng.choice(_EXTRA_FIRST), self.rng.choice(_EXTRA_LAST)
        f = self._name_faker = self.faker(_weighted(self.rng, NAME_LOCALES))
        first = f.first_name()
        last = f.last_name()
        r = self.rng.random()
        if r < 0.06:
            last = self.rng.choice(_APOSTROPHE_LAST)
        elif r < 0.13:
            particle = self.rng.choice(_PARTICLES)
            last = f"{particle}{last}" if particle.endswith("-") else f"{particle} {last}"
        return first, last

    def _case_mode(self) -> str:
        r = self.rng.random()
        return "lower" if r < 0.08 else "upper" if r < 0.12 else "keep"

    @staticmethod
    def _apply_case(s: str, mode: str) -> str:
        return s.lower() if mode == "lower" else s.upper() if mode == "upper" else s

    def _case(self, s: str) -> str:
        return self._apply_case(s, self._case_mode())

    def first(self) -> str:
        if self.rng.random() < 0.08:
            return self._case(self.rng.choice(_NICKNAMES))
        return self._case(self._name_parts()[0])

    def last(self) -> str:
        return self._case(self._name_parts()[1])

    def name_with_parts(self) -> tuple[str, str, str]:
        """A full name and the (first, last) parts it is built from, in the same letter case, so
        templates can refer back to "Ms. {last}" or "Dear {first}" (slots FN / LN)."""
        first, last = self._name_parts()
        r = self.rng.random()
        if r < 0.52:
            s = f"{first} {last}"
        elif r < 0.63:
            s = f"{first} {self.rng.choice(string.ascii_uppercase)}. {last}"
        elif r < 0.70:
            s = f"{last}, {first}"
        elif r < 0.80:
            f = self._name_faker  # middle name / second surname from the same culture
            s = f"{first} {last}-{f.last_name()}" if self.rng.random() < 0.4 else f"{first} {f.first_name()} {last}"
        elif r < 0.85:
            s = f"{first[0]}. {last}"
        elif r < 0.89:
            s = f"{first} {self.rng.choice(string.ascii_uppercase)} {last}"
        elif r < 0.93:
            s = f'{first} "{self.rng.choice(_NICKNAMES)}" {last}'
        elif r < 0.96:
            father = self.rng.choice(_EXTRA_FIRST[:10]) if self.rng.random() < 0.6 else self._name_faker.first_name()
            link = self.rng.choice(["bin", "binti", "ibn", "bint"])
            s, last = f"{first} {link} {father}", f"{link} {father}"
        else:
            s = f"{first} {self.rng.choice(string.ascii_uppercase)}. {self.rng.choice(string.ascii_uppercase)}. {last}"
        mode = self._case_mode()
        return self._apply_case(s, mode), self._apply_case(first, mode), self._apply_case(last, mode)

    def name(self) -> str:
        return self.name_with_parts()[0]

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
        if r < 0.4:
            a, b, c = self.rng.randint(201, 989), self.rng.randint(200, 999), self.rng.randint(0, 9999)
            fmt = self.rng.choice(["({a}) {b}-{c:04d}", "{a}-{b}-{c:04d}", "{a}.{b}.{c:04d}", "+1 {a} {b} {c:04d}",
                                   "+1-{a}-{b}-{c:04d}", "1 ({a}) {b}-{c:04d}", "({a}) {b}-{c:04d} ext. 12",
                                   "{a} {b} {c:04d}"])
            s = fmt.format(a=a, b=b, c=c)
        elif r < 0.7:
            pattern = self.rng.choice(_INTL_PHONES)
            s = "".join(str(self.rng.randint(0, 9)) if ch == "D" else ch for ch in pattern)
        else:
            s = self.faker(_weighted(self.rng, PHONE_LOCALES)).phone_number()
        if self.rng.random() < 0.06:
            s += self.rng.choice([" ext. ", " x", " ext ", " (ext. ", " Durchwahl "]) + str(self.rng.randint(2, 4999))
            if "(ext" in s:
                s += ")"
        return s

    def _address_lines(self) -> list[str]:
        locale = _weighted(self.rng, ADDRESS_LOCALES)
        f = self.faker(locale)
        if locale == "en_US" and self.rng.random() < 0.9:  # Faker's en_US mixes in military APO/FPO boxes
            lines = [f.street_address(), f"{f.city()}, {f.state_abbr()} {f.postcode()}"]
        else:
            lines = [part.strip() for part in f.address().split("\n") if part.strip()]
        r = self.rng.random()
        if r < 0.12:  # a unit / building line of its own
            lines.insert(0 if self.rng.random() < 0.5 else 1, self.rng.choice(_UNIT_LINES).format(n=self.rng.randint(1, 250)))
        if self.rng.random() < 0.18:
            lines.append(self.rng.choice(_ADDRESS_COUNTRIES.get(locale, ["USA"])))
        return lines

    def address(self, one_line: bool | None = None) -> str:
        lines = self._address_lines()
        if one_line is None:
            one_line = self.rng.random() < 0.55
        if not one_line:
            return "\n".join(lines)
        if self.rng.random() < 0.08:
            return " ".join(lines)
        return ", ".join(lines)

    def street(self) -> str:
        return self.faker(_weighted(self.rng, ADDRESS_LOCALES)).street_address()

    def cross_streets(self) -> str:
        f = self.faker(self.rng.choice(["en_US", "en_US", "en_GB", "en_CA", "en_AU"]))
        a, b = f.street_name(), f.street_name()
        if self.rng.random() < 0.3:
            b = self.rng.choice(["Main St", "1st Avenue", "5th Ave", "Broadway", "High Street", "Market Street",
                                 f"{self.rng.randint(2, 99)}th Street"])
        return f"{a} {self.rng.choice(['and', 'and', '&', '/'])} {b}"

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
        # Children too (school forms, paediatrics): with adults only, "7 June 2016" was no birth date
        # to the probe. Other dates (2012-2027) overlap: the context must tell them apart.
        return self._date(1925, 2023)

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
            "FIRM": self.firm,
            "CITY": lambda: r.choice(_REAL_CITIES) if r.random() < 0.3 else f.city(),
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
            "PRODUCT": lambda: r.choice(_PRODUCTS),
            "TITLE": lambda: r.choice(["Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Mr", "Ms", "Dr", "Miss", "Mx.", "Sir",
                                       "Rev.", "Capt.", "Judge", "Professor", "Officer", "Coach", "Sen."]),
            "WEEKDAY": lambda: r.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
                                         "Mon", "Tue", "Wed", "Thu", "Fri", "monday", "friday", "next Tuesday"]),
            "AGE": lambda: str(r.randint(18, 94)),
            "SEX": lambda: r.choice(["F", "M", "Female", "Male", "female", "male", "W"]),
            "YEAR": lambda: str(r.randint(1962, 2026)),
            "REGION": lambda: r.choice(["eu-west-1", "us-east-2", "ap-southeast-1", "EMEA", "APAC", "North America",
                                        "LATAM", "Nordics", "DACH", "Benelux", "Midwest", "Northern Europe"]),
            "SERIAL": lambda: r.choice([f"SN{r.randint(10**7, 10**8 - 1)}", f"{f.lexify('????').upper()}{r.randint(1000, 9999)}",
                                        f"{r.randint(100, 999)}-{r.randint(1000, 9999)}-{f.lexify('??').upper()}"]),
            "PNR": lambda: "".join(r.choice(string.ascii_uppercase + "23456789") for _ in range(6)),
            "POLICY": lambda: r.choice([f"POL-{r.randint(10**6, 10**7 - 1)}", f"{f.lexify('??').upper()}{r.randint(10**7, 10**8 - 1)}"]),
            "INSID": lambda: f"{f.lexify('???').upper()}{r.randint(10**8, 10**9 - 1)}",
            "CODE": lambda: f"{f.lexify('??').upper()}{r.randint(10**6, 10**7 - 1)}",
            "CASENO": lambda: r.choice([f"{r.randint(1, 3)}:{r.randint(18, 26)}-cv-{r.randint(10000, 99999)}",
                                        f"C-{r.randint(100, 999)}/{r.randint(18, 26)}", f"CV{r.randint(2019, 2026)}-{r.randint(1000, 9999)}"]),
            "BROWSER": lambda: r.choice(["Chrome 124", "Firefox 126", "Safari 17.4", "Edge 123", "Android 14 WebView"]),
            "DRUG": lambda: r.choice(_DRUGS),
            "STATUS": lambda: r.choice(["Open", "Closed", "Pending", "Refunded", "Shipped", "Active", "On hold", "Resolved"]),
            "NATIONALITY": lambda: r.choice(_NATIONALITIES),
            "JOB": lambda: self.faker("en_US").job(),
            "DEPT": lambda: r.choice(["Finance", "Engineering", "Sales", "Legal", "Support", "HR", "Marketing",
                                      "Operations", "Procurement", "Customer Care"]),
            "FLIGHT": lambda: f"{f.lexify('??').upper()}{r.randint(10, 9999)}",
            "ADDRESS_1L": lambda: self.address(one_line=True),
        }
        base = slot if slot in makers else re.sub(r"\d+$", "", slot)  # NUM2/NUM4 are makers of their own
        if base not in makers:
            raise KeyError(f"template slot {{{{{slot}}}}} has no value maker")
        return makers[base]()

    def firm(self) -> str:
        r = self.rng
        if r.random() < 0.4:
            return r.choice(_FIRMS)
        f = self.faker(_weighted(r, NAME_LOCALES if r.random() < 0.3 else {"en_US": 3, "en_GB": 1, "de_DE": 1}))
        a, b = f.last_name(), f.last_name()
        return r.choice([f"{a} {b}", f"{a} & {b}", f"{a} Controls", f"{a} & Sons", f"{a} Brothers", f"{a}, {b} and {f.last_name()}",
                         f"{a} Holdings", f"{a} {b} LLP", f"{a} GmbH", f"{a} & Partners", f"{a} Group", f"{a} Ltd",
                         f"{a}{r.choice(['son', 'ton', 'ware', 'tech'])}", f"{a} Realty", f"{a} Foods", f"{a} Bank"])

    def slot_value(self, slot: str, memo: dict[str, str] | None = None) -> str:
        """The value for one template slot. With `memo` (one per document), a slot name used twice in a
        template gets the same value (a speaker keeps their name), FN{k}/LN{k} are the first/last name
        of NAME{k}, and a U prefix (UFIRST, UNAME, ULN2...) is the upper-cased value of the slot after it."""
        if memo is not None and slot in memo:
            return memo[slot]
        ref = _REF.match(slot)
        base = re.sub(r"\d+$", "", slot)
        if ref and ref.group(1):
            value = self.slot_value(slot[1:], memo).upper()
        elif ref and ref.group(2) in ("FN", "LN"):
            k = ref.group(3)
            full, first, last = self.name_with_parts()
            if memo is not None:
                memo.setdefault(f"NAME{k}", full)
                memo[f"FN{k}"], memo[f"LN{k}"] = first, last
            value = first if ref.group(2) == "FN" else last
        elif base == "NAME":
            value, first, last = self.name_with_parts()
            if memo is not None:
                k = slot[len("NAME"):]
                memo.setdefault(f"FN{k}", first)
                memo.setdefault(f"LN{k}", last)
        elif base == "ADDRESS_1L":
            value = self.address(one_line=True)
        elif _slot_label(slot) is not None:
            value = self.pii(slot)
        else:
            value = self.confuser(slot)
        value = value.strip()  # some Faker locales pad their values
        if memo is not None and base not in _FRESH_SLOTS:
            memo[slot] = value
        return value

    def _date_iso(self) -> str:
        return f"{self.rng.randint(2019, 2026)}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def pii(self, slot: str) -> str:
        base = re.sub(r"\d+$", "", slot)
        return {
            "NAME": self.name, "FIRST": self.first, "LAST": self.last, "EMAIL": self.email,
            "PHONE": self.phone, "ADDRESS": self.address, "STREET": self.street, "DOB": self.dob,
            "SSN": self.ssn, "CC": self.credit_card, "IBAN": self.iban, "IP": self.ip,
            "PASSPORT": self.passport, "DL": self.driver_license, "CROSS": self.cross_streets,
        }[base]()


def _slot_label(slot: str) -> str | None:
    if slot in PII_SLOTS:
        return PII_SLOTS[slot]
    base = re.sub(r"\d+$", "", slot)
    if base == "ADDRESS_1L":
        return "STREET_ADDRESS"
    return PII_SLOTS.get(base)


def render(template: Template, values: ValueMaker, memo: bool = True) -> Document:
    """Fill one template; spans are computed while the text is assembled, so they are exact.
    A multi-line value placed after indentation (or a "> " quote) keeps that prefix on every line."""
    parts: list[str] = []
    spans: list[PIISpan] = []
    cache: dict[str, str] | None = {} if memo else None
    pos = 0
    last = 0
    for m in SLOT.finditer(template.text):
        literal = template.text[last:m.start()]
        parts.append(literal)
        pos += len(literal)
        slot = m.group(1)
        label = _slot_label(slot)
        value = values.slot_value(slot, cache)
        if "\n" in value:
            done = "".join(parts)
            prefix = done[done.rfind("\n") + 1:]
            if prefix and _LINE_PREFIX.fullmatch(prefix):
                value = value.replace("\n", "\n" + prefix)
            elif prefix and values.rng.random() < 0.3:  # "Address: 1 Main St\n         Springfield"
                value = value.replace("\n", "\n" + " " * len(prefix))
        if label is not None:
            spans.append(PIISpan(pos, pos + len(value), label, 1.0, value))
        parts.append(value)
        pos += len(value)
        last = m.end()
    parts.append(template.text[last:])
    text = "".join(parts)
    return Document(text=text, spans=spans, meta={"template": template.id, "kind": template.kind})


_LINE_PREFIX = re.compile(r"[ \t]*(?:>[ \t]*)*")


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
