"""SAEPIIDetector: model cut at layer L -> SAE latents -> probe -> character spans.

    det = SAEPIIDetector.from_pretrained("models/sae-trained")
    det.detect("Call Jane Doe at 555-123-4567")   # [PIISpan(5, 13, 'PERSON', 0.97, 'Jane Doe'), ...]
    det.redact(text, style="label")               # "Call <PERSON> at <PHONE_NUMBER>"

Long inputs are cut into character segments (bounded memory: a 10 MB string never lives as one
token or activation tensor), each segment into overlapping token windows; spans are merged back.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch

from sae_pii.pii import features as feat
from sae_pii.pii import place_names, script_names, word_frequencies
from sae_pii.pii.decode import decode
from sae_pii.pii.name_lexicon import known_given_names, known_names, known_surnames
from sae_pii.pii.probes import ProbeMixture, load_probes, token_probes
from sae_pii.pii.rules import apply_validators
from sae_pii.pii.shapes import preload_lexicons, token_shapes
from sae_pii.pii.spans import PIISpan
from sae_pii.precision import check as check_precision
from sae_pii.precision import matmul_dtype

PROBES_DIR = "probes"
SEGMENT_CHARS = 16_000
SEGMENT_OVERLAP = 1_000  # characters; entities longer than half of this could be cut at a seam
REDACT_STYLES = ("label", "mask", "hash")


def _check_text(text) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}; decode bytes first (e.g. data.decode('utf-8'))")
    return text


def segments(text: str, size: int = SEGMENT_CHARS, overlap: int = SEGMENT_OVERLAP) -> Iterator[tuple[int, int, int, int]]:
    """(start, end, keep_start, keep_end) character segments; cuts fall on whitespace where possible.
    A span belongs to the segment whose keep range holds its start."""
    n = len(text)
    if n <= size:
        yield 0, n, 0, n
        return
    start, keep_start = 0, 0
    while True:
        end = min(start + size, n)
        if end < n:
            ws = text.rfind(" ", end - overlap // 4, end)
            nl = text.rfind("\n", end - overlap // 4, end)
            cut = max(ws, nl)
            end = cut + 1 if cut > start else end
        if end >= n:
            yield start, n, keep_start, n
            return
        next_start = max(end - overlap, start + 1)
        ws = text.find(" ", next_start, next_start + overlap // 4)
        if ws != -1:
            next_start = ws + 1
        keep_end = (next_start + end) // 2
        yield start, end, keep_start, keep_end
        start, keep_start = next_start, keep_end


def by_length_batches(texts: list[str], size: int, indices: list[int] | None = None) -> Iterator[list[int]]:
    """The indices of `texts` (or those in `indices`) in batches of `size`, shortest text first.
    Texts of similar length share a batch, so their token windows need less padding: in file order,
    presidio-research's sentences ran 1.5-1.6 tokens through the model per token of text."""
    order = sorted(range(len(texts)) if indices is None else indices, key=lambda i: len(texts[i]))
    for i in range(0, len(order), size):
        yield order[i:i + size]


