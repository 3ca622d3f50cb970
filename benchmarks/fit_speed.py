"""Fit speed: statlogit against statsmodels and scikit-learn, measured in one run.

    python benchmarks/fit_speed.py [--n 1000000] [--p 20] [--repeat 3]

Synthetic data: X ~ N(0, 1) with p columns, true coefficients ~ N(0, 0.3^2), intercept 0.2.
Each timing is the best of ``--repeat`` runs after one warm-up (first-touch memory costs
are large on virtual machines, so the warm-up keeps the comparison about the algorithms).
Prints the times and the ratios the project targets:

* statsmodels ``Logit(y, add_constant(X)).fit(method="newton")`` / ``statlogit.Logit(y, X).fit()``  (>= 5)
* scikit-learn ``LogisticRegression(C=inf, solver="newton-cholesky")`` / statlogit           (>= 1.5)
* statlogit / (Newton iterations x one read of X, ``X.T @ v``)                                (<= 3)
* ``smf.logit(formula, df).fit()`` / ``statlogit.logit(formula, df)``                       (>= 3)
* ``import statsmodels.api`` / ``import statlogit`` in fresh interpreters                     (>= 2)
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd


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
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip()))
    return min(times[1:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--p", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
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

    t_sl, m_sl, res = best_of(lambda: sl.Logit(y, X).fit(), args.repeat)
    t_sm, m_sm, res_sm = best_of(lambda: sm.Logit(y, Xc).fit(method="newton", disp=0), args.repeat)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_sk, m_sk, res_sk = best_of(
            lambda: LogisticRegression(C=np.inf, solver="newton-cholesky").fit(X, y), args.repeat
        )
    v = rng.standard_normal(n)
    Xd = res.design.X
    t_read, _, _ = best_of(lambda: Xd.T @ v, max(args.repeat, 5))
    t_fsl, m_fsl, res_f = best_of(lambda: sl.logit(formula, df), args.repeat)
    t_fsm, m_fsm, _ = best_of(lambda: smf.logit(formula, df).fit(disp=0), args.repeat)
    t_imp_sl = import_time("import statlogit", args.repeat)
    t_imp_sl_use = import_time("from statlogit import logit", args.repeat)  # what a first fit loads
    t_imp_sm = import_time("import statsmodels.api", args.repeat)

    agree_sm = np.max(np.abs(res.params.to_numpy() - res_sm.params) / np.maximum(np.abs(res_sm.params), 1e-8))
    sk_coef = np.r_[res_sk.intercept_, res_sk.coef_.ravel()]
    agree_sk = np.max(np.abs(res.params.to_numpy() - sk_coef) / np.maximum(np.abs(sk_coef), 1e-8))
    iters = res.n_iter
    limit = iters * t_read

    rows = [
        ("statlogit Logit(y, X).fit()", t_sl, m_sl),
        ("statsmodels Logit.fit(method='newton')", t_sm, m_sm),
        ("scikit-learn newton-cholesky", t_sk, m_sk),
        (f"one read of X (X.T @ v) x {iters} iterations", limit, limit),
        ("statlogit logit(formula, df)", t_fsl, m_fsl),
        ("statsmodels smf.logit(formula, df).fit()", t_fsm, m_fsm),
        ("import statlogit (fresh interpreter)", t_imp_sl, t_imp_sl),
        ("from statlogit import logit (loads the model)", t_imp_sl_use, t_imp_sl_use),
        ("import statsmodels.api (fresh interpreter)", t_imp_sm, t_imp_sm),
    ]
    print(f"{'what':<48}{'best s':>10}{'median s':>10}")
    for name, best, med in rows:
        print(f"{name:<48}{best:>10.3f}{med:>10.3f}")
    print(f"\nstatlogit: {iters} Newton iterations, converged={res.converged}; {res.fit_info.message}")
    print(f"max relative coefficient difference: vs statsmodels {agree_sm:.1e}, vs scikit-learn {agree_sk:.1e}\n")

    checks = [
        ("statsmodels / statlogit (fit)", t_sm / t_sl, ">=", 5.0),
        ("scikit-learn / statlogit (fit)", t_sk / t_sl, ">=", 1.5),
        ("statlogit / (iterations x one read of X)", t_sl / limit, "<=", 3.0),
        ("smf / statlogit (formula path)", t_fsm / t_fsl, ">=", 3.0),
        ("statsmodels.api / statlogit (import)", t_imp_sm / t_imp_sl, ">=", 2.0),
        ("statsmodels.api / from statlogit import logit", t_imp_sm / t_imp_sl_use, ">=", 2.0),
    ]
    print(f"{'ratio':<48}{'value':>8}  target")
    for name, val, op, target in checks:
        ok = val >= target if op == ">=" else val <= target
        print(f"{name:<48}{val:>8.2f}  {op} {target:g}  {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
