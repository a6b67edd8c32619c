"""bench.pii_experiments: cache activations once, then fit and score a probe recipe on them."""

from __future__ import annotations

import json

import pytest
from sae_pii.pii.datasets import write_jsonl
from sae_pii.pii.synth import generate


def test_cache_then_fit_scores_a_recipe(tmp_path, tiny_bert_dir, tiny_lm, tiny_run_dir):
    from bench import pii_experiments as exp

    data = tmp_path / "data"
    for split, n in (("train", 30), ("validation", 10), ("test", 10)):
        write_jsonl(generate(n, split, 0), data / f"{split}.jsonl")
    cache = tmp_path / "cache"
    exp.cache(data, cache, tiny_bert_dir, tiny_lm.layer, presidio=None)
    assert sorted(p.name for p in cache.iterdir()) == ["model.json", "sources.json", "test.safetensors",
                                                      "train.safetensors", "validation.safetensors"]
    out = tmp_path / "scores.json"
    assert exp.main(["fit", "--cache", str(cache), "--run", str(tiny_run_dir), "--kind", "raw",
                     "--config", json.dumps({"epochs": 1, "hidden": 8}), "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["config"]["hidden"] == 8 and report["kind"] == "raw"
    for key in ("validation", "validation+rules", "test", "test+rules"):
        assert 0.0 <= report[key] <= 1.0
    assert "presidio" not in report

    write_jsonl(generate(10, "test", 1), data / "test.jsonl")  # same count, other documents
    with pytest.raises(ValueError, match="run it again"):
        exp.fit(cache, tiny_run_dir, "raw", exp.ProbeTrainConfig(epochs=1), 0)
    write_jsonl(generate(12, "test", 1), data / "test.jsonl")
    with pytest.raises(ValueError, match="run it again"):
        exp.fit(cache, tiny_run_dir, "raw", exp.ProbeTrainConfig(epochs=1), 0)
