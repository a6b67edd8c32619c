"""The deadline: the instance calls the terminate API itself after maxHours (real curl -> emulator)."""

from __future__ import annotations

import stat
import time

import pytest
from lambda_infra.client import LambdaClient
from lambda_infra.emulator import run_emulator_in_thread
from lambda_infra.remote import SCRIPTS_DIR, step_command

API_KEY = "deadline-key-456"


@pytest.fixture
def cloud():
    with run_emulator_in_thread(api_key=API_KEY, boot_seconds=0.05, terminate_seconds=0.05) as emu:
        client = LambdaClient(api_key=API_KEY, base_url=emu.url)
        client.add_ssh_key("k")
        instance = client.launch_with_fallback("gpu_1x_a100_sxm4", "auto", "k", "sae-pii-train-deadline1")
        yield emu, client, instance


@pytest.fixture
def home(sshd, tmp_path):
    home = tmp_path / "sae-pii"
    sshd.upload_dir(SCRIPTS_DIR, f"{home}/scripts")
    return home


def _env(stubs, home, tmp_path, emu, instance, **extra):
    return {**stubs.env(), "SAE_PII_HOME": str(home), "RUN_DIR": str(tmp_path / "run"),
            "SECRET_DIR": str(tmp_path / "secret"), "INSTANCE_ID": instance.id, "LAMBDA_API_URL": emu.url,
            "MAX_HOURS": "12", **extra}


def test_deadline_terminates_the_instance_via_the_api(sshd, stubs, home, tmp_path, cloud):
    emu, client, instance = cloud
    stubs.flag("container", "running 0")
    # Booted 12 h ago: the deadline is due now.
    env = _env(stubs, home, tmp_path, emu, instance, START_EPOCH=str(int(time.time()) - 12 * 3600))
    result = sshd.run(step_command("install_deadline", env, str(home)), stdin=API_KEY)
    assert result.rc == 0, result.stderr
    assert API_KEY not in result.stdout + result.stderr

    header = tmp_path / "secret" / "auth-header"
    assert stat.S_IMODE(header.stat().st_mode) == 0o600
    log_file = home / "state" / "deadline.log"
    # The script logs after curl returns, which can be just after the emulator has flipped the status.
    for _ in range(200):
        log = log_file.read_text() if log_file.exists() else ""
        if "terminate requested" in log:
            break
        time.sleep(0.05)
    assert client.get_instance(instance.id).status in ("terminating", "terminated")
    assert "terminate requested" in log and API_KEY not in log
    assert "docker stop -t 600 sae-pii-train" in stubs.calls(), "checkpoint before terminate"


def test_rerun_keeps_the_original_deadline(sshd, stubs, home, tmp_path, cloud):
    emu, client, instance = cloud
    now = int(time.time())
    env = _env(stubs, home, tmp_path, emu, instance, START_EPOCH=str(now))
    assert sshd.run(step_command("install_deadline", env, str(home)), stdin=API_KEY).rc == 0
    first = (home / "state" / "deadline_epoch").read_text()
    assert int(first) == now + 12 * 3600
    env["START_EPOCH"] = str(now + 3600)
    assert sshd.run(step_command("install_deadline", env, str(home)), stdin=API_KEY).rc == 0
    assert (home / "state" / "deadline_epoch").read_text() == first
    assert client.get_instance(instance.id).status == "active"
    pid = (home / "state" / "deadline.pid").read_text().strip()
    sshd.run(f"kill -- -{pid}")   # the timer (a process group: bash + sleep) is ours: leave nothing behind


def test_off_installs_nothing_and_needs_no_key(sshd, stubs, home, tmp_path, cloud):
    emu, _client, instance = cloud
    env = _env(stubs, home, tmp_path, emu, instance, AUTO_TERMINATE="off")
    result = sshd.run(step_command("install_deadline", env, str(home)), stdin="")
    assert result.rc == 0 and "auto-termination is off" in result.stdout
    assert not (tmp_path / "secret").exists()


def test_missing_key_fails_clearly(sshd, stubs, home, tmp_path, cloud):
    emu, _client, instance = cloud
    result = sshd.run(step_command("install_deadline", _env(stubs, home, tmp_path, emu, instance), str(home)),
                      stdin="")
    assert result.rc != 0 and "no API key on stdin" in result.stderr
