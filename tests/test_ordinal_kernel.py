"""ordinal_pieces / ordinal_nominal_pieces / ordinal_probabilities / ordinal_start: against finite
differences, statsmodels OrderedModel (its threshold parametrisation mapped by the chain rule),
high-precision arithmetic in the tails, and ordinal::clm (MASS::housing with Freq frequency
weights, R 4.2.2; tests/data/multiclass/README.md)."""

from __future__ import annotations

from decimal import Decimal, getcontext

import numpy as np
import pytest
from multiclass_helpers import finite_difference, housing, newton
from statsmodels.miscmodels.ordinal_model import OrderedModel

from statlogit.exceptions import ResponseError
from statlogit.models.ordinal_kernel import (
    ordinal_nominal_pieces,
    ordinal_pieces,
    ordinal_probabilities,
    ordinal_start,
)


def _random_case(seed, n=300, p=3, K=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = rng.integers(0, K, n)
    y[:K] = np.arange(K)
    beta = rng.normal(size=p) * 0.6
    zeta = np.sort(rng.normal(size=K - 1) * 1.5) + np.arange(K - 1) * 0.3
    return X, y, np.r_[beta, zeta], K


def _to_statsmodels(theta, p):
    """OrderedModel's parameters: beta, zeta_1, log(zeta_j - zeta_{j-1}); and d theta / d sm."""
    beta, zeta = theta[:p], theta[p:]
    sm = np.r_[beta, zeta[0], np.log(np.diff(zeta))]
    J = zeta.size
    jac = np.eye(theta.size)
    for k in range(J):          # zeta_k = s_0 + sum_{1 <= j <= k} exp(s_j)
        jac[p + k, p] = 1.0
        for j in range(1, k + 1):
            jac[p + k, p + j] = np.exp(sm[p + j])
    return sm, jac


@pytest.mark.parametrize("seed,K", [(0, 3), (1, 4), (2, 6)])
def test_agrees_with_statsmodels_ordered_model(seed, K):
    X, y, theta, K = _random_case(seed, K=K)
    p = X.shape[1]
    ll, score, info = ordinal_pieces(X, y, theta, block_rows=29)
    model = OrderedModel(y, X, distr="logit")
    sm, jac = _to_statsmodels(theta, p)
    assert ll == pytest.approx(model.loglike(sm), rel=1e-13)
    # chain rule: score_sm = J' score;  hessian_sm = -J' info J + sum_k score_zeta_k d2 zeta_k / d s_j^2
    np.testing.assert_allclose(jac.T @ score, model.score(sm), rtol=1e-5, atol=1e-5)
    second = np.zeros(theta.size)
    for j in range(1, K - 1):
        second[p + j] = np.exp(sm[p + j]) * score[p + j:].sum()
    hess_sm = -jac.T @ info @ jac + np.diag(second)
    np.testing.assert_allclose(hess_sm, model.hessian(sm), rtol=1e-5, atol=1e-4)
    prob = ordinal_probabilities(X, theta, K)
    np.testing.assert_allclose(prob, model.predict(sm), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(prob.sum(axis=1), 1.0, rtol=0, atol=1e-14)


@pytest.mark.parametrize("weighted", [False, True])
def test_score_and_information_are_derivatives_of_loglik(weighted):
    X, y, theta, K = _random_case(3, n=200)
    w = np.random.default_rng(3).uniform(0.5, 2.0, len(y)) if weighted else None
    ll, score, info = ordinal_pieces(X, y, theta, weights=w)
    fd = finite_difference(lambda t: ordinal_pieces(X, y, t, weights=w, need_hessian=False)[0], theta)
    np.testing.assert_allclose(score, fd, rtol=1e-7, atol=1e-6)
    fd_h = finite_difference(lambda t: ordinal_pieces(X, y, t, weights=w, need_hessian=False)[1], theta)
    np.testing.assert_allclose(info, -fd_h, rtol=1e-7, atol=1e-6)
    np.testing.assert_array_equal(info, info.T)


def test_nominal_pieces_are_derivatives_and_reduce_to_proportional_odds():
    X, y, theta, K = _random_case(4, n=250, p=3)
    rng = np.random.default_rng(4)
    nominal = [2, 0]
    A = np.vstack([theta[3:], rng.normal(size=(2, K - 1)) * 0.2])
    th = np.r_[theta[1], A.ravel()]
    w = rng.uniform(0.5, 2.0, len(y))
    ll, score, info = ordinal_nominal_pieces(X, y, th, nominal, weights=w, block_rows=41)
    fd = finite_difference(lambda t: ordinal_nominal_pieces(X, y, t, nominal, weights=w, need_hessian=False)[0], th)
    np.testing.assert_allclose(score, fd, rtol=1e-7, atol=1e-6)
    fd_h = finite_difference(lambda t: ordinal_nominal_pieces(X, y, t, nominal, weights=w, need_hessian=False)[1], th)
    np.testing.assert_allclose(info, -fd_h, rtol=1e-7, atol=1e-6)
    # with zero per-threshold effects it is the proportional-odds model with those betas at 0
    A0 = np.vstack([theta[3:], np.zeros((2, K - 1))])
    a = ordinal_nominal_pieces(X, y, np.r_[theta[1], A0.ravel()], nominal)
    b = ordinal_pieces(X, y, np.r_[0.0, theta[1], 0.0, theta[3:]])
    assert a[0] == pytest.approx(b[0], rel=1e-14)
    assert ordinal_nominal_pieces(X, y, theta, [])[0] == pytest.approx(ordinal_pieces(X, y, theta)[0], rel=1e-14)
    # the same nominal column pair with the nominal effect = the location effect up to sign
    beta_nom = np.vstack([theta[3:], -theta[2] * np.ones(K - 1), -theta[0] * np.ones(K - 1)])
    c = ordinal_nominal_pieces(X, y, np.r_[theta[1], beta_nom.ravel()], nominal)
    assert c[0] == pytest.approx(ordinal_pieces(X, y, theta)[0], rel=1e-13)


def _decimal_loglik(a: Decimal, b: Decimal | None) -> Decimal:
    """log(F(a) - F(b)) in 60-digit arithmetic (the naive difference is exact enough there)."""
    def F(t):
        return 1 / (1 + (-t).exp())
    return (F(a) - (F(b) if b is not None else 0)).ln()


@pytest.mark.parametrize("shift", [-35.0, -12.0, 0.5, 14.0, 38.0])
def test_information_is_accurate_in_the_tails(shift):
    """One middle-category row with both cumulative probabilities near 0 (or 1): the second
    derivative along beta is tiny there, and a formula that subtracts would lose it."""
    getcontext().prec = 60
    zeta = np.array([-1.0, 0.0, 1.0])
    x = 1.0
    beta = -shift   # x'beta = -shift: a = zeta_y + shift
    theta = np.r_[beta, zeta]
    X = np.array([[x]])
    y = np.array([2])
    ll, score, info = ordinal_pieces(X, y, theta)
    a0, b0 = Decimal(zeta[2] + shift), Decimal(zeta[1] + shift)
    h = Decimal("1e-15")
    l0 = _decimal_loglik(a0, b0)
    lp = _decimal_loglik(a0 + h, b0 + h)
    lm = _decimal_loglik(a0 - h, b0 - h)
    d2 = (lp - 2 * l0 + lm) / (h * h)   # d2 log pi / d (x'beta)^2 (a common shift of a and b)
    d1 = (lp - lm) / (2 * h)
    assert ll == pytest.approx(float(l0), rel=1e-13)
    assert score[0] == pytest.approx(-float(d1), rel=1e-10, abs=1e-300)
    assert info[0, 0] == pytest.approx(-float(d2), rel=1e-9)


def test_frequency_weights_equal_repeated_rows():
    X, y, theta, K = _random_case(5, n=120)
    counts = np.random.default_rng(5).integers(1, 4, len(y))
    a = ordinal_pieces(X, y, theta, weights=counts.astype(float), block_rows=16)
    b = ordinal_pieces(np.repeat(X, counts, axis=0), np.repeat(y, counts), theta)
    assert a[0] == pytest.approx(b[0], rel=1e-13)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-12, atol=1e-11)
    np.testing.assert_allclose(a[2], b[2], rtol=1e-12, atol=1e-11)


def test_thresholds_out_of_order_give_minus_infinity():
    X, y, theta, K = _random_case(6)
    bad = theta.copy()
    bad[-1] = bad[-2] - 0.1
    assert ordinal_pieces(X, y, bad) == (-np.inf, None, None)
    with pytest.raises(ValueError, match="strictly increasing"):
        ordinal_probabilities(X, bad, K)


def test_start_is_the_threshold_only_maximum():
    X, y, theta, K = _random_case(7)
    w = np.random.default_rng(7).uniform(0.5, 2, len(y))
    t0 = ordinal_start(y, K, weights=w, p=X.shape[1])
    np.testing.assert_array_equal(t0[:3], 0.0)
    score = ordinal_pieces(X, y, t0, weights=w)[1]
    np.testing.assert_allclose(score[3:], 0.0, atol=1e-10)
    with pytest.raises(ResponseError, match=r"level code\(s\) \[1\]"):
        ordinal_start(np.array([0, 2, 2, 0]), 3)


def _fit_housing(nominal=None):
    X, y, w, names, ref = housing()
    K, p = ref["K"], X.shape[1]
    zeta0 = ordinal_start(y, K, weights=w)
    if nominal is None:
        return newton(lambda t: ordinal_pieces(X, y, t, weights=w), np.r_[np.zeros(p), zeta0]), ref, names
    po = p - len(nominal)
    A0 = np.vstack([zeta0, np.zeros((len(nominal), K - 1))])
    return newton(lambda t: ordinal_nominal_pieces(X, y, t, nominal, weights=w), np.r_[np.zeros(po), A0.ravel()]), ref, names


def test_newton_on_the_kernel_reproduces_clm_housing():
    (theta, ll, info), ref, names = _fit_housing()
    p = len(names)
    np.testing.assert_allclose(theta[:p], [ref["beta"][n] for n in names], rtol=0, atol=1e-6)
    np.testing.assert_allclose(theta[p:], list(ref["zeta"].values()), rtol=0, atol=1e-6)
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    np.testing.assert_allclose(se[:p], [ref["se_beta"][n] for n in names], rtol=1e-5)
    np.testing.assert_allclose(se[p:], list(ref["se_zeta"].values()), rtol=1e-5)
    np.testing.assert_allclose(np.linalg.inv(info), np.array(ref["vcov"]), rtol=1e-5, atol=1e-10)
    assert ll == pytest.approx(ref["loglik"], rel=0, abs=1e-7)
    X, y, w, _, _ = housing()
    np.testing.assert_allclose(ordinal_probabilities(X, theta, 3), np.array(ref["fitted_probs"]), rtol=0, atol=1e-7)


def test_nominal_refits_reproduce_clm_nominal_test():
    (theta, ll, info), ref, names = _fit_housing()
    tight = ref["nominal_test_tight"]
    columns = {"Infl": [0, 1], "Type": [2, 3, 4], "Cont": [5]}
    for term, df, ll_ref, lrt in zip(tight["term"], tight["Df"], tight["logLik"], tight["LRT"]):
        th_n, ll_n, _ = _fit_housing(nominal=columns[term])[0]
        assert len(columns[term]) * (3 - 2) == df
        assert ll_n == pytest.approx(ll_ref, rel=0, abs=1e-7)
        assert 2 * (ll_n - ll) == pytest.approx(lrt, rel=0, abs=1e-5)


def test_two_levels_is_the_binary_logit_with_the_sign_of_polr():
    from statlogit.kernel import loglik_score_information

    X, y, theta, K = _random_case(8, K=2)
    beta, zeta = theta[:3], theta[3:]
    ll, score, info = ordinal_pieces(X, y, theta)
    X1 = np.column_stack([np.ones(len(y)), X])   # P(Y = 1) = expit(x'beta - zeta)
    ll_b, score_b, info_b = loglik_score_information(X1, y.astype(float), np.r_[-zeta, beta])
    assert ll == pytest.approx(ll_b, rel=1e-13)
    np.testing.assert_allclose(score, np.r_[score_b[1:], -score_b[0]], rtol=1e-11, atol=1e-12)
    perm = np.r_[1, 2, 3, 0]
    sign = np.r_[1, 1, 1, -1]
    np.testing.assert_allclose(info, info_b[np.ix_(perm, perm)] * np.outer(sign, sign), rtol=1e-11, atol=1e-12)


def test_codes_outside_the_levels_are_refused():
    X, y, theta, K = _random_case(9)
    with pytest.raises(ValueError, match="outside 0..3"):
        ordinal_pieces(X, np.r_[y[:-1], 4], theta)
    with pytest.raises(ValueError, match="integer level codes"):
        ordinal_pieces(X, y + 0.5, theta)
    assert ordinal_pieces(X, y.astype(float), theta)[0] == ordinal_pieces(X, y, theta)[0]


def test_far_apart_thresholds_do_not_overflow():
    """A diverging fit (separation) drives thresholds apart: no overflow warning, finite pieces."""
    X, y, theta, K = _random_case(10, K=3)
    far = theta.copy()
    far[-2:] = [-600.0, 600.0]
    ll, score, info = ordinal_pieces(X, y, far)   # RuntimeWarnings are errors in this suite
    assert np.isfinite(ll) and np.all(np.isfinite(score)) and np.all(np.isfinite(info))
    A = np.vstack([far[-2:], np.zeros((1, 2))])
    ll_n, score_n, info_n = ordinal_nominal_pieces(X, y, np.r_[far[1:3], A.ravel()], [0])
    ll_0 = ordinal_pieces(X, y, np.r_[0.0, far[1:]])[0]    # column 0 nominal with zero effects
    assert ll_n == pytest.approx(ll_0, rel=1e-14) and np.all(np.isfinite(info_n))
