"""Term tests, linear hypotheses and model comparison for mlogit / ologit (issue 11 follow-up).

Independent numbers:
- Wald statistics from R's own coefficients and ``vcov`` (tests/data/multiclass, nnet::multinom
  polished / ordinal::clm) -- tolerance 1e-6 relative;
- likelihood-ratio statistics from explicit refits by statsmodels (MNLogit, OrderedModel on the
  frequency-expanded rows) on patsy-built column subsets -- car::Anova's definitions: type II LR
  of a term = LR of dropping it from every equation, after dropping the terms that contain it;
- statsmodels ``wald_test`` for hypotheses across equations.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import patsy
import pytest
from scipy.stats import chi2

import statlogit as sl
from statlogit.exceptions import OptionError
from tests.multiclass_helpers import DATA, load_json

WOMENLF = DATA / "womenlf.csv"
HOUSING = DATA / "housing.csv"


@pytest.fixture(scope="module")
def wlf():
    return pd.read_csv(WOMENLF)


@pytest.fixture(scope="module")
def housing():
    return pd.read_csv(HOUSING)


def _wald_from(coef: np.ndarray, V: np.ndarray, idx: list[int]) -> float:
    b = coef[idx]
    return float(b @ np.linalg.solve(V[np.ix_(idx, idx)], b))


# --------------------------------------------------------------------------- mlogit, Wald vs R


def test_mlogit_wald_type3_matches_r_vcov(wlf):
    ref = load_json("womenlf_multinom")
    res = sl.mlogit(ref["patsy_formula"], wlf, reference="not.work")
    names = ref["vcov_names"]
    coef = np.array([ref["coef_named"][n.split(":", 1)[0]][n.split(":", 1)[1]] for n in names])
    V = np.asarray(ref["vcov"], dtype=float)
    table = res.anova(type=3, test="wald")
    groups = {"Intercept": "(Intercept)", "hincome": "hincome", "C(children)": "children",
              "C(region)": "region"}
    for term, stem in groups.items():
        idx = [i for i, n in enumerate(names) if n.split(":", 1)[1].startswith(stem)]
        expect = _wald_from(coef, V, idx)
        assert table.loc[term, "df"] == len(idx)  # columns x (K - 1)
        assert table.loc[term, "statistic"] == pytest.approx(expect, rel=1e-6)
        assert table.loc[term, "p"] == pytest.approx(chi2.sf(expect, len(idx)), rel=1e-6)
    # no term contains another: type II Wald is the same test
    t2 = res.anova(type=2, test="wald")
    np.testing.assert_allclose(t2["statistic"], table.drop("Intercept")["statistic"], rtol=1e-10)


def test_mlogit_wald_test_names_and_statsmodels(wlf):
    import statsmodels.api as smapi

    res = sl.mlogit("partic ~ hincome + C(children) + C(region)", wlf, reference="not.work")
    assert "parttime:hincome" in res.cov_params().index
    wt = res.wald_test("parttime:hincome = fulltime:hincome")
    # statsmodels on the same codes (0 = not.work) and a patsy matrix
    X = patsy.dmatrix("hincome + C(children) + C(region)", wlf, return_type="dataframe")
    y = pd.Categorical(wlf["partic"], categories=["not.work", "parttime", "fulltime"]).codes
    sm = smapi.MNLogit(y, X).fit(method="newton", disp=0, tol=1e-12, maxiter=100)
    p = X.shape[1]
    j = X.columns.get_loc("hincome")  # patsy puts factors before numerics; statsmodels: equation-major
    L = np.zeros((1, 2 * p))
    L[0, j], L[0, p + j] = 1.0, -1.0
    smw = sm.wald_test(L, scalar=True)
    assert wt.df == 1
    assert wt.stat == pytest.approx(float(smw.statistic), rel=1e-6)
    joint = res.wald_test(["parttime:hincome = 0", "fulltime:hincome = 0"])
    L2 = np.zeros((2, 2 * p))
    L2[0, j] = L2[1, p + j] = 1.0
    assert joint.stat == pytest.approx(float(sm.wald_test(L2, scalar=True).statistic), rel=1e-6)
    assert "model-based" in str(wt)


def test_mlogit_wald_test_unknown_name(wlf):
    res = sl.mlogit("partic ~ hincome", wlf, reference="not.work")
    with pytest.raises(OptionError, match="hincome"):
        res.wald_test("hincome = 0")  # the equation is missing: names are level:term


# --------------------------------------------------------------------------- mlogit, LR vs refits


def _mnlogit_llf(X: pd.DataFrame, y) -> float:
    import statsmodels.api as smapi

    return float(smapi.MNLogit(y, X).fit(method="newton", disp=0, tol=1e-12, maxiter=200).llf)


def test_mlogit_type2_lr_with_interaction_matches_refits(wlf):
    rhs = "hincome * C(children) + C(region)"
    res = sl.mlogit(f"partic ~ {rhs}", wlf, reference="not.work")
    X = patsy.dmatrix(rhs, wlf, return_type="dataframe")
    y = pd.Categorical(wlf["partic"], categories=["not.work", "parttime", "fulltime"]).codes
    cols = {"hincome": ["hincome"], "C(children)": ["C(children)[T.present]"],
            "C(region)": [c for c in X.columns if c.startswith("C(region)")],
            "hincome:C(children)": ["hincome:C(children)[T.present]"]}

    def ll_without(*terms):
        drop = [c for t in terms for c in cols[t]]
        return _mnlogit_llf(X.drop(columns=drop), y)

    full = _mnlogit_llf(X, y)
    assert res.llf == pytest.approx(full, rel=1e-9)
    inter = "hincome:C(children)"
    expect2 = {
        "hincome": 2 * (ll_without(inter) - ll_without(inter, "hincome")),
        "C(children)": 2 * (ll_without(inter) - ll_without(inter, "C(children)")),
        "C(region)": 2 * (full - ll_without("C(region)")),
        inter: 2 * (full - ll_without(inter)),
    }
    t2 = res.anova(type=2, test="lr")
    for term, stat in expect2.items():
        assert t2.loc[term, "statistic"] == pytest.approx(stat, rel=1e-6, abs=1e-8)
        assert t2.loc[term, "df"] == 2 * len(cols[term])
    t3 = res.anova(type=3, test="lr")
    for term in cols:
        assert t3.loc[term, "statistic"] == pytest.approx(2 * (full - ll_without(term)), rel=1e-6, abs=1e-8)
    d1 = res.drop1()
    assert list(d1.index) == ["<none>", "C(region)", inter]  # terms not contained in another
    dev = -2 * ll_without("C(region)")
    assert d1.loc["C(region)", "deviance"] == pytest.approx(dev, rel=1e-9)
    n_params = 2 * (X.shape[1] - len(cols["C(region)"]))
    assert d1.loc["C(region)", "aic"] == pytest.approx(dev + 2 * n_params, rel=1e-9)
    assert d1.loc["C(region)", "df"] == 8


# --------------------------------------------------------------------------- ologit


def test_ologit_wald_matches_r_vcov_and_thresholds_untested(housing):
    ref = load_json("housing_polr")
    res = sl.ologit(ref["patsy_formula"], housing, weights="Freq", levels=ref["response_levels"])
    names = ref["vcov_names"]
    coef = np.array([{**ref["beta"], **ref["zeta"]}[n] for n in names])
    V = np.asarray(ref["vcov"], dtype=float)
    table = res.anova(type=3, test="wald")
    assert "Intercept" not in table.index  # thresholds are not a term
    for stem in ("Infl", "Type", "Cont"):
        row = next(i for i in table.index if stem in i)
        idx = [i for i, n in enumerate(names) if n.startswith(stem)]
        assert table.loc[row, "df"] == len(idx)
        assert table.loc[row, "statistic"] == pytest.approx(_wald_from(coef, V, idx), rel=1e-6)
    wt = res.wald_test("Low|Medium = 0")
    assert wt.stat == pytest.approx(coef[-2] ** 2 / V[-2, -2], rel=1e-6)


def _ordered_llf(X: pd.DataFrame, y) -> float:
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = OrderedModel(y, X, distr="logit").fit(method="bfgs", disp=0, maxiter=5000, gtol=1e-10)
    return float(fit.llf)


def test_ologit_lr_matches_statsmodels_refits(housing):
    rhs = "C(Infl, levels=['Low','Medium','High']) + C(Type, levels=['Tower','Apartment','Atrium','Terrace'])" \
          " + C(Cont, levels=['Low','High'])"
    res = sl.ologit(f"Sat ~ {rhs}", housing, weights="Freq", levels=["Low", "Medium", "High"])
    rows = housing.loc[housing.index.repeat(housing["Freq"])].reset_index(drop=True)
    X = patsy.dmatrix(rhs, rows, return_type="dataframe").drop(columns="Intercept")  # thresholds replace it
    y = pd.Series(pd.Categorical(rows["Sat"], categories=["Low", "Medium", "High"], ordered=True))
    full = _ordered_llf(X, y)
    assert res.llf == pytest.approx(full, abs=1e-5)
    table = res.anova(type=2, test="lr")
    for term in table.index:
        stem = term.split(",")[0]
        reduced = _ordered_llf(X.loc[:, [c for c in X.columns if not c.startswith(stem)]], y)
        assert table.loc[term, "statistic"] == pytest.approx(2 * (full - reduced), abs=2e-5)
    d1 = res.drop1()
    assert d1.loc["<none>", "aic"] == pytest.approx(res.aic, rel=1e-12)
    assert d1.iloc[1:]["lrt"].to_numpy() == pytest.approx(table["statistic"].to_numpy(), rel=1e-9)


# --------------------------------------------------------------------------- compare


def test_compare_mlogit_nested(wlf):
    y = pd.Categorical(wlf["partic"], categories=["not.work", "parttime", "fulltime"]).codes
    small = sl.mlogit("partic ~ hincome", wlf, reference="not.work")
    big = sl.mlogit("partic ~ hincome + C(children) + C(region)", wlf, reference="not.work")
    table = sl.compare(small, big)
    ll0 = _mnlogit_llf(patsy.dmatrix("hincome", wlf, return_type="dataframe"), y)
    ll1 = _mnlogit_llf(patsy.dmatrix("hincome + C(children) + C(region)", wlf, return_type="dataframe"), y)
    assert table["stat"].iloc[1] == pytest.approx(2 * (ll1 - ll0), rel=1e-7)
    assert table["df"].iloc[1] == 2 * 5
    assert list(table["df_resid"]) == [263 * 2 - 4, 263 * 2 - 14]  # nnet's anova.multinom: n (K-1) - edf
    assert table["p"].iloc[1] == pytest.approx(chi2.sf(2 * (ll1 - ll0), 10), rel=1e-6)
    ref = load_json("womenlf_multinom")
    assert table["aic"].iloc[1] == pytest.approx(ref["aic"], rel=1e-9)
    assert table["bic"].iloc[1] == pytest.approx(ref["bic"], rel=1e-9)


def test_compare_mlogit_other_reference_is_the_same_test(wlf):
    """A reference level only reparametrises the multinomial model: compare() accepts fits with
    different references and gives the LR statistic of statsmodels' refits (either coding)."""
    y = pd.Categorical(wlf["partic"], categories=["not.work", "parttime", "fulltime"]).codes
    small = sl.mlogit("partic ~ hincome", wlf, reference="not.work")
    big = sl.mlogit("partic ~ hincome + C(children)", wlf)  # reference fulltime (first in code-point order)
    assert big.design.levels[0] == "fulltime"
    table = sl.compare(small, big)
    ll0 = _mnlogit_llf(patsy.dmatrix("hincome", wlf, return_type="dataframe"), y)
    ll1 = _mnlogit_llf(patsy.dmatrix("hincome + C(children)", wlf, return_type="dataframe"), y)
    assert table["stat"].iloc[1] == pytest.approx(2 * (ll1 - ll0), rel=1e-7)
    assert table["df"].iloc[1] == 2
    assert table["p"].iloc[1] == pytest.approx(chi2.sf(2 * (ll1 - ll0), 2), rel=1e-6)
    same_ref = sl.compare(small, sl.mlogit("partic ~ hincome + C(children)", wlf, reference="not.work"))
    assert table["stat"].iloc[1] == pytest.approx(same_ref["stat"].iloc[1], rel=1e-8)
    with pytest.raises(OptionError, match="rows"):  # labels are compared, not the level codes
        other = wlf.assign(partic=wlf["partic"].sample(frac=1, random_state=1).to_numpy())
        sl.compare(small, sl.mlogit("partic ~ hincome + C(children)", other))


