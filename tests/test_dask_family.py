"""sl.mlogit and sl.ologit on Dask data: the same numbers as the in-memory fit of the same rows.

In-memory fits are themselves tested against R (test_multiclass_reference.py); here every
number of a Dask fit is compared with them to 1e-8 relative (threads scheduler), once with
R's polr/clm directly (housing expanded to rows), and once on a LocalCluster reading a
Parquet glob with a factor level seen only in a later file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import statlogit as sl  # noqa: E402
from statlogit.exceptions import OptionError, SeparationWarning  # noqa: E402

DATA = Path(__file__).parent / "data" / "multiclass"
RTOL = 1e-8
WOMEN = "partic ~ hincome + children + region"
HOUSING = "Sat ~ Infl + Type + Cont"
SAT = ["Low", "Medium", "High"]


def assert_rel(a, b, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=0)


@pytest.fixture(scope="module")
def women() -> pd.DataFrame:
    """womenlf with missing values in the numeric and the text factor."""
    df = pd.read_csv(DATA / "womenlf.csv")
    df.loc[[3, 50, 140], "hincome"] = np.nan
    df.loc[[7, 120], "region"] = None
    return df


@pytest.fixture(scope="module")
def housing_rows() -> pd.DataFrame:
    """MASS housing expanded to one row per person (1681 rows), factors in R's level order."""
    h = pd.read_csv(DATA / "housing.csv")
    h = h.loc[h.index.repeat(h["Freq"])].drop(columns="Freq").reset_index(drop=True)
    ref = json.loads((DATA / "housing_polr.json").read_text())
    for c, lv in ref["predictor_levels"].items():
        h[c] = pd.Categorical(h[c], categories=lv)
    return h


def _text(summary) -> str:
    """Summary text without the iteration count (the Dask fit starts from a fit on a sample)."""
    return re.sub(r"newton, \d+ iterations?( \(from a start fitted on a random sample of \d+ rows\))?", "newton",
                  str(summary))


def _same_fit(d, m):
    assert d.converged and d.nobs == m.nobs and d.n_dropped == m.n_dropped
    assert d.param_names == m.param_names
    assert_rel(d.params, m.params)
    assert_rel(d.bse, m.bse)
    assert_rel(d.cov_params(), m.cov_params(), rtol=1e-7)
    for name in ("llf", "llnull", "aic", "bic"):
        assert_rel(getattr(d, name), getattr(m, name))
    assert_rel(d.lr_test(), m.lr_test())
    assert_rel(d.pseudo_r2(), m.pseudo_r2())
    assert_rel(d.pvalues, m.pvalues, rtol=1e-6)


def test_mlogit_on_dask_matches_in_memory(women):
    m = sl.mlogit(WOMEN, women)
    d = sl.mlogit(WOMEN, dd.from_pandas(women, npartitions=3))
    _same_fit(d, m)
    assert_rel(d.rrr(), m.rrr())
    assert_rel(d.level_counts, m.level_counts)
    pd.testing.assert_series_equal(d.events_per_variable(), m.events_per_variable())
    assert_rel(d.anova(test="wald"), m.anova(test="wald"), rtol=1e-7)
    assert_rel(d.wald_test("parttime:hincome = 0").stat, m.wald_test("parttime:hincome = 0").stat)
    assert _text(d.summary()) == _text(m.summary())
    prob = d.predict()
    assert isinstance(prob, dd.DataFrame)
    got = prob.compute()
    pd.testing.assert_index_equal(got.index, m.predict().index)
    assert_rel(got, m.predict())
    new = women.dropna().iloc[::7]
    assert_rel(d.predict(new).compute(), m.predict(new))
    assert (d.predict(new, kind="class").compute() == m.predict(new, kind="class")).all()


def test_mlogit_reference_level(women):
    m = sl.mlogit(WOMEN, women, reference="not.work")
    d = sl.mlogit(WOMEN, dd.from_pandas(women, npartitions=2), reference="not.work")
    assert d.reference == "not.work"
    assert_rel(d.params, m.params)
    assert_rel(d.bse, m.bse)


def test_ologit_on_dask_matches_r_polr(housing_rows):
    """The expanded rows are R's frequency-weighted fit (MASS::polr / ordinal::clm)."""
    ref = json.loads((DATA / "housing_polr.json").read_text())
    d = sl.ologit(HOUSING, dd.from_pandas(housing_rows, npartitions=4), levels=SAT)
    beta = [ref["beta"][n] for n in ref["beta_names"]] + [ref["zeta"][n] for n in ref["zeta_names"]]
    se = [ref["se_beta"][n] for n in ref["beta_names"]] + [ref["se_zeta"][n] for n in ref["zeta_names"]]
    np.testing.assert_allclose(d.params.to_numpy(), beta, rtol=0, atol=1e-6)
    np.testing.assert_allclose(d.bse.to_numpy(), se, rtol=1e-5)
    assert_rel(d.llf, ref["loglik"], rtol=1e-10)
    assert_rel(d.llnull, ref["null_loglik"], rtol=1e-10)
    assert_rel(d.aic, ref["aic"], rtol=1e-10)
    assert_rel(d.bic, ref["bic"], rtol=1e-10)


