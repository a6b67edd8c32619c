"""The `lambda-launcher` CLI against the emulator: every command, --json, exit codes, prompts."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from infra_helpers import KEY, live, make_client
from lambda_infra.launcher import app
from typer.testing import CliRunner

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def run_json(*args, code=0):
    res = run(*args, "--json")
    assert res.exit_code == code, res.output
    return json.loads(res.stdout)


@pytest.fixture
def with_key(cli_env, tmp_path):
    res = run("ssh-key", "add", "sae-training", "--private-key-out", str(tmp_path / "id_lambda"))
    assert res.exit_code == 0, res.output
    return tmp_path / "id_lambda"


def test_types_json_and_table(cli_env):
    rows = run_json("types")
    a100 = next(r for r in rows if r["name"] == "gpu_1x_a100_sxm4")
    assert a100["alias"] == "a100-sxm" or a100["alias"] == "a100"
    assert a100["price_cents_per_hour"] == 129 and a100["regions_with_capacity"] == ["us-east-1", "us-west-2"]
    assert [r["price_cents_per_hour"] for r in rows] == sorted(r["price_cents_per_hour"] for r in rows)
    assert "gpu_4x_a100" not in {r["name"] for r in run_json("types", "--available")}
    table = run("types")
    assert table.exit_code == 0 and "gpu_1x_a100_sxm4" in table.stdout and "$1.29/h" in table.stdout


def test_ssh_key_commands(cli_env, with_key, tmp_path):
    assert stat.S_IMODE(os.stat(with_key).st_mode) == 0o600
    priv = serialization.load_ssh_private_key(with_key.read_bytes(), None)
    pub = priv.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    (tmp_path / "k.pub").write_text(pub + "\n")
    added = run_json("ssh-key", "add", "second", "--public-key-file", str(tmp_path / "k.pub"))
    assert added["public_key"] == pub and added["private_key_file"] is None
    assert [k["name"] for k in run_json("ssh-key", "list")] == ["sae-training", "second"]
    assert run_json("ssh-key", "delete", "second")["deleted"]["name"] == "second"
    assert run("ssh-key", "add", "third").exit_code == 2  # nowhere to keep a generated private key
    assert run("ssh-key", "add", "fourth", "--private-key-out", str(with_key)).exit_code == 2  # never overwrite
    assert run("ssh-key", "delete", "nope").exit_code == 3


def test_launch_wait_list_show_terminate(cli_env, with_key, tmp_path):
    inst = run_json("launch", "--instance-type", "a100", "--wait", "--poll-interval", "0.02")
    assert inst["status"] == "active" and inst["ip"] and inst["name"].startswith("sae-pii-train-")
    assert inst["instance_type"] == "gpu_1x_a100_sxm4" and inst["price_usd_per_hour"] == 1.29
    claims = json.loads((tmp_path / "claims.json").read_text())["claims"]
    assert claims[inst["name"]]["instance_id"] == inst["id"] and claims[inst["name"]]["owner"] == "launcher"
    listed = run_json("list")
    assert [(i["id"], i["claimed_by"]) for i in listed] == [(inst["id"], "launcher")]
    shown = run_json("show", inst["name"])
    assert shown["id"] == inst["id"] and shown["raw"]["tags"] == [{"key": "sae-pii-owner", "value": "launcher"}]
    text = run("show", inst["id"])
    assert text.exit_code == 0 and "ssh -i" in text.stdout and inst["ip"] in text.stdout

    declined = run("terminate", inst["id"], input="n\n")
    assert declined.exit_code == 1 and "terminate 1 instance" in declined.stderr
    assert run_json("show", inst["id"])["status"] == "active"
    done = run("terminate", inst["id"], "--wait", "--poll-interval", "0.02", input="y\n")
    assert done.exit_code == 0 and "terminated" in done.stdout
    assert inst["name"] not in json.loads((tmp_path / "claims.json").read_text())["claims"]
    again = run_json("terminate", inst["id"], "--force")  # idempotent
    assert [i["status"] for i in again["terminated"]] == ["terminated"]
    assert run_json("terminate", "0" * 32, "--force") == {"terminated": [], "not_found": ["0" * 32]}
    assert run_json("list") == [] and len(run_json("list", "--all")) == 1


def test_launch_falls_back_across_regions(cli_env, with_key):
    cli_env.control.configure(no_capacity_regions=["us-east-1"])
    inst = run_json("launch", "-t", "a100", "--name", "sae-pii-fallback-1")
    assert (inst["region"], inst["name"], inst["status"]) == ("us-west-2", "sae-pii-fallback-1", "booting")
    res = run("launch", "-t", "a100", "--region", "us-east-1")
    assert res.exit_code == 3 and "insufficient-capacity" in res.stderr


def test_orphans_listed_and_terminated(cli_env, with_key):
    claimed = run_json("launch", "-t", "a10")
    client = make_client(cli_env)
    orphan = client.launch("gpu_1x_a10", "us-west-1", "sae-training", "sae-pii-train-0badc0de")  # never claimed
    client.launch("gpu_1x_a10", "us-east-1", "sae-training", "not-ours")  # no prefix: never an orphan
    assert [i["id"] for i in run_json("list", "--orphans")] == [orphan]
    table = run("list")
    assert "nobody (orphan)" in table.stdout
    assert run("terminate", "--orphans", input="n\n").exit_code == 1
    out = run_json("terminate", "--orphans", "--force")
    assert [i["id"] for i in out["terminated"]] == [orphan]
    assert run_json("list", "--orphans") == []
    assert sorted(i.name for i in live(client)) == sorted([claimed["name"], "not-ours"])


def test_cost_estimate(cli_env, monkeypatch):
    est = run_json("cost-estimate", "--hours", "12")
    assert (est["total_usd"], est["price_source"], est["instance_type"]) == (15.48, "live", "gpu_1x_a100_sxm4")
    assert run_json("cost-estimate", "--hours", "24")["total_usd"] == 30.96
    phased = run_json("cost-estimate", "--hours", "12", "--phases")
    assert phased["total_usd"] == 15.91 and phased["phases"][0]["name"] == "boot"
    assert run_json("cost-estimate", "--hours", "1", "-t", "8xh100")["total_usd"] == 23.92
    assert run_json("cost-estimate", "--hours", "1", "--phase", "setup=30")["billed_minutes"] == 90
    table = run("cost-estimate", "--hours", "6")
    assert table.exit_code == 0 and "$7.74" in table.stdout
    assert run("cost-estimate", "--hours", "1", "--phase", "setup").exit_code == 2
    monkeypatch.delenv("LAMBDA_API_KEY")
    assert run_json("cost-estimate", "--hours", "6", "--price-cents", "129")["total_usd"] == 7.74  # offline
    assert run("cost-estimate", "--hours", "6").exit_code == 2  # live price needs a key


def test_exit_codes(cli_env, with_key, monkeypatch):
    assert run("launch", "-t", "a1000").exit_code == 2  # unknown alias
    assert run("cost-estimate").exit_code == 2  # typer: missing --hours
    assert run("terminate").exit_code == 2
    assert run("show", "f" * 32).exit_code == 3
    err = run_json("show", "f" * 32, code=3)["error"]
    assert err["code"] == "global/object-does-not-exist" and err["exit_code"] == 3
    cli_env.control.next_instance("stuck_booting")
    res = run("launch", "-t", "a10", "--wait", "--wait-timeout", "0.2", "--poll-interval", "0.02", "--json")
    assert res.exit_code == 4
    stuck = json.loads(res.stdout)["error"]["instance_id"]
    assert any(i.id == stuck for i in live(make_client(cli_env)))  # still there: the message says terminate it
    cli_env.control.next_instance("unhealthy")
    assert run("launch", "-t", "a10", "--wait", "--poll-interval", "0.02").exit_code == 5
    monkeypatch.setenv("LAMBDA_API_KEY", "not-the-key")
    assert run("list").exit_code == 3
    monkeypatch.delenv("LAMBDA_API_KEY")
    missing = run("list")
    assert missing.exit_code == 2 and "LAMBDA_API_KEY" in missing.stderr


def test_console_script_runs_the_emulator_and_commands(tmp_path):
    exe = os.path.join(os.path.dirname(sys.executable), "lambda-launcher")
    env = {**os.environ, "LAMBDA_API_KEY": KEY, "SAE_PII_CLAIMS_FILE": str(tmp_path / "claims.json")}
    proc = subprocess.Popen([exe, "emulator", "--port", "0", "--json", "--state-file", str(tmp_path / "s.json")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = json.loads(proc.stdout.readline())["url"]
        env["LAMBDA_API_URL"] = url
        res = subprocess.run([exe, "list", "--json"], check=False, capture_output=True, text=True, env=env,
                             timeout=60)
        assert res.returncode == 0 and json.loads(res.stdout) == []
        res = subprocess.run([exe, "show", "nope"], check=False, capture_output=True, text=True, env=env,
                             timeout=60)
        assert res.returncode == 3 and "object-does-not-exist" in res.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=10)
