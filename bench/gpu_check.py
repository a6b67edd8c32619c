"""The prepared check for a lent GPU: one call, about 7 minutes on an H100/H200.

    PYTHONPATH=trainer:. python -m bench.gpu_check --out DIR            # on the GPU machine
    PYTHONPATH=trainer:. python -m bench.gpu_check --out DIR --smoke    # toy sizes on the CPU (a rehearsal)

What it runs, each step on its own so that one failure does not hide the others (DIR/gpu_check.json
gets every step's outcome, DIR/*.log their output):

1. sae_step: bench.gpu_sae, the Llama-sized SAE step (ours dense / sparse, SAELens when importable).
2. llama: the shipped A100 config (`llama-3.1-8b-a100`: block 12, 32k latents, k 64, 16 GiB
   shuffling buffer, bf16) on a Llama-3.1-8B-shaped model with random weights cut after block 12
   (the weights are gated and nothing can be downloaded there), on the default offline corpus
   with a BPE tokenizer trained on it. SIGTERM after a while, then --resume to the token budget:
   the measured tokens/s and peak GPU memory, and the checkpoint/resume path on CUDA.
3. pii: the PII pipeline on CUDA on an all-MiniLM-L6-v2-shaped model with random weights (the
   real weights do not fit the 64 MiB that travels): SAE (cpu-demo config with device=cuda),
   fit-probes --device cuda, eval --device cuda, then the same run dir's detector on CPU and CUDA
   over the test documents: the spans must agree, and the detector's latency on the GPU.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

CLI = [sys.executable, "-m", "sae_pii"]
# Llama-3.1-8B's shape (config.json of meta-llama/Llama-3.1-8B), cut after block 12.
LLAMA_8B = {"hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32, "num_key_value_heads": 8,
            "vocab_size": 128256, "rope_theta": 500000.0, "max_position_embeddings": 8192, "num_hidden_layers": 13}
LLAMA_TOY = {"hidden_size": 64, "intermediate_size": 128, "num_attention_heads": 4, "num_key_value_heads": 2,
             "vocab_size": 4000, "max_position_embeddings": 256, "num_hidden_layers": 13}


def _run(cmd: list[str], log: Path, timeout: float) -> int:
    with log.open("a") as fh:
        fh.write(f"$ {' '.join(map(str, cmd))}\n")
        fh.flush()
        try:
            return subprocess.run(list(map(str, cmd)), stdout=fh, stderr=subprocess.STDOUT, timeout=timeout,
                                  check=False).returncode
        except subprocess.TimeoutExpired:
            fh.write(f"timed out after {timeout} s\n")
            return 124


def _tail(log: Path, n: int = 15) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-n:]) if log.exists() else ""


def _summary(run_dir: Path) -> dict:
    return json.loads((run_dir / "training_history.json").read_text())["summary"]


def _corpus_and_tokenizer(work: Path, n_docs: int, vocab: int) -> Path:
    """The default offline corpus as jsonl, and a BPE tokenizer trained on it saved into `work`."""
    from sae_pii.corpus import write_default_corpus
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    corpus = write_default_corpus(work / "corpus.jsonl", n_docs, seed=1)
    texts = [json.loads(line)["text"] for line in corpus.read_text().splitlines()]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=vocab, special_tokens=["<unk>", "<s>", "</s>"]))
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", tok.token_to_id("<s>"))])
    PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>").save_pretrained(work)
    return corpus


def step_sae_step(out: Path, smoke: bool) -> dict:
    if smoke:
        return {"skipped": "bench.gpu_sae needs CUDA; its logic has a CPU test"}
    log = out / "sae_step.log"
    rc = _run([sys.executable, "-m", "bench.gpu_sae", "--out", out / "gpu_sae.json"], log, timeout=240)
    report = json.loads((out / "gpu_sae.json").read_text()) if rc == 0 else None
    return {"rc": rc, "report": report, "tail": None if rc == 0 else _tail(log)}


def step_llama(out: Path, smoke: bool, device: str, tokens: int = 6_000_000, stop_after: float = 75.0) -> dict:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    work = out / "llama" if smoke else Path("/tmp/gpu_check_llama")
    work.mkdir(parents=True, exist_ok=True)
    log = out / "llama.log"
    t0 = time.perf_counter()
    corpus = _corpus_and_tokenizer(work, 200 if smoke else 2000, 800 if smoke else 8000)
    torch.manual_seed(0)
    default_dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)  # build in bf16 on the device: 3.4B parameters, 6.8 GB
    try:
        with torch.device(device):
            model = LlamaForCausalLM(LlamaConfig(**(LLAMA_TOY if smoke else LLAMA_8B)))
    finally:
        torch.set_default_dtype(default_dtype)
    n_params = sum(p.numel() for p in model.parameters())
    model.save_pretrained(work)
    del model
    if device == "cuda":
        torch.cuda.empty_cache()
    build_s = time.perf_counter() - t0

    run_dir = work / "run"
    sets = [f"model.name={work}", f"data.dataset={corpus}", "eval_ce=false", f"device={device}",
            "checkpoint_every=1000000", "log_every=20"]
    if smoke:
        sets += ["mixed_precision=no", "data.context_size=64", "data.lm_batch_size=4", "data.buffer_tokens=4096",
                 "data.val_tokens=512", "optim.batch_size=256", "sae.expansion_factor=4", "sae.k=8",
                 "total_tokens=40000", "eval_every=20", "optim.warmup_steps=5"]
        stop_after = 8.0
    else:
        sets += [f"total_tokens={tokens}", "eval_every=500"]
    cmd = CLI + ["train", "--config", "llama-3.1-8b-a100", "--out-dir", run_dir] + [a for s in sets for a in ("--set", s)]
    with log.open("a") as fh:
        fh.write(f"$ {' '.join(map(str, cmd))}\n")
        fh.flush()
        proc = subprocess.Popen(list(map(str, cmd)), stdout=fh, stderr=subprocess.STDOUT)
        try:
            proc.wait(timeout=stop_after or None)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)
        first_rc = proc.wait(timeout=180)
    first = _summary(run_dir) if (run_dir / "training_history.json").exists() else None
    resume_rc = _run(cmd + ["--resume"], log, timeout=150 if smoke else 330) if stop_after else None
    final = _summary(run_dir) if (run_dir / "training_history.json").exists() else None
    if final and not smoke:  # every log row's tokens/s, for the record
        (out / "llama_history.json").write_text((run_dir / "training_history.json").read_text())
    return {"params": n_params, "build_and_save_s": build_s, "first_rc": first_rc,
            "first_stopped": first and first["stopped_reason"], "first_tokens": first and first["trained_tokens"],
            "resume_rc": resume_rc, "final": final, "tail": _tail(log)}


def _random_minilm(path: Path, device: str) -> Path:
    """all-MiniLM-L6-v2's config and tokenizer with random weights."""
    import torch
    from sae_pii.lm import resolve_model_path
    from transformers import AutoConfig, AutoTokenizer, BertModel

    source = os.environ.get("MINILM_CONFIG_DIR") or resolve_model_path("default")  # (config + tokenizer only)
    torch.manual_seed(0)
    BertModel(AutoConfig.from_pretrained(source)).save_pretrained(path)
    AutoTokenizer.from_pretrained(source).save_pretrained(path)
    return path


