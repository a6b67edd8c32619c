"""The Pulumi program under mocks: resources, dependencies, exported cost numbers, config errors."""

from __future__ import annotations

import pytest
from lambda_infra.emulator import run_emulator_in_thread
from lambda_infra.stack_config import ConfigError
from program_harness import run_program
from pulumi.runtime import rpc

API_KEY = "program-test-key"


@pytest.fixture(scope="module")
def emulator():
    with run_emulator_in_thread(api_key=API_KEY) as emu:
        yield emu


@pytest.fixture
def base_config(emulator, monkeypatch):
    monkeypatch.delenv("LAMBDA_API_KEY", raising=False)
    monkeypatch.delenv("LAMBDA_API_URL", raising=False)
    return {"lambda:apiKey": API_KEY, "lambda:apiUrl": emulator.url, "maxHours": "12", "budgetUsd": "25"}


def test_default_stack_resources_and_dependency_order(base_config, monkeypatch):
    run = run_program(base_config, secret_keys=("lambda:apiKey",), monkeypatch=monkeypatch)
    types = sorted(r.type for r in run.resources)
    assert types.count("pulumi-python:dynamic/lambda:Instance") == 1
    assert types.count("pulumi-python:dynamic/lambda:SshKey") == 1
    assert not run.of_type("lambda:Filesystem")
    node = run.named("trainer")
    assert node.type == "sae-pii:lambda:GpuNode"
    children = [r.name for r in run.resources if r.parent == node.urn]
    assert {"trainer-key", "trainer-instance", "trainer-train", "trainer-deadline"} <= set(children)

    # Steps run strictly in order; training waits for the deadline to be armed.
    assert run.depends_on("trainer-layout", "trainer-instance")
    assert run.depends_on("trainer-scripts", "trainer-layout")
    assert run.depends_on("trainer-cloud-init", "trainer-scripts")
    assert run.depends_on("trainer-cloud-init", "trainer-docker")
    assert run.depends_on("trainer-gpu", "trainer-cloud-init")
    assert run.depends_on("trainer-image", "trainer-gpu")
    assert run.depends_on("trainer-train", "trainer-image")
    assert run.depends_on("trainer-train", "trainer-deadline")
    assert run.depends_on("trainer-deadline", "trainer-scripts")

    instance = run.named("trainer-instance")
    assert instance.inputs["instance_type"] == "gpu_1x_a100_sxm4"
    assert instance.inputs["regions"] == "auto"
    assert instance.inputs["ssh_key_name"] == "sae-pii-key-test"
    assert "private_key" in run.named("trainer-key").secret_outputs
    train = run.named("trainer-train")
    assert "bash scripts/04_start_training.sh" in train.inputs["create"]
    assert "TRAINER_CONFIG=llama-3.1-8b-a100" in train.inputs["create"]
    assert "bash scripts/stop_training.sh" in train.inputs["delete"]
    assert "GUARD_UNFETCHED=1" in train.inputs["delete"]


def test_api_key_is_never_a_plain_input(base_config, monkeypatch):
    run = run_program(base_config, secret_keys=("lambda:apiKey",), monkeypatch=monkeypatch)
    for r in run.resources:
        visible = {k: v for k, v in r.inputs.items() if k not in ("__provider", "stdin")}
        assert API_KEY not in repr(visible), f"{r.name} carries the API key"
    # The deadline gets it on stdin, wrapped as a secret (stored encrypted in the state).
    stdin = run.named("trainer-deadline").inputs["stdin"]
    assert stdin[rpc._special_sig_key] == rpc._special_secret_sig and stdin["value"] == API_KEY


def test_cost_exports_from_live_price(base_config, monkeypatch):
    run = run_program(base_config, monkeypatch=monkeypatch, preview=True)
    assert run.exports["hourlyUsd"] == 1.29
    assert run.exports["estimatedTotalUsd"] == 15.48   # 12 h of an A100 at 129 c/h, billed per minute
    assert run.exports["budgetUsd"] == 25.0
    assert run.exports["maxHours"] == 12.0
    instance = run.named("trainer-instance")
    assert instance.inputs["estimated_total_usd"] == 15.48 and instance.inputs["budget_usd"] == 25.0
    assert run.exports["sshCommand"] == "ssh -i ~/.ssh/sae-pii-dev ubuntu@203.0.113.7"
    assert run.exports["logsCommand"].endswith("docker logs -f --tail 100 sae-pii-train")
    assert "scripts/status.sh" in run.exports["statusCommand"]
    assert run.exports["fetchCommand"] == "make fetch STACK=dev"


