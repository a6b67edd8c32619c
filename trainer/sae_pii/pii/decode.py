"""Token class probabilities -> character spans.

1. Tokens with no whitespace between them form a group ("555-123-4567", "john@x.com", "Smith,");
   groups are also cut at separators (, ; | " = < > brackets) so "ip=1.2.3.4" or a CSV row
   "a@b.com,555-1234" can hold two entities.
2. Word pieces (letters/digits touching) form words; each word is labelled from its pieces' mean
   probabilities: the most probable PII class if it clears that class's threshold, else O. A word
   beside a name or address word joins it at a lower bar (hysteresis, GROW_FRACTION x threshold:
   the surname the probe is less sure of; it passes through a hyphen or apostrophe inside a word,
   "Wencke-Stadelmann-Ring", and an address's commas and brackets, "(FG), Italia"). At the same
   bar, a word joins the names when it is one list joiner from a name on its line, in its case
   ("Park and Mann"), or is capitalised and spelled like a word of a name found elsewhere in the
   document. Lower still (SLOT_BAR), a word is a name where the text cues one (name_cues.py): a
   name slot (after a title, a greeting, thanks, a sign-off or a self-introduction: "Mr. Kiprop",
   "Viele Grüße\nSabine"), a table's name column (under a "Name" / "Owner" / "nombre" header), a
   chat export's speaker line or "Name:" opener, a given name and surname the name lexicon knows side by side, a word
   it knows only as a given name (at LOWER_SLOT_BAR).
   ";", "|" and a spaced dash are never PII. Inside
   a group, the labelled words' extent gets ONE label (the one with the most probability mass), so
   a mislabelled dash inside a phone number does not split it.
3. Neighbouring groups with the same label merge when only whitespace separates them (a single
   newline is allowed for addresses only; never a blank line); a lone punctuation group the probe
   missed between two parts of the same non-PERSON entity is bridged ("Springfield, IL"), never a
   field separator (; | or a spaced dash); so is the ">" that opens a quoted e-mail line. PERSON
   and STREET_ADDRESS words meeting in one run are one entity labelled by mass ("Travessa Kevin
   Mota, 96") unless a comma sits where the mass switches ("Michelle Carsten, 4822 Brown Gateway").
4. Spans are trimmed of surrounding whitespace and punctuation (trim.py: keeping balanced
   brackets, a leading "+" and an initialism's final "." as in "U.S.A."). Score = mean probability
   of the label over the span's tokens.

5. Boundary repair (format grammar, and in name_joins.py short name word lists: particles, titles,
   romanized Korean surnames, the given names the name lexicon knows): spans of one-string formats
   (email, IP, IBAN, card, SSN, passport, licence, phone, date) widen to their whole whitespace-delimited word, so a
   missed first or last word piece ("172.16.250" + ".144") does not cut the entity; a person's
   leading initials ("A. Pawlonka") and a date's month name ("Mar 4, 1980") join their span, and
   words holding symbol characters leave the ends of a name (mojibake: "Robert Vodir ג€");
   fragments that now overlap merge into one span; a field key ("Indirizzo: ") is cut from the
   front of a name or address; "Surname, Given-name" cut at its comma is one name again unless a
   list of names goes on around it; a line of one to three capitalised words without a digit,
   alone as an address, is a name; names and addresses hold whole hyphenated words.

`validators=True` adds the separate rule layer of `rules.py` (exact format checks; it never adds
a span where the probe found nothing).
"""

from __future__ import annotations

import itertools
import re
import unicodedata

import numpy as np

from sae_pii.pii.address_rules import TURKISH_ADDRESS_KEYS
from sae_pii.pii.addressee import addressee_apart
from sae_pii.pii.labels import CLASS_TO_ID, CLASSES, FREE_TEXT_LABELS
from sae_pii.pii.name_cues import (
    JOINERS,
    NAME_KEY,
    SLOT_BAR,
    grow_chat_speakers,
    grow_lexicon_names,
    grow_name_columns,
    grow_name_slots,
    grow_role_speakers,
    grow_speaker_lines,
    in_name_column,
)
from sae_pii.pii.name_joins import LIST_WORDS, whole_names
from sae_pii.pii.name_rules import NOT_NAME, PARTICLES
from sae_pii.pii.rules import apply_validators
from sae_pii.pii.spans import PIISpan
from sae_pii.pii.trim import is_mark, line_bounds, trim

SEPARATORS = set(',;|"=<>[]{}')
# Punctuation a run may bridge inside one entity ("Springfield, IL", "Flat 2/14"); never a field
# separator such as ";" or "|".
BRIDGE_PUNCT = set(",.-/#'()+")
NO_SPACE_LABELS = {"EMAIL_ADDRESS", "IP_ADDRESS"}  # never contain whitespace: two in a row are two
# Formats that are one unbroken string: a span that covers part of a whitespace-delimited word is
# widened to the whole word (a missed ".14" at the end of an IP, a missed first piece of an IBAN).
ATOMIC_LABELS = {"EMAIL_ADDRESS", "IP_ADDRESS", "US_SSN", "US_PASSPORT", "US_DRIVER_LICENSE", "IBAN_CODE",
                 "CREDIT_CARD", "PHONE_NUMBER", "DATE_OF_BIRTH"}
