"""Layering rules: only the client speaks HTTP to Lambda, and nothing in infra pulls in torch."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HTTP_CLIENT = re.compile(r"^\s*(import|from)\s+(requests|httpx|aiohttp|urllib3|urllib\.request|http\.client)\b",
                         re.MULTILINE)
LAMBDA_API = re.compile(r"cloud\.lambda\.ai|lambdalabs\.com|/instance-operations/|LAMBDA_API_URL")


def _sources():
    for top in ("infra", "trainer", "scripts", "bench", "docker"):
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if not any(part.startswith(".") or part in ("build", "site-packages") for part in rel.parts):
                yield rel, path.read_text(errors="replace")


def test_only_the_client_talks_http_to_lambda():
    # infra/ is the Lambda side: only client.py may import an HTTP client there ...
    in_infra = [str(rel) for rel, text in _sources() if rel.parts[0] == "infra" and HTTP_CLIENT.search(text)]
    assert in_infra == ["infra/lambda_infra/client.py"]
    # ... and nowhere else does code with an HTTP client name Lambda's API (others may use HTTP for
    # other things, e.g. the Docker SDK's exceptions).
    both = [str(rel) for rel, text in _sources() if HTTP_CLIENT.search(text) and LAMBDA_API.search(text)]
    assert both == ["infra/lambda_infra/client.py"]


def test_infra_imports_no_heavy_libraries():
    code = ("import sys, lambda_infra.client, lambda_infra.emulator, lambda_infra.launcher, lambda_infra.ops, "
            "lambda_infra.cost, lambda_infra.naming, lambda_infra.aliases; "
            "heavy = sorted(m for m in ('torch', 'transformers', 'numpy', 'pulumi') if m in sys.modules); "
            "print(','.join(heavy))")
    res = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60)
    assert res.stdout.strip() == ""
