"""The detector's and the probe trainer's own kernels against the plain torch way of computing the
same thing, at the default model's shapes (d_model 384, 3,072 latents, k 32, two fused probes of 128
hidden units reading +-2 tokens, 11 classes, 512 tokens): each row is one computation, ours and the
peer in turns, ratio = peer time / ours (> 1: ours faster). The last row is not a time: the LM
tokens run per real token when windows are batched by length (ours) or in document order (peer).
The sixteenth, seventeenth, twenty-second and twenty-third sessions' changes (docs/pii.md) are each one row here.

    python -m bench.detector_kernels            (also part of `make bench`)

Random tensors of those shapes stand in for a run's weights: the speed depends on the shapes only.
"""

from __future__ import annotations

import statistics

T, D_MODEL, D_SAE, K = 512, 384, 3072, 32
HIDDEN, SEEDS, CONTEXT, N_CLASSES = 128, 2, 2, 11


def _row(metric: str, ours: float, peer: float, peer_name: str, notes: str, unit: str = "ms") -> dict:
    return {"bench": "detector_kernels", "metric": metric, "unit": unit, "ours": round(ours, 4), "peer": round(peer, 4),
            "peer_name": peer_name, "ratio": round(peer / ours, 3) if ours else None, "notes": notes}


def _timed(ours, peer, repeats: int) -> tuple[float, float]:
    from bench.detector import _interleaved_times

    a, b = _interleaved_times([ours, peer], repeats)
    return statistics.median(a), statistics.median(b)


def run(quick: bool) -> list[dict]:
    import torch
    import torch.nn.functional as F
    from sae_pii.pii.probes import FusedProbes, TokenProbe, _shifted_sum, _softmax
    from sae_pii.topk_ops import rows_topk

    torch.manual_seed(0)
    repeats = 20 if quick else 200
    rows = []
    where = f"{T} tokens, {torch.get_num_threads()} torch threads, median of {repeats} turns each"

    with torch.inference_mode():
        pre, source = _pre_activations()
        ours, peer = _timed(lambda: rows_topk(pre, K), lambda: pre.topk(K, dim=-1, sorted=False), repeats)
        rows.append(_row("SAE top-32 of 3,072 (rows_topk)", ours, peer, "Tensor.topk", f"{where}; {source}"))

        product = torch.randn(T, D_SAE).bfloat16()
        b_enc = torch.randn(D_SAE)
        ours, peer = _timed(lambda: product.float().add_(b_enc), lambda: product.float() + b_enc, repeats)
        rows.append(_row("SAE encoder: widen the bf16 product, add the bias in place", ours, peer,
                         "a new tensor for the sum", where + "; the second [T, 3,072] float32 tensor's page faults"))

    members = [TokenProbe(D_MODEL, CONTEXT, hidden=HIDDEN, hidden_context=CONTEXT) for _ in range(SEEDS)]
    fused = FusedProbes(members, [1.0] * SEEDS)
    h = torch.randn(T + 2 * CONTEXT, HIDDEN * SEEDS)
    with torch.inference_mode():
        ours, peer = _timed(lambda: fused.head(h),
                            lambda: F.conv1d(F.gelu(h).T[None], fused.out_weight, fused.out_bias, groups=SEEDS)[0].T,
                            repeats)
        rows.append(_row("probe output layer, 2 fused probes (product + shifted sums, float32)", ours, peer,
                         "grouped conv1d", where + "; ours includes the GELU, as the peer does"))

        logits = torch.randn(T, SEEDS, N_CLASSES)
        ours, peer = _timed(lambda: _softmax(logits), lambda: logits.softmax(-1), repeats)
        rows.append(_row("softmax over 11 classes, 2 probes", ours, peer, "Tensor.softmax", where))

        stacked = torch.randn(D_SAE + 8, (2 * CONTEXT + 1) * HIDDEN * SEEDS)
        stacked_bf16 = stacked.bfloat16()
        idx = torch.randint(0, D_SAE + 8, (T, K + 8))
        vals = torch.rand(T, K + 8)
        vals_bf16 = vals.bfloat16()
        ours, peer = _timed(lambda: F.embedding_bag(idx, stacked_bf16, per_sample_weights=vals_bf16, mode="sum").float(),
                            lambda: F.embedding_bag(idx, stacked, per_sample_weights=vals, mode="sum"), repeats)
        rows.append(_row("SAE probe row gather in bfloat16 (precision auto)", ours, peer, "float32", where))

    # Training: one chunk of the first layer's shifted sum, forward and backward.
    n, width, k = 1024, HIDDEN, 2 * CONTEXT + 1
    projected = torch.randn(n + k - 1, k * width, requires_grad=True)
    bias = torch.randn(width, requires_grad=True)
    grad_out = torch.randn(n, width)

    def ours_step():
        _shifted_sum(projected, k, bias).backward(grad_out)

    def autograd_step():
        y = projected.view(n + k - 1, k, width)
        out = bias + y[0:n, 0]
        for j in range(1, k):
            out = out + y[j:j + n, j]
        out.backward(grad_out)

    ours, peer = _timed(ours_step, autograd_step, repeats)
    rows.append(_row("probe training: first layer's shifted sum, forward + backward", ours, peer,
                     "autograd through k slices", f"a chunk of {n} tokens, {width} hidden units, k = {k}"))
    rows.append(_dropout_row(repeats))
    rows.append(_members_row(quick))
    rows.append(_padding_row(quick))
    return rows


