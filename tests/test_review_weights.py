"""Regression tests from the analyst review: frequency weights on the aggregated MASS housing data.

``housing.csv`` (72 rows, ``Freq`` = frequency weights) collapsed to ``high = (Sat == "High")`` is
a binary logit on 1681 subjects. The weighted fit must equal the fit on the expanded rows
(statsmodels GLM with ``freq_weights``), and every count we print must be of subjects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

import statlogit as sl
from statlogit.cli import main

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
