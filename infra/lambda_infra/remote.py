"""Remote steps on the GPU instance, as `pulumi_command` resources running the scripts in infra/scripts.

Each step is a shell script kept as a file (readable, testable over SSH on its own). The program
copies infra/scripts/ to the instance, then runs `cd <home> && env K=V ... bash scripts/<step>.sh`.
Variables go on the command line, not in the SSH environment, because sshd drops unknown variables
unless `AcceptEnv` allows them. The API key for the deadline goes through stdin, never argv.

`step_command` is the single place that builds those command lines: the program and the SSH tests
both use it, so the tests run exactly what `pulumi up` runs.
"""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Mapping
from pathlib import Path

SCRIPTS_DIR = Path(__file__).resolve().parent.parent / "scripts"
REPO_ROOT = SCRIPTS_DIR.parent.parent
CONTAINER_NAME = "sae-pii-train"
STOP_TIMEOUT_SECONDS = 600  # docker stop grace period: SIGTERM, then the trainer checkpoints

# In order; each depends on the one before.
SETUP_STEPS = ("01_wait_cloud_init", "02_prepare_gpu", "03_build_image")


def remote_home(user: str) -> str:
    """Where the project lives on the instance (scripts, build context, state)."""
    base = "/root" if user == "root" else f"/home/{user}"
    return f"{base}/sae-pii"


def run_dir_for(stack: str, user: str, filesystem: str | None) -> str:
    """The run directory: on the persistent filesystem when there is one, so it outlives the instance."""
    if filesystem:
        return f"/lambda/nfs/{filesystem}/sae-pii-runs/{stack}"
    return f"{remote_home(user)}/runs/{stack}"


def step_command(step: str, env: Mapping[str, str], home: str) -> str:
    """`cd HOME && env K=V ... bash scripts/STEP.sh`, every value shell-quoted."""
    script = step if step.endswith(".sh") else f"{step}.sh"
    if not (SCRIPTS_DIR / script).is_file():
        raise ValueError(f"no remote script {script} in {SCRIPTS_DIR}")
    assignments = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in sorted(env.items()))
    return f"cd {shlex.quote(home)} && env {assignments} bash scripts/{script}"


def scripts_digest() -> str:
    """Changes whenever a script changes, so the steps re-run (they are idempotent)."""
    h = hashlib.sha256()
    for path in sorted(SCRIPTS_DIR.glob("*.sh")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def tree_digest(*roots: Path) -> str:
    """Digest of the build context (docker/ + trainer/ sources), to rebuild when it changes."""
    h = hashlib.sha256()
    for root in roots:
        for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
            if any(part in ("__pycache__", ".pytest_cache") or part.endswith(".egg-info") for part in path.parts):
                continue
            h.update(str(path.relative_to(root.parent)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def ssh_command(user: str, ip: str, port: int, key_file: str) -> str:
    port_flag = f" -p {port}" if port != 22 else ""
    return f"ssh -i {key_file}{port_flag} {user}@{ip}"