def _members_row(quick: bool) -> dict:
    """fit-probes' two probes (an SAE probe on sparse rows, a raw probe on dense ones) trained side
    by side in single-threaded worker processes (member_pool) against one after the other with all
    of torch's threads: seconds until both are trained, timed inside the training (so starting the
    workers, paid once per fit-probes, is reported apart, in the notes)."""
    import time

    import torch
    from sae_pii.pii.member_pool import TrainJob, train_members
    from sae_pii.pii.probes import PackedFeatures, ProbeTrainConfig

    n, epochs, repeats = (16_384, 1, 1) if quick else (150_000, 2, 2)
    g = torch.Generator().manual_seed(0)
    labels = torch.randint(0, N_CLASSES + 1, (n,), generator=g)
    idx = torch.randint(0, D_SAE, (n, K + 8), generator=g, dtype=torch.int32)
    idx[:, K:] = torch.arange(D_SAE, D_SAE + 8, dtype=torch.int32)  # the 8 token shapes
    sae_rows = PackedFeatures(None, idx, torch.rand(n, K + 8, generator=g).half(), D_SAE + 8, labels, gap=4)
    raw_rows = PackedFeatures(torch.randn(n, D_MODEL + 8, generator=g), None, None, D_MODEL + 8, labels, gap=4)
    cfg = ProbeTrainConfig(epochs=epochs)
    jobs = [TrainJob("sae", sae_rows, cfg, 8), TrainJob("raw", raw_rows, cfg, 8)]

    def train_both(workers: int) -> tuple[list[float], float]:
        t0 = time.perf_counter()
        seconds = [t.seconds for t in train_members(jobs, workers, log=lambda *_: None)]
        return seconds, time.perf_counter() - t0

    train_both(1)  # warm-up: the first training in a process pays one-time costs
    side_by_side, in_turn, start = [], [], []
    for _ in range(repeats):  # in turns
        seconds, wall = train_both(2)
        side_by_side.append(max(seconds))  # the two train at the same time
        start.append(wall - max(seconds))
        in_turn.append(sum(train_both(1)[0]))
    threads = torch.get_num_threads()
    return _row("probe training: two probes side by side in 2 worker processes", statistics.median(side_by_side),
                statistics.median(in_turn), f"one after the other, {threads} threads",
                f"an SAE probe and a raw probe, {n:,} rows x {epochs} epoch(s) each, {threads} torch threads, median "
                f"of {repeats} turns; starting the workers: {statistics.median(start):.1f} s more, once per "
                f"fit-probes", unit="s")


def _dropout_row(repeats: int) -> dict:
    """Feature dropout on a training batch of a raw probe's rows (two chunks of 1,024 tokens and
    their halo rows)."""
    import torch
    from sae_pii.pii.probes import fast_dropout

    n, p = 2 * (1024 + 8), 0.5
    feats = torch.randn(n, D_MODEL + 8)  # + 8 token shapes

    def uint8_mask():
        cut = round(p * 256)
        return feats * (torch.randint(0, 256, feats.shape, dtype=torch.uint8) >= cut) / (1 - cut / 256)

    ours, peer = _timed(lambda: fast_dropout(feats, p), uint8_mask, repeats)
    return _row("probe training: feature dropout, keep mask from int64 draws read as bytes", ours, peer,
                "one uint8 draw per entry", f"{n} x {D_MODEL + 8} raw-probe rows, p = {p}")


def _pre_activations():
    """[T, 3,072] SAE pre-activations: the kept run's SAE on the sample ticket's LM activations when
    `make demo` has written one (the top-k's speed depends on how the values spread), else Gaussian."""
    import torch
    from sae_pii.pii import features as feat
    from sae_pii.pii.detector import SAEPIIDetector

    from bench.detector import RUN_DIR, _document

    if not (RUN_DIR / "probes" / "probes.json").is_file():
        return torch.randn(T, D_SAE), "Gaussian pre-activations (no run in models/sae-trained)"
    det = SAEPIIDetector.from_pretrained(RUN_DIR, probe="sae")
    if det.sae.cfg.d_sae != D_SAE:
        return torch.randn(T, D_SAE), f"Gaussian pre-activations (the run's SAE has {det.sae.cfg.d_sae} latents)"
    toks = feat.tokenize(det.lm.tokenizer, _document(det.lm.tokenizer, T))
    acts = det.activations([toks])[0]
    return det.sae.pre_activations(acts), f"the kept run's SAE on the sample ticket ({RUN_DIR})"


def _padding_row(quick: bool) -> dict:
    """LM tokens run per real token over the synthetic training documents' windows: batched by
    length (features.window_batches) against batches in document order (as before the sixteenth
    session), each batch padded to its longest window."""
    from sae_pii.lm import resolve_model_path
    from sae_pii.pii import features as feat
    from sae_pii.pii.synth.generator import generate
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(resolve_model_path("default"))
    docs = [feat.tokenize(tokenizer, d.text) for d in generate(200 if quick else 2000, "train", 0)]
    layout = feat.SpecialLayout(tokenizer)
    window, overlap, batch = feat.DEFAULT_WINDOW, feat.DEFAULT_OVERLAP, 32
    content = window - layout.n_special
    lengths = [len(layout.build(t.ids[w.start:w.end].tolist()))
               for t in docs for w in feat.plan_windows(len(t.ids), content, overlap)]
    real = sum(lengths)
    sorted_run = sum(ids.numel() for ids, _, _ in feat.window_batches(docs, layout, window, overlap, batch))
    unsorted_run = sum(max(lengths[i:i + batch]) * len(lengths[i:i + batch]) for i in range(0, len(lengths), batch))
    return _row("LM tokens run per real token, windows batched by length", sorted_run / real, unsorted_run / real,
                "windows in document order", f"{len(docs)} generated training documents, batches of {batch} windows",
                unit="tokens / token")


if __name__ == "__main__":
    for r in run(quick=False):
        print(r)
