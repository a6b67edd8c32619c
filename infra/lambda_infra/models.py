"""Typed results of the Lambda Cloud API. Each keeps the JSON it came from in `raw`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Statuses after which an instance no longer runs (nor, once `terminated`, bills).
GONE_STATUSES = frozenset({"terminating", "terminated", "preempted"})
ALL_STATUSES = ("booting", "active", "unhealthy", "terminating", "terminated", "preempted")


@dataclass
class InstanceType:
    name: str
    description: str
    gpu_description: str
    price_cents_per_hour: int
    vcpus: int
    memory_gib: int
    storage_gib: int
    gpus: int
    regions_with_capacity: list[str] = field(default_factory=list)
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def price_usd_per_hour(self) -> float:
        return self.price_cents_per_hour / 100

    @classmethod
    def from_api(cls, name: str, entry: dict) -> InstanceType:
        it = entry.get("instance_type", entry)
        specs = it.get("specs") or {}
        return cls(
            name=it.get("name", name),
            description=it.get("description", ""),
            gpu_description=it.get("gpu_description", ""),
            price_cents_per_hour=int(it.get("price_cents_per_hour", 0)),
            vcpus=int(specs.get("vcpus", 0)),
            memory_gib=int(specs.get("memory_gib", 0)),
            storage_gib=int(specs.get("storage_gib", 0)),
            gpus=int(specs.get("gpus", 0)),
            regions_with_capacity=[r["name"] for r in entry.get("regions_with_capacity_available", [])],
            raw=entry,
        )

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("raw")
        d["price_usd_per_hour"] = self.price_usd_per_hour
        return d


@dataclass
class Instance:
    id: str
    name: str | None
    status: str
    ip: str | None
    region: str
    instance_type: str
    ssh_key_names: list[str] = field(default_factory=list)
    file_system_names: list[str] = field(default_factory=list)
    hostname: str | None = None
    price_cents_per_hour: int | None = None
    private_ip: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    # Not part of Lambda's API (always 22 there): the local emulator can point `ip` at a local sshd
    # on another port, and says so in an extra `ssh_port` field.
    ssh_port: int = 22
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_gone(self) -> bool:
        return self.status in GONE_STATUSES

    @classmethod
    def from_api(cls, d: dict) -> Instance:
        itype = d.get("instance_type") or {}
        region = d.get("region") or {}
        tags = {t.get("key", ""): t.get("value", "") for t in d.get("tags") or [] if isinstance(t, dict)}
        return cls(
            id=d["id"],
            name=d.get("name"),
            status=d.get("status", "unknown"),
            ip=d.get("ip"),
            region=region.get("name", "") if isinstance(region, dict) else str(region),
            instance_type=itype.get("name", "") if isinstance(itype, dict) else str(itype),
            ssh_key_names=list(d.get("ssh_key_names") or []),
            file_system_names=list(d.get("file_system_names") or []),
            hostname=d.get("hostname"),
            price_cents_per_hour=itype.get("price_cents_per_hour") if isinstance(itype, dict) else None,
            private_ip=d.get("private_ip"),
            tags=tags,
            ssh_port=int(d.get("ssh_port") or 22),
            raw=d,
        )

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("raw")
        return d


@dataclass
class SshKey:
    id: str
    name: str
    public_key: str
    # Only on creation without a public key: Lambda generates the pair and never stores this.
    private_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_api(cls, d: dict) -> SshKey:
        return cls(id=d["id"], name=d["name"], public_key=d.get("public_key", ""), private_key=d.get("private_key"))

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "public_key": self.public_key}


@dataclass
class Filesystem:
    id: str
    name: str
    region: str
    mount_point: str
    is_in_use: bool = False
    bytes_used: int | None = None
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict) -> Filesystem:
        region = d.get("region") or {}
        return cls(id=d["id"], name=d["name"],
                   region=region.get("name", "") if isinstance(region, dict) else str(region),
                   mount_point=d.get("mount_point", f"/lambda/nfs/{d['name']}"),
                   is_in_use=bool(d.get("is_in_use", False)), bytes_used=d.get("bytes_used"), raw=d)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("raw")
        return d


@dataclass
class Image:
    id: str
    name: str
    family: str
    version: str
    architecture: str
    region: str
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict) -> Image:
        region = d.get("region") or {}
        return cls(id=d["id"], name=d.get("name", ""), family=d.get("family", ""), version=d.get("version", ""),
                   architecture=d.get("architecture", ""),
                   region=region.get("name", "") if isinstance(region, dict) else str(region), raw=d)


@dataclass
class FirewallRule:
    protocol: str  # tcp | udp | icmp | all
    port_range: tuple[int, int] | None
    source_network: str
    description: str = ""

    @classmethod
    def from_api(cls, d: dict) -> FirewallRule:
        pr = d.get("port_range")
        return cls(protocol=d["protocol"], port_range=(int(pr[0]), int(pr[1])) if pr else None,
                   source_network=d.get("source_network", "0.0.0.0/0"), description=d.get("description", ""))

    def to_api(self) -> dict[str, Any]:
        d: dict[str, Any] = {"protocol": self.protocol, "source_network": self.source_network,
                             "description": self.description}
        if self.port_range is not None:
            d["port_range"] = list(self.port_range)
        return d
