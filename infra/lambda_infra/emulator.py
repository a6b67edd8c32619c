"""A local, faithful stand-in for the Lambda Cloud API v1, over real HTTP on 127.0.0.1.

Same paths, JSON shapes, status codes and error codes as the reference (docs/infra.md), so the
client, the launcher and the Pulumi providers run unchanged against it without an account:

    lambda-launcher emulator --port 8787 --api-key mykey     # or, in tests:
    with run_emulator_in_thread(api_key="k", boot_seconds=0.05) as emu:
        LambdaClient(api_key="k", base_url=emu.url)

Instances go booting -> active (ip null until active) and terminating -> terminated on
configurable delays, computed from timestamps (no background threads). The `ip` handed out can be a
local sshd (`ssh_host`, plus an extra `ssh_port` field when it is not 22) so the deploy path runs end
to end. With `state_file` the world (instances, keys, filesystems, firewall rules) survives restarts.

Fault injection (Python: `emu.control`, HTTP: POST /api/v1/_emulator/<action> with the same key):
capacity shortages per region (hidden, or listed but failing), 429 bursts and rate limits, 5xx,
a launch accepted whose answer is lost (connection dropped, or answered after the client gave up),
an instance that turns `unhealthy` or never leaves `booting`, quota, an inactive account.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hmac
import ipaddress
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from . import catalog
from . import errors as E

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LIVE = ("booting", "active", "unhealthy")
MAX_USER_DATA = 1024 * 1024


@dataclass
class EmulatorConfig:
    """Everything tunable. Delays are seconds; tests make them tiny."""

    boot_seconds: float = 3.0
    terminate_seconds: float = 2.0
    restart_seconds: float = 2.0
    terminated_retention_seconds: float = 600.0  # terminated instances vanish from /instances after this
    ssh_host: str | None = None  # ip handed out when active; None: a TEST-NET address per instance
    ssh_port: int = 22
    quota_instances: int = 10  # live instances per account
    capacity: dict[str, dict[str, int]] = field(default_factory=lambda: copy.deepcopy(catalog.DEFAULT_CAPACITY))
    no_capacity_regions: list[str] = field(default_factory=list)  # not listed, and launches fail
    phantom_capacity_regions: list[str] = field(default_factory=list)  # listed, but launches fail anyway
    rate_limit_rps: float | None = None  # None: no global limit (Lambda: about 1/s)
    rate_limit_burst: int = 5
    launch_min_interval_s: float | None = None  # None: no launch limit (Lambda: about 12 s)
    account_status: str = "active"  # active | inactive | invalid-address
    terminate_twice_unknown: bool = True  # Lambda once answered global/unknown to a repeated terminate
    lost_launch_sleep_s: float = 5.0  # how long a "sleep" lost launch holds its answer

    def update(self, **kw: Any) -> None:
        for k, v in kw.items():
            if not hasattr(self, k):
                raise ValueError(f"unknown emulator setting {k!r}; settings: {', '.join(asdict(self))}")
            setattr(self, k, v)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, suggestion: str | None = None,
                 field_errors: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.suggestion, self.field_errors = (
            status, code, message, suggestion, field_errors)

    def body(self) -> dict:
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.suggestion:
            err["suggestion"] = self.suggestion
        if self.field_errors:
            err["field_errors"] = self.field_errors
        return {"error": err}


class _RateLimited(Exception):
    pass


class _DropConnection(Exception):
    """Close the socket without answering (a lost response)."""


def _invalid(message: str, field_name: str | None = None) -> ApiError:
    return ApiError(400, E.INVALID_PARAMETERS, message, "check the request parameters",
                    {field_name: message} if field_name else None)


def _hex_id() -> str:
    return secrets.token_hex(16)


class EmulatorState:
    """The emulated account. Every public method takes the lock; mutations persist to `state_file`."""

    def __init__(self, config: EmulatorConfig, state_file: str | Path | None = None) -> None:
        self.config = config
        self.state_file = Path(state_file) if state_file else None
        self.lock = threading.RLock()
        self.instances: dict[str, dict] = {}
        self.ssh_keys: dict[str, dict] = {}
        self.filesystems: dict[str, dict] = {}
        self.firewall_rules: list[dict] = [
            {"protocol": "tcp", "port_range": [22, 22], "source_network": "0.0.0.0/0", "description": "SSH"},
            {"protocol": "icmp", "source_network": "0.0.0.0/0", "description": "Allow ICMP"},
        ]
        # one-shot faults
        self.pending_429: list[str | None] = []  # path prefixes (None = any)
        self.pending_failures: list[dict] = []
        self.lose_next_launch: str | None = None  # "drop" | "sleep"
        self.next_behaviours: list[str] = []  # "unhealthy" | "stuck_booting"
        # rate limiting
        self._tokens = float(config.rate_limit_burst)
        self._tokens_at = time.monotonic()
        self._last_launch: float | None = None
        self.request_log: list[dict] = []
        self._ip_counter = 10
        if self.state_file and self.state_file.exists():
            self._load()

    # ---------------------------------------------------------------- persistence
    def _load(self) -> None:
        assert self.state_file is not None
        try:
            data = json.loads(self.state_file.read_text())
        except ValueError as exc:
            raise ValueError(f"emulator state file {self.state_file} is not valid JSON ({exc}): "
                             "delete it to start from an empty account") from None
        self.instances = data.get("instances", {})
        self.ssh_keys = data.get("ssh_keys", {})
        self.filesystems = data.get("filesystems", {})
        self.firewall_rules = data.get("firewall_rules", self.firewall_rules)
        self._ip_counter = data.get("ip_counter", self._ip_counter)

    def save(self) -> None:
        if not self.state_file:
            return
        data = {"version": 1, "instances": self.instances, "ssh_keys": self.ssh_keys,
                "filesystems": self.filesystems, "firewall_rules": self.firewall_rules,
                "ip_counter": self._ip_counter}
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.state_file.parent, prefix=".emulator-", suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, self.state_file)

    # ---------------------------------------------------------------- time
    def advance(self, now: float | None = None) -> None:
        """Apply every status change whose time has come; forget long-terminated instances."""
        now = time.time() if now is None else now
        changed = False
        for iid, inst in list(self.instances.items()):
            due = [t for t in inst["_transitions"] if t[0] <= now]
            for at, status in due:
                inst["status"] = status
                if status in ("active", "unhealthy") and inst.get("ip") is None:
                    inst["ip"] = self._ip_for(inst)
                if status == "active":
                    inst["jupyter_token"] = inst.get("jupyter_token") or secrets.token_hex(16)
                    inst["jupyter_url"] = f"https://jupyter-{iid[:12]}.lambdaspaces.com/?token={inst['jupyter_token']}"
                if status == "terminated":
                    inst["_terminated_at"] = at
                changed = True
            inst["_transitions"] = [t for t in inst["_transitions"] if t[0] > now]
            if (inst["status"] == "terminated"
                    and now - inst.get("_terminated_at", now) > self.config.terminated_retention_seconds):
                del self.instances[iid]
                changed = True
        if changed:
            self.save()

    def _ip_for(self, inst: dict) -> str:
        if self.config.ssh_host:
            return self.config.ssh_host
        self._ip_counter += 1
        n = self._ip_counter
        return f"198.51.100.{n % 250 + 2}" if n < 250 else f"203.0.113.{n % 250 + 2}"

    # ---------------------------------------------------------------- rate limits and faults
    def check_rate_limit(self, method: str, path: str) -> None:
        cfg = self.config
        if self.pending_429:
            for i, prefix in enumerate(self.pending_429):
                if prefix is None or path.startswith(prefix):
                    del self.pending_429[i]
                    raise _RateLimited()
        if cfg.rate_limit_rps:
            now = time.monotonic()
            self._tokens = min(cfg.rate_limit_burst, self._tokens + (now - self._tokens_at) * cfg.rate_limit_rps)
            self._tokens_at = now
            if self._tokens < 1:
                raise _RateLimited()
            self._tokens -= 1
        if cfg.launch_min_interval_s and method == "POST" and path == "/instance-operations/launch":
            now = time.monotonic()
            if self._last_launch is not None and now - self._last_launch < cfg.launch_min_interval_s:
                raise _RateLimited()
            self._last_launch = now

    def check_injected_failure(self, method: str, path: str) -> None:
        for i, f in enumerate(self.pending_failures):
            if (f.get("path") is None or path.startswith(f["path"])) and f.get("method") in (None, method):
                if f.get("skip"):
                    f["skip"] -= 1
                    return
                del self.pending_failures[i]
                raise ApiError(f["status"], f["code"], f.get("message") or "Internal error, try again shortly",
                               "try again shortly")

    # ---------------------------------------------------------------- views
    def _capacity_left(self, type_name: str, region: str) -> int:
        stock = self.config.capacity.get(type_name, {}).get(region, 0)
        used = sum(1 for i in self.instances.values()
                   if i["status"] in LIVE and i["instance_type"]["name"] == type_name and i["region"]["name"] == region)
        return stock - used

    def _listed_regions(self, type_name: str) -> list[str]:
        return [r for r in self.config.capacity.get(type_name, {})
                if r not in self.config.no_capacity_regions
                and (self._capacity_left(type_name, r) > 0 or r in self.config.phantom_capacity_regions)]

    @staticmethod
    def public(inst: dict) -> dict:
        return {k: copy.deepcopy(v) for k, v in inst.items() if not k.startswith("_")}

    def _fs_in_use(self, fs: dict) -> bool:
        return any(fs["name"] in i["file_system_names"] and i["status"] != "terminated"
                   for i in self.instances.values())

    def _fs_public(self, fs: dict) -> dict:
        return {**fs, "is_in_use": self._fs_in_use(fs)}

    def _get(self, iid: str, status: int = 404) -> dict:
        inst = self.instances.get(iid)
        if inst is None:
            raise ApiError(status, E.OBJECT_DOES_NOT_EXIST, f"Instance {iid!r} does not exist",
                           "check the id with GET /instances")
        return inst

    # ---------------------------------------------------------------- endpoints
    def instance_types(self) -> dict:
        return {name: {"instance_type": catalog.instance_type_json(name),
                       "regions_with_capacity_available": [catalog.region_json(r) for r in self._listed_regions(name)]}
                for name in catalog.INSTANCE_TYPES}

    def list_instances(self) -> list[dict]:
        return [self.public(i) for i in self.instances.values()]

    def get_instance(self, iid: str) -> dict:
        return self.public(self._get(iid))

    def launch(self, body: dict) -> tuple[dict, str | None]:
        cfg = self.config
        if cfg.account_status == "inactive":
            raise ApiError(403, E.ACCOUNT_INACTIVE, "Your account is inactive.",
                           "Make sure your account is active and your billing information is valid.")
        if cfg.account_status == "invalid-address":
            raise ApiError(403, E.INVALID_ADDRESS, "Your billing address is invalid.",
                           "Update the billing address in the Lambda Cloud dashboard.")
        region = body.get("region_name")
        type_name = body.get("instance_type_name")
        keys = body.get("ssh_key_names")
        if not isinstance(region, str) or not region:
            raise _invalid("region_name is required", "region_name")
        if not isinstance(type_name, str) or not type_name:
            raise _invalid("instance_type_name is required", "instance_type_name")
        if not isinstance(keys, list) or len(keys) != 1 or not all(isinstance(k, str) for k in keys):
            raise _invalid("ssh_key_names must list exactly one SSH key name", "ssh_key_names")
        if body.get("quantity", 1) != 1:
            raise _invalid("quantity must be 1: launch one instance per request", "quantity")
        name = body.get("name")
        if name is not None and (not isinstance(name, str) or len(name) > 64):
            raise _invalid("name must be a string of at most 64 characters", "name")
        user_data = body.get("user_data")
        if user_data is not None and (not isinstance(user_data, str) or len(user_data.encode()) > MAX_USER_DATA):
            raise _invalid("user_data must be a string of at most 1 MB", "user_data")
        tags = body.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, dict) and set(t) == {"key", "value"} for t in tags):
            raise _invalid('tags must be a list of {"key", "value"} objects', "tags")
        if type_name not in catalog.INSTANCE_TYPES:
            raise _invalid(f"Invalid instance type {type_name!r}", "instance_type_name")
        if region not in catalog.REGIONS:
            raise _invalid(f"Invalid region {region!r}", "region_name")
        if not any(k["name"] == keys[0] for k in self.ssh_keys.values()):
            raise ApiError(400, E.OBJECT_DOES_NOT_EXIST, f"SSH key {keys[0]!r} does not exist",
                           "add it with POST /ssh-keys (lambda-launcher ssh-key add) first")
        fs_names = body.get("file_system_names") or []
        if not isinstance(fs_names, list):
            raise _invalid("file_system_names must be a list", "file_system_names")
        for fs_name in fs_names:
            fs = next((f for f in self.filesystems.values() if f["name"] == fs_name), None)
            if fs is None:
                raise ApiError(400, E.OBJECT_DOES_NOT_EXIST, f"File system {fs_name!r} does not exist")
            if fs["region"]["name"] != region:
                raise ApiError(400, E.FILE_SYSTEM_IN_WRONG_REGION,
                               f"File system {fs_name!r} is in {fs['region']['name']}, not {region}",
                               "launch in the file system's region or attach another one")
        image = body.get("image")
        if image is not None:
            if not isinstance(image, dict) or len(image) != 1 or not ({"id", "family"} & set(image)):
                raise _invalid('image must be {"id": ...} or {"family": ...}', "image")
            if "family" in image and image["family"] not in catalog.IMAGE_FAMILIES:
                raise _invalid(f"Unknown image family {image['family']!r}", "image")
            if "id" in image and not any(i["id"] == image["id"] for i in self.images()):
                raise _invalid(f"Unknown image id {image['id']!r}", "image")
        live = sum(1 for i in self.instances.values() if i["status"] in LIVE)
        if live >= cfg.quota_instances:
            raise ApiError(400, E.QUOTA_EXCEEDED, f"Quota of {cfg.quota_instances} running instances reached",
                           "terminate instances or ask Lambda support for a higher quota")
        if (region in cfg.no_capacity_regions or region in cfg.phantom_capacity_regions
                or self._capacity_left(type_name, region) <= 0):
            raise ApiError(400, E.INSUFFICIENT_CAPACITY,
                           "Not enough capacity to fulfill launch request.",
                           "Choose an instance type with more availability, or try again later.")
        now = time.time()
        iid = _hex_id()
        behaviour = self.next_behaviours.pop(0) if self.next_behaviours else "normal"
        transitions: list[list] = []
        if behaviour == "unhealthy":
            transitions = [[now + cfg.boot_seconds, "unhealthy"]]
        elif behaviour != "stuck_booting":
            transitions = [[now + cfg.boot_seconds, "active"]]
        inst = {
            "id": iid, "name": name, "ip": None, "private_ip": None, "status": "booting",
            "ssh_key_names": list(keys), "file_system_names": list(fs_names),
            "file_system_mounts": [{"mount_point": f"/lambda/nfs/{n}", "file_system_id": next(
                f["id"] for f in self.filesystems.values() if f["name"] == n)} for n in fs_names],
            "region": catalog.region_json(region), "instance_type": catalog.instance_type_json(type_name),
            "hostname": body.get("hostname") or f"{(name or iid[:12]).lower()}",
            "jupyter_token": None, "jupyter_url": None, "tags": tags,
            "firewall_rulesets": body.get("firewall_rulesets") or [], "is_reserved": False,
            "actions": {a: {"available": True} for a in ("migrate", "rebuild", "restart", "cold_reboot", "terminate")},
            "_transitions": transitions, "_created": now, "_behaviour": behaviour,
        }
        inst["private_ip"] = f"10.19.{len(self.instances) % 250}.{secrets.randbelow(250) + 2}"
        if self.config.ssh_port != 22:
            inst["ssh_port"] = self.config.ssh_port  # emulator extension: real Lambda is always 22
        self.instances[iid] = inst
        self.save()
        lost, self.lose_next_launch = self.lose_next_launch, None
        return {"instance_ids": [iid]}, lost

    def rename(self, iid: str, body: dict) -> dict:
        inst = self._get(iid)
        name = body.get("name")
        if not isinstance(name, str) or len(name) > 64:
            raise _invalid("name must be a string of at most 64 characters", "name")
        inst["name"] = name
        self.save()
        return self.public(inst)

    def _ids(self, body: dict) -> list[str]:
        ids = body.get("instance_ids")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise _invalid("instance_ids must be a non-empty list of instance ids", "instance_ids")
        for iid in ids:
            self._get(iid, status=400)
        return ids

    def terminate(self, body: dict) -> dict:
        ids = self._ids(body)
        now = time.time()
        for iid in ids:
            if self.instances[iid]["status"] in ("terminating", "terminated") and self.config.terminate_twice_unknown:
                raise ApiError(400, E.UNKNOWN, "An unknown error occurred", "try again shortly")
        out = []
        for iid in ids:
            inst = self.instances[iid]
            if inst["status"] not in ("terminating", "terminated"):
                inst["status"] = "terminating"
                inst["_transitions"] = [[now + self.config.terminate_seconds, "terminated"]]
            out.append(self.public(inst))
        self.save()
        return {"terminated_instances": out}

    def restart(self, body: dict) -> dict:
        ids = self._ids(body)
        for iid in ids:
            if self.instances[iid]["status"] not in ("active", "unhealthy"):
                raise _invalid(f"Instance {iid} is {self.instances[iid]['status']}: only active or unhealthy "
                               "instances can be restarted", "instance_ids")
        now = time.time()
        out = []
        for iid in ids:
            inst = self.instances[iid]
            inst["status"] = "booting"
            inst["_transitions"] = [[now + self.config.restart_seconds, "active"]]
            out.append(self.public(inst))
        self.save()
        return {"restarted_instances": out}

    def list_ssh_keys(self) -> list[dict]:
        return [dict(k) for k in self.ssh_keys.values()]

    def add_ssh_key(self, body: dict) -> dict:
        name = body.get("name")
        if not isinstance(name, str) or not name or len(name) > 64:
            raise _invalid("name is required, at most 64 characters", "name")
        if any(k["name"] == name for k in self.ssh_keys.values()):
            raise ApiError(400, E.DUPLICATE, f"An SSH key named {name!r} already exists", "choose another name")
        public_key = body.get("public_key")
        private_pem = None
        if public_key is None:
            priv = ed25519.Ed25519PrivateKey.generate()
            private_pem = priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                             serialization.NoEncryption()).decode()
            public_key = priv.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                                        serialization.PublicFormat.OpenSSH).decode() + f" {name}"
        else:
            try:
                serialization.load_ssh_public_key(str(public_key).strip().encode())
            except (ValueError, TypeError, UnsupportedAlgorithm):
                raise _invalid("public_key is not an OpenSSH public key (ssh-ed25519/ssh-rsa/ecdsa-...)",
                               "public_key") from None
        key = {"id": _hex_id(), "name": name, "public_key": str(public_key).strip()}
        self.ssh_keys[key["id"]] = key
        self.save()
        return {**key, "private_key": private_pem} if private_pem else dict(key)  # private key: this once only

    def delete_ssh_key(self, key_id: str) -> dict:
        if key_id not in self.ssh_keys:
            raise ApiError(404, E.OBJECT_DOES_NOT_EXIST, f"SSH key {key_id!r} does not exist")
        del self.ssh_keys[key_id]
        self.save()
        return {}

    def list_filesystems(self) -> list[dict]:
        return [self._fs_public(f) for f in self.filesystems.values()]

    def create_filesystem(self, body: dict) -> dict:
        name, region = body.get("name"), body.get("region")
        if not isinstance(name, str) or not name or len(name) > 60:
            raise _invalid("name is required, at most 60 characters", "name")
        if region not in catalog.REGIONS:
            raise _invalid(f"Invalid region {region!r}", "region")
        if any(f["name"] == name for f in self.filesystems.values()):
            raise ApiError(400, E.DUPLICATE, f"A file system named {name!r} already exists", "choose another name")
        fs = {"id": _hex_id(), "name": name, "mount_point": f"/lambda/nfs/{name}",
              "created": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
              "created_by": {"id": "emulator-user", "email": "user@example.com", "status": "active"},
              "region": catalog.region_json(region), "bytes_used": 0}
        self.filesystems[fs["id"]] = fs
        self.save()
        return self._fs_public(fs)

    def delete_filesystem(self, fs_id: str) -> dict:
        fs = self.filesystems.get(fs_id)
        if fs is None:
            raise ApiError(404, E.OBJECT_DOES_NOT_EXIST, f"File system {fs_id!r} does not exist")
        if self._fs_in_use(fs):
            raise ApiError(400, E.FILESYSTEM_IN_USE, f"File system {fs['name']!r} is mounted by an instance",
                           "terminate the instances using it first")
        del self.filesystems[fs_id]
        self.save()
        return {"deleted_ids": [fs_id]}

    def images(self) -> list[dict]:
        out = []
        for region in ("us-east-1", "us-west-1", "us-west-2", "us-west-3", "us-south-1", "us-south-2",
                       "us-south-3", "us-east-2", "us-east-3", "us-midwest-1", "europe-central-1"):
            for family, (name, version, arch) in catalog.IMAGE_FAMILIES.items():
                out.append({"id": f"img-{family}-{region}", "created_time": "2025-10-01T00:00:00+00:00",
                            "updated_time": "2025-10-01T00:00:00+00:00", "name": name,
                            "description": f"{name} image", "family": family, "version": version,
                            "architecture": arch, "region": catalog.region_json(region)})
        return out

    def get_firewall_rules(self) -> list[dict]:
        return copy.deepcopy(self.firewall_rules)

    def set_firewall_rules(self, body: dict) -> list[dict]:
        rules = body.get("data")
        if not isinstance(rules, list):
            raise _invalid('body must be {"data": [rule, ...]}', "data")
        clean = []
        for r in rules:
            if not isinstance(r, dict) or r.get("protocol") not in ("tcp", "udp", "icmp", "all"):
                raise _invalid("each rule needs protocol tcp, udp, icmp or all", "protocol")
            try:
                ipaddress.ip_network(str(r.get("source_network", "")), strict=False)
            except ValueError:
                raise _invalid(f"source_network {r.get('source_network')!r} is not a CIDR", "source_network") from None
            rule = {"protocol": r["protocol"], "source_network": r["source_network"],
                    "description": str(r.get("description", ""))}
            if r["protocol"] in ("tcp", "udp"):
                pr = r.get("port_range")
                if (not isinstance(pr, list) or len(pr) != 2 or not all(isinstance(p, int) for p in pr)
                        or not 1 <= pr[0] <= pr[1] <= 65535):
                    raise _invalid("port_range must be [low, high] within 1..65535", "port_range")
                rule["port_range"] = pr
            clean.append(rule)
        self.firewall_rules = clean
        self.save()
        return copy.deepcopy(clean)


class EmulatorControl:
    """Fault injection and settings, for tests (Python) and demos (HTTP: POST /api/v1/_emulator/<action>)."""

    ACTIONS = ("configure", "fail_next", "rate_limit_next", "lose_next_launch_response", "next_instance",
               "set_capacity", "summary")

    def __init__(self, state: EmulatorState) -> None:
        self._state = state

    def configure(self, **settings: Any) -> dict:
        """Change any EmulatorConfig field (delays, ssh_host/ssh_port, quota, capacity, regions...)."""
        with self._state.lock:
            self._state.config.update(**settings)
            return asdict(self._state.config)

    def fail_next(self, count: int = 1, status: int = 503, code: str = E.INTERNAL_UNAVAILABLE,
                  path: str | None = None, method: str | None = None, message: str | None = None,
                  after: int = 0) -> None:
        """The next `count` matching requests (after letting `after` through) answer `status` with
        `code`; nothing else happens for them."""
        with self._state.lock:
            self._state.pending_failures += [{"status": status, "code": code, "path": path, "method": method,
                                              "message": message, "skip": after if n == 0 else 0}
                                             for n in range(count)]

    def rate_limit_next(self, count: int = 1, path: str | None = None) -> None:
        """A 429 burst: the next `count` matching requests answer 429."""
        with self._state.lock:
            self._state.pending_429 += [path] * count

    def lose_next_launch_response(self, mode: str = "drop", seconds: float | None = None) -> None:
        """The next accepted launch creates its instance, then drops the connection ("drop"), answers
        only after `seconds` ("sleep"; pick more than the client's timeout) or answers 502 ("error")."""
        if mode not in ("drop", "sleep", "error"):
            raise ValueError("mode must be 'drop', 'sleep' or 'error'")
        with self._state.lock:
            self._state.lose_next_launch = mode
            if seconds is not None:
                self._state.config.lost_launch_sleep_s = seconds

    def next_instance(self, behaviour: str) -> None:
        """The next launched instance goes 'unhealthy' when it would be active, or is 'stuck_booting'."""
        if behaviour not in ("unhealthy", "stuck_booting", "normal"):
            raise ValueError("behaviour must be 'unhealthy', 'stuck_booting' or 'normal'")
        with self._state.lock:
            self._state.next_behaviours.append(behaviour)

    def set_capacity(self, instance_type: str, regions: dict[str, int]) -> None:
        with self._state.lock:
            self._state.config.capacity[instance_type] = dict(regions)

    def summary(self) -> dict:
        """Counts and the request log (method, path, status: never headers)."""
        with self._state.lock:
            self._state.advance()
            return {"instances": {i: v["status"] for i, v in self._state.instances.items()},
                    "requests": list(self._state.request_log)}

    # conveniences for tests
    def instances(self) -> list[dict]:
        with self._state.lock:
            self._state.advance()
            return self._state.list_instances()

    def requests(self, method: str | None = None, path: str | None = None) -> list[dict]:
        with self._state.lock:
            return [r for r in self._state.request_log
                    if (method is None or r["method"] == method) and (path is None or r["path"] == path)]


_ROUTES: list[tuple[str, re.Pattern, str]] = [
    ("GET", re.compile(r"^/instance-types$"), "instance_types"),
    ("POST", re.compile(r"^/instance-operations/launch$"), "launch"),
    ("POST", re.compile(r"^/instance-operations/terminate$"), "terminate"),
    ("POST", re.compile(r"^/instance-operations/restart$"), "restart"),
    ("GET", re.compile(r"^/instances$"), "list_instances"),
    ("GET", re.compile(r"^/instances/(?P<id>[^/]+)$"), "get_instance"),
    ("POST", re.compile(r"^/instances/(?P<id>[^/]+)$"), "rename"),
    ("GET", re.compile(r"^/ssh-keys$"), "list_ssh_keys"),
    ("POST", re.compile(r"^/ssh-keys$"), "add_ssh_key"),
    ("DELETE", re.compile(r"^/ssh-keys/(?P<id>[^/]+)$"), "delete_ssh_key"),
    ("GET", re.compile(r"^/file-systems$"), "list_filesystems"),
    ("POST", re.compile(r"^/filesystems$"), "create_filesystem"),
    ("DELETE", re.compile(r"^/filesystems/(?P<id>[^/]+)$"), "delete_filesystem"),
    ("GET", re.compile(r"^/images$"), "images"),
    ("GET", re.compile(r"^/firewall-rules$"), "get_firewall_rules"),
    ("PUT", re.compile(r"^/firewall-rules$"), "set_firewall_rules"),
]
_WITH_BODY = {"launch", "terminate", "restart", "rename", "add_ssh_key", "create_filesystem", "set_firewall_rules"}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: a dropped answer stays dropped
    server_version = "LambdaEmulator/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
        self._entry["status"] = status  # before the client can see the answer
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        given = ""
        if scheme.lower() == "bearer":
            given = value.strip()
        elif scheme.lower() == "basic":
            try:
                given = base64.b64decode(value.strip()).decode().split(":", 1)[0]
            except (ValueError, UnicodeDecodeError):
                given = ""
        return bool(given) and hmac.compare_digest(given.encode(), self.server.api_key.encode())

    def _handle(self, method: str) -> None:
        emu_state = self.server.state
        path = self.path.split("?", 1)[0]
        status = 500
        # Logged on arrival (status filled in at the end) so a held answer is already visible.
        entry = {"method": method, "path": path.removeprefix(API_PREFIX),
                 "status": None}
        self._entry = entry
        with emu_state.lock:
            emu_state.request_log.append(entry)
            del emu_state.request_log[:-2000]
        try:
            if not path.startswith(API_PREFIX + "/"):
                raise ApiError(404, E.OBJECT_DOES_NOT_EXIST, f"Unknown path {path!r}: the API lives under {API_PREFIX}")
            path = path[len(API_PREFIX):]
            if not self._authorized():
                raise ApiError(401, E.INVALID_API_KEY, "API key was invalid, expired, or deleted.",
                               "Check your API key or create a new one, then try again.")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                raise _invalid("request body is not valid JSON") from None
            if path.startswith("/_emulator/"):
                status, data = 200, self._control(path[len("/_emulator/"):], body)
                self._send(status, {"data": data})
                return
            with emu_state.lock:
                emu_state.check_rate_limit(method, path)
                emu_state.check_injected_failure(method, path)
                emu_state.advance()
                data, lost = self._route(method, path, body)
            if lost == "drop":
                status = entry["status"] = 0
                raise _DropConnection()
            if lost == "sleep":
                time.sleep(emu_state.config.lost_launch_sleep_s)
            if lost == "error":
                raise ApiError(502, E.INTERNAL_UNAVAILABLE, "Bad gateway", "try again shortly")
            status = 200
            self._send(200, {"data": data})
        except _DropConnection:
            self.close_connection = True
        except _RateLimited:
            status = 429
            self._send(429, b"429 Too Many Requests", "text/plain")
        except ApiError as exc:
            status = exc.status
            self._send(exc.status, exc.body())
        except (BrokenPipeError, ConnectionResetError):
            status = 0
        except Exception as exc:  # a bug in the emulator: answer like Lambda's generic 500
            log.exception("emulator error")
            status = 500
            self._send(500, ApiError(500, E.UNKNOWN, f"emulator error: {type(exc).__name__}").body())
        finally:
            if entry["status"] is None:
                entry["status"] = status

    def _route(self, method: str, path: str, body: Any) -> tuple[Any, str | None]:
        st = self.server.state
        allowed = False
        for m, rx, name in _ROUTES:
            match = rx.match(path)
            if not match:
                continue
            allowed = True
            if m != method:
                continue
            if name in _WITH_BODY and not isinstance(body, dict):
                raise _invalid("request body must be a JSON object")
            args = [match.group("id")] if "id" in rx.groupindex else []
            if name in _WITH_BODY:
                args.append(body)
            result = getattr(st, name)(*args)
            if name == "launch":
                return result
            return result, None
        if allowed:
            raise ApiError(405, E.INVALID_PARAMETERS, f"{method} is not allowed on {path}")
        raise ApiError(404, E.OBJECT_DOES_NOT_EXIST, f"Unknown endpoint {path!r}")

    def _control(self, action: str, body: dict) -> Any:
        if action not in EmulatorControl.ACTIONS:
            raise _invalid(f"unknown emulator action {action!r}; actions: {', '.join(EmulatorControl.ACTIONS)}")
        try:
            return getattr(self.server.control, action)(**body)
        except (TypeError, ValueError) as exc:
            raise _invalid(str(exc)) from None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler sleeping on a "lost" launch must not hold up shutdown
    api_key: str
    state: EmulatorState
    control: EmulatorControl


class Emulator:
    """The server. `url` ends in /api/v1 (give it to LambdaClient(base_url=...) or LAMBDA_API_URL)."""

    def __init__(self, api_key: str, host: str = "127.0.0.1", port: int = 0, state_file: str | Path | None = None,
                 config: EmulatorConfig | None = None, **settings: Any) -> None:
        if not api_key:
            raise ValueError("the emulator needs an API key to accept (any string you like)")
        if host not in LOOPBACK:
            raise ValueError(f"the emulator only listens on loopback (127.0.0.1), not {host!r}")
        cfg = config or EmulatorConfig()
        cfg.update(**settings)
        self.state = EmulatorState(cfg, state_file)
        self.control = EmulatorControl(self.state)
        self._server = _Server((host, port), _Handler)
        self._server.api_key = api_key
        self._server.state = self.state
        self._server.control = self.control
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    def __repr__(self) -> str:
        return f"Emulator(url={self.url!r}, api_key=***)"

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.1)

    def start(self) -> Emulator:
        self._thread = threading.Thread(target=self.serve_forever, name="lambda-emulator", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Release the port (after serve_forever returned)."""
        self._server.server_close()

    def stop(self) -> None:
        """Stop a server started with start()."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)


@contextlib.contextmanager
def run_emulator_in_thread(api_key: str = "test-key", state_file: str | Path | None = None, port: int = 0,
                           **settings: Any) -> Iterator[Emulator]:
    """Start an emulator on a free loopback port for the duration of a `with` block."""
    emu = Emulator(api_key, port=port, state_file=state_file, **settings).start()
    try:
        yield emu
    finally:
        emu.stop()
