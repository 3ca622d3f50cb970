"""Shared by the multiclass tests: the R reference cases as arrays, and a plain Newton loop.

The reference cases (tests/data/multiclass, copied from the R 4.2.2 references; see the README
there) are built into design matrices here with pandas only, in R's column order and names.
The Newton loop is deliberately the textbook one (full step, step-halving on a falling
log-likelihood, stop when the Newton decrement is below 1e-12), so that a reference test checks
the kernels, not a solver.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).parent / "data" / "multiclass"


def load_json(name: str) -> dict:
    with open(DATA / f"{name}.json") as fh:
        return json.load(fh)


def dummies(series: pd.Series, levels: list[str], prefix: str) -> pd.DataFrame:
    """Treatment-contrast columns (first level the base), named as R names them."""
    return pd.DataFrame({f"{prefix}{lv}": (series == lv).astype(float) for lv in levels[1:]})


def womenlf():
    """(X with intercept, y codes with not.work = 0, column names, reference JSON)."""
    ref = load_json("womenlf_multinom")
    df = pd.read_csv(DATA / "womenlf.csv")
    X = pd.concat(
        [pd.DataFrame({"(Intercept)": np.ones(len(df)), "hincome": df["hincome"].astype(float)}),
         dummies(df["children"], ref["predictor_levels"]["children"], "children"),
         dummies(df["region"], ref["predictor_levels"]["region"], "region")],
        axis=1,
    )
    assert list(X.columns) == ref["X_colnames"]
    y = pd.Categorical(df["partic"], categories=ref["response_levels"]).codes.astype(np.int64)
    return X.to_numpy(), y, list(X.columns), ref


def housing():
    """(X without intercept, y codes Low < Medium < High, Freq weights, names, reference JSON)."""
    ref = load_json("housing_polr")
    df = pd.read_csv(DATA / "housing.csv")
    lv = ref["predictor_levels"]
    X = pd.concat([dummies(df[c], lv[c], c) for c in ("Infl", "Type", "Cont")], axis=1)
    assert list(X.columns) == ref["X_colnames"][1:]
    y = pd.Categorical(df["Sat"], categories=ref["response_levels"]).codes.astype(np.int64)
    return X.to_numpy(), y, df["Freq"].to_numpy(dtype=float), list(X.columns), ref


def newton(pieces, theta0, tol=1e-12, max_iter=100):
    """Maximise ``pieces(theta) -> (loglik, score, information)``; returns (theta, loglik, information)."""
    theta = np.asarray(theta0, dtype=float)
    ll, g, H = pieces(theta)
    for _ in range(max_iter):
        d = np.linalg.solve(H, g)
        if np.sqrt(max(g @ d, 0.0)) < tol:
            return theta, ll, H
        t = 1.0
        while True:
            ll_t, g_t, H_t = pieces(theta + t * d)
            if ll_t >= ll - 1e-12 * abs(ll):
                break
            t *= 0.5
            assert t > 1e-10, "line search failed"
        theta, ll, g, H = theta + t * d, ll_t, g_t, H_t
    raise AssertionError("Newton did not converge")


def finite_difference(fun, x, h=1e-6):
    """Central differences of a scalar or vector function (rows = components of x)."""
    x = np.asarray(x, dtype=float)
    return np.array([(np.asarray(fun(x + h * e)) - np.asarray(fun(x - h * e))) / (2 * h) for e in np.eye(x.size)])
