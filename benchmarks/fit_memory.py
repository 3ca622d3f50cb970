"""Peak memory of a fit, above the data the caller already holds (Linux only).

    flock /tmp/statlogit-bench.lock python benchmarks/fit_memory.py [--n 10000000] [--p 50]
        [--formula-n 2000000]

Each case runs in a fresh subprocess that builds the data, imports everything and fits a
small model once (so module memory is not counted), then resets the kernel's peak-RSS mark
(``/proc/self/clear_refs``), fits, and reads the peak (``VmHWM``). Printed: the peak above
the resident size just before the fit, against the target of 0.5 GB above X:

* ``Logit(y, X).fit()`` with X float64 in C order and in Fortran order (n x p; 4 GB at the
  default 1e7 x 50). The fit reads X in place: no copy.
* ``logit(formula, df)`` (at ``--formula-n`` rows): the design matrix is built once, its one
  copy of the data, so the target there is one design matrix + 0.5 GB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GB = 1024**3
TARGET_GB = 0.5

CHILD = r"""
import json, sys
import numpy as np
import pandas as pd
sys.path.insert(0, {root!r})
import statlogit as sl

def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(key)

n, p, order, path = {n}, {p}, {order!r}, {path!r}
rng = np.random.default_rng(7)
X = np.empty((n, p), order=order)
step = 1 << 16
for s in range(0, n, step):  # filled in blocks: no second full-size array
    X[s:s + step] = rng.standard_normal((min(step, n - s), p))
beta = rng.normal(0.0, 0.3, p)
eta = 0.2 + X @ beta
y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
del eta
sl.Logit(y[:2000], X[:2000]).fit().summary()  # imports and first-use costs, not counted
if path == "formula":
    df = pd.DataFrame(X, columns=[f"x{{j + 1}}" for j in range(p)], copy=True)
    df["y"] = y
    del X
    formula = "y ~ " + " + ".join(df.columns[:-1])
    sl.logit(formula, df.iloc[:2000])
before = status("VmRSS")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak-RSS mark (Linux >= 4.0)
res = sl.Logit(y, X).fit() if path == "arrays" else sl.logit(formula, df)
peak = status("VmHWM")
print(json.dumps({{"before": before, "peak": peak, "converged": bool(res.converged),
                  "implicit": bool(getattr(res.design, "implicit_intercept", False))}}))
"""


def run_case(n: int, p: int, order: str, path: str) -> dict:
    code = CHILD.format(root=str(ROOT), n=n, p=p, order=order, path=path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"case {path} {order} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--p", type=int, default=50)
    ap.add_argument("--formula-n", type=int, default=2_000_000)
    args = ap.parse_args()
    if not Path("/proc/self/clear_refs").exists():
        raise SystemExit("needs Linux (/proc/self/clear_refs)")

    cases = [("arrays", "C", args.n), ("arrays", "F", args.n), ("formula", "C", args.formula_n)]
    print(f"{'case':<52}{'X GB':>7}{'peak above GB':>15}  target")
    for path, order, n in cases:
        r = run_case(n, args.p, order, path)
        x_gb = n * args.p * 8 / GB
        above = (r["peak"] - r["before"]) / GB
        if path == "arrays":
            name = f"Logit(y, X).fit(), {order} order"
            target = TARGET_GB
            label = f"<= {TARGET_GB:g} GB above X"
        else:
            name = "logit(formula, df)"
            target = x_gb * (args.p + 1) / args.p + TARGET_GB  # one design matrix (with intercept)
            label = f"<= one design matrix + {TARGET_GB:g} GB"
        ok = above <= target and r["converged"]
        print(f"{name + f' (n={n:,}, p={args.p})':<52}{x_gb:>7.2f}{above:>15.3f}  {label}  "
              f"{'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
