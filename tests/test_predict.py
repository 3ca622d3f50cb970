"""``predict()``: training data, new data through the fitted formula, intervals.

References: R 4.2.2's ``fitted`` and ``linear_predictor`` for every row used (1-based
positions in ``used_rows``), R's coefficients (to replay transforms by hand) and R's
``vcov_at_mle`` (for the delta-method interval).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, ndtri

import statlogit as sl

RTOL = 1e-6


def _r_by_row(case, field: str) -> pd.Series:
    """An R per-row field (fitted, linear_predictor) indexed by our row labels (position - 1)."""
    return pd.Series(np.asarray(case.ref[field], dtype=float), index=np.asarray(case.ref["used_rows"]) - 1)


def _complete_rows(case) -> pd.DataFrame:
    """The case's data without rows missing any column the formula uses (as R's na.omit)."""
    tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", case.r_formula))
    cols = [c for c in case.data.columns if c in tokens]
    return case.data.dropna(subset=cols)


def test_predict_training_equals_fitted(fitted):
    res = fitted.res
    p = res.predict()
    pd.testing.assert_series_equal(p, res.fittedvalues, check_names=False)
    np.testing.assert_allclose(p.to_numpy(), fitted.case.ref["fitted"], rtol=RTOL)


def test_predict_newdata_equals_fitted(fitted):
    res = fitted.res
    newdata = _complete_rows(fitted.case)
    p = res.predict(newdata)
    assert p.index.equals(newdata.index)
    assert p.index.equals(res.fittedvalues.index)
    np.testing.assert_allclose(p.to_numpy(), res.fittedvalues.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(p.to_numpy(), _r_by_row(fitted.case, "fitted").loc[p.index].to_numpy(), rtol=RTOL)


def test_predict_logit_matches_r(fitted):
    res = fitted.res
    lp_train = res.predict(kind="logit")
    lp_new = res.predict(_complete_rows(fitted.case), kind="logit")
    ref = _r_by_row(fitted.case, "linear_predictor")
    np.testing.assert_allclose(lp_train.to_numpy(), ref.loc[lp_train.index].to_numpy(), rtol=RTOL)
    np.testing.assert_allclose(lp_new.to_numpy(), ref.loc[lp_new.index].to_numpy(), rtol=RTOL)


@pytest.mark.parametrize("threshold", [0.5, 0.3, 0.7])
def test_predict_class(fitted, threshold):
    res = fitted.res
    cls = res.predict(kind="class", threshold=threshold)
    ref = _r_by_row(fitted.case, "fitted")
    # no R probability lies so close to the threshold that rounding could flip it
    assert np.min(np.abs(ref.to_numpy() - threshold)) > 1e-8
    expected = (ref.loc[cls.index] >= threshold).astype(int)
    np.testing.assert_array_equal(cls.to_numpy(), expected.to_numpy())
    assert set(np.unique(cls.to_numpy())) <= {0, 1}


def test_predict_class_matches_r_confusion(fitted):
    cls = fitted.res.predict(kind="class")
    y = fitted.res.design.y
    conf = fitted.case.ref["confusion_0.5"]
    assert int(np.sum((cls.to_numpy() == 1) & (y == 1))) == conf["tp"]
    assert int(np.sum((cls.to_numpy() == 1) & (y == 0))) == conf["fp"]
    assert int(np.sum((cls.to_numpy() == 0) & (y == 0))) == conf["tn"]
    assert int(np.sum((cls.to_numpy() == 0) & (y == 1))) == conf["fn"]


@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_predict_interval(fitted, alpha):
    res = fitted.res
    case = fitted.case
    out = res.predict(interval=True, alpha=alpha)
    assert {"prob", "lower", "upper"} <= set(out.columns)
    assert (out["lower"] < out["prob"]).all() and (out["prob"] < out["upper"]).all()
    # half-width on the logit scale: z * sqrt(x' V x), V = R's covariance at the MLE
    V = case.matrix("vcov_at_mle").loc[res.names, res.names].to_numpy()
    X = res.design.X
    se = np.sqrt(np.einsum("ij,jk,ik->i", X, V, X))
    z = ndtri(1 - alpha / 2)
    eta = np.asarray(case.ref["linear_predictor"], dtype=float)
    np.testing.assert_allclose(out["prob"].to_numpy(), expit(eta), rtol=RTOL)
    lo_logit = np.log(out["lower"] / (1 - out["lower"])).to_numpy()
    hi_logit = np.log(out["upper"] / (1 - out["upper"])).to_numpy()
    np.testing.assert_allclose((hi_logit - lo_logit) / 2, z * se, rtol=1e-5)
    np.testing.assert_allclose(out["lower"].to_numpy(), expit(eta - z * se), rtol=1e-5)
    np.testing.assert_allclose(out["upper"].to_numpy(), expit(eta + z * se), rtol=1e-5)


def test_predict_interval_logit_scale(fitted):
    res = fitted.res
    out = res.predict(kind="logit", interval=True)
    assert {"logit", "lower", "upper"} <= set(out.columns)
    np.testing.assert_allclose((out["upper"] - out["lower"]).to_numpy() / 2,
                               ndtri(0.975) * np.sqrt(np.einsum("ij,jk,ik->i", res.design.X,
                                                                res.cov_params().to_numpy(), res.design.X)),
                               rtol=1e-10)
    np.testing.assert_allclose(out["logit"].to_numpy(), fitted.case.ref["linear_predictor"], rtol=RTOL)


def test_predict_interval_on_newdata(fits):
    fc = fits["pima_flagship"]
    res = fc.res
    newdata = pd.DataFrame({"glucose": [90.0, 150.0, 199.0], "mass": [22.0, 33.5, 60.0], "age": [25, 45, 81]},
                           index=["a", "b", "c"])
    out = res.predict(newdata, interval=True)
    assert list(out.index) == ["a", "b", "c"]
    case = fc.case
    b = case.series("coef")
    V = case.matrix("vcov_at_mle")
    X = np.column_stack([np.ones(3), newdata["glucose"], newdata["mass"], newdata["age"]])
    order = ["Intercept", "glucose", "mass", "age"]
    eta = X @ b[order].to_numpy()
    se = np.sqrt(np.einsum("ij,jk,ik->i", X, V.loc[order, order].to_numpy(), X))
    z = ndtri(0.975)
    np.testing.assert_allclose(out["prob"].to_numpy(), expit(eta), rtol=RTOL)
    np.testing.assert_allclose(out["lower"].to_numpy(), expit(eta - z * se), rtol=1e-5)
    np.testing.assert_allclose(out["upper"].to_numpy(), expit(eta + z * se), rtol=1e-5)


def test_predict_replays_transforms(fits):
    """np.log(mass) and I(age ** 2) are recomputed from new data, checked with R's coefficients."""
    fc = fits["pima_transform"]
    res = fc.res
    b = fc.case.series("coef")
    newdata = pd.DataFrame({"glucose": [85.0, 120.0, 183.0, 140.0], "mass": [19.5, 28.0, 43.1, 67.1],
                            "age": [21, 33, 50, 72], "unused": ["x", "y", "z", "w"]}, index=[10, 3, 7, 99])
    expected = (b["Intercept"] + b["glucose"] * newdata["glucose"] + b["np.log(mass)"] * np.log(newdata["mass"])
                + b["I(age ** 2)"] * newdata["age"] ** 2)
    lp = res.predict(newdata, kind="logit")
    assert list(lp.index) == [10, 3, 7, 99]
    np.testing.assert_allclose(lp.to_numpy(), expected.to_numpy(), rtol=RTOL)
    np.testing.assert_allclose(res.predict(newdata).to_numpy(), expit(expected.to_numpy()), rtol=RTOL)


