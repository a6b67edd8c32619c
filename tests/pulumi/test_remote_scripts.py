"""The remote deploy scripts, run for real over SSH (local sshd) with stub docker/nvidia tools."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from lambda_infra.remote import SCRIPTS_DIR, step_command


@pytest.fixture
def instance(sshd, stubs, tmp_path):
    """A fake instance home with the scripts copied in, and a runner for one step."""
    home = tmp_path / "sae-pii"
    sshd.upload_dir(SCRIPTS_DIR, f"{home}/scripts")
    (home / "src" / "docker").mkdir(parents=True)
    (home / "src" / "docker" / "Dockerfile").write_text("FROM scratch\n")
    run_dir = tmp_path / "run"
    base_env = {**stubs.env(), "SAE_PII_HOME": str(home), "RUN_DIR": str(run_dir),
                "TRAINER_CONFIG": "a100-minilm", "CLOUD_INIT_TIMEOUT": "20"}

    class Instance:
        def __init__(self):
            self.home, self.run_dir, self.env = home, run_dir, base_env

        def step(self, name, stdin=None, **extra):
            return sshd.run(step_command(name, {**base_env, **extra}, str(home)), stdin=stdin)

    return Instance()


def _setup(instance):
    for step in ("01_wait_cloud_init", "02_prepare_gpu", "03_build_image", "04_start_training"):
        result = instance.step(step)
        assert result.rc == 0, f"{step}: {result.stdout}\n{result.stderr}"


def test_full_deploy_runs_steps_in_order_with_gpu_flags(instance, stubs):
    _setup(instance)
    calls = stubs.calls()
    order = [c for c in calls if not c.startswith(("docker info", "docker inspect"))]
    assert order[0] == "cloud-init status --wait"
    assert order[1].startswith("nvidia-smi --query-gpu")
    assert "nvidia-ctk runtime configure --runtime=docker" in order
    assert order.index("nvidia-ctk runtime configure --runtime=docker") < order.index("systemctl restart docker")
    build = next(c for c in order if c.startswith("docker build"))
    assert f"-f {instance.home}/src/docker/Dockerfile -t sae-pii-trainer:deploy {instance.home}/src" in build
    smoke = "docker run --rm --gpus all --entrypoint nvidia-smi sae-pii-trainer:deploy -L"
    assert order.index(build) < order.index(smoke)
    start = next(c for c in order if c.startswith("docker run -d"))
    assert order.index(smoke) < order.index(start)
    assert "--name sae-pii-train --gpus all" in start
    assert f"-v {instance.run_dir}:/models/run" in start
    assert start.endswith("sae-pii-trainer:deploy train --config a100-minilm --out-dir /models/run")
    assert "--resume" not in start


def test_rerun_is_idempotent(instance, stubs):
    _setup(instance)
    stubs.clear()
    _setup(instance)
    calls = stubs.calls()
    assert not any(c.startswith("nvidia-ctk") for c in calls), "runtime already configured: not again"
    assert not any(c.startswith("systemctl restart") for c in calls)
    assert not any(c.startswith("docker run -d") for c in calls), "running container must be left alone"


def test_failed_container_is_replaced_and_resumes_from_checkpoint(instance, stubs):
    _setup(instance)
    stubs.flag("container", "exited 137")
    (instance.run_dir / "checkpoints" / "step-100").mkdir(parents=True)
    stubs.clear()
    result = instance.step("04_start_training")
    assert result.rc == 0, result.stderr
    calls = stubs.calls()
    assert "docker rm -f sae-pii-train" in calls
    start = next(c for c in calls if c.startswith("docker run -d"))
    assert start.endswith("--out-dir /models/run --resume")


def test_finished_training_is_not_restarted(instance, stubs):
    _setup(instance)
    # The trainer writes its weights, then its container exits: in that order, or the finalizer that
    # _setup's start left watching the container may checksum the run dir before the weights exist.
    (instance.run_dir / "sae_final.pt").write_bytes(b"weights")
    stubs.flag("container", "exited 0")
    stubs.clear()
    result = instance.step("04_start_training")
    assert result.rc == 0
    assert "already finished" in result.stdout
    assert not any(c.startswith(("docker run", "docker rm")) for c in stubs.calls())
    assert "sae_final.pt" in (instance.run_dir / "SHA256SUMS").read_text()


def test_missing_gpu_stops_before_docker(instance, stubs):
    stubs.flag("no_gpu")
    result = instance.step("02_prepare_gpu")
    assert result.rc != 0
    assert "nvidia-smi failed" in result.stderr
    assert not any(c.startswith(("docker", "nvidia-ctk")) for c in stubs.calls())


def test_cloud_init_error_fails_with_log_hint(instance, stubs):
    stubs.flag("cloud_init_rc", "1")
    result = instance.step("01_wait_cloud_init")
    assert result.rc != 0
    assert "/var/log/cloud-init-output.log" in result.stderr
    stubs.flag("cloud_init_rc", "2")  # recoverable: warn and go on
    result = instance.step("01_wait_cloud_init")
    assert result.rc == 0 and "recoverable" in result.stderr


def test_gpu_invisible_in_docker_fails_the_build_step(instance, stubs):
    assert instance.step("02_prepare_gpu").rc == 0
    stubs.flag("no_gpu_in_docker")
    result = instance.step("03_build_image")
    assert result.rc != 0
    assert "no GPU inside Docker" in result.stderr


def test_configured_image_is_pulled_not_built(instance, stubs):
    assert instance.step("02_prepare_gpu").rc == 0
    result = instance.step("03_build_image", TRAINER_IMAGE="ghcr.io/example/sae-pii:1.0")
    assert result.rc == 0, result.stderr
    calls = stubs.calls()
    assert "docker pull ghcr.io/example/sae-pii:1.0" in calls
    assert not any(c.startswith("docker build") for c in calls)
    assert (instance.home / "state" / "image").read_text().strip() == "ghcr.io/example/sae-pii:1.0"


def test_pull_failure_is_retried_then_reported(instance, stubs):
    assert instance.step("02_prepare_gpu").rc == 0
    stubs.flag("fail_pull")
    result = instance.step("03_build_image", TRAINER_IMAGE="ghcr.io/example/missing:1", PULL_RETRY_DELAY="0")
    assert result.rc != 0
    assert sum(c.startswith("docker pull") for c in stubs.calls()) == 3
    assert "could not pull ghcr.io/example/missing:1" in result.stderr


def test_stop_checkpoints_then_guards_unfetched_results(instance, stubs):
    _setup(instance)
    (instance.run_dir / "sae_final.pt").write_bytes(b"weights")
    stubs.clear()
    result = instance.step("stop_training")
    assert "docker stop -t 600 sae-pii-train" in stubs.calls()   # SIGTERM, long grace for the checkpoint
    assert result.rc != 0
    assert "never fetched" in result.stderr and "make fetch" in result.stderr
    sums = (instance.run_dir / "SHA256SUMS").read_text()
    assert hashlib.sha256(b"weights").hexdigest() + "  ./sae_final.pt" in sums

    (instance.run_dir / ".fetched").write_text("2026-01-01T00:00:00Z")
    stubs.clear()
    result = instance.step("stop_training")
    assert result.rc == 0, result.stderr
    assert not any(c.startswith("docker stop") for c in stubs.calls()), "already stopped"


def test_stop_warns_only_on_persistent_filesystem(instance, stubs):
    _setup(instance)
    (instance.run_dir / "sae_final.pt").write_bytes(b"weights")
    result = instance.step("stop_training", PERSISTENT="1")
    assert result.rc == 0
    assert "stay on the persistent filesystem" in result.stderr


def test_finalizer_writes_exit_code_and_checksums(instance, stubs, sshd):
    _setup(instance)
    (instance.run_dir / "sae").mkdir()
    (instance.run_dir / "sae" / "cfg.json").write_text("{}")
    stubs.flag("container", "exited 0")
    env = {**instance.env, "CONTAINER_NAME": "sae-pii-train"}
    result = sshd.run(step_command("finalize_run", env, str(instance.home)))
    assert result.rc == 0, result.stderr
    assert (instance.run_dir / "EXIT_CODE").read_text().strip() == "0"
    lines = (instance.run_dir / "SHA256SUMS").read_text().splitlines()
    assert f"{hashlib.sha256(b'{}').hexdigest()}  ./sae/cfg.json" in lines


def test_status_reports_container_and_fetch_state(instance, stubs):
    _setup(instance)
    result = instance.step("status")
    assert result.rc == 0
    assert "container: running 0" in result.stdout
    assert "fetched:   no" in result.stdout
    assert "step 100 loss 0.5" in result.stdout


def test_step_command_rejects_unknown_script():
    with pytest.raises(ValueError, match="no remote script"):
        step_command("05_nope", {}, "/tmp")


def test_scripts_are_files_in_the_repo():
    names = {p.name for p in Path(SCRIPTS_DIR).glob("*.sh")}
    assert {"01_wait_cloud_init.sh", "02_prepare_gpu.sh", "03_build_image.sh", "04_start_training.sh",
            "stop_training.sh", "install_deadline.sh", "deadline_terminate.sh"} <= names


def test_new_trainer_config_restarts_from_checkpoint(instance, stubs):
    _setup(instance)
    (instance.run_dir / "checkpoints" / "step-50").mkdir(parents=True)
    stubs.clear()
    result = instance.step("04_start_training", TRAINER_CONFIG="llama-3.1-8b-a100")
    assert result.rc == 0, result.stderr
    calls = stubs.calls()
    stop = calls.index("docker stop -t 600 sae-pii-train")
    start = next(i for i, c in enumerate(calls) if c.startswith("docker run -d"))
    assert stop < start
    assert calls[start].endswith("train --config llama-3.1-8b-a100 --out-dir /models/run --resume")


def test_trainer_secrets_come_from_stdin_into_a_private_env_file(instance, stubs, sshd):
    for step in ("01_wait_cloud_init", "02_prepare_gpu", "03_build_image"):
        assert instance.step(step).rc == 0
    result = instance.step("04_start_training", stdin="HF_TOKEN=hf_secret_value")
    assert result.rc == 0, result.stderr
    env_file = instance.home / "state" / "trainer.env"
    assert env_file.read_text().strip() == "HF_TOKEN=hf_secret_value"
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    start = next(c for c in stubs.calls() if c.startswith("docker run -d"))
    assert f"--env-file {env_file}" in start and "hf_secret_value" not in start
    assert "hf_secret_value" not in result.stdout + result.stderr
