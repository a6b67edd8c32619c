"""Pulumi dynamic providers for Lambda Cloud: SshKey, Instance and Filesystem.

The provider classes live in this importable module so Pulumi pickles them *by reference*: the
engine's provider process (`python -m pulumi.dynamic`, same virtualenv) imports
`lambda_infra.providers` instead of unpickling code. Nothing secret is held by a provider object
when it is pickled: the API key is read in `configure()` (stack config `lambda:apiKey`, set with
`pulumi config set --secret`) or from `LAMBDA_API_KEY`, inside the provider process only. It is
never a resource input or output.

All HTTP goes through `LambdaClient`; these classes only decide *what* to call and make the
operations safe to retry: a launch that was accepted but then failed is always terminated.
"""

from __future__ import annotations

import os
import re
import secrets
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from lambda_infra.errors import LambdaError
from lambda_infra.naming import OWNER_TAG
from lambda_infra.stack_config import (
    INSTANCE_TYPE_PATTERN,
    KNOWN_REGIONS,
    NAME_PATTERN,
    boot_timeout_seconds,
)

GONE_STATUSES = frozenset({"terminated", "preempted", "terminating"})
NOT_FOUND_CODE = "global/object-does-not-exist"
API_KEY_CONFIG = "lambda:apiKey"
API_URL_CONFIG = "lambda:apiUrl"


class _LambdaProvider(ResourceProvider):
    """Shared plumbing: credentials from config/env, a client per operation."""

    _api_key: str | None = None
    _api_url: str | None = None

    def configure(self, req: ConfigureRequest) -> None:
        # Runs in the provider process with the stack config (secrets already decrypted).
        self._api_key = req.config.get(API_KEY_CONFIG) or None
        self._api_url = req.config.get(API_URL_CONFIG) or None

    def _client(self):
        from lambda_infra.client import LambdaClient

        api_key = self._api_key or os.environ.get("LAMBDA_API_KEY")
        if not api_key:
            raise RuntimeError(
                "no Lambda API key: run `pulumi config set --secret lambda:apiKey <key>` "
                "or export LAMBDA_API_KEY before `pulumi up`"
            )
        base_url = self._api_url or os.environ.get("LAMBDA_API_URL") or None
        return LambdaClient(api_key=api_key, base_url=base_url)


def _is_not_found(exc: Exception) -> bool:
    return getattr(exc, "code", None) == NOT_FOUND_CODE or getattr(exc, "status", None) == 404


def _random_suffix() -> str:
    return secrets.token_hex(4)


# --------------------------------------------------------------------------------------- SSH key


