"""LR term tests whose refits start warm from the full fit (inference/anova.py): the reduced
models' log-likelihoods against statsmodels' own fits of those models (tolerance 1e-8 absolute
on the statistic), on every input path the refit takes (caller's predictors with an implicit
intercept, a built design X, weights with an offset, extreme column scales)."""

import numpy as np
import pytest
import statsmodels.api as sm

import statlogit as sl


def _data(n=4000, p=5, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 0.4 * rng.standard_normal((n, 1))
    eta = -0.3 + X @ np.linspace(-0.8, 0.6, p)
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return X, y


def _sm_stat(X, y, j, weights=None, offset=None):
    Xc = sm.add_constant(X)
    kw = dict(family=sm.families.Binomial(), freq_weights=weights, offset=offset)
    full = sm.GLM(y, Xc, **kw).fit(tol=1e-12)
    red = sm.GLM(y, np.delete(Xc, j + 1, axis=1), **kw).fit(tol=1e-12)
    return 2.0 * (full.llf - red.llf)


@pytest.mark.parametrize("build_X", [False, True])
def test_type2_lr_matches_statsmodels_refits(build_X):
    X, y = _data()
    res = sl.Logit(y, X).fit()
    if build_X:
        assert res.design.X.shape == (X.shape[0], X.shape[1] + 1)  # the refits then read X
    tab = res.anova()
    for j in range(X.shape[1]):
        assert tab["statistic"].iloc[j] == pytest.approx(_sm_stat(X, y, j), abs=1e-8)
    assert np.array_equal(X, _data()[0])  # the caller's X untouched


def test_weights_offset_and_type3_match_statsmodels():
    X, y = _data(seed=5)
    rng = np.random.default_rng(1)
    w = rng.integers(1, 4, len(y)).astype(float)
    off = 0.2 * rng.standard_normal(len(y))
    res = sl.Logit(y, X, weights=w, offset=off).fit()
    tab = res.anova(type=3)
    for j in range(X.shape[1]):
        assert tab["statistic"].iloc[j] == pytest.approx(_sm_stat(X, y, j, w, off), abs=1e-8)


def test_extreme_column_scale():
    X, y = _data(seed=7)
    Xs = X * np.array([1e60, 1.0, 1e-55, 1.0, 1.0])
    tab = sl.Logit(y, Xs).fit().anova()
    for j in range(X.shape[1]):
        assert tab["statistic"].iloc[j] == pytest.approx(_sm_stat(X, y, j), rel=1e-8)


@pytest.mark.parametrize("build_X", [False, True])
def test_batched_starts_equal_one_model_score_steps(build_X):
    """The score steps taken for all refits in shared passes (inference/refit_starts.py) reach
    the same starts as each model's own steps (anova._score_steps), up to summation order."""
    from statlogit.inference.anova import _score_steps, _warm_start
    from statlogit.inference.refit_starts import refit_starts

    X, y = _data(seed=11)
    res = sl.Logit(y, X).fit()
    if build_X:
        assert res.design.X.shape[1] == X.shape[1] + 1
    k = X.shape[1] + 1
    keeps = [[j for j in range(k) if j != drop] for drop in range(1, k)]
    starts = refit_starts(res, keeps)
    assert len(starts) == len(keeps)
    Xc = np.column_stack([np.ones(len(y)), X])
    for keep in keeps:
        one = _score_steps(Xc[:, keep], y, None, None, _warm_start(res, keep), res, keep, False)
        np.testing.assert_allclose(starts[tuple(keep)], one, rtol=1e-9, atol=1e-12)
