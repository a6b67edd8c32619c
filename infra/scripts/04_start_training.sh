#!/usr/bin/env bash
# Step 4: start training detached. Re-running is safe: a running container is left alone, a finished
# one is not restarted, a failed one is replaced (the trainer resumes from its last checkpoint).
# RUN_DIR lives on the persistent filesystem when the stack has one, so checkpoints survive.
source "$(dirname "$0")/lib.sh"
: "${TRAINER_CONFIG:?TRAINER_CONFIG is required (a trainer config name)}"
: "${HF_CACHE:=$SAE_PII_HOME/hf-cache}"
[ -f "$STATE_DIR/image" ] || die "no image recorded: step 3 (build/pull) has not run"
image="$(cat "$STATE_DIR/image")"
mkdir -p "$RUN_DIR" "$HF_CACHE"

start_finalizer() {  # writes SHA256SUMS when the container exits; detached from this SSH session
  if [ -f "$STATE_DIR/finalizer.pid" ] && kill -0 "$(cat "$STATE_DIR/finalizer.pid")" 2>/dev/null; then
    [ "${1:-}" = "fresh" ] || return 0
    kill -- "-$(cat "$STATE_DIR/finalizer.pid")" 2>/dev/null || true   # it watched the old container
  fi
  setsid nohup env RUN_DIR="$RUN_DIR" CONTAINER_NAME="$CONTAINER_NAME" SAE_PII_HOME="$SAE_PII_HOME" \
    DOCKER="${DOCKER:-}" bash "$SCRIPTS_DIR/finalize_run.sh" </dev/null >"$STATE_DIR/finalize.log" 2>&1 &
  echo $! > "$STATE_DIR/finalizer.pid"
}

# What this run should be; a change (new config or image) restarts training from its checkpoint.
image_id="$(dk image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)"   # a rebuilt tag gets a new id
spec="$image@$image_id $TRAINER_CONFIG"
spec_file="$STATE_DIR/train.spec"
previous_spec="$(cat "$spec_file" 2>/dev/null || true)"
state="$(container_state)"
if [ -n "$state" ] && [ -n "$previous_spec" ] && [ "$previous_spec" != "$spec" ]; then
  log "the run changed ($previous_spec -> $spec): stopping the old container (checkpoint first)"
  dk stop -t "$STOP_TIMEOUT" "$CONTAINER_NAME" >/dev/null || true
  state="stopped for a new spec"
fi
case "$state" in
  running*)
    log "training is already running ($CONTAINER_NAME): nothing to do"
    start_finalizer
    exit 0 ;;
  "exited 0")
    log "training already finished successfully: not restarting"
    [ -f "$RUN_DIR/SHA256SUMS" ] || write_checksums
    exit 0 ;;
  "")
    ;;
  *)
    log "replacing the previous container ($state)"
    dk rm -f "$CONTAINER_NAME" >/dev/null ;;
esac

# Secrets for the trainer (e.g. HF_TOKEN=... for gated models) arrive on stdin, never in argv.
if [ ! -t 0 ]; then
  secrets_in="$(cat)"
  if [ -n "$secrets_in" ]; then (umask 077; printf '%s\n' "$secrets_in" > "$STATE_DIR/trainer.env"); fi
fi
# The image's user is uid 1001; run as this login's uid so the bind-mounted run dir stays writable.
extra=(--user "$(id -u):$(id -g)")
if [ -f "$STATE_DIR/trainer.env" ]; then extra+=(--env-file "$STATE_DIR/trainer.env"); fi
train_args=(train --config "$TRAINER_CONFIG" --out-dir /models/run)
if [ -n "$(ls -A "$RUN_DIR/checkpoints" 2>/dev/null)" ]; then
  train_args+=(--resume)   # a checkpoint from an earlier attempt (or the persistent filesystem)
fi
log "starting $image: ${train_args[*]} (run dir $RUN_DIR)"
dk run -d --name "$CONTAINER_NAME" --gpus all --ipc host \
  --stop-timeout "$STOP_TIMEOUT" \
  -v "$RUN_DIR:/models/run" -v "$HF_CACHE:/cache/huggingface" -e HF_HOME=/cache/huggingface \
  "${extra[@]}" "$image" "${train_args[@]}" >/dev/null
printf '%s\n' "$spec" > "$spec_file"
rm -f "$RUN_DIR/.fetched" "$RUN_DIR/SHA256SUMS" "$RUN_DIR/EXIT_CODE"
start_finalizer fresh
log "training started; follow it with the logsCommand stack output"
