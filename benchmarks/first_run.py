"""First run: ``python -m statlogit`` (the bundled Pima job) against ``python -c "import pandas"``.

    python benchmarks/first_run.py [--repeat 7]

Each pair runs both commands in fresh interpreters, one after the other, so both see the
same machine load; the ratio is the median of the per-pair ratios (target <= 2). Then one
``python -X importtime -m statlogit`` lists the heaviest top-level imports, to show what the
job still loads.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TARGET = 2.0


def wall(cmd: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def heaviest_imports(limit: int) -> list[tuple[float, str]]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "statlogit"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    rows = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if not cumulative.strip().isdigit() or name.startswith("  "):
            continue  # header line, or not a top-level import
        rows.append((int(cumulative) / 1e6, name.strip()))
    return sorted(rows, reverse=True)[:limit]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()

    job = [sys.executable, "-m", "statlogit"]
    pandas = [sys.executable, "-c", "import pandas"]
    wall(job)  # warm the file cache
    wall(pandas)
    t_job, t_pd = [], []
    for _ in range(args.repeat):
        t_job.append(wall(job))
        t_pd.append(wall(pandas))
    ratios = np.array(t_job) / np.array(t_pd)
    print(f"{'command (fresh interpreter)':<40}{'median s':>10}{'min s':>8}")
    print(f"{'python -m statlogit':<40}{np.median(t_job):>10.3f}{min(t_job):>8.3f}")
    label = 'python -c "import pandas"'
    print(f"{label:<40}{np.median(t_pd):>10.3f}{min(t_pd):>8.3f}")
    ratio = float(np.median(ratios))
    print(f"\nstatlogit job / import pandas (median of {args.repeat} paired runs): {ratio:.2f}  "
          f"<= {TARGET:g}  {'met' if ratio <= TARGET else 'NOT met'}")
    print("\nheaviest top-level imports of `python -m statlogit` (cumulative s):")
    for seconds, name in heaviest_imports(10):
        print(f"  {seconds:6.3f}  {name}")


if __name__ == "__main__":
    main()
