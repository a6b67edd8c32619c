"""One template filled with values; spans are computed while the text is assembled, so they are exact."""

from __future__ import annotations

import re

from sae_pii.pii.spans import Document, PIISpan
from sae_pii.pii.synth.slots import SLOT, slot_label
from sae_pii.pii.synth.templates import Template
from sae_pii.pii.synth.values import ValueMaker


def render(template: Template, values: ValueMaker, memo: bool = True) -> Document:
    """Fill one template; spans are computed while the text is assembled, so they are exact.
    A multi-line value placed after indentation (or a "> " quote) keeps that prefix on every line."""
    parts: list[str] = []
    spans: list[PIISpan] = []
    cache: dict[str, str] | None = {} if memo else None
    pos = 0
    last = 0
    for m in SLOT.finditer(template.text):
        literal = template.text[last:m.start()]
        parts.append(literal)
        pos += len(literal)
        slot = m.group(1)
        label = slot_label(slot)
        value = values.slot_value(slot, cache)
        if "\n" in value:
            done = "".join(parts)
            prefix = done[done.rfind("\n") + 1:]
            if prefix and _LINE_PREFIX.fullmatch(prefix):
                value = value.replace("\n", "\n" + prefix)
            elif prefix and values.rng.random() < 0.3:  # "Address: 1 Main St\n         Springfield"
                value = value.replace("\n", "\n" + " " * len(prefix))
        if label is not None:
            spans.append(PIISpan(pos, pos + len(value), label, 1.0, value))
        parts.append(value)
        pos += len(value)
        last = m.end()
    parts.append(template.text[last:])
    text = "".join(parts)
    return Document(text=text, spans=spans, meta={"template": template.id, "kind": template.kind})


_LINE_PREFIX = re.compile(r"[ \t]*(?:>[ \t]*)*")
