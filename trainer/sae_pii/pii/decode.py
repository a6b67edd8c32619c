"""Token class probabilities -> character spans.

1. Tokens with no whitespace between them form a group ("555-123-4567", "john@x.com", "Smith,");
   groups are also cut at separators (, ; | " = < > brackets) so "ip=1.2.3.4" or a CSV row
   "a@b.com,555-1234" can hold two entities.
2. Word pieces (letters/digits touching) form words; each word is labelled from its pieces' mean
   probabilities: the most probable PII class if it clears that class's threshold, else O. Inside
   a group, the labelled words' extent gets ONE label (the one with the most probability mass), so
   a mislabelled dash inside a phone number does not split it.
3. Neighbouring groups with the same label merge when only whitespace separates them (a single
   newline is allowed for addresses only; never a blank line); a lone punctuation group the probe
   missed between two parts of the same non-PERSON entity is bridged ("Springfield, IL").
4. Spans are trimmed of surrounding whitespace and punctuation (keeping balanced brackets, a
   leading "+" and an abbreviation's final "."). Score = mean probability of the label over
   the span's tokens.

`validators=True` adds a separate rule layer for shapes with cheap exact checks (email syntax,
Luhn, IBAN mod-97, IP parsing, 9-digit SSN): it snaps boundaries and drops spans that fail.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

import numpy as np

from sae_pii.pii.labels import CLASSES, LABELS
from sae_pii.pii.spans import PIISpan
from sae_pii.pii.synth import iban_ok, luhn_ok

SEPARATORS = set(',;|"=<>[]{}')
LEAD_STRIP = set(" \t\r\n,;:.!?\"'`*-_=/\\|>)]}")
TRAIL_STRIP = set(" \t\r\n,;:!?\"'`*-_=/\\|<([{")
NO_SPACE_LABELS = {"EMAIL_ADDRESS", "IP_ADDRESS"}  # never contain whitespace: two in a row are two
ABBREVIATION = re.compile(r"(?:^|\s)[A-Za-z]{1,4}\.$")


def _mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def _wordish(ch: str) -> bool:
    # Letters, digits and combining marks (the uncased BERT tokenizer drops Devanagari vowel signs
    # from its offsets, which leaves gaps of marks between the pieces of one word).
    return ch.isalnum() or _mark(ch)


def _groups(text: str, offsets: np.ndarray) -> list[list[int]]:
    groups: list[list[int]] = []
    prev_end, prev_sep = None, False
    for i, (s, e) in enumerate(offsets.tolist()):
        if e <= s:
            continue  # zero-width tokens carry no characters
        sep = text[s:e] in SEPARATORS
        touching = prev_end is not None and (prev_end == s or (
            prev_end < s and all(_wordish(ch) for ch in text[prev_end:s])))
        if groups and touching and not sep and not prev_sep:
            groups[-1].append(i)
        else:
            groups.append([i])
        prev_end, prev_sep = e, sep
    return groups


def _glued(text: str, left: int, right: int) -> bool:
    """The characters from text[left] to text[right] are one word (word pieces of one word)."""
    if left < 0 or right >= len(text) or right <= left:
        return False
    return all(_wordish(ch) for ch in text[left:right + 1])


def token_decisions(probs: np.ndarray, thresholds: dict[str, float]) -> np.ndarray:
    """[T, C] probabilities -> [T] class ids after per-label thresholds (0 = O)."""
    if len(probs) == 0:
        return np.zeros(0, dtype=np.int64)
    thr = np.array([thresholds.get(lab, 0.5) for lab in LABELS])
    pii = probs[:, 1:]
    best = pii.argmax(1)
    ok = pii[np.arange(len(pii)), best] >= thr[best]
    return np.where(ok, best + 1, 0)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end:
        ch = text[start]
        if ch in LEAD_STRIP or (ch == "(" and ")" not in text[start:end]):
            start += 1
        else:
            break
    while end > start:
        ch = text[end - 1]
        if (ch in TRAIL_STRIP or (ch == ")" and "(" not in text[start:end])
                or (ch == "." and not ABBREVIATION.search(text[start:end]))):
            end -= 1
        else:
            break
    while 0 < end < len(text) and _mark(text[end]):  # vowel signs the tokenizer's offsets left out
        end += 1
    return start, end


def decode(
    text: str, offsets: np.ndarray, probs: np.ndarray, thresholds: dict[str, float], validators: bool = False
) -> list[PIISpan]:
    labelled: list[tuple[int, int, int, list[int]]] = []  # (start_char, end_char, class, tokens)
    for g in _groups(text, offsets):
        # Word pieces (letters/digits touching) form one word, decided as a whole.
        words: list[list[int]] = []
        for i in g:
            if words and _glued(text, int(offsets[words[-1][-1], 1]) - 1, int(offsets[i, 0])):
                words[-1].append(i)
            else:
                words.append([i])
        word_cls = []
        for w in words:
            mean = probs[w].mean(0, keepdims=True)
            word_cls.append(int(token_decisions(mean, thresholds)[0]))
        hits = [k for k, c in enumerate(word_cls) if c > 0]
        if not hits:
            labelled.append((int(offsets[g[0], 0]), int(offsets[g[-1], 1]), 0, g))
            continue
        pre = [i for w in words[:hits[0]] for i in w]
        toks = [i for w in words[hits[0]:hits[-1] + 1] for i in w]
        post = [i for w in words[hits[-1] + 1:] for i in w]
        mass = probs[toks][:, 1:].sum(0)
        cls = int(mass.argmax()) + 1
        if pre:
            labelled.append((int(offsets[pre[0], 0]), int(offsets[pre[-1], 1]), 0, pre))
        labelled.append((int(offsets[toks[0], 0]), int(offsets[toks[-1], 1]), cls, toks))
        if post:
            labelled.append((int(offsets[post[0], 0]), int(offsets[post[-1], 1]), 0, post))

    spans: list[PIISpan] = []
    run: list[tuple[int, int, int, list[int]]] = []

    def flush():
        if not run:
            return
        cls = run[0][2]
        label = CLASSES[cls]
        start, end = _trim(text, run[0][0], run[-1][1])
        if end > start:
            toks = [t for part in run for t in part[3]]
            score = float(probs[toks, cls].mean())
            spans.append(PIISpan(start, end, label, round(score, 4), text[start:end]))
        run.clear()

    def joinable(gap: str, label: str) -> bool:
        gap = "".join(ch for ch in gap if not _mark(ch))
        if gap.strip() or "\t" in gap:  # a tab separates columns
            return False
        if gap and label in NO_SPACE_LABELS:
            return False
        if "\n\n" in gap.replace("\r", ""):
            return False
        return "\n" not in gap or label == "STREET_ADDRESS"

    k = 0
    while k < len(labelled):
        s, e, cls, toks = labelled[k]
        if cls == 0:
            # Bridge a lone punctuation group between two parts of one (non-PERSON) entity.
            if (run and k + 1 < len(labelled) and labelled[k + 1][2] == run[0][2]
                    and CLASSES[run[0][2]] != "PERSON" and not any(ch.isalnum() for ch in text[s:e])
                    and len(text[s:e]) <= 2 and joinable(text[run[-1][1]:s], CLASSES[run[0][2]])
                    and joinable(text[e:labelled[k + 1][0]], CLASSES[run[0][2]])):
                run.append((s, e, run[0][2], []))
            else:
                flush()
            k += 1
            continue
        if run and (run[0][2] != cls or not joinable(text[run[-1][1]:s], CLASSES[cls])):
            flush()
        run.append((s, e, cls, toks))
        k += 1
    flush()
    if validators:
        spans = apply_validators(text, spans)
    return spans


# ------------------------------------------------------------------------------------------------
# Rule layer (optional): exact checks for shapes that have them. Everything above is the probe.

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6 = re.compile(r"(?<![0-9A-Fa-f:])[0-9A-Fa-f:]*:[0-9A-Fa-f:]+(?![0-9A-Fa-f:])")


def _snap(text: str, span: PIISpan, pattern: re.Pattern, check=None) -> PIISpan | None:
    lo, hi = max(0, span.start - 64), min(len(text), span.end + 64)
    for m in pattern.finditer(text, lo, hi):
        a, b = m.span()
        if a < span.end and b > span.start and (check is None or check(m.group())):
            return PIISpan(a, b, span.label, span.score, text[a:b])
    return None


def _ip_ok(s: str) -> bool:
    try:
        ipaddress.ip_address(s)
        return True
    except ValueError:
        return False


def apply_validators(text: str, spans: list[PIISpan]) -> list[PIISpan]:
    out = []
    for sp in spans:
        if sp.label == "EMAIL_ADDRESS":
            sp = _snap(text, sp, EMAIL)
        elif sp.label == "IP_ADDRESS":
            sp = _snap(text, sp, IPV4, _ip_ok) or _snap(text, sp, IPV6, _ip_ok)
        elif sp.label == "CREDIT_CARD":
            digits = re.sub(r"\D", "", sp.text)
            sp = sp if 12 <= len(digits) <= 19 and luhn_ok(digits) and not re.search(r"[A-Za-z]", sp.text) else None
        elif sp.label == "IBAN_CODE":
            sp = sp if iban_ok(sp.text) else None
        elif sp.label == "US_SSN":
            sp = sp if len(re.sub(r"\D", "", sp.text)) == 9 else None
        if sp is not None and (not out or sp.start >= out[-1].end):
            out.append(sp)
    return out
