#!/usr/bin/env bash
# Fired by the deadline timer: checkpoint, checksums, then terminate this instance via the API.
# Usage: deadline_terminate.sh /etc/sae-pii/deadline.env
# shellcheck source=/dev/null  # written by install_deadline.sh
set -a; source "${1:?path to deadline.env}"; set +a
source "$(dirname "$0")/lib.sh"
log "deadline reached: stopping training and terminating instance $INSTANCE_ID"
if [ "$(container_state | cut -d' ' -f1)" = "running" ]; then
  dk stop -t "$STOP_TIMEOUT" "$CONTAINER_NAME" >/dev/null || warn "docker stop failed"
fi
write_checksums || warn "could not write checksums"
# The key is passed as a header file, so it never shows up in `ps` or in this log.
curl -fsS --retry 5 --retry-delay 10 --retry-all-errors -X POST \
  -H @"$SECRET_DIR/auth-header" -H 'Content-Type: application/json' \
  --data "{\"instance_ids\": [\"$INSTANCE_ID\"]}" \
  "$LAMBDA_API_URL/instance-operations/terminate" >/dev/null
log "terminate requested for $INSTANCE_ID"
