#!/usr/bin/env bash
# Entrypoint of the trainer image. It also runs outside Docker: tests/container drives it on CPU.
#
#   entrypoint.sh train --config NAME|FILE --out-dir DIR [--resume] [...]
#       prints an environment report, then runs `sae-pii train ...` under a launcher with one
#       process per visible GPU (accelerate launch; --multi_gpu when there are several)
#   entrypoint.sh report      the environment report alone (exit 3 if a required GPU is missing)
#   entrypoint.sh CMD [ARG..] runs CMD as is (sae-pii fit-probes ..., bash, nvidia-smi, ...)
#
# Environment:
#   SAE_PII_REQUIRE_GPU=1|0    1 (the image's default): stop with exit code 3 and say what to do
#                              when no GPU is visible. 0 allows a CPU run (smoke tests, CI).
#   SAE_PII_NUM_PROCESSES=N    processes to start. Default: one per visible GPU, or 1 on CPU.
#                              On CPU, N > 1 uses torchrun (gloo): `accelerate launch --cpu
#                              --num_processes N` starts a single process.
#   SAE_PII_PYTHON=PATH        interpreter that runs the launchers (default: python3 on PATH).
#
# SIGTERM/SIGINT (docker stop, Ctrl-C) go to the training processes only, never to the launcher,
# so each one writes a checkpoint and exits 0, the launcher sees a clean finish and this script
# exits with the launcher's status. A signal sent straight to the launcher would kill it and
# orphan the trainers mid-checkpoint.
set -euo pipefail

log() { printf '[entrypoint] %s\n' "$*" >&2; }

python_bin=${SAE_PII_PYTHON:-python3}
require_gpu=${SAE_PII_REQUIRE_GPU:-1}
gpu_count=0
smi_gpus=0

# Prints the report on stderr and leaves the number of GPUs torch can use in $gpu_count. With an
# argument, also writes accelerate's basic config for this machine to that path: `accelerate launch`
# would otherwise read a default_config.yaml from the mounted HF cache (HF_HOME), e.g. one made by
# `accelerate config` on the host for DeepSpeed or FSDP, and launch something else than asked.
environment_report() {
  local smi_lines
  log "environment"
  if command -v nvidia-smi >/dev/null 2>&1; then
    if smi_lines=$(nvidia-smi --query-gpu=index,name,driver_version,memory.total \
      --format=csv,noheader 2>&1); then
      while IFS= read -r line; do log "  nvidia-smi: GPU $line"; done <<<"$smi_lines"
      smi_gpus=$(grep -c . <<<"$smi_lines" || true)
    else
      log "  nvidia-smi: failed: $smi_lines"
    fi
  else
    log "  nvidia-smi: not found (no NVIDIA driver mounted into this environment)"
  fi
  # One Python start for the whole report: importing torch takes seconds.
  gpu_count=$("$python_bin" - "$@" <<'PY'
import platform
import sys

import accelerate
import torch
from accelerate.utils import write_basic_config

def say(text):
    print(f"[entrypoint]   {text}", file=sys.stderr)

cuda_ok = torch.cuda.is_available()
count = torch.cuda.device_count() if cuda_ok else 0
say(f"python {platform.python_version()}, torch {torch.__version__} "
    f"(CUDA build {torch.version.cuda or 'none: CPU-only torch'}), accelerate {accelerate.__version__}")
say(f"torch sees {count} GPU(s)")
for i in range(count):
    p = torch.cuda.get_device_properties(i)
    say(f"  cuda:{i} {p.name}, {p.total_memory // 2**20} MiB, compute capability {p.major}.{p.minor}")
if len(sys.argv) > 1:
    write_basic_config(mixed_precision="no", save_location=sys.argv[1])
print(count)
PY
  )
}

require_gpu_or_explain() {
  if [ "$gpu_count" -gt 0 ] || [ "$require_gpu" = "0" ]; then
    return 0
  fi
  if [ "$smi_gpus" -gt 0 ]; then
    log "ERROR: nvidia-smi lists $smi_gpus GPU(s) but torch can use none. The image's torch is built for"
    log "  CUDA 13.0 and needs an NVIDIA driver >= 580 (the driver version is above): update the host"
    log "  driver. (Outside the image: a CPU-only torch build sees no GPU either; see its CUDA build above.)"
    exit 3
  fi
  log "ERROR: no GPU is visible here and SAE_PII_REQUIRE_GPU=$require_gpu."
  log "  - on the host, \`nvidia-smi\` must list the GPU and the NVIDIA Container Toolkit must be installed;"
  log "  - start the container with the GPUs: \`docker run --gpus all ...\` (\`sae-pii container run\` does);"
  log "  - this image's torch needs an NVIDIA driver >= 580 (CUDA 13.0);"
  log "  - to train on CPU instead (slow; smoke tests), set SAE_PII_REQUIRE_GPU=0."
  exit 3
}

is_count() { case $1 in '' | *[!0-9]* | 0) return 1 ;; *) return 0 ;; esac }

