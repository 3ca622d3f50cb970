"""The one Newton driver (statlogit.solvers.driver): the binary solver, the family models and
the Dask fit run the same large-n strategy and the same Newton loop."""

import numpy as np
import pytest

from statlogit.models.likelihood import BinaryLogit, fit_likelihood
from statlogit.solvers.newton import SUBSAMPLE_MIN_ROWS, fit_newton


def _binary(n, p, seed):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.standard_normal((n, p - 1))])
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ rng.uniform(-0.5, 0.5, p))))).astype(float)
    return X, y


@pytest.mark.parametrize("with_weights", [False, True])
def test_binary_solver_and_family_likelihood_take_the_same_path(with_weights):
    X, y = _binary(SUBSAMPLE_MIN_ROWS + 20_000, 4, seed=3)
    w = np.random.default_rng(4).integers(1, 4, len(y)).astype(float) if with_weights else None
    a = fit_newton(X, y, weights=w, intercept_index=0)
    b = fit_likelihood(BinaryLogit(X, y, weights=w, intercept_index=0))
    kinds = [h["information"] for h in a.history]
    assert kinds[0] == "subsample" and kinds[-1] == "exact"
    assert kinds == [h["information"] for h in b.history]
    assert a.n_iter == b.n_iter and a.converged and b.converged
    np.testing.assert_allclose(b.params, a.params, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(b.information, a.information, rtol=1e-10)


def test_family_large_n_uses_the_subsample_phase_and_reaches_the_mle():
    import statlogit as sl

    rng = np.random.default_rng(5)
    n = SUBSAMPLE_MIN_ROWS + 20_000
    X = rng.standard_normal((n, 3))
    y = np.searchsorted([-1.0, 0.5], X @ np.array([0.4, -0.3, 0.2]) + rng.logistic(size=n))
    fit = sl.OrderedLogit(y, X).fit().fit_info
    kinds = [h["information"] for h in fit.history]
    assert kinds[0] == "subsample" and kinds[-1] == "exact" and "subsample" in fit.message
    tight = sl.OrderedLogit(y, X).fit(tol=1e-13).fit_info
    np.testing.assert_allclose(fit.params, tight.params, rtol=1e-9)
