"""A name's shape in the scripts the default model cannot read (part of the rule layer).

all-MiniLM-L6-v2's vocabulary is English word pieces: a Russian, Arabic, Chinese or Japanese word
reaches the probe as single letters or [UNK], so the PERSON probability there follows the layout
(a short capitalised run after a key, a table cell), not the word. Field keys, headings and firms
come out as names ("Доверенность", "التاريخ", "实际重量", "ふりがな"). In these scripts a PERSON
span has to show a name's shape instead, from Faker's person lists (the training data's library):

- Korean: a surname and a given name, either order, apart or together ("정하은", "지민 김"), or a
  given name Faker knows alone ("재현"); not a role word ("고객" customer, "상담원" agent), nor four
  syllables or a verb's ending without a given name Faker knows ("배달해줘", "지급해");
- Thai: a given name and a surname apart (two words), neither an address's road or district word;
- Chinese and Japanese characters: at most four characters a word, and a word opens with a
  surname Faker knows (zh_CN, zh_TW, ja_JP: "王芳", "高橋 美咲", "七. 斉藤") or is a given name it
  knows ("冬梅"), or a word of two characters or more stands before a given name apart ("大塚
  健太"), or an honorific follows ("山田 花子 様");
- with kana: a word in kana alone that Faker's Japanese kana names hold, in hiragana or katakana
  ("たかはし みさき"), or a known surname and a short given name in kana ("山本 さくら"); not
  "渋谷ヒカリエ", "カーサ三条" (buildings);
- the other scripts (Cyrillic, Greek, Arabic, Hebrew, Devanagari, Georgian, Armenian, ...): a word
  Faker knows as a given name or surname (its locales include ru_RU, uk_UA, bg_BG, el_GR, ar_AA,
  fa_IR, he_IL, hi_IN, ka_GE, hy_AM), a patronymic ("Викторовна", "Игоревича"), or an initial
  beside another word ("Лаптева Н. А.").

Latin script, Vietnamese's included, is the probe's own ground: name_lexicon.py reads it.

The edges of such a name move too (`script_name_edges`: a lead-in before a Cyrillic name, an
honorific after a Japanese one), and a Chinese, Japanese or Korean name right after its form's or
chat's name key is found where the probe missed it (`keyed_script_names`: "姓名：陈思远", "상담원 이수민:"), and
so is one before a Japanese honorific, title or self-introduction ("人事部の佐藤です") or after a Chinese
form of address ("李小姐").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sae_pii.pii.document_keys import finds_in_place, with_finds
from sae_pii.pii.faker_lists import attribute_values, provider
from sae_pii.pii.format_finds import FIND_SCORE
from sae_pii.pii.name_lexicon import known_names, plain
from sae_pii.pii.name_rules import CJK_HONORIFICS
from sae_pii.pii.spans import PIISpan

HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]+")  # syllables and jamo ("ㅠ")
THAI = re.compile(r"[\u0e00-\u0e7f]+")
THAI_PLACE_WORDS = ("ถนน", "ตำบล", "อำเภอ", "จังหวัด", "หมู่บ้าน", "ซอย", "แขวง", "เขต")  # road, subdistrict, district...
HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\u3005]+")  # with 々 ("佐々木")
KANA = re.compile(r"[\u3040-\u30ff]+")  # hiragana, katakana, ー and ・
HAN_OR_KANA = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\u3005\u3040-\u30ff]+")
# Honorifics after a Chinese or Japanese name: 様 さん 殿 先生 女士 小姐 君 氏 (the name's cue, not the name).
HONORIFIC = "(?:" + "|".join(CJK_HONORIFICS) + ")"
HONORIFIC_AFTER = re.compile(r"[ \t\u3000]*" + HONORIFIC)
HONORIFIC_AT_END = re.compile(r"[ \t\u3000]+" + HONORIFIC + r"\Z")
# What parts a span's words; not \W, which parts Devanagari's vowel signs ("प्रसाद") from their letters.
WORD_GAP = re.compile(r"[\s,;:/|()\[\]\"“”«»·・]+")
# Patronymics of the East Slavic languages, in any case: "Викторовна", "Игоревича", "Петрівна".
PATRONYMIC = re.compile(r"(?:ович|евич|ьич|овна|евна|ична|івна|ївна|ьевна)(?:а|у|ем|ом|е|ой|ы|і|ою)?\Z", re.IGNORECASE)


@lru_cache(maxsize=1)
def korean_surnames() -> frozenset[str]:
    return frozenset(provider("person", "ko_KR").last_names)


@lru_cache(maxsize=1)
def korean_given_names() -> frozenset[str]:
    return frozenset(provider("person", "ko_KR").first_names)


@lru_cache(maxsize=1)
def han_surnames() -> frozenset[str]:
    """Chinese (simplified and traditional) and Japanese surnames Faker knows: "王", "歐陽", "高橋"."""
    return frozenset(name for locale in ("zh_CN", "zh_TW", "ja_JP") for name in provider("person", locale).last_names)


@lru_cache(maxsize=1)
def han_given_names() -> frozenset[str]:
    """Chinese and Japanese given names Faker knows: "伟", "冬梅", "聡太郎"."""
    return frozenset(name for locale in ("zh_CN", "zh_TW", "ja_JP") for name in provider("person", locale).first_names)


@lru_cache(maxsize=1)
def kana_names() -> frozenset[str]:
    """Faker's Japanese kana given names and surnames, in katakana: "タカハシ", "ミサキ"."""
    japanese = provider("person", "ja_JP")
    return frozenset(list(japanese.last_kana_names) + list(japanese.first_kana_names))


