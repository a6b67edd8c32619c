"""`make bench`: every benchmark side by side with its peer, in one run, reported as ratios.

Each bench module exposes `run(quick: bool) -> list[dict]`; a row is
{"bench", "metric", "unit", "ours", "peer", "peer_name", "ratio", "notes"} where ratio > 1 means
we are better (faster, or lower latency, as the module states). Results go to bench/results.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from pathlib import Path

BENCH_MODULES = ["bench.sae_training", "bench.activations", "bench.detector", "bench.detector_kernels"]
RESULTS = Path(__file__).with_name("results.json")


def _format_table(rows: list[dict]) -> str:
    header = f"{'bench':<28} {'metric':<30} {'ours':>12} {'peer':>12} {'ratio':>7}  peer"
    lines = [header, "-" * len(header)]
    for r in rows:
        ours = f"{r['ours']:.4g}" if isinstance(r.get("ours"), (int, float)) else str(r.get("ours"))
        peer = f"{r['peer']:.4g}" if isinstance(r.get("peer"), (int, float)) else str(r.get("peer", "-"))
        ratio = f"{r['ratio']:.2f}x" if isinstance(r.get("ratio"), (int, float)) else "-"
        lines.append(
            f"{r['bench']:<28} {r['metric'] + ' (' + r.get('unit', '') + ')':<30} {ours:>12} {peer:>12} {ratio:>7}  {r.get('peer_name', '')}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--only", nargs="*", help="module names to run, e.g. sae_training")
    args = parser.parse_args(argv)

    rows: list[dict] = []
    for name in BENCH_MODULES:
        if args.only and name.split(".")[-1] not in args.only:
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            print(f"skipping {name}: {exc}", file=sys.stderr)
            continue
        started = time.perf_counter()
        rows.extend(module.run(quick=args.quick))
        print(f"{name} took {time.perf_counter() - started:.0f}s", file=sys.stderr)

    print(_format_table(rows))
    payload = {
        "machine": {"platform": platform.platform(), "python": platform.python_version()},
        "rows": rows,
    }
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\nwrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
