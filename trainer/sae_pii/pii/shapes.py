"""Orthographic token features the probes read beside the model's features.

The default model (all-MiniLM-L6-v2) lowercases its input, so its activations cannot tell "Bot:"
from "bot" or "Grant" from "grant"; capitalisation is one of the strongest cues for names. Six
0/1 features per token, computed from the original text, give the probe that cue back (held-out
templates: exact-span micro F1 0.725 -> 0.761, presidio-research 0.521 -> 0.547 with the same
SAE latents). For cased models they are redundant but harmless.
"""

from __future__ import annotations

import numpy as np

SHAPE_FEATURES = ("title", "upper", "lower", "digit", "line_start", "sentence_start")
_SENTENCE_END = set('.!?:"\n')


def token_shapes(text: str, offsets: np.ndarray) -> np.ndarray:
    """[T, len(SHAPE_FEATURES)] float32 for tokens at character `offsets` [T, 2].

    title/upper/lower describe the letters of the word the token sits in (a run of letters and
    digits: "McDonald" is title, "NASA" upper); digit: the token holds a digit; line_start: the
    word is the first on its line; sentence_start: first after . ! ? : " or a line break (where a
    capital says nothing about names).
    """
    out = np.zeros((len(offsets), len(SHAPE_FEATURES)), dtype=np.float32)
    n = len(text)
    for i, (s, e) in enumerate(offsets.tolist()):
        if e <= s:
            continue
        a, b = s, e
        while a > 0 and text[a - 1].isalnum():
            a -= 1
        while b < n and text[b].isalnum():
            b += 1
        letters = [c for c in text[a:b] if c.isalpha()]
        if letters:
            all_upper = len(letters) > 1 and all(c.isupper() for c in letters)
            out[i, 0] = letters[0].isupper() and not all_upper
            out[i, 1] = all_upper
            out[i, 2] = all(c.islower() for c in letters)
        out[i, 3] = any(c.isdigit() for c in text[s:e])
        j = a - 1
        while j >= 0 and text[j] in " \t":
            j -= 1
        out[i, 4] = j < 0 or text[j] in "\r\n"
        while j >= 0 and text[j].isspace():
            j -= 1
        out[i, 5] = out[i, 4] or j < 0 or text[j] in _SENTENCE_END
    return out
