"""GPU part of the SAE benchmark: a Llama-sized TopK SAE (d_model 4096, 32k latents), bf16, 1 GPU.

Reports training tokens/s and the fraction of the card's peak bf16 FLOP/s reached, counting
6 * d_model * d_sae FLOPs per token (forward + backward of a dense encoder and decoder; the
sparse-kernel path does less work, so for it the fraction is "dense-equivalent").

Standalone, so it runs on a lent GPU in one short call with nothing but torch installed:
    PYTHONPATH=trainer:. python -m bench.gpu_sae --out /tmp/gpu_sae.json
(SAELens is measured too when it is importable.) `make bench` includes these rows when a GPU
is present.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import torch

# Dense bf16 tensor-core peaks in TFLOP/s from the vendors' datasheets (without 2:4 sparsity).
# Matched in order against torch.cuda.get_device_name(): the first key contained in the name wins.
PEAK_BF16_TFLOPS = (
    ("H100 PCIe", 756.0),
    ("H100 NVL", 835.0),
    ("H100", 989.0),  # SXM5 (e.g. "NVIDIA H100 80GB HBM3")
    ("H200", 989.0),
    ("GH200", 989.0),
    ("B200", 2250.0),
    ("A100", 312.0),
    ("L40S", 362.0),
    ("L4", 121.0),
    ("A10G", 70.0),
    ("A10", 125.0),
    ("RTX A6000", 155.0),
    ("RTX 4090", 165.0),
)
D_MODEL, D_SAE, K, BATCH = 4096, 32768, 32, 4096
WARMUP, STEPS = 3, 20


def peak_tflops(name: str) -> float | None:
    for key, tflops in PEAK_BF16_TFLOPS:
        if key.lower() in name.lower():
            return tflops
    return None


def flops_per_token(d_model: int = D_MODEL, d_sae: int = D_SAE) -> int:
    return 6 * d_model * d_sae


def _sync(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _our_step(sparse: bool, device):
    from sae_pii.sae import SAEConfig, SparseAutoencoder

    sae = SparseAutoencoder(SAEConfig(d_in=D_MODEL, d_sae=D_SAE, k=K), device=device).train()
    sae.sparse_kernels = sparse
    opt = torch.optim.Adam(sae.parameters(), lr=1e-4)
    dead = torch.zeros(D_SAE, dtype=torch.bool, device=device)

    def step(x):
        # Mixed precision as `sae-pii train --mixed-precision bf16` runs it (fp32 master weights).
        with torch.autocast(device.type, dtype=torch.bfloat16):
            out = sae(x, dead_mask=dead)
        out.loss.backward()
        sae.remove_gradient_parallel_to_decoder_directions()
        torch.nn.utils.clip_grad_norm_(sae.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        sae.set_decoder_norm_to_unit_norm()

    return step


def _saelens_step(device):
    from sae_lens import SAETrainer, TopKTrainingSAE, TopKTrainingSAEConfig
    from sae_lens.config import SAETrainerConfig

    sae = TopKTrainingSAE(TopKTrainingSAEConfig(d_in=D_MODEL, d_sae=D_SAE, k=K, dtype="float32", device=device.type))
    trainer = SAETrainer(
        cfg=SAETrainerConfig(total_training_samples=10**9, train_batch_size_samples=BATCH, device=device.type,
                             autocast=True, lr=1e-4, lr_end=1e-5),
        sae=sae, data_provider=iter(()),
    )

    def step(x):
        trainer.step(x)
        trainer.n_training_steps += 1

    return step


def _time(step, xs, device) -> float:
    for i in range(WARMUP):
        step(xs[i % len(xs)])
    _sync(device)
    start = time.perf_counter()
    for i in range(STEPS):
        step(xs[i % len(xs)])
    _sync(device)
    return time.perf_counter() - start


def measure(device: str = "cuda") -> dict:
    """Run every contender on `device` (CPU only for a dry run of this script's logic)."""
    device = torch.device(device)
    cuda = device.type == "cuda"
    name = torch.cuda.get_device_name(device) if cuda else "cpu"
    peak = peak_tflops(name)
    torch.manual_seed(0)
    xs = [torch.randn(BATCH, D_MODEL, device=device) for _ in range(4)]
    contenders = {"ours dense": lambda: _our_step(False, device), "ours sparse": lambda: _our_step(True, device),
                  "SAELens": lambda: _saelens_step(device)}
    results, errors = {}, {}
    for label, make in contenders.items():
        try:
            step = make()
            seconds = _time(step, xs, device)
        except Exception as exc:  # noqa: BLE001 - one failing contender must not hide the others
            errors[label] = f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:200]}"
            continue
        finally:
            step = None
            if cuda:
                torch.cuda.empty_cache()
        tps = STEPS * BATCH / seconds
        flops = tps * flops_per_token(D_MODEL, D_SAE)
        results[label] = {
            "tokens_per_s": tps,
            "step_ms": 1000 * seconds / STEPS,
            "dense_tflops": flops / 1e12,
            "peak_fraction": flops / (peak * 1e12) if peak else None,
            "max_memory_gib": torch.cuda.max_memory_allocated(device) / 2**30 if cuda else None,
        }
        if cuda:
            torch.cuda.reset_peak_memory_stats(device)
    return {
        "device": name, "peak_bf16_tflops": peak, "torch": torch.__version__, "python": platform.python_version(),
        "d_model": D_MODEL, "d_sae": D_SAE, "k": K, "batch": BATCH, "steps": STEPS, "precision": "bf16 autocast",
        "flops_per_token": flops_per_token(D_MODEL, D_SAE), "results": results, "errors": errors,
    }


