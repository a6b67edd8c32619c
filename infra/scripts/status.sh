#!/usr/bin/env bash
# One screen of state: container, GPUs, run dir, deadline, whether results were fetched.
source "$(dirname "$0")/lib.sh"
echo "container: $(container_state || true)"
echo "run dir:   $RUN_DIR"
if [ -f "$RUN_DIR/EXIT_CODE" ]; then echo "exit code: $(cat "$RUN_DIR/EXIT_CODE")"; fi
if [ -f "$RUN_DIR/SHA256SUMS" ]; then echo "results:   $(wc -l < "$RUN_DIR/SHA256SUMS") files checksummed"; fi
if [ -f "$RUN_DIR/.fetched" ]; then echo "fetched:   yes ($(cat "$RUN_DIR/.fetched"))"; else echo "fetched:   no"; fi
if [ -f "$STATE_DIR/deadline_epoch" ]; then
  left=$(( $(cat "$STATE_DIR/deadline_epoch") - $(date +%s) ))
  echo "deadline:  in $(( left / 3600 ))h$(( (left % 3600) / 60 ))m (auto-terminate)"
fi
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=index,utilization.gpu,memory.used,memory.total --format=csv,noheader || true
fi
dk logs --tail "${TAIL:-5}" "$CONTAINER_NAME" 2>&1 || true
