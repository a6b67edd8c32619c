"""Stack configuration for the Pulumi program: read, validate, and explain what is wrong.

Every key is read in one place so `Pulumi.dev.yaml`, the docs and the error messages agree.
Validation runs before any resource is declared: a bad key fails the preview with a message that
names the key, the value and what is allowed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Regions from the API reference (late 2025). The live catalogue decides capacity; this list only
# catches typos early, at preview time.
KNOWN_REGIONS = (
    "us-west-1", "us-west-2", "us-west-3", "us-east-1", "us-east-2", "us-east-3",
    "us-midwest-1", "us-midwest-2", "us-south-1", "us-south-2", "us-south-3",
    "europe-central-1", "asia-south-1", "asia-northeast-1", "asia-northeast-2",
    "australia-east-1", "me-west-1",
)
INSTANCE_TYPE_PATTERN = re.compile(r"^(gpu|cpu)_[a-z0-9_]+$")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
FILESYSTEM_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$")
AUTO_TERMINATE_MODES = ("instance", "off")
DEFAULT_INSTANCE_TYPE = "gpu_1x_a100_sxm4"


class ConfigError(ValueError):
    """A stack config value is missing or invalid; the message says which key and what to set."""


@dataclass(frozen=True)
class StackSettings:
    """Everything the program needs from `pulumi config`, validated."""

    instance_type: str = DEFAULT_INSTANCE_TYPE
    regions: list[str] | str = "auto"           # preference list, or "auto" = any region with capacity
    max_hours: float = 12.0                      # deadline: the instance terminates itself after this
    budget_usd: float = 25.0                     # the policy pack fails the preview above this
    trainer_config: str = "llama-3.1-8b-a100"    # `sae-pii train --config NAME` (the image's default)
    trainer_image: str | None = None             # pull this image instead of building on the instance
    filesystem: str | None = None                # persistent filesystem for checkpoints/results
    create_filesystem: bool = False              # create the filesystem (else it must exist)
    deploy_trainer: bool = True                  # False: instance + key only (the `local` stack)
    auto_terminate: str = "instance"             # "instance": on-instance timer calls terminate; "off"
    instance_name: str | None = None             # rename in place; default: sae-pii-<purpose>-<hex>
    ssh_user: str = "ubuntu"
    ssh_port: int = 22
    guard_unfetched: bool = True                 # refuse to delete the run before `make fetch`


def _as_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ConfigError(f"config key '{key}' must be true or false, got {value!r}")


def _as_float(key: str, value: Any, *, minimum: float, maximum: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"config key '{key}' must be a number, got {value!r}") from None
    if not (minimum <= number <= maximum):
        raise ConfigError(f"config key '{key}' must be between {minimum:g} and {maximum:g}, got {number:g}")
    return number


def parse_regions(value: Any) -> list[str] | str:
    """`auto`, a list, or a comma-separated string of regions, in order of preference."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "auto")):
        return "auto"
    if isinstance(value, str) and value.strip().startswith("["):
        # A YAML list in the stack file reaches the program as JSON text.
        try:
            value = json.loads(value)
        except ValueError:
            raise ConfigError(f"config key 'regions' is not a valid list: {value!r}") from None
    items = value if isinstance(value, list) else str(value).split(",")
    regions = [str(item).strip() for item in items if str(item).strip()]
    unknown = [r for r in regions if r not in KNOWN_REGIONS]
    if unknown:
        raise ConfigError(
            f"config key 'regions' has unknown region(s) {', '.join(unknown)}: use 'auto' or a list of "
            f"{', '.join(KNOWN_REGIONS)}"
        )
    if not regions:
        raise ConfigError("config key 'regions' is empty: use 'auto' or a list of region names")
    return regions


def load_settings(get: Callable[[str], Any]) -> StackSettings:
    """Build StackSettings from a config getter (`pulumi.Config().get`, or `dict.get` in tests).

    Values arrive as strings; a YAML list (regions) arrives as JSON text.
    """
    defaults = StackSettings()

    instance_type = get("instanceType") or defaults.instance_type
    if not INSTANCE_TYPE_PATTERN.match(instance_type):
        raise ConfigError(
            f"config key 'instanceType' is {instance_type!r}: use a Lambda type name such as "
            f"{DEFAULT_INSTANCE_TYPE} (see `lambda-launcher types`)"
        )

    max_hours = _as_float("maxHours", get("maxHours") or defaults.max_hours, minimum=0.1, maximum=168)
    budget = _as_float("budgetUsd", get("budgetUsd") or defaults.budget_usd, minimum=0.01, maximum=100_000)

    trainer_config = get("trainerConfig") or defaults.trainer_config
    if not NAME_PATTERN.match(trainer_config):
        raise ConfigError(
            f"config key 'trainerConfig' is {trainer_config!r}: use a config name (letters, digits, . _ -)"
        )

    filesystem = get("filesystem") or None
    if filesystem is not None and not FILESYSTEM_NAME_PATTERN.match(filesystem):
        raise ConfigError(
            f"config key 'filesystem' is {filesystem!r}: use 1-60 letters, digits, '-' or '_', "
            "or leave it unset for no persistent filesystem"
        )
    create_fs = _as_bool("createFilesystem", get("createFilesystem") or False)
    if create_fs and filesystem is None:
        raise ConfigError("config key 'createFilesystem' is true but 'filesystem' is not set: name the filesystem")

    auto_terminate = (get("autoTerminate") or defaults.auto_terminate).strip().lower()
    if auto_terminate not in AUTO_TERMINATE_MODES:
        raise ConfigError(
            f"config key 'autoTerminate' is {auto_terminate!r}: allowed values are "
            f"{', '.join(AUTO_TERMINATE_MODES)}"
        )

    instance_name = get("instanceName") or None
    if instance_name is not None and (len(instance_name) > 64 or not NAME_PATTERN.match(instance_name)):
        raise ConfigError(
            f"config key 'instanceName' is {instance_name!r}: use at most 64 letters, digits, '.', '_' or '-'"
        )

    ssh_port = get("sshPort") or defaults.ssh_port
    try:
        ssh_port = int(ssh_port)
    except (TypeError, ValueError):
        raise ConfigError(f"config key 'sshPort' must be a port number, got {ssh_port!r}") from None
    if not 0 < ssh_port < 65536:
        raise ConfigError(f"config key 'sshPort' must be between 1 and 65535, got {ssh_port}")

    return StackSettings(
        instance_type=instance_type,
        regions=parse_regions(get("regions")),
        max_hours=max_hours,
        budget_usd=budget,
        trainer_config=trainer_config,
        trainer_image=get("trainerImage") or None,
        filesystem=filesystem,
        create_filesystem=create_fs,
        deploy_trainer=_as_bool("deployTrainer", get("deployTrainer") if get("deployTrainer") is not None
                                else True),
        auto_terminate=auto_terminate,
        instance_name=instance_name,
        ssh_user=get("sshUser") or defaults.ssh_user,
        ssh_port=ssh_port,
        guard_unfetched=_as_bool("guardUnfetched", get("guardUnfetched") if get("guardUnfetched") is not None
                                 else True),
    )


def boot_timeout_seconds(gpus: int) -> int:
    """How long to wait for `active`: 1-GPU types boot in 3-5 min, 8-GPU types in 15-25 min."""
    if gpus >= 8:
        return 30 * 60
    if gpus >= 2:
        return 20 * 60
    return 10 * 60