def _detect_parity(run_dir: Path, docs: list[str], device: str) -> dict:
    """Spans on the CPU in float32 against `device` (both float32: they should agree), and the CPU's
    "auto" precision (the forward and the products in bfloat16 where that CPU does them faster)
    against its float32."""
    from sae_pii.pii.detector import SAEPIIDetector

    from bench.detector import _stage_rows

    def agreement(x_docs, y_docs) -> dict:
        key = lambda s: (s.start, s.end, s.label)
        same = sum([key(a) for a in x] == [key(b) for b in y] for x, y in zip(x_docs, y_docs))
        # Scores of the spans both found (a span found by one side only has no pair).
        diffs = [abs(a.score - b.score) for x, y in zip(x_docs, y_docs)
                 for a in x for b in y if key(a) == key(b)]
        return {"docs_with_identical_spans": same, "max_score_diff_of_shared_spans": max(diffs, default=0.0)}

    out = {}
    for probe in ("sae", "raw"):
        spans = {}
        # The device's detector last: the latency below is its own. (On a CPU rehearsal "device" is a
        # second float32 CPU run, which checks that detection repeats.)
        for name, dev, precision in (("cpu_float32", "cpu", "float32"), ("cpu_auto", "cpu", "auto"),
                                     ("device", device, "float32")):
            det = SAEPIIDetector.from_pretrained(run_dir, device=dev, probe=probe, precision=precision)
            spans[name] = [det.detect(t) for t in docs]
        times = {}
        for n_words in (96, 384):  # ~240 and ~860 tokens of the generated test documents
            text = " ".join((" ".join(docs)).split()[:n_words])
            for _ in range(3):
                det.detect(text)
            samples = []
            for _ in range(20):
                t = time.perf_counter()
                det.detect(text)
                samples.append(time.perf_counter() - t)
            times[f"{n_words}_words_p50_ms"] = 1000 * statistics.median(samples)
            # Where the device's detect() spends it (the third lent H200 found it 3-4x slower than the first).
            times[f"{n_words}_words_stages_ms"] = {r["metric"].split(" ", 1)[1]: r["ours"]
                                                   for r in _stage_rows(det, text, repeats=20)}
        out[probe] = {"docs": len(docs), "spans": sum(map(len, spans["cpu_float32"])),
                      f"{device}_vs_cpu_float32": agreement(spans["cpu_float32"], spans["device"]),
                      "cpu_auto_vs_cpu_float32": agreement(spans["cpu_float32"], spans["cpu_auto"]), "latency": times}
    return out


