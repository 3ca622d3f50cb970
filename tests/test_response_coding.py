"""Response coding (which level is the event), the caller's data left alone, summary output.

Reference: R 4.2.2 ``glm`` codes a two-level factor with the second level (sorted) as the
event; ``pima_flagship.json`` holds its coefficients and SEs with ``diabetes = pos``.
Recoding the event to the other level is the same model with every coefficient negated
and the same standard errors, which is checked against R's numbers.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest

import statlogit as sl

FORMULA = "diabetes ~ glucose + mass + age"
RTOL_R = 1e-6  # against R's coefficients
RTOL_SE_R = 1e-5  # against R's SEs
RTOL_SAME = 1e-10  # two codings of the same 0/1 vector give the same computation


@pytest.fixture(scope="module")
def flagship(fits):
    return fits["pima_flagship"]


def _assert_same_model(res, flagship, sign: float):
    case = flagship.case
    names = case.names
    np.testing.assert_allclose(res.params[names].to_numpy(), sign * case.series("coef").to_numpy(), rtol=RTOL_R)
    np.testing.assert_allclose(res.bse[names].to_numpy(), case.series("se_at_mle").to_numpy(), rtol=RTOL_SE_R)
    np.testing.assert_allclose(res.pvalues[names].to_numpy(), case.series("p").to_numpy(), rtol=0, atol=1e-7)
    np.testing.assert_allclose(res.llf, case.ref["loglik"], rtol=1e-6)
    base = flagship.res
    np.testing.assert_allclose(res.params[names].to_numpy(), sign * base.params[names].to_numpy(), rtol=RTOL_SAME)
    np.testing.assert_allclose(res.bse[names].to_numpy(), base.bse[names].to_numpy(), rtol=1e-8)


def test_string_default_event_is_second_sorted_level(flagship):
    res = flagship.res
    assert res.event == "pos"
    assert res.design.non_event == "neg"
    y = res.design.y
    used = flagship.case.data.loc[res.design.row_labels, "diabetes"]
    np.testing.assert_array_equal(y, (used == "pos").to_numpy().astype(float))
    _assert_same_model(res, flagship, +1.0)


def test_string_event_pos_explicit(flagship, pima):
    res = sl.logit(FORMULA, pima, event="pos")
    assert res.event == "pos"
    _assert_same_model(res, flagship, +1.0)


def test_string_event_neg_flips_signs(flagship, pima):
    res = sl.logit(FORMULA, pima, event="neg")
    assert res.event == "neg"
    assert res.design.non_event == "pos"
    _assert_same_model(res, flagship, -1.0)
    # the odds ratios invert; the Wald intervals flip and swap ends
    np.testing.assert_allclose(res.odds_ratios()["odds_ratio"].to_numpy(),
                               1 / flagship.res.odds_ratios()["odds_ratio"].to_numpy(), rtol=1e-10)
    ci, base = res.conf_int(), flagship.res.conf_int()
    np.testing.assert_allclose(ci["lower"].to_numpy(), -base["upper"].to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(ci["upper"].to_numpy(), -base["lower"].to_numpy(), rtol=1e-10)


def test_event_neg_through_model_class(flagship, pima):
    res = sl.Logit.from_formula(FORMULA, pima, event="neg").fit()
    assert res.event == "neg"
    _assert_same_model(res, flagship, -1.0)


@pytest.mark.parametrize("dtype", ["int64", "float64", "Int64"])
def test_numeric_zero_one(flagship, pima, dtype):
    df = pima.assign(diabetes=(pima["diabetes"] == "pos").astype(dtype))
    res = sl.logit(FORMULA, df)
    assert res.event == 1
    _assert_same_model(res, flagship, +1.0)


def test_numeric_event_zero_flips(flagship, pima):
    df = pima.assign(diabetes=(pima["diabetes"] == "pos").astype(int))
    res = sl.logit(FORMULA, df, event=0)
    assert res.event == 0
    _assert_same_model(res, flagship, -1.0)


def test_bool_true_is_event(flagship, pima):
    df = pima.assign(diabetes=pima["diabetes"] == "pos")
    res = sl.logit(FORMULA, df)
    assert res.event is True or res.event == True  # noqa: E712  (numpy bool allowed)
    _assert_same_model(res, flagship, +1.0)
    flipped = sl.logit(FORMULA, df, event=False)
    _assert_same_model(flipped, flagship, -1.0)


@pytest.mark.parametrize(
    "categories, event, sign",
    [
        (["neg", "pos"], "pos", +1.0),
        (["pos", "neg"], "neg", -1.0),  # category order, not alphabetical order
        (["neg", "pos", "unused"], "pos", +1.0),  # an unused category does not count
    ],
)
def test_categorical_uses_category_order(flagship, pima, categories, event, sign):
    df = pima.assign(diabetes=pd.Categorical(pima["diabetes"], categories=categories))
    res = sl.logit(FORMULA, df)
    assert res.event == event
    _assert_same_model(res, flagship, sign)


def test_other_string_levels(flagship, pima):
    df = pima.assign(diabetes=pima["diabetes"].map({"pos": "yes", "neg": "no"}))
    res = sl.logit(FORMULA, df)
    assert res.event == "yes"
    _assert_same_model(res, flagship, +1.0)


def test_array_interface_string_response(flagship, pima):
    df = pima.dropna(subset=["glucose", "mass", "age"])
    res = sl.Logit(df["diabetes"], df[["glucose", "mass", "age"]]).fit()
    assert res.event == "pos"
    _assert_same_model(res, flagship, +1.0)
    res_neg = sl.Logit(df["diabetes"], df[["glucose", "mass", "age"]], event="neg").fit()
    _assert_same_model(res_neg, flagship, -1.0)


def test_event_not_a_level_is_an_error(pima):
    with pytest.raises(sl.ResponseError, match="diabetes"):
        sl.logit(FORMULA, pima, event="maybe")


# ----------------------------------------------------------------- caller's data unchanged


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"event": "neg"}, {"method": "gd"}, {"missing": "drop"}],
)
def test_formula_does_not_modify_dataframe(pima, kwargs):
    before = pima.copy(deep=True)
    res = sl.logit(FORMULA, pima, **kwargs)
    res.summary()
    res.predict(pima.dropna(subset=["glucose", "mass", "age"]), interval=True)
    pd.testing.assert_frame_equal(pima, before)


def test_formula_with_factors_does_not_modify_dataframe(load_case):
    case = load_case("birthwt")
    df = case.data.assign(low=pd.Categorical(np.where(case.data["low"] == 1, "low", "normal"),
                                             categories=["normal", "low"]))
    df.index = pd.Index([f"id{i}" for i in range(len(df))])
    before = df.copy(deep=True)
    res = sl.logit("low ~ age + lwt + C(race) + smoke + np.log(lwt)", df)
    res.conf_int()
    res.summary()
    res.predict(df)
    pd.testing.assert_frame_equal(df, before)
    assert list(res.fittedvalues.index) == list(df.index)


def test_array_interface_does_not_modify_inputs(pima):
    X = pima[["glucose", "mass", "age"]]
    y = pima["diabetes"]
    X_before, y_before = X.copy(deep=True), y.copy(deep=True)
    res = sl.Logit(y, X).fit()
    assert res.n_dropped == 16
    res.predict(X.dropna())
    pd.testing.assert_frame_equal(X, X_before)
    pd.testing.assert_series_equal(y, y_before)

    Xa = X.to_numpy().copy()
    ya = (y == "pos").to_numpy().astype(float)
    Xa_before, ya_before = Xa.copy(), ya.copy()
    sl.Logit(ya, Xa).fit()
    np.testing.assert_array_equal(Xa, Xa_before)
    np.testing.assert_array_equal(ya, ya_before)


def test_dict_of_columns_unchanged(flagship, pima):
    data = {c: pima[c].to_numpy().copy() for c in ["diabetes", "glucose", "mass", "age"]}
    before = {c: v.copy() for c, v in data.items()}
    res = sl.logit(FORMULA, data)
    _assert_same_model(res, flagship, +1.0)
    for c in data:
        np.testing.assert_array_equal(data[c], before[c])


# ----------------------------------------------------------------- summary


def _names_in(text: str, names, escape=False) -> None:
    for n in names:
        shown = html.escape(n) if escape else n
        assert shown in text, f"{n!r} missing from the summary"


def test_summary_text_names_event(flagship):
    s = flagship.res.summary()
    text = str(s)
    assert "diabetes = pos" in text
    assert FORMULA in text
    assert "752" in text and "16" in text  # n used and dropped (R: n = 752, n_dropped = 16)
    _names_in(text, flagship.res.names)


def test_summary_event_neg(pima):
    res = sl.logit(FORMULA, pima, event="neg")
    text = str(res.summary())
    assert "diabetes = neg" in text
    assert "diabetes = pos" not in text


def test_summary_numeric_event(fits):
    res = fits["birthwt"].res
    text = str(res.summary())
    assert "low = 1" in text


@pytest.mark.parametrize("case_id_", ["pima_flagship", "pima_transform", "pima_interaction", "birthwt"])
def test_summary_renderings(fits, case_id_):
    res = fits[case_id_].res
    s = res.summary()
    from statlogit.report.tables import coefficient_labels

    names = [coefficient_labels(res.design)[n] for n in res.names]  # rows show display labels
    text = str(s)
    md = s.to_markdown()
    page = s.to_html()
    jup = res._repr_html_()
    for out in (text, md, page, jup):
        assert isinstance(out, str) and len(out) > 100
    _names_in(text, names)
    _names_in(md, names)
    _names_in(page, names, escape=True)
    _names_in(jup, names, escape=True)
    assert res.design.event_label() in text
    assert html.escape(res.design.event_label()) in page
    assert md.count("|") > 10
    assert page.lstrip().startswith("<") and "<table" in page


def test_summary_profile_intervals(flagship):
    s = flagship.res.summary(ci_method="profile")
    text = str(s)
    assert "rofile" in text
    _names_in(text, flagship.res.names)
