"""Training metrics: dead latents over a token window, throughput, validation, the history file."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import torch
from torch import Tensor

from sae_pii.atomic import atomic_write_text


class DeadLatentTracker:
    """Tokens since each latent last fired; dead = silent for at least `window_tokens` tokens.

    The SAE field measures dead latents over a token window (e.g. 10M tokens) rather than per
    batch, so a rare feature is not called dead because one batch missed it.
    """

    def __init__(self, d_sae: int, window_tokens: int, device: torch.device | str = "cpu"):
        self.window_tokens = window_tokens
        self.tokens_since_fired = torch.zeros(d_sae, dtype=torch.long, device=device)

    def update(self, fired: Tensor, n_tokens: int) -> None:
        """`fired`: bool [d_sae], whether each latent was active anywhere in the step's tokens."""
        self.tokens_since_fired += n_tokens
        self.tokens_since_fired[fired] = 0

    @property
    def dead_mask(self) -> Tensor:
        return self.tokens_since_fired >= self.window_tokens

    def dead_fraction(self) -> float:
        return float(self.dead_mask.float().mean())

    def state_dict(self) -> dict:
        return {"tokens_since_fired": self.tokens_since_fired.cpu(), "window_tokens": self.window_tokens}

    def load_state_dict(self, d: dict) -> None:
        self.tokens_since_fired.copy_(d["tokens_since_fired"].to(self.tokens_since_fired.device))


class Throughput:
    """Tokens per second between two log steps (wall clock, includes the LM forward)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.t0 = time.perf_counter()
        self.tokens = 0

    def add(self, n: int) -> None:
        self.tokens += n

    def rate(self) -> float:
        dt = time.perf_counter() - self.t0
        return self.tokens / dt if dt > 0 else 0.0


@torch.no_grad()
def evaluate(sae, activations: Tensor, batch_size: int = 4096) -> dict:
    """FVU, MSE, L0 and never-fired fraction of `sae` over a held-out set of RAW activations."""
    was_training = sae.training
    sae.eval()
    sq_err, n, l0_sum, fired = 0.0, 0, 0.0, None
    x_sum = torch.zeros(activations.shape[-1], dtype=torch.float64)
    x_sq = 0.0
    scale = sae.cfg.input_scale
    for start in range(0, activations.shape[0], batch_size):
        x = activations[start : start + batch_size].to(sae.W_enc.device, torch.float32)
        z = sae.encode(x)
        x_hat = sae.decode(z)
        sq_err += float((x - x_hat).double().pow(2).sum())
        x_sum += x.double().sum(0).cpu()
        x_sq += float(x.double().pow(2).sum())
        l0_sum += float((z > 0).sum())
        f = (z > 0).any(0)
        fired = f if fired is None else fired | f
        n += x.shape[0]
    sae.train(was_training)
    if n == 0:
        raise ValueError("the validation set is empty")
    total_var = x_sq - float((x_sum**2).sum()) / n
    return {
        "val_fvu": sq_err / max(total_var, 1e-12),
        "val_mse": sq_err * scale**2 / (n * activations.shape[-1]),
        "val_l0": l0_sum / n,
        "val_never_fired_fraction": float(1 - fired.float().mean()),
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_gpu_memory_mb(device) -> float | None:
    """Peak memory torch allocated on a CUDA device (what sizes the card); None elsewhere."""
    device = torch.device(device)
    if device.type != "cuda":
        return None
    return torch.cuda.max_memory_allocated(device) / 2**20


class History:
    """Every logged step, written to training_history.json as {"steps": [...], "summary": {...}}."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.steps: list[dict] = []
        self.summary: dict = {}

    def log(self, row: dict) -> None:
        self.steps.append(row)

    def truncate(self, step: int) -> None:
        self.steps = [r for r in self.steps if r["step"] <= step]

    def write(self) -> None:
        atomic_write_text(self.path, json.dumps({"steps": self.steps, "summary": self.summary}, indent=1))

    def state_dict(self) -> dict:
        return {"steps": self.steps, "summary": self.summary}

    def load_state_dict(self, d: dict) -> None:
        self.steps = list(d.get("steps", []))
        self.summary = dict(d.get("summary", {}))


class EarlyStopping:
    """Stop when validation FVU has not improved by `min_delta` for `patience` evaluations."""

    def __init__(self, patience: int, min_delta: float, enabled: bool = True):
        self.patience, self.min_delta, self.enabled = patience, min_delta, enabled
        self.best = float("inf")
        self.best_step = -1
        self.bad_evals = 0

    def update(self, value: float, step: int) -> bool:
        """Record one evaluation; True when training should stop."""
        if value < self.best - self.min_delta:
            self.best, self.best_step, self.bad_evals = value, step, 0
        else:
            self.bad_evals += 1
        return self.enabled and self.bad_evals >= self.patience

    def state_dict(self) -> dict:
        return {"best": self.best, "best_step": self.best_step, "bad_evals": self.bad_evals}

    def load_state_dict(self, d: dict) -> None:
        self.best, self.best_step, self.bad_evals = d["best"], d["best_step"], d["bad_evals"]
