"""Multinomial and ordinal fit speed at n = 1e6, p = 20, K = 4 (synthetic). Prints ratios; not a test.

* ``sl.MNLogit(y, X).fit()`` (Newton) vs statsmodels ``MNLogit.fit(method="newton")`` (target >= 5x)
  and scikit-learn ``LogisticRegression(penalty=None)`` (multinomial lbfgs, tight tol) at the same
  optimum (target >= 1.5x; the largest coefficient difference is printed).
* ``sl.OrderedLogit(y, X).fit()`` vs statsmodels ``OrderedModel.fit(method="bfgs")`` (target >= 5x).

statsmodels is slow at 1e6 rows: it is timed on ``--sm-rows`` rows (default 200,000) and its time
scaled linearly in n (its cost per iteration is linear in n and its iteration count does not grow
with n); the printout says so. Run ``--sm-rows 1000000`` to time it at full size.

Run: ``.venv/bin/python benchmarks/multiclass_speed.py [--n 1000000] [--p 20] [--sm-rows N]``
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def make_data(n, p, K, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 0.3 * rng.standard_normal((n, 1))
    B = rng.uniform(-0.4, 0.4, (K - 1, p + 1))
    eta = np.column_stack([np.zeros(n), B[:, 0] + X @ B[:, 1:].T])
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    y_nom = (P.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)
    beta = rng.uniform(-0.4, 0.4, p)
    y_ord = np.searchsorted(np.array([-1.0, 0.0, 1.0])[: K - 1], X @ beta + rng.logistic(size=n))
    return X, y_nom, y_ord


def verdict(ratio, target):
    return "met" if ratio >= target else "NOT met"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--p", type=int, default=20)
    ap.add_argument("--K", type=int, default=4)
    ap.add_argument("--sm-rows", type=int, default=200_000, help="rows for statsmodels (time scaled to n)")
    a = ap.parse_args()

    import statsmodels.api as sm
    from sklearn.linear_model import LogisticRegression
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    import statlogit as sl

    n, p, K = a.n, a.p, a.K
    X, y_nom, y_ord = make_data(n, p, K)
    m = min(a.sm_rows, n)
    scale = n / m
    note = "" if m == n else f"  (statsmodels timed on {m:,} rows, scaled x{scale:g})"
    print(f"n = {n:,}, p = {p} predictors, K = {K} levels")

    # ------------------------------------------------------------------ multinomial
    t_ours, res = timed(lambda: sl.MNLogit(y_nom, X).fit())
    print(f"mlogit  statlogit Newton        {t_ours:8.2f} s  ({res.n_iter} iterations, converged={res.converged})")
    Xc = sm.add_constant(X[:m])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_sm, _ = timed(lambda: sm.MNLogit(y_nom[:m], Xc).fit(method="newton", disp=0, maxiter=100))
    t_sm *= scale
    r = t_sm / t_ours
    print(f"        statsmodels MNLogit     {t_sm:8.2f} s{note}")
    print(f"        ratio {r:6.1f}x  (target >= 5x: {verdict(r, 5)})")
    clf = LogisticRegression(penalty=None, solver="lbfgs", tol=1e-10, max_iter=10_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_sk, _ = timed(lambda: clf.fit(X, y_nom))
    B = np.column_stack([clf.intercept_, clf.coef_])
    B = B[1:] - B[0]  # reference-level parametrisation
    ours = res.params.to_numpy().T
    diff = float(np.max(np.abs(B - ours)))
    r = t_sk / t_ours
    print(f"        scikit-learn lbfgs      {t_sk:8.2f} s  ({int(np.max(clf.n_iter_))} iterations; "
          f"max |coef difference| {diff:.1e})")
    print(f"        ratio {r:6.1f}x  (target >= 1.5x: {verdict(r, 1.5)})")

    # ------------------------------------------------------------------ ordinal
    t_ours, res = timed(lambda: sl.OrderedLogit(y_ord, X).fit())
    print(f"ologit  statlogit Newton        {t_ours:8.2f} s  ({res.n_iter} iterations, converged={res.converged})")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_sm, fit_sm = timed(lambda: OrderedModel(y_ord[:m], X[:m], distr="logit").fit(method="bfgs", disp=0,
                                                                                       maxiter=1000))
    t_sm *= scale
    r = t_sm / t_ours
    print(f"        statsmodels OrderedModel {t_sm:7.2f} s{note}")
    print(f"        ratio {r:6.1f}x  (target >= 5x: {verdict(r, 5)})")


if __name__ == "__main__":
    main()
