"""The image definition: lint clean, multi-stage, non-root, volumes, labels, a context that holds only
what the image needs, and a dependency lock in step with the trainer package and the dev venv."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import tomllib
from docker.utils.build import exclude_paths
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "docker" / "Dockerfile"
LOCK = REPO / "docker" / "requirements.lock"
BIN = Path(sys.executable).parent


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    joined, current = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        current += " " + stripped.rstrip("\\").strip()
        if not stripped.endswith("\\"):
            joined.append(current.strip())
            current = ""
    return [(j.split(None, 1)[0].upper(), j.split(None, 1)[1] if " " in j else "") for j in joined]


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instr, args in _instructions():
        if instr == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instr, args))
    return stages


def _locked() -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", LOCK.read_text(), flags=re.MULTILINE)
    return {canonicalize_name(name): ver for name, ver in pins}


def test_hadolint_passes_clean():
    result = subprocess.run(
        [str(BIN / "hadolint"), str(DOCKERFILE)], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_every_ignored_hadolint_rule_is_explained():
    lines = DOCKERFILE.read_text().splitlines()
    ignores = [i for i, line in enumerate(lines) if "hadolint ignore=" in line]
    assert ignores, "the apt installs carry an explained DL3008 ignore"
    for i in ignores:
        reason = lines[i - 1].strip()
        assert reason.startswith("#") and "hadolint" not in reason and len(reason) > 20, (
            f"line {i + 1}: say why {lines[i].strip()} is needed in a comment right above it"
        )


def test_shell_scripts_pass_shellcheck():
    scripts = [REPO / "docker" / "entrypoint.sh", REPO / "docker" / "lock-requirements.sh"]
    result = subprocess.run(
        [str(BIN / "shellcheck"), *map(str, scripts)], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_multi_stage_non_root_volumes_and_labels():
    builder, runtime = _stages()
    assert builder[0][1].endswith("AS builder") and runtime[0][1].startswith("${CUDA_IMAGE}")
    runtime_text = " ".join(f"{i} {a}" for i, a in runtime)
    # Build tools stay in the builder: the final stage installs python3 only and copies the venv.
    assert "pip install" not in runtime_text and "python3-venv" not in runtime_text
    assert not re.search(r"build-essential|gcc|g\+\+|python3-dev", runtime_text)
    assert ("COPY", "--from=builder /opt/venv /opt/venv") in runtime
    user = [a for i, a in runtime if i == "USER"][-1]
    assert user.split(":")[0].isdigit() and user.split(":")[0] != "0"
    volumes = [a for i, a in runtime if i == "VOLUME"]
    assert volumes == ['["/data", "/models", "/checkpoints", "/cache/huggingface"]']
    assert "HF_HOME=/cache/huggingface" in runtime_text and "SAE_PII_REQUIRE_GPU=1" in runtime_text
    labels = " ".join(a for i, a in runtime if i == "LABEL")
    for key, arg in [("version", "VERSION"), ("revision", "REVISION"), ("source", "SOURCE")]:
        assert f'org.opencontainers.image.{key}="${{{arg}}}"' in labels
        assert ("ARG", arg) in runtime or any(i == "ARG" and a.startswith(f"{arg}=") for i, a in runtime)
    assert ("ENTRYPOINT", '["/usr/local/bin/sae-pii-entrypoint"]') in runtime
    assert not any("HF_TOKEN" in a for _, a in _instructions()), "tokens are passed at run time, never baked"


def test_cuda_base_matches_the_locked_torch_build():
    base = re.search(
        r"ARG CUDA_IMAGE=nvidia/cuda:(\d+)\.(\d+)\.\d+-base-ubuntu24\.04", DOCKERFILE.read_text()
    )
    assert base, "the base image is NVIDIA's CUDA base flavour, pinned to a full version"
    locked = _locked()
    runtime = locked["nvidia-cuda-runtime"].split(".")
    assert (base.group(1), base.group(2)) == (runtime[0], runtime[1]), (
        f"nvidia/cuda {base.group(1)}.{base.group(2)} vs torch's CUDA runtime wheel {locked['nvidia-cuda-runtime']}"
    )


def test_lock_pins_every_trainer_dependency_with_hashes_at_the_venv_versions():
    project = tomllib.loads((REPO / "trainer" / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["minilm"]]
    locked = _locked()
    for req in wanted:
        name = canonicalize_name(req.name)
        assert name in locked, (
            f"{req.name} missing from docker/requirements.lock: run docker/lock-requirements.sh"
        )
        assert req.specifier.contains(locked[name], prereleases=True), f"{req} vs locked {locked[name]}"
    torch_pin = re.search(
        r"^torch==([\d.]+)", (REPO / "constraints.txt").read_text(), flags=re.MULTILINE
    ).group(1)
    assert locked["torch"] == torch_pin
    # Shared packages run the versions the tests ran (torch differs only by its +cpu local tag).
    drift = {}
    for name, ver in locked.items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue
        if installed.split("+")[0] != ver:
            drift[name] = (ver, installed)
    assert not drift, f"lock vs .venv versions {drift}: rerun docker/lock-requirements.sh"
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text().split("\n", 4)[-1])
    assert all("--hash=sha256:" in b for b in blocks if "==" in b), "pip --require-hashes needs every hash"


def test_build_context_holds_only_what_the_image_needs():
    patterns = [
        p.strip()
        for p in (REPO / ".dockerignore").read_text().splitlines()
        if p.strip() and not p.startswith("#")
    ]
    sent = exclude_paths(str(REPO), patterns, dockerfile="docker/Dockerfile")
    for needed in [
        "docker/Dockerfile",
        "docker/requirements.lock",
        "docker/entrypoint.sh",
        "trainer/pyproject.toml",
        "trainer/sae_pii/cli.py",
        "trainer/sae_pii/__main__.py",
    ]:
        assert needed in sent, needed
    # Every COPY source of the Dockerfile is in the context.
    for instr, args in _instructions():
        if instr == "COPY" and not args.startswith("--from"):
            assert args.split()[0] in sent, args
    for path in sent:
        top = path.split("/")[0]
        assert top in {"docker", "trainer", ".dockerignore"}, f"{path} would be sent to the Docker daemon"
        assert "__pycache__" not in path and ".egg-info" not in path, path


def test_default_command_trains_a_shipped_config_into_a_volume():
    from sae_pii.config import shipped_configs

    (cmd,) = [json.loads(a) for i, a in _stages()[-1] if i == "CMD"]
    assert cmd[0] == "train" and cmd[cmd.index("--config") + 1] in shipped_configs()
    assert cmd[cmd.index("--out-dir") + 1].startswith("/checkpoints/")
