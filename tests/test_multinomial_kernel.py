"""multinomial_pieces / multinomial_probabilities: against finite differences, statsmodels
MNLogit (loglike, score, hessian; same level-major parameter order) and nnet::multinom
(carData::Womenlf reference, R 4.2.2, Newton-polished; tests/data/multiclass/README.md)."""

from __future__ import annotations

import numpy as np
import pytest
from multiclass_helpers import finite_difference, newton, womenlf
from statsmodels.discrete.discrete_model import MNLogit

from statlogit.models.multinomial_kernel import multinomial_pieces, multinomial_probabilities


def _random_case(seed, n=300, p=4, K=4, scale=0.7):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, p - 1))])
    y = rng.integers(0, K, n)
    y[:K] = np.arange(K)  # every level present
    theta = rng.normal(size=(K - 1) * p) * scale
    return X, y, theta, K


@pytest.mark.parametrize("seed,K", [(0, 3), (1, 4), (2, 5)])
def test_agrees_with_statsmodels_mnlogit(seed, K):
    X, y, theta, K = _random_case(seed, K=K)
    ll, score, info = multinomial_pieces(X, y, theta, block_rows=37)
    sm = MNLogit(y, X)  # params flattened level-major, as ours
    assert ll == pytest.approx(sm.loglike(theta), rel=1e-13)
    np.testing.assert_allclose(score, sm.score(theta), rtol=1e-11, atol=1e-10)
    np.testing.assert_allclose(info, -sm.hessian(theta), rtol=1e-11, atol=1e-10)
    prob = multinomial_probabilities(X, theta, K, block_rows=50)
    np.testing.assert_allclose(prob, sm.predict(theta.reshape(K - 1, -1).T), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(prob.sum(axis=1), 1.0, rtol=0, atol=1e-15)


def test_score_and_information_are_derivatives_of_loglik():
    X, y, theta, K = _random_case(3, n=200, p=3, K=4)
    w = np.random.default_rng(3).uniform(0.5, 2.0, len(y))
    ll, score, info = multinomial_pieces(X, y, theta, weights=w)
    fd_score = finite_difference(lambda t: multinomial_pieces(X, y, t, weights=w, need_hessian=False)[0], theta)
    np.testing.assert_allclose(score, fd_score, rtol=1e-7, atol=1e-6)
    fd_hess = finite_difference(lambda t: multinomial_pieces(X, y, t, weights=w, need_hessian=False)[1], theta)
    np.testing.assert_allclose(info, -fd_hess, rtol=1e-7, atol=1e-6)
    np.testing.assert_array_equal(info, info.T)


def test_frequency_weights_equal_repeated_rows_and_blocks_do_not_matter():
    X, y, theta, K = _random_case(4, n=150)
    counts = np.random.default_rng(4).integers(1, 4, len(y))
    a = multinomial_pieces(X, y, theta, weights=counts.astype(float), block_rows=16)
    b = multinomial_pieces(np.repeat(X, counts, axis=0), np.repeat(y, counts), theta)
    assert a[0] == pytest.approx(b[0], rel=1e-13)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-12, atol=1e-11)
    np.testing.assert_allclose(a[2], b[2], rtol=1e-12, atol=1e-11)
    ll, score, info = multinomial_pieces(X, y, theta, weights=counts.astype(float), need_hessian=False,
                                          block_rows=16)
    assert info is None and ll == a[0]
    np.testing.assert_array_equal(score, a[1])


def test_extreme_linear_predictors_stay_finite():
    X, y, theta, K = _random_case(5, n=100)
    ll, score, info = multinomial_pieces(X * 1e3, y, theta)
    assert np.isfinite(ll) and np.all(np.isfinite(score)) and np.all(np.isfinite(info))
    # information stays positive semi-definite (no cancellation making it indefinite)
    assert np.linalg.eigvalsh(info).min() > -1e-8 * np.abs(info).max()
    prob = multinomial_probabilities(X * 1e3, theta, K)
    assert np.all(np.isfinite(prob)) and np.allclose(prob.sum(axis=1), 1.0, atol=1e-15)


def test_newton_on_the_kernel_reproduces_nnet_multinom_womenlf():
    X, y, names, ref = womenlf()
    K, p = ref["K"], X.shape[1]
    theta, ll, info = newton(lambda t: multinomial_pieces(X, y, t, K=K), np.zeros((K - 1) * p))
    coef = np.array(ref["coef"])  # (K-1) x p, rows = non-reference levels: level-major as theta
    np.testing.assert_allclose(theta, coef.ravel(), rtol=0, atol=1e-6)
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    np.testing.assert_allclose(se, np.array(ref["se"]).ravel(), rtol=1e-5)
    np.testing.assert_allclose(np.linalg.inv(info), np.array(ref["vcov"]), rtol=1e-5, atol=1e-10)
    assert ll == pytest.approx(ref["loglik"], rel=0, abs=1e-7)
    prob = multinomial_probabilities(X, theta, K)
    np.testing.assert_allclose(prob, np.array(ref["fitted_probs"]), rtol=0, atol=1e-7)
    # the intercept-only model's maximum is the sample proportions
    ll0 = multinomial_pieces(np.ones((len(y), 1)), y, np.log(np.bincount(y)[1:] / np.bincount(y)[0]), K=K)[0]
    assert ll0 == pytest.approx(ref["null_loglik"], rel=0, abs=1e-7)


def test_bad_theta_shape_is_refused():
    X, y, theta, K = _random_case(6)
    with pytest.raises(ValueError, match="expected"):
        multinomial_probabilities(X, theta[:-1], K)


def test_two_levels_is_the_binary_logit():
    from statlogit.kernel import loglik_score_information

    X, y, theta, K = _random_case(7, K=2)
    ll, score, info = multinomial_pieces(X, y, theta)
    ll_b, score_b, info_b = loglik_score_information(X, y.astype(float), theta)
    assert ll == pytest.approx(ll_b, rel=1e-13)
    np.testing.assert_allclose(score, score_b, rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(info, info_b, rtol=1e-11, atol=1e-12)
    with pytest.raises(ValueError, match="outside 0..1"):
        multinomial_pieces(X, np.r_[y[:-1], 2], theta)
