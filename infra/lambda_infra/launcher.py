"""`lambda-launcher`: launch, inspect, cost and terminate Lambda Cloud GPUs (the seed's launcher CLI).

Reads LAMBDA_API_KEY (never printed) and LAMBDA_API_URL (default https://cloud.lambda.ai/api/v1;
point it at `lambda-launcher emulator` to try everything without an account).

Exit codes: 0 ok; 1 declined at the confirmation prompt (nothing done); 2 usage error (bad option,
unknown alias, missing API key); 3 API error (an error answer, or no answer after retries);
4 timed out waiting (the instance still exists and bills); 5 the instance failed while waiting
(unhealthy, terminated); 130 interrupted.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import ops
from .aliases import ALIASES, alias_for, resolve_instance_type
from .client import LambdaClient
from .cost import DEFAULT_PHASE_MINUTES, estimate_cost
from .errors import InstanceFailed, LambdaAPIError, MissingAPIKey, WaitTimeout
from .models import Instance
from .naming import PREFIX, ClaimStore, is_project_name

EXIT_OK, EXIT_DECLINED, EXIT_USAGE, EXIT_API, EXIT_TIMEOUT, EXIT_INSTANCE_FAILED = 0, 1, 2, 3, 4, 5

APP_HELP = (
    "Launch, inspect, cost and terminate Lambda Cloud GPUs. Reads LAMBDA_API_KEY (never printed) and "
    "LAMBDA_API_URL (point it at `lambda-launcher emulator` to try everything without an account).\n\n"
    "Exit codes: 0 ok, 1 declined at the prompt, 2 usage error, 3 API error, 4 timed out waiting "
    "(the instance still bills), 5 instance failed (unhealthy/terminated), 130 interrupted."
)
app = typer.Typer(help=APP_HELP, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
ssh_key_app = typer.Typer(help="Manage the account's SSH keys (a launch needs one).", no_args_is_help=True)
app.add_typer(ssh_key_app, name="ssh-key")

# Piped output (logs, CI, docs) gets wide tables instead of 80 columns of wrapped cells.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=None if sys.stderr.isatty() else 160)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


class _Settings:
    api_url: str | None = None
    timeout: float = 30.0
    claims_file: Path | None = None


settings = _Settings()


@app.callback()
def _main(
    api_url: Annotated[str | None, typer.Option("--api-url", envvar="LAMBDA_API_URL",
                                                help="API base URL (default https://cloud.lambda.ai/api/v1).")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds before one HTTP call gives up.")] = 30.0,
    claims_file: Annotated[Path | None, typer.Option(envvar="SAE_PII_CLAIMS_FILE",
                                                     help="Claims file (default ~/.config/sae-pii/claims.json).")] = None,
) -> None:
    settings.api_url, settings.timeout, settings.claims_file = api_url, timeout, claims_file


def _client() -> LambdaClient:
    def say_retry(what: str, why: str, delay: float) -> None:
        err.print(f"[yellow]{escape(why)}[/]: retrying {what} in {delay:.1f} s (Ctrl-C to stop)")
    return LambdaClient(base_url=settings.api_url, timeout=settings.timeout, on_retry=say_retry)


def _claims() -> ClaimStore:
    return ClaimStore(settings.claims_file)


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def _fail(code: int, message: str, as_json: bool, detail: dict | None = None) -> typer.Exit:
    if as_json:
        _emit_json({"error": {"message": message, "exit_code": code, **(detail or {})}})
    else:
        err.print(f"[bold red]error:[/] {escape(message)}")  # API text is not rich markup
    return typer.Exit(code)


def _run(as_json: bool, fn: Callable[[], Any]) -> Any:
    """Run a command body, mapping failures to the documented exit codes."""
    try:
        return fn()
    except typer.Exit:
        raise
    except MissingAPIKey as exc:
        raise _fail(EXIT_USAGE, str(exc), as_json) from None
    except WaitTimeout as exc:
        raise _fail(EXIT_TIMEOUT, str(exc), as_json, {"instance_id": exc.instance_id}) from None
    except InstanceFailed as exc:
        raise _fail(EXIT_INSTANCE_FAILED, str(exc), as_json,
                    {"instance_id": exc.instance_id, "status": exc.status}) from None
    except LambdaAPIError as exc:
        raise _fail(EXIT_API, str(exc), as_json, exc.to_dict()) from None
    except ValueError as exc:
        raise _fail(EXIT_USAGE, str(exc), as_json) from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]: anything already launched keeps running (and billing); "
                  "check with `lambda-launcher list`")
        raise typer.Exit(130) from None


def _money(cents_per_hour: int | None) -> str:
    return "-" if cents_per_hour is None else f"${cents_per_hour / 100:.2f}/h"


def _progress(quiet: bool, label: str):
    """Status display for long waits (on stderr): (context manager, on_progress callback)."""
    if quiet:
        return nullcontext(), None
    if not err.is_terminal:  # logs and CI: one line per status change
        last: list[str | None] = [None]

        def plain(inst: Instance, elapsed: float) -> None:
            if inst.status != last[0]:
                err.print(f"{label}: {inst.status} after {elapsed:.0f} s")
            last[0] = inst.status
        return nullcontext(), plain
    status = err.status(f"{label}...")

    def update(inst: Instance, elapsed: float) -> None:
        status.update(f"{label}: [bold]{inst.status}[/] ({elapsed:.0f} s)")
    return status, update


# ---------------------------------------------------------------------------------------- emulator
@app.command()
def emulator(
    api_key: Annotated[str, typer.Option(envvar="LAMBDA_API_KEY", show_default=False,
                                         help="The only key the emulator accepts (any string).")],
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 = any free port).")] = 8787,
    state_file: Annotated[Path | None, typer.Option(help="JSON file that keeps the account across restarts.")] = None,
    ssh_host: Annotated[str | None, typer.Option(help="IP handed out to active instances (e.g. 127.0.0.1).")] = None,
    ssh_port: Annotated[int, typer.Option(help="SSH port reported with that IP (extra `ssh_port` field).")] = 22,
    boot_seconds: Annotated[float, typer.Option(help="booting -> active delay.")] = 3.0,
    terminate_seconds: Annotated[float, typer.Option(help="terminating -> terminated delay.")] = 2.0,
    quota: Annotated[int, typer.Option(help="Live instances allowed.")] = 10,
    rate_limit: Annotated[float | None, typer.Option(help="Requests/s before 429 (Lambda: about 1).")] = None,
    launch_interval: Annotated[float | None, typer.Option(help="Seconds between launches before 429 (Lambda: 12).")] = None,
    no_capacity: Annotated[list[str] | None, typer.Option(help="Region with no capacity (repeatable).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the local Lambda Cloud API emulator (127.0.0.1 only) until Ctrl-C."""
    from .emulator import Emulator

    def body() -> None:
        try:
            emu = Emulator(api_key, port=port, state_file=state_file, ssh_host=ssh_host, ssh_port=ssh_port,
                           boot_seconds=boot_seconds, terminate_seconds=terminate_seconds, quota_instances=quota,
                           rate_limit_rps=rate_limit, launch_min_interval_s=launch_interval,
                           no_capacity_regions=list(no_capacity or []))
        except OSError as exc:
            raise ValueError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror}): is another emulator running? "
                             "choose another --port") from None
        if as_json:
            # one line, so a script can read the URL before the server blocks
            sys.stdout.write(json.dumps({"url": emu.url, "port": emu.port,
                                         "state_file": str(state_file) if state_file else None}) + "\n")
        else:
            out.print(f"Lambda Cloud API emulator listening on {emu.url}")
            out.print(f"  export LAMBDA_API_URL={emu.url}")
            out.print("  export LAMBDA_API_KEY=<the key you passed>   (Ctrl-C stops the emulator)")
        sys.stdout.flush()
        # Stop cleanly on Ctrl-C and on `kill` (SIGTERM); SIGINT is re-armed because shells start
        # background jobs with it ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            emu.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            emu.close()
        if not as_json:
            err.print("emulator stopped" + (f"; state kept in {state_file}" if state_file else ""))

    _run(as_json, body)


