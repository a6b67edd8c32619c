"""Scores for a detector: exact-span and token-level P/R/F1 per label, micro and macro, a label
confusion, and latency percentiles.

Exact span: a prediction counts only if (start, end, label) equal a gold span. Token level: every
token of the evaluation tokenizer is labelled from gold and from predicted spans (align.py), and
compared per label. Predictions overlapping an `ignore` region (labels we do not detect, e.g.
presidio-research ORGANIZATION) and matching no gold span are dropped before scoring: neither
rewarded nor penalised.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from sae_pii.pii.labels import LABELS, OUTSIDE
from sae_pii.pii.spans import Document, PIISpan


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def to_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "support": self.support}


@dataclass
class Scores:
    per_label: dict[str, PRF] = field(default_factory=lambda: {lab: PRF() for lab in LABELS})

    @property
    def micro(self) -> PRF:
        return PRF(sum(p.tp for p in self.per_label.values()), sum(p.fp for p in self.per_label.values()),
                   sum(p.fn for p in self.per_label.values()))

    def macro_f1(self) -> float:
        # Averaged over labels present in gold or predictions: absent labels say nothing.
        used = [p for p in self.per_label.values() if p.tp + p.fp + p.fn > 0]
        return sum(p.f1 for p in used) / len(used) if used else 0.0

    def to_dict(self) -> dict:
        return {"per_label": {k: v.to_dict() for k, v in self.per_label.items()},
                "micro": self.micro.to_dict(), "macro_f1": round(self.macro_f1(), 4)}


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def filter_ignored(pred: list[PIISpan], gold: list[PIISpan], ignore: list[tuple[int, int]]) -> list[PIISpan]:
    gold_keys = {(g.start, g.end, g.label) for g in gold}
    return [p for p in pred if (p.start, p.end, p.label) in gold_keys
            or not any(_overlaps((p.start, p.end), r) for r in ignore)]


def span_scores(docs: list[Document], preds: list[list[PIISpan]]) -> Scores:
    scores = Scores()
    for doc, pred in zip(docs, preds):
        pred = filter_ignored(pred, doc.spans, doc.ignore)
        gold_keys = Counter((g.start, g.end, g.label) for g in doc.spans)
        pred_keys = Counter((p.start, p.end, p.label) for p in pred)
        for key, n in pred_keys.items():
            hit = min(n, gold_keys.get(key, 0))
            scores.per_label[key[2]].tp += hit
            scores.per_label[key[2]].fp += n - hit
        for key, n in gold_keys.items():
            scores.per_label[key[2]].fn += max(0, n - pred_keys.get(key, 0))
    return scores


def char_labels(n_chars: int, spans: Iterable[PIISpan]) -> np.ndarray:
    out = np.zeros(n_chars, dtype=np.int16)
    for s in spans:
        out[s.start:s.end] = LABELS.index(s.label) + 1
    return out


def token_scores(docs: list[Document], preds: list[list[PIISpan]], tokenize: Callable[[str], np.ndarray]) -> Scores:
    """`tokenize(text)` -> [T, 2] character offsets. A token's label is the label of its first
    non-space character (gold and predicted alike); tokens inside ignore regions are skipped."""
    scores = Scores()
    for doc, pred in zip(docs, preds):
        pred = filter_ignored(pred, doc.spans, doc.ignore)
        offsets = tokenize(doc.text)
        gold_c = char_labels(len(doc.text), doc.spans)
        pred_c = char_labels(len(doc.text), pred)
        ign = np.zeros(len(doc.text), dtype=bool)
        for a, b in doc.ignore:
            ign[a:b] = True
        for s, e in offsets.tolist():
            if e <= s:
                continue
            pos = next((i for i in range(s, e) if not doc.text[i].isspace()), s)
            g, p = int(gold_c[pos]), int(pred_c[pos])
            if ign[pos] and g == 0:
                continue
            if g and g == p:
                scores.per_label[LABELS[g - 1]].tp += 1
            else:
                if g:
                    scores.per_label[LABELS[g - 1]].fn += 1
                if p:
                    scores.per_label[LABELS[p - 1]].fp += 1
    return scores


def confusion(docs: list[Document], preds: list[list[PIISpan]]) -> dict[str, dict[str, int]]:
    """gold label -> predicted label (of the most-overlapping predicted span, or O if none) -> count;
    row O counts predicted spans that overlap no gold span."""
    table: dict[str, Counter] = defaultdict(Counter)
    for doc, pred in zip(docs, preds):
        pred = filter_ignored(pred, doc.spans, doc.ignore)
        for g in doc.spans:
            best, best_ov = OUTSIDE, 0
            for p in pred:
                ov = min(g.end, p.end) - max(g.start, p.start)
                if ov > best_ov:
                    best, best_ov = p.label, ov
            table[g.label][best] += 1
        for p in pred:
            if not any(_overlaps((p.start, p.end), (g.start, g.end)) for g in doc.spans):
                table[OUTSIDE][p.label] += 1
    return {k: dict(v) for k, v in table.items()}


def percentile_ms(seconds: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(seconds) * 1000.0, q)) if seconds else 0.0


def evaluate(docs: list[Document], preds: list[list[PIISpan]], tokenize=None,
             latencies_s: list[float] | None = None) -> dict:
    out = {"n_docs": len(docs), "n_gold_spans": sum(len(d.spans) for d in docs),
           "exact_span": span_scores(docs, preds).to_dict(), "confusion": confusion(docs, preds)}
    if tokenize is not None:
        out["token"] = token_scores(docs, preds, tokenize).to_dict()
    if latencies_s:
        out["latency_ms"] = {"p50": round(percentile_ms(latencies_s, 50), 2),
                             "p95": round(percentile_ms(latencies_s, 95), 2)}
    return out


def format_table(results: dict[str, dict], level: str = "exact_span", title: str = "") -> str:
    """One table, labels down, systems across: F1 (P/R) per label, then micro and macro."""
    systems = list(results)
    head = f"{'label':<19}" + "".join(f"{s:>26}" for s in systems)
    lines = [title, head, "-" * len(head)] if title else [head, "-" * len(head)]

    def cell(d: dict) -> str:
        return f"{d['f1']:.3f} ({d['precision']:.2f}/{d['recall']:.2f})"

    for lab in LABELS:
        sup = [results[s][level]["per_label"][lab]["support"] for s in systems]
        if not any(sup) and not any(results[s][level]["per_label"][lab]["fp"] for s in systems):
            continue
        row = f"{lab:<19}" + "".join(f"{cell(results[s][level]['per_label'][lab]) + f' n={sup[i]}':>26}"
                                     for i, s in enumerate(systems))
        lines.append(row)
    lines.append("-" * len(head))
    lines.append(f"{'micro':<19}" + "".join(f"{cell(results[s][level]['micro']):>26}" for s in systems))
    lines.append(f"{'macro F1':<19}" + "".join(f"{results[s][level]['macro_f1']:>26.3f}" for s in systems))
    lat = ["{p50:.1f}/{p95:.1f} ms".format(**results[s]["latency_ms"]) if "latency_ms" in results[s] else "-"
           for s in systems]
    lines.append(f"{'latency p50/p95':<19}" + "".join(f"{x:>26}" for x in lat))
    return "\n".join(lines)


def compare(docs: list[Document], systems: dict, tokenizer=None, latency_docs: int = 100,
            batch_size: int = 64, views: dict[str, list[Document]] | None = None) -> dict[str, dict]:
    """Run every system on the documents (batched, for scores) and time `latency_docs` of them one
    at a time (for latency); return {system: evaluate(...)}. `views`: other gold annotations of the
    same texts (e.g. presidio-research with address parts joined), scored on the same predictions
    under result["views"][name]."""
    import time

    tokenize = None
    if tokenizer is not None:
        offsets: dict[str, np.ndarray] = {}  # every system and view scores the same texts: tokenize each once

        def tokenize(text: str) -> np.ndarray:
            if text not in offsets:
                enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
                offsets[text] = np.asarray(enc["offset_mapping"], dtype=np.int64).reshape(-1, 2)
            return offsets[text]
    out = {}
    texts = [d.text for d in docs]
    for view, gold in (views or {}).items():
        if [d.text for d in gold] != texts:
            raise ValueError(f"view {view!r} does not annotate the same texts")
    shared = _shared_predictions(texts, systems, batch_size)
    for name, det in systems.items():
        preds = shared.get(name)
        if preds is None:
            preds = []
            for i in range(0, len(texts), batch_size):
                preds.extend(det.detect_batch(texts[i:i + batch_size]))
        lat = []
        for t in texts[:latency_docs]:
            t0 = time.perf_counter()
            det.detect(t)
            lat.append(time.perf_counter() - t0)
        out[name] = evaluate(docs, preds, tokenize, lat)
        for view, gold in (views or {}).items():
            out[name].setdefault("views", {})[view] = evaluate(gold, preds, tokenize)
    return out


def _shared_predictions(texts: list[str], systems: dict, batch_size: int) -> dict[str, list[list[PIISpan]]]:
    """Detectors that share one truncated LM (SAE probe, raw probe, with or without rules) read the
    same activations: run the LM once per batch for all of them. Same results as detect_batch for
    texts that fit one segment; longer texts are left to detect_batch."""
    from sae_pii.pii import features as feat
    from sae_pii.pii.detector import SEGMENT_CHARS, SAEPIIDetector, by_length_batches

    groups: dict[int, list[str]] = {}
    for name, det in systems.items():
        if isinstance(det, SAEPIIDetector):
            groups.setdefault(id(det.lm), []).append(name)
    out: dict[str, list[list[PIISpan]]] = {}
    if any(len(t) > SEGMENT_CHARS for t in texts):
        return out
    for names in groups.values():
        first = systems[names[0]]
        preds: dict[str, list[list[PIISpan]]] = {n: [[] for _ in texts] for n in names}
        for idx in by_length_batches(texts, batch_size):
            batch = [texts[j] for j in idx]
            toks = [feat.tokenize(first.lm.tokenizer, t) for t in batch]
            acts = first.activations(toks)
            probs_by_probe: dict[int, list] = {}
            computed: dict = {}  # SAE latents, token shapes and fused probes' outputs, once per text
            decoded: dict = {}  # spans before the rule layer, once for "x" and "x+rules"
            for n in names:
                det = systems[n]
                key = id(det.probe)
                if key not in probs_by_probe:
                    probs_by_probe[key] = det.probs_from_activations(acts, batch, toks, computed)
                for j, spans in zip(idx, det.decode_all(batch, toks, probs_by_probe[key], decoded)):
                    preds[n][j] = spans
        out.update(preds)
    return out


def format_confusion(table: dict[str, dict[str, int]], title: str = "") -> str:
    cols = [lab for lab in (*LABELS, OUTSIDE) if any(lab in row for row in table.values())]
    rows = [lab for lab in (*LABELS, OUTSIDE) if lab in table]
    short = {lab: lab.replace("_ADDRESS", "").replace("_NUMBER", "")[:9] for lab in cols}
    corner = "gold \\ pred"
    head = f"{corner:<19}" + "".join(f"{short[c]:>10}" for c in cols)
    lines = ([title] if title else []) + [head]
    for r in rows:
        lines.append(f"{r:<19}" + "".join(f"{table[r].get(c, 0) or '.':>10}" for c in cols))
    return "\n".join(lines)
