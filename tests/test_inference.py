"""Behaviour of the inference tools that R references do not pin: option and input errors,
frequency weights in the sandwich (= the expanded data), type II marginality with an
interaction, at= effects by hand, immutability of results under with_cov."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

import statlogit as sl
from statlogit.exceptions import DataError, OptionError
from statlogit.inference.covariance import FewClustersWarning

DATA = Path(__file__).parent / "data"
INFERT = "case ~ age + parity + education + spontaneous + induced"


@pytest.fixture(scope="module")
def infert():
    return pd.read_csv(DATA / "infert.csv")


@pytest.fixture(scope="module")
def infert_fit(infert):
    return sl.logit(INFERT, infert)


# ------------------------------------------------------------------ covariance options


def test_unknown_cov_type(infert, infert_fit):
    with pytest.raises(OptionError, match=r"cov_type='HC9' is not valid.*'HC1'"):
        sl.logit(INFERT, infert, cov_type="HC9")
    with pytest.raises(OptionError, match="cov_type='robust' is not valid"):
        infert_fit.with_cov("robust")


def test_cluster_needs_groups_and_groups_need_cluster(infert, infert_fit):
    with pytest.raises(OptionError, match="needs groups="):
        sl.logit(INFERT, infert, cov_type="cluster")
    with pytest.raises(OptionError, match="needs groups="):
        infert_fit.with_cov("cluster")
    with pytest.raises(OptionError, match="add cov_type='cluster'"):
        sl.logit(INFERT, infert, groups="stratum")
    with pytest.raises(OptionError, match="only with cov_type='cluster'"):
        infert_fit.with_cov("HC1", groups="stratum")


def test_bad_groups(infert, infert_fit):
    with pytest.raises(DataError, match="'clinic' is not a column of the data"):
        infert_fit.with_cov("cluster", groups="clinic")
    with pytest.raises(DataError, match="groups has 10 values but the model uses 248 rows"):
        infert_fit.with_cov("cluster", groups=np.arange(10))
    g = infert["stratum"].astype(float).copy()
    g.iloc[[3, 7]] = np.nan
    with pytest.raises(DataError, match="groups has 2 missing value"):
        infert_fit.with_cov("cluster", groups=g.to_numpy())
    df = infert.assign(clinic=g)
    with pytest.raises(DataError, match="groups column 'clinic' has 2 missing value"):
        sl.logit(INFERT, df, cov_type="cluster", groups="clinic")
    with pytest.raises(DataError, match="at least 2 clusters"):
        infert_fit.with_cov("cluster", groups=np.zeros(248))


def test_few_clusters_warn_with_count(infert_fit):
    with pytest.warns(FewClustersWarning, match="only 5 clusters"):
        infert_fit.with_cov("cluster", groups=np.arange(248) % 5)


def test_groups_aligned_after_dropped_rows(infert):
    df = infert.copy()
    df.loc[[0, 5, 9], "age"] = np.nan
    res = sl.logit(INFERT, df, cov_type="cluster", groups="stratum")
    kept = df.dropna(subset=["age"])
    ref = sl.logit(INFERT, kept.reset_index(drop=True), cov_type="cluster", groups=kept["stratum"].to_numpy())
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-12)
    # a full-length array is aligned with the data rows
    arr = sl.logit(INFERT, df, cov_type="cluster", groups=df["stratum"].to_numpy())
    np.testing.assert_allclose(arr.bse, ref.bse, rtol=1e-12)
    assert df["age"].isna().sum() == 3  # caller's data untouched


def test_with_cov_is_a_new_object(infert_fit):
    before = infert_fit.bse.copy()
    rob = infert_fit.with_cov("HC3")
    assert rob is not infert_fit and rob.cov_type == "HC3" and infert_fit.cov_type == "nonrobust"
    pd.testing.assert_series_equal(infert_fit.bse, before)
    assert not np.allclose(rob.bse, before)
    back = rob.with_cov("nonrobust")
    np.testing.assert_allclose(back.bse, before, rtol=0)
    # Wald CIs, z, p, odds-ratio SEs and predictions all follow the covariance
    ci = rob.conf_int()
    np.testing.assert_allclose(ci["upper"] - rob.params, 1.959963984540054 * rob.bse, rtol=1e-12)
    np.testing.assert_allclose(rob.zvalues, rob.params / rob.bse, rtol=1e-14)
    np.testing.assert_allclose(rob.odds_ratios()["se"], np.exp(rob.params) * rob.bse, rtol=1e-14)


def test_profile_ci_refused_under_robust(infert_fit):
    with pytest.raises(OptionError, match="profile-likelihood intervals .* HC1 .*method='wald'"):
        infert_fit.with_cov("HC1").conf_int(method="profile")


@pytest.mark.parametrize("cov_type", ["HC0", "HC1", "HC2", "HC3", "cluster"])
def test_frequency_weights_equal_expanded_rows(cov_type):
    """The sandwich treats weights= as frequency weights: same SEs as the expanded data."""
    rng = np.random.default_rng(3)
    n = 120
    df = pd.DataFrame({"x": rng.normal(size=n), "g": rng.integers(0, 25, n)})
    df["y"] = (rng.random(n) < expit(0.3 + 0.8 * df["x"])).astype(int)
    w = rng.integers(1, 4, n)
    kw = {"groups": "g"} if cov_type == "cluster" else {}
    agg = sl.logit("y ~ x", df, weights=w, cov_type=cov_type, **kw)
    big = df.loc[df.index.repeat(w)].reset_index(drop=True)
    full = sl.logit("y ~ x", big, cov_type=cov_type, **kw)
    np.testing.assert_allclose(agg.bse, full.bse, rtol=1e-9)


# ------------------------------------------------------------------ hypotheses


def test_wald_test_errors(infert_fit):
    with pytest.raises(OptionError, match="names 'mass', which is not a parameter"):
        infert_fit.wald_test("mass = 0")
    with pytest.raises(OptionError, match="inconsistent"):
        infert_fit.wald_test(["age = 0", "age = 1"])
    with pytest.raises(OptionError, match="redundant"):
        infert_fit.wald_test(["age = parity", "2*age - 2*parity = 0"])
    with pytest.raises(OptionError, match="one column per parameter"):
        infert_fit.wald_test(np.ones((1, 3)))


def test_wald_test_prints_a_sentence(infert_fit):
    t = infert_fit.wald_test("spontaneous = induced")
    assert str(t).startswith("Wald test of spontaneous = induced: chi-square = 9.238 on 1 df, p = 0.002")
    assert t.pvalue == t.p
    # one-row test equals the squared z of the difference
    L = np.zeros(len(infert_fit.names))
    L[infert_fit.names.index("age")] = 1
    assert t.df == 1
    np.testing.assert_allclose(infert_fit.wald_test(L).stat, infert_fit.zvalues["age"] ** 2, rtol=1e-12)


def test_wald_test_uses_robust_cov(infert_fit):
    rob = infert_fit.with_cov("HC1")
    np.testing.assert_allclose(rob.wald_test("age = 0").stat, rob.zvalues["age"] ** 2, rtol=1e-12)
    table = rob.anova(test="wald")
    np.testing.assert_allclose(table.loc["age", "statistic"], rob.zvalues["age"] ** 2, rtol=1e-12)
    assert "HC1" in str(rob.wald_test("age = 0"))


# ------------------------------------------------------------------ anova, compare


def test_type2_marginality_with_interaction(pima):
    f = "diabetes ~ glucose * mass + age"
    res = sl.logit(f, pima)
    rows = res.design.row_labels
    sub = pima.loc[rows]
    t2 = res.anova(type=2)
    assert list(t2.index) == ["glucose", "mass", "age", "glucose:mass"]  # R's term order, as car
    # glucose is tested without glucose:mass in either model (car's type II)
    big = sl.logit("diabetes ~ glucose + mass + age", sub)
    small = sl.logit("diabetes ~ mass + age", sub)
    np.testing.assert_allclose(t2.loc["glucose", "statistic"], 2 * (big.llf - small.llf), rtol=1e-9)
    np.testing.assert_allclose(t2.loc["glucose:mass", "statistic"], 2 * (res.llf - big.llf), rtol=1e-9)
    # type III drops the main effect alone
    t3 = res.anova(type=3)
    no_g = sl.logit("diabetes ~ mass + glucose:mass + age", sub)
    np.testing.assert_allclose(t3.loc["glucose", "statistic"], 2 * (res.llf - no_g.llf), rtol=1e-9)
    # Wald: the highest-order term is the same test in both types
    w2, w3 = res.anova(type=2, test="wald"), res.anova(type=3, test="wald")
    np.testing.assert_allclose(w2.loc["glucose:mass", "statistic"], w3.loc["glucose:mass", "statistic"], rtol=1e-12)
    np.testing.assert_allclose(w3.loc["glucose", "statistic"], res.zvalues["glucose"] ** 2, rtol=1e-12)
    # drop1 offers only terms that can go without breaking marginality, as R's drop.scope
    assert list(res.drop1().index) == ["<none>", "age", "glucose:mass"]


def test_factor_is_one_test_on_levels_minus_one_df(load_case):
    case = load_case("birthwt")
    res = sl.logit(case.formula, case.data)
    assert res.anova().loc["race", "df"] == 2
    with pytest.raises(OptionError, match="type=4"):
        res.anova(type=4)
    with pytest.raises(OptionError, match="test='f'"):
        res.anova(test="f")


def test_compare_refusals(infert, pima):
    a = sl.logit("case ~ age + parity", infert)
    b = sl.logit("case ~ age + parity + induced", infert.iloc[:200])
    with pytest.raises(OptionError, match="different numbers of rows .*same rows"):
        sl.compare(a, b)
    c = sl.logit("spontaneous ~ age + parity", infert.assign(spontaneous=(infert["spontaneous"] > 0).astype(int)))
    with pytest.raises(OptionError, match="different responses"):
        sl.compare(a, c)
    with pytest.raises(OptionError, match="at least two"):
        sl.compare(a)


def test_compare_non_nested_gives_aic_bic_only(infert):
    a = sl.logit("case ~ age + parity", infert)
    b = sl.logit("case ~ induced + spontaneous", infert)
    table = sl.compare(a, b)
    assert table.columns.tolist() == ["df_resid", "deviance", "aic", "bic"]
    assert "not nested" in table.attrs["note"]
    np.testing.assert_allclose(table["aic"], [a.aic, b.aic])


def test_compare_three_models_sequential(infert):
    ms = [sl.logit(f, infert) for f in ["case ~ age", "case ~ age + parity", "case ~ age + parity + induced"]]
    table = sl.compare(*ms)
    np.testing.assert_allclose(table["stat"].iloc[1:], [2 * (ms[1].llf - ms[0].llf), 2 * (ms[2].llf - ms[1].llf)])
    assert table["df"].iloc[1:].tolist() == [1, 1]


# ------------------------------------------------------------------ marginal effects


def test_marginal_effects_errors(infert_fit):
    with pytest.raises(OptionError, match="'stratum' are not in the model; its variables are age, parity"):
        infert_fit.marginal_effects(variables=["stratum"])
    with pytest.raises(OptionError, match="kind='mean'"):
        infert_fit.marginal_effects(kind="mean")
    with pytest.raises(OptionError, match="not among its levels"):
        infert_fit.marginal_effects(at={"education": ["college"]})
    with pytest.raises(OptionError, match="at= names 'glucose'"):
        infert_fit.marginal_effects(at={"glucose": [1]})


def test_effects_at_values_by_hand(pima):
    res = sl.logit("diabetes ~ glucose * mass + age", pima)
    b = res.params
    table = res.marginal_effects(at={"glucose": [100, 150]}, variables=["mass"])
    assert list(table.index) == ["mass at glucose=100", "mass at glucose=150"]
    rows = pima.loc[res.design.row_labels]
    for g, label in [(100, "mass at glucose=100"), (150, "mass at glucose=150")]:
        eta = b["Intercept"] + b["glucose"] * g + b["mass"] * rows["mass"] + b["glucose:mass"] * g * rows["mass"] \
            + b["age"] * rows["age"]
        p = expit(eta)
        np.testing.assert_allclose(table.loc[label, "effect"], np.mean(p * (1 - p) * (b["mass"] + b["glucose:mass"] * g)),
                                   rtol=1e-12)


def test_factor_effect_at_means_and_weights(infert):
    """Frequency weights: the same effects as the expanded data."""
    w = (np.arange(len(infert)) % 3 + 1)
    agg = sl.logit(INFERT, infert, weights=w)
    big = sl.logit(INFERT, infert.loc[infert.index.repeat(w)].reset_index(drop=True))
    for kind in ["average", "at_means"]:
        a, e = agg.marginal_effects(kind=kind), big.marginal_effects(kind=kind)
        np.testing.assert_allclose(a["effect"], e["effect"], rtol=1e-8)
        np.testing.assert_allclose(a["se"], e["se"], rtol=1e-8)


def test_marginal_effects_array_interface():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (rng.random(200) < expit(X @ [1.0, -0.5])).astype(float)
    res = sl.Logit(y, X).fit()
    table = res.marginal_effects()
    p = res.fittedvalues.to_numpy()
    np.testing.assert_allclose(table["effect"], np.mean(p * (1 - p)) * res.params.iloc[1:].to_numpy(), rtol=1e-12)


def test_no_warnings_from_inference(infert_fit):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tables = [infert_fit.marginal_effects(), infert_fit.anova(type=3), infert_fit.drop1()]
    for table in tables:  # and every test row is a number (drop1's "<none>" row has no test, as in R)
        numeric = table.drop(index="<none>", errors="ignore").select_dtypes("number").to_numpy()
        assert len(table) > 0 and np.all(np.isfinite(numeric)), table


# ------------------------------------------------------------------ summary, report, CLI


def test_summary_and_report_name_the_covariance(infert):
    rob = sl.logit(INFERT, infert, cov_type="cluster", groups="stratum")
    text = str(rob.summary())
    assert "Covariance:" in text and "cluster-robust covariance (sandwich::vcovCL, HC1; 83 clusters)" in text
    assert "model-based covariance" in str(sl.logit(INFERT, infert).summary())
    rep = rob.report(plots=False)  # profile CIs are refused under robust: the report falls back to Wald
    d = rep.data
    assert d["ci_method"] == "wald" and any("profile-likelihood" in n for n in d["notes"])
    assert d["model"]["cov_type"] == "cluster" and d["model"]["n_clusters"] == 83
    se = {c["term"]: c["se"] for c in d["coefficients"]}
    np.testing.assert_allclose([se[n] for n in rob.names], rob.bse, rtol=1e-14)
    tt = {r["term"]: r for r in d["term_tests"]["table"]}
    assert d["term_tests"]["test"] == "wald"
    np.testing.assert_allclose(tt["age"]["statistic"], rob.zvalues["age"] ** 2, rtol=1e-12)
    me = {r["term"]: r["effect"] for r in d["marginal_effects"]["table"]}
    np.testing.assert_allclose(me["education[12+ yrs]"], rob.marginal_effects().loc["education[12+ yrs]", "effect"])


def test_cli_cov_cluster_anova(capsys):
    from statlogit.cli import main

    path = str(DATA / "infert.csv")
    code = main(["fit", path, INFERT, "--cluster", "stratum", "--anova"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "cluster-robust covariance" in out and "Term tests (type II, Wald" in out
    assert "Wald intervals shown" in err
    assert main(["fit", path, INFERT, "--cov", "HC1", "--cluster", "stratum"]) == 2
    assert "conflict" in capsys.readouterr().err
    assert main(["fit", path, INFERT, "--cov", "HC7"]) == 2
    assert "cov_type='HC7' is not valid" in capsys.readouterr().err
    assert main(["fit", path, INFERT, "--anova"]) == 0
    assert "Term tests (type II, likelihood-ratio)" in capsys.readouterr().out


def test_factor_interaction_type2_and_effects(load_case):
    """race * smoke (a 3-level factor in an interaction): car's type II Wald equals the Wald
    statistic of (term + relatives) minus that of the relatives (the two forms in car's
    history); LR by explicit refits; factor AMEs by counterfactual predictions."""
    case = load_case("birthwt")
    df = case.data
    res = sl.logit("low ~ race * smoke + age", df)
    names = res.names
    race = [n for n in names if n.startswith("race[") and ":" not in n]
    inter = [n for n in names if ":" in n]

    def W(cols):
        L = np.zeros((len(cols), len(names)))
        for i, c in enumerate(cols):
            L[i, names.index(c)] = 1
        return res.wald_test(L).stat

    w2 = res.anova(type=2, test="wald")
    assert w2.loc["race", "df"] == 2 and w2.loc["race:smoke", "df"] == 2
    np.testing.assert_allclose(w2.loc["race", "statistic"], W(race + inter) - W(inter), rtol=1e-9)
    np.testing.assert_allclose(w2.loc["race:smoke", "statistic"], W(inter), rtol=1e-12)
    lr = res.anova(type=2)
    rows = df.loc[res.design.row_labels]
    full = sl.logit("low ~ race + smoke + age", rows)
    no_race = sl.logit("low ~ smoke + age", rows)
    np.testing.assert_allclose(lr.loc["race", "statistic"], 2 * (full.llf - no_race.llf), rtol=1e-9)
    me = res.marginal_effects(variables=["race", "smoke"])
    ref_level = "black"  # first level in sorted order (treatment contrasts)
    base = res.predict(rows.assign(race=ref_level)).mean()
    for level in ("other", "white"):
        np.testing.assert_allclose(me.loc[f"race[{level}]", "effect"],
                                   res.predict(rows.assign(race=level)).mean() - base, rtol=1e-12)
    # smoke is numeric 0/1 inside race:smoke: derivative through the interaction
    b = res.params
    p = res.fittedvalues.to_numpy()
    slope = b["smoke"] + sum(b[f"race[T.{lv}]:smoke"] * (rows["race"] == lv).to_numpy() for lv in ("other", "white"))
    np.testing.assert_allclose(me.loc["smoke", "effect"], np.mean(p * (1 - p) * slope), rtol=1e-9)


@pytest.mark.parametrize("at", ["overall", "mean"])
def test_marginal_effects_agree_with_statsmodels(pima, at):
    """statsmodels' Logit.get_margeff (dydx, at='overall' / 'mean') on a plain numeric model."""
    import statsmodels.api as sm

    cols = ["glucose", "mass", "age", "pedigree"]
    rows = pima.dropna(subset=cols)
    res = sl.logit("diabetes ~ " + " + ".join(cols), rows)
    smr = sm.Logit((rows["diabetes"] == "pos").astype(float), sm.add_constant(rows[cols])).fit(disp=0)
    sme = smr.get_margeff(at=at)
    ours = res.marginal_effects(kind="average" if at == "overall" else "at_means")
    np.testing.assert_allclose(ours["effect"], sme.margeff, rtol=1e-6)
    np.testing.assert_allclose(ours["se"], sme.margeff_se, rtol=1e-5)  # statsmodels' numerical Jacobian


def test_vcov_vif_is_model_based_under_robust_cov(infert_fit):
    pd.testing.assert_frame_equal(infert_fit.with_cov("HC3").vif(basis="vcov"), infert_fit.vif(basis="vcov"))


def test_firth_lr_term_tests_refused(infert):
    res = sl.logit("case ~ age + parity + induced", infert, method="firth")
    with pytest.raises(OptionError, match="Firth fit use test='wald'"):
        res.anova()
    assert res.anova(test="wald").shape == (3, 3)


def test_hc1_needs_residual_df():
    df = pd.DataFrame({"y": [0, 1, 0, 1], "x": [1.0, 2.0, 3.0, 1.5], "z": [0.0, 1.0, 1.0, 0.2], "g": [1, 1, 2, 2]})
    res = sl.logit("y ~ x + z", df)
    assert np.all(np.isfinite(res.with_cov("HC0").bse))
    with pytest.warns(sl.SeparationWarning), pytest.raises(DataError, match=r"needs more rows \(4\) than coefficients \(4\)"):
        sl.logit("y ~ x * z", df, cov_type="HC1")  # saturated, so also separated
