"""Lambda Cloud for SAE training: API client, cost estimate, naming, local API emulator, launcher CLI.

Three thin layers (as in SkyPilot's cloud code): `client` only speaks the HTTP API, `ops` are
provisioning steps as plain functions over the client, `launcher` is the CLI on top. `emulator`
is a faithful local stand-in for the API so all of it runs without an account. Nothing here
imports torch: a DevOps laptop needs only requests, typer, rich and cryptography.
"""

__version__ = "0.1.0"
