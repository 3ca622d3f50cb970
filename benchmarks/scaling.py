"""Scaling table: fit, profile CIs and the whole job as n grows (p = 20), in one run.

    flock /tmp/statlogit-bench.lock python benchmarks/scaling.py [--sizes 1e4 1e5 1e6 1e7] [--p 20]

Each size runs in a fresh interpreter (so the peak memory is that size's own) on synthetic
data: 20 correlated, strictly positive predictors (so Box-Tidwell tests every one), true
coefficients in (-0.5, 0.5). Per size it prints

* fit: ``sl.Logit(y, X).fit()`` from arrays (best of 2 after a warm-up), and statsmodels
  ``Logit(y, add_constant(X)).fit(method="newton")`` timed the same way (skipped above
  ``--sm-max`` rows, where it needs several copies of X) and their ratio;
* profile CIs: exact profile-likelihood limits of all 21 coefficients, as a multiple of the
  fit time (target at 1e6: <= 10x); the signed root statistic at three limits is checked by
  independent constrained refits (|r - z| <= 1e-6);
* whole job: fit + ``summary()`` + ``check_assumptions()`` + ``report()`` saved as HTML
  with all its plots, as a multiple of the fit time (target at 1e6: <= 20x), which
  intervals the report used, and (at 1e6) the seconds of each step;
* peak memory: the process's peak resident set size during fit, profile CIs and the whole job,
  above the interpreter with its libraries and the memory held by X and y.

"NOT met" marks a missed target. Timings on a shared machine are noisy; ratios are measured
within the same process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

# this checkout's statlogit, not an installed copy
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make_data(n: int, p: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    y = np.empty(n)
    beta = rng.uniform(-0.5, 0.5, p)
    for start in range(0, n, 1_000_000):  # in chunks: no n x p temporaries besides X
        m = min(1_000_000, n - start)
        z = rng.standard_normal((m, p)) + 0.5 * rng.standard_normal((m, 1))
        np.multiply(z, 0.3, out=z)
        np.exp(z, out=z)
        X[start : start + m] = z
        y[start : start + m] = rng.random(m) < 1 / (1 + np.exp(-(-0.5 + (z - 1.0) @ beta)))
    return X, y


def best(fn, repeat=2):
    fn()
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def check_roots(res, ci, z, cols):
    """Largest |r - z| at the limits of ``cols``, by constrained refits (statlogit's Newton
    on X without column j, offset b x_j) independent of the batched iteration."""
    from statlogit.solvers.newton import fit_newton

    X, y = res.design.X, res.design.y
    worst = 0.0
    for j in cols:
        Xr = np.delete(X, j, axis=1)
        start = np.delete(res.params.to_numpy(), j)
        for side, b in ((-1.0, ci.iloc[j, 0]), (1.0, ci.iloc[j, 1])):
            f = fit_newton(Xr, y, offset=b * X[:, j], start=start, tol=1e-10)
            r = side * np.sqrt(max(2.0 * (res.llf - f.loglik), 0.0))
            worst = max(worst, abs(r - side * z))
    return worst


def one_size(n: int, p: int, sm_max: int) -> dict:
    import pandas as pd
    import statsmodels.api  # noqa: F401  (loaded before the baseline is taken)

    import statlogit as sl

    base = peak_rss_gb()  # the interpreter and the libraries
    X, y = make_data(n, p)
    data_gb = (X.nbytes + y.nbytes) / 2**30
    rss0 = peak_rss_gb()
    out = {"n": n, "p": p}
    model = sl.Logit(y, X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["fit_s"], res = best(model.fit)
        out["fit_peak_above_X_gb"] = max(peak_rss_gb() - rss0, 0.0)
        if n <= sm_max:
            import statsmodels.api as sm

            Xc = sm.add_constant(X)
            out["sm_fit_s"], _ = best(lambda: sm.Logit(y, Xc).fit(method="newton", disp=0), 1)
            del Xc
        # profile CIs on a fresh results object (nothing cached)
        fresh = model.fit()
        t0 = time.perf_counter()
        ci = fresh.conf_int(method="profile")
        out["profile_s"] = time.perf_counter() - t0
        # the whole job
        Xdf = pd.DataFrame(X, columns=[f"x{j}" for j in range(p)], copy=False)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            r = sl.Logit(y, Xdf).fit()
            t_fit = time.perf_counter() - t0
            steps = {}
            t1 = time.perf_counter()
            str(r.summary())
            steps["summary"], t1 = time.perf_counter() - t1, time.perf_counter()
            r.check_assumptions()
            steps["check_assumptions"], t1 = time.perf_counter() - t1, time.perf_counter()
            rep = r.report()
            steps["report"], t1 = time.perf_counter() - t1, time.perf_counter()
            rep.save(os.path.join(tmp, "report.html"))
            steps["save (figures, HTML)"] = time.perf_counter() - t1
            out["job_s"] = time.perf_counter() - t0
            out["job_fit_s"] = t_fit
            out["job_steps_s"] = steps
            out["report_ci"] = rep.to_dict()["ci_method"]
    out["peak_above_X_gb"] = max(peak_rss_gb() - base - data_gb, 0.0)
    out["peak_gb"] = peak_rss_gb()
    # after the peak is read: the check's refits copy X without one column
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["max_root_error"] = check_roots(fresh, ci, 1.959963984540054, [0, 1, p])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["1e4", "1e5", "1e6", "1e7"])
    ap.add_argument("--p", type=int, default=20)
    ap.add_argument("--sm-max", type=float, default=2e6, help="largest n for statsmodels")
    ap.add_argument("--one", type=float, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one_size(int(a.one), a.p, int(a.sm_max))))
        return
    rows = []
    for s in a.sizes:
        cmd = [sys.executable, __file__, "--one", s, "--p", str(a.p), "--sm-max", str(a.sm_max)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"n = {s}: failed\n{done.stderr[-2000:]}")
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"n = {s}: done", flush=True)
    print()
    print(f"p = {a.p} predictors + intercept; times in seconds; x = multiple of statlogit's fit time")
    head = ("| n | fit | statsmodels fit (ratio) | profile CIs (x fit) | whole job (x fit) | report CIs "
            "| max abs(r - z) | peak memory above X |")
    print(head)
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        sm = f"{r['sm_fit_s']:.3f} ({r['sm_fit_s'] / r['fit_s']:.1f}x)" if "sm_fit_s" in r else "not run"
        print(f"| {r['n']:,} | {r['fit_s']:.3f} | {sm} | {r['profile_s']:.3f} ({r['profile_s'] / r['fit_s']:.1f}x) "
              f"| {r['job_s']:.2f} ({r['job_s'] / r['fit_s']:.1f}x) | {r['report_ci']} | {r['max_root_error']:.1e} "
              f"| {r['peak_above_X_gb']:.2f} GB |")
    print()
    for r in rows:
        if r["n"] == 1_000_000:
            prof, job = r["profile_s"] / r["fit_s"], r["job_s"] / r["fit_s"]
            print(f"1e6 x {a.p}: profile CIs {prof:.1f}x the fit (target <= 10x): {'met' if prof <= 10 else 'NOT met'}")
            print(f"1e6 x {a.p}: whole job {job:.1f}x the fit (target <= 20x): {'met' if job <= 20 else 'NOT met'}")
            print("   whole job's steps (s): fit in the job " + f"{r['job_fit_s']:.2f}, "
                  + ", ".join(f"{k} {v:.2f}" for k, v in r["job_steps_s"].items()))
        ok = r["max_root_error"] <= 1e-6
        print(f"n = {r['n']:,}: signed root statistic within 1e-6 of z: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
