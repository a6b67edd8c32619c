"""`sae-pii fit-probes`: activations of labelled documents -> SAE-latent probe and raw-activation
probe -> thresholds on validation -> run_dir/probes/.

The LM runs once per document (the expensive part); both probes read the same cached activations.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import torch

from sae_pii.pii import features as feat
from sae_pii.pii.align import token_labels
from sae_pii.pii.decode import decode, words_of
from sae_pii.pii.evaluate import span_scores
from sae_pii.pii.labels import LABELS
from sae_pii.pii.member_pool import TrainJob, train_members, worker_count
from sae_pii.pii.probes import (
    MIX,
    ProbeInfo,
    ProbeTrainConfig,
    TokenProbe,
    pack,
    save_probes,
    select_features,
    sparse_rows,
)
from sae_pii.pii.shapes import token_shapes
from sae_pii.pii.spans import Document

THRESHOLD_GRID = tuple(round(x, 2) for x in np.arange(0.1, 0.96, 0.05))


@torch.inference_mode()
def sae_features(sae, acts: list[torch.Tensor], chunk: int = 4096) -> list[torch.Tensor]:
    """SAE latents of CPU activations, computed on the SAE's device, returned on the CPU (where
    the training rows are packed; train_probe moves them to its device)."""
    device = sae.W_enc.device
    out = []
    for a in acts:
        out.append(torch.cat([sae.encode(a[i:i + chunk].to(device)).cpu() for i in range(0, max(len(a), 1), chunk)])
                   if len(a) else torch.zeros((0, sae.cfg.d_sae)))
    return out


@torch.inference_mode()
def sae_active_latents(sae, acts: list[torch.Tensor], chunk: int = 4096) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """A TopK SAE's k active latents per token as ([T, k] values, [T, k] int32 indices) on the CPU:
    what sae_features() scatters into its dense rows, kept small so that every seed's packing can
    rebuild those rows (latents_dense) without running the encoder again."""
    device = sae.W_enc.device
    out = []
    for a in acts:
        parts = [sae.encode_topk(a[i:i + chunk].to(device)) for i in range(0, len(a), chunk)]
        vals = torch.cat([v.cpu() for v, _ in parts]) if parts else torch.zeros((0, sae.cfg.k))
        idx = torch.cat([i.cpu() for _, i in parts]) if parts else torch.zeros((0, sae.cfg.k), dtype=torch.int64)
        out.append((vals, idx.int()))
    return out


def latents_dense(latents: tuple[torch.Tensor, torch.Tensor], d_sae: int) -> torch.Tensor:
    """[T, d_sae] dense rows of sae_active_latents' (values, indices): the same tensor sae_features()
    returns (the encoder scatters the same values into zeros)."""
    vals, idx = latents
    return vals.new_zeros((len(vals), d_sae)).scatter_(-1, idx.long(), vals)


def packs_sparse(kind: str, sae, cfg: ProbeTrainConfig) -> bool:
    """Whether a probe of `kind` trains on sparse rows: a TopK SAE's rows hold at most k latents."""
    return (kind == "sae" and sae is not None and sae.cfg.architecture == "topk"
            and sae.cfg.k + len(cfg.shape_features) <= cfg.sparse_keep and cfg.select_features >= sae.cfg.d_sae)


@torch.inference_mode()
def probe_probs(probe: TokenProbe, feats: list[torch.Tensor], shapes: list | None = None) -> list[np.ndarray]:
    shapes = shapes if probe.n_shapes else [None] * len(feats)
    return [probe(f, sh).numpy() if len(f) else np.zeros((0, probe.n_classes), np.float32)
            for f, sh in zip(feats, shapes)]


def with_shapes(feats: torch.Tensor, shapes: np.ndarray | None) -> torch.Tensor:
    """[T, F] features with the [T, S] token shapes appended (unchanged when shapes is None)."""
    return feats if shapes is None else torch.cat([feats, torch.from_numpy(shapes).to(feats)], 1)


