"""`sae-pii container run|build`: the trainer image on this machine (see docs/container.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

container_app = typer.Typer(
    help="Build and run the trainer Docker image on this machine's GPUs (the image the Lambda run uses).",
    no_args_is_help=True,
)

DEFAULT_HF_CACHE = str(Path("~/.cache/huggingface"))


@container_app.command("run")
def run_command(
    config: Annotated[
        str,
        typer.Option(
            "--config",
            "-c",
            help="Shipped config name (cpu-demo, llama-3.1-8b-a100)"
            " or a YAML file on this machine (mounted read-only at /config).",
        ),
    ],
    image: Annotated[
        str, typer.Option(help="Image tag; build it with `make image`.")
    ] = "sae-pii-trainer:latest",
    gpus: Annotated[
        str, typer.Option(help="'all', 'none' (CPU run), a count like 2, or ids like 0,1.")
    ] = "all",
    data: Annotated[str, typer.Option(help="Host folder mounted at /data (datasets).")] = "data",
    models: Annotated[str, typer.Option(help="Host folder mounted at /models (run directories).")] = "models",
    hf_cache: Annotated[
        str,
        typer.Option(
            help="Host Hugging Face cache, mounted at /cache/huggingface (HF_HOME) so weights download once."
        ),
    ] = DEFAULT_HF_CACHE,
    checkpoints: Annotated[
        str | None, typer.Option(help="Optional host folder mounted at /checkpoints.")
    ] = None,
    out_dir: Annotated[str, typer.Option(help="Run directory inside the container.")] = "/models/sae-trained",
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue from the last checkpoint in --out-dir.")
    ] = False,
    env: Annotated[
        list[str] | None,
        typer.Option(
            "--env",
            "-e",
            help="Pass a variable: NAME (value from this shell) or NAME=VALUE. HF_TOKEN is passed "
            "automatically when set. Values are never printed.",
        ),
    ] = None,
    name: Annotated[str | None, typer.Option(help="Container name.")] = None,
    stop_timeout: Annotated[
        int, typer.Option(help="Seconds the trainer gets to checkpoint after Ctrl-C, then SIGKILL.")
    ] = 120,
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the stopped container (default: remove it).")
    ] = False,
    train_args: Annotated[
        list[str] | None, typer.Argument(help="Extra `sae-pii train` arguments, after --.")
    ] = None,
) -> None:
    """Train in the container: all GPUs, ./data ./models and the HF cache mounted, logs streamed.

    Ctrl-C stops it gracefully (the trainer writes a checkpoint); the exit code is the trainer's.
    Example: HF_TOKEN=hf_... sae-pii container run --config llama-3.1-8b-a100
    """
    from sae_pii.container import ContainerError, RunSpec, run_container

    spec = RunSpec(
        config=config,
        image=image,
        gpus=gpus,
        data_dir=Path(data),
        models_dir=Path(models),
        hf_cache=Path(hf_cache).expanduser(),
        checkpoints_dir=Path(checkpoints) if checkpoints else None,
        out_dir=out_dir,
        resume=resume,
        env=list(env or []),
        name=name,
        stop_timeout=stop_timeout,
        train_args=list(train_args or []),
        keep=keep,
    )
    try:
        code = run_container(spec)
    except ContainerError as err:
        typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    raise typer.Exit(code)


@container_app.command("build")
def build_command(
    tag: Annotated[str, typer.Option(help="Image tag.")] = "sae-pii-trainer:latest",
) -> None:
    """Build the trainer image from docker/Dockerfile with the repository as context (like `make image`)."""
    from sae_pii.container import ContainerError, build_image

    try:
        image_id = build_image(tag=tag)
    except ContainerError as err:
        typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    typer.echo(f"built {tag} ({image_id})")


def register(app: typer.Typer) -> None:
    app.add_typer(container_app, name="container")