# ---------------------------------------------------------------------------------------- types
@app.command()
def types(
    available: Annotated[bool, typer.Option("--available", help="Only types with capacity somewhere.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Instance types: live price, specs and the regions with capacity now."""
    def body() -> None:
        catalogue = sorted(_client().instance_types().values(), key=lambda t: (t.price_cents_per_hour, t.name))
        rows = [t for t in catalogue if t.regions_with_capacity or not available]
        if as_json:
            _emit_json([{**t.to_dict(), "alias": alias_for(t.name)} for t in rows])
            return
        table = Table(title="Lambda Cloud instance types (live prices)")
        for col in ("alias", "type", "GPU", "price", "vCPUs", "RAM GiB", "disk GiB", "regions with capacity"):
            table.add_column(col, justify="right" if col in ("price", "vCPUs", "RAM GiB", "disk GiB") else "left")
        for t in rows:
            table.add_row(alias_for(t.name) or "", t.name, t.description, _money(t.price_cents_per_hour),
                          str(t.vcpus), str(t.memory_gib), str(t.storage_gib),
                          ", ".join(t.regions_with_capacity) or "[red]none[/]")
        out.print(table)
    _run(as_json, body)


# ---------------------------------------------------------------------------------------- launch
def _instance_dict(inst: Instance, claims: ClaimStore | None = None) -> dict:
    d = inst.to_dict()
    d["price_usd_per_hour"] = None if inst.price_cents_per_hour is None else inst.price_cents_per_hour / 100
    if claims is not None:
        d["claimed_by"] = claims.owner_of(inst)
    return d


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def _ssh_hint(inst: Instance) -> str:
    port = f" -p {inst.ssh_port}" if inst.ssh_port != 22 else ""
    return f"ssh -i ~/.ssh/<your key>{port} ubuntu@{inst.ip}"


@app.command()
def launch(
    instance_type: Annotated[str, typer.Option("--instance-type", "-t",
                                               help=f"Alias ({', '.join(ALIASES)}) or type name.")] = "a100",
    region: Annotated[str, typer.Option(help="Region, or 'auto': every region listing capacity, in turn.")] = "auto",
    name: Annotated[str | None, typer.Option(help=f"Instance name (default {PREFIX}-train-<8 hex>).")] = None,
    ssh_key: Annotated[str, typer.Option(envvar="LAMBDA_SSH_KEY_NAME", help="Name of a registered SSH key.")] = "sae-training",
    file_system: Annotated[list[str] | None, typer.Option(help="Filesystem to mount (repeatable).")] = None,
    owner: Annotated[str, typer.Option(help="Who claims the instance (see `list --orphans`).")] = "launcher",
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Wait until active and show the ssh command.")] = False,
    wait_timeout: Annotated[float | None, typer.Option(
        help="Seconds to wait for active (default 900; 1800 for 8-GPU types, which boot in 15-25 min).")] = None,
    poll_interval: Annotated[float, typer.Option(help="Seconds between status checks.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Launch one instance (region fallback across the capacity list); prints its id and price."""
    def body() -> None:
        resolve_instance_type(instance_type)  # usage error (exit 2) before any API call
        client = _client()

        def tried(t: str, r: str) -> None:
            if not as_json:
                err.print(f"trying {t} in {r}...")
        inst = ops.launch(client, instance_type, ssh_key, region=region, name=name, owner=owner, claims=_claims(),
                          on_attempt=tried, file_system_names=list(file_system or []))
        if not as_json:
            out.print(f"launched [bold]{inst.id}[/] ({inst.name}): {inst.instance_type} in {inst.region}, "
                      f"{_money(inst.price_cents_per_hour)}, billed per minute until terminated")
            out.print(f"  stop the bill: lambda-launcher terminate {inst.id}")
        if wait:
            gpus = ((inst.raw.get("instance_type") or {}).get("specs") or {}).get("gpus", 1)
            timeout = wait_timeout if wait_timeout is not None else (1800 if gpus >= 8 else 900)
            ctx, cb = _progress(as_json, f"waiting for {inst.id[:12]} to become active")
            with ctx:
                inst = ops.wait_until_active(client, inst.id, timeout=timeout, poll_interval=poll_interval,
                                             on_progress=cb)
            if not as_json:
                out.print(f"active: ip {inst.ip}\n  {_ssh_hint(inst)}")
        if as_json:
            _emit_json(_instance_dict(inst))
    _run(as_json, body)


# ---------------------------------------------------------------------------------------- list / show
@app.command("list")
def list_cmd(
    orphans: Annotated[bool, typer.Option("--orphans", help=f"Only live {PREFIX}-* instances nothing claims.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Include terminated instances.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Instances with status, ip, price and who claims them."""
    def body() -> None:
        client, claims = _client(), _claims()
        insts = ops.orphans(client, claims) if orphans else client.list_instances()
        if not all_:
            insts = [i for i in insts if i.status != "terminated"]
        if as_json:
            _emit_json([_instance_dict(i, claims) for i in insts])
            return
        if not insts:
            out.print("no orphaned instances" if orphans else "no instances")
            return
        table = Table(title="orphaned instances (terminate with `terminate --orphans`)" if orphans else "instances")
        for col in ("id", "name", "status", "type", "region", "ip", "price", "claimed by"):
            table.add_column(col)
        for i in insts:
            owner = claims.owner_of(i) or ("[red]nobody (orphan)[/]" if is_project_name(i.name) and not i.is_gone else "")
            table.add_row(i.id, i.name or "", i.status, i.instance_type, i.region, i.ip or "-",
                          _money(i.price_cents_per_hour), owner)
        out.print(table)
    _run(as_json, body)


@app.command()
def show(instance: Annotated[str, typer.Argument(help="Instance id or name.")], as_json: JsonOpt = False) -> None:
    """Everything about one instance."""
    def body() -> None:
        claims = _claims()
        inst = ops.resolve_instance(_client(), instance)
        if as_json:
            _emit_json({**_instance_dict(inst, claims), "raw": inst.raw})
            return
        table = Table(show_header=False, title=f"instance {inst.id}")
        for k, v in _instance_dict(inst, claims).items():
            table.add_row(k, _cell(v))
        out.print(table)
        if inst.status == "active" and inst.ip:
            out.print(f"  {_ssh_hint(inst)}")
    _run(as_json, body)


# ---------------------------------------------------------------------------------------- terminate
@app.command()
def terminate(
    instances: Annotated[list[str] | None, typer.Argument(help="Instance ids or names.")] = None,
    orphans: Annotated[bool, typer.Option("--orphans", help="Terminate every orphan (see `list --orphans`).")] = False,
    force: Annotated[bool, typer.Option("--force", "-f", help="Do not ask for confirmation.")] = False,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Wait until terminated.")] = False,
    wait_timeout: Annotated[float, typer.Option(help="Seconds to wait for terminated.")] = 300,
    poll_interval: Annotated[float, typer.Option(help="Seconds between status checks.")] = 2,
    as_json: JsonOpt = False,
) -> None:
    """Terminate instances (asks first unless --force). Already gone is fine."""
    if not instances and not orphans:
        raise _fail(EXIT_USAGE, "give instance ids/names, or --orphans", as_json)

    def body() -> None:
        client, claims = _client(), _claims()
        targets: list[Instance] = []
        missing: list[str] = []
        if orphans:
            targets += ops.orphans(client, claims)
        for ref in instances or []:
            try:
                targets.append(ops.resolve_instance(client, ref))
            except LambdaAPIError as exc:
                if exc.code != "global/object-does-not-exist":
                    raise
                missing.append(ref)
        targets = list({i.id: i for i in targets}.values())
        for ref in missing:
            err.print(f"{ref}: no such instance (already gone: nothing to terminate)")
        if not targets:
            if as_json:
                _emit_json({"terminated": [], "not_found": missing})
            else:
                out.print("nothing to terminate")
            return
        if not force:
            err.print("about to terminate (local disks are wiped):")
            for i in targets:
                err.print(f"  {i.id}  {i.name or ''}  {i.instance_type}  {i.status}  {_money(i.price_cents_per_hour)}")
            if not typer.confirm(f"terminate {len(targets)} instance(s)?", default=False, err=True):
                raise _fail(EXIT_DECLINED, "declined: nothing terminated", as_json)
        ctx, cb = _progress(as_json or not wait, "waiting for termination")
        with ctx:
            done = ops.terminate(client, [i.id for i in targets], claims=claims, wait=wait, timeout=wait_timeout,
                                 poll_interval=poll_interval, on_progress=cb)
        if as_json:
            _emit_json({"terminated": [_instance_dict(i) for i in done], "not_found": missing})
        else:
            for i in done:
                out.print(f"{i.id} ({i.name or ''}): {i.status}")
    _run(as_json, body)


# ---------------------------------------------------------------------------------------- cost
@app.command("cost-estimate")
def cost_estimate(
    hours: Annotated[float, typer.Option(help="Training hours.")],
    instance_type: Annotated[str, typer.Option("--instance-type", "-t", help="Alias or type name.")] = "a100",
    phases: Annotated[bool, typer.Option("--phases", help="Add boot/setup/download/teardown "
                                         f"({', '.join(f'{k} {v:g} min' for k, v in DEFAULT_PHASE_MINUTES.items())}).")] = False,
    phase: Annotated[list[str] | None, typer.Option(help="Extra or overridden phase NAME=MINUTES (repeatable).")] = None,
    price_cents: Annotated[int | None, typer.Option(help="Use this price (cents/h) instead of the live one.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Cost of a run: live price from /instance-types, billed per minute, phase by phase."""
    def body() -> None:
        spans: dict[str, float] = {k: v / 60 for k, v in DEFAULT_PHASE_MINUTES.items()} if phases else {}
        for item in phase or []:
            key, sep, minutes = item.partition("=")
            try:
                spans[key.strip()] = float(minutes) / 60
            except ValueError:
                sep = ""
            if not sep or not key.strip():
                raise ValueError(f"--phase wants NAME=MINUTES (e.g. setup=15), got {item!r}")
        if price_cents is not None:
            type_name, price = (resolve_instance_type(instance_type)[0], price_cents)
            source = "given"
        else:
            resolve_instance_type(instance_type)
            type_name, price = ops.price_cents_per_hour(_client(), instance_type)
            source = "live"
        est = estimate_cost(price, hours, spans)
        if as_json:
            _emit_json({"instance_type": type_name, "price_source": source, **est.to_dict()})
            return
        table = Table(title=f"{type_name} at {_money(price)} ({source} price), billed per minute")
        for col in ("phase", "minutes", "cost"):
            table.add_column(col, justify="left" if col == "phase" else "right")
        for p in est.phases:
            table.add_row(p.name, f"{p.minutes:g}", f"${p.cost_usd:.2f}")
        table.add_row("[bold]total[/]", f"[bold]{est.billed_minutes}[/]", f"[bold]${est.total_usd:.2f}[/]")
        out.print(table)
        out.print("Idle time bills too: terminate as soon as the model is downloaded.")
    _run(as_json, body)


# ---------------------------------------------------------------------------------------- ssh keys
def _write_private_key(path: Path, pem: str) -> None:
    """Atomically, 0600 from the start (never world-readable, not even briefly)."""
    path = path.expanduser()
    if path.exists():
        raise ValueError(f"{path} exists: choose another --private-key-out (it is never overwritten)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    os.fchmod(fd, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w") as f:
        f.write(pem)
    os.replace(tmp, path)


@ssh_key_app.command("add")
def ssh_key_add(
    name: Annotated[str, typer.Argument(help="Key name (<= 64 chars).")],
    public_key_file: Annotated[Path | None, typer.Option(help="Register this public key (e.g. ~/.ssh/id_ed25519.pub).")] = None,
    private_key_out: Annotated[Path | None, typer.Option(help="Without --public-key-file Lambda generates a pair: "
                                                               "save the private key here (0600; shown only once).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Register an SSH key, or have Lambda generate one."""
    def body() -> None:
        if public_key_file is None and private_key_out is None:
            raise ValueError("give --public-key-file, or --private-key-out to save the generated private key "
                             "(Lambda returns it once and never again)")
        public = public_key_file.expanduser().read_text() if public_key_file else None
        if private_key_out is not None and private_key_out.expanduser().exists():
            raise ValueError(f"{private_key_out} exists: choose another --private-key-out")
        key = _client().add_ssh_key(name, public)
        if key.private_key and private_key_out is not None:
            _write_private_key(private_key_out, key.private_key)
        if as_json:
            _emit_json({**key.to_dict(), "private_key_file": str(private_key_out) if key.private_key else None})
        else:
            out.print(f"added SSH key {key.name} ({key.id})")
            if key.private_key:
                out.print(f"  private key saved to {private_key_out} (mode 0600)")
    _run(as_json, body)


@ssh_key_app.command("list")
def ssh_key_list(as_json: JsonOpt = False) -> None:
    """The account's SSH keys."""
    def body() -> None:
        keys = _client().list_ssh_keys()
        if as_json:
            _emit_json([k.to_dict() for k in keys])
            return
        table = Table(title="SSH keys")
        for col in ("id", "name", "public key"):
            table.add_column(col)
        for k in keys:
            table.add_row(k.id, k.name, k.public_key[:40] + "...")
        out.print(table)
    _run(as_json, body)


@ssh_key_app.command("delete")
def ssh_key_delete(key: Annotated[str, typer.Argument(help="Key id or name.")], as_json: JsonOpt = False) -> None:
    """Delete an SSH key (instances already running keep it)."""
    def body() -> None:
        client = _client()
        match = [k for k in client.list_ssh_keys() if key in (k.id, k.name)]
        if not match:
            raise LambdaAPIError("global/object-does-not-exist", f"no SSH key with id or name {key!r}", None, 404)
        client.delete_ssh_key(match[0].id)
        if as_json:
            _emit_json({"deleted": match[0].to_dict()})
        else:
            out.print(f"deleted SSH key {match[0].name} ({match[0].id})")
    _run(as_json, body)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