def choose_thresholds(docs: list[Document], toks: list[feat.Tokens], probs: list[np.ndarray],
                      validators: bool = False) -> tuple[dict[str, float], dict]:
    """Per label, the grid threshold with the best exact-span F1 on validation (ties: nearest 0.5).
    Labels barely interact in decoding, so one decode per grid value serves all labels."""
    prepared = [words_of(d.text, tk.offsets, p) for d, tk, p in zip(docs, toks, probs)]  # the same for every threshold
    per_t = {}
    for t in THRESHOLD_GRID:
        thr = {lab: t for lab in LABELS}
        preds = [decode(d.text, tk.offsets, p, thr, validators=validators, prepared=w)
                 for d, tk, p, w in zip(docs, toks, probs, prepared)]
        per_t[t] = span_scores(docs, preds)
    chosen = {}
    for lab in LABELS:
        chosen[lab] = max(THRESHOLD_GRID, key=lambda t: (round(per_t[t].per_label[lab].f1, 4), -abs(t - 0.5)))
    preds = [decode(d.text, tk.offsets, p, chosen, validators=validators, prepared=w)
             for d, tk, p, w in zip(docs, toks, probs, prepared)]
    return chosen, span_scores(docs, preds).to_dict()


F1_PROBE, F1_RULES = "validation_exact_span_micro_f1", "validation_exact_span_micro_f1_with_validators"


def _validate(docs, toks, probs) -> tuple[dict[str, float], dict]:
    """Thresholds chosen on validation, and the metrics probes.json records: validation exact-span
    micro F1 without and with the rule layer (which runs on the same thresholds: one decode, not a
    second grid search)."""
    thresholds, scores = choose_thresholds(docs, toks, probs, validators=False)
    with_rules = span_scores(docs, [decode(d.text, tk.offsets, p, thresholds, validators=True)
                                    for d, tk, p in zip(docs, toks, probs)])
    metrics = {F1_PROBE: scores["micro"]["f1"], F1_RULES: with_rules.micro.to_dict()["f1"]}
    return {k: float(v) for k, v in thresholds.items()}, metrics


def _validation_line(metrics: dict) -> str:
    return (f"validation exact-span micro F1 {metrics[F1_PROBE]:.3f} (with validators {metrics[F1_RULES]:.3f}); "
            f"{metrics['fit_seconds']:.0f}s")


# Weights of the raw probe in the mixture tried on validation (the SAE probe gets the rest).
MIX_RAW_WEIGHTS = (0.5, 0.7)


def _mean_entry(name: str, members: dict[str, float], shapes: list[str], thresholds: dict[str, float], metrics: dict,
                t0: float):
    """A probes.json entry for the weighted mean of member probes' probabilities (which read `shapes`),
    with its own thresholds (chosen on validation): ((None, ProbeInfo) for save_probes, its metrics)."""
    metrics["fit_seconds"] = round(time.perf_counter() - t0, 1)
    info = ProbeInfo(name=name, feature=MIX, context=0, n_features=0, file="", metrics=metrics, shapes=shapes,
                     thresholds=thresholds, members=members)
    return (None, info), metrics


def _fit_seed_mean(kind: str, names: list[str], shapes: list[str], val_docs, tok_val,
                   member_probs: list[list[np.ndarray]], log=print):
    """The mean of one kind's probes fit with different seeds: an entry named `kind`."""
    t0 = time.perf_counter()
    probs = [np.mean(ps, axis=0) for ps in zip(*member_probs)]
    entry, metrics = _mean_entry(kind, {n: 1 / len(names) for n in names}, shapes, *_validate(val_docs, tok_val, probs),
                                 t0)
    log(f"mean of the {len(names)} {kind} probes: {_validation_line(metrics)}")
    return entry, metrics, probs


