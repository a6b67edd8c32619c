"""On-disk activation cache: one LM pass, many SAE runs.

A cache folder holds `meta.json` (model, layer, d_model, dataset identity, dtype) and shards:
`<name>.npy` (content-token activations, rows in window order, read back memory-mapped) plus
`<name>.idx.npy` (one row per window: window index, first row, row count). A shard is complete
once its index file exists; both are written atomically (temp file + os.replace), so a killed run
leaves no half shard, and DDP ranks write different shards without locking. Windows are the same
in every pass over the data, so from the second pass on (or in the next run) the LM is not run.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import numpy as np
import torch

META = "meta.json"


class CacheMismatchError(ValueError):
    """The cache folder was written for another model, layer or dataset."""


def _atomic_save_npy(path: Path, array: np.ndarray) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as fh:
        np.save(fh, array)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class ActivationCache:
    def __init__(self, root: str | Path, meta: dict):
        self.root = Path(root)
        self.meta = meta
        self.dtype = np.dtype(meta["dtype"])
        self._index: dict[int, tuple[str, int, int]] = {}
        self._seen_idx_files: set[str] = set()
        self._arrays: dict[str, np.ndarray] = {}

    @classmethod
    def open(cls, root: str | Path, meta: dict) -> ActivationCache:
        """Open (or create) a cache for `meta`; refuse a cache written for something else."""
        root = Path(root)
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OSError(f"cannot create the activation cache folder {root}: {exc}") from exc
        meta = json.loads(json.dumps(meta))  # normalise tuples etc. to what JSON gives back
        meta_path = root / META
        if meta_path.exists():
            try:
                stored = json.loads(meta_path.read_text())
            except (OSError, json.JSONDecodeError) as exc:
                raise CacheMismatchError(f"activation cache {root} has an unreadable {META}: {exc}; "
                                         "delete the folder or choose another data.cache_dir") from exc
            diffs = [f"{k}: cache has {stored.get(k)!r}, this run wants {meta.get(k)!r}"
                     for k in sorted(set(stored) | set(meta)) if stored.get(k) != meta.get(k)]
            if diffs:
                raise CacheMismatchError(
                    f"activation cache {root} was written for different activations ("
                    + "; ".join(diffs)
                    + "). Use another data.cache_dir, or delete this one to rebuild it."
                )
        else:
            tmp = meta_path.with_name(f".{META}.{uuid.uuid4().hex[:8]}.tmp")
            tmp.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
            os.replace(tmp, meta_path)
        return cls(root, meta)

    def _refresh(self) -> None:
        for idx_file in self.root.glob("*.idx.npy"):
            if idx_file.name in self._seen_idx_files:
                continue
            shard = idx_file.name[: -len(".idx.npy")]
            for window, row, count in np.load(idx_file):
                self._index[int(window)] = (shard, int(row), int(count))
            self._seen_idx_files.add(idx_file.name)

    def missing(self, windows: list[int]) -> list[int]:
        self._refresh()
        return [w for w in windows if w not in self._index]

    def __len__(self) -> int:
        self._refresh()
        return len(self._index)

    def read(self, windows: list[int], device) -> torch.Tensor:
        """Activations of `windows`, concatenated in the given order, as float32 on `device`."""
        self._refresh()
        parts = []
        for w in windows:
            shard, row, count = self._index[w]
            array = self._arrays.get(shard)
            if array is None:
                array = self._arrays[shard] = np.load(self.root / f"{shard}.npy", mmap_mode="r")
            parts.append(array[row:row + count])
        d = int(self.meta["d_model"])
        if not parts:
            return torch.empty(0, d, device=device)
        return torch.from_numpy(np.concatenate(parts)).to(device=device, dtype=torch.float32)

    def write(self, windows: list[int], counts: list[int], activations: torch.Tensor, tag: str = "") -> None:
        """Store one shard: `activations` rows are `counts[i]` rows per window, in window order."""
        if sum(counts) != activations.shape[0]:
            raise ValueError(f"{sum(counts)} rows announced, {activations.shape[0]} given")
        if not windows:
            return
        name = f"shard-{windows[0]:09d}-{len(windows):05d}{tag}-{uuid.uuid4().hex[:8]}"
        rows = np.cumsum([0] + list(counts[:-1]))
        index = np.stack([np.asarray(windows), rows, np.asarray(counts)], axis=1).astype(np.int64)
        _atomic_save_npy(self.root / f"{name}.npy", activations.detach().cpu().numpy().astype(self.dtype))
        _atomic_save_npy(self.root / f"{name}.idx.npy", index)  # last: marks the shard complete
