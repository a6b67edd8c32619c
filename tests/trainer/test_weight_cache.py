"""Derived weights (the probes' stacked weight, the SAE encoder in bfloat16) are made once per
version of their source, and on every call where caching would be wrong."""

from __future__ import annotations

import torch
from sae_pii.weight_cache import DerivedWeights


def test_a_derived_weight_is_made_again_only_when_its_source_changes():
    weight, cache, made = torch.randn(6, 5), DerivedWeights(), []

    def copy(w):
        made.append(1)
        return w.to(torch.bfloat16)

    with torch.no_grad():
        first = cache.get(weight, torch.bfloat16, lambda: copy(weight))
        assert cache.get(weight, torch.bfloat16, lambda: copy(weight)) is first and len(made) == 1
        weight.mul_(2.0)  # in place, as loading new weights does
        torch.testing.assert_close(cache.get(weight, torch.bfloat16, lambda: copy(weight)), weight.bfloat16())
        other = torch.randn(6, 5)
        torch.testing.assert_close(cache.get(other, torch.bfloat16, lambda: copy(other)), other.bfloat16())
        assert cache.get(other, "transposed", lambda: other.T) is not None and len(made) == 3  # keys apart
    assert len(made) == 3


def test_nothing_is_kept_with_autograd_on_or_for_inference_tensors():
    cache, calls = DerivedWeights(), []
    weight = torch.nn.Parameter(torch.randn(3, 2))
    for _ in range(2):
        calls.append(cache.get(weight, "t", lambda: weight.T * 1))
    assert calls[0] is not calls[1] and calls[0].requires_grad  # training sees the live weight
    with torch.inference_mode():
        frozen = torch.randn(3, 2)
        a, b = cache.get(frozen, "t", lambda: frozen.T.clone()), cache.get(frozen, "t", lambda: frozen.T.clone())
        assert a is not b  # an inference tensor has no version to tell a change by
