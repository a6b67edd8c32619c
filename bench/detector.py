"""PII detector benchmark: latency for a 128- and a 512-token document (p50/p95), the detector's
overhead above the bare truncated forward pass of the model, and the detector process's peak
memory, with Presidio (offline pattern recognizers) as the peer where the comparison makes sense.

Needs a run directory with probes (`make demo` writes models/sae-trained); set PII_RUN_DIR to use
another. ratio > 1 means ours is better (peer / ours for latency and memory).
The bare forward runs in the detector's precision, so the overhead rows compare like with like.
`python -m bench.detector --precision float32` measures everything in float32 (the default, auto,
takes bfloat16 for the model's forward and the detector's products where the CPU does them 2x
faster); the "auto vs float32" rows time the default detector both ways side by side in one run.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUN_DIR = Path(os.environ.get("PII_RUN_DIR", "models/sae-trained"))
SAMPLE = Path(__file__).resolve().parents[1] / "trainer" / "sae_pii" / "samples" / "support_ticket.txt"

_MEMORY_SCRIPT = r"""
import json, resource, sys
kind, run_dir, text = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
if kind == "ours":
    from sae_pii.pii.detector import SAEPIIDetector
    det = SAEPIIDetector.from_pretrained(run_dir)
else:
    from sae_pii.pii.presidio_baseline import PresidioBaseline
    det = PresidioBaseline()
for _ in range(3):
    det.detect(text)
# VmHWM is this process's own high-water mark; ru_maxrss would also count the parent's RSS at fork
# (Linux carries it over exec), which made both columns read the benchmark process's size.
try:
    peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_rss_mb": peak_kb / 1024}))
"""


def _document(tokenizer, n_tokens: int) -> str:
    """A realistic document of exactly n_tokens tokens: the sample ticket repeated and cut."""
    base = SAMPLE.read_text()
    text = base
    while len(tokenizer(text, add_special_tokens=False)["input_ids"]) < n_tokens:
        text += "\n\n" + base
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    return text[: enc["offset_mapping"][n_tokens - 1][1]]


def _interleaved_times(fns: list, repeats: int) -> list[list[float]]:
    """Milliseconds per call of each function, taking turns (a, b, c, a, b, c, ...), so a slow
    stretch of a shared machine hits all of them alike instead of one whole phase."""
    for fn in fns:
        fn()  # warm-up
    out: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, times in zip(fns, out):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
    return out


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def _row(metric, unit, ours, peer=None, peer_name="", notes="", higher_is_better=False):
    ratio = None
    if isinstance(ours, (int, float)) and isinstance(peer, (int, float)) and ours and peer:
        ratio = round(ours / peer if higher_is_better else peer / ours, 3)
    return {"bench": "detector", "metric": metric, "unit": unit, "ours": ours, "peer": peer,
            "peer_name": peer_name, "ratio": ratio, "notes": notes}


def _peak_memory(kind: str, text: str) -> float:
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-detector-{os.getpid()}.txt"
    tmp.write_text(text)
    try:
        res = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT, kind, str(RUN_DIR), str(tmp)],
                             capture_output=True, text=True, timeout=600, check=False,
                             env={**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"})
    finally:
        tmp.unlink(missing_ok=True)
    if res.returncode != 0:
        raise RuntimeError(f"memory probe ({kind}) failed: {res.stderr[-800:]}")
    return round(json.loads(res.stdout.strip().splitlines()[-1])["peak_rss_mb"], 1)


def run(quick: bool, precision: str = "auto") -> list[dict]:
    if not (RUN_DIR / "probes" / "probes.json").is_file():
        return [_row("latency", "ms", None, notes=f"skipped: no probes in {RUN_DIR}; run `make demo` first "
                     "(or set PII_RUN_DIR)")]
    import torch
    from sae_pii.pii.detector import SAEPIIDetector
    from sae_pii.pii.presidio_baseline import PresidioBaseline
    from sae_pii.pii.probes import load_probes

    presidio = PresidioBaseline()
    repeats = 10 if quick else 40
    rows = []
    threads = torch.get_num_threads()
    # Every probe, each with the rule layer as `sae-pii detect` runs it: the SAE-latent probe pays
    # for the SAE encoder, the raw-activation probe does not, the mixture runs both.
    meta, available = load_probes(RUN_DIR / "probes")
    dets = {probe: SAEPIIDetector.from_pretrained(RUN_DIR, probe=probe, validators=True, precision=precision)
            for probe in ("sae", "raw", "mix") if probe in available}
    for probe, det in dets.items():
        rows += _latency_rows(det, probe, presidio, repeats, threads)
    det = dets.get(meta["default_probe"]) or SAEPIIDetector.from_pretrained(RUN_DIR, precision=precision)  # for the stages
    if precision != "float32":
        float32 = SAEPIIDetector.from_pretrained(RUN_DIR, probe=det.info.name, validators=det.validators,
                                                 precision="float32")
        rows += _precision_rows(det, float32, repeats)
    text512 = _document(det.lm.tokenizer, 512)
    rows += _stage_rows(det, text512, repeats)
    rows.append(_row("peak memory (process)", "MB", _peak_memory("ours", text512), _peak_memory("presidio", text512),
                     "presidio (offline patterns)", "peak RSS (VmHWM) of a fresh process that loads the default "
                     "detector (probes.json default_probe) and runs 3 detections; goal < 1536 MB"))
    return rows


def _stage_rows(det, text: str, repeats: int) -> list[dict]:
    """Where one detect() call spends its time, stage by stage (medians; they add up to detect). On
    a GPU each stage waits for its kernels, so the times are the stages' own."""
    import torch
    from sae_pii.pii import features as feat
    from sae_pii.pii.decode import decode
    from sae_pii.pii.shapes import token_shapes

    device = det.lm.device
    state: dict = {}

    def done():
        if torch.device(device).type == "cuda":
            torch.cuda.synchronize(device)

    def tokenize():
        state["tok"] = feat.tokenize(det.lm.tokenizer, text)

    def forward():
        state["acts"] = det.activations([state["tok"]])[0]

    def shapes():
        state["shapes"] = token_shapes(text, state["tok"].offsets, det.probe.shape_features)

    def probe_input():  # the SAE encoder (matmul + top-k) for probes that read SAE latents
        with torch.inference_mode():
            state["input"] = det.probe_input(state["acts"].to(device))
        done()

    def probe():
        with torch.inference_mode():
            state["probs"] = det.probe(state["input"], state["shapes"]).float().cpu().numpy()

    def decode_rules():
        decode(text, state["tok"].offsets, state["probs"], det.thresholds, validators=det.validators)

    stages = {"tokenize": tokenize, "forward": forward, "token shapes": shapes, "SAE encoder": probe_input,
              "probe": probe, "decode + rules": decode_rules}
    times = _interleaved_times(list(stages.values()), repeats)
    n_tok = len(state["tok"].ids)
    return [_row(f"stage {name} {n_tok} tok ({det.info.name} probe)", "ms", round(statistics.median(t), 2),
                 notes="median per detect() stage, run in order") for name, t in zip(stages, times)]


