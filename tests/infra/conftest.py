"""Fixtures: a real emulator on a loopback port, and clients with tiny delays so tests stay fast."""

from __future__ import annotations

import pytest
from infra_helpers import FAST, KEY, make_client
from lambda_infra.emulator import run_emulator_in_thread


@pytest.fixture
def emu():
    with run_emulator_in_thread(api_key=KEY, **FAST) as e:
        yield e


@pytest.fixture
def client(emu):
    with make_client(emu) as c:
        yield c


@pytest.fixture
def ssh_key(client):
    return client.add_ssh_key("k1")


@pytest.fixture
def cli_env(emu, monkeypatch, tmp_path):
    """Environment for the launcher CLI: the emulator, a private claims file, fast retries."""
    monkeypatch.setenv("LAMBDA_API_KEY", KEY)
    monkeypatch.setenv("LAMBDA_API_URL", emu.url)
    monkeypatch.setenv("SAE_PII_CLAIMS_FILE", str(tmp_path / "claims.json"))
    monkeypatch.setenv("LAMBDA_RETRY_BASE_DELAY", "0.002")
    monkeypatch.delenv("LAMBDA_SSH_KEY_NAME", raising=False)
    return emu

