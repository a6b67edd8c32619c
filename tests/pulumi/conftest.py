"""Shared fixtures for the Pulumi area: a real sshd, stub GPU/Docker tools, the Lambda emulator."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ -> `fixtures` package

from fixtures.sshd import SshServer

# Stand-ins for the tools a Lambda instance has. Each records its argv (one line per call) in
# $STUB_LOG and behaves according to flag files in $STUB_STATE, so a test can break one thing.
STUBS = {
    "docker": r"""
        echo "docker $*" >> "$STUB_LOG"
        [ -f "$STUB_STATE/docker_down" ] && { echo "Cannot connect to the Docker daemon" >&2; exit 1; }
        case "$1" in
          info)
            if [ "${2:-}" = "--format" ]; then
              if [ -f "$STUB_STATE/nvidia_runtime" ]; then echo '{"nvidia":{},"runc":{}}'; else echo '{"runc":{}}'; fi
            fi ;;
          inspect) [ -f "$STUB_STATE/container" ] && cat "$STUB_STATE/container" || exit 1 ;;
          run)
            if [ "$2" = "--rm" ]; then
              [ -f "$STUB_STATE/no_gpu_in_docker" ] && { echo "Failed to initialize NVML" >&2; exit 1; }
              echo "GPU 0: NVIDIA A100-SXM4-40GB"
            else
              echo "running 0" > "$STUB_STATE/container"; echo "c0ffee"
            fi ;;
          build|pull) [ -f "$STUB_STATE/fail_$1" ] && { echo "$1 failed" >&2; exit 1; }; true ;;
          stop) echo "exited 0" > "$STUB_STATE/container" ;;
          rm) rm -f "$STUB_STATE/container" ;;
          wait) cut -d' ' -f2 "$STUB_STATE/container" ;;
          logs) echo "step 100 loss 0.5" ;;
        esac
    """,
    "nvidia-smi": r"""
        echo "nvidia-smi $*" >> "$STUB_LOG"
        [ -f "$STUB_STATE/no_gpu" ] && { echo "NVIDIA-SMI has failed" >&2; exit 9; }
        echo "0, NVIDIA A100-SXM4-40GB, 550.54.15, 40960 MiB"
    """,
    "nvidia-ctk": r"""
        echo "nvidia-ctk $*" >> "$STUB_LOG"
        touch "$STUB_STATE/nvidia_runtime"
    """,
    "systemctl": r"""
        echo "systemctl $*" >> "$STUB_LOG"
    """,
    "cloud-init": r"""
        echo "cloud-init $*" >> "$STUB_LOG"
        exit "$(cat "$STUB_STATE/cloud_init_rc" 2>/dev/null || echo 0)"
    """,
    "usermod": r"""
        echo "usermod $*" >> "$STUB_LOG"
    """,
}


class Stubs:
    def __init__(self, root: Path) -> None:
        self.bin = root / "bin"
        self.state = root / "state"
        self.log = root / "calls.log"
        self.bin.mkdir(parents=True)
        self.state.mkdir()
        self.log.write_text("")
        for name, body in STUBS.items():
            path = self.bin / name
            path.write_text("#!/usr/bin/env bash\n" + textwrap.dedent(body))
            path.chmod(0o755)

    def env(self) -> dict[str, str]:
        return {"PATH": f"{self.bin}:{os.environ['PATH']}", "STUB_LOG": str(self.log),
                "STUB_STATE": str(self.state)}

    def calls(self) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if line]

    def flag(self, name: str, content: str = "") -> None:
        (self.state / name).write_text(content)

    def clear(self) -> None:
        self.log.write_text("")


@pytest.fixture(scope="session")
def sshd(tmp_path_factory):
    with SshServer(tmp_path_factory.mktemp("sshd")) as server:
        yield server


@pytest.fixture
def stubs(tmp_path) -> Stubs:
    return Stubs(tmp_path / "stubs")
