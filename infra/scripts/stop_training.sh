#!/usr/bin/env bash
# Delete hook (runs on `pulumi destroy` before the instance is terminated): stop the container
# gracefully (SIGTERM -> the trainer writes a checkpoint), write checksums, then refuse to let the
# results vanish if nobody fetched them.
source "$(dirname "$0")/lib.sh"
: "${GUARD_UNFETCHED:=1}"
: "${PERSISTENT:=0}"

state="$(container_state)"
if [ "${state%% *}" = "running" ]; then
  log "stopping $CONTAINER_NAME (SIGTERM, up to ${STOP_TIMEOUT}s for the checkpoint)"
  dk stop -t "$STOP_TIMEOUT" "$CONTAINER_NAME" >/dev/null
  state="$(container_state)"
  log "container stopped ($state)"
fi
write_checksums   # the container is stopped: the run dir is final now

has_results=0
if [ -d "$RUN_DIR" ] && [ -n "$(find "$RUN_DIR" -type f ! -name SHA256SUMS ! -name EXIT_CODE -print -quit)" ]; then
  has_results=1
fi
if [ "$has_results" = 1 ] && [ ! -f "$RUN_DIR/.fetched" ] && [ ! -f "$RUN_DIR/.discard" ]; then
  if [ "$PERSISTENT" = 1 ]; then
    warn "results in $RUN_DIR were never fetched; they stay on the persistent filesystem"
  elif [ "$GUARD_UNFETCHED" = 1 ]; then
    die "results in $RUN_DIR were never fetched and are lost when the instance terminates.
  Fetch them first:        make fetch STACK=<stack>
  or discard them on purpose: ssh into the instance and run: touch $RUN_DIR/.discard
  then run pulumi destroy again."
  else
    warn "results in $RUN_DIR were never fetched and are lost with the instance"
  fi
fi
log "ready for termination"
