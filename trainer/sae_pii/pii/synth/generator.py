"""The generator's entry point: seeded documents from one split, half whole templates, half composed."""

from __future__ import annotations

from collections.abc import Iterator

from sae_pii.pii.spans import Document
from sae_pii.pii.synth.compose import compose
from sae_pii.pii.synth.render import render
from sae_pii.pii.synth.templates import SPLITS, split_templates
from sae_pii.pii.synth.values import ValueMaker


def generate(n: int, split: str = "train", seed: int = 0) -> Iterator[Document]:
    """`n` documents from the templates of `split` ("train", "validation", "test" or "all"), seeded."""
    by_split = split_templates()
    pool = [t for s in SPLITS for t in by_split[s]] if split == "all" else by_split.get(split)
    if pool is None:
        raise ValueError(f"split must be one of {SPLITS + ('all',)}, not {split!r}")
    # Each split draws its own values too (distinct seeds), so no value is shared by construction.
    values = ValueMaker(seed * 1000 + {"train": 1, "validation": 2, "test": 3, "all": 4}[split])
    for i in range(n):
        # Half whole-document templates, half compositional documents from the same split's parts.
        if i % 2 == 1:
            yield compose(values, split)
            continue
        template = pool[(i // 2) % len(pool)] if i // 2 < len(pool) else values.rng.choice(pool)
        yield render(template, values)