class SAEPIIDetector:
    def __init__(self, lm, sae, probe, info, validators: bool = False, window: int = feat.DEFAULT_WINDOW,
                 overlap: int = feat.DEFAULT_OVERLAP, batch_windows: int = 16, precision: str = "auto"):
        self.lm, self.sae, self.probe, self.info = lm, sae, probe, info
        self.validators = validators
        self.window, self.overlap, self.batch_windows = window, overlap, batch_windows
        self.thresholds = dict(info.thresholds)
        self._layout = feat.SpecialLayout(lm.tokenizer)
        self._set_precision(precision)

    def _set_precision(self, precision: str) -> None:
        """The model's forward (under autocast), the SAE encoder's and the probes' dense products in
        bfloat16 where this CPU does them 2x faster than float32 (sae_pii.precision)."""
        self.precision = check_precision(precision)
        d_model = self.lm.d_model
        d_mlp = int(getattr(self.lm.model.config, "intermediate_size", 4 * d_model))
        self.forward_dtype = matmul_dtype(precision, self.lm.device, (d_model, d_mlp))  # timed on the blocks' MLP
        self.sae_matmul_dtype = (matmul_dtype(precision, self.lm.device, (self.sae.cfg.d_in, self.sae.cfg.d_sae))
                                 if self.sae is not None else None)
        for p in token_probes(self.probe):
            p.precision = precision

    @classmethod
    def from_pretrained(cls, run_dir: str | os.PathLike, device: str | torch.device = "cpu", probe: str | None = None,
                        validators: bool | None = None, precision: str = "auto") -> SAEPIIDetector:
        """Load the LM (named by the SAE's cfg), the SAE and the probes from a `sae-pii train` run dir.

        probe: "sae", "raw" (the raw-activation baseline) or "mix" (the mean of both); default: what
        fit-probes found best on validation. validators: add the rule layer
        (email syntax, Luhn, IBAN, IP, SSN shape) on top of the probe; default: what fit-probes recorded.
        precision: the dtype of the SAE encoder's and the probes' products: "float32", "bfloat16", or
        "auto" (bfloat16 on a CPU that multiplies it 2x faster or more, else float32).
        """
        run = _run_dir(run_dir)
        meta, probes = load_probes(run / PROBES_DIR, device=device)
        name = probe or meta.get("default_probe", "sae")
        if name not in probes:
            raise ValueError(f"probe {name!r} not in {run / PROBES_DIR}: available {sorted(probes)}")
        p, info = probes[name]
        lm, sae = _load_lm_and_sae(run, meta, _reads_sae(p, info), device)
        preload_lexicons(p.shape_features)  # the probe's name-lexicon columns, not in the first detect()
        if validators is None:
            validators = bool(meta.get("validators", False))
        if validators:
            # The rule layer's name lexicons and place names, built here once rather than in the first detect().
            known_names()
            known_given_names()
            known_surnames()
            place_names.preload()
            script_names.preload()
            word_frequencies.frequent_words()
        return cls(lm, sae, p, info, validators=validators, precision=precision, **_windowing(meta))

    # ------------------------------------------------------------------------------------------
    def token_probs(self, texts: list[str], toks: list[feat.Tokens]) -> list[np.ndarray]:
        """Per tokenized text: [T, n_classes] probabilities."""
        return self.probs_from_activations(self.activations(toks), texts, toks)

    def activations(self, toks: list[feat.Tokens]) -> list[torch.Tensor]:
        """Per tokenized text: [T, d_model] float32 activations of the model's forward in this
        detector's precision."""
        with self.forward_precision():
            return feat.doc_activations(self.lm, toks, self.window, self.overlap, self.batch_windows)

    def forward_precision(self):
        """The context the model's forward runs in: bfloat16 autocast where the precision picked it
        (2.2-2.5x faster on the dev VM's CPU; the probes' F1 moved by rounding only, docs/pii.md)."""
        if self.forward_dtype == torch.float32:
            return contextlib.nullcontext()
        return torch.autocast(torch.device(self.lm.device).type, dtype=self.forward_dtype)

    @torch.inference_mode()
    def probs_from_activations(self, acts: list[torch.Tensor], texts: list[str], toks: list[feat.Tokens],
                               shared: dict | None = None) -> list[np.ndarray]:
        """Per text: [T, d_model] activations -> [T, n_classes] probabilities (lets several probes
        share one LM pass, as the evaluation does). `texts`/`toks` give the token shapes. `shared`: a
        dict that detectors sharing this LM and SAE pass for the same texts, so that each text's SAE
        latents, token shapes and each (fused) probe's output are computed once among them (the
        "sae", "raw" and "mix" detectors run the same fused probes: the same numbers either way)."""
        out = []
        for i, (a, text, tk) in enumerate(zip(acts, texts, toks)):
            if len(a) == 0:
                out.append(np.zeros((0, self.probe.n_classes), dtype=np.float32))
                continue
            # unshared, nothing is kept past its text (detect_batch of a long input stays bounded)
            memo = {} if shared is None else shared
            out.append(self._probs(i, a.to(self.lm.device), text, tk, memo).float().cpu().numpy())
        return out

    def _probs(self, i: int, acts: torch.Tensor, text: str, tk: feat.Tokens, memo: dict) -> torch.Tensor:
        """Text i's probabilities, reusing what `memo` already holds for it."""
        def once(key, make):
            if key not in memo:
                memo[key] = make()
            return memo[key]

        shape_names = self.probe.shape_features
        shapes = once(("shapes", i, shape_names), lambda: token_shapes(text, tk.offsets, shape_names)) \
            if self.probe.n_shapes else None

        def features(kind: str):
            return once(("features", i, kind, id(self.sae), self.sae_matmul_dtype), lambda: self._features(kind, acts))

        if isinstance(self.probe, ProbeMixture):
            return self.probe.combine([once(("probe", i, id(p)), lambda p=p, f=f: p(features(f), shapes))
                                       for f, p in zip(self.probe.features, self.probe.probes)])
        return once(("probe", i, id(self.probe)), lambda: self.probe(features(self.info.feature), shapes))

    def probe_input(self, acts: torch.Tensor):
        """[T, d_model] activations -> what the probe reads: the activations themselves (raw probe)
        or the SAE latents (a TopK SAE hands over its k active latents, not d_sae columns); for a
        mixture, {feature kind: input} for its members."""
        if isinstance(self.probe, ProbeMixture):
            return {f: self._features(f, acts) for f in set(self.probe.features)}
        return self._features(self.info.feature, acts)

    def _features(self, kind: str, acts: torch.Tensor):
        if kind == "raw":
            return acts
        return self.sae.encode_topk(acts, self.sae_matmul_dtype) or self.sae.encode(acts)

    def decode_all(self, texts: list[str], toks: list[feat.Tokens], probs: list[np.ndarray],
                   shared: dict | None = None) -> list[list[PIISpan]]:
        """Each text's spans from its token probabilities. `shared`: a dict that detectors decoding
        the same `probs` pass around (eval's "sae" and "sae+rules"): the spans before the rule layer,
        which is the last step of decode(), are then found once per thresholds and kept there."""
        if shared is None:
            return [decode(t, tk.offsets, pr, self.thresholds, validators=self.validators)
                    for t, tk, pr in zip(texts, toks, probs)]
        key = (id(probs), tuple(sorted(self.thresholds.items())))
        if key not in shared:
            shared[key] = (probs, [decode(t, tk.offsets, pr, self.thresholds) for t, tk, pr in zip(texts, toks, probs)])
        plain = shared[key][1]  # (the probabilities are kept beside them: their id stays theirs)
        return [apply_validators(t, spans) for t, spans in zip(texts, plain)] if self.validators else list(plain)

    def _detect_pieces(self, pieces: list[str]) -> list[list[PIISpan]]:
        toks = [feat.tokenize(self.lm.tokenizer, p) for p in pieces]
        return self.decode_all(pieces, toks, self.token_probs(pieces, toks))

    def detect(self, text: str) -> list[PIISpan]:
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: list[str]) -> list[list[PIISpan]]:
        if isinstance(texts, str) or not isinstance(texts, (list, tuple)):
            raise TypeError(f"texts must be a list of str, got {type(texts).__name__}")
        for t in texts:
            _check_text(t)
        results: list[list[PIISpan]] = [[] for _ in texts]
        short = [i for i, t in enumerate(texts) if 0 < len(t) <= SEGMENT_CHARS]
        # Short texts share window batches; long ones stream segment by segment.
        for idx in by_length_batches(texts, 64, short):
            for i, spans in zip(idx, self._detect_pieces([texts[i] for i in idx])):
                results[i] = spans
        for i, t in enumerate(texts):
            if len(t) > SEGMENT_CHARS:
                results[i] = list(self.iter_detect(t))
        return results

    def iter_detect(self, text: str) -> Iterator[PIISpan]:
        """Spans of a text of any length, in order, with memory bounded by one segment."""
        _check_text(text)
        last_end = 0
        for start, end, keep_s, keep_e in segments(text):
            for sp in self._detect_pieces([text[start:end]])[0]:
                a, b = sp.start + start, sp.end + start
                if keep_s <= a < keep_e and a >= last_end:
                    yield PIISpan(a, b, sp.label, sp.score, sp.text)
                    last_end = b

    # ------------------------------------------------------------------------------------------
    def redact(self, text: str, style: str = "label", spans: list[PIISpan] | None = None, salt: str | None = None) -> str:
        """Replace every detected span. style: "label" -> <PERSON>; "mask" -> ****** (same length,
        whitespace kept); "hash" -> <PERSON_3f2a9c1b> where equal values give equal tags (sha256 of
        salt + label + value; salt defaults to env SAE_PII_HASH_SALT: set it so tags cannot be
        reversed by hashing guesses)."""
        _check_text(text)
        if style not in REDACT_STYLES:
            raise ValueError(f"redaction style {style!r} unknown: choose one of {', '.join(REDACT_STYLES)}")
        if spans is None:
            spans = self.detect(text)
        return redact_spans(text, spans, style, salt)


