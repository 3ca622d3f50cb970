"""Diagnostics speed against statsmodels at n = 1e6, p = 20 (synthetic). Prints ratios; not a test.

* ``res.vif()`` vs statsmodels' loop ``[variance_inflation_factor(exog, i) for i ...]``
  (target >= 100x). The statsmodels loop is timed on ``--sm-rows`` rows (default: all) and
  scaled linearly in n when fewer rows are used; the printout says so.
* ``res.influence()`` vs ``GLMInfluence``: ``hat_matrix_diag`` + ``cooks_distance`` (target >= 3x).
* ``res.check_assumptions()`` vs the fit itself (target: within 10x of the fit time).

Run: ``.venv/bin/python benchmarks/diagnostics_speed.py [--n 1000000] [--p 20] [--sm-rows N]``
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd


def best_of(f, repeat=3):
    out, best = None, np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def make_data(n, p, seed=0):
    rng = np.random.default_rng(seed)
    # correlated, strictly positive predictors (so Box-Tidwell tests every one: the worst case)
    z = rng.standard_normal((n, p)) + 0.5 * rng.standard_normal((n, 1))
    X = np.exp(0.3 * z)
    beta = rng.uniform(-0.5, 0.5, p)
    eta = -0.5 + (X - 1.0) @ beta
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return pd.DataFrame(X, columns=[f"x{j}" for j in range(p)]), y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--p", type=int, default=20)
    ap.add_argument("--sm-rows", type=int, default=None, help="rows for the statsmodels VIF loop (scaled to n)")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    import statsmodels.api as sm
    from statsmodels.genmod.generalized_linear_model import GLMResults  # noqa: F401
    from statsmodels.stats.outliers_influence import GLMInfluence, variance_inflation_factor

    import statlogit as sl

    n, p = a.n, a.p
    Xdf, y = make_data(n, p)
    print(f"n = {n:,}, p = {p} predictors (+ intercept); best of {a.repeat}")

    model = sl.Logit(y, Xdf)
    t_fit, res = best_of(lambda: model.fit(), a.repeat)
    print(f"statlogit fit (Newton)                {t_fit:8.3f} s")

    # ---------------------------------------------------------------- VIF
    t_vif, _ = best_of(lambda: res.vif(), a.repeat)
    exog = res.design.X  # with the constant column, as statsmodels needs for centred VIFs
    icpt = res.design.intercept_index
    cols = [j for j in range(exog.shape[1]) if j != icpt]
    m = n if a.sm_rows is None else min(a.sm_rows, n)
    sub = exog[:m]
    t0 = time.perf_counter()
    [variance_inflation_factor(sub, j) for j in cols]
    t_sm_vif = (time.perf_counter() - t0) * (n / m)
    note = "" if m == n else f"  (timed on {m:,} rows, scaled x{n / m:g})"
    print(f"vif():  statlogit {t_vif:8.3f} s   statsmodels loop {t_sm_vif:8.3f} s{note}")
    print(f"        ratio {t_sm_vif / t_vif:8.1f}x   (target >= 100x)")

    # ---------------------------------------------------------------- influence
    glm = sm.GLM(y, exog, family=sm.families.Binomial()).fit()

    def sm_infl():
        gi = GLMInfluence(glm)
        return gi.hat_matrix_diag, gi.cooks_distance[0]

    t_sm_inf, (h_sm, c_sm) = best_of(sm_infl, a.repeat)
    t_inf, inf = best_of(lambda: res.influence(), a.repeat)
    err = max(np.max(np.abs(inf.table["hat"].to_numpy() - h_sm) / h_sm),
              np.max(np.abs(inf.table["cooks"].to_numpy() - c_sm) / c_sm))
    print(f"influence(): statlogit {t_inf:8.3f} s   statsmodels GLMInfluence hat + Cook's {t_sm_inf:8.3f} s")
    print(f"        ratio {t_sm_inf / t_inf:8.1f}x   (target >= 3x; max rel. difference {err:.1e})")

    # ---------------------------------------------------------------- check_assumptions
    def check():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = model.fit()  # fresh results: nothing cached
            t0 = time.perf_counter()
            rep = r.check_assumptions()
            return time.perf_counter() - t0, rep

    times = [check() for _ in range(a.repeat)]
    t_chk = min(t for t, _ in times)
    rep = times[0][1]
    print(f"check_assumptions(): {t_chk:8.3f} s = {t_chk / t_fit:5.2f} x the fit time   (target <= 10x)")
    print(rep.table[["assumption", "verdict"]].to_string(index=False))


if __name__ == "__main__":
    main()
