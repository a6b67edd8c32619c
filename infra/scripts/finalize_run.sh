#!/usr/bin/env bash
# Runs detached: waits for the training container to exit, then writes EXIT_CODE and SHA256SUMS
# into the run dir so `make fetch` can verify what it downloads.
source "$(dirname "$0")/lib.sh"
code="$(dk wait "$CONTAINER_NAME" 2>/dev/null || echo unknown)"
printf '%s\n' "$code" > "$RUN_DIR/EXIT_CODE"
write_checksums
log "training exited with $code; checksums written to $RUN_DIR/SHA256SUMS"
