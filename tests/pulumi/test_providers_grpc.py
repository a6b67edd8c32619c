"""The dynamic providers for real: the engine's provider process, over gRPC, against the emulator."""

from __future__ import annotations

import base64

import grpc
import pytest
from lambda_infra.client import LambdaClient
from lambda_infra.emulator import run_emulator_in_thread
from lambda_infra.providers import InstanceProvider, SshKeyProvider
from provider_process import ProviderProcess, Resource

API_KEY = "emulator-secret-key-123"
FAST = {"poll_interval_seconds": 0.05}


@pytest.fixture(scope="module")
def emulator():
    with run_emulator_in_thread(api_key=API_KEY, boot_seconds=0.1, terminate_seconds=0.1) as emu:
        yield emu


@pytest.fixture(scope="module")
def provider(emulator, tmp_path_factory):
    claims = tmp_path_factory.mktemp("claims") / "claims.json"
    process = ProviderProcess({"LAMBDA_RETRY_BASE_DELAY": "0.01", "SAE_PII_CLAIMS_FILE": str(claims)})
    # The stack config the engine passes: the key arrives here, inside the provider process only.
    process.configure({"lambda:apiKey": API_KEY, "lambda:apiUrl": emulator.url})
    yield process
    process.close()


@pytest.fixture
def api(emulator):
    emulator.control.configure(no_capacity_regions=[], phantom_capacity_regions=[])
    client = LambdaClient(api_key=API_KEY, base_url=emulator.url)
    yield client
    live = [i.id for i in client.list_instances() if not i.is_gone]
    if live:
        client.terminate(live)
    for key in client.list_ssh_keys():
        client.delete_ssh_key(key.id)


def _key(provider, name="k1"):
    res = Resource(provider, SshKeyProvider(), "SshKey", name)
    inputs, failures = res.check({})
    assert failures == []
    res.create(inputs)
    return res


def _instance(provider, key, name="trainer", **props):
    res = Resource(provider, InstanceProvider(), "Instance", name)
    news = {"instance_type": "gpu_1x_a100_sxm4", "regions": "auto", "ssh_key_name": key.state["name"],
            "owner": "test-stack", **FAST, **props}
    inputs, failures = res.check(news)
    assert failures == []
    return res, inputs


def _live(api):
    return [i for i in api.list_instances() if not i.is_gone]


def test_provider_is_pickled_by_reference_without_secrets(provider):
    res = Resource(provider, InstanceProvider(), "Instance", "x")
    raw = base64.b64decode(res.serialized)
    assert b"lambda_infra.providers" in raw and b"InstanceProvider" in raw
    assert API_KEY.encode() not in raw
    assert b"def create" not in raw  # no inline source: the provider process imports the module


