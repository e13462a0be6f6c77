"""Start-up cost of the command line: `frontwire --help` of a baseline checkout vs this one.

    python benchmarks/startup.py --baseline ../frontwire-old/src [--runs 15]

Each run is a fresh interpreter that imports the CLI and prints the help, the two trees
alternating so machine load falls on both alike; reports the median wall time of each, their
ratio, and whether spaCy was imported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
CODE = ("import sys\nfrom frontwire.cli import main\ntry:\n    main(['--help'])\n"
        "except SystemExit:\n    pass\nprint('spacy' in sys.modules, file=sys.stderr)")


def once(src: Path) -> tuple[float, bool]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True,
                         check=True)
    return time.perf_counter() - t0, out.stderr.strip().endswith("True")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="src/ folder of the baseline")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    times: dict[str, list[float]] = {"baseline": [], "this": []}
    spacy: dict[str, bool] = {}
    once(args.baseline), once(SRC)  # warm the file cache
    for _ in range(args.runs):
        for name, src in (("baseline", args.baseline), ("this", SRC)):
            t, s = once(src)
            times[name].append(t)
            spacy[name] = s
    for name, ts in times.items():
        print(f"{name:9s} median {statistics.median(ts):.3f} s  min {min(ts):.3f} s  "
              f"spaCy imported: {spacy[name]}")
    print(f"ratio this/baseline (median): "
          f"{statistics.median(times['this']) / statistics.median(times['baseline']):.3f}")


if __name__ == "__main__":
    main()
