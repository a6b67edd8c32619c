"""What the rule layer makes of one span: the helper the rule tests share (`tests/pii` is on the
import path as the tests' own folder)."""

from __future__ import annotations

from sae_pii.pii.decode import apply_validators
from sae_pii.pii.spans import PIISpan


def validated(text: str, value: str, label: str) -> list[PIISpan]:
    """The rule layer's output for one span of `label` on the first `value` in `text`."""
    a = text.index(value)
    return apply_validators(text, [PIISpan(a, a + len(value), label, 0.9, value)])
