"""`sae-pii train`: the CLI front of sae_pii.trainer (heavy imports happen inside the command)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

# One line per paragraph: typer's rich help keeps line breaks as they are.
TRAIN_HELP = """Train a sparse autoencoder on a language model's residual stream.

Examples:

  sae-pii train --config cpu-demo --out-dir models/sae-trained

  sae-pii train --config cpu-demo --set sae.k=64 --set optim.lr=2e-3

  sae-pii train --config llama-3.1-8b-a100 --out-dir runs/llama-l12 --resume

  torchrun --nproc_per_node 4 -m sae_pii train --config FILE --out-dir DIR   (N GPUs, data parallel)

The run directory gets sae_final.pt, sae/ (SAELens format), training_history.json, training_curves.png, config.yaml and checkpoints/step-N/.

SIGTERM or Ctrl-C finishes the current step, writes a checkpoint and exits 0; --resume continues exactly where it stopped. Exit codes: 2 bad config/model/dataset, 3 NaN/inf loss, 4 checkpoint write failed (disk full), 1 other errors.
"""


def register(app: typer.Typer) -> None:
    @app.command("train", help=TRAIN_HELP)
    def train_command(
        config: Annotated[str | None, typer.Option(
            "--config", "-c", help="A shipped config name (cpu-demo, llama-3.1-8b-a100) or a YAML file. "
            "With --resume it defaults to the run's config.yaml.")] = None,
        out_dir: Annotated[Path, typer.Option("--out-dir", "-o", help="Run directory.")] = Path("models/sae-trained"),
        resume: Annotated[bool, typer.Option(
            "--resume", help="Continue from the last checkpoint in --out-dir (starts fresh if there is none).")] = False,
        overrides: Annotated[list[str] | None, typer.Option(
            "--set", "-s", help="Override one option, e.g. --set sae.k=64 --set data.dataset=my.jsonl "
            "(repeatable).")] = None,
        list_configs: Annotated[bool, typer.Option("--list-configs", help="List the shipped configs and exit.")] = False,
    ) -> None:
        from sae_pii.config import ConfigError, load_config, shipped_configs

        if list_configs:
            for name in shipped_configs():
                typer.echo(name)
            return
        if config is None:
            if resume and (out_dir / "config.yaml").is_file():
                config = str(out_dir / "config.yaml")
            else:
                _fail("give --config NAME|FILE (shipped: " + ", ".join(shipped_configs()) + ")", 2)
        try:
            cfg = load_config(config, overrides)
        except ConfigError as exc:
            _fail(str(exc), 2)
        sys.exit(run_training(cfg, out_dir, resume))


def run_training(cfg, out_dir: Path, resume: bool) -> int:
    """Run the trainer; every expected failure becomes one clear line and a non-zero exit code."""
    from sae_pii.checkpoint import CheckpointWriteError
    from sae_pii.config import ConfigError
    from sae_pii.data import DatasetError
    from sae_pii.lm import ModelNotFoundError
    from sae_pii.trainer import NonFiniteLossError, TrainingError, train

    try:
        result = train(cfg, out_dir, resume)
    except ConfigError as exc:
        return _error(str(exc), 2)
    except (ModelNotFoundError, DatasetError) as exc:
        return _error(str(exc), 2)
    except NonFiniteLossError as exc:
        return _error(str(exc), 3)
    except CheckpointWriteError as exc:
        return _error(exc.strerror or str(exc), 4)
    except (TrainingError, ValueError, OSError) as exc:
        return _error(str(exc), 1)
    except KeyboardInterrupt:
        return _error("interrupted twice: stopped without a final checkpoint", 130)
    return 0 if result is not None else 1


def _error(msg: str, code: int) -> int:
    print(f"error: {msg}", file=sys.stderr, flush=True)
    return code


def _fail(msg: str, code: int):
    print(f"error: {msg}", file=sys.stderr, flush=True)
    raise typer.Exit(code)
