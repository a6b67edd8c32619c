"""Text -> per-token activations of the truncated LM, through overlapping windows.

A document of any length is tokenized once (no special tokens), cut into windows of `window`
tokens (special tokens included) overlapping by `overlap` tokens, and every token keeps the
activation from the window where it sits farthest from an edge: each token sees at least
overlap/2 tokens of context on both sides (Goodfire/Rakuten used 128-token chunks, 32 overlap).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

DEFAULT_WINDOW = 128
DEFAULT_OVERLAP = 32


@dataclass
class Tokens:
    ids: np.ndarray  # [T] content token ids (no special tokens)
    offsets: np.ndarray  # [T, 2] character (start, end), end exclusive


def tokenize(tokenizer, text: str) -> Tokens:
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, return_attention_mask=False,
                    verbose=False)
    ids = np.asarray(enc["input_ids"], dtype=np.int64)
    offsets = np.asarray(enc["offset_mapping"], dtype=np.int64).reshape(-1, 2)
    return Tokens(ids, offsets)


@dataclass(frozen=True)
class Window:
    start: int  # first content token in the window
    end: int  # one past the last
    keep_start: int  # tokens [keep_start, keep_end) take their activation from this window
    keep_end: int


def plan_windows(n_tokens: int, size: int, overlap: int) -> list[Window]:
    """Windows of `size` content tokens, consecutive ones sharing `overlap`; every token kept once."""
    if size <= 0 or not 0 <= overlap < size:
        raise ValueError(f"need 0 <= overlap < size, got size={size}, overlap={overlap}")
    if n_tokens <= 0:
        return []
    stride = size - overlap
    starts = list(range(0, max(n_tokens - overlap, 1), stride))
    if starts[-1] + size < n_tokens:  # pragma: no cover - arithmetic guard
        starts.append(n_tokens - size)
    bounds = [(s, min(s + size, n_tokens)) for s in starts]
    out = []
    for i, (s, e) in enumerate(bounds):
        keep_s = 0 if i == 0 else (s + bounds[i - 1][1]) // 2
        keep_e = n_tokens if i == len(bounds) - 1 else (bounds[i + 1][0] + e) // 2
        out.append(Window(s, e, keep_s, keep_e))
    return out


class SpecialLayout:
    """Where a tokenizer puts its special tokens around a sequence (BERT: CLS .. SEP; Llama: BOS ..)."""

    def __init__(self, tokenizer):
        # Learn the layout from the tokenizer itself: encode a word with and without specials.
        plain = tokenizer("hello", add_special_tokens=False)["input_ids"]
        full = tokenizer("hello", add_special_tokens=True)["input_ids"]
        n = len(plain)
        at = next((i for i in range(len(full) - n + 1) if full[i:i + n] == plain), None)
        if at is None:
            raise ValueError(f"cannot locate the text inside {type(tokenizer).__name__}'s special-token layout")
        self.prefix_ids = list(full[:at])
        self.suffix_ids = list(full[at + n:])
        self.prefix = len(self.prefix_ids)
        self.n_special = len(self.prefix_ids) + len(self.suffix_ids)
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    def build(self, ids: list[int]) -> list[int]:
        return self.prefix_ids + list(ids) + self.suffix_ids


def window_batches(
    docs: list[Tokens], layout: SpecialLayout, window: int, overlap: int, batch_windows: int
) -> Iterator[tuple[torch.Tensor, torch.Tensor, list[tuple[int, Window]]]]:
    """Padded [B, L] (input_ids, attention_mask) batches over all windows of all docs, with (doc, window).
    Windows of similar length share a batch: in random order the padding nearly doubled the
    forward's work on the synthetic training documents (1.87 tokens run per real token; 1.003 sorted)."""
    content = window - layout.n_special
    if content <= overlap:
        raise ValueError(f"window {window} leaves {content} content tokens: must exceed overlap {overlap}")
    windows = [(d, w, layout.build(tok.ids[w.start:w.end].tolist()))
               for d, tok in enumerate(docs) for w in plan_windows(len(tok.ids), content, overlap)]
    windows.sort(key=lambda item: len(item[2]))
    for i in range(0, len(windows), batch_windows):
        yield _pad(windows[i:i + batch_windows], layout)


def _pad(items, layout: SpecialLayout):
    length = max(len(ids) for _, _, ids in items)
    input_ids = torch.full((len(items), length), layout.pad_id, dtype=torch.long)
    mask = torch.zeros((len(items), length), dtype=torch.long)
    for i, (_, _, ids) in enumerate(items):
        input_ids[i, : len(ids)] = torch.tensor(ids)
        mask[i, : len(ids)] = 1
    return input_ids, mask, [(d, w) for d, w, _ in items]


@torch.inference_mode()
def doc_activations(
    lm, docs: list[Tokens], window: int = DEFAULT_WINDOW, overlap: int = DEFAULT_OVERLAP, batch_windows: int = 32
) -> list[torch.Tensor]:
    """Per document: [T, d_model] float32 activations after the LM's block `layer`, one row per token."""
    layout = SpecialLayout(lm.tokenizer)
    out = [torch.zeros((len(t.ids), lm.d_model), dtype=torch.float32) for t in docs]
    for input_ids, mask, where in window_batches(docs, layout, window, overlap, batch_windows):
        acts = lm(input_ids.to(lm.device), mask.to(lm.device)).float().cpu()
        for row, (d, w) in enumerate(where):
            a = layout.prefix + (w.keep_start - w.start)
            b = layout.prefix + (w.keep_end - w.start)
            out[d][w.keep_start:w.keep_end] = acts[row, a:b]
    return out