def step_pii(out: Path, smoke: bool, device: str) -> dict:
    work = out / "pii" if smoke else Path("/tmp/gpu_check_pii")
    work.mkdir(parents=True, exist_ok=True)
    log = out / "pii.log"
    model = _random_minilm(work / "minilm-random", device)
    run_dir, data = work / "run", work / "data"
    n_train = 300 if smoke else 1500
    steps = [
        CLI + ["train", "--config", "cpu-demo", "--out-dir", run_dir, "--set", f"model.name={model}",
               "--set", f"device={device}", "--set", f"total_tokens={30000 if smoke else 300000}"],
        CLI + ["synth-data", "--out-dir", data, "--n-train", n_train, "--n-validation", 100, "--n-test", 200, "--seed", 0],
        CLI + ["fit-probes", "--model-dir", run_dir, "--train", data / "train.jsonl", "--validation",
               data / "validation.jsonl", "--n-train", n_train, "--n-validation", 100, "--epochs", 2, "--device", device],
        CLI + ["eval", "--model-dir", run_dir, "--data", data / "test.jsonl", "--systems", "sae,sae+rules,raw,raw+rules",
               "--json", "--latency-docs", 20, "--device", device, "--out", out / "pii_eval.json"],
    ]
    for cmd in steps:
        rc = _run(cmd, log, timeout=240)
        if rc != 0:
            return {"failed": " ".join(map(str, cmd[2:4])), "rc": rc, "tail": _tail(log)}
    docs = [json.loads(line)["text"] for line in (data / "test.jsonl").read_text().splitlines()[:50]]
    return {"parity": _detect_parity(run_dir, docs, device), "train": _summary(run_dir)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, type=Path, help="folder for gpu_check.json and the logs")
    parser.add_argument("--smoke", action="store_true", help="toy sizes on the CPU: rehearse the script")
    parser.add_argument("--steps", default="sae_step,llama,pii", help="comma list of steps to run")
    parser.add_argument("--llama-tokens", type=int, default=6_000_000, help="the llama step's token budget")
    parser.add_argument("--llama-stop-after", type=float, default=75.0,
                        help="seconds before the llama step's SIGTERM and --resume (0: one uninterrupted run)")
    args = parser.parse_args(argv)
    import torch

    device = "cpu" if args.smoke else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        print("no CUDA device: run with --smoke for the CPU rehearsal", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    report = {"device": torch.cuda.get_device_name() if device == "cuda" else "cpu", "torch": torch.__version__,
              "steps": {}}
    steps = {"sae_step": lambda: step_sae_step(args.out, args.smoke),
             "llama": lambda: step_llama(args.out, args.smoke, device, args.llama_tokens, args.llama_stop_after),
             "pii": lambda: step_pii(args.out, args.smoke, device)}
    for name in args.steps.split(","):
        t = time.perf_counter()
        try:
            result = steps[name]()
        except Exception as exc:  # noqa: BLE001 - report it and go on to the next step
            result = {"error": f"{exc.__class__.__name__}: {exc}"}
        result["wall_s"] = time.perf_counter() - t
        report["steps"][name] = result
        (args.out / "gpu_check.json").write_text(json.dumps(report, indent=2, default=str))
        print(f"[gpu_check] {name}: {json.dumps(result, default=str)[:2000]}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
