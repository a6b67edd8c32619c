"""Fixtures for the container tests: a tiny real model on disk, and the entrypoint's environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from container_helpers import save_tiny_llama


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> str:
    return save_tiny_llama(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture
def entrypoint_env(tmp_path) -> dict[str, str]:
    """The environment the tests run the entrypoint with: this venv's python, CPU mode, offline,
    temporary files (torchrun's torchelastic_* log folders) under the test's tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAE_PII_", "ACCELERATE_", "CUDA_"))}
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "SAE_PII_PYTHON": sys.executable,
            "SAE_PII_REQUIRE_GPU": "0",
            "HF_HUB_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false",
            "OMP_NUM_THREADS": "1",
            "PYTHONUNBUFFERED": "1",
            "TMPDIR": str(tmp_path),
        }
    )
    return env
