"""Value types at the boundaries: a labelled character span, and a document that carries them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, order=True)
class PIISpan:
    """One detected (or gold) entity: text[start:end] (end exclusive) is `text`."""

    start: int
    end: int
    label: str
    score: float = 1.0
    text: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Document:
    """A text with gold spans. `ignore` holds (start, end) regions of labels this project does not
    detect (e.g. presidio-research ORGANIZATION): predictions inside them are neither rewarded nor
    penalised by the evaluation."""

    text: str
    spans: list[PIISpan]
    ignore: list[tuple[int, int]] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        out = {
            "text": self.text,
            "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in self.spans],
        }
        if self.ignore:
            out["ignore"] = [list(r) for r in self.ignore]
        out.update(self.meta)
        return out