def redact_spans(text: str, spans: list[PIISpan], style: str = "label", salt: str | None = None) -> str:
    if salt is None:
        salt = os.environ.get("SAE_PII_HASH_SALT", "")
    out, pos = [], 0
    for sp in sorted(spans, key=lambda s: s.start):
        if sp.start < pos:
            continue
        out.append(text[pos:sp.start])
        value = text[sp.start:sp.end]
        if style == "label":
            out.append(f"<{sp.label}>")
        elif style == "mask":
            out.append(re.sub(r"\S", "*", value))
        else:
            digest = hashlib.sha256(f"{salt}\x00{sp.label}\x00{value}".encode()).hexdigest()[:8]
            out.append(f"<{sp.label}_{digest}>")
        pos = sp.end
    out.append(text[pos:])
    return "".join(out)


SYSTEMS = ("sae", "sae+rules", "raw", "raw+rules", "mix", "mix+rules", "presidio")


def _reads_sae(probe, info) -> bool:
    return info.feature == "sae" or (isinstance(probe, ProbeMixture) and "sae" in probe.features)


def _run_dir(run_dir: str | os.PathLike) -> Path:
    run = Path(run_dir)
    if not run.is_dir():
        raise FileNotFoundError(f"{run}: no such run directory; train one with `sae-pii train --out-dir {run}`")
    return run