SNAP_STOP = set(" \t\r\n\u00a0,;|\"'`=<>()[]{}/#")


def _wordish(ch: str) -> bool:
    # Letters, digits and combining marks (the uncased BERT tokenizer drops Devanagari vowel signs
    # from its offsets, which leaves gaps of marks between the pieces of one word).
    return ch.isalnum() or is_mark(ch)


def _all_wordish(chars: str) -> bool:
    """Every character is wordish; the common cases (letters and digits, or a space) without a
    Python call per character: this runs for every token."""
    return chars.isalnum() or (not chars[:1].isspace() and all(_wordish(ch) for ch in chars))


def _groups(text: str, offsets: list[list[int]]) -> list[list[int]]:
    groups: list[list[int]] = []
    prev_end, prev_sep = None, False
    for i, (s, e) in enumerate(offsets):
        if e <= s:
            continue  # zero-width tokens carry no characters
        sep = text[s:e] in SEPARATORS
        touching = prev_end is not None and (prev_end == s or (prev_end < s and _all_wordish(text[prev_end:s])))
        if groups and touching and not sep and not prev_sep:
            groups[-1].append(i)
        else:
            groups.append([i])
        prev_end, prev_sep = e, sep
    return groups


DASHES = {"-", "\u2013", "\u2014"}


def _field_break(text: str, start: int, end: int) -> bool:
    """A word that separates fields, never part of an entity: ";", "|", or a dash with spaces on
    both sides ("65788 Blackburn Shoals - Ok Demi"; "Roger-sur-Mer" keeps its dashes)."""
    w = text[start:end]
    if w in (";", "|"):
        return True
    return (w in DASHES and 0 < start and end < len(text)
            and text[start - 1].isspace() and text[end].isspace())


def _bridge_punct(text: str, start: int, end: int) -> bool:
    """A short punctuation word that may sit inside one entity ("Springfield, IL", "(FG), Italia"),
    never a field separator."""
    return end - start <= 2 and all(ch in BRIDGE_PUNCT for ch in text[start:end]) and not _field_break(text, start, end)


def _quote_prefix(text: str, start: int, end: int) -> bool:
    """The ">" that opens a quoted e-mail line ("\n> Suite 318"): an address may run across it."""
    line_start = text.rfind("\n", 0, start) + 1
    return set(text[start:end]) == {">"} and line_start > 0 and not text[line_start:start].strip(" \t>")


def _glued(text: str, left: int, right: int) -> bool:
    """The characters from text[left] to text[right] are one word (word pieces of one word)."""
    if left < 0 or right >= len(text) or right <= left:
        return False
    return _all_wordish(text[left:right + 1])


def _gap_ok(gap: str, left_cls: int, right_cls: int) -> bool:
    """May two PII words separated by `gap` belong to one entity?"""
    gap = "".join(ch for ch in gap if not is_mark(ch))
    if not gap:
        return True
    if gap.strip() or "\t" in gap:  # visible characters or a tab (a column break) separate
        return False
    if "  " in gap and "\n" not in gap and "PERSON" in (CLASSES[left_cls], CLASSES[right_cls]):
        # a run of spaces is a fixed-width form's column break ("Hamid Karimi   Room 1208",
        # "1402 Orchard Ln      Liam Kowalski")
        return False
    if "\n" in gap:  # line breaks join only address lines, and never a blank line
        addr = CLASS_TO_ID["STREET_ADDRESS"]
        return left_cls == right_cls == addr and "\n\n" not in gap.replace("\r", "")
    return True


def words_of(text: str, offsets: np.ndarray, probs: np.ndarray) -> tuple[list, list[list[int]], np.ndarray]:
    """What decode() reads before any threshold: the token offsets as plain ints, the words (their
    token indices) and each word's mean probabilities. A threshold search computes it once per
    document and passes it to every decode() (`prepared=`): 5-10 % off `fit.choose_thresholds`
    (its 19 grid values on the demo's 600 validation documents, timed in turns with the search that
    decodes from scratch)."""
    offs = offsets.tolist()  # plain ints: numpy scalar access per token costs more than the work
    word_tokens: list[list[int]] = []
    for g in _groups(text, offs):
        current: list[list[int]] = []
        for i in g:
            if current and _glued(text, offs[current[-1][-1]][1] - 1, offs[i][0]):
                current[-1].append(i)
            else:
                current.append([i])
        word_tokens.extend(current)
    return offs, word_tokens, _word_means(probs, word_tokens)


