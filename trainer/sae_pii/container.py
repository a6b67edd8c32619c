"""Run the trainer image on this machine's GPUs through the Docker SDK for Python.

`sae-pii container run` (and `make run-local`) start the same image the Pulumi program runs on the
Lambda instance: all GPUs via a device request, ./data, ./models and the Hugging Face cache
mounted, HF_TOKEN passed from the environment at run time (never baked into the image, never
printed), logs streamed, Ctrl-C turned into `docker stop` (SIGTERM, wait, then SIGKILL) so the
trainer writes a checkpoint first, and the container's exit code handed back.

The `docker` package is imported lazily: the rest of the CLI works without it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

DEFAULT_IMAGE = "sae-pii-trainer:latest"
DEFAULT_OUT_DIR = "/models/sae-trained"
DEFAULT_STOP_TIMEOUT_S = 120
DEFAULT_SHM_SIZE = "8g"  # PyTorch workers and NCCL share tensors through /dev/shm (Docker gives 64 MB)
PASSTHROUGH_ENV = ("HF_TOKEN",)
SOURCE_URL = "https://github.com/sae-pii/sae-pii"

# Where the image expects things (docker/Dockerfile declares these as volumes).
CONTAINER_DATA = "/data"
CONTAINER_MODELS = "/models"
CONTAINER_CHECKPOINTS = "/checkpoints"
CONTAINER_HF_HOME = "/cache/huggingface"
CONTAINER_CONFIG_DIR = "/config"

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ContainerError(RuntimeError):
    """A problem the user can fix; the message says how."""


class NoDockerEngine(ContainerError):
    pass


class NoNvidiaRuntime(ContainerError):
    pass


class ImageMissing(ContainerError):
    pass


@dataclass
class RunSpec:
    """Everything `sae-pii container run` needs, resolved to host paths and container arguments."""

    config: str
    image: str = DEFAULT_IMAGE
    gpus: str = "all"  # "all", "none", a count ("2") or device ids ("0,1")
    data_dir: Path = Path("data")
    models_dir: Path = Path("models")
    hf_cache: Path = field(default_factory=lambda: Path.home() / ".cache" / "huggingface")
    checkpoints_dir: Path | None = None
    out_dir: str = DEFAULT_OUT_DIR
    resume: bool = False
    env: list[str] = field(default_factory=list)  # NAME (value from this environment) or NAME=VALUE
    name: str | None = None
    stop_timeout: int = DEFAULT_STOP_TIMEOUT_S
    shm_size: str = DEFAULT_SHM_SIZE
    user: str | None = field(
        default_factory=lambda: f"{os.getuid()}:{os.getgid()}" if hasattr(os, "getuid") else None
    )
    train_args: list[str] = field(default_factory=list)
    keep: bool = False


def device_requests(gpus: str) -> list:
    """The `--gpus` value as Docker device requests (what `docker run --gpus all` sends)."""
    from docker.types import DeviceRequest

    gpus = gpus.strip().lower()
    if gpus == "none":
        return []
    if gpus == "all":
        return [DeviceRequest(count=-1, capabilities=[["gpu"]])]
    if gpus.isdigit() and int(gpus) > 0:
        return [DeviceRequest(count=int(gpus), capabilities=[["gpu"]])]
    ids = gpus.removeprefix("device=").split(",")
    if all(i.strip().isdigit() or i.strip().startswith("gpu-") for i in ids):
        return [DeviceRequest(device_ids=[i.strip() for i in ids], capabilities=[["gpu"]])]
    raise ContainerError(
        f"--gpus {gpus!r} is not understood: use 'all', 'none', a count like 2, or ids like 0,1"
    )


def resolve_environment(names_or_pairs: list[str], environ: dict[str, str]) -> dict[str, str]:
    """Variables for the container: HF_TOKEN (when set here) plus what --env asked for.

    Values are read from this process's environment at run time, so secrets never enter the image
    or the command line. Callers print only the names.
    """
    env: dict[str, str] = {}
    for name in PASSTHROUGH_ENV:
        if environ.get(name):
            env[name] = environ[name]
    for item in names_or_pairs:
        name, sep, value = item.partition("=")
        if not _ENV_NAME.match(name):
            raise ContainerError(f"--env {name!r} is not a valid variable name (use NAME or NAME=VALUE)")
        if sep:
            env[name] = value
        elif name in environ:
            env[name] = environ[name]
        else:
            raise ContainerError(
                f"--env {name}: {name} is not set in this shell; export it first or pass {name}=VALUE"
            )
    return env


def shipped_config_names() -> list[str]:
    """The configs inside the package (and so inside the image), without importing the trainer."""
    from importlib.resources import files

    return sorted(
        p.name.removesuffix(".yaml")
        for p in files("sae_pii").joinpath("configs").iterdir()
        if p.name.endswith(".yaml")
    )


def _host_dir(path: Path) -> str:
    # Create it first: a missing bind source would be created by the daemon, owned by root.
    path = path.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def build_run_kwargs(spec: RunSpec, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The exact keyword arguments for `client.containers.run(**kwargs)`."""
    environ = dict(os.environ if environ is None else environ)
    volumes = {
        _host_dir(spec.data_dir): {"bind": CONTAINER_DATA, "mode": "rw"},
        _host_dir(spec.models_dir): {"bind": CONTAINER_MODELS, "mode": "rw"},
        _host_dir(spec.hf_cache): {"bind": CONTAINER_HF_HOME, "mode": "rw"},
    }
    if spec.checkpoints_dir is not None:
        volumes[_host_dir(spec.checkpoints_dir)] = {"bind": CONTAINER_CHECKPOINTS, "mode": "rw"}

    config_arg = spec.config
    config_path = Path(spec.config).expanduser()
    if config_path.suffix in (".yaml", ".yml") or config_path.is_file():
        if not config_path.is_file():
            raise ContainerError(
                f"config file {spec.config} does not exist; give a YAML file or a shipped config name"
            )
        # A config file from this machine is mounted read-only next to the others.
        volumes[str(config_path.resolve().parent)] = {"bind": CONTAINER_CONFIG_DIR, "mode": "ro"}
        config_arg = f"{CONTAINER_CONFIG_DIR}/{config_path.name}"
    elif spec.config not in (shipped := shipped_config_names()):
        raise ContainerError(
            f"unknown config {spec.config!r}: use a shipped config ({', '.join(shipped)}) or a YAML file path"
        )

    environment = resolve_environment(spec.env, environ)
    requests = device_requests(spec.gpus)
    if not requests:
        environment.setdefault("SAE_PII_REQUIRE_GPU", "0")

    command = ["train", "--config", config_arg, "--out-dir", spec.out_dir]
    if spec.resume:
        command.append("--resume")
    command += list(spec.train_args)

    kwargs: dict[str, Any] = {
        "image": spec.image,
        "command": command,
        "detach": True,
        "init": True,  # tini as PID 1 reaps zombies and hands SIGTERM to the entrypoint
        "stop_signal": "SIGTERM",
        "device_requests": requests,
        "volumes": volumes,
        "environment": environment,
        "shm_size": spec.shm_size,
        # A label unique to this run finds the container again if starting it fails (see run_container).
        "labels": {"sae-pii.role": "trainer", "sae-pii.run": uuid.uuid4().hex},
    }
    if spec.user:
        kwargs["user"] = spec.user  # files written to ./models belong to you, not root
    if spec.name:
        kwargs["name"] = spec.name
    return kwargs


