"""`fit-probes` and `eval` with the real all-MiniLM-L6-v2 on a lent GPU (docs/bench.md, GPU check).

    python -m bench.gpu_probe_fit prepare --run models/sae-trained --out .gpu
    # on the GPU machine, carrying .gpu (and the site-packages archive of docs/bench.md#gpu-check):
    python3 -m bench.gpu_probe_fit run --carry .gpu --out $OUT [--n-train 12000] [--device cuda]

A lent machine takes 64 MiB of carried files and cannot download the model, and the full model's
float32 weights are 90 MB. `prepare` therefore writes the model cut after the SAE's layer with
its weights stored in float16 (38 MB for MiniLM's 4 blocks; loaded as float32, its activations are
within 1e-3 relative of the full model's), a copy of the run's SAE (`run` points it at that model)
and the presidio-research files. `run` generates the documents there (same generator and seeds as
`make demo`), fits the probes on `--device`, evaluates them on the held-out split and the
presidio-research files, and writes the logs and `times.json` (seconds per step) to `--out`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

PRESIDIO = Path(__file__).resolve().parents[2] / "shared" / "data" / "presidio-research"
PRESIDIO_FILES = ("synth_dataset_v2.json", "generated_large.json")


def prepare(run_dir: Path, out: Path, presidio: Path = PRESIDIO) -> None:
    from sae_pii.lm import resolve_model_path
    from sae_pii.sae import SparseAutoencoder
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    sae = SparseAutoencoder.from_pretrained(run_dir)
    source = resolve_model_path(sae.cfg.model_name)
    config = AutoConfig.from_pretrained(source)
    config.num_hidden_layers = sae.cfg.hook_layer + 1
    model_dir = out / "model"
    shutil.rmtree(model_dir, ignore_errors=True)
    AutoModel.from_pretrained(source, config=config).half().save_pretrained(model_dir)
    AutoTokenizer.from_pretrained(source).save_pretrained(model_dir)
    saved = json.loads((model_dir / "config.json").read_text())
    saved["dtype"] = "float32"  # stored as float16 to travel, computed in float32 like the run
    (model_dir / "config.json").write_text(json.dumps(saved, indent=2))

    shutil.rmtree(out / "run", ignore_errors=True)
    shutil.copytree(run_dir / "sae", out / "run" / "sae")

    (out / "data").mkdir(parents=True, exist_ok=True)
    for name in PRESIDIO_FILES:
        shutil.copy(presidio / name, out / "data" / name)


def run(carry: Path, out: Path, n_train: int, device: str, n_test: int = 1000, n_validation: int = 600) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    work = out / "work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(carry / "run", work / "run")
    cfg_path = work / "run" / "sae" / "cfg.json"  # the SAE reads the carried model, wherever it landed
    cfg = json.loads(cfg_path.read_text())
    cfg["metadata"]["model_name"] = cfg["metadata"]["sae_pii_config"]["model_name"] = str(carry.resolve() / "model")
    cfg_path.write_text(json.dumps(cfg, indent=1))
    cli = [sys.executable, "-m", "sae_pii"]
    steps = {
        "synth-data": ["synth-data", "--out-dir", work / "data", "--n-train", "1", "--n-validation", "1",
                       "--n-test", str(n_test), "--seed", "0"],
        "fit-probes": ["fit-probes", "--model-dir", work / "run", "--n-train", str(n_train),
                       "--n-validation", str(n_validation), "--device", device],
        "eval": ["eval", "--model-dir", work / "run", "--data", work / "data" / "test.jsonl"]
        + [a for name in PRESIDIO_FILES for a in ("--data", carry / "data" / name)]
        + ["--systems", "sae+rules,raw+rules,mix+rules", "--device", device, "--latency-docs", "0",
           "--out", out / "eval.json"],
    }
    times = {}
    for name, args in steps.items():
        t0 = time.perf_counter()
        with (out / f"{name}.log").open("w") as log:
            rc = subprocess.run(cli + [str(a) for a in args], check=False, stdout=log, stderr=subprocess.STDOUT).returncode
        times[name] = round(time.perf_counter() - t0, 1)
        if rc != 0:
            times["failed"] = name
            break
    (out / "times.json").write_text(json.dumps(times, indent=2) + "\n")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="write the folder to carry to the GPU machine")
    p.add_argument("--run", type=Path, default=Path("models/sae-trained"))
    p.add_argument("--out", type=Path, default=Path(".gpu"))
    p.add_argument("--presidio", type=Path, default=PRESIDIO)
    r = sub.add_parser("run", help="fit the probes and evaluate them (on the GPU machine)")
    r.add_argument("--carry", type=Path, default=Path(".gpu"))
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--n-train", type=int, default=12000)
    r.add_argument("--device", default="cuda")
    args = parser.parse_args(argv)
    if args.command == "prepare":
        prepare(args.run, args.out, args.presidio)
        return 0
    times = run(args.carry, args.out, args.n_train, args.device)
    print(json.dumps(times))
    return 0 if "failed" not in times else 1


if __name__ == "__main__":
    raise SystemExit(main())