def test_predict_transforms_on_training_subset(fits):
    fc = fits["pima_transform"]
    newdata = _complete_rows(fc.case).sample(frac=0.25, random_state=3)
    ref = _r_by_row(fc.case, "linear_predictor")
    lp = fc.res.predict(newdata, kind="logit")
    assert lp.index.equals(newdata.index)
    np.testing.assert_allclose(lp.to_numpy(), ref.loc[newdata.index].to_numpy(), rtol=RTOL)


@pytest.mark.parametrize("level", ["white", "black", "other"])
def test_predict_factor_with_one_level_present(fits, level):
    """New data holding a single race level still get the fitted coding (3 levels)."""
    fc = fits["birthwt"]
    data = fc.case.data
    newdata = data[data["race"] == level]
    assert newdata["race"].nunique() == 1
    ref = _r_by_row(fc.case, "linear_predictor")
    lp = fc.res.predict(newdata, kind="logit")
    assert lp.index.equals(newdata.index)
    np.testing.assert_allclose(lp.to_numpy(), ref.loc[newdata.index].to_numpy(), rtol=RTOL)
    prob = fc.res.predict(newdata)
    np.testing.assert_allclose(prob.to_numpy(), _r_by_row(fc.case, "fitted").loc[newdata.index].to_numpy(),
                               rtol=RTOL)


