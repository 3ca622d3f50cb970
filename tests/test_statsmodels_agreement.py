"""Agreement with statsmodels (computed here) on random designs.

Designs are drawn with ``numpy.random.default_rng(seed)``: numeric predictors, a 3-level
string factor, and interactions numeric x factor and numeric x numeric. statsmodels is
fitted by Newton with ``tol=1e-12`` so both sides are converged far below the 1e-6
relative tolerance used here. Parameters are matched by name (both sides use patsy names).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlogit as sl

RTOL = 1e-6
SEEDS = [0, 1, 2]
FORMULA = "y ~ x1 + x2 + x3 + g + x1:g + x2:x3"


def _random_frame(seed: int, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.normal(1.0, 2.0, size=n)
    x3 = rng.uniform(-1.0, 1.0, size=n)
    g = rng.choice(np.array(["lo", "mid", "hi"]), size=n, p=[0.3, 0.4, 0.3])
    gb = (g == "mid").astype(float)
    gc = (g == "hi").astype(float)
    eta = -0.4 + 0.8 * x1 - 0.3 * x2 + 0.5 * x3 + 0.6 * gb - 0.7 * gc + 0.5 * x1 * gb - 0.4 * x1 * gc + 0.3 * x2 * x3
    y = (rng.uniform(size=n) < 1.0 / (1.0 + np.exp(-eta))).astype(int)
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2, "x3": x3, "g": g})


def _sm_formula_fit(formula: str, df: pd.DataFrame):
    import statsmodels.formula.api as smf

    return smf.logit(formula, data=df).fit(method="newton", tol=1e-12, maxiter=100, disp=False)


def _assert_agree(ours, theirs, names_ours=None, names_theirs=None, null_model=True):
    """Compare statlogit results with a statsmodels results object (matching names).

    ``null_model=False`` leaves out what depends on the intercept-only model (llnull,
    LR test, McFadden R2), which has its own test for a design with its own constant."""
    names_ours = list(ours.params.index) if names_ours is None else names_ours
    # Same names unless told: matched by name, since statlogit lists terms in R's order, not patsy's.
    names_theirs = list(names_ours) if names_theirs is None else names_theirs
    assert len(names_ours) == len(names_theirs)

    def pick(obj, names):
        return np.asarray(obj.loc[names], dtype=float)

    np.testing.assert_allclose(pick(ours.params, names_ours), pick(theirs.params, names_theirs), rtol=RTOL)
    np.testing.assert_allclose(pick(ours.bse, names_ours), pick(theirs.bse, names_theirs), rtol=RTOL)
    np.testing.assert_allclose(pick(ours.zvalues, names_ours), pick(theirs.tvalues, names_theirs), rtol=RTOL)
    np.testing.assert_allclose(pick(ours.pvalues, names_ours), pick(theirs.pvalues, names_theirs), rtol=RTOL)
    ci_o = ours.conf_int()
    ci_t = theirs.conf_int()
    np.testing.assert_allclose(ci_o.loc[names_ours, "lower"], ci_t.loc[names_theirs, 0], rtol=RTOL)
    np.testing.assert_allclose(ci_o.loc[names_ours, "upper"], ci_t.loc[names_theirs, 1], rtol=RTOL)
    np.testing.assert_allclose(ours.llf, theirs.llf, rtol=RTOL)
    np.testing.assert_allclose(ours.aic, theirs.aic, rtol=RTOL)
    np.testing.assert_allclose(ours.bic, theirs.bic, rtol=RTOL)
    if null_model:
        _assert_same_null_model(ours, theirs)
    cov_o = ours.cov_params().loc[names_ours, names_ours].to_numpy()
    cov_t = theirs.cov_params().loc[names_theirs, names_theirs].to_numpy()
    sd = np.sqrt(np.diag(cov_t))
    np.testing.assert_allclose(cov_o / np.outer(sd, sd), cov_t / np.outer(sd, sd), rtol=0, atol=RTOL)


def _assert_same_null_model(ours, theirs):
    np.testing.assert_allclose(ours.llnull, theirs.llnull, rtol=RTOL)
    np.testing.assert_allclose(ours.pseudo_r2()["mcfadden"], theirs.prsquared, rtol=RTOL)
    lr = ours.lr_test()
    np.testing.assert_allclose(lr["stat"], theirs.llr, rtol=RTOL)
    assert lr["df"] == theirs.df_model
    np.testing.assert_allclose(lr["p"], theirs.llr_pvalue, rtol=RTOL)
    assert ours.df_model == theirs.df_model
    assert ours.df_resid == theirs.df_resid


@pytest.mark.parametrize("seed", SEEDS)
def test_formula_with_factor_and_interactions(seed):
    df = _random_frame(seed)
    ours = sl.logit(FORMULA, data=df)
    theirs = _sm_formula_fit(FORMULA, df)
    assert theirs.mle_retvals["converged"]
    assert ours.converged
    assert set(ours.params.index) == set(theirs.params.index)
    assert {"g[T.lo]", "g[T.mid]", "x1:g[T.lo]", "x1:g[T.mid]", "x2:x3"} <= set(ours.params.index)
    _assert_agree(ours, theirs)
    np.testing.assert_allclose(ours.fittedvalues.to_numpy(), theirs.predict(df).to_numpy(), rtol=RTOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_formula_with_treatment_reference(seed):
    df = _random_frame(seed)
    formula = "y ~ x1 * C(g, Treatment('mid')) + x2"
    ours = sl.logit(formula, data=df)
    theirs = _sm_formula_fit(formula, df)
    _assert_agree(ours, theirs)


@pytest.mark.parametrize("seed", SEEDS)
def test_array_interface_adds_intercept(seed):
    import statsmodels.api as sm

    df = _random_frame(seed)
    X = df[["x1", "x2", "x3"]]
    ours = sl.Logit(df["y"], X).fit()
    theirs = sm.Logit(df["y"], sm.add_constant(X)).fit(method="newton", tol=1e-12, maxiter=100, disp=False)
    assert ours.names == ["Intercept", "x1", "x2", "x3"]
    _assert_agree(ours, theirs, ["Intercept", "x1", "x2", "x3"], ["const", "x1", "x2", "x3"])


def test_array_interface_numpy_arrays():
    import statsmodels.api as sm

    df = _random_frame(3)
    X = df[["x1", "x2", "x3"]].to_numpy()
    y = df["y"].to_numpy()
    ours = sl.Logit(y, X).fit()
    theirs = sm.Logit(y, sm.add_constant(X)).fit(method="newton", tol=1e-12, maxiter=100, disp=False)
    assert ours.names == ["Intercept", "x1", "x2", "x3"]
    np.testing.assert_allclose(ours.params.to_numpy(), theirs.params, rtol=RTOL)
    np.testing.assert_allclose(ours.bse.to_numpy(), theirs.bse, rtol=RTOL)
    np.testing.assert_allclose(ours.pvalues.to_numpy(), theirs.pvalues, rtol=RTOL)
    np.testing.assert_allclose(ours.llf, theirs.llf, rtol=RTOL)


def test_array_interface_own_constant():
    import statsmodels.api as sm

    df = _random_frame(4)
    X = sm.add_constant(df[["x1", "x2", "x3"]])
    ours = sl.Logit(df["y"], X, intercept=False).fit()
    theirs = sm.Logit(df["y"], X).fit(method="newton", tol=1e-12, maxiter=100, disp=False)
    assert ours.names == ["const", "x1", "x2", "x3"]
    _assert_agree(ours, theirs, null_model=False)


def test_array_interface_own_constant_null_model():
    """X carries its own constant (intercept=False): the model still has an intercept, so
    the null model, LR test, pseudo-R2 and df_model are those of an intercept-only model
    (as statsmodels, which detects the constant column)."""
    import statsmodels.api as sm

    df = _random_frame(4)
    X = sm.add_constant(df[["x1", "x2", "x3"]])
    ours = sl.Logit(df["y"], X, intercept=False).fit()
    theirs = sm.Logit(df["y"], X).fit(method="newton", tol=1e-12, maxiter=100, disp=False)
    _assert_same_null_model(ours, theirs)


def test_array_interface_matches_formula():
    df = _random_frame(5)
    a = sl.Logit(df["y"], df[["x1", "x2"]]).fit()
    f = sl.logit("y ~ x1 + x2", data=df)
    np.testing.assert_allclose(a.params.to_numpy(), f.params.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(a.bse.to_numpy(), f.bse.to_numpy(), rtol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_badly_scaled_columns(seed):
    """x1 in units 1e6 times larger and x2 1e-6 times smaller: the same model, so the
    coefficients and SEs scale by the inverse factors and everything else is unchanged.
    The reference is statsmodels on the well-scaled design (statsmodels' own Newton fails
    to converge on the badly scaled one)."""
    df = _random_frame(seed)
    bad = df.assign(x1=df["x1"] * 1e6, x2=df["x2"] * 1e-6)
    formula = "y ~ x1 + x2 + x3 + g"
    ours = sl.logit(formula, data=bad)
    assert ours.converged
    theirs = _sm_formula_fit(formula, df)
    factor = pd.Series(1.0, index=theirs.params.index)
    factor["x1"] = 1e-6
    factor["x2"] = 1e6
    names = list(theirs.params.index)
    np.testing.assert_allclose(ours.params[names], theirs.params * factor, rtol=RTOL)
    np.testing.assert_allclose(ours.bse[names], theirs.bse * factor, rtol=RTOL)
    np.testing.assert_allclose(ours.pvalues[names], theirs.pvalues, rtol=RTOL)
    np.testing.assert_allclose(ours.llf, theirs.llf, rtol=RTOL)
    ci_t = theirs.conf_int()
    ci_o = ours.conf_int().loc[names]
    np.testing.assert_allclose(ci_o["lower"], ci_t[0] * factor, rtol=RTOL)
    np.testing.assert_allclose(ci_o["upper"], ci_t[1] * factor, rtol=RTOL)
    _assert_same_null_model(ours, theirs)
