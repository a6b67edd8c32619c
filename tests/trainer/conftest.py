"""Shared fixtures for the trainer tests: a tiny random Llama saved like a real checkpoint, a small
offline corpus, and a small training config that runs in seconds on 2 CPU cores."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

TINY_LLAMA_LAYERS = 4


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory) -> Path:
    """300 documents of the offline default corpus (generic text + PII-bearing documents), as jsonl."""
    from sae_pii.corpus import write_default_corpus

    return write_default_corpus(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", 300, seed=1)


@pytest.fixture(scope="session")
def tiny_llama_dir(tmp_path_factory, tiny_corpus) -> str:
    """A random 4-block Llama (d_model 64) with a BPE tokenizer trained on the tiny corpus, written
    with save_pretrained so it loads through AutoModel / AutoTokenizer.from_pretrained."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    path = tmp_path_factory.mktemp("tiny-llama-trainer")
    texts = [json.loads(line)["text"] for line in tiny_corpus.read_text().splitlines()]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=800, special_tokens=["<unk>", "<s>", "</s>"]))
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", tok.token_to_id("<s>"))])
    PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>").save_pretrained(path)
    torch.manual_seed(0)
    config = LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=TINY_LLAMA_LAYERS,
                         num_attention_heads=4, num_key_value_heads=2, vocab_size=tok.get_vocab_size(),
                         max_position_embeddings=128)
    LlamaForCausalLM(config).save_pretrained(path)
    return str(path)


def tiny_config_dict(model_dir: str, corpus: Path, **top) -> dict:
    """A training config for the tiny Llama: 64-d activations, 256 latents, k=8, ~25 steps."""
    cfg = {
        "model": {"name": model_dir, "layer": 2},
        "sae": {"architecture": "topk", "d_sae": 256, "k": 8},
        "data": {"dataset": str(corpus), "context_size": 32, "lm_batch_size": 16, "buffer_tokens": 2048,
                 "val_tokens": 512, "seed": 0},
        "optim": {"lr": 3e-3, "warmup_steps": 5, "batch_size": 128},
        "total_tokens": 128 * 24,
        "log_every": 4,
        "eval_every": 8,
        "checkpoint_every": 8,
        "keep_checkpoints": 2,
        "dead_window_tokens": 2048,
        "device": "cpu",
        "progress": False,
        "early_stopping": {"enabled": False},
    }
    for key, value in top.items():
        cfg[key] = {**cfg[key], **value} if isinstance(value, dict) and isinstance(cfg.get(key), dict) else value
    return cfg


@pytest.fixture
def tiny_config_data(tiny_llama_dir, tiny_corpus):
    """Factory: tiny_config_data(**overrides) -> the config as a plain dict (for YAML files)."""
    return lambda **top: tiny_config_dict(tiny_llama_dir, tiny_corpus, **top)


@pytest.fixture
def tiny_config(tiny_llama_dir, tiny_corpus):
    """Factory: tiny_config(**overrides) -> TrainConfig for the tiny Llama."""
    from sae_pii.config import config_from_dict

    return lambda **top: config_from_dict(tiny_config_dict(tiny_llama_dir, tiny_corpus, **top))


@pytest.fixture(autouse=True)
def _fresh_accelerate_state():
    """accelerate keeps process-wide singletons; each in-process training starts from a clean one."""
    yield
    from accelerate.state import AcceleratorState, GradientState

    AcceleratorState._reset_state(True)
    GradientState._reset_state()


class RandomStream:
    """Stand-in for ActivationStream where the LM does not matter: seeded Gaussian batches with a
    low-rank structure (so an SAE can learn something), exact state_dict / load_state_dict."""

    def __init__(self, d_in: int = 32, batch_size: int = 64, seed: int = 0, poison_at: int | None = None):
        self.d_in, self.batch_size, self.seed, self.poison_at = d_in, batch_size, seed, poison_at
        g = torch.Generator().manual_seed(seed)
        self.basis = torch.randn(4 * d_in, d_in, generator=g)
        self.tokens_seen = 0
        self.batches = 0

    def _batch(self, index: int) -> torch.Tensor:
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + index)
        codes = torch.rand(self.batch_size, self.basis.shape[0], generator=g)
        codes = codes * (codes > 0.95)
        x = codes @ self.basis + 3.0
        if self.poison_at is not None and index >= self.poison_at:
            x[0, 0] = float("inf")  # e.g. a corrupt activation-cache shard
        return x

    def __iter__(self):
        while True:
            x = self._batch(self.batches)
            self.batches += 1
            self.tokens_seen += self.batch_size
            yield x

    def validation_activations(self) -> torch.Tensor:
        return torch.cat([self._batch(-1 - i) for i in range(4)])

    def state_dict(self) -> dict:
        return {"batches": self.batches, "tokens_seen": self.tokens_seen}

    def load_state_dict(self, d: dict) -> None:
        self.batches, self.tokens_seen = d["batches"], d["tokens_seen"]


@pytest.fixture
def random_stream():
    return RandomStream
