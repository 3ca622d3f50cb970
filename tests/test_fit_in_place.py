"""The array fit reads the caller's X in place (implicit intercept), the pass may split rows
between threads, and Holm's adjustment needs no statsmodels: same numbers as before."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import statlogit as sl
from statlogit.kernel import logit_pass
from statlogit.solvers.newton import SUBSAMPLE_MIN_ROWS, fit_newton


def _data(n, k, seed=0, weights=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, k))
    b = rng.normal(0, 0.5, k)
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.3 + X @ b)))).astype(float)
    w = rng.uniform(0.5, 2.0, n) if weights else None
    return X, y, w, rng.normal(0, 0.2, n)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("with_weights", [False, True])
def test_implicit_intercept_pass_equals_explicit_column(order, with_weights):
    X, y, w, off = _data(30_000, 6, weights=with_weights)
    beta = np.r_[0.1, np.linspace(-0.4, 0.4, 6)]
    explicit = logit_pass(np.c_[np.ones(len(y)), X], y, beta, off, w, block_rows=4096)
    implicit = logit_pass(np.asarray(X, order=order), y, beta, off, w, block_rows=4096, implicit_intercept=True)
    assert implicit.loglik == pytest.approx(explicit.loglik, rel=1e-13)
    np.testing.assert_allclose(implicit.score, explicit.score, rtol=1e-11, atol=1e-9)
    np.testing.assert_allclose(implicit.information, explicit.information, rtol=1e-12)
    np.testing.assert_array_equal(implicit.information, implicit.information.T)


def test_threads_split_rows_and_add_the_same_sums():
    X, y, w, off = _data(SUBSAMPLE_MIN_ROWS + 5_000, 4, weights=True)
    beta = np.r_[0.2, 0.1, -0.3, 0.5, 0.0]
    one = logit_pass(X, y, beta, off, w, implicit_intercept=True, workers=1)
    two = logit_pass(X, y, beta, off, w, implicit_intercept=True, workers=2)
    assert two.loglik == pytest.approx(one.loglik, rel=1e-13)
    np.testing.assert_allclose(two.score, one.score, rtol=1e-9, atol=1e-8)
    np.testing.assert_allclose(two.information, one.information, rtol=1e-12)
    assert two.n_extreme == one.n_extreme == 0


def test_extreme_rows_counted_by_the_pass():
    X = np.linspace(-40, 40, 81)[:, None]
    y = (X[:, 0] > 0).astype(float)
    out = logit_pass(X, y, np.array([0.0, 1.0]), implicit_intercept=True)
    assert out.n_extreme == int(np.sum(np.abs(X[:, 0]) > 25))


@pytest.mark.parametrize("order", ["C", "F"])
def test_array_fit_does_not_copy_x_and_matches_statsmodels(order):
    import statsmodels.api as sm

    X, y, _, _ = _data(5_000, 3)
    X = np.asarray(X, order=order)
    before = X.copy()
    res = sl.Logit(y, X).fit()
    d = res.design
    assert d.implicit_intercept and np.shares_memory(d.predictors, X)
    assert not d.predictors.flags.writeable and X.flags.writeable
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params, rtol=1e-9)
    np.testing.assert_allclose(res.bse.to_numpy(), ref.bse, rtol=1e-8)
    np.testing.assert_allclose(res.fittedvalues.to_numpy(), ref.predict(), rtol=1e-9)
    res.summary()
    assert d.implicit_intercept  # the summary needs no [1, X]
    # A consumer that wants the full matrix gets it, built once, intercept first.
    np.testing.assert_array_equal(d.X, np.c_[np.ones(len(y)), before])
    assert d.X is d.X and not d.implicit_intercept
    np.testing.assert_array_equal(X, before)


def test_array_fit_equals_the_fit_with_the_intercept_column_given():
    X, y, _, _ = _data(2_000, 4, seed=3)
    implicit = sl.Logit(y, X).fit()
    own = sl.Logit(y, np.c_[np.ones(len(y)), X]).fit()  # X brings its own constant
    assert not own.design.implicit_intercept
    np.testing.assert_allclose(implicit.params.to_numpy(), own.params.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(implicit.bse.to_numpy(), own.bse.to_numpy(), rtol=1e-12)
    assert implicit.llf == pytest.approx(own.llf, rel=1e-14)
    for a, b in zip(implicit.conf_int(method="profile").to_numpy().ravel(),
                    own.conf_int(method="profile").to_numpy().ravel()):
        assert a == pytest.approx(b, rel=1e-9)


def test_rows_with_missing_values_are_dropped_from_a_copy_not_the_callers_x():
    X, y, _, _ = _data(1_000, 3, seed=5)
    X[[3, 7], 1] = np.nan
    before = X.copy()
    res = sl.Logit(y, X).fit()
    assert res.nobs == 998 and list(res.dropped_rows) == [3, 7]
    np.testing.assert_array_equal(X, before)
    ref = sl.Logit(np.delete(y, [3, 7]), np.delete(X, [3, 7], axis=0)).fit()
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), rtol=1e-13)


@pytest.mark.parametrize("with_weights", [False, True])
def test_large_n_implicit_fit_equals_explicit(with_weights):
    X, y, w, off = _data(SUBSAMPLE_MIN_ROWS + 10_000, 4, seed=7, weights=with_weights)
    fast = fit_newton(X, y, weights=w, offset=off, implicit_intercept=True)
    plain = fit_newton(np.c_[np.ones(len(y)), X], y, weights=w, offset=off, intercept_index=0)
    assert fast.converged and "subsample" in fast.message
    np.testing.assert_allclose(fast.params, plain.params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fast.information, plain.information, rtol=1e-9)
    assert fast.n_extreme == 0


def test_large_n_fit_allocates_nothing_the_size_of_x():
    """tracemalloc sees numpy's allocations: the fit's peak stays far below one X."""
    X, y, _, _ = _data(SUBSAMPLE_MIN_ROWS + 50_000, 20, seed=11)
    sl.Logit(y[:1000], X[:1000]).fit()  # imports and first-use allocations, not counted
    for order in "CF":
        Xo = np.asarray(X, order=order)
        tracemalloc.start()
        try:
            res = sl.Logit(y, Xo).fit()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert res.converged
        # Per-row vectors (y coded, masks) and the 50,000-row subsample: about 0.3 X at
        # p = 20, 0.1 X at p = 50; a copy of X would be >= 1.
        assert peak < 0.5 * Xo.nbytes, (order, peak / Xo.nbytes)


def test_holm_matches_statsmodels_and_r():
    from statsmodels.stats.multitest import multipletests

    from statlogit.inference.multiplicity import holm

    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.04, 0.5), "holm")
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.04, 0.5])
    np.testing.assert_allclose(holm(p), [0.05, 0.12, 0.12, 0.03, 0.12, 0.5], rtol=1e-14)
    rng = np.random.default_rng(2)
    for m in (1, 2, 7, 40):
        p = rng.uniform(0, 0.2, m) ** 2
        p[: m // 3] = p[0]  # ties
        np.testing.assert_allclose(holm(p), multipletests(p, method="holm")[1], rtol=1e-14)
    assert holm([]).shape == (0,)


def test_threaded_pass_works_in_a_forked_child():
    """A process pool forked after a large fit (its thread pool made) must not hang."""
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods():
        pytest.skip("no fork on this platform")
    X, y, _, _ = _data(80_000, 3, seed=13)
    beta = np.array([0.3, 0.5, -0.2, 0.1])
    parent = logit_pass(X, y, beta, implicit_intercept=True, workers=2)
    with mp.get_context("fork").Pool(1) as pool:
        child = pool.apply_async(_child_loglik, (X, y, beta)).get(timeout=60)
    assert child == pytest.approx(parent.loglik, rel=1e-13)


def _child_loglik(X, y, beta):
    return logit_pass(X, y, beta, implicit_intercept=True, workers=2).loglik
