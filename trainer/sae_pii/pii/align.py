"""Character spans -> one class per token, through the fast tokenizer's offset mapping."""

from __future__ import annotations

import numpy as np

from sae_pii.pii.labels import CLASS_TO_ID
from sae_pii.pii.spans import PIISpan

IGNORE_INDEX = -100


def token_labels(
    offsets: np.ndarray, spans: list[PIISpan], ignore: list[tuple[int, int]] | None = None
) -> np.ndarray:
    """[T, 2] (start, end) char offsets -> [T] class ids (0 = not PII).

    A token takes a span's label when their characters overlap (a word piece that straddles the
    span edge belongs to the entity). Tokens overlapping an ignore region get IGNORE_INDEX, so a
    loss or a metric can leave them out.
    """
    n = len(offsets)
    out = np.zeros(n, dtype=np.int64)
    if n == 0:
        return out
    starts, ends = offsets[:, 0], offsets[:, 1]
    for a, b in ignore or []:
        out[(starts < b) & (ends > a)] = IGNORE_INDEX
    for s in spans:
        hit = (starts < s.end) & (ends > s.start) & (ends > starts)
        out[hit] = CLASS_TO_ID[s.label]
    return out
