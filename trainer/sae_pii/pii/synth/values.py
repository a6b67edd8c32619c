"""Slot values: names of many cultures, contact details, addresses, ids and their look-alikes, all from
one seeded RNG and Faker instances seeded from it."""

from __future__ import annotations

import calendar
import random
import re
import string
import uuid
from collections.abc import Callable

from faker import Faker

from sae_pii.pii.synth.slots import FRESH_SLOTS, NAME_REF, slot_label

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


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


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
            # Not Faker's month_name(): it draws a date up to *today*, so the documents changed with the calendar.
            "MONTH": lambda: calendar.month_name[r.randint(1, 12)],
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
        ref = NAME_REF.match(slot)
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
        elif slot_label(slot) is not None:
            value = self.pii(slot)
        else:
            value = self.confuser(slot)
        value = value.strip()  # some Faker locales pad their values
        if memo is not None and base not in FRESH_SLOTS:
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

