"""Overlapping token windows and character segments: every token / character is kept exactly once,
with context on both sides, and short texts get exactly the single-pass activations."""

from __future__ import annotations

import itertools

import pytest
import torch
from sae_pii.pii.detector import segments
from sae_pii.pii.features import SpecialLayout, doc_activations, plan_windows, tokenize


@pytest.mark.parametrize("n", [0, 1, 50, 94, 95, 96, 200, 1000])
def test_windows_keep_every_token_once(n):
    size, overlap = 96, 32
    windows = plan_windows(n, size, overlap)
    kept = []
    for w in windows:
        assert 0 <= w.start <= w.keep_start <= w.keep_end <= w.end <= n
        assert w.end - w.start <= size
        kept.extend(range(w.keep_start, w.keep_end))
    assert kept == list(range(n))
    for a, b in itertools.pairwise(windows):
        assert a.end - b.start == overlap  # consecutive windows share `overlap` tokens
        # a kept token sits at least overlap/2 tokens from the edge it shares with a neighbour
        assert b.keep_start - b.start >= overlap // 2 and a.end - a.keep_end >= overlap // 2


def test_bad_window_sizes_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        plan_windows(10, 32, 32)


def test_special_layout_of_bert(minilm_tokenizer):
    layout = SpecialLayout(minilm_tokenizer)
    ids = minilm_tokenizer("hello world", add_special_tokens=False)["input_ids"]
    assert layout.build(ids) == minilm_tokenizer("hello world")["input_ids"]
    assert (layout.prefix, layout.n_special) == (1, 2)


def test_short_text_equals_one_forward_pass(tiny_lm):
    text = "Jane Doe lives at 12 Main Street, Springfield."
    tok = tokenize(tiny_lm.tokenizer, text)
    (acts,) = doc_activations(tiny_lm, [tok])
    enc = tiny_lm.tokenizer(text, return_tensors="pt")
    with torch.inference_mode():
        full = tiny_lm(enc["input_ids"], enc["attention_mask"])[0, 1:-1]
    assert acts.shape == (len(tok.ids), tiny_lm.d_model)
    torch.testing.assert_close(acts, full, atol=1e-5, rtol=1e-5)


def test_long_text_windows_are_stitched_in_order(tiny_lm):
    text = " ".join(f"word{i}" for i in range(400))
    tok = tokenize(tiny_lm.tokenizer, text)
    assert len(tok.ids) > 3 * 128
    (acts,) = doc_activations(tiny_lm, [tok], window=64, overlap=16)
    assert acts.shape == (len(tok.ids), tiny_lm.d_model)
    assert torch.isfinite(acts).all() and (acts.abs().sum(-1) > 0).all()  # no token left unfilled
    # Batching several documents together gives each the same rows as alone.
    (again, _) = doc_activations(tiny_lm, [tok, tokenize(tiny_lm.tokenizer, "short one")], window=64, overlap=16)
    torch.testing.assert_close(acts, again, atol=1e-5, rtol=1e-4)


def test_segments_partition_long_text():
    text = ("lorem ipsum dolor sit amet " * 3000).strip()
    parts = list(segments(text, size=5000, overlap=400))
    assert len(parts) > 10
    keeps = [(ks, ke) for _, _, ks, ke in parts]
    assert keeps[0][0] == 0 and keeps[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(keeps))
    for start, end, ks, ke in parts:
        assert start <= ks <= ke <= end and end - start <= 5000


def test_windows_of_similar_length_share_a_batch(tiny_lm):
    """window_batches sorts the windows by length before it batches them, so a batch pads little
    (these eight windows in document order pad 302 tokens, sorted 22), and every window of every
    document comes out exactly once."""
    from sae_pii.pii.features import window_batches

    toks = [tokenize(tiny_lm.tokenizer, " ".join(["word"] * n)) for n in (3, 90, 5, 60, 4, 100, 6, 70)]
    batches = list(window_batches(toks, SpecialLayout(tiny_lm.tokenizer), 128, 32, 2))
    longest = [int(mask.sum(1).max()) for _, mask, _ in batches]
    assert longest == sorted(longest)
    padding = sum(int((mask == 0).sum()) for _, mask, _ in batches)
    assert padding == 1 + 1 + 10 + 10  # (3, 4) (5, 6) (60, 70) (90, 100) words; in document order 302
    assert sorted(d for _, _, where in batches for d, _ in where) == list(range(len(toks)))
