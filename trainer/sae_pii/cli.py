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
    from sae_pii import container_cli, train_cli
    from sae_pii.pii import cli as pii_cli

    for module in (train_cli, pii_cli, container_cli):
        module.register(app)


_register_all()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
