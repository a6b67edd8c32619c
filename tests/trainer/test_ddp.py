"""Data-parallel training: 2 real processes on CPU (torchrun, gloo) end with identical replicas.

Each process draws different activations (disjoint windows of the corpus), so identical weights at
the end mean the gradients really were averaged across processes at every step.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import torch
import yaml

SCRIPT = textwrap.dedent("""
    import os, sys, torch
    from sae_pii.config import load_config
    from sae_pii.trainer import train

    result = train(load_config(sys.argv[1]), sys.argv[2])
    rank = int(os.environ["RANK"])
    sd = {k: v.detach().cpu() for k, v in result.sae.state_dict().items()}
    torch.save({"state_dict": sd, "tokens_seen": result.tokens, "scale": result.sae.cfg.input_scale},
               os.path.join(sys.argv[2], f"replica-{rank}.pt"))
""")


def test_two_cpu_processes_hold_identical_weights_after_training(tmp_path, tiny_config_data):
    cfg = tiny_config_data(total_tokens=128 * 2 * 12, checkpoint_every=6, eval_every=6, log_every=3)
    config_file = tmp_path / "ddp.yaml"
    config_file.write_text(yaml.safe_dump(cfg))
    script = tmp_path / "ddp_train.py"
    script.write_text(SCRIPT)
    out = tmp_path / "run"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "OMP_NUM_THREADS": "1",
           "TMPDIR": str(tmp_path)}  # torchrun's torchelastic_* log folders land here, not in /tmp
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    proc = subprocess.run([*torchrun, str(script), str(config_file), str(out)], capture_output=True, text=True, check=False,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "on 2 process(es)" in proc.stdout

    r0 = torch.load(out / "replica-0.pt", weights_only=True)
    r1 = torch.load(out / "replica-1.pt", weights_only=True)
    assert r0["scale"] == r1["scale"]
    for key, value in r0["state_dict"].items():
        assert torch.equal(value, r1["state_dict"][key]), f"replicas differ in {key}"

    hist = json.loads((out / "training_history.json").read_text())
    s = hist["summary"]
    assert s["processes"] == 2 and s["steps"] == 12
    assert s["trained_tokens"] == 12 * 128 * 2  # both processes' batches count
    assert hist["steps"][-1]["fvu"] < hist["steps"][0]["fvu"]
    # The checkpoint holds one data position per process, and the run dir is complete.
    last = out / "checkpoints" / "step-12"
    assert {p.name for p in last.glob("rank-*.pt")} == {"rank-0.pt", "rank-1.pt"}
    assert (out / "sae_final.pt").exists() and (out / "sae" / "cfg.json").exists()
