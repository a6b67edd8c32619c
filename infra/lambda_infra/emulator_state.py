"""The emulated Lambda Cloud account: what the API would hold, and each endpoint's rules.

`EmulatorState` is plain Python under one lock (the HTTP layer is `emulator.py`). Statuses move
by timestamps (`advance`), so nothing runs in the background and a state file restores exactly.
Validation follows the API reference: the same error codes and HTTP statuses as Lambda.
"""

from __future__ import annotations

import copy
import ipaddress
import json
import os
import secrets
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from . import catalog
from . import errors as E

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


class RateLimitHit(Exception):
    """Answer 429 (Lambda documents no body for it)."""


def invalid_parameters(message: str, field_name: str | None = None) -> ApiError:
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
                    raise RateLimitHit()
        if cfg.rate_limit_rps:
            now = time.monotonic()
            self._tokens = min(cfg.rate_limit_burst, self._tokens + (now - self._tokens_at) * cfg.rate_limit_rps)
            self._tokens_at = now
            if self._tokens < 1:
                raise RateLimitHit()
            self._tokens -= 1
        if cfg.launch_min_interval_s and method == "POST" and path == "/instance-operations/launch":
            now = time.monotonic()
            if self._last_launch is not None and now - self._last_launch < cfg.launch_min_interval_s:
                raise RateLimitHit()
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
            raise invalid_parameters("region_name is required", "region_name")
        if not isinstance(type_name, str) or not type_name:
            raise invalid_parameters("instance_type_name is required", "instance_type_name")
        if not isinstance(keys, list) or len(keys) != 1 or not all(isinstance(k, str) for k in keys):
            raise invalid_parameters("ssh_key_names must list exactly one SSH key name", "ssh_key_names")
        if body.get("quantity", 1) != 1:
            raise invalid_parameters("quantity must be 1: launch one instance per request", "quantity")
        name = body.get("name")
        if name is not None and (not isinstance(name, str) or len(name) > 64):
            raise invalid_parameters("name must be a string of at most 64 characters", "name")
        user_data = body.get("user_data")
        if user_data is not None and (not isinstance(user_data, str) or len(user_data.encode()) > MAX_USER_DATA):
            raise invalid_parameters("user_data must be a string of at most 1 MB", "user_data")
        tags = body.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, dict) and set(t) == {"key", "value"} for t in tags):
            raise invalid_parameters('tags must be a list of {"key", "value"} objects', "tags")
        if type_name not in catalog.INSTANCE_TYPES:
            raise invalid_parameters(f"Invalid instance type {type_name!r}", "instance_type_name")
        if region not in catalog.REGIONS:
            raise invalid_parameters(f"Invalid region {region!r}", "region_name")
        if not any(k["name"] == keys[0] for k in self.ssh_keys.values()):
            raise ApiError(400, E.OBJECT_DOES_NOT_EXIST, f"SSH key {keys[0]!r} does not exist",
                           "add it with POST /ssh-keys (lambda-launcher ssh-key add) first")
        fs_names = body.get("file_system_names") or []
        if not isinstance(fs_names, list):
            raise invalid_parameters("file_system_names must be a list", "file_system_names")
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
                raise invalid_parameters('image must be {"id": ...} or {"family": ...}', "image")
            if "family" in image and image["family"] not in catalog.IMAGE_FAMILIES:
                raise invalid_parameters(f"Unknown image family {image['family']!r}", "image")
            if "id" in image and not any(i["id"] == image["id"] for i in self.images()):
                raise invalid_parameters(f"Unknown image id {image['id']!r}", "image")
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
            raise invalid_parameters("name must be a string of at most 64 characters", "name")
        inst["name"] = name
        self.save()
        return self.public(inst)

    def _ids(self, body: dict) -> list[str]:
        ids = body.get("instance_ids")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise invalid_parameters("instance_ids must be a non-empty list of instance ids", "instance_ids")
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
                raise invalid_parameters(f"Instance {iid} is {self.instances[iid]['status']}: only active or unhealthy "
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
            raise invalid_parameters("name is required, at most 64 characters", "name")
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
                raise invalid_parameters("public_key is not an OpenSSH public key (ssh-ed25519/ssh-rsa/ecdsa-...)",
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
            raise invalid_parameters("name is required, at most 60 characters", "name")
        if region not in catalog.REGIONS:
            raise invalid_parameters(f"Invalid region {region!r}", "region")
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
            raise invalid_parameters('body must be {"data": [rule, ...]}', "data")
        clean = []
        for r in rules:
            if not isinstance(r, dict) or r.get("protocol") not in ("tcp", "udp", "icmp", "all"):
                raise invalid_parameters("each rule needs protocol tcp, udp, icmp or all", "protocol")
            try:
                ipaddress.ip_network(str(r.get("source_network", "")), strict=False)
            except ValueError:
                raise invalid_parameters(f"source_network {r.get('source_network')!r} is not a CIDR", "source_network") from None
            rule = {"protocol": r["protocol"], "source_network": r["source_network"],
                    "description": str(r.get("description", ""))}
            if r["protocol"] in ("tcp", "udp"):
                pr = r.get("port_range")
                if (not isinstance(pr, list) or len(pr) != 2 or not all(isinstance(p, int) for p in pr)
                        or not 1 <= pr[0] <= pr[1] <= 65535):
                    raise invalid_parameters("port_range must be [low, high] within 1..65535", "port_range")
                rule["port_range"] = pr
            clean.append(rule)
        self.firewall_rules = clean
        self.save()
        return copy.deepcopy(clean)