def _windowing(meta: dict) -> dict:
    """The token windows fit-probes used (probes.json), for the detector to use the same."""
    return {"window": int(meta.get("window", feat.DEFAULT_WINDOW)), "overlap": int(meta.get("overlap", feat.DEFAULT_OVERLAP))}


def _load_lm_and_sae(run: Path, meta: dict, with_sae: bool, device):
    """The truncated LM the probes read (named by the SAE's cfg, else by probes.json) and, when a
    probe reads its latents, the SAE; checked against each other."""
    from sae_pii.lm import TruncatedLM
    from sae_pii.sae import SparseAutoencoder

    sae = SparseAutoencoder.from_pretrained(run, device=device) if with_sae else None
    model_name, layer = meta.get("model_name"), meta.get("hook_layer")
    if sae is not None:
        model_name = sae.cfg.model_name or model_name
        layer = sae.cfg.hook_layer if sae.cfg.hook_layer is not None else layer
    if model_name is None or layer is None:
        raise ValueError(f"{run}: cannot tell which model and layer the SAE reads (cfg.model_name / hook_layer)")
    lm = TruncatedLM.from_pretrained(model_name, int(layer), device=device)
    if sae is not None:
        sae.eval().requires_grad_(False)
        if sae.cfg.d_in != lm.d_model:
            raise ValueError(f"SAE d_in={sae.cfg.d_in} does not match {model_name} d_model={lm.d_model}")
    return lm, sae


def load_systems(run_dir: str | os.PathLike, names: list[str], device: str = "cpu", precision: str = "auto") -> dict:
    """Detectors for side-by-side evaluation, sharing one LM and SAE: "sae" (SAE-latent probe alone),
    "sae+rules" (plus the validator rule layer), "raw" / "raw+rules" (raw-activation probe),
    "mix" / "mix+rules" (the mean of both), "presidio" (the offline Presidio analyzer)."""
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        raise ValueError(f"unknown system(s) {unknown}: choose from {', '.join(SYSTEMS)}")
    out: dict = {}
    kinds = [n.split("+")[0] for n in names if n != "presidio"]
    if kinds:
        run = _run_dir(run_dir)
        meta, probes = load_probes(run / PROBES_DIR, device=device)
        missing = sorted(set(kinds) - set(probes))
        if missing:
            raise ValueError(f"no {missing[0]!r} probe in {run / PROBES_DIR}: available {sorted(probes)}")
        lm, sae = _load_lm_and_sae(run, meta, any(_reads_sae(*probes[k]) for k in kinds), device)
    for n in names:
        if n == "presidio":
            from sae_pii.pii.presidio_baseline import PresidioBaseline

            out[n] = PresidioBaseline()
            continue
        probe, info = probes[n.split("+")[0]]
        out[n] = SAEPIIDetector(lm, sae if _reads_sae(probe, info) else None, probe, info,
                                validators=n.endswith("+rules"), precision=precision, **_windowing(meta))
    return out
