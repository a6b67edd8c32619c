"""Every training option as a dataclass; YAML files and `--set a.b=value` overrides fill them.

`load_config("cpu-demo")` reads a shipped config (sae_pii/configs/cpu-demo.yaml); any other
value is a path. Unknown keys and ill-typed values are errors that name the key and what is
allowed, so a typo never silently trains with a default.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sae_pii.data import DataConfig

CONFIG_DIR = Path(__file__).with_name("configs")


class ConfigError(ValueError):
    """A config file or override that cannot be used; the message says what to change."""


@dataclass
class ModelConfig:
    name: str = "all-MiniLM-L6-v2"
    """A local folder, a hub id, or "default" / "all-MiniLM-L6-v2" for the embedded model."""
    layer: int = 3
    """0-based block whose output (the residual stream) the SAE reads."""
    dtype: str | None = None
    """Weights dtype of the LM (e.g. bfloat16 on GPU); None keeps the checkpoint's."""


@dataclass
class SAETrainConfig:
    architecture: str = "topk"
    """topk (default, with AuxK), batchtopk, or relu (ReLU + L1)."""
    d_sae: int | None = None
    """Number of latents; None means expansion_factor * d_model."""
    expansion_factor: int = 8
    k: int = 32
    l1_coefficient: float = 5.0
    auxk_coefficient: float = 1 / 32
    k_aux: int | None = None
    b_dec_init: str = "geometric_median"
    """geometric_median, mean or zeros (computed on held-out activations)."""
    normalize_inputs: bool = True
    """Scale inputs so E||x||^2 = d_in while training; the scale is folded into the saved weights."""
    kernels: str = "auto"
    """topk only: sparse (sae_pii.topk_ops: only the encoder forward is a dense product), dense, or
    auto = sparse on CPU (measured faster), dense on GPU (sparse not yet measured there)."""


@dataclass
class OptimConfig:
    lr: float | None = None
    """None: 2e-4 / sqrt(d_sae / 2^14) (the scaling law used by sparsify / OpenAI)."""
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    warmup_steps: int = 100
    decay_fraction: float = 0.2
    """Linear decay to zero over this last fraction of the steps (Anthropic: 0.2)."""
    grad_clip: float = 1.0
    """Max global gradient norm; 0 disables clipping."""
    batch_size: int = 4096
    """Activations (tokens) per micro-batch per process."""
    grad_accum_steps: int = 1


@dataclass
class EarlyStoppingConfig:
    enabled: bool = True
    patience: int = 5
    """Evaluations without an improvement of at least min_delta before stopping."""
    min_delta: float = 1e-3
    """Absolute decrease of validation FVU that counts as an improvement."""


@dataclass
class TrainConfig:
    model: ModelConfig = field(default_factory=ModelConfig)
    sae: SAETrainConfig = field(default_factory=SAETrainConfig)
    data: DataConfig = field(default_factory=DataConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    early_stopping: EarlyStoppingConfig = field(default_factory=EarlyStoppingConfig)
    total_tokens: int = 2_000_000
    """Planned training budget in activations (tokens), summed over all processes."""
    log_every: int = 20
    eval_every: int = 100
    checkpoint_every: int = 500
    keep_checkpoints: int = 2
    dead_window_tokens: int = 1_000_000
    """A latent that has not fired in this many tokens counts as dead (and gets AuxK's gradient)."""
    mixed_precision: str = "no"
    """no, bf16 or fp16 (passed to accelerate)."""
    device: str = "auto"
    """auto (GPU when there is one), cpu or cuda."""
    trackers: list[str] = field(default_factory=list)
    """accelerate trackers, e.g. [tensorboard] or [wandb] (the package must be installed)."""
    eval_ce: bool = False
    """Causal LMs: at the end, splice the SAE into the full model and report CE loss recovered."""
    eval_ce_documents: int = 64
    """Documents (from the start of the data, where validation comes from) for eval_ce."""
    cost_per_hour_usd: float = 1.29
    """Price of the machine the run uses (Lambda A100 80GB: $1.29/h), for the cost report."""
    seed: int = 0
    progress: bool = True

    def planned_steps(self, world_size: int = 1) -> int:
        per_step = self.optim.batch_size * self.optim.grad_accum_steps * world_size
        return max(1, math.ceil(self.total_tokens / per_step))

    def to_dict(self) -> dict:
        return _to_plain(dataclasses.asdict(self))

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)


