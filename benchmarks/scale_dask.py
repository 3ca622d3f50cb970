"""Out of core: a logistic fit on Parquet files larger than memory, through Dask.

    flock /tmp/statlogit-bench.lock python benchmarks/scale_dask.py [--rows 5e7] [--cols 10] [--files 100]
        [--dir /work/tmp-dask] [--keep] [--big]

Writes ``--rows`` x ``--cols`` float64 predictors and a 0/1 response in ``--files`` Parquet files
(``--big``: 1e8 x 20 in 200 files), then, each in a fresh process:

* one pyarrow read of the whole data set: ``pq.read_table(<dir>)`` into one table (only when
  the data fit in memory, so not for ``--big``), and every file read in full and dropped in
  turn (a lower bound on any read; with ``--big`` the target is measured against this one);
* ``sl.logit("y ~ x0 + ... ", "<dir>/*.parquet")`` on Dask's default scheduler (threads),
  recording the wall time, the passes over the data and the process's peak RSS (VmHWM;
  with the threads scheduler the process tree is this one process);
* statsmodels and statlogit in memory on the first file, for the per-row cost of each.

Targets (issue 13): fit time <= 12 x the pyarrow read; peak RSS <= 40% of the data size.
Prints "met" or "NOT met" for each, and the time per Newton pass. The data are deleted
afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np


def write(dirname: str, rows: int, cols: int, files: int) -> float:
    import pyarrow as pa
    import pyarrow.parquet as pq

    os.makedirs(dirname, exist_ok=True)
    rng = np.random.default_rng(20240601)
    beta = rng.normal(0.0, 0.3, cols)
    per = rows // files
    size = 0
    for i in range(files):
        X = rng.standard_normal((per, cols))
        eta = 0.2 + X @ beta
        y = (rng.random(per) < 1.0 / (1.0 + np.exp(-eta))).astype(np.float64)
        table = pa.table({**{f"x{j}": X[:, j] for j in range(cols)}, "y": y})
        path = os.path.join(dirname, f"part{i:04d}.parquet")
        pq.write_table(table, path, compression="none")
        size += os.path.getsize(path)
    return size


def child_read(dirname: str) -> dict:
    """Every file read in full and dropped, one after the other (a lower bound on a read)."""
    import glob

    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    nbytes = 0
    for f in sorted(glob.glob(os.path.join(dirname, "*.parquet"))):
        nbytes += pq.read_table(f).nbytes
    return {"seconds": time.perf_counter() - t0, "nbytes": nbytes, "peak_rss": _peak_rss()}


def child_read_whole(dirname: str) -> dict:
    """``pq.read_table(<dir>)``: the whole data set as one table in memory."""
    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    nbytes = pq.read_table(dirname).nbytes
    return {"seconds": time.perf_counter() - t0, "nbytes": nbytes, "peak_rss": _peak_rss()}


def child_fit(dirname: str, cols: int) -> dict:
    import statlogit as sl
    from statlogit.backends import dask_fit

    passes = {"n": 0, "seconds": []}
    original = dask_fit.one_pass

    def counted(*args, **kwargs):
        t0 = time.perf_counter()
        out = original(*args, **kwargs)
        passes["n"] += 1
        passes["seconds"].append(time.perf_counter() - t0)
        return out

    from statlogit.backends import dask_model

    dask_fit.one_pass = dask_model.one_pass = counted
    formula = "y ~ " + " + ".join(f"x{j}" for j in range(cols))
    t0 = time.perf_counter()
    res = sl.logit(formula, os.path.join(dirname, "*.parquet"))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "newton_passes": passes["n"], "pass_seconds": passes["seconds"],
            "n_iter": res.n_iter, "nobs": res.nobs, "converged": res.converged, "peak_rss": _peak_rss(),
            "params": res.params.round(6).tolist()}


def child_memory(dirname: str, cols: int) -> dict:
    """statlogit and statsmodels in memory on the first file (per-row cost)."""
    import glob
    import warnings

    import pyarrow.parquet as pq
    import statsmodels.api as sm

    import statlogit as sl

    df = pq.read_table(sorted(glob.glob(os.path.join(dirname, "*.parquet")))[0]).to_pandas()
    X, y = df[[f"x{j}" for j in range(cols)]].to_numpy(), df["y"].to_numpy()
    t0 = time.perf_counter()
    sl.Logit(y, X).fit()
    t_sl = time.perf_counter() - t0
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton")
    t_sm = time.perf_counter() - t0
    return {"rows": len(y), "statlogit": t_sl, "statsmodels": t_sm}


def _peak_rss() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def run_child(kind: str, args) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--dir", args.dir, "--cols", str(args.cols)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=float, default=5e7)
    ap.add_argument("--cols", type=int, default=10)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--dir", default="/work/tmp-dask")
    ap.add_argument("--keep", action="store_true", help="keep the data (and reuse them when present)")
    ap.add_argument("--big", action="store_true", help="1e8 x 20 in 200 files")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        fn = {"read": lambda: child_read(args.dir), "read_whole": lambda: child_read_whole(args.dir),
              "fit": lambda: child_fit(args.dir, args.cols),
              "memory": lambda: child_memory(args.dir, args.cols)}[args.child]
        print(json.dumps(fn()))
        return
    if args.big:
        args.rows, args.cols, args.files = 1e8, 20, 200
    rows = int(args.rows)
    ddir = os.path.join(args.dir, f"n{rows}_p{args.cols}")
    args.dir = ddir
    try:
        if not (args.keep and os.path.isdir(ddir)):
            t0 = time.perf_counter()
            write(ddir, rows, args.cols, args.files)
            print(f"wrote {rows:.3g} x {args.cols} float64 (+ y) in {args.files} Parquet files to {ddir} "
                  f"in {time.perf_counter() - t0:.1f} s")
        size = sum(os.path.getsize(os.path.join(ddir, f)) for f in os.listdir(ddir))
        data_bytes = rows * (args.cols + 1) * 8
        read = run_child("read", args)
        # The whole data set as one table needs its size in memory: only when that is modest.
        whole = run_child("read_whole", args) if data_bytes <= 6e9 else None
        fit = run_child("fit", args)
        mem = run_child("memory", args)
    finally:
        if not args.keep:
            shutil.rmtree(ddir, ignore_errors=True)
    base = whole if whole is not None else read
    ratio = fit["seconds"] / base["seconds"]
    rss_share = fit["peak_rss"] / data_bytes
    print(f"data: {rows:.3g} rows x {args.cols} columns, {data_bytes / 1e9:.2f} GB as float64, "
          f"{size / 1e9:.2f} GB on disk, {args.files} files")
    print(f"pyarrow, every file read and dropped: {read['seconds']:7.2f} s  (peak RSS {read['peak_rss'] / 1e9:.2f} GB)")
    if whole is not None:
        print(f"pyarrow read_table(<dir>), one table: {whole['seconds']:7.2f} s  (peak RSS "
              f"{whole['peak_rss'] / 1e9:.2f} GB)")
    print(f"statlogit Dask fit (threads):        {fit['seconds']:8.2f} s  ({fit['newton_passes']} passes after the "
          f"first; {fit['n_iter']} Newton steps; converged={fit['converged']}; n={fit['nobs']})")
    per_pass = np.median(fit["pass_seconds"]) if fit["pass_seconds"] else float("nan")
    print(f"time per Newton pass (median):       {per_pass:8.2f} s")
    what = "read_table(<dir>)" if whole is not None else "the file-by-file read"
    print(f"fit / {what}: {ratio:8.2f}  (target <= 12: {'met' if ratio <= 12 else 'NOT met'})")
    print(f"fit / the file-by-file read: {fit['seconds'] / read['seconds']:8.2f}")
    print(f"peak RSS of the fit / data size:     {rss_share:8.1%}  ({fit['peak_rss'] / 1e9:.2f} GB; target <= 40%: "
          f"{'met' if rss_share <= 0.40 else 'NOT met'})")
    per_row_sl = mem["statlogit"] / mem["rows"]
    per_row_sm = mem["statsmodels"] / mem["rows"]
    print(f"in memory on one file ({mem['rows']} rows): statlogit {mem['statlogit']:.3f} s, statsmodels "
          f"{mem['statsmodels']:.3f} s (statsmodels / statlogit = {per_row_sm / per_row_sl:.1f})")
    print(f"Dask fit per row / statsmodels in-memory per row: {fit['seconds'] / rows / per_row_sm:.2f} "
          "(statsmodels cannot hold the whole data set)")


if __name__ == "__main__":
    main()