def test_compare_ologit_nested_and_refusals(housing, wlf):
    lv = ["Low", "Medium", "High"]
    small = sl.ologit("Sat ~ C(Cont)", housing, weights="Freq", levels=lv)
    big = sl.ologit("Sat ~ C(Cont) + C(Infl)", housing, weights="Freq", levels=lv)
    table = sl.compare(small, big)
    assert table["stat"].iloc[1] == pytest.approx(2 * (big.llf - small.llf), rel=1e-12)
    assert table["stat"].iloc[1] == pytest.approx(big.anova(type=2).loc["C(Infl)", "statistic"], rel=1e-6)
    assert table["df"].iloc[1] == 2
    assert list(table["df_resid"]) == [1681 - 3, 1681 - 5]  # polr's df.residual: sum of weights - edf
    # ordinal designs have no intercept column: a shifted predictor spans the same model
    shifted = sl.ologit("Sat ~ I((Cont == 'High') + 3.0)", housing, weights="Freq", levels=lv)
    with pytest.raises(OptionError, match="same columns"):
        sl.compare(small, shifted)
    m = sl.mlogit("partic ~ hincome", wlf, reference="not.work")
    o = sl.ologit("partic ~ hincome", wlf, levels=["not.work", "parttime", "fulltime"])
    with pytest.raises(OptionError, match="one family"):
        sl.compare(m, o)
    with pytest.raises(OptionError, match="levels"):  # an ordinal level order is part of the model
        sl.compare(small, sl.ologit("Sat ~ C(Cont) + C(Infl)", housing, weights="Freq", levels=["Medium", "Low", "High"]))
    with pytest.raises(OptionError, match="rows"):
        sl.compare(m, sl.mlogit("partic ~ hincome", wlf.iloc[:200], reference="not.work"))
    with pytest.raises(OptionError, match="one family"):
        sl.compare(sl.logit("I(partic == 'fulltime') ~ hincome", wlf), m)