def decode(
    text: str, offsets: np.ndarray, probs: np.ndarray, thresholds: dict[str, float], validators: bool = False,
    prepared: tuple[list, list[list[int]], np.ndarray] | None = None,
) -> list[PIISpan]:
    # 1. Words (word pieces merged) with their mean probabilities; a word is PII when
    #    P(not O) clears the threshold of its most probable PII label.
    offs, word_tokens, word_means = prepared if prepared is not None else words_of(text, offsets, probs)
    best = word_means[:, 1:].argmax(1) + 1 if len(word_tokens) else np.zeros(0, dtype=np.int64)
    class_thr = np.array([thresholds.get(c, 0.5) for c in CLASSES])
    above = (1.0 - word_means[:, 0]) >= class_thr[best] if len(word_tokens) else np.zeros(0, dtype=bool)
    words: list[tuple[int, int, list[int], bool, int]] = []  # (start, end, tokens, is_pii, best class)
    for w, cls, ok in zip(word_tokens, best.tolist(), above.tolist()):
        start, end = offs[w[0]][0], offs[w[-1]][1]
        words.append((start, end, w, ok and not _field_break(text, start, end), cls))

    grow_name_slots(text, words, word_means)
    grow_name_columns(text, words, word_means)
    grow_speaker_lines(text, words, word_means)
    grow_chat_speakers(text, words, word_means)
    grow_role_speakers(text, words, word_means)
    grow_lexicon_names(text, words, word_means)
    _grow_name_lists(text, words, word_means, thresholds)
    _grow_repeated_names(text, words, word_means, thresholds)
    _grow(text, words, word_means, thresholds)

    # 2. Runs of PII words; a short punctuation word the probe missed is bridged when it sits
    #    between two PII words of one token group ("+61-453-400-291") or between two parts of
    #    the same non-PERSON entity ("Springfield , IL").
    runs: list[list[int]] = []
    k = 0
    while k < len(words):
        s, e, _, is_pii, cls = words[k]
        if not is_pii:
            if runs and runs[-1][-1] == k - 1:
                # Inside one token group (no whitespace) up to 3 missed words are bridged:
                # "203.0.113.77" with ".0." missed, "555-0192" with "-" missed.
                j = k
                while (j < len(words) and j - k < 3 and not words[j][3] and words[j - 1][1] == words[j][0]
                       and text[words[j][0]:words[j][1]] not in SEPARATORS):
                    j += 1
                if (j < len(words) and j > k and words[j][3] and words[j - 1][1] == words[j][0]
                        and (words[j][4] == words[k - 1][4] or text[s:e] != ":")):  # "Zieliński:mailto:bart..."
                    runs[-1].extend(range(k, j))
                    k = j
                    continue
                nxt = words[k + 1] if k + 1 < len(words) else None
                punct = _bridge_punct(text, s, e) or _quote_prefix(text, s, e)
                same = nxt is not None and nxt[3] and words[k - 1][4] == nxt[4] and CLASSES[nxt[4]] != "PERSON"
                if punct and same and _gap_ok(text[words[k - 1][1]:s], nxt[4], nxt[4]) and \
                        _gap_ok(text[e:nxt[0]], nxt[4], nxt[4]):
                    runs[-1].append(k)
            k += 1
            continue
        prev = runs[-1][-1] if runs else None
        if prev is not None and prev == k - 1 and _gap_ok(text[words[prev][1]:s], words[prev][4], cls):
            runs[-1].append(k)
        elif prev is not None and prev == k - 1 and not words[prev][3]:
            runs[-1].append(k)  # after a bridged punctuation word
        else:
            runs.append([k])
        k += 1

    # 3. One label per run (probability mass), split where two confident words of different labels
    #    meet across whitespace ("Dana 555-0134"), and at whitespace for labels that never hold any.
    spans: list[PIISpan] = []
    for run in runs:
        parts = [p for split in _split_run(text, words, run, word_means)
                 for p in _split_at_commas(text, words, split, probs)]
        for part in parts:
            toks = [t for j in part for t in words[j][2]]
            cls = int(probs[toks, 1:].sum(0).argmax()) + 1
            pieces = [part]
            if CLASSES[cls] in NO_SPACE_LABELS:
                pieces = _split_at_space(text, words, part)
            if len(pieces) > 1:  # each piece of a split run gets its own label; equal neighbours rejoin
                labelled = []
                for piece in pieces:
                    toks = [t for j in piece for t in words[j][2]]
                    c = int(probs[toks, 1:].sum(0).argmax()) + 1
                    if labelled and labelled[-1][0] == c and CLASSES[c] not in NO_SPACE_LABELS:
                        labelled[-1][1].extend(piece)
                    else:
                        labelled.append((c, list(piece)))
                pieces = [p for _, p in labelled]
            for piece in pieces:
                toks = [t for j in piece for t in words[j][2]]
                if len(pieces) > 1:
                    cls = int(probs[toks, 1:].sum(0).argmax()) + 1
                start, end = trim(text, words[piece[0]][0], words[piece[-1]][1])
                if end > start:
                    score = float(probs[toks, cls].mean())
                    spans.append(PIISpan(start, end, CLASSES[cls], round(score, 4), text[start:end]))
    spans = [sp for sp in (_after_key(text, sp) for sp in spans) if sp is not None]
    spans = [piece for sp in spans for piece in addressee_apart(text, _name_line_not_address(text, sp))]
    spans = [_whole_hyphenated_word(text, sp) for sp in spans]
    spans = [sp for sp in (_without_symbol_words(text, sp) for sp in spans) if sp is not None]
    spans = _snap_atomic(text, [_with_year(text, _with_month(text, _with_initials(text, sp))) for sp in spans])
    spans = _join_area_codes(text, spans)
    spans = whole_names(text, spans)
    if validators:
        spans = apply_validators(text, spans)
    return spans


