"""Hostile inputs: every one gives a statlogit error that names the problem (issue 5).

Each case also checks that the caller's DataFrame is left exactly as it was.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlogit as sl
from statlogit import (
    DataError,
    FormulaError,
    OptionError,
    PredictionError,
    RankDeficiencyError,
    ResponseError,
    StatlogitError,
)


@pytest.fixture
def pima():
    return sl.datasets.load_pima().dropna(subset=["glucose", "mass", "age"]).reset_index(drop=True)


def fit_unchanged(formula, data, **kw):
    """Fit and assert the caller's frame is untouched, whatever happens."""
    before = data.copy(deep=True)
    try:
        return sl.logit(formula, data, **kw)
    finally:
        pd.testing.assert_frame_equal(data, before)


# ------------------------------------------------------------------ response
@pytest.mark.parametrize(
    "make, formula, match",
    [
        (lambda d: d.assign(r3=np.arange(len(d)) % 3), "r3 ~ glucose", r"'r3' has 3 distinct values \(0, 1, 2\)"),
        (lambda d: d.assign(r1=1), "r1 ~ glucose", r"'r1' is constant"),
        (lambda d: d.assign(rf=np.where(d.diabetes == "pos", 0.7, 0.2)), "rf ~ glucose", r"'rf' has non-integer values \(0.2, 0.7\)"),
        (lambda d: d.assign(rs=np.array(["a", "b", "c"])[np.arange(len(d)) % 3]), "rs ~ glucose", r"'rs' has 3 distinct values \('a', 'b', 'c'\)"),
        (lambda d: d.assign(r12=(d.diabetes == "pos").astype(int) + 1), "r12 ~ glucose", r"'r12' is coded 1, 2, not 0/1; pass event=2"),
    ],
)
def test_bad_response(pima, make, formula, match):
    data = make(pima)
    with pytest.raises(ResponseError, match=match):
        fit_unchanged(formula, data)


def test_response_coded_one_two_with_event(pima):
    data = pima.assign(r12=(pima.diabetes == "pos").astype(int) + 1)
    a = fit_unchanged("r12 ~ glucose", data, event=2)
    b = fit_unchanged("diabetes ~ glucose", pima)
    np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy(), rtol=1e-10)
    assert a.event == 2


def test_boolean_response(pima):
    data = pima.assign(rb=pima.diabetes == "pos")
    res = fit_unchanged("rb ~ glucose", data)
    assert res.event is True or res.event == True  # noqa: E712
    np.testing.assert_allclose(res.params.to_numpy(), fit_unchanged("diabetes ~ glucose", pima).params.to_numpy(), rtol=1e-10)


def test_event_not_a_level(pima):
    with pytest.raises(ResponseError, match=r"event='yes' is not a level of response 'diabetes'; its levels are 'neg', 'pos'"):
        fit_unchanged("diabetes ~ glucose", pima, event="yes")


# ------------------------------------------------------------------ predictors
def test_infinite_predictor(pima):
    data = pima.copy()
    data.loc[3, "glucose"] = np.inf
    with pytest.raises(DataError, match=r"glucose contain infinite values"):
        fit_unchanged("diabetes ~ glucose + mass", data)


def test_constant_column(pima):
    with pytest.raises(RankDeficiencyError, match=r"c are constant \(collinear with the intercept\)"):
        fit_unchanged("diabetes ~ glucose + c", pima.assign(c=5.0))


def test_duplicated_column(pima):
    with pytest.raises(RankDeficiencyError, match=r"glucose and g2 are proportional"):
        fit_unchanged("diabetes ~ glucose + g2", pima.assign(g2=pima.glucose * 2))


def test_linear_combination_names_columns(pima):
    data = pima.assign(s=pima.glucose + pima.mass)
    with pytest.raises(RankDeficiencyError, match=r"glucose, mass, s are exactly linearly dependent"):
        fit_unchanged("diabetes ~ glucose + mass + s + age", data)


def test_more_columns_than_rows(pima):
    small = pima.head(30).assign(code=[f"c{i}" for i in range(30)], grp=[f"g{i % 7}" for i in range(30)])
    with pytest.raises(RankDeficiencyError, match=r"36 columns but only 30 usable rows"):
        fit_unchanged("diabetes ~ code + grp", small)


def test_rank_deficiency_in_arrays():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 2))
    X = np.c_[X, X[:, 0] - X[:, 1]]
    y = (rng.random(50) < 0.5).astype(float)
    with pytest.raises(RankDeficiencyError, match=r"x1, x2, x3 are exactly linearly dependent"):
        sl.Logit(y, X).fit()
    with pytest.raises(RankDeficiencyError):
        sl.Logit(y, X).fit(method="gd")