def test_robust_covariance_refused(wlf):
    with pytest.raises(OptionError, match="binary logit only"):
        sl.mlogit("partic ~ hincome", wlf, cov_type="HC1")
    with pytest.raises(OptionError, match="binary logit only"):
        sl.ologit("partic ~ hincome", wlf, levels=["not.work", "parttime", "fulltime"], cov_type="HC0")
    res = sl.mlogit("partic ~ hincome", wlf, reference="not.work")
    assert res.cov_type == "nonrobust"
    assert res.anova(test="wald").attrs["cov_type"] == "nonrobust"


def test_cli_anova_for_mlogit_and_ologit(capsys, wlf):
    from statlogit.cli import main

    assert main(["fit", str(WOMENLF), "partic ~ hincome + children + region", "--model", "mlogit",
                 "--reference", "not.work", "--wald", "--anova"]) == 0
    out = capsys.readouterr().out
    assert "Term tests (type II, likelihood-ratio)" in out
    expect = sl.mlogit("partic ~ hincome + children + region", wlf, reference="not.work").anova()
    line = next(s for s in out.splitlines() if s.strip().startswith("children "))
    assert f"{expect.loc['children', 'statistic']:10.4f}" in line and "df = 2" in line
    assert main(["fit", str(HOUSING), "Sat ~ Infl + Type + Cont", "--model", "ologit", "--levels",
                 "Low,Medium,High", "--weights", "Freq", "--wald", "--anova"]) == 0
    out = capsys.readouterr().out
    assert "Term tests (type II, likelihood-ratio)" in out
    assert any(s.strip().startswith("Type ") and "df = 3" in s for s in out.splitlines())