def _word_means(probs: np.ndarray, word_tokens: list[list[int]]) -> np.ndarray:
    """[W, C] float64 mean probabilities of each word's tokens, from prefix sums (a word's tokens
    are consecutive unless zero-width tokens sit between them)."""
    if not word_tokens:
        return np.zeros((0, probs.shape[1]))
    cums = np.concatenate([np.zeros((1, probs.shape[1])), np.cumsum(probs, 0, dtype=np.float64)])
    first = np.fromiter((w[0] for w in word_tokens), dtype=np.int64, count=len(word_tokens))
    last = np.fromiter((w[-1] for w in word_tokens), dtype=np.int64, count=len(word_tokens))
    sizes = np.fromiter((len(w) for w in word_tokens), dtype=np.int64, count=len(word_tokens))
    means = (cums[last + 1] - cums[first]) / sizes[:, None]
    for j in np.flatnonzero(last - first + 1 != sizes):
        means[j] = probs[word_tokens[j]].mean(0, dtype=np.float64)
    return means


# Hysteresis: a word next to a PII word joins it when its probability of that label clears this
# fraction of the label's threshold (a surname "Mcdonald" at 0.68 beside "Benjamin" at 0.86, with
# the PERSON threshold at 0.85). Validation exact-span F1 with the rule layer: off 0.901, 0.7 0.911,
# 0.6 0.911, 0.5 0.909, 0.4 0.905.
GROW_FRACTION = 0.6


def _grow(text: str, words: list, word_means: list[np.ndarray], thresholds: dict[str, float]) -> None:
    """Extend name and address words into neighbours that clear the lower bar, left to right then
    right to left (in place). Only across whitespace a run may span (_gap_ok); punctuation words
    stay out. (Formats need no help: their spans widen to the whole string in _snap_atomic.)"""
    for order in (range(1, len(words)), range(len(words) - 2, -1, -1)):
        step = 1 if order.step > 0 else -1
        for k in order:
            s, e, toks, is_pii, _ = words[k]
            ps, pe, _, p_pii, cls = words[k - step]
            if is_pii or not p_pii or CLASSES[cls] not in FREE_TEXT_LABELS:
                continue
            gap = text[pe:s] if step > 0 else text[e:ps]
            bar = GROW_FRACTION * thresholds.get(CLASSES[cls], 0.5)
            if (CLASSES[cls] == "PERSON" and step > 0 and gap == " " and text[s:s + 1].isupper() and text[ps:ps + 1].isupper()
                    and text[s:e].isupper() == text[ps:pe].isupper() and text[s:e].lower() not in NOT_NAME):
                # A capitalised word after a capitalised name, in its case: "Giulia" + "Conti", "Jae-won" +
                # "Park" (leftwards the bar stays: "Producer Michael Hansen").
                bar = SLOT_BAR
            if any(ch.isalnum() for ch in text[s:e]):
                if word_means[k][cls] >= bar and _gap_ok(gap, cls, cls):
                    words[k] = (s, e, toks, True, cls)
            elif 0 <= k + step < len(words) and not _field_break(text, s, e):
                # Punctuation passes the growth on to the word beyond it when that word clears the
                # bar: a hyphen or apostrophe inside one word ("Wencke-Stadelmann-Ring",
                # "Casellati-Puccini", "D'Costa"), and in addresses a comma or bracket between parts
                # ("Celenza Valfortore (FG), Italia").
                ns, ne = words[k + step][0], words[k + step][1]
                gap_beyond = text[e:ns] if step > 0 else text[ne:s]
                joiner = not gap and not gap_beyond and text[s:e] in JOINERS
                address_punct = (CLASSES[cls] == "STREET_ADDRESS" and _bridge_punct(text, s, e)
                                 and _gap_ok(gap, cls, cls) and _gap_ok(gap_beyond, cls, cls))
                if (joiner or address_punct) and word_means[k + step][cls] >= bar \
                        and any(ch.isalnum() for ch in text[ns:ne]):
                    words[k] = (s, e, toks, True, cls)


