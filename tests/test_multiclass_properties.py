"""Property-based tests (hypothesis) for the multinomial and ordinal models: with two levels both
equal the binary logit; row order does not matter; probabilities sum to one; the caller's
data are untouched; hostile values are refused with a named error."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import statlogit as sl
from statlogit import StatlogitError

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


@st.composite
def categorical_data(draw, K=None):
    n = draw(st.integers(120, 300))
    p = draw(st.integers(1, 3))
    K = K or draw(st.integers(2, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p) + rng.uniform(-2, 2, p)
    latent = (X - X.mean(0)) @ rng.uniform(-0.6, 0.6, p) + rng.logistic(size=n)
    cuts = np.quantile(latent, np.linspace(0, 1, K + 1)[1:-1])
    y = np.searchsorted(cuts, latent)
    assume(np.bincount(y, minlength=K).min() >= 15)
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(p)])
    df["y"] = y
    return df


def formula_of(df):
    return "y ~ " + " + ".join(c for c in df.columns if c != "y")


@SETTINGS
@given(categorical_data(K=2))
def test_two_levels_equal_the_binary_logit(df):
    f = formula_of(df)
    b = sl.logit(f, df)
    m = sl.mlogit(f, df)
    o = sl.ologit(f, df)
    np.testing.assert_allclose(m.params.iloc[:, 0].to_numpy(), b.params.to_numpy(), atol=1e-8)
    np.testing.assert_allclose(m.bse.iloc[:, 0].to_numpy(), b.bse.to_numpy(), rtol=1e-7)
    # logit P(Y <= 0) = zeta - x'beta  <=>  logit P(Y = 1) = x'beta - zeta
    np.testing.assert_allclose(o.beta.to_numpy(), b.params.to_numpy()[1:], atol=1e-8)
    assert abs(o.thresholds.iloc[0] + b.params.iloc[0]) < 1e-8
    for r in (m, o):
        assert abs(r.llf - b.llf) < 1e-8 and abs(r.llnull - b.llnull) < 1e-8 and abs(r.aic - b.aic) < 1e-7


@SETTINGS
@given(categorical_data(), st.integers(0, 2**32 - 1))
def test_row_order_and_probabilities(df, seed):
    f = formula_of(df)
    perm = df.sample(frac=1.0, random_state=seed % 2**31)
    before = perm.copy()
    for fit in (sl.mlogit, sl.ologit):
        a, b = fit(f, df), fit(f, perm)
        np.testing.assert_allclose(np.asarray(a.params), np.asarray(b.params), atol=1e-7)
        prob = b.predict()
        np.testing.assert_allclose(prob.sum(axis=1), 1.0, atol=1e-12)
        assert (prob.to_numpy() >= 0).all() and prob.index.equals(perm.index)
        np.testing.assert_allclose(prob.loc[df.index].to_numpy(), a.predict().to_numpy(), atol=1e-7)
    pd.testing.assert_frame_equal(perm, before)


@SETTINGS
@given(categorical_data(K=3), st.sampled_from([np.inf, -np.inf, 1e308]))
def test_hostile_values_are_named(df, bad):
    df = df.copy()
    df.loc[df.index[0], "x0"] = bad
    for fit in (sl.mlogit, sl.ologit):
        try:
            res = fit(formula_of(df), df)
        except StatlogitError as exc:
            assert "x0" in str(exc)
            continue
        # a huge finite value is legal: the fit must then still be finite and honest
        assert np.all(np.isfinite(np.asarray(res.params))) or not res.converged