@pytest.mark.parametrize("family", ["mlogit", "ologit"])
def test_two_levels_reproduce_the_binary_logit_tests(family):
    """With K = 2 both families are the binary logit (ologit: intercept = -threshold), whose term
    tests agree with car::Anova (tests/test_inference_reference.py): every table must match,
    including type II Wald with an interaction (car's conjugate complement)."""
    cowles = pd.read_csv(DATA.parent / "cowles.csv")
    f = "volunteer ~ sex + extraversion * neuroticism"
    binary = sl.logit(f, cowles, event="yes")
    fam = sl.mlogit(f, cowles, reference="no") if family == "mlogit" else \
        sl.ologit(f, cowles, levels=["no", "yes"])
    for kind in (2, 3):
        for test in ("lr", "wald"):
            a, b = fam.anova(type=kind, test=test), binary.anova(type=kind, test=test)
            if family == "ologit":
                b = b.drop(index="Intercept", errors="ignore")
            assert list(a.index) == list(b.index)
            np.testing.assert_allclose(a["statistic"], b["statistic"], rtol=1e-7)
            assert list(a["df"]) == list(b["df"])
    np.testing.assert_allclose(fam.drop1()["lrt"].iloc[1:], binary.drop1()["lrt"].iloc[1:], rtol=1e-7)
    np.testing.assert_allclose(fam.drop1()["aic"], binary.drop1()["aic"], rtol=1e-10)
    name = "yes:extraversion" if family == "mlogit" else "extraversion"
    assert fam.wald_test(f"{name} = 0.1").stat == pytest.approx(binary.wald_test("extraversion = 0.1").stat,
                                                                 rel=1e-7)