def generate_ed25519_keypair(comment: str) -> tuple[str, str]:
    """(OpenSSH private key PEM, `ssh-ed25519 AAAA... comment` public key)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return private_pem, f"{public.decode()} {comment}"


class SshKeyProvider(_LambdaProvider):
    """Generates an ed25519 pair for the stack and registers the public half with Lambda."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = dict(news)
        if not inputs.get("name"):
            # Auto-name once, then keep the name for the life of the resource (like Pulumi autonaming).
            inputs["name"] = olds.get("name") or f"sae-pii-key-{_random_suffix()}"
        failures = []
        name = inputs["name"]
        if not isinstance(name, str) or len(name) > 64 or not NAME_PATTERN.match(name):
            failures.append(CheckFailure("name", f"SSH key name {name!r}: use at most 64 letters, digits, . _ -"))
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # Lambda cannot rename or edit a key: any change is a new key.
        changed = olds.get("name") != news.get("name")
        return DiffResult(changes=changed, replaces=["name"] if changed else [], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        private_key, public_key = generate_ed25519_keypair(props["name"])
        key = self._client().add_ssh_key(props["name"], public_key=public_key)
        outs = {**props, "key_id": key.id, "public_key": public_key, "private_key": private_key}
        return CreateResult(key.id, outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        keys = self._client().list_ssh_keys()
        if not any(k.id == id_ for k in keys):
            return ReadResult(None, {})
        return ReadResult(id_, props)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        try:
            self._client().delete_ssh_key(id_)
        except Exception as exc:  # already deleted by hand is the state we wanted
            if not _is_not_found(exc):
                raise


class SshKey(Resource, module="lambda", name="SshKey"):
    """An SSH key registered in the Lambda account; `private_key` is a secret output."""

    key_id: pulumi.Output[str]
    public_key: pulumi.Output[str]
    private_key: pulumi.Output[str]

    def __init__(self, resource_name: str, name: pulumi.Input[str] | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=["private_key"]))
        props = {"name": name, "key_id": None, "public_key": None, "private_key": None}
        super().__init__(SshKeyProvider(), resource_name, props, opts)


# -------------------------------------------------------------------------------------- Instance

REPLACE_ON = ("instance_type", "ssh_key_name", "file_system_names")


def _regions_of(value: Any) -> list[str] | str:
    if value in (None, "", "auto"):
        return "auto"
    return list(value)


class InstanceProvider(_LambdaProvider):
    """One Lambda GPU instance: launched with region fallback, terminated on any failure after launch."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = dict(news)
        failures: list[CheckFailure] = []
        if not inputs.get("name"):
            inputs["name"] = olds.get("name") or _default_instance_name(inputs.get("purpose") or "train")
        name = inputs["name"]
        if not isinstance(name, str) or len(name) > 64 or not NAME_PATTERN.match(name):
            failures.append(CheckFailure("name", f"instance name {name!r}: use at most 64 letters, digits, . _ -"))
        itype = inputs.get("instance_type")
        if not isinstance(itype, str) or not INSTANCE_TYPE_PATTERN.match(itype):
            failures.append(CheckFailure(
                "instance_type", f"instance type {itype!r}: use a Lambda type name such as gpu_1x_a100_sxm4"))
        regions = _regions_of(inputs.get("regions"))
        if regions != "auto":
            unknown = [r for r in regions if r not in KNOWN_REGIONS]
            if unknown or not regions:
                failures.append(CheckFailure(
                    "regions", f"unknown region(s) {unknown}: use 'auto' or some of {', '.join(KNOWN_REGIONS)}"))
        if not isinstance(inputs.get("ssh_key_name"), str) and not _is_unknown(inputs.get("ssh_key_name")):
            failures.append(CheckFailure("ssh_key_name", "ssh_key_name is required (the SshKey resource's name)"))
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in REPLACE_ON if _normalise(olds.get(k)) != _normalise(news.get(k))]
        # A new preference list only forces a new instance when the current region left the list.
        new_regions = _regions_of(news.get("regions"))
        current_region = olds.get("region")
        if new_regions != "auto" and not _is_unknown(new_regions) and current_region not in new_regions:
            replaces.append("regions")
        watched = set(REPLACE_ON) | {"name", "regions", "max_hours", "budget_usd", "estimated_total_usd",
                                     "boot_timeout_seconds", "purpose", "owner"}
        changed = any(_normalise(olds.get(k)) != _normalise(news.get(k)) for k in watched)
        # Paid GPUs: never run two side by side during a replacement.
        return DiffResult(changes=changed or bool(replaces), replaces=replaces, delete_before_replace=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = self._client()
        itype_name = props["instance_type"]
        types = client.instance_types()
        if itype_name not in types:
            raise ValueError(f"instance type {itype_name!r} is not offered: choose one of {', '.join(sorted(types))}")
        itype = types[itype_name]
        regions = _regions_of(props.get("regions"))
        fs_names = list(props.get("file_system_names") or [])
        if fs_names:
            regions = _regions_for_filesystems(client, fs_names, regions)
        timeout = float(props.get("boot_timeout_seconds") or boot_timeout_seconds(itype.gpus))
        poll = float(props.get("poll_interval_seconds") or 5)

        name = props["name"]
        before = {i.id for i in _instances_named(client, name)}
        launched_id: str | None = None
        owner = props.get("owner") or "pulumi"
        try:
            instance = client.launch_with_fallback(
                itype_name, regions, props["ssh_key_name"], name, file_system_names=fs_names,
                tags={OWNER_TAG: owner})
            launched_id = instance.id
            _claims().claim(name, owner, launched_id)   # `lambda-launcher list --orphans` skips it
            instance = client.wait_for_status(launched_id, statuses={"active"}, timeout=timeout, poll_interval=poll)
            if instance.status != "active" or not instance.ip:
                raise RuntimeError(f"instance {launched_id} ended in status {instance.status!r} instead of active")
        except BaseException as exc:
            # No orphan ever: whatever we launched (or whatever a lost response launched under our
            # unique name) is terminated before the error reaches Pulumi.
            _terminate_after_failed_create(client, name, before, launched_id, exc)
            raise
        price = instance.price_cents_per_hour or itype.price_cents_per_hour
        outs = {**props, **_instance_outs(instance, price)}
        return CreateResult(instance.id, outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            instance = self._client().get_instance(id_)
        except Exception as exc:
            if _is_not_found(exc):
                return ReadResult(None, {})
            raise
        if instance.status in GONE_STATUSES:
            return ReadResult(None, {})
        price = instance.price_cents_per_hour or props.get("price_cents_per_hour")
        return ReadResult(id_, {**props, **_instance_outs(instance, price)})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        outs = {**olds, **news}
        if olds.get("name") != news.get("name"):
            instance = self._client().rename_instance(id_, news["name"])
            outs["name"] = instance.name or news["name"]
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        client = self._client()
        client.terminate([id_])   # idempotent: already terminating/terminated/missing is fine
        poll = float(props.get("poll_interval_seconds") or 5)
        # A missing instance counts as terminated (the API forgets terminated instances).
        client.wait_for_status(id_, statuses={"terminated", "preempted"}, timeout=600, poll_interval=poll,
                               fail_statuses=())
        _claims().release(id_)


def _claims():
    from lambda_infra.naming import ClaimStore

    return ClaimStore()


def _is_unknown(value: Any) -> bool:
    from pulumi.runtime import rpc

    return value is rpc.UNKNOWN or value == rpc.UNKNOWN


def _normalise(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    return value


def _default_instance_name(purpose: str) -> str:
    from lambda_infra.naming import unique_instance_name

    return unique_instance_name(purpose)


def _instances_named(client, name: str) -> list:
    return [i for i in client.list_instances() if i.name == name and i.status not in ("terminated",)]


def _terminate_after_failed_create(client, name: str, before: set[str], launched_id: str | None,
                                   exc: BaseException) -> None:
    ids = {launched_id} if launched_id else set()
    try:
        ids |= {i.id for i in _instances_named(client, name) if i.id not in before}
    except LambdaError as list_exc:  # the list failed too: still terminate what we know about
        pulumi.log.warn(f"could not list instances named {name!r} after a failed launch: {list_exc}")
    if not ids:
        return
    try:
        client.terminate(sorted(ids))
    except LambdaError as cleanup_exc:
        # Make the orphan impossible to miss: the error names the ids to terminate by hand.
        raise RuntimeError(
            f"launch failed ({exc}) and terminating {sorted(ids)} failed too ({cleanup_exc}): run "
            f"`lambda-launcher terminate {' '.join(sorted(ids))}` now"
        ) from exc
    pulumi.log.warn(f"launch failed after the instance was accepted; terminated {sorted(ids)} (no orphan left)")


def _regions_for_filesystems(client, fs_names: list[str], regions: list[str] | str) -> list[str]:
    """A persistent filesystem pins the instance to its region."""
    by_name = {fs.name: fs for fs in client.list_filesystems()}
    missing = [n for n in fs_names if n not in by_name]
    if missing:
        raise ValueError(f"filesystem(s) {missing} do not exist: create them or set createFilesystem=true")
    fs_regions = {_region_name(by_name[n].region) for n in fs_names}
    if len(fs_regions) != 1:
        raise ValueError(f"filesystems {fs_names} are in different regions {sorted(fs_regions)}")
    (region,) = fs_regions
    if regions != "auto" and region not in regions:
        raise ValueError(f"filesystem region {region} is not in the region preference list {regions}")
    return [region]


def _region_name(region: Any) -> str:
    if isinstance(region, dict):
        return region.get("name", "")
    return getattr(region, "name", region)


def _instance_outs(instance, price_cents: int | None) -> dict[str, Any]:
    return {
        "instance_id": instance.id,
        "ip": instance.ip,
        "region": _region_name(instance.region),
        "status": instance.status,
        "hostname": instance.hostname,
        "price_cents_per_hour": price_cents,
        "hourly_usd": round(price_cents / 100, 2) if price_cents is not None else None,
    }


class Instance(Resource, module="lambda", name="Instance"):
    """A Lambda Cloud instance. Replaced on type/key/filesystem change, renamed in place."""

    instance_id: pulumi.Output[str]
    ip: pulumi.Output[str]
    region: pulumi.Output[str]
    status: pulumi.Output[str]
    hostname: pulumi.Output[str]
    price_cents_per_hour: pulumi.Output[int]
    hourly_usd: pulumi.Output[float]
    name: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        instance_type: pulumi.Input[str],
        ssh_key_name: pulumi.Input[str],
        regions: pulumi.Input[list[str] | str] = "auto",
        name: pulumi.Input[str] | None = None,
        purpose: str = "train",
        file_system_names: pulumi.Input[list[str]] | None = None,
        boot_timeout_seconds: float | None = None,
        cost: dict[str, float] | None = None,
        owner: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "instance_type": instance_type,
            "ssh_key_name": ssh_key_name,
            "regions": regions,
            "name": name,
            "purpose": purpose,
            "owner": owner,
            "file_system_names": file_system_names or [],
            "boot_timeout_seconds": boot_timeout_seconds,
            # Cost facts travel on the resource so the policy pack can read them at preview time.
            **(cost or {}),
            "instance_id": None, "ip": None, "region": None, "status": None, "hostname": None,
            "price_cents_per_hour": None, "hourly_usd": None,
        }
        super().__init__(InstanceProvider(), resource_name, props, opts)


# ------------------------------------------------------------------------------------ Filesystem


class FilesystemProvider(_LambdaProvider):
    """A persistent filesystem (mounted at /lambda/nfs/<name>) for checkpoints that outlive the instance."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        name = news.get("name")
        if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$", name):
            failures.append(CheckFailure("name", f"filesystem name {name!r}: 1-60 letters, digits, '-' or '_'"))
        if news.get("region") not in KNOWN_REGIONS:
            failures.append(CheckFailure("region", f"region {news.get('region')!r}: use one of {', '.join(KNOWN_REGIONS)}"))
        return CheckResult(dict(news), failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in ("name", "region") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(replaces), replaces=replaces)

    def create(self, props: dict[str, Any]) -> CreateResult:
        fs = self._client().create_filesystem(props["name"], props["region"])
        return CreateResult(fs.id, {**props, "filesystem_id": fs.id, "mount_point": f"/lambda/nfs/{props['name']}"})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if not any(fs.id == id_ for fs in self._client().list_filesystems()):
            return ReadResult(None, {})
        return ReadResult(id_, props)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        try:
            self._client().delete_filesystem(id_)
        except Exception as exc:
            if not _is_not_found(exc):
                raise


class Filesystem(Resource, module="lambda", name="Filesystem"):
    filesystem_id: pulumi.Output[str]
    mount_point: pulumi.Output[str]

    def __init__(self, resource_name: str, *, name: pulumi.Input[str], region: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None) -> None:
        props = {"name": name, "region": region, "filesystem_id": None, "mount_point": None}
        super().__init__(FilesystemProvider(), resource_name, props, opts)
