"""ActivationStream on the real MiniLM: correct rows, no special tokens, held-out validation,
disjoint DDP shards and an exact resume of the data position."""

from __future__ import annotations

import itertools
import json

import pytest
import torch
from sae_pii.activations import ActivationStream
from sae_pii.data import DataConfig, DatasetError, TokenWindows, WindowPos
from sae_pii.lm import TruncatedLM

CONTEXT = 32


@pytest.fixture(scope="module")
def lm():
    return TruncatedLM.from_pretrained("default", 1)


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    from sae_pii.corpus import write_default_corpus

    # Long enough that the tests' batches never wrap into a second pass (which repeats tokens).
    return str(write_default_corpus(tmp_path_factory.mktemp("data") / "corpus.jsonl", 32, seed=1))


def config(path, **kw) -> DataConfig:
    base = {"dataset": path, "context_size": CONTEXT, "lm_batch_size": 8, "buffer_tokens": 600, "val_tokens": 100, "seed": 5}
    return DataConfig(**{**base, **kw})


def rows(t: torch.Tensor) -> set[bytes]:
    return {r.numpy().tobytes() for r in t}


def nearest(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Distance from each row of `a` to its nearest row of `b` (batching changes the last bits of a
    forward pass, so the same token computed in another LM batch is close, not bit-identical)."""
    return torch.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist").min(dim=1).values


SAME, DIFFERENT = 1e-3, 1e-2


@pytest.fixture(scope="module")
def epoch_reference(lm, data_file):
    """Every content and special-token activation of one pass, computed directly with the LM."""
    tw = TokenWindows(config(data_file), lm.tokenizer)
    windows = list(tw.epoch(WindowPos(0, 0, 0, 0)))
    ids, mask = tw.pad(windows)
    ids, mask = torch.tensor(ids), torch.tensor(mask)
    with torch.inference_mode():
        hidden = lm(ids, mask)
    keep = lm.content_token_mask(ids, mask)
    per_window = [hidden[i][keep[i]] for i in range(len(windows))]
    special = hidden[(~keep) & mask.bool()]
    return windows, per_window, special


def take(stream, n):
    return list(itertools.islice(iter(stream), n))


def test_batches_are_lm_activations_of_content_tokens_only(lm, data_file, epoch_reference):
    _windows, per_window, special = epoch_reference
    # One pass holds validation and two 600-token buffers (each up to a window over): no wrap.
    assert sum(len(w) for w in per_window) > 100 + 2 * (600 + CONTEXT)
    stream = ActivationStream(lm, config(data_file), batch_size=64, device="cpu")
    batches = take(stream, 12)
    assert all(b.shape == (64, 384) and b.dtype == torch.float32 and not b.is_inference() for b in batches)
    got = rows(torch.cat(batches))
    assert len(got) == 12 * 64  # shuffled without replacement inside a buffer: no duplicates
    assert nearest(torch.cat(batches), torch.cat(per_window)).max() < SAME
    # No CLS/SEP activations.
    assert nearest(torch.cat(batches), special).min() > DIFFERENT
    assert stream.tokens_seen == 12 * 64


def test_validation_is_held_out_and_never_trained_on(lm, data_file, epoch_reference):
    windows, per_window, _ = epoch_reference
    stream = ActivationStream(lm, config(data_file), batch_size=64, device="cpu")
    val = stream.validation_activations()
    assert val.shape == (100, 384)
    # The first windows, in order: exactly what the LM gives for them.
    torch.testing.assert_close(val, torch.cat(per_window)[:100], rtol=0, atol=SAME)
    n_epoch = sum(w.n_content for w in windows)
    trained = torch.cat(take(stream, 2 * n_epoch // 64))  # into the second pass over the data
    assert nearest(val, trained).min() > DIFFERENT
    assert stream.validation_activations() is val  # computed once


def test_ranks_see_disjoint_data(lm, data_file, epoch_reference):
    _, per_window, _ = epoch_reference
    r0 = ActivationStream(lm, config(data_file), 32, "cpu", rank=0, world_size=2)
    r1 = ActivationStream(lm, config(data_file), 32, "cpu", rank=1, world_size=2)
    a, b = torch.cat(take(r0, 15)), torch.cat(take(r1, 15))
    assert len(rows(a)) == len(rows(b)) == 15 * 32
    assert nearest(a, b).min() > DIFFERENT
    assert nearest(torch.cat([a, b]), torch.cat(per_window)).max() < SAME
    torch.testing.assert_close(r0.validation_activations(), r1.validation_activations(), rtol=0, atol=0)


def test_resume_continues_exactly_across_buffer_refills(lm, data_file):
    cfg = config(data_file)
    uninterrupted = take(ActivationStream(lm, cfg, 48, "cpu"), 40)  # 600-token buffers: several refills
    first = ActivationStream(lm, cfg, 48, "cpu")
    head = take(first, 17)
    state = json.loads(json.dumps(first.state_dict()))  # plain data: fits any checkpoint format
    resumed = ActivationStream(lm, cfg, 48, "cpu")
    resumed.load_state_dict(state)
    tail = take(resumed, 23)
    assert resumed.tokens_seen == 40 * 48
    for expected, got in zip(uninterrupted, head + tail, strict=True):
        assert torch.equal(expected, got)


def test_seed_changes_the_order_not_the_data(lm, data_file):
    a = take(ActivationStream(lm, config(data_file, buffer_tokens=1000), 50, "cpu"), 4)
    b = take(ActivationStream(lm, config(data_file, buffer_tokens=1000, seed=6), 50, "cpu"), 4)
    assert not torch.equal(a[0], b[0])
    # Same first buffer (same windows), shuffled differently.
    assert len(rows(torch.cat(a)) & rows(torch.cat(b))) > 0  # same LM batches: bit-identical rows


def test_resume_refuses_a_different_setup(lm, data_file):
    state = ActivationStream(lm, config(data_file), 48, "cpu").state_dict()
    other = ActivationStream(lm, config(data_file), 48, "cpu", rank=0, world_size=2)
    with pytest.raises(ValueError, match="world_size=1.*world_size=2"):
        other.load_state_dict(state)
    with pytest.raises(ValueError, match="batch_size"):
        ActivationStream(lm, config(data_file), 64, "cpu").load_state_dict(state)


def test_too_little_data_is_a_clear_error(lm, tmp_path, data_file):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(DatasetError, match="empty"):
        take(ActivationStream(lm, config(str(empty)), 16, "cpu"), 1)
    with pytest.raises(DatasetError, match="val_tokens"):
        ActivationStream(lm, config(data_file, val_tokens=10**7), 16, "cpu").validation_activations()
