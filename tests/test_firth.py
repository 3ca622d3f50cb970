"""Firth's penalized likelihood against brglm2 0.9 ``brglmFit(type = "AS_mean")`` (refs ``firth``).

Tolerances from the issue: coefficients 1e-5, standard errors 1e-4 (we reach ~4e-8 at worst,
on the separated case, and ~1e-9 elsewhere).
"""

from __future__ import annotations

import numpy as np
import pytest

import statlogit as sl
from statlogit.kernel import log_likelihood
from statlogit.solvers.firth import fit_firth

ALL_CASES = ["pima_flagship", "pima_full", "pima_interaction", "pima_transform", "birthwt", "separation_complete"]


@pytest.fixture(scope="module")
def firth_fits(load_case):
    out = {}
    for cid in ALL_CASES:
        case = load_case(cid)
        out[cid] = (case, sl.logit(case.formula, data=case.data, method="firth"))
    return out


@pytest.mark.parametrize("cid", ALL_CASES)
def test_firth_matches_brglm2(firth_fits, cid, helpers):
    case, res = firth_fits[cid]
    ref = case.ref["firth"]
    assert res.converged and res.method == "firth"
    helpers.assert_series_close(res.params, case.series(ref["coef"]), rtol=1e-5, atol=1e-5, what="firth coef")
    helpers.assert_series_close(res.bse, case.series(ref["se"]), rtol=1e-4, atol=1e-4, what="firth se")
    # brglm2's deviance is -2 x the unpenalized log-likelihood at the penalized estimate
    np.testing.assert_allclose(-2 * res.llf, ref["deviance"], rtol=1e-6)


@pytest.mark.parametrize("cid", ALL_CASES)
def test_firth_likelihoods(firth_fits, cid):
    case, res = firth_fits[cid]
    d = res.design
    b = res.fit_info.params
    ll = log_likelihood(d.X, d.y, b)
    np.testing.assert_allclose(res.fit_info.loglik, ll, rtol=1e-12)
    p = 1 / (1 + np.exp(-(d.X @ b)))
    info = d.X.T @ (d.X * (p * (1 - p))[:, None])
    np.testing.assert_allclose(res.fit_info.information, info, rtol=1e-9)
    _, logdet = np.linalg.slogdet(info)
    np.testing.assert_allclose(res.fit_info.penalized_loglik, ll + 0.5 * logdet, rtol=1e-12)


def test_firth_finite_on_separated_data_without_warning(firth_fits):
    case, res = firth_fits["separation_complete"]
    assert np.all(np.isfinite(res.params)) and np.all(np.isfinite(res.bse))
    # the data are still separated; the Firth fit reports it but is usable
    assert res.separation.status == "complete"
    assert res.check_assumptions().verdicts["separation"] == "warn"


def test_firth_adjusted_score_is_zero(firth_fits):
    """Firth (1993): X'(y - mu + h (1/2 - mu)) = 0 at the estimate."""
    case, res = firth_fits["birthwt"]
    d = res.design
    p = res._fitted
    w = p * (1 - p)
    Xw = d.X * np.sqrt(w)[:, None]
    h = np.einsum("ij,ij->i", Xw @ np.linalg.inv(Xw.T @ Xw), Xw)
    score = d.X.T @ (d.y - p + h * (0.5 - p))
    # scale-free size of the score: its Newton decrement sqrt(U' I^-1 U)
    assert np.sqrt(score @ np.linalg.solve(Xw.T @ Xw, score)) < 1e-7


def test_firth_weights_equal_replication(pima):
    """Integer prior weights equal duplicated rows."""
    df = pima.dropna(subset=["glucose", "mass"]).iloc[:120].reset_index(drop=True)
    w = np.where(np.arange(len(df)) % 3 == 0, 2.0, 1.0)
    X = np.column_stack([np.ones(len(df)), df["glucose"], df["mass"]])
    y = (df["diabetes"] == "pos").to_numpy(float)
    fw = fit_firth(X, y, weights=w, intercept_index=0)
    rep = np.repeat(np.arange(len(df)), w.astype(int))
    fr = fit_firth(X[rep], y[rep], intercept_index=0)
    np.testing.assert_allclose(fw.params, fr.params, rtol=1e-7)