def preload() -> None:
    """Build the name lists once, before the first detection."""
    for build in (korean_surnames, korean_given_names, han_surnames, han_given_names, kana_names, names_as_written):
        build()


# Syllables that end verbs, particles and nouns, not given names: 해 (do), 요, 다, 줘 (give), 번 (number)...
KOREAN_VERB_ENDINGS = frozenset("해요다줘번서고니까게지는은을를에의")
# Words of a Korean order chat that open or are its speakers' lines: customer, agent, rider, system.
KOREAN_ROLE_WORDS = frozenset(["고객", "고객님", "상담원", "라이더", "시스템", "주문자", "가게", "배달", "기사", "직원"])


def _korean_name(parts: list[str]) -> bool:
    given = korean_given_names()
    surnames = korean_surnames() | {p for p in parts if all(s in korean_surnames() for s in p.split("-"))}  # "이-박"
    if len(parts) == 1:
        word = parts[0]
        if word in given or len(word) >= 2 and word[0] in surnames and word[1:] in given:
            return True
        return word not in KOREAN_ROLE_WORDS and 1 <= len(word) <= 3 and word[0] in surnames \
            and word[-1] not in KOREAN_VERB_ENDINGS  # "지급해", "주문번": a verb's or a noun's ending
    return len(parts) == 2 and any(a in surnames and len(b) <= 3 for a, b in (parts, parts[::-1]))


def _opens_with_han_surname(word: str) -> bool:
    """The word opens with a Chinese or Japanese surname Faker knows (they are 1-3 characters long)."""
    return any(word[:n] in han_surnames() for n in (1, 2, 3) if len(word) >= n)


def _han_name(text: str, start: int, end: int, words: list[str]) -> bool:
    parts = [part for w in words for part in w.split("-")]  # "長谷川-伊藤": a double surname
    if any(len(part) > 4 for part in parts):
        return False
    return (any(map(_opens_with_han_surname, parts))
            or any(part in han_given_names() for part in parts)
            or len(apart := text[start:end].split()) == 2 and len(apart[0]) >= 2 and all(map(HAN.fullmatch, apart))
            or HONORIFIC_AFTER.match(text, end) is not None)


def _katakana(word: str) -> str:
    """Hiragana as katakana (the blocks are 0x60 apart): "たかはし" -> "タカハシ"."""
    return "".join(chr(ord(ch) + 0x60) if "\u3041" <= ch <= "\u3096" else ch for ch in word)


def _is_initial(word: str) -> bool:
    return len(word) == 1 and word.isupper()


@lru_cache(maxsize=1)
def names_as_written() -> frozenset[str]:
    """Faker's given names and surnames, all locales, lower case with their marks: the Indic
    scripts write vowels as marks, which name_lexicon.plain drops ("होने" would read as "हन")."""
    lists = attribute_values("person", lambda a: a.startswith(("first_name", "last_name")) and "format" not in a)
    return frozenset(unicodedata.normalize("NFC", w.lower()) for names in lists for name in names
                     if isinstance(name, str) for w in name.split())


INDIC = re.compile(r"[\u0900-\u0dff]")  # Devanagari to Sinhala


def _known(word: str) -> bool:
    """A given name or surname the name lexicon knows, in any case ending ("Артёма" is "Артём")."""
    if INDIC.search(word):
        return unicodedata.normalize("NFC", word.lower()) in names_as_written()
    flat = plain(word)
    return flat in known_names() or len(flat) >= 5 and flat[:-1] in known_names()


def _name_cue(words: list[str], i: int) -> bool:
    """words[i] is a given name or surname Faker knows, a patronymic, or has an initial after it
    ("Лаптева Н. А.")."""
    word = words[i]
    return (_known(word)
            or PATRONYMIC.search(word) is not None
            or i + 1 < len(words) and _is_initial(words[i + 1]) and not _is_initial(word))


def _other_script_name(words: list[str]) -> bool:
    return any(_name_cue(words, i) for i in range(len(words)))


