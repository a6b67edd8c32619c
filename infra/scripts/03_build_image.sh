#!/usr/bin/env bash
# Step 3: get the trainer image: pull TRAINER_IMAGE when configured, else build it from the copied
# build context ($SAE_PII_HOME/src holds docker/ and trainer/). Then prove a container sees the GPU.
source "$(dirname "$0")/lib.sh"
: "${LOCAL_IMAGE:=sae-pii-trainer:deploy}"

if [ -n "${TRAINER_IMAGE:-}" ]; then
  image="$TRAINER_IMAGE"
  log "pulling $image"
  for attempt in 1 2 3; do
    if dk pull "$image"; then break; fi
    [ "$attempt" -lt 3 ] || die "could not pull $image (registry login? image name?)"
    sleep $((attempt * ${PULL_RETRY_DELAY:-5}))
  done
else
  image="$LOCAL_IMAGE"
  context="$SAE_PII_HOME/src"
  [ -f "$context/docker/Dockerfile" ] || die "no build context at $context (docker/Dockerfile missing): the copy step did not run"
  log "building $image from $context (layers are cached: a re-run only rebuilds what changed)"
  dk build -f "$context/docker/Dockerfile" -t "$image" "$context" \
    || die "docker build failed; the build log is above"
fi
printf '%s\n' "$image" > "$STATE_DIR/image"

log "checking that containers see the GPU"
dk run --rm --gpus all --entrypoint nvidia-smi "$image" -L \
  || die "no GPU inside Docker (Failed to initialize NVML?): re-run step 2 or check nvidia-ctk"
log "image ready: $image"