def test_ologit_on_dask_matches_in_memory_with_missing(housing_rows):
    h = housing_rows.copy()
    h["Type"] = h["Type"].astype(object)  # a text factor
    h.loc[[5, 500, 1500], "Type"] = None
    h.loc[[9, 900], "Sat"] = None
    m = sl.ologit(HOUSING, h, levels=SAT)
    d = sl.ologit(HOUSING, dd.from_pandas(h, npartitions=5), levels=SAT)
    _same_fit(d, m)
    assert d.n_dropped == 5
    assert_rel(d.odds_ratios(), m.odds_ratios())
    pd.testing.assert_series_equal(d.events_per_variable(), m.events_per_variable())
    assert _text(d.summary()) == _text(m.summary())
    assert_rel(d.predict().compute(), m.predict())


def test_profile_limits_by_refits(housing_rows):
    """Each Newton step of a profile refit is one pass over the partitions."""
    m = sl.ologit("Sat ~ Infl", housing_rows, levels=SAT)
    d = sl.ologit("Sat ~ Infl", dd.from_pandas(housing_rows, npartitions=2), levels=SAT)
    assert_rel(d.conf_int(method="profile"), m.conf_int(method="profile"), rtol=1e-7)
    assert_rel(d.odds_ratios(method="profile"), m.odds_ratios(method="profile"), rtol=1e-7)


def test_glob_on_local_cluster_with_a_late_level(women, tmp_path):
    df = women.sort_values("region", key=lambda s: s.eq("Quebec")).reset_index(drop=True)
    for i, start in enumerate(range(0, len(df), 100)):
        df.iloc[start:start + 100].to_parquet(tmp_path / f"w{i}.parquet")
    assert "Quebec" not in set(pd.read_parquet(tmp_path / "w0.parquet")["region"])
    m = sl.mlogit(WOMEN, df)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster, set_as_default=False) as client:
        d = sl.mlogit(WOMEN, str(tmp_path / "w*.parquet"), client=client)
        prob = d.predict().compute(scheduler=client)
    _same_fit(d, m)
    assert_rel(prob.to_numpy(), m.predict().to_numpy())


def test_what_needs_every_row_is_refused_clearly(women, housing_rows):
    d = sl.mlogit(WOMEN, dd.from_pandas(women, npartitions=2))
    with pytest.raises(OptionError, match=r"use anova\(test='wald'\)"):
        d.anova()
    for call in (d.drop1, d.classification, d.iia, d.separation, d.check_assumptions, d.report, d.vif):
        with pytest.raises(OptionError, match="needs every row in memory and is not available on Dask data"):
            call()
    o = sl.ologit(HOUSING, dd.from_pandas(housing_rows, npartitions=2), levels=SAT)
    with pytest.raises(OptionError, match=r"Brant test \(proportional_odds\(\)\) needs every row"):
        o.proportional_odds()
    with pytest.raises(OptionError, match="weights= is not supported on Dask data"):
        sl.ologit(HOUSING, dd.from_pandas(housing_rows, npartitions=2), levels=SAT, weights=np.ones(1681))
    with pytest.raises(OptionError, match="method='gd' is not available on Dask data"):
        sl.mlogit(WOMEN, dd.from_pandas(women, npartitions=2), method="gd")
    with pytest.raises(OptionError, match="removes the intercept"):
        sl.ologit("Sat ~ Infl - 1", dd.from_pandas(housing_rows, npartitions=2), levels=SAT)


def test_unordered_text_response_needs_levels(women):
    with pytest.raises(Exception, match="needs their order: pass levels="):
        sl.ologit(WOMEN, dd.from_pandas(women, npartitions=2))


def test_separation_symptoms_flag_the_fit():
    x = np.arange(40, dtype=float)
    df = pd.DataFrame({"y": np.where(x < 14, "a", np.where(x < 27, "b", "c")), "x": x})
    with pytest.warns(SeparationWarning, match="symptoms of separation"):
        d = sl.mlogit("y ~ x", dd.from_pandas(df, npartitions=2), max_iter=30)
    assert not d.converged


def test_a_large_intercept_is_not_taken_for_separation():
    """Symptoms are judged on the scale of the columns (intercept 22 with log(bwt)): no warning
    (pytest turns one into an error), converged, and the same numbers."""
    b = pd.read_csv(Path(__file__).parent / "data" / "birthwt.csv")
    f = "race ~ age + lwt + smoke + np.log(bwt)"
    m = sl.mlogit(f, b, reference="white")
    d = sl.mlogit(f, dd.from_pandas(b, npartitions=3), reference="white")
    assert np.max(np.abs(d.params.to_numpy())) > 15
    _same_fit(d, m)