@lru_cache(maxsize=4096)  # each PERSON span is read by script_says_no_name, then script_name_edges
def _script_of(value: str) -> str:
    """Which rule reads a span: "latin" (name_lexicon.py's ground: at least half its letters are
    Latin), "hangul", "thai", "han" (Chinese characters and kana) or "other"."""
    letters = "".join(ch for ch in value if ch.isalpha())  # "라이더입니다~ 건물", "빠졌어요 ㅠㅠ": letters only
    if not letters or sum(unicodedata.name(ch, "").startswith("LATIN") for ch in letters) * 2 >= len(letters):
        return "latin"
    for name, pattern in (("hangul", HANGUL), ("thai", THAI), ("han", HAN_OR_KANA)):
        if pattern.fullmatch(letters):
            return name
    return "other"


def script_name_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """The edges of a PERSON span in a script the model cannot read, once these leave: two words or
    more before its first name cue when two words or more of the span follow it ("Российской
    Федерации" + "Смирнова Ольга Викторовна"; "Нотариус ... город Екатеринбург" + "Лаптева Н. А."),
    and an honorific after a Chinese or Japanese name ("山田 花子" + " 様")."""
    value = text[start:end]
    script = _script_of(value)
    if script == "han":
        m = HONORIFIC_AT_END.search(value)
        return (start, start + m.start()) if m else (start, end)
    if script != "other":
        return start, end
    pieces = list(re.finditer(r"\S+", value))
    words = [m.group().strip(".,;:'’-") for m in pieces]
    first = next((i for i in range(len(words)) if words[i] and _name_cue(words, i)), 0)
    if first < 2 or len(words) - first < 2 or any(_is_initial(w) for w in words[:first]):
        return start, end  # "Бондар Ірина", "Л. Миронов": a surname or an initial the lists miss is no lead-in
    return start + pieces[first].start(), end


def script_says_no_name(text: str, start: int, end: int) -> bool:
    """The PERSON span text[start:end] is in a script the model cannot read and lacks a name's
    shape there (see the module's docstring)."""
    value = text[start:end]
    script = _script_of(value)
    if script == "latin":
        return False
    if script == "hangul":
        return not _korean_name(value.split())
    if script == "thai":  # a given name and a surname, not an address's road or district words
        parts = value.split()
        return len(parts) != 2 or any(p.startswith(THAI_PLACE_WORDS) for p in parts)
    words = [w for w in (piece.strip(".'’-") for piece in WORD_GAP.split(value)) if any(ch.isalpha() for ch in w)]
    if script == "han":
        if all(HAN.fullmatch(part) for w in words for part in w.split("-")):
            return not _han_name(text, start, end, words)
        surname_then_kana = len(words) == 2 and HAN.fullmatch(words[0]) and KANA.fullmatch(words[1]) \
            and len(words[1]) <= 5 and _opens_with_han_surname(words[0])  # "山本 さくら"
        return not surname_then_kana and not any(_katakana(w) in kana_names() for w in words if KANA.fullmatch(w))
    return not _other_script_name(words)


# Name keys of Chinese, Japanese and Korean forms, chats and labels, and the name after them, where
# the probe (which reads these scripts as single characters) found nothing: "姓名：陈思远",
# "收派员: 刘强", "紹介者：田中 健一様", "ふりがな　やまもと　さくら", "상담원 이수민:", "받는 분: 김지현".
_CJK_NAME_KEYS = ("姓名|名字|签名|簽名|联系人|聯絡人|紧急联系人|证明人|收件人|寄件人|收货人|申请人|申請人|经办人|經辦人|"
                  "负责人|負責人|收派员|氏[ \u3000]*名|名前|お名前|紹介者|担当者|担当|署名|申請者|受取人|"
                  "성명|이름|받는[ ]?분|보내는[ ]?분|주문자|상담원|라이더|담당자|예금주|고객명|수령인")
_GAP = r"[ \t\u3000]*[:：]?[ \t\u3000]*"
KEYED_SCRIPT_NAME = re.compile(
    rf"(?:{_CJK_NAME_KEYS}){_GAP}"
    r"([\u4e00-\u9fff]{1,3}(?:[ \u3000][\u4e00-\u9fff\u3040-\u309f]{1,4})?(?![\u4e00-\u9fff\u3040-\u309f])"  # 陈思远, 田中 健一, 山本 さくら
    r"|[\uac00-\ud7a3]{2,4}(?![\uac00-\ud7a3]))"  # 이수민 (not 이수민입니다)
    r"|(?:ふりがな|フリガナ)" + _GAP + r"([\u3040-\u30ff]{2,8}(?:[ \u3000][\u3040-\u30ff]{1,8})?)")
