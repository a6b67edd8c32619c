"""Emulator behaviour beyond single endpoints: lifecycle timing, persistence, limits, control API."""

from __future__ import annotations

import json
import time

import pytest
import requests
from infra_helpers import FAST, KEY, make_client
from lambda_infra.emulator import Emulator, run_emulator_in_thread


def test_lifecycle_ip_null_until_active_and_forgotten_after_retention(client, emu, ssh_key):
    emu.control.configure(boot_seconds=0.3, terminate_seconds=0.2, terminated_retention_seconds=0.2)
    iid = client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-life")
    first = client.get_instance(iid)
    assert (first.status, first.ip) == ("booting", None)
    active = client.wait_for_status(iid, poll_interval=0.05, timeout=5)
    assert active.ip and active.raw["jupyter_url"]
    client.terminate([iid])
    assert client.get_instance(iid).status == "terminating"
    client.wait_for_status(iid, {"terminated"}, poll_interval=0.05, timeout=5)
    deadline = time.monotonic() + 5
    while any(i.id == iid for i in client.list_instances()):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_state_file_survives_restart(tmp_path):
    state = tmp_path / "state.json"
    with run_emulator_in_thread(api_key=KEY, state_file=state, **FAST) as emu:
        c = make_client(emu)
        c.add_ssh_key("k1")
        fs = c.create_filesystem("data", "us-east-1")
        iid = c.launch("gpu_1x_a100_sxm4", "us-east-1", "k1", "sae-pii-persist", file_system_names=["data"])
        c.set_firewall_rules([{"protocol": "tcp", "port_range": [22, 22], "source_network": "1.2.3.0/24"}])
    assert state.exists() and not list(tmp_path.glob(".emulator-*"))  # atomic writes leave no temp files
    assert KEY not in state.read_text()
    with run_emulator_in_thread(api_key=KEY, state_file=state, **FAST) as emu2:
        c2 = make_client(emu2)
        assert [k.name for k in c2.list_ssh_keys()] == ["k1"]
        assert [f.id for f in c2.list_filesystems()] == [fs.id]
        assert c2.get_firewall_rules()[0].source_network == "1.2.3.0/24"
        inst = c2.wait_for_status(iid, poll_interval=0.02, timeout=5)  # keeps moving after the restart
        assert inst.name == "sae-pii-persist" and inst.status == "active"
        c2.terminate([iid])
    with run_emulator_in_thread(api_key=KEY, state_file=state, **FAST) as emu3:
        assert make_client(emu3).get_instance(iid).status in ("terminating", "terminated")


def test_corrupt_state_file_gives_a_clear_error(tmp_path):
    bad = tmp_path / "state.json"
    bad.write_text("{broken")
    with pytest.raises(ValueError, match="delete it"):
        Emulator(KEY, state_file=bad)


def test_only_loopback_and_a_key_are_accepted():
    with pytest.raises(ValueError, match="loopback"):
        Emulator(KEY, host="0.0.0.0")
    with pytest.raises(ValueError, match="API key"):
        Emulator("")


def test_launch_rate_limit_answers_429(emu, ssh_key):
    emu.control.configure(launch_min_interval_s=30)
    body = {"region_name": "us-west-1", "instance_type_name": "gpu_1x_a10", "ssh_key_names": ["k1"]}
    h = {"Authorization": f"Bearer {KEY}"}
    url = emu.url + "/instance-operations/launch"
    assert requests.post(url, json=body, headers=h, timeout=5).status_code == 200
    assert requests.post(url, json=body, headers=h, timeout=5).status_code == 429
    assert requests.get(emu.url + "/instances", headers=h, timeout=5).status_code == 200  # only launches


def test_http_control_endpoint(emu):
    h = {"Authorization": f"Bearer {KEY}"}
    r = requests.post(emu.url + "/_emulator/configure", json={"quota_instances": 3, "ssh_host": "127.0.0.1"},
                      headers=h, timeout=5)
    assert r.status_code == 200 and r.json()["data"]["quota_instances"] == 3
    assert emu.state.config.ssh_host == "127.0.0.1"
    assert requests.post(emu.url + "/_emulator/fail_next", json={"count": 1, "status": 502, "path": "/images"},
                         headers=h, timeout=5).status_code == 200
    assert requests.get(emu.url + "/images", headers=h, timeout=5).status_code == 502
    assert requests.post(emu.url + "/_emulator/configure", json={"nope": 1}, headers=h, timeout=5).status_code == 400
    assert requests.post(emu.url + "/_emulator/configure", json={}, timeout=5).status_code == 401
    summary = requests.post(emu.url + "/_emulator/summary", json={}, headers=h, timeout=5).json()["data"]
    assert {"method": "GET", "path": "/images", "status": 502} in summary["requests"]
    assert KEY not in json.dumps(summary)
