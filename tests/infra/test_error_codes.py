"""Every error code in the API reference: the emulator answers it with the right HTTP status and the
client raises it with `code`, `message`, `suggestion` and `status`."""

from __future__ import annotations

import pytest
import requests
from infra_helpers import KEY, make_client
from lambda_infra import errors as E
from lambda_infra.errors import (
    AuthError,
    InsufficientCapacity,
    LambdaAPIError,
    NotFound,
    QuotaExceeded,
    ServerError,
)

LAUNCH = "/instance-operations/launch"


def raw(emu, method, path, body=None, key=KEY):
    return requests.request(method, emu.url + path, json=body, headers={"Authorization": f"Bearer {key}"}, timeout=5)


def good_launch(**over):
    body = {"region_name": "us-east-1", "instance_type_name": "gpu_1x_a100_sxm4", "ssh_key_names": ["k1"],
            "name": "sae-pii-e-1"}
    body.update(over)
    return body


def assert_error(resp, status, code):
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert err["code"] == code and err["message"]


def test_invalid_api_key_401_bearer_basic_and_missing(emu):
    assert_error(raw(emu, "GET", "/instances", key="wrong"), 401, E.INVALID_API_KEY)
    assert_error(requests.get(emu.url + "/instances", timeout=5), 401, E.INVALID_API_KEY)
    assert_error(requests.get(emu.url + "/instances", auth=("wrong", ""), timeout=5), 401, E.INVALID_API_KEY)
    with pytest.raises(AuthError) as info:
        make_client(emu, api_key="wrong").list_instances()
    assert (info.value.code, info.value.status) == (E.INVALID_API_KEY, 401) and info.value.suggestion


@pytest.mark.parametrize(("account", "code"), [("inactive", E.ACCOUNT_INACTIVE), ("invalid-address", E.INVALID_ADDRESS)])
def test_account_problems_403(client, emu, ssh_key, account, code):
    emu.control.configure(account_status=account)
    assert_error(raw(emu, "POST", LAUNCH, good_launch()), 403, code)
    with pytest.raises(AuthError) as info:
        client.launch("gpu_1x_a100_sxm4", "us-east-1", "k1", "sae-pii-e-2")
    assert info.value.code == code and info.value.status == 403


@pytest.mark.parametrize("bad", [
    {"quantity": 2},
    {"name": "x" * 65},
    {"region_name": "mars-1"},
    {"instance_type_name": "gpu_9x_imaginary"},
    {"ssh_key_names": ["k1", "k2"]},
    {"ssh_key_names": []},
    {"user_data": "x" * (1024 * 1024 + 1)},
    {"image": {"family": "windows-95"}},
    {"tags": [{"k": "v"}]},
])
def test_launch_invalid_parameters_400(emu, ssh_key, bad):
    assert_error(raw(emu, "POST", LAUNCH, good_launch(**bad)), 400, E.INVALID_PARAMETERS)
    assert raw(emu, "GET", "/instances").json()["data"] == []