def gpu_rows(report: dict | None = None) -> list[dict]:
    """bench.run rows from a measurement (taken now when not given)."""
    report = report or measure()
    res = report["results"]
    best = max((k for k in res if k.startswith("ours")), key=lambda k: res[k]["tokens_per_s"], default=None)
    if best is None:
        return []
    ours = res[best]
    peer = res.get("SAELens")
    shape = f"{report['device']}, d_model {report['d_model']}, d_sae {report['d_sae']}, k {report['k']}, batch {report['batch']}, bf16"
    rows = [{
        "bench": "sae_training_gpu",
        "metric": "TopK SAE train step",
        "unit": "tokens/s",
        "ours": ours["tokens_per_s"],
        "peer": peer["tokens_per_s"] if peer else None,
        "peer_name": "sae-lens (autocast)" if peer else "-",
        "ratio": ours["tokens_per_s"] / peer["tokens_per_s"] if peer else None,
        "notes": f"{shape}; {best}; " + "; ".join(f"{k}: {v}" for k, v in report["errors"].items()),
    }]
    if ours["peak_fraction"] is not None:
        rows.append({
            "bench": "sae_training_gpu",
            "metric": "fraction of peak bf16 FLOP/s",
            "unit": "%",
            "ours": 100 * ours["peak_fraction"],
            "peer": 100 * peer["peak_fraction"] if peer and peer["peak_fraction"] else None,
            "peer_name": "sae-lens (autocast)" if peer else "-",
            "ratio": ours["peak_fraction"] / peer["peak_fraction"] if peer and peer["peak_fraction"] else None,
            "notes": f"6 x d_model x d_sae = {report['flops_per_token']:,} FLOPs/token, peak {report['peak_bf16_tflops']} TFLOP/s",
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="where to write the JSON report")
    args = parser.parse_args(argv)
    if not torch.cuda.is_available():
        print("no CUDA device: this benchmark needs a GPU", file=sys.stderr)
        return 2
    report = measure()
    tmp = f"{args.out}.tmp{os.getpid()}"
    with open(tmp, "w") as fh:
        json.dump(report, fh, indent=2)
    os.replace(tmp, args.out)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