# Words that join the items of a list of names: "Park and Mann", "Monjeau, Graves and Reed"
# ("and" in English, German, French, Spanish, Italian/Portuguese). The list growth below and the
# "Surname, Given-name" join of name_joins.py both read them.
LIST_JOINERS = {",", "&", *LIST_WORDS}


def _grow_name_lists(text: str, words: list, word_means: np.ndarray, thresholds: dict[str, float]) -> None:
    """A word one list joiner away from a name, on its line and in the name's case, is a name too when
    its own PERSON probability clears the hysteresis bar (in place): the probe is sure of "Park" in
    "Park and Mann" but not of "Mann", of "andrea" but not of "brian". Exact-span micro F1 with the
    rule layer, validation / held-out / synth_dataset_v2 / generated_large: 0.915 / 0.916 / 0.747 /
    0.710 -> 0.918 / 0.916 / 0.752 / 0.718 for capitalised lists; lower-case lists added later
    moved generated_large +0.002 and nothing else."""
    per = CLASS_TO_ID["PERSON"]
    bar = GROW_FRACTION * thresholds.get("PERSON", 0.5)
    candidates = [k for k, (s, _, _, is_pii, _) in enumerate(words)
                  if not is_pii and text[s:s + 1].isalpha() and word_means[k][per] >= bar]
    changed = True
    while changed:  # each new name may carry the list one item further: "Monjeau, Graves and Reed"
        changed = False
        for k in candidates:
            if not words[k][3] and any(_name_across_joiner(text, words, k, k + 2 * step, per) for step in (-1, 1)):
                s, e, toks, _, _ = words[k]
                words[k] = (s, e, toks, True, per)
                changed = True


def _grow_repeated_names(text: str, words: list, word_means: np.ndarray, thresholds: dict[str, float]) -> None:
    """A capitalised word spelled like a word of a name found elsewhere in the document is a name too
    when its own PERSON probability clears the hysteresis bar (in place): "22:35 Gregory (Agent): I
    can help" found, "22:37 Gregory (Agent): Unlocked" missed. After the list growth, exact-span micro
    F1 with the rule layer, validation / held-out / synth_dataset_v2 / generated_large: 0.918 / 0.916
    / 0.752 / 0.718 -> 0.924 / 0.918 / 0.757 / 0.718 (a bar of 0.3 or 0 x the threshold: the same
    within one span)."""
    per = CLASS_TO_ID["PERSON"]
    names = {text[s:e] for s, e, _, is_pii, cls in words if is_pii and cls == per and e - s > 1 and text[s].isupper()}
    if not names:
        return
    bar = GROW_FRACTION * thresholds.get("PERSON", 0.5)
    for k, (s, e, toks, is_pii, _) in enumerate(words):
        if not is_pii and text[s:e] in names and word_means[k][per] >= bar:
            words[k] = (s, e, toks, True, per)


def _name_across_joiner(text: str, words: list, k: int, name: int, per: int) -> bool:
    """words[name] is a name in the case of words[k] and the word between them a list joiner, all on one line."""
    if not 0 <= name < len(words):
        return False
    joiner = (k + name) // 2
    ns, _, _, is_pii, cls = words[name]
    lo, hi = min(k, name), max(k, name)
    between = text[words[joiner][0]:words[joiner][1]]
    # "E" and "Y" in capitals are initials ("Maria E Silva"), not the Italian or Spanish "and".
    return (is_pii and cls == per and text[ns:ns + 1].isupper() == text[words[k][0]:words[k][0] + 1].isupper()
            and (between in LIST_JOINERS or len(between) > 1 and between.lower() in LIST_JOINERS)
            and "\n" not in text[words[lo][1]:words[hi][0]])


# "Indirizzo: ...", "Indirizzo:Hentschelweg"; not "10:41", nor the keys inside a Turkish address ("Bağdat Cad.
# No:245 D:7", "Daire: 9", "Kat: 4").
KEY_END = re.compile(r"(?<!\d)" + "".join(rf"(?<!\b{key})" for key in TURKISH_ADDRESS_KEYS) + r":(?:\s|(?=[^\W_]))")


def _after_key(text: str, sp: PIISpan) -> PIISpan | None:
    """A name or an address never holds a key's colon (": ", or ":" glued to a word, not the colon of
    a time): what comes before it is a field key the probe took in ("Indirizzo: 752 Susan Valley",
    "Name: Jo Park", "Indirizzo:Hentschelweg 3")."""
    if sp.label not in FREE_TEXT_LABELS:
        return sp
    keys = list(KEY_END.finditer(sp.text))
    if not keys:
        return sp
    a, b = trim(text, sp.start + keys[-1].end(), sp.end)
    return PIISpan(a, b, sp.label, sp.score, text[a:b]) if b > a else None