# The launcher command for $1 processes, in the array `launch`.
build_launch_command() {
  local n=$1
  if [ "$gpu_count" -gt 0 ]; then
    if [ "$n" -gt "$gpu_count" ]; then
      log "ERROR: SAE_PII_NUM_PROCESSES=$n but only $gpu_count GPU(s) are visible; use at most $gpu_count."
      exit 2
    fi
    launch=("$python_bin" -m accelerate.commands.launch --config_file "$accelerate_config" --num_machines 1
      --mixed_precision no --dynamo_backend no --num_processes "$n")
    if [ "$n" -gt 1 ]; then launch+=(--multi_gpu); fi
    launch+=(-m sae_pii)
  else
    export ACCELERATE_USE_CPU=true
    if [ "$n" -gt 1 ]; then
      launch=("$python_bin" -m torch.distributed.run --standalone --nproc_per_node "$n" -m sae_pii)
    else
      launch=("$python_bin" -m accelerate.commands.launch --config_file "$accelerate_config" --cpu
        --num_processes 1 --num_machines 1 --mixed_precision no --dynamo_backend no -m sae_pii)
    fi
  fi
}

# Direct children of process $1 (procps is not in the image). The kernel's own list
# (/proc/PID/task/TID/children, one file per thread of the parent) first; where a kernel lacks it,
# every process's PPid in /proc.
child_pids() {
  local lists status pid key value
  lists=$(cat /proc/"$1"/task/*/children 2>/dev/null) || lists=""
  if [ -n "$lists" ]; then
    # shellcheck disable=SC2086 # space-separated PIDs, one per word
    printf '%s\n' $lists
    return 0
  fi
  for status in /proc/[0-9]*/status; do
    pid=${status#/proc/}
    pid=${pid%/status}
    { while read -r key value; do
      if [ "$key" = "PPid:" ]; then
        if [ "$value" = "$1" ]; then printf '%s\n' "$pid"; fi
        break
      fi
    done <"$status"; } 2>/dev/null || true
  done
}

# "pid ppid name; ..." of every process, from /proc (a diagnostic for the log).
process_table() {
  local stat rest pid name after
  for stat in /proc/[0-9]*/stat; do
    { read -r rest <"$stat"; } 2>/dev/null || continue
    # "<pid> (<name>) <state> <ppid> ...": the name may hold spaces, so split at its brackets.
    pid=${rest%% *} name=${rest#*(} after=${rest##*) }
    name=${name%)*}
    after=${after#* }
    after=${after%% *}
    [ "$pid" = 2 ] || [ "$after" = 2 ] || printf '%s %s %s; ' "$pid" "$after" "$name"  # not kernel threads
  done
}

launcher_pid=""
stop_requested=0
accelerate_config=""

forward_stop() {
  local targets
  stop_requested=1
  log "received SIG$1: asking the trainer to write a checkpoint and stop"
  [ -n "$launcher_pid" ] || exit 143
  # A CI run once found no child under a launcher whose trainer had already written a checkpoint;
  # look again for a second before deciding that no trainer exists.
  for _ in 1 2 3 4 5; do
    targets=$(child_pids "$launcher_pid")
    [ -z "$targets" ] || break
    sleep 0.2
  done
  if [ -z "$targets" ]; then
    # No trainer started yet: nothing to checkpoint, stop the launcher itself. Said out loud, with
    # the process table, so a run that expected a checkpoint shows why it has none.
    log "no trainer process under the launcher (pid $launcher_pid) yet: stopping the launcher"
    log "processes (pid ppid name): $(process_table)"
    targets=$launcher_pid
  fi
  # shellcheck disable=SC2086 # one PID per word
  kill -TERM $targets 2>/dev/null || true
}

run_training() {
  local n=${SAE_PII_NUM_PROCESSES:-} status
  if [ -n "$n" ] && ! is_count "$n"; then
    log "ERROR: SAE_PII_NUM_PROCESSES must be a whole number >= 1, got '$n'."
    exit 2
  fi
  accelerate_dir=$(mktemp -d "${TMPDIR:-/tmp}/sae-pii-accelerate.XXXXXX")
  # shellcheck disable=SC2064 # expand now: the folder is fixed for this run
  trap "rm -rf '$accelerate_dir'" EXIT
  accelerate_config=$accelerate_dir/default_config.yaml
  environment_report "$accelerate_config"
  require_gpu_or_explain
  if [ -z "$n" ]; then
    n=$gpu_count
    [ "$n" -gt 0 ] || n=1
  fi
  build_launch_command "$n"
  if [ "$gpu_count" -gt 0 ]; then
    log "launching $n process(es) on $n GPU(s): sae-pii $*"
  else
    log "launching $n CPU process(es): sae-pii $*"
  fi

  trap 'forward_stop TERM' TERM
  trap 'forward_stop INT' INT
  "${launch[@]}" "$@" &
  launcher_pid=$!
  # `wait` returns early whenever a trapped signal arrives; keep waiting until the launcher is gone.
  while :; do
    if wait "$launcher_pid"; then status=0; else status=$?; fi
    kill -0 "$launcher_pid" 2>/dev/null || break
  done
  if [ "$stop_requested" = 1 ]; then
    log "stopped on request (exit $status); the last checkpoint is in the run directory: rerun with --resume"
  elif [ "$status" -ne 0 ]; then
    log "training failed with exit code $status"
  fi
  exit "$status"
}

if [ "$#" -eq 0 ]; then
  log "usage: entrypoint.sh train --config NAME|FILE --out-dir DIR [--resume] | report | COMMAND [ARGS...]"
  exit 2
fi

case $1 in
  train) run_training "$@" ;;
  report)
    environment_report
    require_gpu_or_explain
    ;;
  *) exec "$@" ;;
esac
