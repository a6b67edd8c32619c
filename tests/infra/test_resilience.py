"""Retries, backoff, lost launches, capacity fallback, idempotent terminate, failing instances."""

from __future__ import annotations

import pytest
from infra_helpers import live, make_client
from lambda_infra import errors as E
from lambda_infra.client import LambdaClient, RetryPolicy
from lambda_infra.errors import (
    ConnectionFailed,
    InstanceFailed,
    InsufficientCapacity,
    LambdaAPIError,
    LaunchUnconfirmed,
    ServerError,
    WaitTimeout,
)

LAUNCH = "/instance-operations/launch"


class SleepRecorder:
    def __init__(self):
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def test_default_schedule_is_skypilots():
    p = RetryPolicy()
    assert (p.base_delay, p.multiplier, p.jitter, p.max_delay, p.max_attempts) == (10, 1.6, 0.4, 100, 6)
    for i, nominal in enumerate([10, 16, 25.6, 40.96, 65.536, 100, 100]):
        for _ in range(20):
            assert nominal * 0.6 <= p.delay(i) <= nominal * 1.4
    assert RetryPolicy(jitter=0).delay(3) == pytest.approx(40.96)


def test_429_burst_is_retried_with_growing_backoff(emu):
    rec = SleepRecorder()
    client = make_client(emu, retry=RetryPolicy(), sleep=rec)  # default 10 s schedule, sleeps recorded not slept
    emu.control.rate_limit_next(count=3)
    assert "gpu_1x_a10" in client.instance_types()
    assert len(rec.delays) == 3
    for i, d in enumerate(rec.delays):
        assert 10 * 1.6 ** i * 0.6 <= d <= 10 * 1.6 ** i * 1.4
    assert [r["status"] for r in emu.control.requests("GET", "/instance-types")] == [429, 429, 429, 200]


def test_real_rate_limit_backoff_over_loopback(emu):
    emu.control.configure(rate_limit_rps=50, rate_limit_burst=2)
    client = make_client(emu, retry=RetryPolicy(base_delay=0.03, max_delay=0.2, max_attempts=8))
    for _ in range(6):
        assert client.list_instances() == []
    statuses = [r["status"] for r in emu.control.requests("GET", "/instances")]
    assert 429 in statuses and statuses.count(200) == 6


def test_5xx_retried_for_reads_not_for_creates(client, emu):
    emu.control.fail_next(count=2, status=503, path="/instances")
    assert client.list_instances() == []
    assert [r["status"] for r in emu.control.requests("GET", "/instances")] == [503, 503, 200]
    emu.control.fail_next(count=1, status=500, path="/ssh-keys", method="POST")
    with pytest.raises(ServerError):
        client.add_ssh_key("once")
    assert len(emu.control.requests("POST", "/ssh-keys")) == 1  # a create is not resent after a 5xx
    emu.control.rate_limit_next(count=1, path="/ssh-keys")
    assert client.add_ssh_key("after-429").name == "after-429"  # 429: not processed, safe to resend


def test_connection_refused_is_retried_then_reported(emu):
    port = emu.port
    emu.stop()
    # 127.0.0.2 is loopback too, but not the emulator's address: the client treats it as remote
    rec = SleepRecorder()
    client = LambdaClient(api_key="k", base_url=f"http://127.0.0.2:{port}/api/v1", retry=RetryPolicy(), sleep=rec)
    with pytest.raises(ConnectionFailed) as info:
        client.list_instances()
    assert info.value.code == E.CONNECTION_FAILED and len(rec.delays) == 5 and rec.delays[-1] > 30
    # nothing listening on 127.0.0.1 (emulator not running): two short pauses, then the error
    rec = SleepRecorder()
    client = LambdaClient(api_key="k", base_url=f"http://127.0.0.1:{port}/api/v1", retry=RetryPolicy(), sleep=rec)
    with pytest.raises(ConnectionFailed, match="lambda-launcher emulator"):
        client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-nobody-home")
    assert rec.delays == [0.25, 0.5]


@pytest.mark.parametrize("mode", ["drop", "error"])
def test_lost_launch_answer_reconciles_to_exactly_one_instance(client, emu, ssh_key, mode):
    emu.control.lose_next_launch_response(mode)
    iid = client.launch("gpu_1x_a100_sxm4", "us-east-1", "k1", "sae-pii-lost-1")
    instances = live(client)
    assert [i.id for i in instances] == [iid] and instances[0].name == "sae-pii-lost-1"
    assert len(emu.control.requests("POST", LAUNCH)) == 1  # found by name: never sent twice


def test_launch_answer_after_client_timeout_reconciles(emu, ssh_key):
    client = make_client(emu, timeout=0.4)
    emu.control.lose_next_launch_response("sleep", seconds=1.5)
    iid = client.launch("gpu_1x_a100_sxm4", "us-east-1", "k1", "sae-pii-slow-1")
    assert [i.id for i in live(client)] == [iid]
    assert len(emu.control.requests("POST", LAUNCH)) == 1


