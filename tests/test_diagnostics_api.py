"""Diagnostics API: shapes and names of the returned objects, options and errors, and
agreement with statsmodels (variance_inflation_factor, GLMInfluence) and scikit-learn
(confusion matrix, roc_auc_score, roc_curve, brier_score_loss) computed here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlogit as sl
from statlogit.diagnostics._common import DiagnosticError
from statlogit.exceptions import OptionError, StatlogitError


@pytest.fixture(scope="module")
def flagship():
    return sl.logit("diabetes ~ glucose + mass + age", data=sl.datasets.load_pima())


@pytest.fixture(scope="module")
def birthwt(load_case):
    case = load_case("birthwt")
    return sl.logit(case.formula, data=case.data)


# ------------------------------------------------------------------ VIF
def test_vif_matches_statsmodels_with_constant(fitted):
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    d = fitted.res.design
    v = fitted.res.vif()
    X = d.X  # includes the constant column, as statsmodels needs for centred VIFs
    for t in d.terms:
        if len(t.columns) == 1 and t.kind != "intercept":
            np.testing.assert_allclose(v.loc[t.name, "vif"], variance_inflation_factor(X, t.columns[0]), rtol=1e-9)


def test_vif_columns_and_index(birthwt):
    v = birthwt.vif()
    assert list(v.columns) == ["gvif", "df", "gvif_adj", "vif"]
    assert "race" in v.index and "race[T.white]" not in v.index
    assert v.loc["race", "df"] == 2
    np.testing.assert_allclose(v["gvif_adj"], v["gvif"] ** (1 / (2 * v["df"])), rtol=1e-12)
    np.testing.assert_allclose(v["vif"], v["gvif_adj"] ** 2, rtol=1e-12)


def test_vif_needs_two_terms(pima):
    res = sl.logit("diabetes ~ glucose", data=pima)
    with pytest.raises(DiagnosticError, match="at least two predictor terms; this model has 1 \\(glucose\\)"):
        res.vif()
    assert issubclass(DiagnosticError, StatlogitError)


def test_vif_bad_basis(flagship):
    with pytest.raises(OptionError, match="basis='x' is not valid"):
        flagship.vif(basis="x")


# ------------------------------------------------------------------ Box-Tidwell
def test_box_tidwell_object(flagship):
    bt = flagship.box_tidwell()
    assert list(bt.table.columns) == ["gamma", "se", "z", "p", "p_adj", "lambda"]
    assert bt.table.index.name == "predictor"
    assert bt.skipped == {} and bt.shift == {}
    b = flagship.params[bt.table.index]
    np.testing.assert_allclose(bt.table["lambda"], 1 + bt.table["gamma"] / b, rtol=1e-12)


def test_box_tidwell_skip_reasons(birthwt, pima):
    sk = birthwt.box_tidwell().skipped
    assert sk["race"] == "categorical" and sk["smoke"] == "binary" and sk["ptl"] == "values <= 0 (min 0)"
    res = sl.logit("diabetes ~ glucose + np.log(mass) + age", data=pima)
    assert res.box_tidwell().skipped == {"np.log(mass)": "transformed term"}


def test_box_tidwell_shift(birthwt, load_case):
    bt = birthwt.box_tidwell(shift={"ptl": 1})
    assert "ptl" in bt.table.index and bt.shift == {"ptl": 1.0} and "ptl" not in bt.skipped
    auto = birthwt.box_tidwell(shift="auto")
    assert auto.shift == {"ptl": 1.0, "ftv": 1.0}
    # the shifted test equals adding (x + c) ln(x + c) by hand
    case = load_case("birthwt")
    dat = case.data
    df = dat.assign(ptl_xlx=(dat.ptl + 1) * np.log(dat.ptl + 1), age_xlx=dat.age * np.log(dat.age),
                    lwt_xlx=dat.lwt * np.log(dat.lwt))
    by_hand = sl.logit(case.formula + " + age_xlx + lwt_xlx + ptl_xlx", data=df)
    for v in ("age", "lwt", "ptl"):
        np.testing.assert_allclose(bt.table.loc[v, "gamma"], by_hand.params[f"{v}_xlx"], rtol=1e-6)
        np.testing.assert_allclose(bt.table.loc[v, "se"], by_hand.bse[f"{v}_xlx"], rtol=1e-6)
    with pytest.raises(OptionError, match="not numeric predictors"):
        birthwt.box_tidwell(shift={"nope": 1})
    with pytest.raises(OptionError, match="shift="):
        birthwt.box_tidwell(shift=3)


def test_box_tidwell_nothing_to_test(birthwt, load_case):
    case = load_case("birthwt")
    res = sl.logit("low ~ smoke + race", data=case.data)
    with pytest.raises(DiagnosticError, match="smoke: binary; race: categorical"):  # formula order
        res.box_tidwell()


# ------------------------------------------------------------------ influence
def test_influence_matches_statsmodels(fitted):
    import statsmodels.api as sm

    d = fitted.res.design
    glm = sm.GLM(d.y, d.X, family=sm.families.Binomial()).fit(tol=1e-12)
    gi = glm.get_influence()
    t = fitted.res.influence().table
    np.testing.assert_allclose(t["hat"], gi.hat_matrix_diag, rtol=1e-6)
    np.testing.assert_allclose(t["cooks"], gi.cooks_distance[0], rtol=1e-6)
    np.testing.assert_allclose(t["rstandard_pearson"], gi.resid_studentized, rtol=1e-6)


def test_influence_object(flagship):
    inf = flagship.influence()
    t = inf.table
    assert list(t.columns) == ["hat", "cooks", "resid_pearson", "resid_deviance", "resid_response",
                               "rstandard_deviance", "rstandard_pearson", "rstudent", "dffits", "covratio"]
    assert t.index.equals(flagship.design.row_labels)
    assert list(inf.dfbetas.columns) == flagship.names
    top = inf.top(5)
    assert len(top) == 5 and list(top.index) == list(t["cooks"].sort_values(ascending=False).index[:5])
    assert set(inf.thresholds) == {"dfbetas", "dffits", "covratio", "cooks_f", "hat", "cooks_4n", "rstandard"}
    f = inf.flagged
    assert "rules" in f.columns and len(f) > 0
    n = flagship.nobs
    cook_rows = set(t.index[t["cooks"] > 4 / n])
    assert cook_rows <= set(f.index)
    assert all("cooks_4n" in f.loc[r, "rules"] for r in cook_rows)
    np.testing.assert_allclose(t["hat"].sum(), len(flagship.names), rtol=1e-9)  # trace of the hat matrix
    with pytest.raises(OptionError, match="k=0"):
        inf.top(0)


def test_influence_with_weights_equals_replication(pima):
    df = pima.dropna(subset=["glucose", "mass"]).reset_index(drop=True)
    w = np.where(np.arange(len(df)) % 4 == 0, 2.0, 1.0)
    res_w = sl.logit("diabetes ~ glucose + mass", data=df, weights=w)
    import statsmodels.api as sm

    d = res_w.design
    glm = sm.GLM(d.y, d.X, family=sm.families.Binomial(), var_weights=w).fit(tol=1e-12)
    np.testing.assert_allclose(res_w.influence().table["hat"], glm.get_influence().hat_matrix_diag, rtol=1e-6)


# ------------------------------------------------------------------ fit and classification
def test_hosmer_lemeshow_object(flagship):
    hl = flagship.hosmer_lemeshow()
    assert hl.df == 8 and 0 < hl.pvalue < 1
    assert list(hl.table.columns) == ["lower", "upper", "n", "observed_events", "expected_events",
                                      "observed_non_events", "expected_non_events"]
    assert hl.table["n"].sum() == flagship.nobs
    with pytest.raises(OptionError, match="groups=1"):
        flagship.hosmer_lemeshow(groups=1)


def test_calibration(flagship):
    c = flagship.calibration(bins=5)
    assert list(c.columns[:4]) == ["bin", "n", "mean_predicted", "observed_rate"]
    assert len(c) == 5 and c["n"].sum() == flagship.nobs
    # overall calibration-in-the-large holds at the MLE with an intercept
    np.testing.assert_allclose((c["mean_predicted"] * c["n"]).sum(), (c["observed_rate"] * c["n"]).sum(), rtol=1e-8)


def test_classification_matches_sklearn(fitted):
    from sklearn.metrics import brier_score_loss, confusion_matrix, f1_score, precision_score, roc_auc_score

    res = fitted.res
    y, p = res.design.y, res._fitted
    for thr in (0.3, 0.5):
        c = res.classification(thr)
        pred = (p >= thr).astype(int)
        tn, fp, fn, tp = confusion_matrix(y, pred).ravel()
        assert (c["tn"], c["fp"], c["fn"], c["tp"]) == (tn, fp, fn, tp)
        np.testing.assert_allclose(c["precision"], precision_score(y, pred), rtol=1e-12)
        np.testing.assert_allclose(c["f1"], f1_score(y, pred), rtol=1e-12)
        np.testing.assert_allclose(c["specificity"], tn / (tn + fp), rtol=1e-12)
    np.testing.assert_allclose(c["auc"], roc_auc_score(y, p), rtol=1e-12)
    np.testing.assert_allclose(c["brier"], brier_score_loss(y, p), rtol=1e-12)


def test_roc_and_youden_match_sklearn(flagship):
    from sklearn.metrics import roc_curve

    y, p = flagship.design.y, flagship._fitted
    r = flagship.roc()
    assert list(r.columns) == ["threshold", "fpr", "tpr"]
    fpr, tpr, thr = roc_curve(y, p, drop_intermediate=False)
    np.testing.assert_allclose(r["fpr"], fpr, rtol=1e-12)
    np.testing.assert_allclose(r["tpr"], tpr, rtol=1e-12)
    np.testing.assert_allclose(r["threshold"].iloc[1:], thr[1:], rtol=1e-12)
    b = flagship.best_threshold()
    j = tpr - fpr
    k = int(np.argmax(j))
    np.testing.assert_allclose(b["youden_j"], j[k], rtol=1e-12)
    np.testing.assert_allclose(b["threshold"], thr[k], rtol=1e-12)
    np.testing.assert_allclose(b["sensitivity"] + b["specificity"] - 1, b["youden_j"], rtol=1e-12)


def test_classification_bad_threshold(flagship):
    with pytest.raises(OptionError, match="threshold=1.5"):
        flagship.classification(1.5)


# ------------------------------------------------------------------ EPV and the report
def test_events_per_variable(birthwt):
    e = birthwt.events_per_variable()
    assert e["events"] == 59 and e["non_events"] == 130 and e["n_predictors"] == 9
    np.testing.assert_allclose(e["epv"], 59 / 9)
    assert e["verdict"] == "low"
    assert e["threshold_low"] == 10 and "Peduzzi" in e["threshold_low_source"]
    assert e["threshold_high"] == 20 and "Vittinghoff" in e["threshold_high_source"]


def test_check_assumptions_table(flagship):
    rep = flagship.check_assumptions()
    t = rep.table
    assert list(t.columns) == ["assumption", "check", "statistic", "threshold", "verdict", "advice"]
    assert list(t["assumption"]) == ["linearity of the logit", "multicollinearity",
                                     "influential observations and outliers", "sample size", "separation",
                                     "goodness of fit", "independence of observations"]
    assert set(t["verdict"]) <= {"pass", "warn", "fail", "not checked"}
    v = rep.verdicts
    # R: age's x*ln(x) has p = 2.4e-7 (refs box_tidwell), far below 0.05 after Holm
    assert v["linearity of the logit"] == "fail"
    adv = t.set_index("assumption").loc["linearity of the logit", "advice"]
    assert "age: Box-Tidwell p = 2.4e-07" in adv and "log(age)" in adv
    assert v["independence of observations"] == "not checked"
    assert "not testable" in t.set_index("assumption").loc["independence of observations", "check"]
    assert v["sample size"] == "pass" and v["separation"] == "pass"
    text = str(rep)
    assert "linearity of the logit" in text and "FAIL" in text
    md = rep.to_markdown()
    assert md.count("\n|") == 2 + 7
    assert rep._repr_html_() == rep.to_html()


def test_check_assumptions_html_is_escaped(pima):
    df = pima.copy()
    df.index = [f"<b>r{i}</b>" for i in range(len(df))]
    res = sl.logit("diabetes ~ glucose + mass + age", data=df)
    html = res.check_assumptions().to_html()
    assert "<b>r" not in html and "&lt;b&gt;r" in html


def test_check_assumptions_does_not_modify_data(pima):
    before = pima.copy()
    sl.logit("diabetes ~ glucose + mass + age", data=pima).check_assumptions()
    pd.testing.assert_frame_equal(pima, before)
