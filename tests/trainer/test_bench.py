"""Smoke test of the benchmark modules in quick mode: the rows bench/run.py prints. Never timed."""

from __future__ import annotations

import math

import pytest

from bench import gpu_sae

KEYS = {"bench", "metric", "unit", "ours", "peer", "peer_name", "ratio", "notes"}


def check_rows(rows: list[dict], bench: str) -> None:
    assert rows, "a bench module must return at least one row"
    for row in rows:
        assert set(row) == KEYS
        assert row["bench"] == bench and row["unit"] == "tokens/s"
        assert row["ours"] > 0 and row["peer"] > 0 and math.isfinite(row["ratio"])
        assert row["ratio"] == pytest.approx(row["ours"] / row["peer"], rel=1e-6)
        assert row["peer_name"] and row["notes"]


def test_sae_training_quick_rows():
    from bench import sae_training

    rows = sae_training.run(quick=True)
    check_rows(rows, "sae_training")
    assert [r["metric"] for r in rows] == ["TopK SAE step", "TopK SAE step (dense)"]
    assert all("sae-lens" in r["peer_name"] and "d_in 64" in r["notes"] for r in rows)


def test_activations_quick_rows():
    from bench import activations

    rows = activations.run(quick=True)
    check_rows(rows, "activations")
    assert [r["metric"] for r in rows] == ["LM forward to layer 3", "activations from disk cache"]


def test_gpu_peak_table_and_rows():
    assert gpu_sae.peak_tflops("NVIDIA H100 80GB HBM3") == 989.0
    assert gpu_sae.peak_tflops("NVIDIA H100 PCIe") == 756.0
    assert gpu_sae.peak_tflops("NVIDIA A100-SXM4-80GB") == 312.0
    assert gpu_sae.peak_tflops("Some Future GPU") is None
    assert gpu_sae.flops_per_token(4096, 32768) == 6 * 4096 * 32768
    report = {
        "device": "NVIDIA H100 80GB HBM3", "peak_bf16_tflops": 989.0, "errors": {}, "d_model": 4096,
        "d_sae": 32768, "k": 32, "batch": 4096, "flops_per_token": 6 * 4096 * 32768,
        "results": {
            "ours dense": {"tokens_per_s": 1e6, "peak_fraction": 1e6 * 6 * 4096 * 32768 / 989e12},
            "ours sparse": {"tokens_per_s": 2e6, "peak_fraction": 2e6 * 6 * 4096 * 32768 / 989e12},
            "SAELens": {"tokens_per_s": 1e6, "peak_fraction": 1e6 * 6 * 4096 * 32768 / 989e12},
        },
    }
    speed, mfu = gpu_sae.gpu_rows(report)
    assert speed["ours"] == 2e6 and speed["ratio"] == 2.0 and "ours sparse" in speed["notes"]
    assert mfu["unit"] == "%" and mfu["ours"] == pytest.approx(100 * 2e6 * 6 * 4096 * 32768 / 989e12)


def test_gpu_script_without_cuda_says_so(tmp_path, capsys):
    import torch

    if torch.cuda.is_available():  # on a GPU machine the script really runs; this test is about CPU CI
        return
    assert gpu_sae.main(["--out", str(tmp_path / "r.json")]) == 2
    assert "needs a GPU" in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


def test_gpu_check_without_cuda_points_to_the_rehearsal(tmp_path, capsys):
    import torch

    from bench import gpu_check

    if torch.cuda.is_available():
        return
    assert gpu_check.main(["--out", str(tmp_path / "out")]) == 2
    assert "--smoke" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_gpu_measurement_logic_dry_run_on_cpu(monkeypatch):
    """The GPU script's measuring code, at toy sizes on the CPU (bf16 autocast there too)."""
    for name, value in {"D_MODEL": 32, "D_SAE": 128, "K": 4, "BATCH": 64, "WARMUP": 1, "STEPS": 2}.items():
        monkeypatch.setattr(gpu_sae, name, value)
    report = gpu_sae.measure("cpu")
    assert report["device"] == "cpu" and report["peak_bf16_tflops"] is None
    assert set(report["results"]) | set(report["errors"]) == {"ours dense", "ours sparse", "SAELens"}
    assert {"ours dense", "ours sparse"} <= set(report["results"]), report["errors"]
    assert all(r["tokens_per_s"] > 0 for r in report["results"].values())
    (speed,) = gpu_sae.gpu_rows(report)  # no peak for "cpu": no FLOP-fraction row
    assert speed["bench"] == "sae_training_gpu" and "d_model 32" in speed["notes"]
