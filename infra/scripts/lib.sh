# shellcheck shell=bash
# Sourced by every remote step. Each step is safe to re-run: it checks before it changes anything.
set -euo pipefail

log() { printf '[sae-pii %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
warn() { printf '[sae-pii %s] WARNING: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf '[sae-pii %s] ERROR: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; exit 1; }

# Root needs no sudo; the `ubuntu` user has passwordless sudo on Lambda images (-n: never prompt).
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo -n"; fi

# shellcheck disable=SC2034  # used by the scripts that source this file
SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${SAE_PII_HOME:=$HOME/sae-pii}"
: "${CONTAINER_NAME:=sae-pii-train}"
: "${RUN_DIR:=$SAE_PII_HOME/runs/default}"
: "${STOP_TIMEOUT:=600}"
STATE_DIR="$SAE_PII_HOME/state"
mkdir -p "$STATE_DIR"

# Docker directly when this user may, else through sudo (a fresh docker group membership only
# applies to the next login, i.e. the next remote step). Decided on first use.
dk() {
  if [ -z "${DOCKER:-}" ]; then
    if docker info >/dev/null 2>&1; then DOCKER="docker"; else DOCKER="$SUDO docker"; fi
  fi
  $DOCKER "$@"
}

container_state() {  # "running 0", "exited 137", ... or "" when there is no such container
  dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$CONTAINER_NAME" 2>/dev/null || true
}

write_checksums() {  # SHA256SUMS over every file of the run dir, written atomically
  [ -d "$RUN_DIR" ] || return 0
  local tmp
  tmp="$(mktemp "$RUN_DIR/.SHA256SUMS.XXXXXX")"
  if (cd "$RUN_DIR" && find . -type f ! -name SHA256SUMS ! -name '.SHA256SUMS.*' ! -name '.fetched' \
      ! -name '.discard' -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum > "$tmp"); then
    mv -f "$tmp" "$RUN_DIR/SHA256SUMS"
  else
    rm -f "$tmp"
    return 1
  fi
}
