#!/usr/bin/env bash
# The one call for a lent GPU (docs/bench.md, GPU check), run there from the repo root with `.gpu`
# carried (built here by bench/gpu_carry/build_site.sh and `python -m bench.gpu_probe_fit prepare`):
#   bash bench/gpu_carry/device_command.sh          (~8 minutes on an H200; $OUT is the folder that comes back)
# 1. gpu_check's pii step: the PII pipeline on CUDA, and the detector's spans on CUDA against the CPU's.
# 2. gpu_probe_fit: `make demo`'s fit-probes (12,000 synthetic + the hand-labelled documents, --seeds
#    2, then 4 if the budget allows) on CUDA with the real model, scored on the blind sets.
# Only 8 files come back, so everything is also packed into $OUT/all.tar.xz.
set -u
OUT=${OUT:?set OUT to the folder whose files come back}
mkdir -p /tmp/site "$OUT/check" "$OUT/fit" && tar -xJf .gpu/site.tar.xz -C /tmp/site || exit 3
export PYTHONPATH=/tmp/site:trainer:. MINILM_CONFIG_DIR=.gpu/minilm HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false PYTHONUNBUFFERED=1
rm -rf /tmp/gpu_check_pii /tmp/gpf_work  # a warm machine keeps them between calls
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader
timeout 230 python3 -m bench.gpu_check --steps pii --out "$OUT/check" > "$OUT/check/stdout.log" 2>&1
echo "gpu_check rc=$?"
timeout 330 python3 -m bench.gpu_probe_fit run --carry .gpu --out "$OUT/fit" --work /tmp/gpf_work --n-train 12000 \
  --device cuda --seeds "${SEEDS:-2,4}" --demo-hand-labelled --blind-sets --budget-s 300 > "$OUT/fit/stdout.log" 2>&1
echo "gpu_probe_fit rc=$?"
cd "$OUT" && tar -cJf all.tar.xz check fit \
  && find check fit -type f ! -name gpu_check.json ! -name times.json ! -name 'eval-s*.json' -delete
python3 - <<'PY'
import json, pathlib
c = pathlib.Path("check/gpu_check.json")
if c.exists():
    for k, v in json.loads(c.read_text())["steps"].items():
        print("check", k, json.dumps(v)[:1500])
t = pathlib.Path("fit/times.json")
print("times", t.read_text() if t.exists() else "none")
for f in sorted(pathlib.Path("fit").glob("eval-s*.json")):
    for d, r in json.loads(f.read_text())["datasets"].items():
        print(f.stem, pathlib.Path(d).name, {s: round(x["exact_span"]["micro"]["f1"], 4) for s, x in r.items()})
PY
