"""Checkpoints are atomic: a full disk mid-write leaves the previous one intact; the last K are kept."""

from __future__ import annotations

import errno

import pytest
import torch
from sae_pii import checkpoint as ckpt
from sae_pii.checkpoint import CheckpointWriteError, checkpoint_dirs, load_checkpoint, save_checkpoint
from sae_pii.train_cli import run_training


def write(root, step, value=1.0, keep=2):
    return save_checkpoint(
        root, step, weights={"w": torch.full((4,), value)}, optimizer_state={"state": {}, "lr": value},
        trainer_state={"step": step}, rank_state={"rng": ckpt.rng_state(), "data": {"pos": step}}, keep=keep,
    )


def test_keeps_the_last_k_complete_checkpoints(tmp_path):
    for step in (10, 20, 30, 40):
        write(tmp_path, step, float(step), keep=2)
    assert [s for s, _ in checkpoint_dirs(tmp_path)] == [30, 40]
    loaded = load_checkpoint(tmp_path / "step-40")
    assert torch.equal(loaded["weights"]["w"], torch.full((4,), 40.0))
    assert loaded["trainer"]["step"] == 40 and loaded["rank"]["data"] == {"pos": 40}


def test_disk_full_mid_write_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    write(tmp_path, 10, 1.0)
    real_save_file = ckpt.save_file

    def full_disk(tensors, filename):
        real_save_file(tensors, filename)
        with open(filename, "r+b") as f:  # half the file made it to disk, then ENOSPC
            f.truncate(8)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ckpt, "save_file", full_disk)
    with pytest.raises(CheckpointWriteError, match=r"the disk is full.*step-10 is intact.*--resume") as info:
        write(tmp_path, 20, 2.0)
    assert info.value.errno == errno.ENOSPC
    assert [s for s, _ in checkpoint_dirs(tmp_path)] == [10]
    assert not list(tmp_path.glob(".step-*"))  # no half-written folder left behind
    assert torch.equal(load_checkpoint(tmp_path / "step-10")["weights"]["w"], torch.full((4,), 1.0))


def test_training_run_with_full_disk_exits_nonzero_and_keeps_last_good(tiny_config, tmp_path, monkeypatch, capsys):
    real_save_file = ckpt.save_file
    calls = {"n": 0}

    def full_on_second(tensors, filename):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_save_file(tensors, filename)

    monkeypatch.setattr(ckpt, "save_file", full_on_second)
    code = run_training(tiny_config(), tmp_path / "run", resume=False)
    err = capsys.readouterr().err
    assert code == 4
    assert "could not write checkpoint step-16: the disk is full" in err
    assert "step-8 is intact" in err
    assert [s for s, _ in checkpoint_dirs(tmp_path / "run" / "checkpoints")] == [8]
    assert load_checkpoint(tmp_path / "run" / "checkpoints" / "step-8")["trainer"]["step"] == 8
    assert not (tmp_path / "run" / "sae_final.pt").exists()


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(random_stream, tmp_path):
    from sae_pii.config import config_from_dict
    from sae_pii.trainer import NonFiniteLossError, train

    cfg = config_from_dict({
        "sae": {"d_sae": 64, "k": 4}, "optim": {"batch_size": 64, "warmup_steps": 0, "lr": 1e-3},
        "total_tokens": 64 * 30, "log_every": 2, "eval_every": 10, "checkpoint_every": 5, "device": "cpu",
        "progress": False, "data": {"val_tokens": 256},
    })
    # Batch 7 onward carries an inf (e.g. a corrupt activation-cache shard).
    with pytest.raises(NonFiniteLossError, match=r"NaN/inf at step 8.*step-5") as info:
        train(cfg, tmp_path / "run", stream=random_stream(d_in=32, batch_size=64, poison_at=7), d_in=32)
    assert "Lower optim.lr" in str(info.value)
    assert [s for s, _ in checkpoint_dirs(tmp_path / "run" / "checkpoints")] == [5]
    good = load_checkpoint(tmp_path / "run" / "checkpoints" / "step-5")
    assert all(torch.isfinite(v).all() for v in good["weights"].values())