HONORIFIC_TAIL = re.compile(r"[ \u3000]?" + HONORIFIC + r"\Z")
# A Japanese name known by what follows it: an honorific or a title ("高橋部長", "中村 健太さん") or a
# self-introduction's copula ("人事部の佐藤です", "...の田中でございます"), after a line's start, kana or
# punctuation. It must open with a surname Faker knows. With the Chinese forms of address below: 15
# names found on the realistic sets and 13 on the training files, none false (twenty-fifth session).
NAME_BEFORE_TITLE = re.compile(
    r"(?:(?<=[\n \u3040-\u309f、。：:（(「『])|^)"
    r"([\u4e00-\u9fff\u3005]{1,3}(?:[ \u3000][\u4e00-\u9fff\u3005]{1,3})?)[ \u3000]?"
    r"(?=(?:" + "|".join(CJK_HONORIFICS) + r"|部長|課長|社長)(?![\u4e00-\u9fff])|です|でございます|と申します)")
# A Chinese form of address after a surname, written without a space: "联系李小姐", "王先生吗", "王总！".
CHINESE_TITLE = re.compile(r"(?<=[\u4e00-\u9fff])(?:先生|小姐|女士|总(?![\u4e00-\u9fff])|经理|經理)")
# Words before a form of address that are surnames in Faker's lists too: "这位先生" (this gentleman),
# "贵公司总经理", "各位女士".
NOT_SURNAMES_BEFORE_TITLE = frozenset("位这那的个名各该此每某其贵本老")


def _names_before_titles(text: str) -> list[tuple[int, int]]:
    """Where a Japanese name stands before its honorific, title or copula (NAME_BEFORE_TITLE), and the
    surname of one or two characters Faker knows right before a Chinese form of address."""
    out = [m.span(1) for m in NAME_BEFORE_TITLE.finditer(text) if _opens_with_han_surname(m.group(1))]
    for m in CHINESE_TITLE.finditer(text):
        for n in (2, 1):  # a compound surname first: "欧阳"
            surname = text[max(0, m.start() - n):m.start()]
            if len(surname) == n and surname in han_surnames() and surname[-1] not in NOT_SURNAMES_BEFORE_TITLE:
                out.append((m.start() - n, m.start()))
                break
    return out


def keyed_script_names(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """The Chinese, Japanese and Korean names right after a name key (see KEYED_SCRIPT_NAME) that have
    a name's shape, where no span is; an honorific after the name stays out ("田中 健一" + "様")."""
    if not HAN_OR_KANA.search(text) and not HANGUL.search(text):
        return spans
    found = []
    for m in KEYED_SCRIPT_NAME.finditer(text):
        group = 1 if m.group(1) is not None else 2
        start, end = m.start(group), m.end(group)
        if (tail := HONORIFIC_TAIL.search(text, start, end)) is not None:
            end = tail.start()
        if end > start and not script_says_no_name(text, start, end):
            found.append(PIISpan(start, end, "PERSON", FIND_SCORE, text[start:end]))
    if HAN.search(text):
        found += [PIISpan(a, b, "PERSON", FIND_SCORE, text[a:b]) for a, b in _names_before_titles(text)]
    return with_finds(spans, found)


# An address in Chinese, Japanese, Korean or Cyrillic after its key, which the probe reads as single
# letters too: the rest of the line up to a column gap, holding a digit ("地址: 北京市海淀区中关村大街
# 27号...", "現住所 〒231-0023 神奈川県...", "배송지: (03925) 서울특별시...", "по адресу: г. Москва, ул. ...").
KEYED_SCRIPT_ADDRESS = re.compile(
    r"(?:地址|住址|现居住地址|户籍地址|現住所|住所|実家|주소|배송지|(?i:адрес[ау]?|по адресу))(?![^\W\d_])"  # not "주소를", "Адресна"
    r"[ \t\u3000]*[:：]?[ \t\u3000]*"
    r"(\S(?:[^\n\t]*?\S)?)(?=[ \t\u3000]{2,}|\t|[ \t\u3000]*(?:\n|\Z|[,，]?[ \t]*(?:тел|телефон|电话|電話|TEL)))")


def keyed_script_addresses(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """The addresses right after an address key in the scripts the model cannot read (see
    KEYED_SCRIPT_ADDRESS), holding a digit and mostly those scripts' letters, where no span is."""
    if not HAN_OR_KANA.search(text) and not HANGUL.search(text) and not re.search(r"[\u0400-\u04ff]", text):
        return spans
    found = []
    for m in KEYED_SCRIPT_ADDRESS.finditer(text):
        start, value = m.start(1), m.group(1).rstrip(",，;")
        end = start + len(value)
        if not any(ch.isdigit() for ch in value) or _script_of(value) == "latin" \
                or any(sp.start < end and start < sp.end for sp in spans if sp.label == "STREET_ADDRESS"):
            continue
        found.append(PIISpan(start, end, "STREET_ADDRESS", FIND_SCORE, text[start:end]))
    return finds_in_place(spans, found)