def test_h100_for_six_hours_costs_its_live_price(base_config, monkeypatch):
    run = run_program({**base_config, "instanceType": "gpu_1x_h100_pcie", "maxHours": "6"},
                      monkeypatch=monkeypatch)
    assert run.exports["hourlyUsd"] == 2.49
    assert run.exports["estimatedTotalUsd"] == 14.94


def test_local_stack_without_deploy_has_exactly_instance_and_key(base_config, monkeypatch):
    run = run_program({**base_config, "deployTrainer": "false"}, monkeypatch=monkeypatch)
    custom = [r.type for r in run.resources if not r.type.startswith("sae-pii:")]
    assert sorted(custom) == ["pulumi-python:dynamic/lambda:Instance", "pulumi-python:dynamic/lambda:SshKey"]


def test_filesystem_pins_region_and_keeps_checkpoints(base_config, monkeypatch):
    run = run_program({**base_config, "filesystem": "sae-ckpt", "createFilesystem": "true",
                       "regions": ["us-east-1", "us-west-1"]}, monkeypatch=monkeypatch)
    (fs,) = run.of_type("lambda:Filesystem")
    assert fs.inputs["name"] == "sae-ckpt" and fs.inputs["region"] == "us-east-1"
    assert run.named("trainer-instance").inputs["file_system_names"] == ["sae-ckpt"]
    assert fs.urn in run.named("trainer").dependencies
    assert "RUN_DIR=/lambda/nfs/sae-ckpt/sae-pii-runs/dev" in run.named("trainer-train").inputs["create"]
    assert "PERSISTENT=1" in run.named("trainer-train").inputs["delete"]


def test_trainer_image_skips_the_build_context(base_config, monkeypatch):
    run = run_program({**base_config, "trainerImage": "ghcr.io/acme/sae-pii:1.0"}, monkeypatch=monkeypatch)
    names = {r.name for r in run.resources}
    assert "trainer-docker" not in names and "trainer-trainer" not in names
    assert "TRAINER_IMAGE=ghcr.io/acme/sae-pii:1.0" in run.named("trainer-image").inputs["create"]


@pytest.mark.parametrize(("key", "value", "message"), [
    ("instanceType", "a100", "config key 'instanceType'"),
    ("instanceType", "gpu_9x_unobtainium", "Lambda does not offer"),
    ("regions", ["us-west-1", "moon-1"], "unknown region(s) moon-1"),
    ("maxHours", "0", "config key 'maxHours' must be between"),
    ("budgetUsd", "lots", "config key 'budgetUsd' must be a number"),
    ("autoTerminate", "sometimes", "allowed values are instance, off"),
    ("createFilesystem", "true", "'filesystem' is not set"),
])
def test_config_errors_name_the_key_and_allowed_values(base_config, monkeypatch, key, value, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_program({**base_config, key: value}, monkeypatch=monkeypatch)


def test_missing_api_key_is_explained(base_config, monkeypatch):
    config = {k: v for k, v in base_config.items() if k != "lambda:apiKey"}
    with pytest.raises(ConfigError, match="pulumi config set --secret lambda:apiKey"):
        run_program(config, monkeypatch=monkeypatch)



def _stack_file(name: str) -> dict[str, str]:
    """A stack file's config as the engine hands it over: project keys without the namespace."""
    import json
    from pathlib import Path

    import yaml

    data = yaml.safe_load((Path(__file__).resolve().parents[2] / f"Pulumi.{name}.yaml").read_text())
    config = {}
    for key, value in data["config"].items():
        key = key.removeprefix("sae-pii-gpu:")
        config[key] = value if isinstance(value, str) else json.dumps(value)
    return config


def test_dev_stack_file_is_valid_and_within_budget(base_config, monkeypatch):
    run = run_program({**base_config, **_stack_file("dev")}, monkeypatch=monkeypatch)
    assert run.named("trainer-instance").inputs["instance_type"] == "gpu_1x_a100_sxm4"
    assert run.exports["estimatedTotalUsd"] == 15.48
    assert run.exports["estimatedTotalUsd"] <= run.exports["budgetUsd"], "the shipped defaults pass the policy"


def test_local_stack_file_creates_one_instance_and_one_key(base_config, monkeypatch):
    local = _stack_file("local")
    assert local.pop("lambda:apiUrl") == "http://127.0.0.1:8787/api/v1"
    run = run_program({**base_config, **local}, monkeypatch=monkeypatch)
    custom = sorted(r.type for r in run.resources if not r.type.startswith("sae-pii:"))
    assert custom == ["pulumi-python:dynamic/lambda:Instance", "pulumi-python:dynamic/lambda:SshKey"]
    assert run.exports["estimatedTotalUsd"] == 2.58
