"""TruncatedLM: the residual stream after block L equals the full model's, with later blocks gone."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from sae_pii.lm import ModelNotFoundError, TruncatedLM, resolve_model_path
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import AutoModel, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

TEXTS = ["My name is John Smith and my email is john.smith@example.com.", "Call me at 555-0100, please."]
WORDS = ["the", "a", "my", "name", "is", "john", "smith", "email", "me", "at", "please", "call", "and", "to", "of", "in", "on", "for", "with", "by"]


@pytest.fixture(scope="module")
def minilm_full():
    return AutoModel.from_pretrained(resolve_model_path("default")).eval()


@pytest.fixture(scope="module")
def tiny_llama_dir(tmp_path_factory):
    """A random 4-block Llama with its own BOS-adding tokenizer, saved and loaded like a real one."""
    path = tmp_path_factory.mktemp("tiny-llama")
    vocab = {w: i for i, w in enumerate(["<unk>", "<s>", "</s>", *WORDS])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
    PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>").save_pretrained(path)
    torch.manual_seed(0)
    config = LlamaConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=4, num_attention_heads=4,
                         num_key_value_heads=2, vocab_size=len(vocab), max_position_embeddings=64)
    LlamaForCausalLM(config).save_pretrained(path)
    return str(path)


def test_resolve_model_path_aliases_and_passthrough(tmp_path):
    default = resolve_model_path("default")
    assert resolve_model_path("all-MiniLM-L6-v2") == default
    assert resolve_model_path("sentence-transformers/all-MiniLM-L6-v2") == default
    assert (Path(default) / "config.json").exists()
    assert resolve_model_path(str(tmp_path)) == str(tmp_path)
    assert resolve_model_path("meta-llama/Llama-3.1-8B") == "meta-llama/Llama-3.1-8B"
    with pytest.raises(ModelNotFoundError, match="empty"):
        resolve_model_path("  ")


@pytest.mark.parametrize("layer", [0, 3, 5])
def test_minilm_matches_full_model_hidden_states(minilm_full, layer):
    lm = TruncatedLM.from_pretrained("all-MiniLM-L6-v2", layer)
    assert (lm.layer, lm.n_layers, lm.d_model) == (layer, 6, 384)
    assert len(lm.model.encoder.layer) == layer + 1  # later blocks are physically gone
    assert lm.model.pooler is None
    batch = lm.tokenizer(TEXTS, padding=True, return_tensors="pt")
    with torch.inference_mode():
        ours = lm(batch["input_ids"], batch["attention_mask"])
        full = minilm_full(**batch, output_hidden_states=True).hidden_states[layer + 1]
    assert ours.dtype == torch.float32 and ours.shape == (2, batch["input_ids"].shape[1], 384)
    torch.testing.assert_close(ours, full, rtol=0, atol=1e-5)


def test_minilm_content_mask_drops_cls_sep_and_padding():
    lm = TruncatedLM.from_pretrained("default", 1)
    batch = lm.tokenizer(TEXTS, padding=True, return_tensors="pt")
    mask = lm.content_token_mask(batch["input_ids"], batch["attention_mask"])
    tok = lm.tokenizer
    for row_ids, row_mask, row_att in zip(batch["input_ids"], mask, batch["attention_mask"]):
        for t, m, a in zip(row_ids.tolist(), row_mask.tolist(), row_att.tolist()):
            assert m == (a == 1 and t not in (tok.cls_token_id, tok.sep_token_id, tok.pad_token_id))
    assert mask[1].sum() < mask[0].sum()  # the shorter text's padding is masked


def test_llama_layers_match_full_model_and_later_blocks_never_run(tiny_llama_dir):
    full = AutoModel.from_pretrained(tiny_llama_dir).eval()
    ids = torch.randint(3, 20, (2, 12))
    att = torch.ones_like(ids)
    att[1, 8:] = 0
    with torch.inference_mode():
        hidden = full(input_ids=ids, attention_mask=att, output_hidden_states=True).hidden_states
    for layer in (0, 1, 2):  # strictly inside: hidden_states of the last block include the final norm
        lm = TruncatedLM.from_pretrained(tiny_llama_dir, layer)
        assert len(lm.model.layers) == layer + 1
        norm_calls = []
        lm.model.norm.register_forward_hook(lambda *a, calls=norm_calls: calls.append(1))
        with torch.inference_mode():
            ours = lm(ids, att)
        torch.testing.assert_close(ours, hidden[layer + 1], rtol=0, atol=1e-5)
        assert norm_calls == []  # the forward stopped at block L: the final norm never ran


def test_llama_content_mask_drops_bos_and_padding(tiny_llama_dir):
    lm = TruncatedLM.from_pretrained(tiny_llama_dir, 1)
    assert lm.tokenizer.pad_token is not None  # Llama tokenizers ship without one; we set it
    batch = lm.tokenizer(["my name is john smith", "call me"], padding=True, return_tensors="pt")
    assert batch["input_ids"][0, 0].item() == lm.tokenizer.bos_token_id
    mask = lm.content_token_mask(batch["input_ids"], batch["attention_mask"])
    assert mask.tolist() == [[False, True, True, True, True, True], [False, True, True, False, False, False]]


def test_unknown_model_path_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFoundError, match="not found"):
        TruncatedLM.from_pretrained(str(tmp_path / "no-such-model"), 0)
    with pytest.raises(ModelNotFoundError, match="config.json"):
        TruncatedLM.from_pretrained(str(tmp_path), 0)  # a folder without a model in it
    with pytest.raises(ModelNotFoundError, match="hub id"):
        TruncatedLM.from_pretrained("nobody-has/this-model-xyz", 0)


@pytest.mark.parametrize("layer", [6, -1, 99])
def test_layer_out_of_range_names_the_valid_range(layer):
    with pytest.raises(ValueError, match=r"has 6 blocks: valid layers are 0\.\.5"):
        TruncatedLM.from_pretrained("default", layer)


def test_dtype_names_and_float32_output():
    lm = TruncatedLM.from_pretrained("default", 0, dtype="bf16")
    assert next(lm.model.parameters()).dtype == torch.bfloat16
    batch = lm.tokenizer(TEXTS[:1], return_tensors="pt")
    with torch.inference_mode():
        assert lm(batch["input_ids"], batch["attention_mask"]).dtype == torch.float32
    with pytest.raises(ValueError, match="unknown model dtype 'int4'"):
        TruncatedLM.from_pretrained("default", 0, dtype="int4")