def _fit_mixture(val_docs, tok_val, val_probs: dict[str, list[np.ndarray]], members: dict[str, list[str]],
                 shapes: list[str], log=print):
    """The mean of the raw and SAE probes' probabilities, weighted as validation likes best, with its
    own thresholds: (None, ProbeInfo) for save_probes, and its validation metrics. `members`: the
    probe files of each kind (several seeds share a kind's weight equally)."""
    t0 = time.perf_counter()
    best = None
    for w in MIX_RAW_WEIGHTS:
        probs = [w * r + (1 - w) * a for r, a in zip(val_probs["raw"], val_probs["sae"])]
        thresholds, metrics = _validate(val_docs, tok_val, probs)
        if best is None or (metrics[F1_RULES], metrics[F1_PROBE]) > (best[2][F1_RULES], best[2][F1_PROBE]):
            best = (w, thresholds, metrics)
    w, thresholds, metrics = best
    weights = {**{n: w / len(members["raw"]) for n in members["raw"]},
               **{n: (1 - w) / len(members["sae"]) for n in members["sae"]}}
    entry, metrics = _mean_entry(MIX, weights, shapes, thresholds, metrics, t0)
    log(f"mixture {w:.1f} x raw + {1 - w:.1f} x SAE probe: {_validation_line(metrics)}")
    return entry, metrics


def member_name(kind: str, seed: int, n_seeds: int) -> str:
    """The probes.json name of one fitted probe: its kind, and its seed when several are averaged."""
    return kind if n_seeds == 1 else f"{kind}_seed{seed}"


def training_shapes(docs: list[Document], toks: list[feat.Tokens], cfg: ProbeTrainConfig) -> list[np.ndarray | None]:
    """The token shapes the probes train on: the name lexicon forgets `cfg.lexicon_forget` of each
    document's words, drawn per document from `cfg.seed` (validation and detection forget none)."""
    if not cfg.shapes:
        return [None] * len(docs)
    return [token_shapes(d.text, t.offsets, cfg.shape_features, lexicon_forget=cfg.lexicon_forget,
                         seed=cfg.seed * 1_000_003 + i) for i, (d, t) in enumerate(zip(docs, toks))]


def detection_shapes(docs: list[Document], toks: list[feat.Tokens], cfg: ProbeTrainConfig) -> list[np.ndarray | None]:
    """The token shapes validation reads, as detection computes them (no word forgotten)."""
    return [token_shapes(d.text, t.offsets, cfg.shape_features) if cfg.shapes else None for d, t in zip(docs, toks)]


def pack_training_features(kind: str, sae, acts: list[torch.Tensor], shapes: list[np.ndarray | None],
                           labels: list[np.ndarray], cfg: ProbeTrainConfig,
                           latents: list[tuple[torch.Tensor, torch.Tensor]] | None = None):
    """The training rows of one probe kind ("sae" or "raw"), packed for train_probe: (packed rows,
    the selected SAE latents or None, model features per token). `latents`: the documents'
    sae_active_latents, when already computed (several seeds pack the same latents)."""
    if kind == "sae" and sae is None:
        raise ValueError("an SAE is needed for the 'sae' probe")
    n_shapes = len(cfg.shape_features)
    index = None
    # A TopK SAE's rows hold at most k non-zeros: keep them sparse from the start (exact; 2-3x
    # faster to fit; the demo's 431k training tokens take ~170 MB instead of ~5 GB dense).
    sparse = packs_sparse(kind, sae, cfg)
    # A row holds at most k latents and the shapes: keeping more would only carry zeros through every step.
    keep = sae.cfg.k + n_shapes if sparse else None
    if sparse:
        n_model = sae.cfg.d_sae
        if latents is None:
            latents = sae_active_latents(sae, acts)
        rows = [sparse_rows(with_shapes(latents_dense(lat, n_model), sh), keep) for lat, sh in zip(latents, shapes)]
    elif kind == "sae":
        rows = sae_features(sae, acts)
        # "Sparse probe": read only the latents that separate PII classes from the rest
        # (cheaper to fit and to run, and fewer ways to memorise templates).
        index = select_features(rows, labels, cfg.select_features)
        if len(index) < sae.cfg.d_sae:  # (all latents kept: no copy)
            rows = [f[:, index] for f in rows]
        else:
            index = None
        n_model = rows[0].shape[1]
        rows = [with_shapes(f, sh) for f, sh in zip(rows, shapes)]
    else:
        n_model = acts[0].shape[1]
        rows = [with_shapes(f, sh) for f, sh in zip(acts, shapes)]
    packed = pack(rows, labels, cfg.reach, sparse_keep=keep, n_features=n_model + n_shapes)
    return packed, index, n_model


