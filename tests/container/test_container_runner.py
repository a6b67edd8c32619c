"""`sae-pii container run|build` at the Docker SDK boundary (no engine exists here; see fake_docker)."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import docker.errors
import pytest
from docker.types import DeviceRequest
from fake_docker import FakeContainer, FakeDockerClient
from sae_pii import container as runner
from sae_pii.cli import app
from typer.testing import CliRunner

TOKEN = "hf_secretTOKENvalue123"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _spec(workdir: Path, **kw) -> runner.RunSpec:
    kw.setdefault("hf_cache", workdir / "hf-cache")
    return runner.RunSpec(config=kw.pop("config", "cpu-demo"), **kw)


def _run(spec, client, environ=None):
    out, err = io.StringIO(), io.StringIO()
    code = runner.run_container(spec, client=client, out=out, err=err, environ=environ or {})
    return code, out.getvalue(), err.getvalue()


def test_run_kwargs_request_all_gpus_mount_folders_and_pass_the_token(workdir):
    client = FakeDockerClient(FakeContainer(log_lines=["step 1 fvu 0.5\n", "done\n"]))
    code, out, err = _run(_spec(workdir), client, environ={"HF_TOKEN": TOKEN, "PATH": "/usr/bin"})

    assert code == 0
    (kwargs,) = client.containers.run_kwargs
    assert kwargs["image"] == "sae-pii-trainer:latest"
    assert kwargs["command"] == ["train", "--config", "cpu-demo", "--out-dir", "/models/sae-trained"]
    assert kwargs["device_requests"] == [DeviceRequest(count=-1, capabilities=[["gpu"]])]
    assert kwargs["device_requests"][0]["Count"] == -1
    assert kwargs["volumes"] == {
        str(workdir / "data"): {"bind": "/data", "mode": "rw"},
        str(workdir / "models"): {"bind": "/models", "mode": "rw"},
        str(workdir / "hf-cache"): {"bind": "/cache/huggingface", "mode": "rw"},
    }
    # Bind sources exist before the daemon sees them (else it creates them owned by root).
    assert all(Path(host).is_dir() for host in kwargs["volumes"])
    assert kwargs["environment"] == {"HF_TOKEN": TOKEN}  # nothing else leaks from this shell
    assert kwargs["detach"] is True
    assert kwargs["init"] is True
    assert kwargs["stop_signal"] == "SIGTERM"
    assert kwargs["user"] == f"{os.getuid()}:{os.getgid()}"
    # Logs streamed; the token never printed, only its name.
    assert out == "step 1 fvu 0.5\ndone\n"
    assert "HF_TOKEN" in err and TOKEN not in err + out
    names = [c[0] for c in client.containers.container.calls]
    assert names[-1] == "remove" and "stop" not in names


def test_gpus_option_maps_to_device_requests():
    assert runner.device_requests("2") == [DeviceRequest(count=2, capabilities=[["gpu"]])]
    assert runner.device_requests("0,3") == [DeviceRequest(device_ids=["0", "3"], capabilities=[["gpu"]])]
    assert runner.device_requests("none") == []
    with pytest.raises(runner.ContainerError, match="'all', 'none'"):
        runner.device_requests("lots")


def test_cpu_run_config_file_resume_and_env_options(workdir):
    cfg = workdir / "configs" / "tiny.yaml"
    cfg.parent.mkdir()
    cfg.write_text("total_tokens: 1000\n")
    client = FakeDockerClient()
    spec = _spec(
        workdir,
        config=str(cfg),
        gpus="none",
        resume=True,
        env=["WANDB_API_KEY", "SAE_X=1"],
        checkpoints_dir=workdir / "ckpt",
        train_args=["--set", "sae.k=8"],
        user=None,
    )
    code, _, err = _run(spec, client, environ={"WANDB_API_KEY": "wandb-secret"})

    assert code == 0
    (kwargs,) = client.containers.run_kwargs
    assert kwargs["device_requests"] == []
    assert kwargs["environment"] == {
        "WANDB_API_KEY": "wandb-secret",
        "SAE_X": "1",
        "SAE_PII_REQUIRE_GPU": "0",
    }
    assert kwargs["command"] == [
        "train",
        "--config",
        "/config/tiny.yaml",
        "--out-dir",
        "/models/sae-trained",
        "--resume",
        "--set",
        "sae.k=8",
    ]
    assert kwargs["volumes"][str(cfg.parent)] == {"bind": "/config", "mode": "ro"}
    assert kwargs["volumes"][str(workdir / "ckpt")] == {"bind": "/checkpoints", "mode": "rw"}
    assert "user" not in kwargs
    assert "wandb-secret" not in err


def test_bad_env_and_missing_config_file_are_clear(workdir):
    client = FakeDockerClient()
    with pytest.raises(runner.ContainerError, match="NOT_SET_ANYWHERE is not set in this shell"):
        _run(_spec(workdir, env=["NOT_SET_ANYWHERE"]), client)
    with pytest.raises(runner.ContainerError, match="does not exist"):
        _run(_spec(workdir, config="missing.yaml"), client)
    with pytest.raises(
        runner.ContainerError, match="unknown config 'llama-typo': use a shipped config .*cpu-demo"
    ):
        _run(_spec(workdir, config="llama-typo"), client)
    assert client.containers.run_kwargs == []


def test_ctrl_c_stops_gracefully_streams_the_checkpoint_logs_and_keeps_exit_code(workdir):
    container = FakeContainer(
        log_lines=["step 10\n"],
        after_stop_lines=["stopped by SIGTERM at step 12; checkpoint written\n"],
        ctrl_c_on_wait=1,
        stop_exit_code=0,
    )
    client = FakeDockerClient(container)
    code, out, err = _run(_spec(workdir, stop_timeout=77), client)

    calls = [c for c in container.calls if c[0] != "logs"]
    assert calls[0] == ("wait", {})
    assert calls[1] == ("stop", {"timeout": 77})  # SIGTERM, 77 s to checkpoint, then SIGKILL
    assert ("kill", {}) not in calls
    assert calls[2][0] == "wait"
    assert code == 0
    assert "checkpoint written" in out  # logs kept streaming after Ctrl-C
    assert "stopping sae-pii-test gracefully" in err and "checkpoint kept" in err


def test_second_ctrl_c_kills(workdir):
    container = FakeContainer(ctrl_c_on_wait=1, stop_exit_code=137)

    def stop_interrupted(**kwargs):
        container.calls.append(("stop", kwargs))
        raise KeyboardInterrupt

    container.stop = stop_interrupted
    code, _, err = _run(_spec(workdir), FakeDockerClient(container))
    assert [c[0] for c in container.calls if c[0] != "logs"] == ["wait", "stop", "kill", "wait", "remove"]
    assert code == 137 and "killed" in err


def test_exit_code_propagates_through_the_cli(workdir, monkeypatch):
    client = FakeDockerClient(FakeContainer(log_lines=["error: layer 9 out of range\n"], exit_code=2))
    monkeypatch.setattr(runner, "connect", lambda factory=None: client)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    args = [
        "container",
        "run",
        "--config",
        "cpu-demo",
        "--hf-cache",
        str(workdir / "hf"),
        "--stop-timeout",
        "30",
    ]
    result = CliRunner().invoke(app, [*args, "--", "--set", "sae.k=8"])
    assert result.exit_code == 2
    assert "layer 9 out of range" in result.output
    assert TOKEN not in result.output
    kwargs = client.containers.run_kwargs[0]
    assert kwargs["environment"] == {"HF_TOKEN": TOKEN}
    assert kwargs["command"][-2:] == ["--set", "sae.k=8"]  # extra trainer arguments after --


def test_no_docker_engine_is_explained(workdir, monkeypatch):
    # The real SDK against a socket nobody listens on: exactly what a machine without Docker gives.
    monkeypatch.setenv("DOCKER_HOST", f"unix://{workdir}/no-such-docker.sock")
    with pytest.raises(runner.NoDockerEngine, match="No Docker engine answers at unix://.*install Docker"):
        runner.connect()
    result = CliRunner().invoke(app, ["container", "run", "--config", "cpu-demo", "--hf-cache", str(workdir)])
    assert result.exit_code == 2
    assert "No Docker engine answers" in result.output


def test_no_nvidia_runtime_is_explained(workdir):
    # What dockerd answers to --gpus all when the NVIDIA Container Toolkit is missing.
    error = docker.errors.APIError(
        "500 Server Error", explanation='could not select device driver "" with capabilities: [[gpu]]'
    )
    client = FakeDockerClient(run_error=error)
    with pytest.raises(runner.NoNvidiaRuntime, match="NVIDIA Container Toolkit.*--gpus none"):
        _run(_spec(workdir), client)
    # The container the SDK created before the failed start is removed, found by this run's label.
    run_label = client.containers.run_kwargs[0]["labels"]["sae-pii.run"]
    assert client.containers.list_calls == [{"all": True, "filters": {"label": f"sae-pii.run={run_label}"}}]
    assert ("remove", {"force": True}) in client.containers.container.calls
    too_old = docker.errors.APIError(
        "500 Server Error",
        explanation=(
            "failed to create task: nvidia-container-cli: requirement error: unsatisfied condition: cuda>=13.0"
        ),
    )
    with pytest.raises(runner.NoNvidiaRuntime, match="driver >= 580"):
        _run(_spec(workdir), FakeDockerClient(run_error=too_old))


def test_missing_image_says_how_to_build_it(workdir):
    client = FakeDockerClient(image_present=False)
    with pytest.raises(runner.ImageMissing, match="make image"):
        _run(_spec(workdir), client)
    assert client.containers.run_kwargs == []


def test_build_uses_the_repo_context_and_labels_the_revision():
    repo = Path(__file__).resolve().parents[2]
    client = FakeDockerClient(
        build_events=[{"stream": "Step 1/20 : FROM nvidia/cuda\n"}, {"aux": {"ID": "sha256:ab"}}]
    )
    out = io.StringIO()
    assert runner.build_image(tag="t:1", repo=repo, client=client, out=out) == "sha256:ab"
    (kwargs,) = client.api.build_kwargs
    assert (
        kwargs["path"] == str(repo) and kwargs["dockerfile"] == "docker/Dockerfile" and kwargs["tag"] == "t:1"
    )
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=False, capture_output=True, text=True
    ).stdout.strip()
    assert kwargs["buildargs"]["REVISION"] == (head or "unknown")
    assert set(kwargs["buildargs"]) == {"VERSION", "REVISION", "SOURCE"}
    assert "Step 1/20" in out.getvalue()
    failing = FakeDockerClient(build_events=[{"error": "pip install failed\n"}])
    with pytest.raises(runner.ContainerError, match="docker build failed: pip install failed"):
        runner.build_image(repo=repo, client=failing, out=io.StringIO())