def test_happy_path_create_rename_replace_delete(provider, api):
    key = _key(provider)
    assert key.state["name"].startswith("sae-pii-key-")
    assert key.state["private_key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert key.state["public_key"].startswith("ssh-ed25519 ")
    assert [k.name for k in api.list_ssh_keys()] == [key.state["name"]]

    inst, inputs = _instance(provider, key)
    assert inputs["name"].startswith("sae-pii-train-")
    out = inst.create(inputs)
    assert out["status"] == "active" and out["ip"]
    assert out["price_cents_per_hour"] == 129 and out["hourly_usd"] == 1.29
    assert out["region"]
    assert API_KEY not in repr(out) and API_KEY not in repr(key.state)
    live = _live(api)
    assert [i.id for i in live] == [inst.id] and live[0].ssh_key_names == [key.state["name"]]

    renamed = {**inputs, "name": "sae-pii-renamed"}
    diff = inst.diff(renamed)
    assert diff.changes == diff.DIFF_SOME and list(diff.replaces) == []
    inst.update(renamed)
    assert api.get_instance(inst.id).name == "sae-pii-renamed"

    retyped = {**renamed, "instance_type": "gpu_1x_h100_pcie"}
    diff = inst.diff(retyped)
    assert list(diff.replaces) == ["instance_type"] and diff.deleteBeforeReplace

    same_region = {**renamed, "regions": [out["region"], "us-east-3"]}
    assert list(inst.diff(same_region).replaces) == []
    other = "me-west-1" if out["region"] != "me-west-1" else "us-west-1"
    assert list(inst.diff({**renamed, "regions": [other]}).replaces) == ["regions"]

    rid, _ = inst.read()
    assert rid == inst.id
    inst.delete()
    assert _live(api) == []
    rid, _ = inst.read()
    assert rid == "", "a terminated instance reads as gone"
    key.delete()
    assert api.list_ssh_keys() == []


def test_capacity_fallback_walks_the_preference_list(provider, api, emulator):
    key = _key(provider, "k2")
    emulator.control.configure(no_capacity_regions=["us-east-1"], phantom_capacity_regions=["us-west-1"])
    inst, inputs = _instance(provider, key, "fallback", regions=["us-east-1", "us-west-1", "us-west-2"])
    out = inst.create(inputs)
    assert out["region"] == "us-west-2"
    assert [i.id for i in _live(api)] == [inst.id]


def test_no_capacity_anywhere_fails_without_leaving_anything(provider, api, emulator):
    key = _key(provider, "k3")
    emulator.control.configure(no_capacity_regions=["us-east-1", "us-west-1"])
    inst, inputs = _instance(provider, key, "nocap", regions=["us-east-1", "us-west-1"])
    with pytest.raises(grpc.RpcError, match="capacity"):
        inst.create(inputs)
    assert _live(api) == []


@pytest.mark.parametrize("behaviour", ["unhealthy", "stuck_booting"])
def test_launch_accepted_then_failure_terminates_the_instance(provider, api, emulator, behaviour):
    key = _key(provider, f"k-{behaviour}")
    emulator.control.next_instance(behaviour)
    inst, inputs = _instance(provider, key, behaviour, boot_timeout_seconds=0.5)
    with pytest.raises(grpc.RpcError) as err:
        inst.create(inputs)
    assert behaviour.split("_")[0] in str(err.value.details()).lower() or "timeout" in str(err.value.details()).lower()
    launched = [i for i in api.list_instances() if i.name == inputs["name"]]
    assert len(launched) == 1, "the launch was accepted once"
    assert launched[0].status in ("terminating", "terminated"), "no orphan: it was terminated"
    assert _live(api) == []


def test_lost_launch_response_yields_exactly_one_instance(provider, api, emulator):
    key = _key(provider, "k-lost")
    emulator.control.lose_next_launch_response("drop")
    inst, inputs = _instance(provider, key, "lost")
    out = inst.create(inputs)
    named = [i for i in api.list_instances() if i.name == inputs["name"]]
    assert [i.id for i in named] == [out["instance_id"]]


def test_destroy_of_an_already_terminated_instance_succeeds(provider, api):
    key = _key(provider, "k-gone")
    inst, inputs = _instance(provider, key, "gone")
    inst.create(inputs)
    api.terminate([inst.id])          # e.g. the on-instance deadline fired
    rid, _ = inst.read()
    assert rid == ""
    inst.delete()                     # pulumi destroy must not fail on it
    inst.delete()                     # nor on a second try
    assert _live(api) == []


def test_check_rejects_bad_type_region_and_name(provider):
    res = Resource(provider, InstanceProvider(), "Instance", "bad")
    _, failures = res.check({"instance_type": "a100", "regions": ["mars-1"], "ssh_key_name": "k",
                             "name": "bad name!"})
    props = {p for p, _ in failures}
    assert props == {"instance_type", "regions", "name"}
    assert any("mars-1" in reason for _, reason in failures)


def test_missing_api_key_is_a_clear_error(emulator, tmp_path):
    process = ProviderProcess({"SAE_PII_CLAIMS_FILE": str(tmp_path / "c.json")})
    try:
        process.configure({"lambda:apiUrl": emulator.url})
        res = Resource(process, SshKeyProvider(), "SshKey", "nokey")
        inputs, _ = res.check({})
        with pytest.raises(grpc.RpcError, match="pulumi config set --secret lambda:apiKey"):
            res.create(inputs)
    finally:
        process.close()
