"""Tensors derived from a weight at inference (a reshaped copy, a copy in bfloat16), kept until the
weight changes: a 3,078 x 5 x 128 copy made on every call costs milliseconds of a detection.

A derived tensor is made again when its source is another tensor, or the same one updated in place
(load's copy_ bumps the tensor's version). With autograd on, and for inference tensors (which have
no version and may be written in place inside inference mode), it is made on every call.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable

import torch


class DerivedWeights:
    def __init__(self):
        self._entries: dict[Hashable, tuple[weakref.ref, int, torch.Tensor]] = {}

    def get(self, source: torch.Tensor, key: Hashable, make: Callable[[], torch.Tensor]) -> torch.Tensor:
        """make()'s tensor for `key`, derived from `source`, made again only when `source` changed."""
        if torch.is_grad_enabled() or source.is_inference():
            return make()
        entry = self._entries.get(key)
        if entry is None or entry[0]() is not source or entry[1] != source._version:
            entry = self._entries[key] = (weakref.ref(source), source._version, make())
        return entry[2]
