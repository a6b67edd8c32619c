"""SAE training throughput: our TopK SAE training step against SAELens's, side by side.

Both train a TopK SAE (same d_in, d_sae, k, batch, dtype, device) on the same pre-generated
activation tensors, so the LM is out of the picture and only the SAE step is measured:

- ours: the step `sae_pii.trainer` runs (forward with AuxK, backward, decoder-gradient
  projection, grad-norm clip, Adam, unit-norm decoder, dead-latent bookkeeping, lr schedule),
  with the sparse TopK kernels (the trainer's default on CPU) and, as a second row, dense.
- SAELens: `SAETrainer.step` (its `fit()` loop minus the progress bar: forward with AuxK,
  backward, grad-norm clip, Adam, lr schedule, firing statistics) on a `TopKTrainingSAE`, in
  its dense and its sparse-activation mode; the faster one that runs is the peer.

Timings alternate between the two (ours, peer, ours, peer, ...) and keep each side's best
repeat, so a busy machine slows both alike. ratio = ours / peer tokens per second.
"""

from __future__ import annotations

import time

import torch

# (d_in, d_sae, k, batch) per mode; the full size is the CPU demo's SAE at SAELens's default batch.
FULL = {"d_in": 384, "d_sae": 3072, "k": 32, "batch": 4096, "steps": 5, "repeats": 3}
QUICK = {"d_in": 64, "d_sae": 256, "k": 8, "batch": 256, "steps": 3, "repeats": 1}


def make_activations(n_batches: int, batch: int, d_in: int, seed: int = 0) -> list[torch.Tensor]:
    """Residual-stream-like data: a mean offset plus correlated Gaussian directions, fp32."""
    g = torch.Generator().manual_seed(seed)
    mix = torch.randn(d_in, d_in, generator=g) / d_in**0.5
    offset = torch.randn(d_in, generator=g) * 2.0
    return [torch.randn(batch, d_in, generator=g) @ mix + offset for _ in range(n_batches)]


def our_step_fn(d_in: int, d_sae: int, k: int, device: str = "cpu", dtype=torch.float32, sparse: bool = True):
    """One optimizer step of sae_pii's trainer loop (the ops of Trainer._loop, without accelerate).
    sparse: the SAE's sparse TopK kernels (sae_pii.topk_ops; the trainer's default on CPU) or the
    dense forward (`sae.kernels: dense`)."""
    from sae_pii.metrics import DeadLatentTracker
    from sae_pii.sae import SAEConfig, SparseAutoencoder
    from sae_pii.trainer import lr_lambda

    sae = SparseAutoencoder(SAEConfig(d_in=d_in, d_sae=d_sae, k=k), device=device, dtype=dtype).train()
    sae.sparse_kernels = sparse
    opt = torch.optim.Adam(sae.parameters(), lr=2e-4)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda(10_000, 100, 0.2))
    dead = DeadLatentTracker(d_sae, 1_000_000, device)

    def step(x: torch.Tensor) -> float:
        out = sae(x, dead_mask=dead.dead_mask)
        out.loss.backward()
        sae.remove_gradient_parallel_to_decoder_directions()
        torch.nn.utils.clip_grad_norm_(sae.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        with torch.no_grad():
            fired = (out.latents > 0).any(0)
        sae.set_decoder_norm_to_unit_norm()
        sched.step()
        dead.update(fired, x.shape[0])
        return float(out.fvu.detach())

    return step


def saelens_step_fn(d_in: int, d_sae: int, k: int, batch: int, sparse: bool, device: str = "cpu"):
    """One step of SAELens's own trainer on a TopKTrainingSAE (logging to wandb off)."""
    from sae_lens import SAETrainer, TopKTrainingSAE, TopKTrainingSAEConfig
    from sae_lens.config import SAETrainerConfig

    cfg = TopKTrainingSAEConfig(d_in=d_in, d_sae=d_sae, k=k, dtype="float32", device=device,
                                use_sparse_activations=sparse)
    sae = TopKTrainingSAE(cfg)
    trainer = SAETrainer(
        cfg=SAETrainerConfig(total_training_samples=10**9, train_batch_size_samples=batch, device=device,
                                  lr=2e-4, lr_end=2e-5),
        sae=sae, data_provider=iter(()),
    )

    def step(x: torch.Tensor) -> float:
        trainer.maybe_reset_sparsity()
        out = trainer.step(x)
        trainer.n_training_steps += 1
        return float(out.loss.detach())

    return step


def _time(step, batches: list[torch.Tensor], steps: int) -> float:
    """Seconds for `steps` steps after one warm-up step."""
    step(batches[0])
    start = time.perf_counter()
    for i in range(steps):
        step(batches[(i + 1) % len(batches)])
    return time.perf_counter() - start


def measure(d_in: int, d_sae: int, k: int, batch: int, steps: int, repeats: int) -> tuple[dict, dict]:
    """tokens/s per contender, and why a contender could not run (SAELens's sparse mode may fail)."""
    torch.manual_seed(0)
    batches = make_activations(4, batch, d_in)
    contenders = {
        "ours": our_step_fn(d_in, d_sae, k, sparse=True),
        "ours dense": our_step_fn(d_in, d_sae, k, sparse=False),
        "SAELens dense": saelens_step_fn(d_in, d_sae, k, batch, sparse=False),
        "SAELens sparse": saelens_step_fn(d_in, d_sae, k, batch, sparse=True),
    }
    failed = {}
    for name, step in list(contenders.items()):
        try:
            step(batches[0])
        except Exception as exc:  # report, don't hide: the row's notes say what failed
            if name == "ours":
                raise
            failed[name] = f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:120]}"
            del contenders[name]
    best = {name: float("inf") for name in contenders}
    for _ in range(repeats):
        for name, step in contenders.items():
            best[name] = min(best[name], _time(step, batches, steps))
    return {name: steps * batch / seconds for name, seconds in best.items()}, failed


def run(quick: bool) -> list[dict]:
    import sae_lens

    p = QUICK if quick else FULL
    tps, failed = measure(**p)
    peers = [name for name in tps if name.startswith("SAELens")]
    peer_name = max(peers, key=tps.get)
    shape = f"d_in {p['d_in']}, d_sae {p['d_sae']}, k {p['k']}, batch {p['batch']}, fp32, CPU x{torch.get_num_threads()}"
    notes = [shape] + [f"{n} {tps[n]:.0f} tokens/s" for n in peers]
    notes += [f"{n} failed ({why})" for n, why in failed.items()]
    notes.append(f"best of {p['repeats']} x {p['steps']} steps each")
    rows = []
    for ours, metric in (("ours", "TopK SAE step"), ("ours dense", "TopK SAE step (dense)")):
        rows.append({
            "bench": "sae_training",
            "metric": metric,
            "unit": "tokens/s",
            "ours": tps[ours],
            "peer": tps[peer_name],
            "peer_name": f"sae-lens {sae_lens.__version__} ({peer_name.split()[1]})",
            "ratio": tps[ours] / tps[peer_name],
            "notes": "; ".join([("sparse TopK kernels (trainer default on CPU)" if ours == "ours"
                                 else "sae.kernels: dense"), *notes]),
        })
    if torch.cuda.is_available() and not quick:
        from bench.gpu_sae import gpu_rows

        rows.extend(gpu_rows())
    return rows
