"""The on-disk activation cache: same batches as without it, no LM pass on reuse, memory-mapped
shards, and a clear refusal when the cache belongs to another model, layer or dataset."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import torch
from sae_pii.activation_cache import CacheMismatchError
from sae_pii.activations import ActivationStream
from sae_pii.data import DataConfig
from sae_pii.lm import TruncatedLM


@pytest.fixture(scope="module")
def lm():
    return TruncatedLM.from_pretrained("default", 0)


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    from sae_pii.corpus import write_default_corpus

    return str(write_default_corpus(tmp_path_factory.mktemp("data") / "corpus.jsonl", 10, seed=2))


def config(path, cache_dir=None, **kw) -> DataConfig:
    base = {"dataset": path, "context_size": 32, "lm_batch_size": 8, "buffer_tokens": 300, "val_tokens": 64, "seed": 1,
                "cache_dir": str(cache_dir) if cache_dir else None}
    return DataConfig(**{**base, **kw})


def take(stream, n):
    return list(itertools.islice(iter(stream), n))


def same_batches(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    # Same rows in the same order. A window computed in a different LM batch may differ in the last
    # bit (the CPU GEMM blocks by batch size), hence the float32-rounding tolerance.
    return len(a) == len(b) and all(torch.allclose(x, y, rtol=0, atol=1e-5) for x, y in zip(a, b))


def test_cached_stream_equals_uncached_and_skips_the_lm_on_reuse(lm, data_file, tmp_path):
    plain = ActivationStream(lm, config(data_file), 40, "cpu")
    expected, expected_val = take(plain, 30), plain.validation_activations()  # ~1.5 passes over the data

    first = ActivationStream(lm, config(data_file, tmp_path / "cache"), 40, "cpu")
    assert same_batches(take(first, 30), expected)
    first.validation_activations()
    # The second pass came from disk: the LM saw each window once (validation included).
    assert 0 < first.lm_tokens < plain.lm_tokens

    again = ActivationStream(lm, config(data_file, tmp_path / "cache"), 40, "cpu")
    torch.testing.assert_close(again.validation_activations(), expected_val, rtol=0, atol=1e-5)
    assert same_batches(take(again, 30), expected)
    assert again.lm_tokens == 0  # a second SAE run reuses the first one's LM pass

    shards = sorted((tmp_path / "cache").glob("shard-*.npy"))
    data_shards = [s for s in shards if not s.name.endswith(".idx.npy")]
    assert data_shards and len(shards) == 2 * len(data_shards)
    loaded = np.load(data_shards[0], mmap_mode="r")
    assert isinstance(loaded, np.memmap) and loaded.dtype == np.float32 and loaded.shape[1] == 384
    meta = json.loads((tmp_path / "cache" / "meta.json").read_text())
    assert meta["layer"] == 0 and meta["model"] == "default" and meta["data"]["dataset"] == data_file


def test_mismatched_reuse_is_refused_with_a_clear_message(lm, data_file, tmp_path):
    ActivationStream(lm, config(data_file, tmp_path / "c"), 40, "cpu").validation_activations()
    other_layer = TruncatedLM.from_pretrained("default", 1)
    with pytest.raises(CacheMismatchError, match=r"layer: cache has 0, this run wants 1.*another data.cache_dir"):
        ActivationStream(other_layer, config(data_file, tmp_path / "c"), 40, "cpu")
    with pytest.raises(CacheMismatchError, match="context_size"):
        ActivationStream(lm, config(data_file, tmp_path / "c", context_size=64), 40, "cpu")
    with pytest.raises(CacheMismatchError, match="dataset"):
        ActivationStream(lm, config("default", tmp_path / "c"), 40, "cpu")


def test_half_written_shards_are_ignored_and_recomputed(lm, data_file, tmp_path):
    cache = tmp_path / "c"
    s = ActivationStream(lm, config(data_file, cache), 40, "cpu")
    val = s.validation_activations()
    # A run killed mid-write leaves at most a temp file or a data file without its index.
    for idx in cache.glob("*.idx.npy"):
        idx.unlink()
    (cache / ".shard-x.npy.1234.tmp").write_bytes(b"partial")
    again = ActivationStream(lm, config(data_file, cache), 40, "cpu")
    assert torch.equal(again.validation_activations(), val)
    assert again.lm_tokens > 0


def test_float16_cache_is_close(lm, data_file, tmp_path):
    exact = ActivationStream(lm, config(data_file), 40, "cpu").validation_activations()
    half = ActivationStream(lm, config(data_file, tmp_path / "h", cache_dtype="float16"), 40, "cpu")
    half.validation_activations()
    reread = ActivationStream(lm, config(data_file, tmp_path / "h", cache_dtype="float16"), 40, "cpu")
    got = reread.validation_activations()
    assert reread.lm_tokens == 0 and got.dtype == torch.float32
    torch.testing.assert_close(got, exact, rtol=2e-3, atol=2e-3)
    with pytest.raises(CacheMismatchError, match="dtype"):
        ActivationStream(lm, config(data_file, tmp_path / "h"), 40, "cpu")