def _api_error_text(err: Exception) -> str:
    return str(getattr(err, "explanation", None) or err)


def explain_api_error(err: Exception, image: str) -> ContainerError:
    """Turn a Docker API error at start-up into a message that says what to do."""
    text = _api_error_text(err)
    low = text.lower()
    if "could not select device driver" in low or ("nvidia" in low and "runtime" in low and "unknown" in low):
        return NoNvidiaRuntime(
            "Docker is running but cannot give GPUs to containers (no NVIDIA runtime): install the NVIDIA "
            "Container Toolkit, run `sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl "
            "restart docker`, check with `docker run --rm --gpus all ubuntu nvidia-smi`; or train on CPU "
            f"with --gpus none. (Docker said: {text})"
        )
    if "unsatisfied condition: cuda" in low:
        return NoNvidiaRuntime(
            f"The NVIDIA driver on this machine is too old for the image's CUDA 13.0 (needs driver >= 580): "
            f"update the driver. (Docker said: {text})"
        )
    if "nvidia" in low:
        return NoNvidiaRuntime(
            "The NVIDIA container runtime failed to start the container: check `nvidia-smi` on the host and "
            f"the NVIDIA Container Toolkit install. (Docker said: {text})"
        )
    return ContainerError(f"Docker could not start {image}: {text}")


def connect(factory: Callable[[], Any] | None = None) -> Any:
    """A Docker client, or NoDockerEngine with what to do when no engine answers."""
    import requests

    import docker

    factory = factory or docker.from_env
    try:
        client = factory()
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.ConnectionError) as err:
        where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        raise NoDockerEngine(
            f"No Docker engine answers at {where}: install Docker Engine (or Docker Desktop) and start it "
            "(`sudo systemctl start docker`), make sure your user may use it (`docker info` works), or set "
            f"DOCKER_HOST. ({err})"
        ) from err
    return client


def _stream_logs(container: Any, out: TextIO) -> None:
    for chunk in container.logs(stream=True, follow=True):
        out.write(chunk.decode("utf-8", errors="replace") if isinstance(chunk, bytes) else str(chunk))
        out.flush()


def _remove_unstarted(client: Any, run_label: str) -> None:
    # containers.run() creates, then starts: when the start fails (no NVIDIA runtime), the created
    # container would otherwise stay behind.
    import docker

    try:
        for leftover in client.containers.list(all=True, filters={"label": f"sae-pii.run={run_label}"}):
            leftover.remove(force=True)
    except docker.errors.APIError:
        pass


