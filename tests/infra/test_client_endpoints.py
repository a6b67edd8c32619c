"""Happy path of every endpoint, through the client, over real HTTP to the emulator."""

from __future__ import annotations

import base64

import requests
from cryptography.hazmat.primitives import serialization
from infra_helpers import KEY
from lambda_infra.client import FirewallRule
from lambda_infra.models import ALL_STATUSES

REFERENCE_PRICES = {  # cents/hour, from the API reference
    "gpu_1x_a100": 129, "gpu_1x_a100_sxm4": 129, "gpu_2x_a100": 258, "gpu_4x_a100": 516, "gpu_8x_a100": 1032,
    "gpu_8x_a100_80gb_sxm4": 1432, "gpu_1x_h100_pcie": 249, "gpu_1x_h100_sxm5": 329, "gpu_2x_h100_sxm5": 638,
    "gpu_4x_h100_sxm5": 1236, "gpu_8x_h100_sxm5": 2392, "gpu_1x_gh200": 149, "gpu_1x_a10": 75,
    "gpu_1x_a6000": 80, "cpu_4x_general": 20,
}


def test_instance_types_match_reference_prices_and_shape(client, emu):
    types = client.instance_types()
    assert {n: t.price_cents_per_hour for n, t in types.items()} == REFERENCE_PRICES
    a100 = types["gpu_1x_a100_sxm4"]
    assert a100.description == "1x A100 (40 GB SXM4)" and a100.gpus == 1 and a100.vcpus > 0
    assert a100.regions_with_capacity == ["us-east-1", "us-west-2"]
    raw = requests.get(emu.url + "/instance-types", headers={"Authorization": f"Bearer {KEY}"}, timeout=5).json()
    entry = raw["data"]["gpu_1x_a100_sxm4"]
    assert set(entry) == {"instance_type", "regions_with_capacity_available"}
    assert set(entry["instance_type"]["specs"]) == {"vcpus", "memory_gib", "storage_gib", "gpus"}
    assert entry["regions_with_capacity_available"][0] == {"name": "us-east-1", "description": "Virginia, USA"}


def test_launch_list_get_rename_restart_terminate(client, ssh_key):
    iid = client.launch("gpu_1x_a100_sxm4", "us-east-1", "k1", "sae-pii-t-00000001", tags={"sae-pii-owner": "t"})
    assert len(iid) == 32 and int(iid, 16) >= 0
    inst = client.get_instance(iid)
    assert inst.status == "booting" and inst.ip is None  # no ip until active
    assert inst.region == "us-east-1" and inst.instance_type == "gpu_1x_a100_sxm4"
    assert inst.price_cents_per_hour == 129 and inst.ssh_key_names == ["k1"] and inst.tags == {"sae-pii-owner": "t"}
    assert set(inst.raw) >= {"id", "status", "ssh_key_names", "file_system_names", "region", "instance_type", "actions"}
    active = client.wait_for_status(iid, poll_interval=0.02, timeout=5)
    assert active.status == "active" and active.ip
    assert [i.id for i in client.list_instances()] == [iid]
    assert client.rename_instance(iid, "sae-pii-t-renamed").name == "sae-pii-t-renamed"
    assert client.get_instance(iid).name == "sae-pii-t-renamed"
    restarted = client.restart([iid])
    assert [i.status for i in restarted] == ["booting"]
    assert client.wait_for_status(iid, poll_interval=0.02, timeout=5).status == "active"
    done = client.terminate([iid])
    assert [i.status for i in done] == ["terminating"]
    assert client.wait_for_status(iid, {"terminated"}, poll_interval=0.02, timeout=5).status == "terminated"
    assert set(ALL_STATUSES) >= {i.status for i in client.list_instances()}


