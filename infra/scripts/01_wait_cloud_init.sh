#!/usr/bin/env bash
# Step 1: wait until cloud-init has finished first-boot setup (apt locks, users, mounts).
source "$(dirname "$0")/lib.sh"

if ! command -v cloud-init >/dev/null 2>&1; then
  log "no cloud-init on this image: nothing to wait for"
  exit 0
fi
log "waiting for cloud-init (up to ${CLOUD_INIT_TIMEOUT:-900}s)"
set +e
timeout "${CLOUD_INIT_TIMEOUT:-900}" cloud-init status --wait >/dev/null
rc=$?
set -e
case "$rc" in
  0) log "cloud-init done" ;;
  2) warn "cloud-init finished with recoverable errors; continuing"; cloud-init status --long >&2 || true ;;
  124) die "cloud-init still running after ${CLOUD_INIT_TIMEOUT:-900}s: check /var/log/cloud-init-output.log" ;;
  *) cloud-init status --long >&2 || true
     die "cloud-init failed (exit $rc): see /var/log/cloud-init-output.log on the instance" ;;
esac
