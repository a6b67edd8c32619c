"""Activation extraction: the forward pass stopped at block L against the usual full forward.

Peer: `AutoModel` run to the end with `output_hidden_states=True`, then `hidden_states[L + 1]`
taken (what you do without a truncated model). Ours: `TruncatedLM` (blocks after L dropped, the
forward stops at L). Same model (all-MiniLM-L6-v2), layer (3, the CPU demo's), token windows and
batch, under `torch.inference_mode`, timed alternately, best repeat kept.

A second row compares reading the activations back from the on-disk cache (memory-mapped .npy
shards) with computing them through the truncated LM: what a second SAE run on the same data costs.
"""

from __future__ import annotations

import tempfile
import time

import torch

MODEL, LAYER = "all-MiniLM-L6-v2", 3
FULL = {"batch": 32, "context": 128, "n_batches": 2, "repeats": 3, "cache_tokens": 30_000}
QUICK = {"batch": 4, "context": 32, "n_batches": 1, "repeats": 1, "cache_tokens": 2_000}


def _inputs(lm, batch: int, context: int, n_batches: int):
    from sae_pii.data import DataConfig, TokenWindows, WindowPos

    data = DataConfig(dataset="default", context_size=context, default_corpus_documents=400)
    tw = TokenWindows(data, lm.tokenizer)
    windows = []
    for w in tw.epoch(WindowPos(0, 0, 0, 0)):
        windows.append(w)
        if len(windows) == batch * n_batches:
            break
    out = []
    for i in range(0, len(windows), batch):
        ids, mask = tw.pad(windows[i:i + batch])
        out.append((torch.tensor(ids), torch.tensor(mask)))
    return out


def _best(fn, repeats: int) -> float:
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def forward_rows(p: dict) -> list[dict]:
    from sae_pii.lm import TruncatedLM, resolve_model_path
    from transformers import AutoModel

    lm = TruncatedLM.from_pretrained(MODEL, LAYER)
    full = AutoModel.from_pretrained(resolve_model_path(MODEL)).eval()
    batches = _inputs(lm, p["batch"], p["context"], p["n_batches"])
    n_tokens = sum(int(m.sum()) for _, m in batches)

    def ours():
        with torch.inference_mode():
            for ids, mask in batches:
                lm(ids, mask)

    def peer():
        with torch.inference_mode():
            for ids, mask in batches:
                full(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states[LAYER + 1]

    t_ours = t_peer = float("inf")
    for _ in range(p["repeats"]):  # alternate, so machine load hits both alike
        t_ours = min(t_ours, _best(ours, 1))
        t_peer = min(t_peer, _best(peer, 1))
    return [{
        "bench": "activations",
        "metric": f"LM forward to layer {LAYER}",
        "unit": "tokens/s",
        "ours": n_tokens / t_ours,
        "peer": n_tokens / t_peer,
        "peer_name": "full forward + output_hidden_states",
        "ratio": t_peer / t_ours,
        "notes": f"{MODEL} ({lm.n_layers} blocks), {p['batch']} x {p['context']} tokens per batch, fp32, "
                 f"CPU x{torch.get_num_threads()}, best of {p['repeats']}",
    }]


def cache_rows(p: dict) -> list[dict]:
    """Stream the same activations twice through a cache: the first pass runs the LM, the second reads."""
    import itertools

    from sae_pii.activations import ActivationStream
    from sae_pii.data import DataConfig
    from sae_pii.lm import TruncatedLM

    lm = TruncatedLM.from_pretrained(MODEL, LAYER)
    batch = 1024 if p["cache_tokens"] >= 10_000 else 256
    n_batches = p["cache_tokens"] // batch
    with tempfile.TemporaryDirectory() as cache_dir:
        def stream():
            data = DataConfig(dataset="default", context_size=p["context"], lm_batch_size=p["batch"],
                              buffer_tokens=p["cache_tokens"], val_tokens=0, cache_dir=cache_dir,
                              default_corpus_documents=2000)
            return ActivationStream(lm, data, batch, "cpu")

        def consume(s):
            start = time.perf_counter()
            for _ in itertools.islice(iter(s), n_batches):
                pass
            return time.perf_counter() - start

        first = stream()
        t_lm = consume(first)
        second = stream()
        t_cache = consume(second)
        assert second.lm_tokens == 0, "the second pass should read everything from the cache"
    n = n_batches * batch
    return [{
        "bench": "activations",
        "metric": "activations from disk cache",
        "unit": "tokens/s",
        "ours": n / t_cache,
        "peer": n / t_lm,
        "peer_name": f"tokenize + LM to layer {LAYER}",
        "ratio": t_lm / t_cache,
        "notes": f"ActivationStream, {n} tokens, batch {batch}, float32 memory-mapped .npy shards; the first "
                 "pass (LM) also writes the cache",
    }]


def run(quick: bool) -> list[dict]:
    p = QUICK if quick else FULL
    return forward_rows(p) + cache_rows(p)
