"""`sae-pii train` on bad input: one clear message and a non-zero exit code, never a traceback."""

from __future__ import annotations

import pytest
import yaml
from sae_pii.cli import app
from typer.testing import CliRunner


@pytest.fixture
def config_file(tmp_path, tiny_config_data):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_config_data()))
    return path


def train(config_file, out_dir, *args):
    result = CliRunner().invoke(app, ["train", "--config", str(config_file), "--out-dir", str(out_dir), *args])
    # Handled: the command exits with a code instead of raising (CliRunner would keep the exception).
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_unknown_model_path(config_file, tmp_path):
    code, out = train(config_file, tmp_path / "run", "--set", f"model.name={tmp_path / 'no-such-model'}")
    assert code == 2
    assert "not found" in out and "save_pretrained" in out


def test_layer_out_of_range_names_the_valid_range(config_file, tmp_path):
    code, out = train(config_file, tmp_path / "run", "--set", "model.layer=9")
    assert code == 2
    assert "has 4 blocks: valid layers are 0..3" in out


def test_empty_dataset(config_file, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    code, out = train(config_file, tmp_path / "run", "--set", f"data.dataset={empty}")
    assert code != 0
    assert str(empty) in out and "is empty" in out


def test_unreadable_dataset_file(config_file, tmp_path):
    corrupt = tmp_path / "corrupt.jsonl"
    corrupt.write_text('{"text": "fine"}\n{this is not json\n')
    code, out = train(config_file, tmp_path / "run", "--set", f"data.dataset={corrupt}")
    assert code != 0
    assert "could not read dataset" in out and "JSON parse error" in out
    code, out = train(config_file, tmp_path / "run", "--set", f"data.dataset={tmp_path / 'missing.jsonl'}")
    assert code != 0 and "does not exist" in out


def test_nan_loss_stops_with_a_reason(config_file, tmp_path):
    code, out = train(config_file, tmp_path / "run", "--set", "optim.lr=1e30", "--set", "optim.warmup_steps=0")
    assert code == 3
    assert "the loss became NaN/inf at step" in out and "Lower optim.lr" in out
    assert not (tmp_path / "run" / "sae_final.pt").exists()


def test_config_mistakes(config_file, tmp_path):
    code, out = train(config_file, tmp_path / "run", "--set", "sae.kk=3")
    assert code == 2 and "unknown option 'sae.kk'" in out
    code, out = train(tmp_path / "nope.yaml", tmp_path / "run")
    assert code == 2 and "not found" in out and "cpu-demo" in out
    code, out = train(config_file, tmp_path / "run", "--set", "sae.k=999")
    assert code == 2 and "sae.k=999 cannot exceed sae.d_sae=256" in out


def test_existing_run_needs_resume_and_resume_needs_the_same_config(config_file, tmp_path):
    code, out = train(config_file, tmp_path / "run", "--set", "total_tokens=1024")
    assert code == 0, out
    code, out = train(config_file, tmp_path / "run")
    assert code == 2 and "already holds a run" in out and "--resume" in out
    code, out = train(config_file, tmp_path / "run", "--resume", "--set", "sae.k=4")
    assert code == 2 and "sae.k: 8 -> 4" in out


def test_yaml_booleans_in_string_options():
    from sae_pii.config import ConfigError, load_config

    # YAML 1.1 reads `no` as false; "no mixed precision" is what the user meant.
    assert load_config("cpu-demo", ["mixed_precision=no"]).mixed_precision == "no"
    with pytest.raises(ConfigError, match=r'quote it \(data.text_field="true"\)'):
        load_config("cpu-demo", ["data.text_field=true"])
