"""Token windows -> shuffled batches of residual-stream activations on the training device.

The stream works in *generations*: collect this rank's next windows until they hold
`buffer_tokens` content tokens, run the truncated LM over them (or read them from the activation
cache), shuffle the buffer with a generator seeded by (seed, rank, generation), hand it out in
batches, repeat. Because every generation is rebuilt from its first window's position alone, the
resume state is a handful of integers (never the buffer contents): after a restart the current
generation is recomputed and the batches already consumed are skipped, so a resumed run sees
exactly the batches an uninterrupted run would have seen.

Validation activations come from the first windows of the data; training starts after them, so
they are never in a training batch. Training windows are dealt round-robin to DDP ranks by window
index, so ranks see disjoint data and every rank's stream is infinite (pass after pass), which
keeps ranks in step.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np
import torch

from sae_pii.data import DataConfig, DatasetError, TokenWindows, Window, WindowPos
from sae_pii.lm import TruncatedLM, model_dir_fingerprint

log = logging.getLogger(__name__)
STATE_VERSION = 1


class ActivationStream:
    def __init__(
        self, lm: TruncatedLM, data: DataConfig, batch_size: int, device="cpu", rank: int = 0, world_size: int = 1
    ):
        if batch_size <= 0:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        if not 0 <= rank < world_size:
            raise ValueError(f"rank {rank} is outside 0..{world_size - 1}")
        self.lm = lm
        self.data = data
        self.batch_size = batch_size
        self.device = torch.device(device)
        self.rank = rank
        self.world_size = world_size
        self.windows = TokenWindows(data, lm.tokenizer)
        self.cache = None
        if data.cache_dir:
            from sae_pii.activation_cache import ActivationCache

            self.cache = ActivationCache.open(data.cache_dir, self.cache_meta())
        # Position: the generation being handed out, and how many of its batches were consumed.
        self._gen_start: WindowPos | None = None
        self._generation = 0
        self._batch_in_gen = 0
        self.tokens_seen = 0
        """Training activations yielded by this rank's iterator (all ranks: times world_size)."""
        self.lm_tokens = 0
        """Content tokens this stream ran through the LM (0 for what came from the cache)."""
        self._val_windows: list[Window] | None = None
        self._train_start: WindowPos | None = None
        self._val: torch.Tensor | None = None

    def cache_meta(self) -> dict:
        return {
            "model": self.lm.name_or_path,
            "model_files": model_dir_fingerprint(self.lm.name_or_path),
            "layer": self.lm.layer,
            "d_model": self.lm.d_model,
            "data": self.data.identity(),
            "dtype": self.data.cache_dtype,
            "format": 1,
        }

    # ---- validation split -------------------------------------------------------------------
    def _plan_validation(self) -> None:
        if self._train_start is not None:
            return
        windows: list[Window] = []
        n = 0
        it = self.windows.epoch(WindowPos(0, 0, 0, 0))
        if self.data.val_tokens > 0:
            for w in it:
                windows.append(w)
                n += w.n_content
                if n >= self.data.val_tokens:
                    break
            else:
                if not windows:
                    raise DatasetError(f"dataset {self.data.dataset!r} is empty: no documents with text "
                                       f"in field {self.data.text_field!r}")
                raise DatasetError(
                    f"dataset {self.data.dataset!r} has only {n} content tokens, not enough for "
                    f"data.val_tokens={self.data.val_tokens} plus training: lower val_tokens or add documents"
                )
        first_train = next(it, None)
        if first_train is None:
            if not windows:
                raise DatasetError(f"dataset {self.data.dataset!r} is empty: no documents with text "
                                   f"in field {self.data.text_field!r}")
            raise DatasetError(
                f"dataset {self.data.dataset!r} is used up by the {self.data.val_tokens} validation tokens: "
                "lower data.val_tokens or add documents"
            )
        self._val_windows = windows
        self._train_start = first_train.pos

    def validation_activations(self) -> torch.Tensor:
        """[val_tokens, d_model] float32 on the device; the same on every rank, never trained on."""
        if self._val is None:
            self._plan_validation()
            acts = self._activations(self._val_windows or [])
            self._val = acts[: self.data.val_tokens]
        return self._val

    # ---- training stream --------------------------------------------------------------------
    def _rank_windows(self, start: WindowPos) -> Iterator[Window]:
        n_val = len(self._val_windows or [])
        for w in self.windows.forever(start, skip_below=n_val):
            if (w.pos.index - n_val) % self.world_size == self.rank:
                yield w

    def _generator(self, generation: int) -> torch.Generator:
        seed = np.random.SeedSequence([self.data.seed, self.rank, generation]).generate_state(1, np.uint64)[0]
        return torch.Generator().manual_seed(int(seed) & 0x7FFF_FFFF_FFFF_FFFF)

    def __iter__(self) -> Iterator[torch.Tensor]:
        self._plan_validation()
        target = max(self.data.buffer_tokens, self.batch_size)
        it = self._rank_windows(self._gen_start or self._train_start)
        carry = next(it)
        while True:
            windows, n = [carry], carry.n_content
            for w in it:
                if n >= target:
                    carry = w
                    break
                windows.append(w)
                n += w.n_content
            buffer = self._activations(windows)
            order = torch.randperm(buffer.shape[0], generator=self._generator(self._generation)).to(buffer.device)
            for b in range(self._batch_in_gen, buffer.shape[0] // self.batch_size):
                batch = buffer[order[b * self.batch_size:(b + 1) * self.batch_size]]
                self._batch_in_gen = b + 1
                self.tokens_seen += self.batch_size
                yield batch
            self._generation += 1
            self._batch_in_gen = 0
            self._gen_start = carry.pos
            # Free this generation before the next one is computed: one buffer on the card, not two
            # (1M Llama activations are 16.8 GB; two would not fit a 40 GB A100 beside the model).
            buffer = order = batch = None

    # ---- windows -> activations -------------------------------------------------------------
    def _activations(self, windows: list[Window]) -> torch.Tensor:
        """Content-token activations of `windows`, in window order, float32 on the device."""
        if self.cache is None:
            return self._run_lm(windows)
        indices = [w.pos.index for w in windows]
        wanted = set(self.cache.missing(indices))
        todo = [w for w in windows if w.pos.index in wanted]
        if todo:
            acts = self._run_lm(todo)
            self.cache.write([w.pos.index for w in todo], [w.n_content for w in todo], acts, tag=f"-r{self.rank}")
        return self.cache.read(indices, self.device)

    def _run_lm(self, windows: list[Window]) -> torch.Tensor:
        """[content tokens, d_model] float32 on the device, written chunk by chunk into one tensor
        (concatenating the chunks at the end would hold the buffer twice)."""
        out = torch.empty(sum(w.n_content for w in windows), self.lm.d_model, device=self.device)
        lm_device, row = self.lm.device, 0
        for i in range(0, len(windows), self.data.lm_batch_size):
            chunk = windows[i:i + self.data.lm_batch_size]
            ids, mask = self.windows.pad(chunk)
            input_ids = torch.tensor(ids, device=lm_device)
            attention_mask = torch.tensor(mask, device=lm_device)
            with torch.inference_mode():
                hidden = self.lm(input_ids, attention_mask)
                acts = hidden[self.lm.content_token_mask(input_ids, attention_mask)]
            expected = sum(w.n_content for w in chunk)
            if acts.shape[0] != expected:  # the tokenizer's and the LM's idea of "special" disagree
                raise RuntimeError(f"{acts.shape[0]} content activations for {expected} content tokens")
            # Written outside inference mode: `out` stays an ordinary tensor autograd can use downstream.
            out[row:row + expected] = acts
            row += expected
            self.lm_tokens += expected
        return out

    # ---- resume -----------------------------------------------------------------------------
    def state_dict(self) -> dict:
        return {
            "version": STATE_VERSION,
            "seed": self.data.seed,
            "batch_size": self.batch_size,
            "rank": self.rank,
            "world_size": self.world_size,
            "buffer_tokens": self.data.buffer_tokens,
            "gen_start": list(self._gen_start) if self._gen_start is not None else None,
            "generation": self._generation,
            "batch_in_gen": self._batch_in_gen,
            "tokens_seen": self.tokens_seen,
        }

    def load_state_dict(self, state: dict) -> None:
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"activation stream state version {state.get('version')!r} is not {STATE_VERSION}")
        for key, mine in (("seed", self.data.seed), ("batch_size", self.batch_size), ("rank", self.rank),
                          ("world_size", self.world_size), ("buffer_tokens", self.data.buffer_tokens)):
            if state[key] != mine:
                raise ValueError(
                    f"cannot resume the data position exactly: the checkpoint has {key}={state[key]}, this run "
                    f"{key}={mine}; resume with the same settings (and number of processes)"
                )
        self._gen_start = WindowPos(*state["gen_start"]) if state["gen_start"] is not None else None
        self._generation = int(state["generation"])
        self._batch_in_gen = int(state["batch_in_gen"])
        self.tokens_seen = int(state["tokens_seen"])
