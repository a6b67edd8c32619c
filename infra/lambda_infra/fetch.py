"""`make fetch`: download a stack's run directory over SSH, verify it, and mark it fetched.

    python -m lambda_infra.fetch --stack dev [--dest models/sae-trained] [--key-only]

1. Reads the stack outputs (`pulumi stack output --json --show-secrets`, or `--outputs FILE`).
2. Writes the stack's private key to ~/.ssh/sae-pii-<stack> (0600), the key the ssh/logs/status
   command outputs use.
3. Downloads every file listed in the run dir's SHA256SUMS (written on the instance when training
   exits) into a temporary folder next to --dest, checking each digest while it streams.
4. Only when every file matches does the folder replace --dest (an existing --dest is kept as
   <dest>.old-<time>); then it writes `.fetched` into the remote run dir, which lets
   `pulumi destroy` go ahead (stop_training.sh refuses to drop unfetched results).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import posixpath
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import paramiko

CHUNK = 1 << 20


class FetchError(RuntimeError):
    """Something the user has to act on; the message says what."""


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    user: str
    private_key: str
    run_dir: str

    @classmethod
    def from_outputs(cls, outputs: dict) -> Target:
        missing = [k for k in ("instanceIp", "privateKey", "runDir") if not outputs.get(k)]
        if missing:
            raise FetchError(f"stack outputs lack {', '.join(missing)}: has `pulumi up` finished?")
        return cls(host=outputs["instanceIp"], port=int(outputs.get("sshPort") or 22),
                   user=outputs.get("sshUser") or "ubuntu", private_key=outputs["privateKey"],
                   run_dir=outputs["runDir"])


@dataclass(frozen=True)
class FetchResult:
    dest: Path
    files: int
    bytes: int
    previous: Path | None


def stack_outputs(stack: str) -> dict:
    try:
        out = subprocess.run(["pulumi", "stack", "output", "--json", "--show-secrets", "--stack", stack],
                             check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise FetchError("the pulumi CLI is not on PATH (see docs/pulumi.md), or pass --outputs FILE") from None
    except subprocess.CalledProcessError as exc:
        raise FetchError(f"`pulumi stack output --stack {stack}` failed: {exc.stderr.strip()}") from None
    return json.loads(out.stdout)


def write_private_key(private_key: str, path: Path) -> Path:
    """Atomically write the key with mode 0600 (ssh refuses keys others can read)."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    with os.fdopen(fd, "w") as f:
        f.write(private_key if private_key.endswith("\n") else private_key + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def connect(target: Target, timeout: float = 15) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    # A fresh instance's host key is unknown by definition; trust on first use for this session.
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    key = paramiko.Ed25519Key.from_private_key(io.StringIO(target.private_key))
    client.connect(target.host, port=target.port, username=target.user, pkey=key, timeout=timeout,
                   look_for_keys=False, allow_agent=False)
    return client


def parse_sums(text: str) -> dict[str, str]:
    """`<sha256>  ./relative/path` lines -> {relative path: digest}; refuses paths leaving the dir."""
    sums: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        rel = posixpath.normpath(name.strip().removeprefix("./"))
        if len(digest) != 64 or rel.startswith(("..", "/")) or not rel or rel == ".":
            raise FetchError(f"malformed SHA256SUMS line: {line!r}")
        sums[rel] = digest
    return sums


def fetch_run(target: Target, dest: Path) -> FetchResult:
    dest = Path(dest)
    client = connect(target)
    try:
        sftp = client.open_sftp()
        sums_path = posixpath.join(target.run_dir, "SHA256SUMS")
        try:
            with sftp.open(sums_path) as f:
                sums = parse_sums(f.read().decode())
        except FileNotFoundError:
            raise FetchError(
                f"{sums_path} does not exist yet: training is still running or never started. Check the "
                "statusCommand output; checksums are written when the container exits "
                "(stop it early with `docker stop -t 600 sae-pii-train` on the instance)") from None
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.partial-"))
        total = 0
        try:
            for rel, digest in sorted(sums.items()):
                local = staging / rel
                local.parent.mkdir(parents=True, exist_ok=True)
                h = hashlib.sha256()
                with sftp.open(posixpath.join(target.run_dir, rel), "rb") as remote, open(local, "wb") as out:
                    remote.prefetch()
                    while chunk := remote.read(CHUNK):
                        h.update(chunk)
                        out.write(chunk)
                        total += len(chunk)
                if h.hexdigest() != digest:
                    raise FetchError(f"checksum mismatch for {rel}: expected {digest}, got {h.hexdigest()}; "
                                     "nothing was written to the destination, run `make fetch` again")
            (staging / "SHA256SUMS").write_text("".join(f"{d}  ./{r}\n" for r, d in sorted(sums.items())))
            previous = None
            if dest.exists():
                previous = dest.with_name(f"{dest.name}.old-{time.strftime('%Y%m%d-%H%M%S')}")
                os.replace(dest, previous)
            os.replace(staging, dest)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        with sftp.open(posixpath.join(target.run_dir, ".fetched"), "w") as f:
            f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} by {socket.gethostname()}\n")
        return FetchResult(dest=dest, files=len(sums), bytes=total, previous=previous)
    finally:
        client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lambda_infra.fetch", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="dev", help="Pulumi stack name (default: dev)")
    parser.add_argument("--dest", default="models/sae-trained", help="local run directory to (re)place")
    parser.add_argument("--outputs", help="stack outputs as JSON (default: ask the pulumi CLI)")
    parser.add_argument("--key-only", action="store_true", help="only write ~/.ssh/sae-pii-<stack>")
    args = parser.parse_args(argv)
    try:
        outputs = json.loads(Path(args.outputs).read_text()) if args.outputs else stack_outputs(args.stack)
        target = Target.from_outputs(outputs)
        key_path = write_private_key(target.private_key, Path(f"~/.ssh/sae-pii-{args.stack}"))
        print(f"ssh key: {key_path}")
        if args.key_only:
            return 0
        result = fetch_run(target, Path(args.dest))
    except (FetchError, OSError, paramiko.SSHException) as exc:
        print(f"fetch failed: {exc}", file=sys.stderr)
        return 1
    print(f"fetched {result.files} files ({result.bytes / 1e6:.1f} MB) into {result.dest}, checksums verified")
    if result.previous:
        print(f"the previous {result.dest} was kept as {result.previous}")
    print("the run is marked fetched on the instance: `pulumi destroy` may now remove it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