def _name_line_not_address(text: str, sp: PIISpan) -> PIISpan:
    """A line of one to three capitalised words and no digit is not an address by itself (a city
    alone is not one); found as STREET_ADDRESS, it is the name above an address block ("Leonard
    Arntsen" over "353 Buerlia 227", after a blank line that kept the two apart), or a chat line's
    speaker before its time stamp ("Chiara Rossi  10:41", the hour taken in). Exact-span micro F1
    with the rule layer, validation / held-out / synth_dataset_v2 / generated_large: 0.924 / 0.918 /
    0.757 / 0.718 -> 0.924 / 0.918 / 0.758 / 0.721."""
    if sp.label != "STREET_ADDRESS":
        return sp
    if not any(ch.isdigit() for ch in sp.text) and "\n" not in sp.text and in_name_column(text, sp.start):
        return PIISpan(sp.start, sp.end, "PERSON", sp.score, sp.text)  # "1031\tSofia Rossi\tIT60 ..."
    stamp = CHAT_TIME.search(sp.text)  # "Chiara Rossi  10" of a chat line "Chiara Rossi  10:41"
    if stamp is not None and text.startswith(":", sp.end) and text[sp.end + 1:sp.end + 3].isdigit():
        sp = PIISpan(sp.start, sp.start + stamp.start(), sp.label, sp.score, sp.text[:stamp.start()])
    words = [w for w in sp.text.split() if w.lower() not in PARTICLES]  # "Sanne de Vries"
    if "\n" in sp.text or any(ch.isdigit() for ch in sp.text) \
            or not 1 <= len(words) <= 3 or not all(w[0].isupper() for w in words):
        return sp
    line_start, line_end = line_bounds(text, sp.start, sp.end)
    key = text[line_start:sp.start].strip()
    if (key and not NAME_KEY.fullmatch(key)) or CHAT_TIME_TAIL.sub("", text[sp.end:line_end]).strip(" ,."):
        return sp
    return PIISpan(sp.start, sp.end, "PERSON", sp.score, sp.text)


CHAT_TIME = re.compile(r"[ \t]+\d{1,2}\Z")  # the hour the probe took into a name before ":MM"
CHAT_TIME_TAIL = re.compile(r"^[ \t]+\d{1,2}:\d\d(?:[ \t]*[AaPp][Mm])?")  # a chat line's time stamp


HYPHEN_TAIL = re.compile(r"(?:-[^\W_]+)+")  # "-Ernstthal" of "Hohenstein-Ernstthal"
HYPHEN_HEAD = re.compile(r"(?<![^\W_])(?:[^\W_]+-)+\Z")  # "Casellati-" of "Casellati-Puccini"


def _whole_hyphenated_word(text: str, sp: PIISpan) -> PIISpan:
    """A name or an address never starts or ends inside a hyphenated word: "74610 Hohenstein" of
    "Hohenstein-Ernstthal" takes the rest of the word. (No other span can hold that rest: words
    glued by a hyphen always fall in one run.) Exact-span micro F1 with the rule layer, validation /
    held-out / synth_dataset_v2 / generated_large: 0.927 / 0.921 / 0.760 / 0.724 -> 0.929 / 0.922 /
    0.760 / 0.724 (measured with the address edges of address_rules.py still in the decoding)."""
    if sp.label not in FREE_TEXT_LABELS:
        return sp
    tail = HYPHEN_TAIL.match(text, sp.end)
    head = HYPHEN_HEAD.search(text, max(0, sp.start - 40), sp.start)
    start, end = head.start() if head else sp.start, tail.end() if tail else sp.end
    return sp if (start, end) == (sp.start, sp.end) else PIISpan(start, end, sp.label, sp.score, text[start:end])


NON_SPACE = re.compile(r"\S*")


def _without_symbol_words(text: str, sp: PIISpan) -> PIISpan | None:
    """A name holds no symbol characters (currency, maths, emoji...): words at either end of a
    PERSON span that do are not the name, e.g. the mojibake of a dash after it ("Robert Vodir ג€“",
    "â€“"); a symbol between its words is left to the probe."""
    if sp.label != "PERSON":
        return sp
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", sp.text)]
    symbolic = [any(unicodedata.category(ch).startswith("S") for ch in sp.text[a:b]) for a, b in words]
    # A letter or two cut from a longer word holding currency or other symbols is part of that
    # word: the probe may take in only the letter before them ("ג" of "ג€“"); not so "Smith" of
    # "Smith©" or the "Lê" of "<name>John Lê</name>" (markup is maths symbols, Sm).
    tail = NON_SPACE.match(text, sp.end).end()
    if words and words[-1][1] - words[-1][0] <= 2 and any(
            unicodedata.category(ch) in ("Sc", "Sk", "So") for ch in text[sp.end:tail]):
        symbolic[-1] = True
    if not any(symbolic):
        return sp
    plain = [i for i, bad in enumerate(symbolic) if not bad]
    if not plain:
        return None
    if any(symbolic[plain[0]:plain[-1] + 1]):
        return sp
    a, b = trim(text, sp.start + words[plain[0]][0], sp.start + words[plain[-1]][1])
    return PIISpan(a, b, sp.label, sp.score, text[a:b]) if b > a else None