def _to_plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _to_plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_to_plain(x) for x in v]
    if isinstance(v, Path):
        return str(v)
    return v


# --------------------------------------------------------------------------- building from dicts
def _coerce(value: Any, tp: Any, key: str) -> Any:
    """Check/convert one value against a dataclass field type, with a message naming the key."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for a in args:
            if a is type(None):
                continue
            try:
                return _coerce(value, a, key)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(errors[0] if errors else f"{key}: invalid value {value!r}")
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{key} must be a mapping of options, got {value!r}")
        return _build(tp, value, key)
    if origin in (list, tuple):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{key} must be a list, got {value!r}")
        if origin is tuple and args and args[-1] is not Ellipsis:
            if len(value) != len(args):
                raise ConfigError(f"{key} must have {len(args)} items, got {value!r}")
            return tuple(_coerce(v, a, f"{key}[{i}]") for i, (v, a) in enumerate(zip(value, args)))
        inner = args[0] if args else Any
        return origin(_coerce(v, inner, f"{key}[{i}]") for i, v in enumerate(value))
    if origin is dict or tp is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key} must be a mapping, got {value!r}")
        return value
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise ConfigError(f"{key} must be true or false, got {value!r}")
    if tp is int:
        if isinstance(value, bool):
            raise ConfigError(f"{key} must be an integer, got {value!r}")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)  # 1e6 in YAML is a float
        if isinstance(value, str):
            try:
                return int(float(value)) if float(value).is_integer() else _fail(key, "an integer", value)
            except ValueError:
                pass
        raise ConfigError(f"{key} must be an integer, got {value!r}")
    if tp is float:
        if isinstance(value, bool):
            raise ConfigError(f"{key} must be a number, got {value!r}")
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise ConfigError(f"{key} must be a number, got {value!r}")
    if tp is str:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        if value is False and key.split(".")[-1] == "mixed_precision":
            return "no"  # YAML reads `mixed_precision: no` (and --set mixed_precision=no) as false
        if isinstance(value, bool):
            raise ConfigError(f"{key} must be a string, got {value!r}: YAML reads yes/no/on/off/true/false as a "
                              f'boolean, so quote it ({key}="{str(value).lower()}")')
        raise ConfigError(f"{key} must be a string, got {value!r}")
    if tp is Path:
        return Path(value)
    return value


def _fail(key: str, what: str, value: Any):
    raise ConfigError(f"{key} must be {what}, got {value!r}")


def _build(cls: type, data: dict, prefix: str = "") -> Any:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if f.init]
    kwargs = {}
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else str(key)
        if key not in names:
            raise ConfigError(f"unknown option {dotted!r}; valid options here: {', '.join(names)}")
        kwargs[key] = _coerce(value, hints[key], dotted)
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{prefix or 'config'}: {exc}") from exc


def parse_overrides(overrides: list[str] | None) -> dict:
    """["sae.k=64", "optim.lr=1e-3"] -> nested dict; values are parsed as YAML scalars/lists."""
    nested: dict = {}
    for item in overrides or []:
        if "=" not in item:
            raise ConfigError(f"override {item!r} must look like section.option=value, e.g. sae.k=64")
        key, raw = item.split("=", 1)
        key = key.strip().removeprefix("--")
        if not key:
            raise ConfigError(f"override {item!r} has no option name")
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        node = nested
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                raise ConfigError(f"override {item!r} conflicts with another override of {p!r}")
        node[parts[-1]] = value
    return nested


def _deep_merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def shipped_configs() -> list[str]:
    return sorted(p.stem for p in CONFIG_DIR.glob("*.yaml"))


def resolve_config_path(name_or_path: str | Path) -> Path:
    """A shipped config name ("cpu-demo") or a path to a YAML file."""
    p = Path(name_or_path)
    if p.is_file():
        return p
    shipped = CONFIG_DIR / f"{name_or_path}.yaml"
    if p.suffix not in (".yaml", ".yml") and shipped.is_file():
        return shipped
    if p.exists():
        raise ConfigError(f"config {str(p)!r} is not a file")
    raise ConfigError(
        f"config {str(name_or_path)!r} not found: give a YAML file path or one of the shipped configs: "
        + ", ".join(shipped_configs())
    )


def read_yaml(path: Path) -> dict:
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"config {path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config {path} must be a mapping of sections (model:, sae:, data:, ...)")
    return data


def config_from_dict(data: dict, overrides: list[str] | None = None) -> TrainConfig:
    cfg = _build(TrainConfig, _deep_merge(data, parse_overrides(overrides)))
    validate(cfg)
    return cfg


def load_config(name_or_path: str | Path | None, overrides: list[str] | None = None) -> TrainConfig:
    data = read_yaml(resolve_config_path(name_or_path)) if name_or_path else {}
    return config_from_dict(data, overrides)


def validate(cfg: TrainConfig) -> None:
    """Range checks that the types alone cannot express."""
    problems = []
    s, o, e = cfg.sae, cfg.optim, cfg.early_stopping
    if s.architecture not in ("topk", "batchtopk", "relu"):
        problems.append(f"sae.architecture must be topk, batchtopk or relu, got {s.architecture!r}")
    if s.d_sae is not None and s.d_sae <= 0:
        problems.append(f"sae.d_sae must be positive, got {s.d_sae}")
    if s.expansion_factor <= 0:
        problems.append(f"sae.expansion_factor must be positive, got {s.expansion_factor}")
    if s.k <= 0:
        problems.append(f"sae.k must be positive, got {s.k}")
    if s.d_sae is not None and s.architecture != "relu" and s.k > s.d_sae:
        problems.append(f"sae.k={s.k} cannot exceed sae.d_sae={s.d_sae}")
    if s.kernels not in ("auto", "sparse", "dense"):
        problems.append(f"sae.kernels must be auto, sparse or dense, got {s.kernels!r}")
    if s.b_dec_init not in ("geometric_median", "mean", "zeros"):
        problems.append(f"sae.b_dec_init must be geometric_median, mean or zeros, got {s.b_dec_init!r}")
    if o.lr is not None and not (o.lr > 0 and math.isfinite(o.lr)):
        problems.append(f"optim.lr must be a positive number, got {o.lr}")
    if o.batch_size <= 0 or o.grad_accum_steps <= 0:
        problems.append("optim.batch_size and optim.grad_accum_steps must be positive")
    if o.warmup_steps < 0 or not 0 <= o.decay_fraction <= 1:
        problems.append("optim.warmup_steps must be >= 0 and optim.decay_fraction in [0, 1]")
    if o.grad_clip < 0:
        problems.append("optim.grad_clip must be >= 0 (0 disables clipping)")
    if e.patience <= 0 or e.min_delta < 0:
        problems.append("early_stopping.patience must be positive and early_stopping.min_delta >= 0")
    if cfg.total_tokens <= 0:
        problems.append(f"total_tokens must be positive, got {cfg.total_tokens}")
    for name in ("log_every", "eval_every", "checkpoint_every", "keep_checkpoints"):
        if getattr(cfg, name) <= 0:
            problems.append(f"{name} must be positive, got {getattr(cfg, name)}")
    if cfg.dead_window_tokens <= 0:
        problems.append("dead_window_tokens must be positive")
    if cfg.mixed_precision not in ("no", "bf16", "fp16"):
        problems.append(f"mixed_precision must be no, bf16 or fp16, got {cfg.mixed_precision!r}")
    if cfg.device not in ("auto", "cpu", "cuda"):
        problems.append(f"device must be auto, cpu or cuda, got {cfg.device!r}")
    for t in cfg.trackers:
        if t not in ("tensorboard", "wandb", "mlflow", "comet_ml", "aim", "clearml", "dvclive"):
            problems.append(f"trackers: unknown tracker {t!r} (tensorboard, wandb, mlflow, ...)")
    if cfg.model.layer < 0:
        problems.append(f"model.layer must be >= 0, got {cfg.model.layer}")
    if problems:
        raise ConfigError("invalid config:\n  - " + "\n  - ".join(problems))


# Options that may change between a run and its --resume without breaking exactness.
RESUME_MUTABLE = {"progress", "trackers", "checkpoint_every", "keep_checkpoints", "total_tokens",
                  "early_stopping", "cost_per_hour_usd", "eval_ce", "eval_ce_documents"}


def resume_differences(saved: dict, new: dict) -> list[str]:
    diffs = []
    for key in sorted(set(saved) | set(new)):
        if key in RESUME_MUTABLE:
            continue
        a, b = saved.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            diffs += [f"{key}.{d}" for d in resume_differences(a, b)]
        elif a != b:
            diffs.append(f"{key}: {a!r} -> {b!r}")
    return diffs
