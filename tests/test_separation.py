"""Separation: the exact LP check against R's reference (refs ``separation``, computed with
the same two linear programs on the design scaled by column max |x|), the warning at fit
time, and what a separated fit may and may not claim."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import statlogit as sl
from statlogit.diagnostics.separation import detect_separation
from statlogit.exceptions import ConvergenceWarning, NotFittedError, SeparationWarning


@pytest.fixture(scope="module")
def separated(load_case):
    case = load_case("separation_complete")
    with pytest.warns(SeparationWarning) as rec:
        res = sl.logit(case.formula, data=case.data)
    return case, res, rec


def test_warning_names_kind_predictors_and_advice(separated):
    _, _, rec = separated
    msgs = [str(w.message) for w in rec if issubclass(w.category, SeparationWarning)]
    assert len(msgs) == 1
    m = msgs[0]
    assert "complete separation" in m and "quasi" not in m
    assert "x, z" in m
    assert "method='firth'" in m and "merge" in m
    # one clear warning: no extra ConvergenceWarning on top of it
    assert not any(issubclass(w.category, ConvergenceWarning) for w in rec)


def test_status_and_predictors_match_r(separated, helpers):
    case, res, _ = separated
    ref = case.ref["separation"]
    sep = res.separation
    assert sep.status == ref["status"] == "complete"
    assert sep.coefficients == [helpers.r_to_ours(n) for n in ref["coefficients_in_direction"]]
    assert sep.predictors == [n for n in sep.coefficients if n != "Intercept"] == ["x", "z"]
    np.testing.assert_allclose(sep.lp_objective, ref["lp_objective"], rtol=1e-6)
    np.testing.assert_allclose(sep.lp_complete_margin, ref["lp_complete_margin"], rtol=1e-6)
    np.testing.assert_allclose(sep.direction.to_numpy(), ref["direction"], atol=1e-6)
    used = np.asarray(ref["rows_strictly_separated"]) - 1
    assert list(sep.rows) == list(case.data.index[used])
    assert "complete separation" in sep.message


def test_fit_does_not_claim_a_converged_mle(separated):
    # Newton's decrement can fall below tol while the coefficients run off to infinity;
    # _after_fit marks such a fit as not converged (needs Logit.fit to use its return value).
    _, res, _ = separated
    assert not res.converged, "a separated fit must not report convergence (see _after_fit)"
    with pytest.raises(NotFittedError, match="separation"):
        res.box_tidwell()
    with pytest.raises(NotFittedError, match="separation"):
        res.influence()
    with pytest.raises(NotFittedError, match="separation"):
        res.vif(basis="vcov")


def test_check_assumptions_on_separated_fit(separated):
    _, res, _ = separated
    v = res.check_assumptions().verdicts
    assert v["separation"] == "fail"
    for a in ("linearity of the logit", "influential observations and outliers", "goodness of fit"):
        assert v[a] == "not checked"
    assert v["multicollinearity"] == "pass"  # design-based, needs no MLE


def test_quasi_complete_separation():
    df = pd.read_csv(__import__("pathlib").Path(__file__).parent / "data" / "separation_complete.csv")
    extra = pd.DataFrame({"y": [0, 1], "x": [5.5, 5.5], "z": [0.1, 0.3]})
    q = pd.concat([df, extra], ignore_index=True)
    with pytest.warns(SeparationWarning, match="quasi-complete separation: a linear combination of x"):
        res = sl.logit("y ~ x", data=q)
    sep = res.separation
    assert sep.status == "quasi-complete" and sep.predictors == ["x"]
    assert not res.converged
    # rows strictly separated: every row except the three at the boundary x = 5.5
    assert sorted(sep.rows) == sorted(set(q.index) - set(q.index[q["x"] == 5.5]))


def test_no_separation_on_overlapping_data(pima):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = sl.logit("diabetes ~ glucose + mass", data=pima)
    assert res.separation.status == "none" and res.separation.checked


def test_detect_separation_function_direct():
    X = np.column_stack([np.ones(6), [1.0, 2, 3, 4, 5, 6]])
    y = np.array([0, 0, 0, 1, 1, 1.0])
    r = detect_separation(X, y, ["Intercept", "x"], intercept_index=0)
    assert r.status == "complete" and r.predictors == ["x"]
    y2 = np.array([0, 1, 0, 1, 0, 1.0])
    assert detect_separation(X, y2, ["Intercept", "x"], intercept_index=0).status == "none"


def test_firth_is_the_fix(separated):
    case, _, _ = separated
    res = sl.logit(case.formula, data=case.data, method="firth")
    assert res.converged and np.all(np.isfinite(res.bse))
