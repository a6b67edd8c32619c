"""`sae-pii`: one command line for training, probes, evaluation, detection and the container.

Each group of commands lives beside the code it drives and registers itself here; heavy
imports (torch, transformers) happen inside the commands so `--help` stays instant.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="sae-pii",
    help="Train sparse autoencoders on LM activations and detect PII with their features.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    from sae_pii import train_cli

    train_cli.register(app)
    try:
        from sae_pii.pii import cli as pii_cli
    except ImportError:  # pragma: no cover - during bootstrap only
        pii_cli = None
    if pii_cli is not None:
        pii_cli.register(app)
    try:
        from sae_pii import container_cli
    except ImportError:  # pragma: no cover - during bootstrap only
        container_cli = None
    if container_cli is not None:
        container_cli.register(app)


_register_all()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
