"""Penalized multinomial logit speed (synthetic, default n = 200000, p = 20, K = 4). Prints ratios; not a test.

One fit each of ridge, lasso and elastic net (lam = 1e-3) against scikit-learn's multinomial
``LogisticRegression`` on the standardized columns at ``C = 1 / (n lam)`` (lbfgs for ridge, saga
otherwise; its default tol, so it stops at a looser accuracy than our KKT 1e-12). Target: not
slower than scikit-learn (ratio >= 1).

Run under the benchmark lock:
``flock /tmp/statlogit-bench.lock .venv/bin/python benchmarks/penalized_multinomial_speed.py [--n 200000]``
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd


def make_data(n, p, K, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 20, p) + rng.uniform(-5, 5, p)
    B = np.where(rng.random((p, K)) < 0.5, 0.0, rng.uniform(-1, 1, (p, K))) / X.std(axis=0)[:, None]
    eta = (X - X.mean(axis=0)) @ B
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    y = (P.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1)
    return X, np.array([f"L{k}" for k in range(K)])[y]


def sk_kwargs(a):
    import sklearn

    if tuple(int(v) for v in sklearn.__version__.split(".")[:2]) >= (1, 8):
        return {"l1_ratio": a}
    return {"penalty": {0.0: "l2", 1.0: "l1"}.get(a, "elasticnet"), "l1_ratio": a}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--p", type=int, default=20)
    ap.add_argument("--K", type=int, default=4)
    a = ap.parse_args()

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    import statlogit as sl

    X, y = make_data(a.n, a.p, a.K)
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(a.p)]).assign(y=y)
    formula = "y ~ " + " + ".join(f"x{j}" for j in range(a.p))
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    lam = 1e-3
    print(f"n = {a.n}, p = {a.p}, K = {a.K}, lam = {lam:g}")
    for name, kw, l1r, solver in (("ridge", {"penalty": "l2"}, 0.0, "lbfgs"),
                                  ("lasso", {"penalty": "l1"}, 1.0, "saga"),
                                  ("elastic net 0.5", {"penalty": "elasticnet", "l1_ratio": 0.5}, 0.5, "saga")):
        t0 = time.perf_counter()
        res = sl.mlogit(formula, df, lam=lam, **kw)
        ours = time.perf_counter() - t0
        clf = LogisticRegression(C=1.0 / (a.n * lam), solver=solver, max_iter=1000, **sk_kwargs(l1r))
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(Xs, y)
        theirs = time.perf_counter() - t0
        diff = np.abs(clf.coef_.T / X.std(axis=0)[:, None] - res.params.to_numpy()[1:]).max()
        ratio = theirs / ours
        print(f"{name:16s} statlogit {ours:7.2f} s (KKT {res.kkt_violation:.1e}, {res.fit_info.n_iter} cycles)  "
              f"sklearn {solver} {theirs:7.2f} s  ratio {ratio:5.2f}x  max |coef diff| {diff:.1e}  "
              f"target >= 1: {'met' if ratio >= 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
