#!/usr/bin/env bash
# Step 2: the GPU works, Docker works, and Docker can hand the GPU to containers (--gpus all).
# The stock image does not always have the NVIDIA runtime registered with Docker
# ("Failed to initialize NVML" inside containers): nvidia-ctk fixes that.
source "$(dirname "$0")/lib.sh"

command -v nvidia-smi >/dev/null 2>&1 \
  || die "nvidia-smi not found: this image has no NVIDIA driver (use a Lambda Stack or gpu-base image)"
gpus="$(nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader)" \
  || die "nvidia-smi failed: the NVIDIA driver is not working on this instance"
[ -n "$gpus" ] || die "nvidia-smi lists no GPU"
log "GPUs:"; printf '  %s\n' "$gpus"

command -v docker >/dev/null 2>&1 || die "docker not found: use a Lambda Stack image (Docker preinstalled)"
if ! docker info >/dev/null 2>&1; then
  # Later steps log in again and pick up the group; this step goes through sudo.
  $SUDO usermod -aG docker "$(id -un)" || warn "could not add $(id -un) to the docker group"
fi
dk info >/dev/null 2>&1 || die "the Docker daemon is not reachable (systemctl status docker)"

nvidia_runtime_ready() { dk info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"nvidia"'; }

if nvidia_runtime_ready; then
  log "Docker already has the NVIDIA runtime"
else
  if ! command -v nvidia-ctk >/dev/null 2>&1; then
    log "installing nvidia-container-toolkit"
    if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq nvidia-container-toolkit; }; then
      die "could not install nvidia-container-toolkit (apt); install it by hand and re-run pulumi up"
    fi
  fi
  log "registering the NVIDIA runtime with Docker"
  $SUDO nvidia-ctk runtime configure --runtime=docker
  $SUDO systemctl restart docker
  nvidia_runtime_ready || die "Docker still has no NVIDIA runtime after nvidia-ctk runtime configure"
fi
log "GPU and Docker ready"
