"""Helpers shared by the container tests (a uniquely named module: every test folder has a conftest)."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
ENTRYPOINT = REPO / "docker" / "entrypoint.sh"
WORDS = [
    "the",
    "a",
    "my",
    "name",
    "is",
    "john",
    "smith",
    "email",
    "me",
    "at",
    "please",
    "call",
    "and",
    "to",
    "of",
    "in",
    "on",
    "for",
    "with",
    "by",
    "street",
    "phone",
    "number",
    "card",
    "account",
    "born",
    "lives",
    "works",
]


def save_tiny_llama(path: Path) -> str:
    """A random 2-block Llama with a BOS-adding word-level tokenizer, saved like a hub model."""
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    vocab = {w: i for i, w in enumerate(["<unk>", "<s>", "</s>", *WORDS])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
    PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>"
    ).save_pretrained(path)
    torch.manual_seed(0)
    config = LlamaConfig(
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        vocab_size=len(vocab),
        max_position_embeddings=64,
    )
    LlamaForCausalLM(config).save_pretrained(path)
    return str(path)


def write_config(path: Path, model_dir: str, total_tokens: int, checkpoint_every: int = 10_000) -> Path:
    """A training config sized for seconds on one CPU core (offline default corpus, 1000 documents)."""
    cfg = {
        "model": {"name": model_dir, "layer": 1},
        "sae": {"architecture": "topk", "expansion_factor": 2, "k": 4, "b_dec_init": "mean"},
        "data": {
            "dataset": "default",
            "default_corpus_documents": 1000,
            "context_size": 16,
            "lm_batch_size": 8,
            "buffer_tokens": 512,
            "val_tokens": 64,
        },
        "optim": {"batch_size": 32, "lr": 1.0e-3, "warmup_steps": 2},
        "total_tokens": total_tokens,
        "log_every": 2,
        "eval_every": 1_000_000,
        "checkpoint_every": checkpoint_every,
        "keep_checkpoints": 2,
        "dead_window_tokens": 1024,
        "early_stopping": {"enabled": False},
        "mixed_precision": "no",
        "device": "cpu",
        "cost_per_hour_usd": 0.0,
        "progress": False,
        "seed": 0,
    }
    path.write_text(yaml.safe_dump(cfg))
    return path