def test_launch_5xx_before_acceptance_is_resent_once_checked(client, emu, ssh_key):
    emu.control.fail_next(count=1, status=503, path=LAUNCH)  # rejected before anything was created
    iid = client.launch("gpu_1x_a100_sxm4", "us-east-1", "k1", "sae-pii-5xx-1")
    assert [i.id for i in live(client)] == [iid]
    assert [r["status"] for r in emu.control.requests("POST", LAUNCH)] == [503, 200]


def test_launch_429_is_resent(client, emu, ssh_key):
    emu.control.rate_limit_next(count=2, path=LAUNCH)
    iid = client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-429-1")
    assert [i.id for i in live(client)] == [iid]
    assert [r["status"] for r in emu.control.requests("POST", LAUNCH)] == [429, 429, 200]


def test_unconfirmable_launch_is_not_resent(client, emu, ssh_key):
    emu.control.lose_next_launch_response("drop")
    # the duplicate-name check before the launch reads the list; every read after it fails
    emu.control.fail_next(count=50, status=503, path="/instances", method="GET", after=1)
    with pytest.raises(LaunchUnconfirmed) as info:
        client.launch("gpu_1x_a100_sxm4", "us-east-1", "k1", "sae-pii-unsure-1")
    assert "sae-pii-unsure-1" in info.value.message
    assert len(emu.control.requests("POST", LAUNCH)) == 1
    emu.state.pending_failures.clear()  # the API recovers: exactly the one instance is there
    assert [i.name for i in live(client)] == ["sae-pii-unsure-1"]


def test_launch_refuses_a_name_already_live(client, ssh_key):
    client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-same")
    with pytest.raises(LambdaAPIError) as info:
        client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-same")
    assert info.value.code == E.NAME_IN_USE and len(live(client)) == 1


def test_capacity_fallback_across_regions_and_types(client, emu, ssh_key):
    emu.control.configure(no_capacity_regions=["us-east-1"], phantom_capacity_regions=["us-west-2"])
    attempts = []
    inst = client.launch_with_fallback(["gpu_1x_a100_sxm4", "gpu_1x_a100"], "auto", "k1", "sae-pii-fb-1",
                                       on_attempt=lambda t, r: attempts.append((t, r)))
    # us-east-1 is not listed; us-west-2 is listed but has no machine; the PCIe A100 in us-south-1 does.
    assert attempts == [("gpu_1x_a100_sxm4", "us-west-2"), ("gpu_1x_a100", "us-south-1")]
    assert (inst.instance_type, inst.region) == ("gpu_1x_a100", "us-south-1")
    assert len(live(client)) == 1


def test_capacity_exhausted_everywhere(client, emu, ssh_key):
    emu.control.configure(phantom_capacity_regions=["us-east-1", "us-west-2"])
    with pytest.raises(InsufficientCapacity) as info:
        client.launch_with_fallback("gpu_1x_a100_sxm4", "auto", "k1", "sae-pii-none")
    assert "us-east-1" in info.value.message and "us-west-2" in info.value.message
    with pytest.raises(InsufficientCapacity):
        client.launch_with_fallback("gpu_4x_a100", "auto", "k1", "sae-pii-none")  # listed nowhere
    assert live(client) == []


def test_terminate_is_idempotent(client, emu, ssh_key):
    a = client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-ti-1")
    b = client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-ti-2")
    assert [i.status for i in client.terminate([a])] == ["terminating"]
    # a again (the API says global/unknown), b still live, and an id that never existed
    out = client.terminate([a, b, "f" * 32])
    assert sorted(i.id for i in out) == sorted([a, b]) and {i.status for i in out} == {"terminating"}
    client.wait_for_status(a, {"terminated"}, poll_interval=0.02, timeout=5)
    assert [i.status for i in client.terminate([a])] == ["terminated"]
    emu.control.configure(terminated_retention_seconds=0)
    client.wait_for_status(b, {"terminated"}, poll_interval=0.02, timeout=5)
    assert client.terminate([a, b]) == []  # forgotten by the API: nothing left to stop
    assert client.terminate([]) == []


def test_instance_going_unhealthy_fails_the_wait(client, emu, ssh_key):
    emu.control.next_instance("unhealthy")
    iid = client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-sick")
    with pytest.raises(InstanceFailed) as info:
        client.wait_for_status(iid, poll_interval=0.02, timeout=5)
    assert info.value.status == "unhealthy" and iid in str(info.value)


def test_instance_stuck_in_booting_times_out(client, emu, ssh_key):
    emu.control.next_instance("stuck_booting")
    iid = client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-stuck")
    seen = []
    with pytest.raises(WaitTimeout) as info:
        client.wait_for_status(iid, poll_interval=0.02, timeout=0.3, on_progress=lambda i, t: seen.append(i.status))
    assert info.value.last_status == "booting" and set(seen) == {"booting"} and "terminate" in str(info.value)
    assert client.get_instance(iid).status == "booting"


def test_fallback_launch_keeps_the_id_when_reading_it_back_fails(client, emu, ssh_key):
    emu.control.fail_next(count=50, status=503, path="/instances/", method="GET")  # GET /instances/<id> only
    inst = client.launch_with_fallback("gpu_1x_a10", "auto", "k1", "sae-pii-readback")
    assert (inst.status, inst.name, inst.region) == ("booting", "sae-pii-readback", "us-west-1")
    assert [i.id for i in live(client)] == [inst.id]
