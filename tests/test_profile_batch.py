"""Profile limits solved together (Venzon-Moolgavkar on batched passes over X).

References: the exact profile limits R computed by root finding (``<id>.profile_exact.json``,
converged to ~1e-13), and for cases beyond R's the roots of the signed likelihood-ratio
statistic found in this file by an independent Newton refit with an offset (numpy only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, ndtri

import statlogit as sl
from statlogit.exceptions import StatlogitError
from statlogit.inference import profile as P
from statlogit.inference.batch_pass import evaluate_many
from statlogit.kernel import loglik_score_information

Z95 = float(ndtri(0.975))


def test_limits_match_r_exact_roots_closely(fitted, helpers):
    """Tighter than the issue-2 tolerance (1e-5): the batched limits are the roots to ~1e-11."""
    ci = fitted.profile_ci
    exact = fitted.case.exact_profile()
    for side in ("lower", "upper"):
        helpers.assert_series_close(ci[side], exact[side], rtol=1e-9, what=f"profile {side}")


def _constrained_max(X, y, j, b, beta_start, offset=None, weights=None):
    """max l(beta) with beta_j = b: plain Newton with step-halving (independent of statlogit)."""
    Xr = np.delete(X, j, axis=1)
    off = b * X[:, j] + (0.0 if offset is None else offset)
    w = np.ones(len(y)) if weights is None else weights
    beta = np.delete(beta_start, j)

    def ll(beta):
        eta = Xr @ beta + off
        return float(w @ (y * eta - np.logaddexp(0.0, eta)))

    cur = ll(beta)
    for _ in range(100):
        p = expit(Xr @ beta + off)
        g = Xr.T @ (w * (y - p))
        d = np.linalg.solve(Xr.T @ (Xr * (w * p * (1 - p))[:, None]), g)
        if g @ d < 1e-22:
            return cur
        t = 1.0
        while (new := ll(beta + t * d)) < cur - 1e-13 * abs(cur):
            t /= 2
            assert t > 1e-10
        beta, cur = beta + t * d, new
    raise AssertionError("the test's own constrained fit did not converge")


@pytest.fixture(scope="module")
def large():
    """60,000 rows (threaded passes), frequency weights and an offset."""
    rng = np.random.default_rng(7)
    n, p = 60_000, 4
    X = rng.standard_normal((n, p))
    X[:, 1] = np.exp(X[:, 1])
    off = 0.1 * rng.standard_normal(n)
    y = (rng.random(n) < expit(-1.0 + X @ np.array([0.3, -0.2, 0.05, 0.0]) + off)).astype(float)
    w = rng.integers(1, 4, n).astype(float)
    res = sl.Logit(y, X, offset=off, weights=w).fit()
    return res, X, y, off, w


def test_signed_root_statistic_is_z_at_every_limit(large):
    res, X, y, off, w = large
    ci = res.conf_int(method="profile")
    Xd = res.design.X
    for j in range(Xd.shape[1]):
        for side, b in ((-1, ci.iloc[j, 0]), (1, ci.iloc[j, 1])):
            lp = _constrained_max(Xd, y, j, b, res.params.to_numpy(), off, w)
            r = side * np.sqrt(2.0 * (res.llf - lp))
            assert abs(r - side * Z95) < 1e-6, (j, side, r)


def test_evaluate_many_equals_kernel_pass():
    rng = np.random.default_rng(3)
    n, p = 130_000, 5  # above THREADED_MIN_ROWS
    X = rng.standard_normal((n, p))
    y = (rng.random(n) < 0.3).astype(float)
    off, w = rng.standard_normal(n), rng.random(n) + 0.5
    B = rng.normal(0, 0.3, (p, 3))
    ll, G, info = evaluate_many(X, y, B, off, w, exact=(1,))
    for k in range(3):
        ll_k, g_k, h_k = loglik_score_information(X, y, B[:, k], off, w)
        np.testing.assert_allclose(ll[k], ll_k, rtol=1e-12)
        np.testing.assert_allclose(G[:, k], g_k, rtol=1e-9, atol=1e-9 * np.abs(g_k).max())
        if k == 1:
            np.testing.assert_allclose(info[1], h_k, rtol=1e-11)


def test_limits_not_settled_by_the_iteration_use_refits(monkeypatch, load_case):
    case = load_case("pima_flagship")
    res = sl.logit(case.formula, case.data)
    d = res.design
    z = Z95
    want = np.array([P.profile_limits(d.X, d.y, res.params.to_numpy(), res.bse.to_numpy(), res.llf, j, z)
                     for j in range(len(res.params))])

    import statlogit.inference.venzon_moolgavkar as V

    def failing(evaluate, theta_hat, information, loglik_hat, z, targets, **kw):
        return np.full(len(targets), np.nan), np.zeros(len(targets), dtype=bool)

    monkeypatch.setattr(V, "vm_limits", failing)
    ci = res.conf_int(method="profile")
    np.testing.assert_allclose(ci.to_numpy(), want, rtol=0)


def test_max_seconds_gives_up_with_a_statlogit_error(large):
    res = large[0]
    fresh = sl.Logit(res.design.y, res.design.X[:, 1:], offset=res.model.offset, weights=res.model.weights).fit()
    with pytest.raises(P.ProfileTimeLimit, match=r"longer than the 1e-09 s allowed.*without max_seconds"):
        fresh.conf_int(method="profile", max_seconds=1e-9)
    assert isinstance(P.ProfileTimeLimit(1.0, 2.0), StatlogitError)


def test_report_falls_back_to_wald_and_says_why(monkeypatch, load_case):
    from statlogit.report import content

    case = load_case("pima_flagship")
    res = sl.logit(case.formula, case.data)
    monkeypatch.setattr(content, "PROFILE_BUDGET_MIN_S", 0.0)
    res.fit_seconds = 1e-12
    rep = res.report(plots=False)
    d = rep.to_dict()
    assert d["ci_method"] == "wald"
    notes = " ".join(d["notes"])
    assert "10 x the fit time" in notes and "Wald intervals are shown instead" in notes
    wald = res.conf_int(method="wald")
    np.testing.assert_allclose([c["ci_lower"] for c in d["coefficients"]], wald["lower"].to_numpy(), rtol=0)


def test_report_uses_profile_within_budget(load_case):
    case = load_case("pima_flagship")
    res = sl.logit(case.formula, case.data)
    assert res.fit_seconds > 0
    d = res.report(plots=False).to_dict()
    assert d["ci_method"] == "profile"
    exact = case.exact_profile()
    got = pd.Series([c["ci_upper"] for c in d["coefficients"]], index=[c["term"] for c in d["coefficients"]])
    np.testing.assert_allclose(got[exact.index].to_numpy(), exact["upper"].to_numpy(), rtol=1e-9)
