"""Multinomial and ordinal fits against R references (tests/data/multiclass, from R 4.2.2:
nnet::multinom Newton-polished and checked against VGAM; ordinal::clm with gradTol 1e-12;
see tests/data/multiclass/README.md). Tolerances as issue 9: coefficients and thresholds 1e-6,
SEs 1e-5, log-likelihood/AIC/fitted probabilities 1e-7, profile limits vs exact roots 1e-5."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import statlogit as sl

DATA = Path(__file__).parent / "data" / "multiclass"


@cache
def _ref(name):
    return json.loads((DATA / name).read_text())


def womenlf():
    return pd.read_csv(DATA / "womenlf.csv")


def housing():
    return pd.read_csv(DATA / "housing.csv")


@pytest.fixture(scope="module")
def mn():
    ref = _ref("womenlf_multinom.json")
    res = sl.mlogit(ref["patsy_formula"], womenlf(), reference="not.work")
    r2p = {"(Intercept)": "Intercept", "hincome": "hincome", "childrenpresent": "C(children)[T.present]"}
    r2p.update({f"region{r}": f"C(region)[T.{r}]" for r in ref["predictor_levels"]["region"][1:]})
    return ref, res, [r2p[t] for t in ref["terms"]]


@pytest.fixture(scope="module")
def po():
    ref = _ref("housing_polr.json")
    h = housing()
    res = sl.ologit(ref["patsy_formula"], h, levels=ref["response_levels"], weights=h["Freq"])
    return ref, res


@pytest.mark.parametrize("key,attr,tol", [("coef", "params", 1e-6), ("se", "bse", 1e-5), ("z", "zvalues", 1e-5),
                                          ("p", "pvalues", 1e-7)])
def test_multinomial_coefficients(mn, key, attr, tol):
    ref, res, names = mn
    ours = getattr(res, attr).loc[names, ref["nonreference_levels"]].to_numpy().T
    np.testing.assert_allclose(ours, np.array(ref[key]), rtol=0, atol=tol)


def test_multinomial_layout_and_fit_statistics(mn):
    ref, res, names = mn
    assert list(res.params.columns) == ["fulltime", "parttime"]  # reference first, then sorted (R's relevel)
    assert res.params.index[0] == "Intercept"
    for key, val in [("llf", "loglik"), ("llnull", "null_loglik"), ("aic", "aic"), ("bic", "bic"),
                     ("deviance", "deviance"), ("null_deviance", "null_deviance")]:
        assert abs(getattr(res, key) - ref[val]) < 1e-7
    assert res.nobs == ref["nobs"] and res.k_params == ref["nparams"]
    lr = res.lr_test()
    assert abs(lr["stat"] - ref["lr_test"]["stat"]) < 1e-7 and lr["df"] == ref["lr_test"]["df"]
    assert abs(lr["p"] - ref["lr_test"]["p"]) < 1e-15
    assert abs(res.pseudo_r2()["mcfadden"] - ref["mcfadden_r2"]) < 1e-10
    fitted = res.predict()[ref["fitted_probs_columns"]].to_numpy()
    np.testing.assert_allclose(fitted, np.array(ref["fitted_probs"]), rtol=0, atol=1e-7)


def test_multinomial_vcov_and_rrr(mn):
    ref, res, names = mn
    flat = [f"{lv}:{t}" for lv in ref["nonreference_levels"] for t in names]
    ours = res.cov_params().loc[flat, flat].to_numpy()
    np.testing.assert_allclose(ours, np.array(ref["vcov"]), rtol=1e-5, atol=1e-9)
    rrr = res.rrr()
    for i, lv in enumerate(ref["nonreference_levels"]):
        got = rrr.loc[lv].loc[names]
        np.testing.assert_allclose(got["rrr"], ref["rrr"][i], rtol=1e-6)
        np.testing.assert_allclose(got["lower"], ref["rrr_ci_lower"][i], rtol=1e-5)
        np.testing.assert_allclose(got["upper"], ref["rrr_ci_upper"][i], rtol=1e-5)
        np.testing.assert_allclose(got["se"], np.array(ref["rrr"][i]) * np.array(ref["se"][i]), rtol=1e-5)
    ci = res.conf_int()
    np.testing.assert_allclose(ci.loc[ref["nonreference_levels"][0]].loc[names, "lower"], ref["coef_ci_lower"][0],
                               atol=1e-5)


def _ordinal_names(ref, res):
    beta = list(res.params.index[: len(ref["beta_names"])])
    # patsy names C(Infl, levels=[...])[T.Medium]; R names InflMedium: match by the level suffix.
    out = []
    for r in ref["beta_names"]:
        var = next(v for v in ref["predictor_levels"] if r.startswith(v))
        out.append(next(b for b in beta if b.startswith(f"C({var},") and b.endswith(f"[T.{r[len(var):]}]")))
    return out


def test_ordinal_coefficients_and_thresholds(po):
    ref, res = po
    names = _ordinal_names(ref, res)
    np.testing.assert_allclose(res.params[names], list(ref["beta"].values()), rtol=0, atol=1e-6)
    assert list(res.params.index[-2:]) == ["Low|Medium", "Medium|High"]
    np.testing.assert_allclose(res.thresholds, list(ref["zeta"].values()), rtol=0, atol=1e-6)
    np.testing.assert_allclose(res.bse[names], list(ref["se_beta"].values()), rtol=0, atol=1e-5)
    np.testing.assert_allclose(res.bse[-2:], list(ref["se_zeta"].values()), rtol=0, atol=1e-5)
    np.testing.assert_allclose(res.zvalues[names], list(ref["z_beta"].values()), atol=1e-5)
    np.testing.assert_allclose(res.pvalues[names], list(ref["p_beta"].values()), rtol=1e-5, atol=1e-12)
    order = names + ["Low|Medium", "Medium|High"]
    np.testing.assert_allclose(res.cov_params().loc[order, order], ref["vcov"], rtol=1e-5, atol=1e-10)


def test_ordinal_fit_statistics(po):
    ref, res = po
    for key, val in [("llf", "loglik"), ("llnull", "null_loglik"), ("aic", "aic"), ("bic", "bic"),
                     ("deviance", "deviance")]:
        assert abs(getattr(res, key) - ref[val]) < 1e-7, key
    assert res.nobs == 72 and res.k_params == ref["nparams"]
    lr = res.lr_test()
    assert abs(lr["stat"] - ref["lr_test"]["stat"]) < 1e-7 and lr["df"] == 6
    assert abs(res.pseudo_r2()["mcfadden"] - ref["mcfadden_r2"]) < 1e-10
    np.testing.assert_allclose(res.predict()[ref["fitted_probs_columns"]], ref["fitted_probs"], rtol=0, atol=1e-7)
    np.testing.assert_allclose(res.predict().sum(axis=1), 1.0, atol=1e-14)


def test_ordinal_odds_ratios_and_wald_limits(po):
    ref, res = po
    names = _ordinal_names(ref, res)
    orr = res.odds_ratios().loc[names]
    np.testing.assert_allclose(orr["odds_ratio"], list(ref["odds_ratio"].values()), rtol=1e-6)
    np.testing.assert_allclose(orr["lower"], list(ref["odds_ratio_ci_wald_lower"].values()), rtol=1e-5)
    np.testing.assert_allclose(orr["upper"], list(ref["odds_ratio_ci_wald_upper"].values()), rtol=1e-5)


def test_ordinal_profile_limits_are_the_exact_roots(po):
    ref, res = po
    exact = _ref("housing_polr.profile_exact.json")
    names = _ordinal_names(ref, res)
    ci = res.conf_int(method="profile").loc[names]
    np.testing.assert_allclose(ci["lower"], exact["lower"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(ci["upper"], exact["upper"], rtol=0, atol=1e-5)
    orr = res.odds_ratios(method="profile").loc[names]
    np.testing.assert_allclose(orr["lower"], ref["profile_ci_clm"]["or_lower"], rtol=1e-5)


def test_multinomial_profile_limits_are_roots(mn):
    """The multinomial profile limits solve 2 (l_hat - l_p(b)) = qchisq(0.95, 1) (checked by a
    constrained refit with statsmodels-independent Newton)."""
    from statlogit.models.likelihood import Fixed, fit_likelihood

    ref, res, names = mn
    ci = res.conf_int(method="profile")
    lik = res._likelihood
    for j in (1, 9):
        for side in ("lower", "upper"):
            b = ci[side].iloc[j]
            fixed = Fixed(lik, j, b)
            fit = fit_likelihood(fixed, start=np.delete(res.fit_info.params, j), tol=1e-12)
            assert abs(2 * (res.llf - fit.loglik) - 3.841458820694124) < 1e-6
