"""The API key never shows up: not in output, logs, exceptions, reprs or files, of failing runs."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import traceback

import pytest
from infra_helpers import FAST, FAST_RETRY
from lambda_infra.client import LambdaClient
from lambda_infra.emulator import run_emulator_in_thread
from lambda_infra.errors import LambdaError
from lambda_infra.launcher import app
from typer.testing import CliRunner

SECRET = "sk-LEAKCHECK-7f3a9b2c41d0"  # recognisable: any occurrence anywhere is a leak
OTHER = "the-emulators-real-key"


def exception_texts(exc: BaseException) -> list[str]:
    texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    if hasattr(exc, "to_dict"):
        texts.append(json.dumps(exc.to_dict()))
    return texts


def failing_client_calls(url: str, *, key: str) -> list[str]:
    """Run client calls that all fail; return every text they produced."""
    client = LambdaClient(api_key=key, base_url=url, retry=FAST_RETRY, timeout=2)
    texts = [repr(client), repr(vars(client)), repr(client._session.__dict__)]
    calls = [
        lambda: client.delete_ssh_key("nope"),
        lambda: client.get_instance("0" * 32),
        lambda: client.launch("gpu_4x_a100", "us-east-1", "k1", "sae-pii-leak-1"),
        lambda: client.launch("gpu_1x_a10", "us-west-1", "no-such-key", "sae-pii-leak-2"),
        lambda: client.add_ssh_key("x" * 99),
        lambda: client.rename_instance("nope", "x"),
        lambda: client.restart(["nope"]),
    ]
    for call in calls:
        try:
            call()
        except LambdaError as exc:
            texts += exception_texts(exc)
        else:
            texts.append("<no error>")
    return texts


def test_key_absent_from_client_errors_reprs_and_logs(caplog):
    caplog.set_level(logging.DEBUG)  # urllib3 and our own loggers at their most verbose
    with run_emulator_in_thread(api_key=SECRET, **FAST) as emu:
        texts = failing_client_calls(emu.url, key=SECRET)  # right key, failing requests
        emu.control.fail_next(count=1, status=500, path="/instances", message=f"upstream echoed {SECRET}")
        try:
            LambdaClient(api_key=SECRET, base_url=emu.url, retry=FAST_RETRY.__class__(base_delay=0, max_attempts=1)
                         ).list_instances()
        except LambdaError as exc:
            texts += exception_texts(exc)
            assert "upstream echoed ***" in str(exc)  # an echoed key is scrubbed
        texts += [repr(emu)]
    with run_emulator_in_thread(api_key=OTHER, **FAST) as emu:
        texts += failing_client_calls(emu.url, key=SECRET)  # wrong key: 401 everywhere
        port = emu.port
    texts += failing_client_calls(f"http://127.0.0.1:{port}/api/v1", key=SECRET)  # nothing listening
    texts += [r.getMessage() for r in caplog.records] + [caplog.text]
    assert sum("<no error>" in t for t in texts) == 0
    assert len(texts) > 50
    leaks = [t for t in texts if SECRET in t]
    assert not leaks, leaks[:1]


def test_key_absent_from_cli_output_and_files(monkeypatch, tmp_path):
    runner = CliRunner()
    claims = tmp_path / "claims.json"
    state = tmp_path / "state.json"
    monkeypatch.setenv("SAE_PII_CLAIMS_FILE", str(claims))
    monkeypatch.setenv("LAMBDA_RETRY_BASE_DELAY", "0.001")
    monkeypatch.setenv("LAMBDA_API_KEY", SECRET)
    outputs = []
    commands = [["list"], ["show", "0" * 32], ["launch", "-t", "4xa100"], ["launch", "-t", "a10", "--ssh-key", "nope"],
                ["terminate", "--orphans", "--force"], ["types"], ["cost-estimate", "--hours", "2"],
                ["ssh-key", "add", "k", "--private-key-out", str(tmp_path / "k")]]
    with run_emulator_in_thread(api_key=SECRET, state_file=state, **FAST) as emu:
        monkeypatch.setenv("LAMBDA_API_URL", emu.url)
        codes = []
        for args in commands + [["launch", "-t", "a10", "--ssh-key", "k", "--wait", "--poll-interval", "0.02"]]:
            for extra in ([], ["--json"]):
                res = runner.invoke(app, args + extra)
                codes.append(res.exit_code)
                outputs += [res.stdout, res.stderr, repr(res.exception)]
        assert 3 in codes and 0 in codes
    with run_emulator_in_thread(api_key=OTHER, **FAST) as emu:
        monkeypatch.setenv("LAMBDA_API_URL", emu.url)
        for args in commands[:-1]:  # (the key file exists by now: that would be a usage error)
            res = runner.invoke(app, [*args, "--json"])
            assert res.exit_code == 3, (args, res.output)
            outputs += [res.stdout, res.stderr]
    exe = os.path.join(os.path.dirname(sys.executable), "lambda-launcher")
    env = {**os.environ, "LAMBDA_API_URL": "http://127.0.0.1:9/api/v1"}  # nothing listens on port 9
    res = subprocess.run([exe, "list"], check=False, capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 3
    outputs += [res.stdout, res.stderr]
    emulator = subprocess.Popen([exe, "emulator", "--port", "0", "--api-key", SECRET], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
    first = emulator.stdout.readline()
    emulator.terminate()
    rest, err = emulator.communicate(timeout=10)
    outputs += [first, rest, err]
    assert "127.0.0.1" in first
    files = [p.read_text() for p in (claims, state, tmp_path / "k") if p.exists()]
    assert len(files) == 3
    leaks = [o for o in outputs + files if SECRET in (o or "")]
    assert not leaks, leaks[:1]


@pytest.mark.parametrize("shown", ["repr", "str"])
def test_client_repr_hides_key(shown):
    client = LambdaClient(api_key=SECRET, base_url="http://127.0.0.1:9/api/v1")
    text = repr(client) if shown == "repr" else str(client)
    assert SECRET not in text and "***" in text
