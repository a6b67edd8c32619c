# One venv for development holds both packages (trainer + infra) and their console scripts.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
RUN_DIR ?= models/sae-trained
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: setup demo test bench lint image run-local fetch emulator clean help

help:
	@echo "make setup   - create $(VENV) with trainer + infra + dev tools (torch pinned to the CPU build)"
	@echo "make demo    - train an SAE on the embedded MiniLM, fit PII probes, evaluate, detect + redact a sample"
	@echo "make test    - run the test suite"
	@echo "make bench   - benchmarks side by side with SAELens / Presidio (writes bench/results.json)"
	@echo "make lint    - ruff + hadolint"
	@echo "make image   - build the trainer Docker image"

setup: $(VENV)/.installed

$(VENV)/.installed: trainer/pyproject.toml infra/pyproject.toml requirements-dev.txt constraints.txt scripts/setup_venv.sh
	bash scripts/setup_venv.sh $(VENV)
	touch $@

demo: setup
	bash scripts/demo.sh $(RUN_DIR)

test: setup
	$(PY) -m pytest -q tests

bench: setup
	$(PY) -m bench.run

lint: setup
	$(VENV)/bin/ruff check trainer infra tests bench scripts
	$(VENV)/bin/hadolint docker/Dockerfile
	$(VENV)/bin/shellcheck -x docker/*.sh infra/scripts/*.sh $(wildcard scripts/*.sh) bench/gpu_carry/*.sh

image:
	docker build -f docker/Dockerfile -t sae-pii-trainer:latest \
		--build-arg VERSION=$$(sed -n 's/^version = "\(.*\)"/\1/p' trainer/pyproject.toml) \
		--build-arg REVISION=$$(git rev-parse HEAD 2>/dev/null || echo unknown) .

run-local: setup
	$(VENV)/bin/sae-pii container run --config cpu-demo

# Download a Pulumi stack's run directory (STACK=dev) into $(RUN_DIR), verify SHA256SUMS, and mark it
# fetched on the instance so `pulumi destroy` may remove it (docs/pulumi.md).
STACK ?= dev
fetch: setup
	$(PY) -m lambda_infra.fetch --stack $(STACK) --dest $(RUN_DIR)

emulator: setup
	$(VENV)/bin/lambda-launcher emulator --port 8787 --api-key $${LAMBDA_API_KEY:?set LAMBDA_API_KEY}

clean:
	rm -rf $(VENV) .pytest_cache
