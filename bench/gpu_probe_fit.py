"""`fit-probes` and `eval` with the real all-MiniLM-L6-v2 on a lent GPU (docs/bench.md, GPU check).

    python -m bench.gpu_probe_fit prepare --run models/sae-trained --out .gpu
    # on the GPU machine, carrying .gpu (and the site-packages archive of docs/bench.md#gpu-check):
    python3 -m bench.gpu_probe_fit run --carry .gpu --out $OUT [--n-train 12000] [--device cuda]

A lent machine takes 64 MiB of carried files and cannot download the model, and the full model's
float32 weights are 90 MB. `prepare` therefore writes the model cut after the SAE's layer with
its weights stored in float16 (38 MB for MiniLM's 4 blocks; loaded as float32, its activations are
within 1e-3 relative of the full model's), a copy of the run's SAE (`run` points it at that model)
and the presidio-research files (xz-compressed: 0.15 MB instead of 2.4). `run` generates the
documents there (same generator and seeds as `make demo`), fits the probes on `--device`,
evaluates them on the held-out split and the presidio-research files, and writes the logs and
`times.json` (seconds per step) to `--out`.

    python3 -m bench.gpu_probe_fit run --carry .gpu --out $OUT --n-train 12000 --device cuda \
        --seeds 2,4 --demo-hand-labelled --blind-sets --budget-s 330

fits once per `--seeds` value (fit-probes --seeds N, each into its own copy of the run: steps
fit-probes-sN and eval-sN, reports eval-sN.json and probes-sN.json) with the hand-labelled files
`make demo` trains on, scores `mix+rules` also on the realistic sets the demo never trains on, and
skips what would start after `--budget-s` seconds (a step running then is stopped), so that a
partial result comes back. `--n-test`, `--n-validation`, `--epochs` and `--eval-limit` shrink it
for a rehearsal on the CPU.
"""

from __future__ import annotations

import argparse
import json
import lzma
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
    for name in PRESIDIO_FILES:  # xz: 2.4 MB of JSON travel as 0.15 MB
        (out / "data" / name).unlink(missing_ok=True)
        (out / "data" / f"{name}.xz").write_bytes(lzma.compress((presidio / name).read_bytes()))


def _presidio_file(carry: Path, name: str, work: Path) -> Path:
    """The carried presidio-research file, unpacked into `work` when it travelled as xz."""
    if (carry / "data" / name).exists():
        return carry / "data" / name
    (work / "presidio").mkdir(parents=True, exist_ok=True)
    (work / "presidio" / name).write_bytes(lzma.decompress((carry / "data" / f"{name}.xz").read_bytes()))
    return work / "presidio" / name


# The hand-labelled files `make demo` trains on (scripts/demo.sh) and the realistic sets it never
# trains on (the blind sets: F, L, N-W).
DEMO_HAND_LABELLED = tuple(f"tests/data/realistic_pii{s}.jsonl" for s in ("", "_b", "_c", "_d", "_e", "_g", "_h", "_i",
                                                                           "_j", "_k", "_m")) \
    + tuple(f"trainer/hand_labelled/hand_labelled_t{i}.jsonl" for i in range(1, 15))
BLIND_SETS = tuple(f"tests/data/realistic_pii_{s}.jsonl" for s in "flnopqrstuvw")


