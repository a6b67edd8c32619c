#!/usr/bin/env bash
# Deadline: the instance terminates ITSELF after MAX_HOURS, even if nobody runs pulumi destroy.
# A shutdown does not stop Lambda billing (only terminate does), so the timer calls the terminate
# API with a credential read from stdin and kept in a root-only file. Trade-off (docs/pulumi.md):
# anyone with root on the instance can read that key. The deadline is counted from boot and is
# never extended by re-running this step.
source "$(dirname "$0")/lib.sh"
: "${AUTO_TERMINATE:=instance}"
if [ "$AUTO_TERMINATE" != "instance" ]; then
  log "auto-termination is off (autoTerminate=$AUTO_TERMINATE): only pulumi destroy stops billing"
  exit 0
fi
: "${INSTANCE_ID:?INSTANCE_ID is required}"
: "${MAX_HOURS:?MAX_HOURS is required}"
: "${LAMBDA_API_URL:=https://cloud.lambda.ai/api/v1}"
: "${SECRET_DIR:=/etc/sae-pii}"
: "${START_EPOCH:=$(awk '/^btime/ {print $2}' /proc/stat)}"

api_key="$(cat)"
[ -n "$api_key" ] || die "no API key on stdin: the deadline needs one to call the terminate API"

deadline_file="$STATE_DIR/deadline_epoch"
if [ -f "$deadline_file" ]; then
  deadline="$(cat "$deadline_file")"
else
  deadline="$(awk -v s="$START_EPOCH" -v h="$MAX_HOURS" 'BEGIN { printf "%d", s + h * 3600 }')"
  printf '%s\n' "$deadline" > "$deadline_file"
fi

$SUDO install -d -m 700 "$SECRET_DIR"
( umask 077
  printf 'Authorization: Bearer %s\n' "$api_key" | $SUDO tee "$SECRET_DIR/auth-header" >/dev/null
  { printf 'INSTANCE_ID=%q\nLAMBDA_API_URL=%q\nRUN_DIR=%q\nCONTAINER_NAME=%q\n' \
      "$INSTANCE_ID" "$LAMBDA_API_URL" "$RUN_DIR" "$CONTAINER_NAME"
    printf 'SAE_PII_HOME=%q\nSTOP_TIMEOUT=%q\nSECRET_DIR=%q\nDOCKER=%q\n' \
      "$SAE_PII_HOME" "$STOP_TIMEOUT" "$SECRET_DIR" "${DOCKER:-}"; } | $SUDO tee "$SECRET_DIR/deadline.env" >/dev/null )
$SUDO chmod 600 "$SECRET_DIR/auth-header" "$SECRET_DIR/deadline.env"

remaining=$(( deadline - $(date +%s) ))
[ "$remaining" -gt 0 ] || remaining=1
if command -v systemd-run >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  # A transient timer survives this SSH session; re-running replaces it with the same deadline.
  $SUDO systemctl stop sae-pii-deadline.timer sae-pii-deadline.service >/dev/null 2>&1 || true
  $SUDO systemd-run --unit sae-pii-deadline --on-active="${remaining}s" --timer-property=AccuracySec=10s \
    /bin/bash "$SCRIPTS_DIR/deadline_terminate.sh" "$SECRET_DIR/deadline.env"
else
  # setsid made the timer its own process group: kill the group, sleep included.
  if [ -f "$STATE_DIR/deadline.pid" ]; then kill -- "-$(cat "$STATE_DIR/deadline.pid")" 2>/dev/null || true; fi
  setsid nohup bash -c "sleep $remaining; exec bash '$SCRIPTS_DIR/deadline_terminate.sh' '$SECRET_DIR/deadline.env'" \
    </dev/null >"$STATE_DIR/deadline.log" 2>&1 &
  echo $! > "$STATE_DIR/deadline.pid"
fi
log "deadline set: instance $INSTANCE_ID terminates itself at $(date -u -d "@$deadline" '+%Y-%m-%d %H:%M UTC') (in ${remaining}s)"