def test_missing_fields_and_bad_json_are_invalid_parameters(emu):
    resp = raw(emu, "POST", LAUNCH, {"region_name": "us-east-1"})
    assert_error(resp, 400, E.INVALID_PARAMETERS)
    assert "instance_type_name" in resp.json()["error"]["field_errors"]
    bad_json = requests.post(emu.url + LAUNCH, data=b"{not json", timeout=5,
                             headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    assert_error(bad_json, 400, E.INVALID_PARAMETERS)
    assert_error(raw(emu, "POST", "/ssh-keys", {"name": "x" * 65}), 400, E.INVALID_PARAMETERS)
    assert_error(raw(emu, "POST", "/ssh-keys", {"name": "k", "public_key": "not a key"}), 400, E.INVALID_PARAMETERS)
    assert_error(raw(emu, "POST", "/filesystems", {"name": "x" * 61, "region": "us-east-1"}), 400, E.INVALID_PARAMETERS)
    assert_error(raw(emu, "PUT", "/firewall-rules", {"data": [{"protocol": "tcp", "port_range": [0, 70000],
                                                              "source_network": "0.0.0.0/0"}]}), 400, E.INVALID_PARAMETERS)
    assert_error(raw(emu, "PUT", "/firewall-rules", {"data": [{"protocol": "tcp", "port_range": [22, 22],
                                                              "source_network": "not-a-cidr"}]}), 400, E.INVALID_PARAMETERS)


def test_client_invalid_parameters_error_carries_field_errors(client, ssh_key):
    with pytest.raises(LambdaAPIError) as info:
        client.launch("gpu_1x_a100_sxm4", "mars-1", "k1", "sae-pii-e-3")
    assert info.value.code == E.INVALID_PARAMETERS and info.value.status == 400
    assert "region_name" in info.value.field_errors


def test_quota_exceeded(client, emu, ssh_key):
    emu.control.configure(quota_instances=1)
    client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-q-1")
    with pytest.raises(QuotaExceeded) as info:
        client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-q-2")
    assert info.value.code == E.QUOTA_EXCEEDED and info.value.status == 400


def test_duplicates(client, emu):
    client.add_ssh_key("dup")
    assert_error(raw(emu, "POST", "/ssh-keys", {"name": "dup"}), 400, E.DUPLICATE)
    client.create_filesystem("fs", "us-east-1")
    with pytest.raises(LambdaAPIError) as info:
        client.create_filesystem("fs", "us-west-1")
    assert info.value.code == E.DUPLICATE and info.value.status == 400


def test_object_does_not_exist_404_and_400(client, emu):
    with pytest.raises(NotFound) as info:
        client.get_instance("0" * 32)
    assert (info.value.code, info.value.status) == (E.OBJECT_DOES_NOT_EXIST, 404)
    assert_error(raw(emu, "POST", f"/instances/{'0' * 32}", {"name": "x"}), 404, E.OBJECT_DOES_NOT_EXIST)
    assert_error(raw(emu, "DELETE", f"/ssh-keys/{'0' * 32}"), 404, E.OBJECT_DOES_NOT_EXIST)
    assert_error(raw(emu, "DELETE", f"/filesystems/{'0' * 32}"), 404, E.OBJECT_DOES_NOT_EXIST)
    # referenced objects in a body: 400
    assert_error(raw(emu, "POST", LAUNCH, good_launch(ssh_key_names=["no-such-key"])), 400, E.OBJECT_DOES_NOT_EXIST)
    assert_error(raw(emu, "POST", "/instance-operations/restart", {"instance_ids": ["0" * 32]}), 400,
                 E.OBJECT_DOES_NOT_EXIST)
    assert_error(raw(emu, "GET", "/no-such-endpoint"), 404, E.OBJECT_DOES_NOT_EXIST)


def test_insufficient_capacity(client, emu, ssh_key):
    with pytest.raises(InsufficientCapacity) as info:
        client.launch("gpu_4x_a100", "us-east-1", "k1", "sae-pii-c-1")  # no stock anywhere
    assert info.value.code == E.INSUFFICIENT_CAPACITY and info.value.status == 400 and info.value.suggestion
    emu.control.set_capacity("gpu_1x_a10", {"us-west-1": 1})
    client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-c-2")
    assert client.instance_types()["gpu_1x_a10"].regions_with_capacity == []  # stock used up
    with pytest.raises(InsufficientCapacity):
        client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-c-3")


def test_file_system_in_wrong_region(client, ssh_key):
    client.create_filesystem("west", "us-west-1")
    with pytest.raises(LambdaAPIError) as info:
        client.launch("gpu_1x_a100_sxm4", "us-east-1", "k1", "sae-pii-w-1", file_system_names=["west"])
    assert (info.value.code, info.value.status) == (E.FILE_SYSTEM_IN_WRONG_REGION, 400)


def test_filesystem_in_use(client, ssh_key):
    fs = client.create_filesystem("busy", "us-east-1")
    client.launch("gpu_1x_a100_sxm4", "us-east-1", "k1", "sae-pii-u-1", file_system_names=["busy"])
    with pytest.raises(LambdaAPIError) as info:
        client.delete_filesystem(fs.id)
    assert (info.value.code, info.value.status) == (E.FILESYSTEM_IN_USE, 400)


def test_provider_internal_unavailable_5xx(client, emu):
    emu.control.fail_next(count=10, status=503, path="/instances")
    resp = raw(emu, "GET", "/instances")
    assert_error(resp, 503, E.INTERNAL_UNAVAILABLE)
    with pytest.raises(ServerError) as info:
        client.list_instances()  # 6 tries, all 503
    assert (info.value.code, info.value.status) == (E.INTERNAL_UNAVAILABLE, 503)
    assert len(emu.control.requests("GET", "/instances")) == 1 + 6


def test_rate_limit_429_without_body(client, emu):
    emu.control.rate_limit_next(count=7)
    resp = raw(emu, "GET", "/instance-types")
    assert resp.status_code == 429 and "error" not in resp.text
    with pytest.raises(E.RateLimited) as info:
        client.instance_types()
    assert (info.value.code, info.value.status) == (E.RATE_LIMITED, 429)


def test_terminating_twice_answers_global_unknown(client, emu, ssh_key):
    iid = client.launch("gpu_1x_a10", "us-west-1", "k1", "sae-pii-t-1")
    assert raw(emu, "POST", "/instance-operations/terminate", {"instance_ids": [iid]}).status_code == 200
    assert_error(raw(emu, "POST", "/instance-operations/terminate", {"instance_ids": [iid]}), 400, E.UNKNOWN)


def test_redirect_is_refused_with_advice_not_followed(client, emu):
    # the old cloud.lambdalabs.com host may redirect; a redirected POST can lose its body and auth
    emu.control.fail_next(count=1, status=308, code="moved", path="/instances")
    with pytest.raises(LambdaAPIError) as info:
        client.list_instances()
    assert info.value.code == E.BAD_RESPONSE and info.value.status == 308
    assert "LAMBDA_API_URL" in info.value.suggestion
    assert len(emu.control.requests("GET", "/instances")) == 1


def test_ids_cannot_change_the_request_path(client, emu):
    with pytest.raises(NotFound):
        client.get_instance("../ssh-keys")
    assert emu.control.requests("GET")[-1]["path"] == "/instances/..%2Fssh-keys"
