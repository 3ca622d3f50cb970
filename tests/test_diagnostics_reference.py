"""Diagnostics against R 4.2.2 reference values (tests/data/<case>.json; see tests/data/README.md).

Fields: design_gvif / design_vif (Fox & Monette GVIF on the design), car_vif (car::vif on a
glm), box_tidwell / box_tidwell_skipped, influence (hatvalues, cooks.distance, rstandard,
rstudent, residuals, lm.influence dfbeta(s)/sigma, dffits, covratio, influence.measures
flags), hosmer_lemeshow (ResourceSelection::hoslem.test), confusion_0.5, auc, brier.
Names are matched (R -> patsy) through conftest's ``r_to_ours``, never by position.

The ``case_id`` fixture runs over every case whose MLE exists. For ``separation_complete``
R's numbers for fit-based diagnostics (car_vif, box_tidwell, influence, hosmer_lemeshow)
describe wherever glm stopped on a likelihood with no maximum, so they are not comparable;
the design-based and classification fields are checked in ``test_separated_case_*``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from statlogit.diagnostics.collinearity import column_vif
from statlogit.diagnostics.influence import R_RULES

TOL = 1e-6


def _by_name(df: pd.DataFrame, names, helpers) -> pd.DataFrame:
    return df.loc[[helpers.r_to_ours(n) for n in names]]


def test_design_gvif(fitted, helpers):
    ref = fitted.case.ref["design_gvif"]
    v = _by_name(fitted.res.vif(), ref["terms"], helpers)
    assert len(fitted.res.vif()) == len(ref["terms"])
    np.testing.assert_allclose(v["gvif"], ref["gvif"], rtol=TOL)
    np.testing.assert_allclose(v["gvif_adj"], ref["gvif_adj"], rtol=TOL)
    np.testing.assert_array_equal(v["df"], ref["df"])
    one = v["df"] == 1
    np.testing.assert_allclose(v.loc[one, "vif"], v.loc[one, "gvif"], rtol=1e-12)


def test_design_vif_per_column(fitted, helpers):
    ref = fitted.case.ref["design_vif"]
    d = fitted.res.design
    ours = column_vif(d.X, d.column_names, d.intercept_index)
    np.testing.assert_allclose(ours[[helpers.r_to_ours(c) for c in ref["columns"]]], ref["vif"], rtol=TOL)


def test_car_vif(fitted, helpers):
    ref = fitted.case.ref["car_vif"]
    v = _by_name(fitted.res.vif(basis="vcov"), ref["terms"], helpers)
    # car uses the covariance of R's last IRLS step (differs from the MLE's by < 3e-7 relative)
    np.testing.assert_allclose(v["gvif"], ref["gvif"], rtol=TOL)
    np.testing.assert_allclose(v["gvif_adj"], ref["gvif_adj"], rtol=TOL)
    np.testing.assert_array_equal(v["df"], ref["df"])


def test_box_tidwell(fitted, helpers):
    ref = fitted.case.ref["box_tidwell"]
    bt = fitted.res.box_tidwell()
    assert sorted(bt.table.index) == sorted(helpers.r_to_ours(v) for v in ref["variables"])
    t = _by_name(bt.table, ref["variables"], helpers)
    for ours, theirs in [("gamma", "gamma"), ("se", "se"), ("z", "z"), ("lambda", "lambda")]:
        np.testing.assert_allclose(t[ours], ref[theirs], rtol=TOL, err_msg=ours)
    np.testing.assert_allclose(t["p"], ref["p"], rtol=TOL, atol=1e-12)
    assert bt.lr_df == ref["lr_df"]
    np.testing.assert_allclose(bt.lr_stat, ref["lr_stat"], rtol=TOL)
    np.testing.assert_allclose(bt.lr_p, ref["lr_p"], rtol=TOL, atol=1e-15)


def test_box_tidwell_holm_matches_statsmodels(fitted):
    from statsmodels.stats.multitest import multipletests

    t = fitted.res.box_tidwell().table
    np.testing.assert_allclose(t["p_adj"], multipletests(t["p"], method="holm")[1], rtol=1e-12)


def test_box_tidwell_skipped(fitted):
    ref = fitted.case.ref["box_tidwell_skipped"]
    skipped = fitted.res.box_tidwell().skipped
    refused = sorted(k for k, v in skipped.items() if v.startswith("values <= 0"))
    assert refused == sorted(ref)
    for k in refused:
        assert skipped[k] == f"values <= 0 (min {fitted.case.data[k].min():g})"


INFLUENCE_FIELDS = ["hat", "cooks", "rstandard_deviance", "rstandard_pearson", "rstudent", "resid_deviance",
                    "resid_pearson", "resid_response", "dffits", "covratio"]


@pytest.fixture
def infl(fitted):
    return fitted.res.influence()


@pytest.mark.parametrize("field", INFLUENCE_FIELDS)
def test_influence_table(fitted, infl, field):
    ref = np.asarray(fitted.case.ref["influence"][field], dtype=float)
    np.testing.assert_allclose(infl.table[field].to_numpy(), ref, rtol=TOL, atol=1e-9, err_msg=field)


def test_influence_rows_are_caller_labels(fitted, infl):
    used = np.asarray(fitted.case.ref["used_rows"]) - 1  # R's 1-based data rows
    assert list(infl.table.index) == list(fitted.case.data.index[used])


def test_influence_sigma_dfbeta_dfbetas(fitted, infl, helpers):
    ref = fitted.case.ref["influence"]
    names = fitted.case.names
    np.testing.assert_allclose(infl.sigma.to_numpy(), ref["sigma_i"], rtol=TOL)
    # dfbeta is in coefficient units: compare in standard errors of each coefficient (the
    # interaction model is ill-conditioned, VIF 52, so absolute differences reach 3e-8 there)
    se = fitted.res.bse[names].to_numpy()
    np.testing.assert_allclose(infl.dfbeta[names].to_numpy() / se, np.asarray(ref["dfbeta"]) / se,
                               rtol=TOL, atol=1e-7)
    # R's influence uses the IRLS weights of its last step (< 3e-7 relative from the MLE's,
    # tests/data/README.md); on the ill-conditioned interaction model that moves dfbetas by 1.5e-8
    np.testing.assert_allclose(infl.dfbetas[names].to_numpy(), ref["dfbetas"], rtol=TOL, atol=1e-7)
    assert list(infl.dfbetas.columns) == list(fitted.res.names)


def test_influence_measures_flags(fitted, infl):
    ref = fitted.case.ref["influence"]
    fl = infl.flags
    ours = list(np.flatnonzero(fl[list(R_RULES)].any(axis=1).to_numpy()) + 1)
    assert ours == ref["flagged_rows"]
    by = ref["flagged_by"]
    rule_of = {"dffit": "dffits", "cov.r": "covratio", "cook.d": "cooks_f", "hat": "hat"}
    for col, rows in by.items():
        rule = "dfbetas" if col.startswith("dfb.") else rule_of[col]
        if rule == "dfbetas":
            continue  # per-coefficient in R; union checked below
        assert list(np.flatnonzero(fl[rule].to_numpy()) + 1) == rows, col
    dfb_union = sorted({r for c, rows in by.items() if c.startswith("dfb.") for r in rows})
    assert list(np.flatnonzero(fl["dfbetas"].to_numpy()) + 1) == dfb_union
    # every flagged row is listed in .flagged with its rules
    assert set(infl.flagged.index) == set(fl.index[fl.any(axis=1)])


def test_hosmer_lemeshow(fitted):
    ref = fitted.case.ref["hosmer_lemeshow"]
    hl = fitted.res.hosmer_lemeshow()
    np.testing.assert_allclose(hl.statistic, ref["stat"], rtol=TOL)
    assert hl.df == ref["df"]
    np.testing.assert_allclose(hl.pvalue, ref["p"], rtol=TOL)
    t = hl.table
    np.testing.assert_array_equal(t["n"], ref["group_n"])
    np.testing.assert_array_equal(t["observed_events"], ref["observed_1"])
    np.testing.assert_allclose(t["expected_events"], ref["expected_1"], rtol=TOL)
    np.testing.assert_allclose(np.r_[t["lower"].iloc[0], t["upper"]], ref["cut_points"], rtol=TOL)
    np.testing.assert_allclose(t["observed_non_events"] + t["observed_events"], t["n"])


def test_classification(fitted):
    ref = fitted.case.ref
    c = fitted.res.classification(0.5)
    for k in ("tn", "fp", "fn", "tp"):
        assert c[k] == ref["confusion_0.5"][k], k
    np.testing.assert_allclose(c["auc"], ref["auc"], rtol=TOL)
    np.testing.assert_allclose(c["brier"], ref["brier"], rtol=TOL)


def test_separation_none(fitted):
    ref = fitted.case.ref["separation"]
    sep = fitted.res.separation
    assert sep.status == ref["status"] == "none"
    assert sep.predictors == [] and ref["coefficients_in_direction"] == []


# ----------------------------------------------------------------- separated data


@pytest.fixture(scope="module")
def separated(load_case):
    import statlogit as sl
    from statlogit.exceptions import SeparationWarning

    case = load_case("separation_complete")
    with pytest.warns(SeparationWarning):
        res = sl.logit(case.formula, data=case.data)
    return case, res


def test_separated_case_design_vif(separated, helpers):
    case, res = separated
    ref = case.ref["design_gvif"]
    v = _by_name(res.vif(), ref["terms"], helpers)
    np.testing.assert_allclose(v["gvif"], ref["gvif"], rtol=TOL)
    np.testing.assert_allclose(v["gvif_adj"], ref["gvif_adj"], rtol=TOL)
    d = res.design
    np.testing.assert_allclose(column_vif(d.X, d.column_names, d.intercept_index)[case.ref["design_vif"]["columns"]],
                               case.ref["design_vif"]["vif"], rtol=TOL)


def test_separated_case_classification(separated):
    case, res = separated
    c = res.classification()
    for k in ("tn", "fp", "fn", "tp"):
        assert c[k] == case.ref["confusion_0.5"][k]
    assert c["auc"] == case.ref["auc"] == 1
    # R's Brier score here is 4.9e-32: zero up to where each fit stopped
    np.testing.assert_allclose(c["brier"], case.ref["brier"], atol=1e-6)
