"""Fixtures for the PII tests: a tiny random BERT that uses the real all-MiniLM-L6-v2 tokenizer
(so offsets, word pieces and special tokens are the real ones), a random SAE on it saved as a run
directory, and probes fitted on a few synthetic documents."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

TINY_LAYERS = 2
HOOK_LAYER = 1


@pytest.fixture(scope="session")
def minilm_tokenizer():
    from sae_pii.lm import resolve_model_path
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(resolve_model_path("default"))


@pytest.fixture(scope="session")
def tiny_bert_dir(tmp_path_factory) -> str:
    from sae_pii.lm import resolve_model_path
    from transformers import BertConfig, BertModel

    path = tmp_path_factory.mktemp("tiny-bert")
    src = Path(resolve_model_path("default"))
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        if (src / name).exists():
            shutil.copy(src / name, path / name)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=TINY_LAYERS, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=512)
    BertModel(config).save_pretrained(path)
    return str(path)


@pytest.fixture(scope="session")
def tiny_lm(tiny_bert_dir):
    from sae_pii.lm import TruncatedLM

    return TruncatedLM.from_pretrained(tiny_bert_dir, HOOK_LAYER)


@pytest.fixture(scope="session")
def tiny_run_dir(tmp_path_factory, tiny_bert_dir, tiny_lm) -> Path:
    """A run directory as `sae-pii train` + `sae-pii fit-probes` leave it, at toy scale."""
    from sae_pii.pii.fit import fit_probes
    from sae_pii.pii.probes import ProbeTrainConfig
    from sae_pii.pii.synth import generate
    from sae_pii.sae import SAEConfig, SparseAutoencoder

    run = tmp_path_factory.mktemp("run")
    torch.manual_seed(0)
    sae = SparseAutoencoder(SAEConfig(d_in=32, d_sae=128, k=8, model_name=tiny_bert_dir, hook_layer=HOOK_LAYER))
    sae.save_pretrained(run / "sae")
    fit_probes(tiny_lm, sae, list(generate(40, "train", 0)), list(generate(12, "validation", 0)), run / "probes",
               ProbeTrainConfig(epochs=2, context=1, seeds=1), log=lambda *_: None)
    return run


@pytest.fixture
def write_presidio():
    """Writes a one-document presidio-research file: write_presidio(path, text, [(entity_type, value), ...])."""
    import json

    def write(path: Path, text: str, parts: list[tuple[str, str]]) -> Path:
        spans = [{"entity_type": t, "entity_value": v, "start_position": text.index(v),
                  "end_position": text.index(v) + len(v)} for t, v in parts]
        path.write_text(json.dumps([{"full_text": text, "spans": spans}]))
        return path

    return write