def run(carry: Path, out: Path, n_train: int, device: str, n_test: int = 1000, n_validation: int = 600,
        seeds: list[int] | None = None, hand_labelled: list[Path] = (), eval_data: list[Path] = (),
        systems: str = "sae+rules,raw+rules,mix+rules", precision: str = "float32", epochs: int | None = None,
        eval_limit: int = 0, budget_s: float | None = None, work: Path | None = None) -> dict:
    """synth-data (the held-out test documents), then for each entry N of `seeds` (None: one fit with
    fit-probes' default) `fit-probes --seeds N` into its own copy of the carried run (run_sN) and eval
    on the test documents, the presidio-research files and `eval_data` (out/eval-sN.json, and the
    fit's probes.json as out/probes-sN.json). Returns and writes out/times.json: seconds per step,
    "skipped" for a step not started (the budget ran out, or a step it needs did not finish),
    "timeout" for one the budget stopped; rewritten after every step, so what finished is there
    even if the whole call is killed. `work` (default out/work) holds the documents and run dirs."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    work = work or out / "work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(carry / "run", work / "run")
    cfg_path = work / "run" / "sae" / "cfg.json"  # the SAE reads the carried model, wherever it landed
    cfg = json.loads(cfg_path.read_text())
    cfg["metadata"]["model_name"] = cfg["metadata"]["sae_pii_config"]["model_name"] = str(carry.resolve() / "model")
    cfg_path.write_text(json.dumps(cfg, indent=1))
    presidio_files = [_presidio_file(carry, name, work) for name in PRESIDIO_FILES]
    cli = [sys.executable, "-m", "sae_pii"]
    # name: (arguments, the steps it needs, the run dir to create from the carried SAE first)
    steps: dict[str, tuple[list, list[str], Path | None]] = {
        "synth-data": (["synth-data", "--out-dir", work / "data", "--n-train", "1", "--n-validation", "1",
                        "--n-test", str(n_test), "--seed", "0"], [], None),
    }
    for n_seeds in seeds or [None]:
        suffix = "" if n_seeds is None else f"-s{n_seeds}"
        run_dir = work / ("run" if n_seeds is None else f"run_s{n_seeds}")
        fit = ["fit-probes", "--model-dir", run_dir, "--n-train", str(n_train), "--n-validation", str(n_validation),
               "--device", device] + [a for f in hand_labelled for a in ("--hand-labelled", f)] \
            + (["--seeds", str(n_seeds)] if n_seeds is not None else []) \
            + (["--epochs", str(epochs)] if epochs is not None else [])
        steps[f"fit-probes{suffix}"] = (fit, [], None if n_seeds is None else run_dir)
        steps[f"eval{suffix}"] = (
            ["eval", "--model-dir", run_dir, "--data", work / "data" / "test.jsonl"]
            + [a for f in presidio_files for a in ("--data", f)]
            + [a for f in eval_data for a in ("--data", f)]
            + ["--systems", systems, "--device", device, "--precision", precision, "--latency-docs", "0",
               "--out", out / f"eval{suffix}.json"] + (["--limit", str(eval_limit)] if eval_limit else []),
            ["synth-data", f"fit-probes{suffix}"], None)

    times: dict = {}
    failed: list[str] = []

    def result() -> dict:
        return times | ({"failed": failed[0] if len(failed) == 1 else failed} if failed else {})

    for name, (args, needs, new_run) in steps.items():
        left = None if budget_s is None else budget_s - (time.perf_counter() - started)
        if (left is not None and left < 1) or any(not isinstance(times.get(n), float) or n in failed for n in needs):
            times[name] = "skipped"
        else:
            if new_run is not None:
                shutil.rmtree(new_run, ignore_errors=True)
                shutil.copytree(work / "run" / "sae", new_run / "sae")
            t0 = time.perf_counter()
            with (out / f"{name}.log").open("w") as log:
                try:
                    rc = subprocess.run(cli + [str(a) for a in args], check=False, stdout=log,
                                        stderr=subprocess.STDOUT, timeout=left).returncode
                except subprocess.TimeoutExpired:
                    rc = None
                    log.write(f"\n[gpu_probe_fit] stopped: the budget of {budget_s} s ran out\n")
            times[name] = "timeout" if rc is None else round(time.perf_counter() - t0, 1)
            if rc:
                failed.append(name)
            probes = Path(args[2]) / "probes" / "probes.json"
            if rc == 0 and name.startswith("fit-probes") and probes.exists():
                shutil.copy(probes, out / f"probes{name.removeprefix('fit-probes')}.json")
        (out / "times.json").write_text(json.dumps(result(), indent=2) + "\n")
        if failed and seeds is None:  # a single fit: nothing after a failure can run (as before)
            break
    return result()


def _ints(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v.strip()]


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
    r.add_argument("--n-test", type=int, default=1000, help="generated held-out test documents")
    r.add_argument("--n-validation", type=int, default=600, help="fit-probes' generated validation documents")
    r.add_argument("--device", default="cuda")
    r.add_argument("--work", type=Path, default=None,
                   help="folder for the documents and run dirs (default OUT/work; e.g. /tmp on the GPU machine, "
                        "where only a few files under $OUT come back)")
    r.add_argument("--hand-labelled", type=Path, action="append", default=[],
                   help="passed to fit-probes --hand-labelled (repeatable)")
    r.add_argument("--demo-hand-labelled", action="store_true",
                   help="the hand-labelled files make demo trains on (scripts/demo.sh), added to --hand-labelled")
    r.add_argument("--seeds", type=_ints, default=None,
                   help="comma list: one fit-probes --seeds N per value, each into its own run dir (run_sN), "
                        "steps named fit-probes-sN / eval-sN, reports eval-sN.json (default: one fit, fit-probes' "
                        "default seeds)")
    r.add_argument("--eval-data", type=Path, action="append", default=[], help="more files to evaluate on (repeatable)")
    r.add_argument("--blind-sets", action="store_true",
                   help="also evaluate on the realistic sets make demo never trains on (F, L, N-W), with the "
                        "systems mix+rules only")
    r.add_argument("--systems", default=None,
                   help="eval --systems (default: sae+rules,raw+rules,mix+rules; mix+rules with --blind-sets)")
    r.add_argument("--precision", default="float32", help="eval --precision")
    r.add_argument("--epochs", type=int, default=None, help="fit-probes --epochs (default: fit-probes' own)")
    r.add_argument("--eval-limit", type=int, default=0, help="eval --limit: first N documents of each file (0: all)")
    r.add_argument("--budget-s", type=float, default=None,
                   help="seconds for the whole run: a step running at the deadline is stopped ('timeout'), the "
                        "steps after it are 'skipped' in times.json")
    args = parser.parse_args(argv)
    if args.command == "prepare":
        prepare(args.run, args.out, args.presidio)
        return 0
    hand_labelled = args.hand_labelled + ([Path(f) for f in DEMO_HAND_LABELLED] if args.demo_hand_labelled else [])
    eval_data = args.eval_data + ([Path(f) for f in BLIND_SETS] if args.blind_sets else [])
    for f in hand_labelled + eval_data:
        if not f.is_file():
            parser.error(f"{f}: no such file")
    systems = args.systems or ("mix+rules" if args.blind_sets else "sae+rules,raw+rules,mix+rules")
    times = run(args.carry, args.out, args.n_train, args.device, args.n_test, args.n_validation, seeds=args.seeds,
                hand_labelled=hand_labelled, eval_data=eval_data, systems=systems, precision=args.precision,
                epochs=args.epochs, eval_limit=args.eval_limit, budget_s=args.budget_s, work=args.work)
    print(json.dumps(times))
    return 0 if "failed" not in times else 1


if __name__ == "__main__":
    raise SystemExit(main())
