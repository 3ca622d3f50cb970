"""Gradient descent and SGD against Newton on every reference model; honest reporting.

Newton's coefficients are checked against R in test_reference.py (1e-6 relative), so here
they are the target: full-batch GD with default options must reach them to 1e-5 relative
(issue 2), mini-batch SGD with defaults to 1e-2 relative. Whatever the solver, standard
errors must come from the observed information ``X'WX`` at the coefficients it returns;
the test recomputes that matrix from the design.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.special import expit

import statlogit as sl

RTOL_GD = 1e-5
RTOL_SGD = 1e-2


def _se_at(X: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """sqrt(diag((X'WX)^-1)) with W = p(1-p) at ``beta``, computed independently."""
    p = expit(X @ beta)
    info = X.T @ (X * (p * (1 - p))[:, None])
    return np.sqrt(np.diag(np.linalg.inv(info)))


def _loglik_at(X, y, beta) -> float:
    eta = X @ beta
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


# ----------------------------------------------------------------- gradient descent


def test_gd_reaches_newton(fitted):
    res, caught = fitted.fit_with("gd")
    assert not caught, [str(w.message) for w in caught]
    assert res.method == "gd"
    assert res.converged is True
    newton = fitted.res.params
    np.testing.assert_allclose(res.params[newton.index].to_numpy(), newton.to_numpy(), rtol=RTOL_GD)
    np.testing.assert_allclose(res.llf, fitted.res.llf, rtol=1e-10)


def test_gd_history(fitted):
    res, _ = fitted.fit_with("gd")
    h = res.history
    assert {"iteration", "loss", "loglik"} <= set(h.columns)
    assert len(h) >= 1
    assert res.n_iter >= 1
    loss = h["loss"].to_numpy()
    assert np.all(np.isfinite(loss))
    assert loss[-1] < loss[0]
    # full-batch GD with step <= 1/L never increases the loss (up to rounding)
    assert np.all(np.diff(loss) <= 1e-12 * np.abs(loss[:-1]))
    np.testing.assert_allclose(h["loglik"].iloc[-1], res.llf, rtol=1e-10)


@pytest.mark.parametrize("method", ["gd", "sgd"])
def test_se_from_information_at_own_coefficients(fitted, method):
    res, _ = fitted.fit_with(method)
    X = res.design.X
    expected = _se_at(X, res.params.to_numpy())
    np.testing.assert_allclose(res.bse.to_numpy(), expected, rtol=1e-8)
    np.testing.assert_allclose(res.llf, _loglik_at(X, res.design.y, res.params.to_numpy()), rtol=1e-10)


# ----------------------------------------------------------------- SGD


def test_sgd_near_newton(fitted):
    res, _ = fitted.fit_with("sgd")
    assert res.method == "sgd"
    newton = fitted.res.params
    np.testing.assert_allclose(res.params[newton.index].to_numpy(), newton.to_numpy(), rtol=RTOL_SGD)


def test_sgd_reports_honestly(fitted):
    """A ConvergenceWarning is emitted exactly when ``converged`` is False."""
    res, caught = fitted.fit_with("sgd")
    conv = [w for w in caught if issubclass(w.category, sl.ConvergenceWarning)]
    others = [w for w in caught if not issubclass(w.category, sl.ConvergenceWarning)]
    assert not others, [str(w.message) for w in others]
    assert bool(conv) == (not res.converged)
    h = res.history
    assert {"iteration", "epoch", "loss", "loglik"} <= set(h.columns)
    assert res.n_iter == len(h)
    assert np.all(np.isfinite(h["loss"]))
    assert h["loss"].iloc[-1] < h["loss"].iloc[0]
    np.testing.assert_allclose(h["loglik"].iloc[-1], res.llf, rtol=1e-10)


def test_sgd_is_reproducible_with_seed(load_case):
    case = load_case("pima_flagship")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sl.ConvergenceWarning)
        a = sl.logit(case.formula, case.data, method="sgd", epochs=4, seed=7)
        b = sl.logit(case.formula, case.data, method="sgd", epochs=4, seed=7)
        c = sl.logit(case.formula, case.data, method="sgd", epochs=4, seed=8)
    np.testing.assert_array_equal(a.params.to_numpy(), b.params.to_numpy())
    assert not np.array_equal(a.params.to_numpy(), c.params.to_numpy())
    assert len(a.history) == 4 == a.n_iter


# ----------------------------------------------------------------- Newton


def test_newton_history(fitted):
    res = fitted.res
    h = res.history
    assert {"iteration", "loglik", "step_size"} <= set(h.columns)
    ll = h["loglik"].to_numpy()
    assert np.all(np.diff(ll) >= -1e-12 * np.abs(ll[:-1]))
    np.testing.assert_allclose(ll[-1], res.llf, rtol=1e-12)
    assert res.n_iter == len(h) - 1  # history row 0 is the start, one row per step after
    assert res.n_iter == int(h["iteration"].iloc[-1])


@pytest.mark.parametrize("method", ["newton", "gd", "sgd"])
def test_max_iter_one_is_not_converged(load_case, method):
    case = load_case("pima_flagship")
    with pytest.warns(sl.ConvergenceWarning, match=method):
        res = sl.logit(case.formula, case.data, method=method, max_iter=1)
    assert res.converged is False
    assert res.n_iter <= 1
    assert len(res.history) >= 1


def test_newton_tol_option(load_case):
    case = load_case("pima_flagship")
    loose = sl.logit(case.formula, case.data, tol=1e-2)
    tight = sl.logit(case.formula, case.data, tol=1e-12)
    assert loose.converged and tight.converged
    assert loose.n_iter <= tight.n_iter
    assert loose.history["decrement"].iloc[-1] <= 1e-2
    assert tight.history["decrement"].iloc[-1] <= 1e-12


@pytest.mark.parametrize("method", ["gd", "sgd"])
def test_progress_bar(load_case, method):
    case = load_case("pima_flagship")
    opts = {"epochs": 5} if method == "sgd" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sl.ConvergenceWarning)
        res = sl.logit(case.formula, case.data, method=method, progress=True, **opts)
        quiet = sl.logit(case.formula, case.data, method=method, **opts)
    np.testing.assert_array_equal(res.params.to_numpy(), quiet.params.to_numpy())
    assert len(res.history) >= 1


def test_unknown_method_is_an_option_error(load_case):
    case = load_case("pima_flagship")
    with pytest.raises(sl.OptionError, match="method"):
        sl.logit(case.formula, case.data, method="lbfgs")


# ----------------------------------------------------------------- large-n start
@pytest.mark.parametrize("with_weights", [False, True])
def test_large_n_subsample_start_reaches_the_same_optimum(with_weights):
    """For n >= 200,000 Newton starts from a subsample fit and takes subsample-information
    steps; the answer and its exact-information SEs must equal plain Newton's (and
    statsmodels')."""
    import statsmodels.api as sm

    from statlogit.solvers.newton import SUBSAMPLE_MIN_ROWS, fit_newton

    rng = np.random.default_rng(3)
    n, p = SUBSAMPLE_MIN_ROWS + 10_000, 4
    X = np.c_[np.ones(n), rng.standard_normal((n, p))]
    beta = np.r_[-0.4, rng.normal(0, 0.5, p)]
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ beta))).astype(float)
    w = rng.uniform(0.5, 2.0, n) if with_weights else None
    off = rng.normal(0, 0.3, n)
    fast = fit_newton(X, y, weights=w, offset=off, intercept_index=0)
    plain = fit_newton(X, y, weights=w, offset=off, start=np.zeros(p + 1))
    assert fast.converged and plain.converged
    assert "subsample" in fast.message
    kinds = [h["information"] for h in fast.history]
    assert kinds[0] == "subsample" and kinds[-1] == "exact"
    np.testing.assert_allclose(fast.params, plain.params, rtol=1e-9, atol=1e-12)
    se_fast = np.sqrt(np.diag(np.linalg.inv(fast.information)))
    se_plain = np.sqrt(np.diag(np.linalg.inv(plain.information)))
    np.testing.assert_allclose(se_fast, se_plain, rtol=1e-8)
    if not with_weights:
        ref = sm.GLM(y, X, family=sm.families.Binomial(), offset=off).fit(tol=1e-12)
        np.testing.assert_allclose(fast.params, ref.params, rtol=1e-7)
        np.testing.assert_allclose(se_fast, ref.bse, rtol=1e-6)