def test_ssh_key_with_public_key(client):
    priv = serialization.load_ssh_private_key(client.add_ssh_key("gen").private_key.encode(), None)
    pub = priv.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    key = client.add_ssh_key("mine", pub + " me@laptop")
    assert key.private_key is None and key.public_key.startswith(pub)
    assert {k.name for k in client.list_ssh_keys()} == {"gen", "mine"}
    client.delete_ssh_key(key.id)
    assert [k.name for k in client.list_ssh_keys()] == ["gen"]


def test_generated_ssh_key_is_returned_once_and_matches(client):
    key = client.add_ssh_key("generated")
    assert key.private_key and "OPENSSH PRIVATE KEY" in key.private_key
    priv = serialization.load_ssh_private_key(key.private_key.encode(), password=None)
    pub = priv.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    assert key.public_key.startswith(pub)
    listed = client.list_ssh_keys()
    assert [k.private_key for k in listed] == [None]  # never again
    assert "private_key" not in requests.get(client.base_url + "/ssh-keys", headers={"Authorization": f"Bearer {KEY}"},
                                             timeout=5).text


def test_filesystems_create_list_mount_delete(client, ssh_key):
    fs = client.create_filesystem("sae-data", "us-east-1")
    assert fs.mount_point == "/lambda/nfs/sae-data" and fs.region == "us-east-1" and not fs.is_in_use
    assert [f.name for f in client.list_filesystems()] == ["sae-data"]
    iid = client.launch("gpu_1x_a100_sxm4", "us-east-1", "k1", "sae-pii-fs-1", file_system_names=["sae-data"])
    inst = client.get_instance(iid)
    assert inst.file_system_names == ["sae-data"]
    assert inst.raw["file_system_mounts"] == [{"mount_point": "/lambda/nfs/sae-data", "file_system_id": fs.id}]
    assert client.list_filesystems()[0].is_in_use
    client.terminate([iid])
    client.wait_for_status(iid, {"terminated"}, poll_interval=0.02, timeout=5)
    assert client.delete_filesystem(fs.id) == [fs.id]
    assert client.list_filesystems() == []


def test_images(client):
    images = client.list_images()
    families = {i.family for i in images}
    assert {"lambda-stack-24-04", "lambda-stack-22-04", "gpu-base-24-04", "ubuntu-24-04"} <= families
    assert all(i.id and i.region and i.architecture in ("x86_64", "arm64") for i in images)


def test_launch_with_image_family_and_id(client, ssh_key):
    img = client.list_images()[0]
    a = client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-img-1", image={"family": "ubuntu-24-04"})
    b = client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-img-2", image={"id": img.id})
    assert a != b and len(client.list_instances()) == 2


def test_firewall_rules_get_and_replace(client):
    assert any(r.port_range == (22, 22) for r in client.get_firewall_rules())
    rules = [FirewallRule("tcp", (22, 22), "0.0.0.0/0", "ssh"), FirewallRule("tcp", (8000, 8080), "10.0.0.0/8", "web"),
             {"protocol": "icmp", "source_network": "0.0.0.0/0", "description": "ping"}]
    got = client.set_firewall_rules(rules)
    assert [(r.protocol, r.port_range) for r in got] == [("tcp", (22, 22)), ("tcp", (8000, 8080)), ("icmp", None)]
    assert client.get_firewall_rules() == got


def test_basic_auth_with_key_as_user_is_accepted(emu):
    token = base64.b64encode(f"{KEY}:".encode()).decode()
    r = requests.get(emu.url + "/instances", headers={"Authorization": f"Basic {token}"}, timeout=5)
    assert r.status_code == 200 and r.json() == {"data": []}
    r = requests.get(emu.url + "/instances", auth=(KEY, ""), timeout=5)
    assert r.status_code == 200


def test_emulator_can_point_ip_at_a_local_sshd(client, emu, ssh_key):
    emu.control.configure(ssh_host="127.0.0.1", ssh_port=2222)
    iid = client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-ssh-1")
    inst = client.wait_for_status(iid, poll_interval=0.02, timeout=5)
    assert (inst.ip, inst.ssh_port) == ("127.0.0.1", 2222)