def run_container(
    spec: RunSpec,
    client: Any | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    environ: dict[str, str] | None = None,
) -> int:
    """Start the trainer container, stream its logs until it exits, and return its exit code.

    Ctrl-C stops the container gracefully (SIGTERM, up to `spec.stop_timeout` s for the trainer to
    checkpoint, then SIGKILL); a second Ctrl-C kills it at once.
    """
    import docker

    out = out or sys.stdout
    err = err or sys.stderr
    client = client or connect()
    kwargs = build_run_kwargs(spec, environ)

    try:
        client.images.get(spec.image)
    except docker.errors.ImageNotFound as exc:
        raise ImageMissing(
            f"Image {spec.image} is not on this machine: build it with `make image` (or `sae-pii container build`)"
            ", or pass --image with a pulled tag."
        ) from exc
    except docker.errors.APIError as exc:
        raise explain_api_error(exc, spec.image) from exc

    env_names = ", ".join(sorted(kwargs["environment"])) or "none"
    gpus = "none (CPU)" if not kwargs["device_requests"] else spec.gpus
    print(f"[container] starting {spec.image}: GPUs {gpus}; env passed: {env_names}", file=err)
    for host, bind in kwargs["volumes"].items():
        print(f"[container]   {host} -> {bind['bind']} ({bind['mode']})", file=err)

    try:
        container = client.containers.run(**kwargs)
    except docker.errors.ImageNotFound as exc:
        raise ImageMissing(f"Image {spec.image} is not on this machine: build it with `make image`.") from exc
    except docker.errors.APIError as exc:
        _remove_unstarted(client, kwargs["labels"]["sae-pii.run"])
        raise explain_api_error(exc, spec.image) from exc

    logs = threading.Thread(target=_stream_logs, args=(container, out), daemon=True)
    logs.start()
    stopped = False
    try:
        try:
            result = container.wait()
        except KeyboardInterrupt:
            stopped = True
            print(
                f"\n[container] Ctrl-C: stopping {container.name} gracefully (SIGTERM; the trainer writes a "
                f"checkpoint; SIGKILL after {spec.stop_timeout} s). Ctrl-C again to kill it now.",
                file=err,
            )
            try:
                container.stop(timeout=spec.stop_timeout)
            except KeyboardInterrupt:
                print("[container] killing the container now (no checkpoint)", file=err)
                container.kill()
            result = container.wait()
        logs.join(timeout=10)
        code = int(result.get("StatusCode", 1))
        if result.get("Error"):
            print(f"[container] Docker reported: {result['Error']}", file=err)
    finally:
        if not spec.keep:
            try:
                container.remove(force=True)
            except docker.errors.APIError:
                pass

    if code == 0:
        verb = "stopped on request; checkpoint kept" if stopped else "finished"
        print(
            f"[container] {verb} (exit 0). Outputs: {spec.models_dir}/ (container {spec.out_dir})", file=err
        )
    elif code == 137:
        print(
            "[container] killed (exit 137: SIGKILL or out of memory); the last finished checkpoint is kept",
            file=err,
        )
    else:
        print(f"[container] the trainer exited with code {code}; see the log above", file=err)
    return code


def find_repo_root(start: Path | None = None) -> Path:
    """The folder holding docker/Dockerfile (the build context), searched upward from `start`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "docker" / "Dockerfile").is_file() and (folder / "trainer").is_dir():
            return folder
    raise ContainerError("docker/Dockerfile not found here or above: run this from the sae-pii repository")


def build_args(repo: Path) -> dict[str, str]:
    """OCI label values for the image: package version, source URL, git revision."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        pkg_version = version("sae-pii")
    except PackageNotFoundError:
        pkg_version = "0.0.0"
    try:
        revision = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        revision = "unknown"
    return {"VERSION": pkg_version, "REVISION": revision, "SOURCE": SOURCE_URL}


def build_image(
    tag: str = DEFAULT_IMAGE, repo: Path | None = None, client: Any | None = None, out: TextIO | None = None
) -> str:
    """`docker build -f docker/Dockerfile -t TAG .` (what `make image` runs), streaming the output."""
    import docker

    out = out or sys.stdout
    repo = repo or find_repo_root()
    client = client or connect()
    image_id = ""
    try:
        for event in client.api.build(
            path=str(repo),
            dockerfile="docker/Dockerfile",
            tag=tag,
            buildargs=build_args(repo),
            rm=True,
            decode=True,
        ):
            if "stream" in event:
                out.write(event["stream"])
                out.flush()
            if "aux" in event and "ID" in event["aux"]:
                image_id = event["aux"]["ID"]
            if "error" in event:
                raise ContainerError(f"docker build failed: {event['error'].strip()}")
    except docker.errors.APIError as exc:
        raise ContainerError(f"docker build failed: {_api_error_text(exc)}") from exc
    return image_id or tag
