"""Checkpoints: `checkpoints/step-N/` folders, written atomically, the last K kept.

A checkpoint holds everything `--resume` needs to continue exactly: SAE weights (training space,
before the input scale is folded), optimizer and scheduler state, trainer counters, the history
so far, and per process the RNG states and the activation stream's position.

Every process writes its own `rank-R.pt` into `.step-N.tmp/`, the main process adds the shared
files, fsyncs and renames the folder to `step-N`: a crash or a full disk mid-write leaves only a
`.tmp` folder (removed on the next write) and the previous `step-M` untouched.
"""

from __future__ import annotations

import errno
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from sae_pii.atomic import fsync_dir, fsync_tree

STEP_DIR = re.compile(r"^step-(\d+)$")
WEIGHTS = "sae.safetensors"
OPTIMIZER = "optimizer.pt"
STATE = "trainer_state.pt"


class CheckpointWriteError(OSError):
    """Writing a checkpoint failed; the previous checkpoint is intact."""


def checkpoint_dirs(root: Path) -> list[tuple[int, Path]]:
    """Complete checkpoints under `root`, oldest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for p in root.iterdir():
        m = STEP_DIR.match(p.name)
        if m and p.is_dir() and (p / STATE).is_file():
            found.append((int(m.group(1)), p))
    return sorted(found)


def latest_checkpoint(root: Path) -> Path | None:
    dirs = checkpoint_dirs(root)
    return dirs[-1][1] if dirs else None


# ----------------------------------------------------------------------------- RNG
def rng_state() -> dict:
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state = {
        "python": random.getstate(),
        "numpy": {"kind": kind, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                  "has_gauss": int(has_gauss), "cached_gaussian": float(cached)},
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    n = state["numpy"]
    np.random.set_state((n["kind"], n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"],
                         n["cached_gaussian"]))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


# ----------------------------------------------------------------------------- write
def save_checkpoint(
    root: Path,
    step: int,
    *,
    weights: dict[str, torch.Tensor] | None,
    optimizer_state: dict | None,
    trainer_state: dict | None,
    rank_state: dict,
    rank: int = 0,
    is_main: bool = True,
    keep: int = 2,
    barrier: Callable[[], None] = lambda: None,
) -> Path:
    """Write `root/step-N/` atomically. All processes call this; `weights`, `optimizer_state` and
    `trainer_state` are only needed on the main process. Returns the final folder."""
    root = Path(root)
    final = root / f"step-{step}"
    tmp = root / f".step-{step}.tmp"
    error: BaseException | None = None
    if is_main:
        root.mkdir(parents=True, exist_ok=True)
        for stale in root.glob(".step-*.tmp"):  # leftovers of a crash
            shutil.rmtree(stale, ignore_errors=True)
        tmp.mkdir()
    barrier()
    try:
        torch.save(rank_state, tmp / f"rank-{rank}.pt")
        if is_main:
            save_file(weights, str(tmp / WEIGHTS))
            torch.save(optimizer_state, tmp / OPTIMIZER)
            # Written last: its presence marks a complete checkpoint (see checkpoint_dirs).
            torch.save(trainer_state, tmp / STATE)
    except OSError as exc:
        error = exc
    barrier()
    if error is not None:
        if is_main:
            shutil.rmtree(tmp, ignore_errors=True)
        previous = latest_checkpoint(root)
        reason = "the disk is full" if getattr(error, "errno", None) == errno.ENOSPC else str(error)
        raise CheckpointWriteError(
            getattr(error, "errno", None) or errno.EIO,
            f"could not write checkpoint step-{step}: {reason}. "
            + (f"The previous checkpoint {previous} is intact; free some space and rerun with --resume."
               if previous else "No earlier checkpoint exists; free some space and start again."),
        ) from error
    if is_main:
        try:
            fsync_tree(tmp)
            if final.exists():  # the same step written again (e.g. final save right after a periodic one)
                shutil.rmtree(final)
            tmp.rename(final)
            fsync_dir(root)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise CheckpointWriteError(exc.errno or errno.EIO, f"could not finalise checkpoint step-{step}: {exc}") from exc
        for _, old in checkpoint_dirs(root)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    barrier()
    return final


# ----------------------------------------------------------------------------- read
def load_checkpoint(path: Path, rank: int = 0) -> dict:
    """{"weights", "optimizer", "trainer", "rank"} from a step-N folder (all weights_only loads)."""
    path = Path(path)
    rank_file = path / f"rank-{rank}.pt"
    if not rank_file.is_file():
        have = sorted(p.name for p in path.glob("rank-*.pt"))
        raise ValueError(
            f"checkpoint {path} has no state for process {rank} (it has {', '.join(have)}): resume with "
            "the same number of processes the run was started with"
        )
    try:
        return {
            "weights": load_file(str(path / WEIGHTS)),
            "optimizer": torch.load(path / OPTIMIZER, map_location="cpu", weights_only=True),
            "trainer": torch.load(path / STATE, map_location="cpu", weights_only=True),
            "rank": torch.load(rank_file, map_location="cpu", weights_only=True),
        }
    except Exception as exc:
        raise ValueError(f"checkpoint {path} is unreadable ({exc}); delete it to resume from an older one") from exc