def _member_jobs(kinds, seeds: tuple[int, ...], sae, acts: list[torch.Tensor], labels: list[np.ndarray],
                 shapes_by_seed: dict, cfg: ProbeTrainConfig, latents, packed_info: dict, log=print) -> Iterator[TrainJob]:
    """One TrainJob per probe to fit (each kind, each seed), its rows packed only when it is asked
    for. `packed_info` receives each probe's (kind, selected SAE latents or None, seconds packing)."""
    for kind in kinds:
        for seed in seeds:
            name = member_name(kind, seed, len(seeds))
            member_cfg = replace(cfg, seed=seed)
            t0 = time.perf_counter()
            packed, index, n_model = pack_training_features(kind, sae, acts, shapes_by_seed[seed], labels, member_cfg,
                                                            latents if kind == "sae" else None)
            packed_info[name] = (kind, index, time.perf_counter() - t0)
            log(f"probe on {kind} features ({n_model} per token"
                + (f", selected from {sae.cfg.d_sae} SAE latents" if kind == "sae" else "")
                + (f", plus {len(cfg.shape_features)} token shapes" if cfg.shape_features else "")
                + f", context +-{cfg.context}"
                + (f", {cfg.hidden} hidden units reading +-{cfg.hidden_context}" if cfg.hidden else ", linear")
                + (f", seed {seed}" if len(seeds) > 1 else "") + f"): rows packed in {packed_info[name][2]:.0f}s")
            yield TrainJob(name, packed, member_cfg, len(cfg.shape_features))


