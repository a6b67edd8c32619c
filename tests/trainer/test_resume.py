"""A real `sae-pii train` process is stopped midway by a real signal, resumed with --resume, and
ends with exactly the weights and history of a run that was never interrupted.

Exact (bitwise) equality is expected: the checkpoint holds the weights, Adam's moments, the
scheduler, the dead-latent counters, the partial metric sums and the RNG states, and the activation
stream resumes at the same batch of the same shuffled buffer; the CPU kernels are deterministic
for the same shapes and thread count. Only wall-clock fields (tokens/s, elapsed) may differ.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch
import yaml

TIMING_KEYS = {"tokens_per_s", "elapsed_s"}


@pytest.fixture
def config_file(tmp_path, tiny_config_data):
    cfg = tiny_config_data(total_tokens=128 * 48, checkpoint_every=6, keep_checkpoints=3)
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def start(config_file, out_dir, *extra):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "OMP_NUM_THREADS": "2"}
    return subprocess.Popen(
        [sys.executable, "-m", "sae_pii", "train", "--config", str(config_file), "--out-dir", str(out_dir), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )


def wait_for(path, proc, timeout=120):
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, f"training exited early:\n{proc.communicate()[0]}"
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def final_state(run_dir):
    sd = torch.load(run_dir / "sae_final.pt", weights_only=True)["state_dict"]
    steps = json.loads((run_dir / "training_history.json").read_text())["steps"]
    return sd, [{k: v for k, v in r.items() if k not in TIMING_KEYS} for r in steps]


def assert_same_run(a, b):
    sd_a, hist_a = final_state(a)
    sd_b, hist_b = final_state(b)
    assert sd_a.keys() == sd_b.keys()
    for key in sd_a:
        assert torch.equal(sd_a[key], sd_b[key]), f"{key} differs after resume"
    assert hist_a == hist_b


def test_sigterm_midway_then_resume_matches_an_uninterrupted_run(config_file, tmp_path):
    reference = start(config_file, tmp_path / "reference")
    interrupted = start(config_file, tmp_path / "interrupted")
    wait_for(tmp_path / "interrupted" / "checkpoints" / "step-6" / "trainer_state.pt", interrupted)
    interrupted.send_signal(signal.SIGTERM)
    out, _ = interrupted.communicate(timeout=120)
    assert interrupted.returncode == 0, out
    assert "received SIGTERM: finishing the current step, then writing a checkpoint" in out
    assert "--resume" in out
    summary = json.loads((tmp_path / "interrupted" / "training_history.json").read_text())["summary"]
    assert summary["stopped_reason"] == "signal"
    stopped_at = summary["steps"]
    assert 6 <= stopped_at < 48, "the signal must land midway"
    assert (tmp_path / "interrupted" / "checkpoints" / f"step-{stopped_at}").is_dir()
    assert not (tmp_path / "interrupted" / "sae_final.pt").exists()

    resumed = start(config_file, tmp_path / "interrupted", "--resume")
    out, _ = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, out
    assert f"resumed from {tmp_path / 'interrupted' / 'checkpoints' / f'step-{stopped_at}'}" in out
    ref_out, _ = reference.communicate(timeout=300)
    assert reference.returncode == 0, ref_out
    assert_same_run(tmp_path / "reference", tmp_path / "interrupted")

    # SIGKILL (no chance to write anything) after a checkpoint: resume redoes the lost steps.
    killed = start(config_file, tmp_path / "killed")
    wait_for(tmp_path / "killed" / "checkpoints" / "step-12" / "trainer_state.pt", killed)
    killed.kill()
    killed.communicate(timeout=60)
    assert not (tmp_path / "killed" / "sae_final.pt").exists()
    resumed = start(config_file, tmp_path / "killed", "--resume")
    out, _ = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, out
    assert_same_run(tmp_path / "reference", tmp_path / "killed")