INITIALS_BEFORE = re.compile(r"(?:(?<=\s)|^)(?:[A-Za-zА-ЯЁІЇЄҐ]\. ?){1,2}$")  # Cyrillic capitals too: "О. В. Смирнова"
BARE_INITIALS_BEFORE = re.compile(r"(?:(?<=[ \t])|^)(?:[A-Z] ){1,2}$")  # "M A " of "M A BELLAMY JR"


MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
MONTH_BEFORE = re.compile(r"(?i)(?:(?<=\W)|^)(?:\d{1,2}(?:st|nd|rd|th)?\s+)?" + MONTH + r",?\s+$")
DAY_BEFORE = re.compile(r"(?:(?<=\s)|^)\d{1,2}(?:st|nd|rd|th|º)?\.?\s+(?:de\s+)?$")  # "30 de " of "30 de julho de 1952"


def _with_month(text: str, sp: PIISpan) -> PIISpan:
    """A date's month name and day ("Mar 4, 1980", "9 April 2027"; a day before a month of another
    language, "8 de agosto de 1940") belong to the date span."""
    if sp.label != "DATE_OF_BIRTH":
        return sp
    m = MONTH_BEFORE.search(text, max(0, sp.start - 16), sp.start)
    if m is None and sp.text[:1].isalpha():
        m = DAY_BEFORE.search(text, max(0, sp.start - 9), sp.start)
    if m is None:
        return sp
    return PIISpan(m.start(), sp.end, sp.label, sp.score, text[m.start():sp.end])


YEAR_PATTERN = r"(?:19|20)\d{2}"
YEAR = re.compile(YEAR_PATTERN)
# What may follow a birth date cut short before its year: a month name and/or a day, then the year
# ("7" + " June 2016", "7 June" + " 2016", "June 7" + ", 2016", "03/14" + "/2009").
DATE_TAIL = re.compile(r"(?i)(?:[ ,.\-/]+" + MONTH + r")?(?:[ ,.\-/]+\d{1,2}(?:st|nd|rd|th)?)?[ ,.\-/]+"
                       + YEAR_PATTERN + r"\b")


def _with_year(text: str, sp: PIISpan) -> PIISpan:
    """A birth date's year (and the month or day before it) belongs to the date span when the probe
    stopped short of it."""
    if sp.label != "DATE_OF_BIRTH" or YEAR.search(sp.text):
        return sp
    m = DATE_TAIL.match(text, sp.end)
    if m is None or m.end() - sp.end > 16:
        return sp
    return PIISpan(sp.start, m.end(), sp.label, sp.score, text[sp.start:m.end()])


def _with_initials(text: str, sp: PIISpan) -> PIISpan:
    """A name's leading initials ("A. Pawlonka", "J.R. Smith"; without dots before a name in capitals,
    "M A BELLAMY") belong to the PERSON span: the probe often leaves the lone letter out."""
    if sp.label != "PERSON":
        return sp
    m = INITIALS_BEFORE.search(text, max(0, sp.start - 8), sp.start)
    if m is None and sp.text.isupper() and len(sp.text) > 2:
        m = BARE_INITIALS_BEFORE.search(text, max(0, sp.start - 8), sp.start)  # a capitals name's bare initials
    if m is None:
        return sp
    return PIISpan(m.start(), sp.end, sp.label, sp.score, text[m.start():sp.end])


