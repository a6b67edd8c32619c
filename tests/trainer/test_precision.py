"""The detector's matmul dtype: explicit choices, "auto"'s 2x rule, and the SAE encoder in bfloat16
(close to float32, for inference only)."""

from __future__ import annotations

import pytest
import torch
from sae_pii import precision
from sae_pii.precision import matmul_dtype
from test_sae import activations, trained_like


def test_named_precisions_and_a_clear_error_for_others():
    assert matmul_dtype("float32", "cpu", (4, 4)) is torch.float32
    assert matmul_dtype("bfloat16", "cpu", (4, 4)) is torch.bfloat16
    assert matmul_dtype("auto", "cuda", (4, 4)) is torch.float32  # decided without touching a GPU
    with pytest.raises(ValueError, match="choose one of auto, float32, bfloat16"):
        matmul_dtype("fp8", "cpu", (4, 4))


@pytest.mark.parametrize(("speedup", "expected"), [(1.5, torch.float32), (2.0, torch.bfloat16), (5.5, torch.bfloat16)])
def test_auto_takes_bfloat16_only_where_it_is_twice_as_fast(monkeypatch, speedup, expected):
    monkeypatch.setattr(precision, "_cpu_bfloat16_speedup", lambda d_in, d_out: speedup)
    assert matmul_dtype("auto", "cpu", (384, 3072)) is expected


def test_the_speedup_is_a_timing_ratio_and_zero_without_bfloat16_kernels(monkeypatch):
    assert precision._cpu_bfloat16_speedup(8, 16, rows=4) > 0

    def no_bfloat16(a, b, repeats=5):
        if a.dtype is torch.bfloat16:
            raise RuntimeError("no kernel for BFloat16")
        return 1.0

    monkeypatch.setattr(precision, "_best_time", no_bfloat16)
    assert precision._cpu_bfloat16_speedup.__wrapped__(8, 16, rows=4) == 0.0  # (uncached: the cache holds the real one)


@pytest.mark.parametrize(("bfloat16_seconds", "full_product_timed"), [(10.0, False), (0.5, True)])
def test_an_emulated_bfloat16_is_told_by_a_small_product_alone(monkeypatch, bfloat16_seconds, full_product_timed):
    # On an AVX2-only CPU bfloat16 runs ~100x slower than float32: timing the full products cost
    # ~44 s in every process that loaded a detector.
    timed = []

    def best_time(a, b, repeats=5):
        timed.append((a.dtype, a.shape[0], b.shape[1]))
        return bfloat16_seconds if a.dtype is torch.bfloat16 else 1.0

    monkeypatch.setattr(precision, "_best_time", best_time)
    speedup = precision._cpu_bfloat16_speedup.__wrapped__(3080, 1280)
    assert timed[:2] == [(torch.float32, 64, 128), (torch.bfloat16, 64, 128)]
    assert ((torch.bfloat16, 512, 1280) in timed) is full_product_timed
    assert speedup == pytest.approx(1.0 / bfloat16_seconds)


def test_sae_encoder_in_bfloat16_keeps_almost_every_top_latent():
    sae = trained_like("topk", d=64, d_sae=256, k=16)
    x = activations(d=64, seed=5)
    with torch.inference_mode():
        exact = sae.pre_activations(x)
        low = sae.pre_activations(x, torch.bfloat16)
        assert low.dtype is torch.float32 and not torch.equal(low, exact)  # rounded, but little
        assert (low - exact).abs().max() < 0.02 * exact.abs().max()
        (_, top), (_, low_top) = sae.encode_topk(x), sae.encode_topk(x, torch.bfloat16)
    shared = sum(len(set(a.tolist()) & set(b.tolist())) for a, b in zip(top, low_top))
    assert shared >= 0.95 * top.numel()  # swaps only at the cut-off
    with pytest.raises(RuntimeError, match="inference_mode"):
        sae.pre_activations(x, torch.bfloat16)  # autograd on: training never rounds
