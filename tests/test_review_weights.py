"""Regression tests from the analyst review: frequency weights on the aggregated MASS housing data.

``housing.csv`` (72 rows, ``Freq`` = frequency weights) collapsed to ``high = (Sat == "High")`` is
a binary logit on 1681 subjects. The weighted fit must equal the fit on the expanded rows
(statsmodels GLM with ``freq_weights``), and every count we print must be of subjects.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

import statlogit as sl
from statlogit.cli import main

DATA = Path(__file__).parent / "data"
FORMULA = "high ~ Infl + Type + Cont"


@pytest.fixture(scope="module")
def housing() -> pd.DataFrame:
    df = sl.datasets.load_housing()
    return df.assign(high=(df["Sat"].astype(str) == "High").astype(int))


def test_weights_by_column_name_equal_weights_by_values_and_statsmodels(housing):
    before = housing.copy()
    by_name = sl.logit(FORMULA, data=housing, weights="Freq")
    by_values = sl.logit(FORMULA, data=housing, weights=housing["Freq"])
    pd.testing.assert_series_equal(by_name.params, by_values.params)
    ref = smf.glm(FORMULA, data=housing, family=sm.families.Binomial(), freq_weights=housing["Freq"]).fit()
    np.testing.assert_allclose(by_name.params[ref.params.index], ref.params, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(by_name.llf, ref.llf, rtol=1e-10)
    pd.testing.assert_frame_equal(housing, before)


def test_weights_unknown_column_names_it(housing):
    with pytest.raises(sl.exceptions.DataError, match="weights='Frq' is not a column"):
        sl.logit(FORMULA, data=housing, weights="Frq")


def test_summary_and_report_count_subjects_under_frequency_weights(housing):
    res = sl.logit(FORMULA, data=housing, weights="Freq")
    n_subjects = int(housing["Freq"].sum())  # 1681
    n_events = int(housing.loc[housing["high"] == 1, "Freq"].sum())  # 668
    assert (n_subjects, n_events) == (1681, 668)
    assert "72 used (frequency weights, total 1681)" in str(res.summary())
    md = res.report(plots=False).to_markdown()
    assert "72 used (frequency weights, total 1681)" in md
    assert f"**Events:** {n_events} of {n_subjects} (39.7%)" in md
    # the ordinal model on the same rows says it the same way, once
    po = sl.ologit("Sat ~ Infl + Type + Cont", data=housing, weights="Freq", levels=["Low", "Medium", "High"])
    assert str(po.summary()).count("frequency weights, total 1681") == 1


def test_cli_weights_for_the_binary_logit(housing, tmp_path, capsys):
    path = tmp_path / "housing_high.csv"
    housing.to_csv(path, index=False)
    assert main(["fit", str(path), FORMULA, "--weights", "Freq", "--wald"]) == 0
    out = capsys.readouterr().out
    assert "72 used (frequency weights, total 1681)" in out
    ref = smf.glm(FORMULA, data=housing, family=sm.families.Binomial(), freq_weights=housing["Freq"]).fit()
    assert f"{ref.llf:.3f}" in out
    assert main(["fit", str(path), FORMULA, "--weights", "Frq"]) == 2
    assert "--weights 'Frq' is not a column" in capsys.readouterr().err


# --------------------------------------------------------------- messages that name the column and the fix
@pytest.fixture(scope="module")
def arrests_fit():
    arrests = pd.read_csv(DATA / "arrests.csv")
    return arrests, sl.logit("released ~ employed + citizen + checks + colour*C(year) + colour*age", data=arrests)


def test_predict_names_the_column_with_missing_values(arrests_fit):
    arrests, res = arrests_fit
    new = arrests.head(3).copy()
    new.loc[1, "age"] = np.nan
    with pytest.raises(sl.exceptions.PredictionError, match=r"'age' \(1 row\(s\): 1\).*dropna\(subset=\['age'\]\)"):
        res.predict(new, interval=True)


def test_predict_names_the_column_with_an_unseen_level(arrests_fit):
    arrests, res = arrests_fit
    new = arrests.head(3).copy()
    new.loc[0, "year"] = 2010
    with pytest.raises(sl.exceptions.PredictionError, match=r"in 'year' \(2010; fitted levels 1997, .*2002\)"):
        res.predict(new)
    women = sl.datasets.load_womenlf()
    mn = sl.mlogit("partic ~ hincome + children + region", data=women, reference="not.work")
    new = women.head(2).copy()
    new.loc[0, "region"] = "Yukon"
    with pytest.raises(sl.exceptions.PredictionError, match=r"in 'region' \('Yukon'; fitted levels 'Atlantic'"):
        mn.predict(new)


def test_inconsistent_hypotheses_say_so(arrests_fit):
    _, res = arrests_fit
    with pytest.raises(sl.exceptions.OptionError, match="inconsistent.*Remove the contradicting ones"):
        res.wald_test(["age = 0", "age = 1"])
    with pytest.raises(sl.exceptions.OptionError, match="redundant.*Remove the dependent ones"):
        res.wald_test(["age = 0", "2*age = 0"])


def test_family_with_cov_is_refused_with_the_reason():
    women = sl.datasets.load_womenlf()
    mn = sl.mlogit("partic ~ hincome + children", data=women, reference="not.work")
    with pytest.raises(sl.exceptions.OptionError, match="with_cov\\('HC1'\\) is not available for the multinomial"):
        mn.with_cov("HC1")


# --------------------------------------------------------------- Firth term tests; ordinal VIF with an interaction
def test_firth_term_tests_are_wald_in_the_cli_and_the_report(tmp_path, capsys):
    """LR term tests need the unpenalized likelihood; a Firth fit gets Wald tests, not an error
    (before: `--method firth --anova` printed the summary, then failed with status 2)."""
    path = DATA / "separation_complete.csv"
    res = sl.logit("y ~ x", data=pd.read_csv(path), method="firth")
    wald = res.anova(type=2, test="wald")
    z2 = float((res.params["x"] / res.bse["x"]) ** 2)
    assert wald.loc["x", "statistic"] == pytest.approx(z2, rel=1e-10)
    out_md = tmp_path / "sep.md"
    assert main(["fit", str(path), "y ~ x", "--method", "firth", "--anova", "--report", str(out_md)]) == 0
    out = capsys.readouterr().out
    assert "Term tests (type II, Wald" in out and f"{z2:10.4f}" in out
    md = out_md.read_text()
    assert "Term tests (type II, Wald" in md and "Term tests not computed" not in md


def test_ordinal_interaction_collinearity_check_does_not_warn_about_the_intercept():
    """The thresholds take the intercept's place: no 'the model has no intercept' warning
    (pytest turns StatlogitWarning into an error) on MASS housing with Infl x Type."""
    housing = sl.datasets.load_housing()
    po = sl.ologit("Sat ~ Infl * Type + Cont", data=housing, weights="Freq", levels=["Low", "Medium", "High"])
    table = po.check_assumptions()
    assert "without the interaction and power terms" in str(table)


def test_two_moderators_sentence_says_where_the_other_is_held(arrests_fit):
    """colour interacts with year and with age (carData::Arrests): the odds ratios of colour by
    year hold at age = 0, those by age at year = 1997; the sentence must say so."""
    _, res = arrests_fit
    b = res.params
    md = res.report(plots=False).to_markdown()
    line = next(s for s in md.splitlines() if s.startswith("- colour = White rather than Black"))
    by_year = np.exp(b["colour[T.White]"] + b["colour[T.White]:C(year)[T.1998]"])  # at age = 0
    by_age = np.exp(b["colour[T.White]"] + 18 * b["colour[T.White]:age"])  # at year = 1997
    assert "depends on year (at age = 0): year = 1997: " in line
    assert f"year = 1998: {by_year:.4g} (" in line
    assert f"depends on age (at year = 1997): age = 18: {by_age:.4g} (" in line


def test_marginal_effect_of_a_factor_of_an_expression_is_not_a_silent_zero():
    """Pima: C(pregnant > 3) has levels False/True, which are not values of `pregnant`; setting
    the column to them gave an AME of exactly 0 with SE 0 and z, p NaN. Such a variable is now
    left out of the default table and refused by name when asked for."""
    pima = sl.datasets.load_pima()
    res = sl.logit("diabetes ~ glucose*mass + np.log(age) + I(pedigree**2) + C(pregnant > 3)", data=pima)
    me = res.marginal_effects()
    assert list(me.index) == ["glucose", "mass", "age", "pedigree"]
    assert np.isfinite(me.to_numpy()).all()
    # numeric AMEs through np.log, I(**2) and the interaction: central differences of predict()
    rows = pima.loc[res.design.row_labels]
    for var in ["glucose", "age", "pedigree"]:
        step = 1e-5
        fd = np.mean((res.predict(rows.assign(**{var: rows[var] + step}))
                      - res.predict(rows.assign(**{var: rows[var] - step}))) / (2 * step))
        assert me.loc[var, "effect"] == pytest.approx(fd, rel=1e-6)
    with pytest.raises(sl.exceptions.OptionError, match=r"'pregnant' enter\(s\) the formula only through a factor"):
        res.marginal_effects(variables="pregnant")


def test_compare_refusals_give_the_fix_that_fits_the_reason(housing):
    """Weighted vs unweighted fits on the same 72 housing rows: the fix is the weights, not the rows."""
    big = sl.logit(FORMULA, data=housing, weights="Freq")
    with pytest.raises(sl.exceptions.OptionError, match=r"different weights\. Fit both with the same weights="):
        sl.compare(sl.logit("high ~ Infl + Type", data=housing), big)
    pima = sl.datasets.load_pima()
    with pytest.raises(sl.exceptions.OptionError, match=r"different numbers of rows .*Fit both to the same rows"):
        sl.compare(sl.logit("diabetes ~ glucose", data=pima), sl.logit("diabetes ~ glucose + mass", data=pima))


# --------------------------------------------------------------- array entry points
def test_array_models_read_like_r():
    """sl.Logit(y, X) on birthwt: the summary's formula has no 'Intercept' term (R: low ~ age + lwt),
    '0 +' when there is none; groups= passed to fit() says where it belongs."""
    bw = pd.read_csv(DATA / "birthwt.csv")
    X, y = bw[["age", "lwt", "smoke"]], bw["low"]
    assert "Formula:          low ~ age + lwt + smoke\n" in str(sl.Logit(y, X).fit().summary())
    assert "low ~ 0 + age + lwt + smoke\n" in str(sl.Logit(y, X, intercept=False).fit().summary())
    with pytest.raises(sl.exceptions.OptionError, match=r"groups= is given when the model is built.*sl.Logit\(y, X, "):
        sl.Logit(y, X).fit(cov_type="cluster", groups=bw["race"])


def test_ordered_logit_takes_the_order_of_a_bare_ordered_categorical(housing):
    """OrderedLogit(pd.Categorical(..., ordered=True), X) said 'unordered levels' (np.asarray dropped
    the categories); it must give the same fit as the formula interface on MASS housing."""
    import patsy

    X = patsy.dmatrix("Infl + Type + Cont", housing, return_type="dataframe").drop(columns="Intercept")
    cat = pd.Categorical(housing["Sat"].astype(str), categories=["Low", "Medium", "High"], ordered=True)
    by_array = sl.OrderedLogit(cat, X, weights=housing["Freq"]).fit()
    by_formula = sl.ologit("Sat ~ Infl + Type + Cont", data=housing, weights="Freq", levels=["Low", "Medium", "High"])
    np.testing.assert_allclose(by_array.params.to_numpy(), by_formula.params.to_numpy(), rtol=1e-10)
    assert list(by_array.params.index[-2:]) == ["Low|Medium", "Medium|High"]