def _snap_atomic(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """Widen spans of one-string formats to their whole word (stopping at whitespace, brackets,
    quotes, separators and, except for IPv6, a colon: "IP:10.0.0.1"), re-trim, and merge spans
    that now overlap (fragments of one entity)."""
    out: list[PIISpan] = []
    for sp in spans:
        if sp.label in ATOMIC_LABELS:
            ipv6 = sp.label == "IP_ADDRESS" and ":" in sp.text
            stop = SNAP_STOP if ipv6 else SNAP_STOP | {":"}
            if sp.label == "DATE_OF_BIRTH":
                stop = (SNAP_STOP - {"/"}) | {":"}
            elif sp.label == "PHONE_NUMBER":
                stop = (SNAP_STOP - {"(", ")"}) | {":"}  # "+31(0)35-6239212", "(541)"
            a, b = sp.start, sp.end
            while a > 0 and text[a - 1] not in stop:
                a -= 1
            while b < len(text) and text[b] not in stop:
                b += 1
            a, b = trim(text, a, b)
            if b > a and (a, b) != (sp.start, sp.end):
                sp = PIISpan(a, b, sp.label, sp.score, text[a:b])
        if out and sp.start < out[-1].end:
            prev = out[-1]
            if prev.label == sp.label or sp.label in ATOMIC_LABELS:
                keep = prev if prev.label in ATOMIC_LABELS or prev.score >= sp.score else sp
                a, b = min(prev.start, sp.start), max(prev.end, sp.end)
                out[-1] = PIISpan(a, b, keep.label, max(prev.score, sp.score), text[a:b])
                continue
            sp = PIISpan(prev.end, sp.end, sp.label, sp.score, text[prev.end:sp.end])
            a, b = trim(text, sp.start, sp.end)
            if b <= a:
                continue
            sp = PIISpan(a, b, sp.label, sp.score, text[a:b])
        out.append(sp)
    return out


AREA_CODE = re.compile(r"^\+?\d{0,3}\s?\(\d{1,5}\)$")


def _join_area_codes(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    """A bracketed area code and the number after it are one phone number: "(541) 555-0192".
    The brackets stop word-level widening, so the two halves arrive as separate spans."""
    out: list[PIISpan] = []
    for sp in spans:
        prev = out[-1] if out else None
        if (prev is not None and prev.label == sp.label == "PHONE_NUMBER" and AREA_CODE.match(prev.text)
                and text[prev.end:sp.start] in (" ", "")):
            out[-1] = PIISpan(prev.start, sp.end, sp.label, max(prev.score, sp.score), text[prev.start:sp.end])
            continue
        out.append(sp)
    return out


def _split_run(text, words, run, word_means) -> list[list[int]]:
    parts = [[run[0]]]
    for a, b in itertools.pairwise(run):
        wa, wb = words[a], words[b]
        conf_a = word_means[a][wa[4]] >= 0.5
        conf_b = word_means[b][wb[4]] >= 0.5
        gap = wa[1] < wb[0]
        differ = wa[3] and wb[3] and wa[4] != wb[4]
        # Split where two labels meet across whitespace if both are confident, or if one of them
        # never holds whitespace ("Maria Gonzalez <maria@x.com>"); but digit groups separated by
        # spaces stay together ("4539 1488 0343 6467"): they are one number far more often.
        digits = text[wa[0]:wa[1]].isdigit() and text[wb[0]:wb[1]].isdigit()
        no_space = CLASSES[wa[4]] in NO_SPACE_LABELS or CLASSES[wb[4]] in NO_SPACE_LABELS
        # Names and addresses share words ("Travessa Kevin Mota, 96"; a surname that is also a
        # street): where the two meet inside one run it is one entity, labelled by its mass.
        free_text = CLASSES[wa[4]] in FREE_TEXT_LABELS and CLASSES[wb[4]] in FREE_TEXT_LABELS
        if gap and differ and not digits and not free_text and ((conf_a and conf_b) or no_space):
            parts.append([b])
        else:
            parts[-1].append(b)
    return parts


def _mass_label(words, part, probs) -> int:
    toks = [t for j in part for t in words[j][2]]
    return int(probs[toks, 1:].sum(0).argmax()) + 1


def _split_at_commas(text, words, part, probs) -> list[list[int]]:
    """A bridged comma between a name and an address ("Michelle Carsten, 4822 Brown Gateway") ends
    the name: split where the probability mass of the two sides picks different free-text labels."""
    segments: list[list[int]] = [[]]
    commas: list[int] = []
    for j in part:
        # A comma the probe scored as part of the entity counts only as the first one, after a
        # name without digits: the recipient before an address ("Haruto Sato, 4-2-8 Shibakoen"),
        # never a city the probe half took for a name further on ("Apt. 399, ΠΑΡΕΚΚΛΗΣΙΑ, Cyprus").
        comma = text[words[j][0]:words[j][1]] == ","
        if comma and (not words[j][3] or not commas and _name_before_address(text, words, segments[0], part, probs)):
            commas.append(j)
            segments.append([])
        else:
            segments[-1].append(j)
    if not commas:
        return [part]
    out = [segments[0]]
    for comma, seg in zip(commas, segments[1:]):
        left = _mass_label(words, out[-1], probs) if out[-1] else 0
        right = _mass_label(words, seg, probs) if seg else 0
        if left and right and left != right and {CLASSES[left], CLASSES[right]} <= FREE_TEXT_LABELS:
            out.append(seg)
        else:
            out[-1].extend([comma, *seg])
    return [p for p in out if p]


def _name_before_address(text, words, left, part, probs) -> bool:
    if not left or any(ch.isdigit() for j in left for ch in text[words[j][0]:words[j][1]]):
        return False
    right = part[len(left) + 1:]
    return bool(right) and CLASSES[words[right[0]][4]] != "PERSON" and \
        CLASSES[_mass_label(words, left, probs)] == "PERSON" and \
        CLASSES[_mass_label(words, right, probs)] == "STREET_ADDRESS"  # not "Stancu, Gina, 859 ..."


def _split_at_space(text, words, part) -> list[list[int]]:
    pieces = [[part[0]]]
    for a, b in itertools.pairwise(part):
        if text[words[a][1]:words[b][0]]:
            pieces.append([b])
        else:
            pieces[-1].append(b)
    return pieces