def test_predict_factor_single_row_and_categorical_dtype(fits):
    fc = fits["birthwt"]
    b = fc.case.series("coef")
    row = {"age": 30, "lwt": 140, "race": "other", "smoke": 1, "ptl": 0, "ht": 0, "ui": 1, "ftv": 2}
    expected = (b["Intercept"] + b["age"] * 30 + b["lwt"] * 140 + b["race[T.other]"] + b["smoke"]
                + b["ui"] + b["ftv"] * 2)
    one = pd.DataFrame([row])
    np.testing.assert_allclose(fc.res.predict(one, kind="logit").to_numpy(), [expected], rtol=RTOL)
    cat = one.assign(race=pd.Categorical(one["race"], categories=["black", "other", "white"]))
    np.testing.assert_allclose(fc.res.predict(cat, kind="logit").to_numpy(), [expected], rtol=RTOL)
    as_dict = {k: [v] for k, v in row.items()}
    np.testing.assert_allclose(fc.res.predict(as_dict, kind="logit").to_numpy(), [expected], rtol=RTOL)


def test_predict_unknown_level_is_an_error(fits):
    fc = fits["birthwt"]
    newdata = fc.case.data.head(3).assign(race=["white", "purple", "black"])
    with pytest.raises(sl.PredictionError):
        fc.res.predict(newdata)


def test_predict_missing_values_is_an_error(fits):
    fc = fits["pima_flagship"]
    with pytest.raises(sl.PredictionError, match="missing"):
        fc.res.predict(fc.case.data)  # the full Pima frame has NaN in glucose/mass


def test_predict_does_not_modify_newdata(fits):
    fc = fits["pima_transform"]
    newdata = _complete_rows(fc.case).head(20)
    before = newdata.copy(deep=True)
    fc.res.predict(newdata, interval=True)
    pd.testing.assert_frame_equal(newdata, before)


def test_predict_bad_options(fits):
    res = fits["pima_flagship"].res
    with pytest.raises(sl.OptionError, match="kind"):
        res.predict(kind="odds")
    with pytest.raises(sl.OptionError, match="threshold"):
        res.predict(kind="class", threshold=1.5)


def test_predict_array_interface():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(200, 2))
    y = (rng.uniform(size=200) < expit(0.3 + X @ np.array([1.0, -0.5]))).astype(int)
    res = sl.Logit(y, X).fit()
    b = res.params.to_numpy()
    np.testing.assert_allclose(res.predict(X[:5]).to_numpy(), expit(b[0] + X[:5] @ b[1:]), rtol=1e-12)
    np.testing.assert_allclose(res.predict().to_numpy(), res.fittedvalues.to_numpy(), rtol=0)
