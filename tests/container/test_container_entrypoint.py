"""docker/entrypoint.sh run natively on CPU: what the container does, tested without a Docker engine.

Each test starts the real script with the real `sae-pii train` on a tiny real model (2-block random
Llama saved to disk), in 1 process (accelerate launch, the single-GPU path) or 2 (torchrun, gloo).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import torch
from container_helpers import ENTRYPOINT, write_config


def _start(args, env, log: Path) -> subprocess.Popen:
    # Own session: a failing test can end exactly this tree (by its process group id), nothing else.
    with open(log, "wb") as fh:
        return subprocess.Popen(
            [str(ENTRYPOINT), *args], env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
        )


def _finish(proc: subprocess.Popen, timeout: float) -> int:
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise


def _run(args, env, tmp_path: Path, timeout: float = 120) -> tuple[int, str]:
    log = tmp_path / "entrypoint.log"
    code = _finish(_start(args, env, log), timeout)
    return code, log.read_text()


def _wait_for_checkpoint(checkpoints: Path, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    # Any periodic checkpoint will do: with keep_checkpoints=2 the first one can already be rotated
    # away by the time a starved poller looks, so never wait for one particular step.
    deadline = time.monotonic() + timeout
    while not any(checkpoints.glob("step-*")):
        if proc.poll() is not None:
            pytest.fail(f"entrypoint exited ({proc.returncode}) before a checkpoint appeared:\n{log.read_text()}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"no checkpoint appeared in {checkpoints}:\n{log.read_text()}")
        time.sleep(0.05)


def test_one_process_trains_and_reports_the_environment(tiny_model_dir, entrypoint_env, tmp_path):
    cfg = write_config(tmp_path / "tiny.yaml", tiny_model_dir, total_tokens=640)
    out = tmp_path / "run"
    code, log = _run(["train", "--config", str(cfg), "--out-dir", str(out)], entrypoint_env, tmp_path)

    assert code == 0, log
    assert "[entrypoint]   nvidia-smi: not found" in log
    assert f"torch {torch.__version__}" in log and "torch sees 0 GPU(s)" in log
    assert "[entrypoint] launching 1 CPU process(es): sae-pii train --config" in log
    assert "on 1 process(es), cpu" in log
    history = json.loads((out / "training_history.json").read_text())
    assert history["summary"]["stopped_reason"] == "token_budget"
    state = torch.load(out / "sae_final.pt", weights_only=True)
    assert state["state_dict"]["W_enc"].shape == (32, 64)
    assert (out / "sae" / "cfg.json").is_file()


@pytest.mark.parametrize("processes", [1, 2])
def test_sigterm_reaches_the_trainers_which_checkpoint_and_exit_cleanly(
    processes, tiny_model_dir, entrypoint_env, tmp_path
):
    # A budget far beyond the test: only the signal can end this run.
    cfg = write_config(tmp_path / "tiny.yaml", tiny_model_dir, total_tokens=10_000_000, checkpoint_every=5)
    out, log = tmp_path / "run", tmp_path / "entrypoint.log"
    env = {**entrypoint_env, "SAE_PII_NUM_PROCESSES": str(processes)}
    proc = _start(["train", "--config", str(cfg), "--out-dir", str(out)], env, log)
    # Every process is inside the training loop once the first periodic checkpoint exists.
    _wait_for_checkpoint(out / "checkpoints", proc, log)

    os.kill(proc.pid, signal.SIGTERM)  # what `docker stop` sends to the container's entrypoint
    code = _finish(proc, timeout=60)
    text = log.read_text()

    assert code == 0, text
    assert "[entrypoint] received SIGTERM: asking the trainer to write a checkpoint and stop" in text
    assert f"on {processes} process(es), cpu" in text
    stopped = re.search(r"stopped by SIGTERM at step (\d+) .*checkpoint written to (\S+?)\.", text)
    assert stopped, text
    step, checkpoint = int(stopped.group(1)), Path(stopped.group(2))
    assert step >= 5 and checkpoint.is_dir() and checkpoint.name == f"step-{step}"
    # Each process wrote its own state into the checkpoint (it stopped in its handler, not by dying).
    assert sorted(p.name for p in checkpoint.glob("rank-*.pt")) == [f"rank-{r}.pt" for r in range(processes)]
    history = json.loads((out / "training_history.json").read_text())
    assert history["summary"]["note"].startswith("stopped by SIGTERM")
    assert "stopped on request (exit 0)" in text
    assert not (out / "sae_final.pt").exists()  # a stop is not a finished run


def test_sigterm_before_any_trainer_stops_the_launcher_and_says_what_ran(entrypoint_env, tmp_path):
    """A launcher with no child yet (a stand-in that reports the environment, then sleeps) gets the
    signal itself; the log says so and lists the processes, for a run that expected a checkpoint."""
    fake_python = tmp_path / "python"
    fake_python.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = - ]; then cat >/dev/null; echo "[entrypoint]   stand-in python" >&2; echo 0; exit 0; fi\n'
        "echo launcher-started\n"
        "exec sleep 60\n"
    )
    fake_python.chmod(0o755)
    log = tmp_path / "entrypoint.log"
    proc = _start(["train", "--config", "x.yaml", "--out-dir", str(tmp_path / "run")],
                  {**entrypoint_env, "SAE_PII_PYTHON": str(fake_python)}, log)
    deadline = time.monotonic() + 30
    while "launcher-started" not in log.read_text():
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGTERM)
    code = _finish(proc, timeout=30)
    text = log.read_text()
    assert code == 143, text  # the launcher's own end by SIGTERM
    assert "no trainer process under the launcher" in text
    table = re.search(r"processes \(pid ppid name\): (.*)", text)
    assert table and re.search(r"\d+ \d+ sleep;", table.group(1)), text
    assert "stopped on request (exit 143)" in text


def test_missing_gpu_is_a_clear_error_when_one_is_required(entrypoint_env, tmp_path):
    env = {**entrypoint_env, "SAE_PII_REQUIRE_GPU": "1"}
    code, log = _run(["train", "--config", "cpu-demo", "--out-dir", str(tmp_path / "run")], env, tmp_path)
    assert code == 3
    assert "ERROR: no GPU is visible here and SAE_PII_REQUIRE_GPU=1" in log
    assert "docker run --gpus all" in log and "SAE_PII_REQUIRE_GPU=0" in log
    assert "launching" not in log and not (tmp_path / "run").exists()


def test_report_command_and_bad_process_count(entrypoint_env, tmp_path):
    code, log = _run(["report"], entrypoint_env, tmp_path)
    assert code == 0 and "torch sees 0 GPU(s)" in log
    env = {**entrypoint_env, "SAE_PII_NUM_PROCESSES": "two"}
    code, log = _run(["train", "--config", "cpu-demo"], env, tmp_path)
    assert code == 2 and "SAE_PII_NUM_PROCESSES must be a whole number >= 1, got 'two'" in log


def test_other_commands_run_as_given_and_keep_their_exit_code(entrypoint_env, tmp_path):
    code, log = _run(["sh", "-c", 'echo "$#:$1|$2"', "sh", "a", "b c"], entrypoint_env, tmp_path)
    assert code == 0 and log == "2:a|b c\n"  # arguments pass through untouched, no report
    code, _ = _run(["sh", "-c", "exit 7"], entrypoint_env, tmp_path)
    assert code == 7
