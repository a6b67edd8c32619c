"""Instance names and who claims them, so forgotten (orphaned) paid instances can be found.

Every instance this project launches is named `sae-pii-<purpose>-<8 hex>`. The unique suffix makes
a lost launch findable by name (client.launch reconciles on it). An instance *claims* record says
which Pulumi stack or launcher run owns it:

- at launch the instance gets the tag `sae-pii-owner=<owner>` (visible in Lambda's console), and
- once the launch is confirmed the owner writes a claim to the local claims file
  (`$SAE_PII_CLAIMS_FILE`, default `~/.config/sae-pii/claims.json`): {name: {owner, instance_id,
  claimed_at}}. Pulumi's provider claims on create and releases on delete; the launcher claims on
  `launch` and releases on `terminate`.

An *orphan* is a live instance whose name has the project prefix and that no claim in the file
names. That covers a crash or Ctrl-C between an accepted launch and recording it, a stack whose
state was lost, and claims released while the instance stayed up. Instances without the prefix
are never touched. The claims file is per machine: run `--orphans` from the machine that launched.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from .models import Instance

PREFIX = "sae-pii"
OWNER_TAG = "sae-pii-owner"
MAX_NAME_LEN = 64  # Lambda's limit for instance names


def unique_instance_name(purpose: str = "train") -> str:
    """`sae-pii-<purpose>-<8 hex>`; purpose is lower-cased, non [a-z0-9-] become '-', cut to fit 64 chars."""
    slug = re.sub(r"[^a-z0-9-]+", "-", purpose.lower()).strip("-") or "run"
    room = MAX_NAME_LEN - len(PREFIX) - 2 - 8 - 1
    return f"{PREFIX}-{slug[:room].rstrip('-')}-{secrets.token_hex(4)}"


def is_project_name(name: str | None) -> bool:
    return bool(name) and name.startswith(PREFIX + "-")


def default_claims_path() -> Path:
    env = os.environ.get("SAE_PII_CLAIMS_FILE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sae-pii" / "claims.json"


class ClaimStore:
    """The local claims file (JSON, written atomically). Holds names and ids, never secrets."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_claims_path()

    def load(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise ValueError(f"claims file {self.path} is unreadable ({exc}); fix or delete it") from None
        return dict(data.get("claims", {}))

    def _save(self, claims: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".claims-", suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump({"version": 1, "claims": claims}, f, indent=2, sort_keys=True)
        os.replace(tmp, self.path)

    def claim(self, name: str, owner: str, instance_id: str | None = None) -> None:
        claims = self.load()
        claims[name] = {"owner": owner, "instance_id": instance_id, "claimed_at": time.time()}
        self._save(claims)

    def release(self, name_or_id: str) -> bool:
        claims = self.load()
        keys = [k for k, v in claims.items() if k == name_or_id or v.get("instance_id") == name_or_id]
        for k in keys:
            del claims[k]
        if keys:
            self._save(claims)
        return bool(keys)

    def owner_of(self, inst: Instance) -> str | None:
        claims = self.load()
        c = claims.get(inst.name or "")
        if c and c.get("instance_id") in (None, inst.id):
            return c["owner"]
        for c in claims.values():
            if c.get("instance_id") == inst.id:
                return c["owner"]
        return None


def find_orphans(instances: list[Instance], claims: ClaimStore) -> list[Instance]:
    """Live, project-prefixed instances that no claim names (see module docstring)."""
    return [i for i in instances if is_project_name(i.name) and not i.is_gone and claims.owner_of(i) is None]
