"""Training end to end on a tiny random Llama loaded through from_pretrained, plus the config layer."""

from __future__ import annotations

import json

import pytest
import torch
import yaml
from sae_pii.activations import ActivationStream
from sae_pii.config import (
    ConfigError,
    TrainConfig,
    config_from_dict,
    load_config,
    parse_overrides,
    shipped_configs,
)
from sae_pii.lm import TruncatedLM
from sae_pii.sae import SparseAutoencoder
from sae_pii.trainer import lr_lambda, train


def test_short_training_on_a_tiny_llama_reduces_fvu_and_writes_the_run_dir(tiny_config, tmp_path):
    cfg = tiny_config()
    out = tmp_path / "run"
    result = train(cfg, out)
    assert result.stopped_reason == "token_budget"
    assert result.step == 24 and result.tokens == 24 * 128

    hist = json.loads((out / "training_history.json").read_text())
    steps = hist["steps"]
    assert [r["step"] for r in steps] == [4, 8, 12, 16, 20, 24]  # every logged step
    for key in ("fvu", "mse", "l0", "dead_fraction", "tokens_per_s", "lr", "auxk_loss"):
        assert key in steps[0]
    assert steps[-1]["fvu"] < 0.85 * steps[0]["fvu"]
    vals = [r["val_fvu"] for r in steps if "val_fvu" in r]
    assert len(vals) == 3 and vals[-1] < vals[0] - 0.05
    assert steps[-1]["l0"] == pytest.approx(8.0)

    # Outputs load and agree: sae_final.pt, sae/ (SAELens), run dir; all take RAW activations.
    sae = SparseAutoencoder.from_pretrained(out)
    assert (sae.cfg.model_name, sae.cfg.hook_layer, sae.cfg.input_scale) == (cfg.model.name, 2, 1.0)
    pt = SparseAutoencoder.from_pretrained(out / "sae_final.pt")
    lm = TruncatedLM.from_pretrained(sae.cfg.model_name, sae.cfg.hook_layer)
    val = ActivationStream(lm, cfg.data, batch_size=128).validation_activations()
    x_hat = sae.decode(sae.encode(val))
    fvu = ((val - x_hat).pow(2).sum() / (val - val.mean(0)).pow(2).sum()).item()
    assert fvu == pytest.approx(hist["summary"]["final_val_fvu"], rel=1e-3)
    torch.testing.assert_close(pt.encode(val), sae.encode(val))

    from sae_lens import SAE

    theirs = SAE.load_from_disk(out / "sae")
    torch.testing.assert_close(theirs.encode(val), sae.encode(val), rtol=1e-5, atol=1e-5)

    assert (out / "training_curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert config_from_dict(yaml.safe_load((out / "config.yaml").read_text())) == cfg
    assert [p.name for p in sorted((out / "checkpoints").iterdir())] == ["step-16", "step-24"]  # keep 2


def test_early_stopping_reports_tokens_and_cost_saved(tiny_config, tmp_path):
    # min_delta larger than any possible improvement: the second evaluation already stops.
    cfg = tiny_config(early_stopping={"enabled": True, "patience": 1, "min_delta": 10.0},
                      cost_per_hour_usd=2.0, eval_every=4, log_every=3)
    result = train(cfg, tmp_path / "run")
    s = result.summary
    steps = json.loads((tmp_path / "run" / "training_history.json").read_text())["steps"]
    # Evaluations follow eval_every, whatever log_every is.
    assert [(r["step"], "val_fvu" in r) for r in steps] == [(3, False), (4, True), (6, False), (8, True)]
    assert result.stopped_reason == "early_stopping"
    assert s["steps"] == 8 and s["trained_tokens"] == 8 * 128
    assert s["tokens_saved"] == s["planned_tokens"] - s["trained_tokens"] == 16 * 128
    assert s["est_time_saved_s"] == pytest.approx(s["tokens_saved"] / s["measured_tokens_per_s"])
    assert s["est_cost_saved_usd"] == pytest.approx(s["est_time_saved_s"] / 3600 * 2.0)
    assert (tmp_path / "run" / "sae_final.pt").exists()


@pytest.mark.parametrize("arch", ["relu", "batchtopk"])
def test_other_architectures_train(arch, tiny_config, tmp_path):
    cfg = tiny_config(sae={"architecture": arch, "l1_coefficient": 0.5})
    result = train(cfg, tmp_path / "run")
    steps = json.loads((tmp_path / "run" / "training_history.json").read_text())["steps"]
    assert steps[-1]["fvu"] < steps[0]["fvu"]
    sae = SparseAutoencoder.from_pretrained(tmp_path / "run")
    assert sae.cfg.architecture == arch
    if arch == "relu":
        assert steps[-1]["l1_loss"] > 0
        assert result.summary["final_val_l0"] < 256
    else:  # k per token on average over the batch; a threshold for inference
        assert steps[-1]["l0"] == pytest.approx(8.0)
        assert sae.cfg.threshold is not None and sae.cfg.threshold > 0


def test_lr_schedule_warms_up_holds_and_decays_to_zero():
    f = lr_lambda(total_steps=100, warmup_steps=10, decay_fraction=0.2)
    assert f(0) == pytest.approx(0.1) and f(9) == pytest.approx(1.0)
    assert f(50) == 1.0 and f(79) == 1.0
    assert f(90) == pytest.approx(0.5) and f(100) == 0.0


def test_shipped_configs_load_and_validate():
    assert {"cpu-demo", "llama-3.1-8b-a100"} <= set(shipped_configs())
    demo = load_config("cpu-demo")
    assert demo.model.name == "all-MiniLM-L6-v2" and demo.device == "cpu"
    llama = load_config("llama-3.1-8b-a100")
    assert llama.model.name == "meta-llama/Llama-3.1-8B" and llama.mixed_precision == "bf16"


def test_dotted_overrides_and_clear_config_errors(tmp_path):
    assert parse_overrides(["sae.k=64", "optim.betas=[0.9, 0.99]", "trackers=[tensorboard]"]) == {
        "sae": {"k": 64}, "optim": {"betas": [0.9, 0.99]}, "trackers": ["tensorboard"]}
    cfg = load_config("cpu-demo", ["sae.k=64", "total_tokens=1e5", "data.dataset=x.jsonl", "optim.lr=1e-3"])
    assert (cfg.sae.k, cfg.total_tokens, cfg.data.dataset, cfg.optim.lr) == (64, 100000, "x.jsonl", 1e-3)
    with pytest.raises(ConfigError, match=r"unknown option 'sae.kk'; valid options here: architecture"):
        load_config("cpu-demo", ["sae.kk=3"])
    with pytest.raises(ConfigError, match="optim.lr must be a number"):
        load_config("cpu-demo", ["optim.lr=fast"])
    with pytest.raises(ConfigError, match="mixed_precision must be no, bf16 or fp16"):
        load_config("cpu-demo", ["mixed_precision=fp8"])
    with pytest.raises(ConfigError, match="shipped configs: .*cpu-demo"):
        load_config("no-such-config")
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    assert TrainConfig().planned_steps() == 2_000_000 // 4096 + 1


def test_spliced_ce_eval_identity_zero_and_a_trained_sae(tiny_config, tiny_llama_dir, tmp_path):
    from sae_pii.splice import _load_causal_lm, spliced_ce

    model, tok = _load_causal_lm(tiny_llama_dir, "cpu", None)
    texts = ["my name is john smith and my email is john@example.com", "call me at 555 0100 please"]
    exact = spliced_ce(model, tok, 2, texts, lambda x: x)
    assert exact["ce_sae"] == pytest.approx(exact["ce_clean"], abs=1e-5)
    assert exact["ce_loss_recovered"] == pytest.approx(1.0, abs=1e-4)
    assert spliced_ce(model, tok, 2, texts, torch.zeros_like)["ce_loss_recovered"] == pytest.approx(0.0, abs=1e-6)

    result = train(tiny_config(eval_ce=True, eval_ce_documents=16), tmp_path / "run")
    s = result.summary
    # A random tiny Llama barely uses its layers, so only the bookkeeping is checked here; the
    # identity / zero splices above check the mechanics.
    assert s["final_ce_tokens"] > 0
    expected = (s["final_ce_zero_ablation"] - s["final_ce_sae"]) / (s["final_ce_zero_ablation"] - s["final_ce_clean"])
    assert s["final_ce_loss_recovered"] == pytest.approx(expected)
    assert _load_causal_lm("all-MiniLM-L6-v2", "cpu", None) == (None, None)  # an encoder: nothing to recover
