"""Shared constants and helpers for tests/infra (a uniquely named module: tests folders are not packages)."""

from __future__ import annotations

from lambda_infra.client import LambdaClient, RetryPolicy

KEY = "test-key-0123"
FAST = {"boot_seconds": 0.05, "terminate_seconds": 0.05, "restart_seconds": 0.05}
FAST_RETRY = RetryPolicy(base_delay=0.002, max_delay=0.02)


def make_client(emu, **kw) -> LambdaClient:
    kw.setdefault("retry", FAST_RETRY)
    kw.setdefault("timeout", 5.0)
    return LambdaClient(api_key=kw.pop("api_key", KEY), base_url=emu.url, **kw)


def live(client, name=None):
    return [i for i in client.list_instances() if not i.is_gone and (name is None or i.name == name)]
