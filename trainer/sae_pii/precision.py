"""The dtype of the detector's matrix products: the model's forward, the SAE encoder, the probes.

Most of what detection costs above the model's forward pass is one product: the SAE encoder's
[tokens x 384] @ [384 x 3,072]. On CPUs with bfloat16 dot-product instructions (AVX512-BF16, AMX)
oneDNN runs it in bfloat16 5-6x faster than in float32 (1.4 vs 7-9 ms at 512 tokens on the 2-core
dev VM); on CPUs without them bfloat16 is emulated and slower. So "auto" times both once, on the
shape the detector multiplies, and keeps bfloat16 only where it wins by 2x or more.

bfloat16 keeps 8 bits of mantissa; on realistic text (set G's first 20 documents, measured once
when this came in) the SAE's top-32 latents agreed on 31.8 of 32 a token (the swaps sit at the
cut-off, where the values are smallest) and the kept values moved by 0.15 % (median).

The detector runs the model's forward under bfloat16 autocast by the same rule (asked on the
blocks' MLP shape): 2.2-2.5x faster on the dev VM (22.7 -> 10.2 ms for two 128-token windows), the
activations 0.5 % off float32 (median relative error per token). The probes are still fit on float32
activations (`fit-probes` never autocasts, so a run's probes do not depend on the CPU that fit
them); exact-span F1 with the bfloat16 forward moved by rounding only (docs/pii.md, eighteenth
session).
"""

from __future__ import annotations

import functools
import time

import torch

PRECISIONS = ("auto", "float32", "bfloat16")
MIN_SPEEDUP = 2.0  # below this the rounding is not worth it
SMALL_ROWS, SMALL_COLUMNS = 64, 128  # the first, cheap product "auto" times


def matmul_dtype(precision: str, device: str | torch.device, shape: tuple[int, ...]) -> torch.dtype:
    """The dtype for products with a [shape[0] x shape[1]] weight: what `precision` names, or for
    "auto" the faster of the two on this device (float32 off the CPU)."""
    if check(precision) != "auto":
        return getattr(torch, precision)
    if torch.device(device).type != "cpu":
        return torch.float32
    return torch.bfloat16 if _cpu_bfloat16_speedup(*map(int, shape)) >= MIN_SPEEDUP else torch.float32


def check(precision: str) -> str:
    """`precision` itself, or a ValueError that lists the choices."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r} unknown: choose one of {', '.join(PRECISIONS)}")
    return precision


@functools.cache
def _cpu_bfloat16_speedup(d_in: int, d_out: int, rows: int = 512) -> float:
    """float32 time / bfloat16 time of a [rows x d_in] @ [d_in x d_out] product (best of 5 each).
    A small product is timed first: where bfloat16 is emulated (an AVX2-only CPU multiplies it at
    ~1 GFLOP/s, 100x slower than float32) the full products would take 3-30 s a shape, in every
    process that loads a detector; a CPU that is 4x slower in bfloat16 on the small one cannot be
    2x faster on the full one."""
    try:
        small = _speedup(min(rows, SMALL_ROWS), d_in, min(d_out, SMALL_COLUMNS), repeats=2)
        if small < MIN_SPEEDUP / 8:
            return small
        return _speedup(rows, d_in, d_out)
    except RuntimeError:  # a build without bfloat16 kernels on this CPU: keep float32
        return 0.0


def _speedup(rows: int, d_in: int, d_out: int, repeats: int = 5) -> float:
    a, b = torch.randn(rows, d_in), torch.randn(d_in, d_out)
    return _best_time(a, b, repeats) / _best_time(a.bfloat16(), b.bfloat16(), repeats)


def _best_time(a: torch.Tensor, b: torch.Tensor, repeats: int = 5) -> float:
    a @ b  # first call: oneDNN picks and caches its kernel
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return best