def _latency_rows(det, probe: str, presidio, repeats: int, threads: int) -> list[dict]:
    rows = []
    for n_tok in (128, 512):
        text = _document(det.lm.tokenizer, n_tok)
        bare, n_batches = _bare_forward(det, text)
        ours, peer, fwd = _interleaved_times([lambda t=text: det.detect(t), lambda t=text: presidio.detect(t), bare],
                                             repeats)
        for q in (50, 95):
            rows.append(_row(f"latency p{q} {n_tok} tok ({probe} probe)", "ms", round(_pct(ours, q), 2),
                             round(_pct(peer, q), 2), "presidio (offline patterns)",
                             f"{threads} torch threads; {repeats} runs, interleaved with the peer and the bare forward"))
        overhead = statistics.median(ours) / statistics.median(fwd) - 1
        rows.append(_row(f"overhead vs forward {n_tok} tok ({probe} probe)", "%", round(100 * overhead, 1), notes=(
            f"median detect {statistics.median(ours):.1f} ms vs truncated forward {statistics.median(fwd):.1f} ms "
            f"(layer {det.lm.layer}, {n_batches} batch(es) of {det.window}-token windows); precision "
            f"{det.precision} (forward in {_dtype(det.forward_dtype)}"
            + (f", SAE encoder in {_dtype(det.sae_matmul_dtype)}" if det.sae is not None else "") + "); goal < 10 %")))
    return rows


def _bare_forward(det, text: str):
    """(a call running the bare truncated forward over the windows det.detect(text) runs, in det's
    precision; how many batches they make)."""
    import torch
    from sae_pii.pii import features as feat

    batches = list(feat.window_batches([feat.tokenize(det.lm.tokenizer, text)], feat.SpecialLayout(det.lm.tokenizer),
                                       det.window, det.overlap, det.batch_windows))

    def bare():
        with torch.inference_mode(), det.forward_precision():
            for ids, mask, _ in batches:
                det.lm(ids, mask)

    return bare, len(batches)


def _dtype(dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _precision_rows(det, float32, repeats: int) -> list[dict]:
    """The default detector in its precision (auto) against itself all in float32, taking turns: what
    the bfloat16 forward and products buy, and the auto detector against the float32 forward alone."""
    rows = []
    for n_tok in (128, 512):
        text = _document(det.lm.tokenizer, n_tok)
        bare_float32, _ = _bare_forward(float32, text)
        ours, peer, fwd = _interleaved_times([lambda t=text: det.detect(t), lambda t=text: float32.detect(t),
                                              bare_float32], repeats)
        name = f"{det.info.name} probe, {det.precision} vs float32"
        rows.append(_row(f"latency p50 {n_tok} tok ({name})", "ms", round(_pct(ours, 50), 2), round(_pct(peer, 50), 2),
                         "the same detector in float32", f"forward in {_dtype(det.forward_dtype)}; {repeats} runs, interleaved"))
        rows.append(_row(f"detect ({det.precision}) vs float32 forward {n_tok} tok ({det.info.name} probe)", "%",
                         round(100 * (statistics.median(ours) / statistics.median(fwd) - 1), 1), notes=(
                             f"median detect {statistics.median(ours):.1f} ms in {det.precision} vs the float32 "
                             f"truncated forward alone {statistics.median(fwd):.1f} ms: below 0, the whole detector "
                             "costs less than the model's float32 forward")))
    return rows


if __name__ == "__main__":
    precision = sys.argv[sys.argv.index("--precision") + 1] if "--precision" in sys.argv else "auto"
    for r in run(quick="--quick" in sys.argv, precision=precision):
        print(r)
