"""`make setup` hands pip's configuration to uv (scripts/setup_venv.sh).

uv reads none of pip's files or PIP_* variables. Were the wheel folder holding torch's CPU build
lost on the way, uv would take a multi-GB CUDA build from PyPI instead, so the hand-over is tested
against a pip configuration of the test's own.
"""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _uv_args(tmp_path, config_text, **env_vars):
    config = tmp_path / "pip.conf"
    config.write_text(config_text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=str(config), **env_vars)
    out = subprocess.run(
        ["bash", "scripts/setup_venv.sh", "--print-uv-args", sys.prefix],
        cwd=REPO, env=env, capture_output=True, text=True, check=True,
    ).stdout.split("\n")
    return list(zip(out[0::2], out[1::2]))


def test_wheel_folders_indexes_and_constraints_reach_uv(tmp_path):
    pairs = _uv_args(
        tmp_path,
        "[global]\nfind-links = /cfg/wheels /shared/wheels\n"
        "extra-index-url = file:///cfg/mirror/simple\nconstraint = /cfg/cap.txt\n",
        PIP_FIND_LINKS="/env/wheels /shared/wheels",
    )
    find_links = [value for flag, value in pairs if flag == "--find-links"]
    # Each folder once, whether it came from the file, the variable or both.
    assert sorted(find_links) == ["/cfg/wheels", "/env/wheels", "/shared/wheels"]
    assert ("--extra-index-url", "file:///cfg/mirror/simple") in pairs
    assert ("--constraint", "/cfg/cap.txt") in pairs


def test_the_variables_index_url_wins_as_in_pip(tmp_path):
    pairs = _uv_args(
        tmp_path, "[global]\nindex-url = https://file-index.example/simple\n",
        PIP_INDEX_URL="https://env-index.example/simple",
    )
    assert [value for flag, value in pairs if flag == "--index-url"] == [
        "https://env-index.example/simple"
    ]


def test_the_files_index_url_without_a_variable(tmp_path):
    pairs = _uv_args(tmp_path, "[global]\nindex-url = https://file-index.example/simple\n")
    assert ("--index-url", "https://file-index.example/simple") in pairs
