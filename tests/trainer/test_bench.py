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


def test_detector_kernels_quick_rows():
    """Each row times one of our kernels against the plain torch way (ratio = peer / ours), and the
    padding row counts LM tokens run per real token: sorted batches pad (almost) nothing."""
    from bench import detector_kernels

    rows = detector_kernels.run(quick=True)
    assert len(rows) == 9 and all(set(r) == KEYS and r["bench"] == "detector_kernels" for r in rows)
    for r in rows:
        assert r["ours"] > 0 and r["peer"] > 0 and r["peer_name"] and r["notes"]
        assert r["ratio"] == pytest.approx(r["peer"] / r["ours"], rel=1e-2)
    padding = rows[-1]
    assert padding["unit"] == "tokens / token" and 1.0 <= padding["ours"] < padding["peer"]


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


def test_gpu_probe_fit_run_plans_one_fit_and_eval_per_seed_count(tmp_path, monkeypatch):
    """bench.gpu_probe_fit run --seeds 2,4 --demo-hand-labelled --blind-sets: each fit-probes gets
    --seeds N, its own run dir and the demo's 25 hand-labelled files; each eval scores mix+rules in
    float32 on the test split, the 2 presidio files and the 12 blind sets. A failed fit skips its
    eval only; a spent --budget-s skips every step. (subprocess.run is stubbed: nothing is fitted.)"""
    import json
    import lzma
    import re
    import subprocess
    import types
    from pathlib import Path

    from bench import gpu_probe_fit as gpf

    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # the demo's files are repo-relative
    # The same files, in the same order, as scripts/demo.sh's list (bash expands its braces; before
    # subprocess.run is stubbed below).
    demo_list = re.search(r"for f in (tests/data/realistic_pii\S+ trainer/hand_labelled/\S+); do",
                          Path("scripts/demo.sh").read_text()).group(1)
    expanded = subprocess.run(["bash", "-c", f"echo {demo_list}"], capture_output=True, text=True, check=True)
    assert tuple(expanded.stdout.split()) == gpf.DEMO_HAND_LABELLED
    carry = tmp_path / "carry"
    (carry / "run" / "sae").mkdir(parents=True)
    meta = {"metadata": {"model_name": "m", "sae_pii_config": {"model_name": "m"}}}
    (carry / "run" / "sae" / "cfg.json").write_text(json.dumps(meta))
    (carry / "data").mkdir()
    for name in gpf.PRESIDIO_FILES:
        (carry / "data" / f"{name}.xz").write_bytes(lzma.compress(b"[]"))
    calls = []

    def fake_run(cmd, **kwargs):
        calls.append(cmd[3:])
        return types.SimpleNamespace(returncode=int(cmd[3] == "fit-probes" and cmd[cmd.index("--seeds") + 1] == "2"))

    monkeypatch.setattr(gpf.subprocess, "run", fake_run)
    args = ["run", "--carry", str(carry), "--out", str(tmp_path / "out"), "--work", str(tmp_path / "w"),
            "--seeds", "2,4", "--demo-hand-labelled", "--blind-sets", "--device", "cpu"]
    assert gpf.main(args) == 1  # the stub fails the --seeds 2 fit
    times = json.loads((tmp_path / "out" / "times.json").read_text())
    assert list(times) == ["synth-data", "fit-probes-s2", "eval-s2", "fit-probes-s4", "eval-s4", "failed"]
    assert times["eval-s2"] == "skipped" and times["failed"] == "fit-probes-s2"
    assert [c[0] for c in calls] == ["synth-data", "fit-probes", "fit-probes", "eval"]
    fit, evaluate = calls[2], calls[3]
    assert fit[fit.index("--seeds") + 1] == "4" and str(tmp_path / "w" / "run_s4") in fit
    assert fit.count("--hand-labelled") == len(gpf.DEMO_HAND_LABELLED) == 25
    assert (tmp_path / "w" / "run_s4" / "sae" / "cfg.json").exists()
    assert evaluate.count("--data") == 1 + 2 + len(gpf.BLIND_SETS) and len(gpf.BLIND_SETS) == 12
    assert evaluate[evaluate.index("--systems") + 1] == "mix+rules"
    assert evaluate[evaluate.index("--precision") + 1] == "float32"
    assert evaluate[evaluate.index("--out") + 1] == str(tmp_path / "out" / "eval-s4.json")

    calls.clear()
    assert gpf.main(args + ["--budget-s", "0"]) == 0 and not calls
    times = json.loads((tmp_path / "out" / "times.json").read_text())
    assert times == dict.fromkeys(["synth-data", "fit-probes-s2", "eval-s2", "fit-probes-s4", "eval-s4"], "skipped")