def test_extreme_magnitudes_match_rescaled_fit(pima):
    """Columns near 1e+-200 would overflow X'WX; results equal the fit on rescaled columns."""
    data = pima.assign(big=pima.glucose * 1e200, small=pima.mass * 1e-200)
    extreme = fit_unchanged("diabetes ~ big + small + age", data)
    plain = fit_unchanged("diabetes ~ glucose + mass + age", pima)
    scale = np.array([1.0, 1e200, 1e-200, 1.0])
    np.testing.assert_allclose(extreme.params.to_numpy() * scale, plain.params.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(extreme.bse.to_numpy() * scale, plain.bse.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(extreme.pvalues.to_numpy(), plain.pvalues.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(extreme.predict(data, interval=True).to_numpy(),
                               plain.predict(pima, interval=True).to_numpy(), rtol=1e-9)


def test_non_numeric_array_X():
    with pytest.raises(DataError, match="X must be numeric"):
        sl.Logit([0, 1, 0, 1], np.array([["a"], ["b"], ["c"], ["d"]]))


# ------------------------------------------------------------------ data
def test_empty_data(pima):
    with pytest.raises(DataError, match="data has 0 rows"):
        fit_unchanged("diabetes ~ glucose", pima.iloc[:0])


def test_one_row(pima):
    with pytest.raises(ResponseError, match="is constant"):
        fit_unchanged("diabetes ~ glucose", pima.iloc[:1])


def test_every_row_missing(pima):
    with pytest.raises(DataError, match=r"column 'glucose' has no values in any row \(all 752 are missing\)"):
        fit_unchanged("diabetes ~ glucose", pima.assign(glucose=np.nan))


def test_dict_of_columns_works_and_list_does_not():
    data = {"y": [0, 1, 0, 1, 1, 0, 1, 0], "x": [1.0, 2, 3, 4, 5, 7, 2.5, 3.5]}
    res = sl.logit("y ~ x", data)
    assert res.nobs == 8
    with pytest.raises(DataError, match="must be a pandas DataFrame or a dict of columns, not list"):
        sl.logit("y ~ x", [[0, 1], [1, 2]])


def test_duplicate_column_names(pima):
    data = pd.concat([pima[["diabetes", "glucose"]], pima[["glucose"]]], axis=1)
    with pytest.raises(DataError, match="duplicate column names: glucose"):
        fit_unchanged("diabetes ~ glucose", data)


def test_missing_raise_names_column(pima):
    data = sl.datasets.load_pima()
    with pytest.raises(DataError, match=r"5 of 768 rows have missing values \(in glucose\)"):
        fit_unchanged("diabetes ~ glucose", data, missing="raise")


# ------------------------------------------------------------------ formula
@pytest.mark.parametrize(
    "formula, match",
    [
        ("diabetes ~ glucose +", r"cannot parse formula 'diabetes ~ glucose \+'"),
        ("diabetes ~ (glucose", r"cannot parse formula .*Unmatched"),
        ("~ glucose", r"must have exactly one response"),
        ("glucose + mass ~ age", r"must have exactly one response"),
        ("diabetes glucose", r"has no response"),
        ("diabetes ~ glucos + mass", r"names 'glucos', which is not a column of the data"),
        ("diabets ~ glucose", r"'diabets' is not a column of the data"),
        ("diabetes ~ I(diabetes + 1)", r"cannot build the design for formula .*I\(diabetes \+ 1\)"),
    ],
)
def test_bad_formula(pima, formula, match):
    with pytest.raises(FormulaError, match=match):
        fit_unchanged(formula, pima)


# ------------------------------------------------------------------ options
@pytest.mark.parametrize(
    "options, match",
    [
        ({"method": "lbfgs"}, r"method='lbfgs' is not valid; it must be one of 'newton', 'gd', 'sgd', 'firth'"),
        ({"method": "gd", "learning_rate": -1}, r"learning_rate=-1 is not valid; it must be a positive number"),
        ({"method": "gd", "learning_rate": 0}, r"learning_rate=0 is not valid"),
        ({"method": "sgd", "batch_size": 0}, r"batch_size=0 is not valid; it must be a positive integer"),
        ({"method": "sgd", "epochs": 2.5}, r"epochs=2.5 is not valid"),
        ({"max_iter": 0}, r"max_iter=0 is not valid; it must be a positive integer"),
        ({"tol": 0}, r"tol=0 is not valid; it must be a positive number"),
        ({"tol": -1e-8}, r"tol=-1e-08 is not valid"),
        ({"missing": "fill"}, r"missing='fill' is not valid; choose one of 'drop', 'raise'"),
        ({"lerning_rate": 0.1}, r"unknown option\(s\) lerning_rate; valid options are"),
    ],
)
def test_bad_options(pima, options, match):
    with pytest.raises(OptionError, match=match):
        fit_unchanged("diabetes ~ glucose", pima, **options)


def test_bad_result_options(pima):
    res = fit_unchanged("diabetes ~ glucose", pima)
    with pytest.raises(OptionError, match=r"method='bootstrap' is not valid; choose one of 'wald', 'profile'"):
        res.conf_int(method="bootstrap")
    with pytest.raises(OptionError, match=r"alpha=1.5 is not valid"):
        res.conf_int(alpha=1.5)
    with pytest.raises(OptionError, match=r"kind='odds' is not valid"):
        res.predict(kind="odds")


# ------------------------------------------------------------------ prediction
def test_prediction_unseen_level_and_missing_column():
    bw = pd.read_csv(__import__("pathlib").Path(__file__).parent / "data" / "birthwt.csv")
    res = fit_unchanged("low ~ age + race", bw)
    new = pd.DataFrame({"age": [20], "race": ["martian"]})
    with pytest.raises(PredictionError, match=r"factor level the model was not fitted with.*'martian'"):
        res.predict(new)
    with pytest.raises(PredictionError, match=r"newdata lacks column 'race'"):
        res.predict(pd.DataFrame({"age": [20]}))
    with pytest.raises(PredictionError, match=r"missing values"):
        res.predict(pd.DataFrame({"age": [np.nan], "race": ["white"]}))


def test_errors_are_statlogit_errors():
    for cls in (DataError, FormulaError, OptionError, PredictionError, RankDeficiencyError, ResponseError):
        assert issubclass(cls, StatlogitError)
        assert issubclass(cls, ValueError)  # so `except ValueError` in old code still works
