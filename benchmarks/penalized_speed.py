"""Penalized logistic regression speed at n = 1e6, p = 20 (synthetic). Prints ratios; not a test.

* Lasso path of 30 lambdas, lambda_max down to 1e-3 lambda_max, vs a warm-started
  scikit-learn ``LogisticRegression(penalty="l1", solver="saga")`` loop over the same lambdas
  (``C = 1 / (n lambda)`` on standardized columns, its default tol; target >= 3x).
* Ridge path (vs a warm-started ``lbfgs`` L2 loop over the same 30 lambdas) and 10-fold CV.
* glmnet's grids as R fits them (the first 45 lambdas of glmnet's default lasso grid, the first
  95 of its ridge grid), against R glmnet's times measured on these machines and quoted here:
  11.4 s (45-lambda lasso path) and 95 s (95-lambda ridge path).

Run under the benchmark lock:
``flock /tmp/statlogit-bench.lock .venv/bin/python benchmarks/penalized_speed.py [--n 1000000] [--p 20]``
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

R_GLMNET_LASSO_45 = 11.4
R_GLMNET_RIDGE_95 = 95.0


def make_data(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 20, p) + rng.uniform(-5, 5, p)
    X += 0.3 * rng.standard_normal((n, 1))
    beta = np.where(rng.random(p) < 0.5, 0.0, rng.uniform(-1, 1, p)) / X.std(axis=0)
    eta = -0.5 + (X - X.mean(axis=0)) @ beta
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return X, y


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def verdict(ratio, target):
    return "met" if ratio >= target else "NOT met"


def sklearn_loop(Xs, y, lambdas, l1_ratio, solver):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    n = Xs.shape[0]
    import sklearn

    major, minor = (int(v) for v in sklearn.__version__.split(".")[:2])
    # scikit-learn >= 1.8 names the penalty by l1_ratio alone ('penalty' is deprecated)
    kw = {"l1_ratio": l1_ratio} if (major, minor) >= (1, 8) else {"penalty": "l1" if l1_ratio else "l2"}
    clf = LogisticRegression(solver=solver, C=1.0, warm_start=True, max_iter=1000, **kw)
    coefs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for lam in lambdas:
            clf.set_params(C=1.0 / (n * lam))
            clf.fit(Xs, y)
            coefs.append(clf.coef_.ravel().copy())
    return np.array(coefs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--p", type=int, default=20)
    ap.add_argument("--skip-sklearn-ridge", action="store_true")
    a = ap.parse_args()

    import statlogit as sl

    X, y = make_data(a.n, a.p)
    names = [f"x{j}" for j in range(a.p)]
    Xdf = pd.DataFrame(X, columns=names)
    model = sl.Logit(y, Xdf)
    print(f"n = {a.n}, p = {a.p}")

    # glmnet's lambda_max for the lasso, then 30 lambdas down to 1e-3 lambda_max
    probe = model.path(l1_ratio=1.0, n_lambdas=1)
    lam_max = probe.lambda_max
    lambdas = lam_max * np.logspace(0, -3, 30)

    t_lasso, path = timed(lambda: model.path(l1_ratio=1.0, lambdas=lambdas))
    mu, sd = X.mean(axis=0), X.std(axis=0)
    Xs = (X - mu) / sd
    t_saga, saga = timed(lambda: sklearn_loop(Xs, y, lambdas, 1.0, "saga"))
    ratio = t_saga / t_lasso
    ours = path.coefs.drop(columns="Intercept").to_numpy() * sd
    print(f"lasso path, 30 lambdas:  statlogit {t_lasso:7.2f} s   sklearn saga (warm) {t_saga:7.2f} s   "
          f"ratio {ratio:5.1f}x  (target >= 3x: {verdict(ratio, 3)})")
    print(f"  max |standardized coef difference| statlogit vs saga: {np.max(np.abs(ours - saga)):.2e} "
          f"(saga stops at its tol=1e-4); statlogit max KKT violation {path.kkt_violation.max():.1e}")

    ridge_lams = lam_max * 1000 * np.logspace(0, -4, 30)  # glmnet's ridge grid top is lambda_max / 1e-3
    t_ridge, rpath = timed(lambda: model.path(l1_ratio=0.0, lambdas=ridge_lams))
    if not a.skip_sklearn_ridge:
        t_lbfgs, _ = timed(lambda: sklearn_loop(Xs, y, ridge_lams, 0.0, "lbfgs"))
        r = t_lbfgs / t_ridge
        print(f"ridge path, 30 lambdas:  statlogit {t_ridge:7.2f} s   sklearn lbfgs (warm) {t_lbfgs:7.2f} s   "
              f"ratio {r:5.1f}x")
    else:
        print(f"ridge path, 30 lambdas:  statlogit {t_ridge:7.2f} s")

    t_cv, cv = timed(lambda: path.cv(folds=10, seed=0))
    print(f"10-fold CV of the 30-lambda lasso path: {t_cv:7.2f} s ({t_cv / t_lasso:.1f}x one path); "
          f"lambda_min = {cv.lambda_min:.3g}, lambda_1se = {cv.lambda_1se:.3g}")

    grid = np.exp(np.linspace(0, np.log(1e-4), 100))  # glmnet's default grid shape (n > p)
    t45, _ = timed(lambda: model.path(l1_ratio=1.0, lambdas=lam_max * grid[:45]))
    r45 = R_GLMNET_LASSO_45 / t45
    print(f"glmnet's lasso grid, first 45 lambdas: statlogit {t45:6.2f} s vs R glmnet {R_GLMNET_LASSO_45} s "
          f"(quoted)  ratio {r45:5.1f}x  ({'beats' if r45 > 1 else 'NOT faster than'} glmnet)")
    ridge_max = probe.lambda_max * 1000
    t95, _ = timed(lambda: model.path(l1_ratio=0.0,
                                      lambdas=ridge_max * grid[:95]))
    r95 = R_GLMNET_RIDGE_95 / t95
    print(f"glmnet's ridge grid, first 95 lambdas: statlogit {t95:6.2f} s vs R glmnet {R_GLMNET_RIDGE_95} s "
          f"(quoted)  ratio {r95:5.1f}x  ({'beats' if r95 > 1 else 'NOT faster than'} glmnet)")


if __name__ == "__main__":
    main()
