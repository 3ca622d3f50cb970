"""Fit speed: statlogit against statsmodels and scikit-learn, measured in one run.

    flock /tmp/statlogit-bench.lock python benchmarks/fit_speed.py [--n 1000000] [--p 20] [--repeat 5]

Synthetic data: X ~ N(0, 1) with p columns, true coefficients ~ N(0, 0.3^2), intercept 0.2.
Each timing is the best of ``--repeat`` runs after one warm-up (first-touch memory costs
are large on virtual machines, so the warm-up keeps the comparison about the algorithms).
The three fits and the one read of X are timed with BLAS at its default thread count and
again with BLAS held at one thread (threadpoolctl), since on a shared 2-core machine the
setting moves every figure. Ratios the project targets (issue 12), under each setting:

* statsmodels ``Logit(y, add_constant(X)).fit(method="newton")`` / ``statlogit.Logit(y, X).fit()``  (>= 5)
* scikit-learn ``LogisticRegression(C=inf, solver="newton-cholesky")`` / statlogit           (>= 1.5)
* reads of X: statlogit fit time / one read of X (``X.T @ v``)                                (<= 15)
* ``smf.logit(formula, df).fit()`` / ``statlogit.logit(formula, df)``                       (>= 3)
* ``import statsmodels.api`` / ``import statlogit`` in fresh interpreters                     (>= 2)

The statlogit fit includes building the design (column checks, response coding) and the
separation symptoms, everything ``Logit(y, X).fit()`` does; X is read in place, not copied.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, not an installed copy


def best_of(fn, repeat):
    fn()  # warm-up
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), float(np.median(times)), out


def import_time(statement: str, repeat: int) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    times = []
    for _ in range(repeat + 1):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             cwd=Path(__file__).resolve().parents[1])
        times.append(float(out.stdout.strip()))
    return min(times[1:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--p", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from sklearn.linear_model import LogisticRegression

    import statlogit as sl

    rng = np.random.default_rng(12345)
    n, p = args.n, args.p
    X = rng.standard_normal((n, p))
    beta = rng.normal(0.0, 0.3, p)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(0.2 + X @ beta)))).astype(float)
    Xc = sm.add_constant(X)  # statsmodels needs the constant; not timed
    df = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(p)])
    df["y"] = y
    formula = "y ~ " + " + ".join(df.columns[:-1])

    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(f"{i['internal_api']} {i['version']} ({i['num_threads']} threads)" for i in threadpool_info())
    except ImportError:
        blas = "unknown"
    print(f"machine: {platform.processor() or platform.machine()}, {__import__('os').cpu_count()} cores; BLAS: {blas}")
    print(f"data: n = {n:,}, p = {p} (+ intercept); best of {args.repeat} runs after a warm-up\n")

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    settings = [("default", None)] + ([("1", 1)] if threadpool_limits is not None else [])
    v = rng.standard_normal(n)
    timings = {}
    res = res_sm = res_sk = None
    for label, limit in settings:
        ctx = threadpool_limits(limits=limit, user_api="blas") if limit else contextlib.nullcontext()
        with ctx, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_sl, m_sl, res = best_of(lambda: sl.Logit(y, X).fit(), args.repeat)
            t_sm, m_sm, res_sm = best_of(lambda: sm.Logit(y, Xc).fit(method="newton", disp=0), args.repeat)
            t_sk, m_sk, res_sk = best_of(
                lambda: LogisticRegression(C=np.inf, solver="newton-cholesky").fit(X, y), args.repeat
            )
            t_read, m_read, _ = best_of(lambda: X.T @ v, max(args.repeat, 5))
        timings[label] = dict(sl=(t_sl, m_sl), sm=(t_sm, m_sm), sk=(t_sk, m_sk), read=(t_read, m_read))
    t_fsl, m_fsl, res_f = best_of(lambda: sl.logit(formula, df), args.repeat)
    t_fsm, m_fsm, _ = best_of(lambda: smf.logit(formula, df).fit(disp=0), args.repeat)
    t_imp_sl = import_time("import statlogit", args.repeat)
    t_imp_sl_use = import_time("from statlogit import logit", args.repeat)  # what a first fit loads
    t_imp_sm = import_time("import statsmodels.api", args.repeat)

    agree_sm = np.max(np.abs(res.params.to_numpy() - res_sm.params) / np.maximum(np.abs(res_sm.params), 1e-8))
    sk_coef = np.r_[res_sk.intercept_, res_sk.coef_.ravel()]
    agree_sk = np.max(np.abs(res.params.to_numpy() - sk_coef) / np.maximum(np.abs(sk_coef), 1e-8))

    rows = []
    for label, tm in timings.items():
        rows += [
            (f"[BLAS {label}] statlogit Logit(y, X).fit()", *tm["sl"]),
            (f"[BLAS {label}] statsmodels Logit.fit(method='newton')", *tm["sm"]),
            (f"[BLAS {label}] scikit-learn newton-cholesky", *tm["sk"]),
            (f"[BLAS {label}] one read of X (X.T @ v)", *tm["read"]),
        ]
    rows += [
        ("statlogit logit(formula, df)", t_fsl, m_fsl),
        ("statsmodels smf.logit(formula, df).fit()", t_fsm, m_fsm),
        ("import statlogit (fresh interpreter)", t_imp_sl, t_imp_sl),
        ("from statlogit import logit (loads the model)", t_imp_sl_use, t_imp_sl_use),
        ("import statsmodels.api (fresh interpreter)", t_imp_sm, t_imp_sm),
    ]
    print(f"{'what':<58}{'best s':>10}{'median s':>10}")
    for name, best, med in rows:
        print(f"{name:<58}{best:>10.3f}{med:>10.3f}")
    kinds = res.history["information"].tolist()
    print(f"\nstatlogit: {res.n_iter} iterations ({kinds.count('subsample')} with the subsample's information, "
          f"{kinds.count('exact')} exact passes), converged={res.converged}; {res.fit_info.message}")
    print(f"max relative coefficient difference: vs statsmodels {agree_sm:.1e}, vs scikit-learn {agree_sk:.1e}\n")

    checks = []
    for label, tm in timings.items():
        t_sl, t_sm, t_sk, t_read = tm["sl"][0], tm["sm"][0], tm["sk"][0], tm["read"][0]
        checks += [
            (f"[BLAS {label}] statsmodels / statlogit (fit)", t_sm / t_sl, ">=", 5.0),
            (f"[BLAS {label}] scikit-learn / statlogit (fit)", t_sk / t_sl, ">=", 1.5),
            (f"[BLAS {label}] reads of X: statlogit fit / one X.T @ v", t_sl / t_read, "<=", 15.0),
        ]
    checks += [
        ("smf / statlogit (formula path)", t_fsm / t_fsl, ">=", 3.0),
        ("statsmodels.api / statlogit (import)", t_imp_sm / t_imp_sl, ">=", 2.0),
        ("statsmodels.api / from statlogit import logit", t_imp_sm / t_imp_sl_use, ">=", 2.0),
    ]
    print(f"{'ratio':<58}{'value':>8}  target")
    for name, val, op, target in checks:
        ok = val >= target if op == ">=" else val <= target
        print(f"{name:<58}{val:>8.2f}  {op} {target:g}  {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