def fit_probes(lm, sae, train_docs: list[Document], val_docs: list[Document], out_dir: Path,
               cfg: ProbeTrainConfig | None = None, kinds=("sae", "raw"), log=print,
               window: int = feat.DEFAULT_WINDOW, overlap: int = feat.DEFAULT_OVERLAP,
               hand_labelled: dict[str, int] | None = None, hand_labelled_repeat: int = 1,
               hand_labelled_validation: dict[str, int] | None = None, workers: int | None = None) -> dict:
    """Fit the probes on `train_docs` (which hold the hand-labelled documents too, when there are
    any: `hand_labelled` names their files and document counts for probes.json, so that `eval`
    can tell a score on them is no held-out score), choose thresholds on `val_docs` (which may hold
    some of those files' documents: `hand_labelled_validation`), and save. `workers`: processes
    that train the probes side by side (member_pool; default: one per CPU thread, 1 on a GPU)."""
    cfg = cfg or ProbeTrainConfig()
    t0 = time.perf_counter()
    # A document listed several times (`--hand-labelled-repeat`) is tokenized and run through the LM
    # once; its copies share the results.
    distinct = list({id(d): d for d in train_docs}.values())
    slot = {id(d): i for i, d in enumerate(distinct)}
    copies = [slot[id(d)] for d in train_docs]
    tok_distinct = [feat.tokenize(lm.tokenizer, d.text) for d in distinct]
    acts_distinct = feat.doc_activations(lm, tok_distinct, window, overlap)
    tok_train = [tok_distinct[i] for i in copies]
    acts_train = [acts_distinct[i] for i in copies]
    tok_val = [feat.tokenize(lm.tokenizer, d.text) for d in val_docs]
    lab_train = [token_labels(t.offsets, d.spans, d.ignore) for t, d in zip(tok_train, train_docs)]
    shapes_val = detection_shapes(val_docs, tok_val, cfg)
    acts_val = feat.doc_activations(lm, tok_val, window, overlap)
    n_tok = sum(len(t.ids) for t in tok_train)
    log(f"activations: {n_tok} training tokens, {sum(len(t.ids) for t in tok_val)} validation tokens "
        f"({time.perf_counter() - t0:.0f}s)")

    probes, summary, val_probs, members = {}, {}, {}, {}
    seeds = cfg.member_seeds
    # The lexicon forgets other words under each seed.
    shapes_by_seed = {seed: training_shapes(train_docs, tok_train, replace(cfg, seed=seed)) for seed in seeds}
    # The encoder runs once for all seeds: each packs the same latents beside its own token shapes.
    latents = None
    if "sae" in kinds and packs_sparse("sae", sae, cfg):
        latents_distinct = sae_active_latents(sae, acts_distinct)
        latents = [latents_distinct[i] for i in copies]
    f_val = {kind: sae_features(sae, acts_val) if kind == "sae" else acts_val for kind in kinds}
    packed_info: dict[str, tuple] = {}
    jobs = _member_jobs(kinds, seeds, sae, acts_train, lab_train, shapes_by_seed, cfg, latents, packed_info, log)
    n_workers = worker_count(lm.device, len(kinds) * len(seeds), workers)
    member_probs, fitted = {}, {}
    for name, probe, seconds in train_members(jobs, n_workers, lm.device, log):
        kind, index, pack_seconds = packed_info[name]
        if kind == "sae":
            probe.feature_index = index
        t1 = time.perf_counter()
        member_probs[name] = probe_probs(probe, f_val[kind], shapes_val)
        thresholds, metrics = _validate(val_docs, tok_val, member_probs[name])
        metrics["fit_seconds"] = round(pack_seconds + seconds + time.perf_counter() - t1, 1)
        fitted[name] = (probe, ProbeInfo(
            name=name, feature=kind, context=cfg.context, n_features=probe.n_features, hidden=probe.hidden,
            hidden_context=probe.hidden_context, thresholds=thresholds, file=f"{name}.safetensors",
            shapes=list(cfg.shape_features), metrics=metrics))
        log(f"  {name}: trained in {seconds:.0f}s; {_validation_line(metrics)}")
    for kind in kinds:  # in a fixed order (probes.json's too), whichever probe finished first
        members[kind] = [member_name(kind, seed, len(seeds)) for seed in seeds]
        probes.update({name: fitted[name] for name in members[kind]})
        if len(seeds) > 1:  # the detector's default is one of the means, never a single seed
            probes[kind], summary[kind], val_probs[kind] = _fit_seed_mean(
                kind, members[kind], list(cfg.shape_features), val_docs, tok_val,
                [member_probs[n] for n in members[kind]], log)
        else:
            summary[kind], val_probs[kind] = probes[kind][1].metrics, member_probs[kind]
    if {"sae", "raw"} <= set(val_probs):
        probes[MIX], summary[MIX] = _fit_mixture(val_docs, tok_val, val_probs, members, list(cfg.shape_features), log)
    # The detector's defaults are what scored best on validation: the probe, and whether the rule
    # layer runs on top of it.
    default = max(summary, key=lambda k: summary[k][F1_RULES])
    rules = summary[default][F1_RULES] >= summary[default][F1_PROBE]
    log(f"default: the {default} probe{' with the rule layer' if rules else ''} (best on validation)")
    extra = {
        "model_name": sae.cfg.model_name if sae is not None else getattr(lm, "name_or_path", None),
        "hook_layer": sae.cfg.hook_layer if sae is not None else lm.layer,
        "window": window, "overlap": overlap, "default_probe": default,
        "validators": rules, "train_config": asdict(cfg),
        "data": {"train_docs": len(train_docs), "validation_docs": len(val_docs), "train_tokens": n_tok,
                 "hand_labelled": hand_labelled or {}, "hand_labelled_repeat": hand_labelled_repeat,
                 "hand_labelled_validation": hand_labelled_validation or {}},
    }
    save_probes(out_dir, probes, extra)
    log(f"wrote {out_dir} ({time.perf_counter() - t0:.0f}s in all)")
    return summary
