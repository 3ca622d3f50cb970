"""Multinomial and ordinal models: agreement with statsmodels on random designs, every solver
at the same optimum, response coding, hostile input, the caller's data untouched, the CLI."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import statlogit as sl
from statlogit.cli import main
from statlogit.exceptions import DataError, OptionError, ResponseError

DATA = Path(__file__).parent / "data" / "multiclass"


def random_multinomial(seed=0, n=600, p=3, K=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    B = rng.normal(scale=0.8, size=(K - 1, p + 1))
    eta = np.column_stack([np.zeros(n), np.column_stack([np.ones(n), X]) @ B.T])
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    y = (P.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)
    return pd.DataFrame(X, columns=[f"x{j}" for j in range(p)]).assign(y=np.array(list("abcdefg"))[y])


def random_ordinal(seed=0, n=600, p=3, K=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    beta = rng.normal(size=p)
    zeta = np.sort(rng.normal(scale=1.5, size=K - 1))
    latent = X @ beta + rng.logistic(size=n)
    y = np.searchsorted(zeta, latent)
    return pd.DataFrame(X, columns=[f"x{j}" for j in range(p)]).assign(y=y + 1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mlogit_agrees_with_statsmodels(seed):
    import statsmodels.api as sm

    df = random_multinomial(seed)
    res = sl.mlogit("y ~ x0 + x1 + x2", df)
    codes = pd.Categorical(df["y"]).codes
    ref = sm.MNLogit(codes, sm.add_constant(df[["x0", "x1", "x2"]].to_numpy())).fit(method="newton", disp=0, tol=1e-12)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params, atol=1e-8)
    np.testing.assert_allclose(res.bse.to_numpy(), ref.bse, rtol=1e-7)
    assert abs(res.llf - ref.llf) < 1e-8
    assert abs(res.llnull - ref.llnull) < 1e-6  # statsmodels fits the null model iteratively; ours is closed form
    np.testing.assert_allclose(res.predict().to_numpy(), ref.predict(), atol=1e-10)
    np.testing.assert_allclose(res.pseudo_r2()["mcfadden"], ref.prsquared, atol=1e-10)


@pytest.mark.parametrize("seed", [0, 1])
def test_ologit_agrees_with_statsmodels(seed):
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    df = random_ordinal(seed)
    res = sl.ologit("y ~ x0 + x1 + x2", df)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = OrderedModel(df["y"].to_numpy(), df[["x0", "x1", "x2"]].to_numpy(), distr="logit").fit(
            method="bfgs", disp=0, maxiter=5000, gtol=1e-10)
    k = 3
    np.testing.assert_allclose(res.params.to_numpy()[:k], ref.params[:k], atol=1e-6)
    zeta = np.r_[ref.params[k], ref.params[k] + np.cumsum(np.exp(ref.params[k + 1:]))]
    np.testing.assert_allclose(res.thresholds.to_numpy(), zeta, atol=1e-6)
    np.testing.assert_allclose(res.bse.to_numpy()[:k], ref.bse[:k], rtol=1e-4)  # statsmodels: numerical Hessian
    assert abs(res.llf - ref.llf) < 1e-8
    np.testing.assert_allclose(res.predict().to_numpy(), ref.predict(), atol=1e-7)
    assert list(res.thresholds.index) == ["1|2", "2|3", "3|4"]


@pytest.mark.parametrize("fit", [
    lambda m, **o: sl.mlogit("y ~ x0 + x1 + x2", random_multinomial(3, n=400), method=m, **o),
    lambda m, **o: sl.ologit("y ~ x0 + x1 + x2", random_ordinal(3, n=400), method=m, **o),
])
def test_every_solver_reaches_the_newton_optimum(fit):
    newton = fit("newton")
    for method, opts, tol in [("gd", {}, 1e-6), ("sgd", {"epochs": 400}, 1e-5)]:
        other = fit(method, **opts)
        assert other.converged, other.fit_info.message
        np.testing.assert_allclose(np.asarray(other.params), np.asarray(newton.params), atol=tol)
        assert abs(other.llf - newton.llf) < 1e-8
        assert other.history["loss"].iloc[-1] <= other.history["loss"].iloc[0]


def test_reference_and_level_order():
    df = random_multinomial(1, n=200, K=3)
    assert list(sl.mlogit("y ~ x0", df).params.columns) == ["b", "c"]
    res = sl.mlogit("y ~ x0", df, reference="b")
    assert list(res.params.columns) == ["a", "c"] and res.level_names == ["b", "a", "c"]
    cat = df.assign(y=pd.Categorical(df["y"], categories=["c", "a", "b"]))
    assert list(sl.mlogit("y ~ x0", cat).params.columns) == ["a", "b"]
    # numeric response: numeric order, names without '.0'
    num = df.assign(y=df["y"].map({"a": 10.0, "b": 2.0, "c": 7.0}))
    assert list(sl.mlogit("y ~ x0", num).params.columns) == ["7", "10"]
    assert list(sl.mlogit("y ~ x0", num, reference=10).params.columns) == ["2", "7"]


def test_ordinal_level_order_sources():
    df = random_ordinal(2, n=300, K=3).assign(s=lambda d: d["y"].map({1: "Low", 2: "Mid", 3: "High"}))
    a = sl.ologit("s ~ x0 + x1", df, levels=["Low", "Mid", "High"])
    b = sl.ologit("s ~ x0 + x1", df.assign(s=pd.Categorical(df["s"], ["Low", "Mid", "High"], ordered=True)))
    c = sl.ologit("y ~ x0 + x1", df)
    assert list(a.thresholds.index) == ["Low|Mid", "Mid|High"] == list(b.thresholds.index)
    np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy(), atol=1e-12)
    np.testing.assert_allclose(a.params.to_numpy(), c.params.to_numpy(), atol=1e-12)
    rev = sl.ologit("s ~ x0 + x1", df, levels=["High", "Mid", "Low"])
    np.testing.assert_allclose(rev.beta.to_numpy(), -a.beta.to_numpy(), atol=1e-8)  # reversing the order flips beta


@pytest.mark.parametrize("call,match", [
    (lambda d: sl.mlogit("y ~ x0", d.assign(y="a")), r"one level \('a'\)"),
    (lambda d: sl.mlogit("y ~ x0", d, reference="zz"), r"reference='zz' is not a level of response 'y'"),
    (lambda d: sl.ologit("y ~ x0", d), r"unordered levels .*levels=\[\.\.\.\]"),
    (lambda d: sl.ologit("y ~ x0", d, levels=["a", "b"]), r"value\(s\) 'c' that levels= does not list"),
    (lambda d: sl.ologit("y ~ x0", d, levels=["a", "b", "c", "d"]), r"levels= names 'd', which has no rows"),
    (lambda d: sl.ologit("y ~ x0", d, levels=["a", "b", "a", "c"]), r"levels= names 'a' more than once"),
    (lambda d: sl.ologit("y ~ x0", d.assign(y=pd.Categorical(d["y"], ["a", "b", "c", "z"], ordered=True))),
     r"level\(s\) 'z' with no rows"),
    (lambda d: sl.mlogit("y ~ x0", d.assign(y=np.where(d["x0"] > 0, d["y"], None))), None),  # fine: NaN rows dropped
    (lambda d: sl.logit("y ~ x0", d), r"'y' has 3 distinct values .*sl\.mlogit.*sl\.ologit"),
    (lambda d: sl.mlogit("y ~ x0", d, method="firth"), r"method='firth' is not valid for the multinomial"),
    (lambda d: sl.ologit("y ~ x0 - 1", d, levels=["a", "b", "c"]), r"removes the intercept"),
])
def test_bad_input_is_named(call, match):
    df = random_multinomial(0, n=120, p=2, K=3)
    if match is None:
        call(df)
        return
    with pytest.raises((ResponseError, OptionError, DataError), match=match):
        call(df)


def test_more_parameters_than_rows():
    df = pd.DataFrame({"y": list("abcdefgh"), "x": np.arange(8.0), "z": np.arange(8.0) ** 2})
    with pytest.raises(DataError, match=r"has 21 parameters but only 8 rows"):
        sl.mlogit("y ~ x + z", df)


def test_arrays_interface():
    df = random_multinomial(4, n=300, p=2, K=3)
    a = sl.MNLogit(df["y"], df[["x0", "x1"]]).fit()
    b = sl.mlogit("y ~ x0 + x1", df)
    np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy(), atol=1e-12)
    assert list(a.params.index) == ["Intercept", "x0", "x1"]
    o = random_ordinal(4, n=300, p=2)
    r = sl.OrderedLogit(o["y"], o[["x0", "x1"]]).fit()
    assert list(r.params.index) == ["x0", "x1", "1|2", "2|3", "3|4"]
    with pytest.raises(DataError, match=r"column 'c' of X is constant"):
        sl.OrderedLogit(o["y"], o[["x0"]].assign(c=1.0))


def test_predict_newdata_and_class():
    df = random_multinomial(5, n=300, p=2, K=3)
    res = sl.mlogit("y ~ x0 + x1", df)
    new = df.iloc[:5]
    prob = res.predict(new)
    np.testing.assert_allclose(prob.to_numpy(), res.predict().iloc[:5].to_numpy(), atol=1e-14)
    assert list(prob.columns) == ["a", "b", "c"]
    np.testing.assert_allclose(prob.sum(axis=1), 1.0, atol=1e-14)
    cls = res.predict(new, kind="class")
    assert list(cls) == list(prob.idxmax(axis=1))
    o = sl.ologit("y ~ x0 + x1", random_ordinal(5, n=300, p=2))
    assert list(o.predict(random_ordinal(6, n=4, p=2)).columns) == ["1", "2", "3", "4"]
    with pytest.raises(OptionError, match="kind='logit' is not valid"):
        res.predict(kind="logit")


def test_caller_data_untouched():
    df = random_multinomial(7, n=200, p=2, K=3)
    df.loc[3, "x0"] = np.nan
    before = df.copy()
    w = pd.Series(np.arange(1.0, 201.0))
    sl.mlogit("y ~ x0 + x1", df, weights=w).conf_int(method="profile")
    sl.ologit("y ~ x0 + x1", df, levels=["c", "a", "b"]).predict(df.dropna())
    pd.testing.assert_frame_equal(df, before)


def test_frequency_weights_equal_repeated_rows():
    df = random_ordinal(8, n=150, p=2, K=3)
    w = np.random.default_rng(0).integers(1, 4, size=len(df))
    a = sl.ologit("y ~ x0 + x1", df, weights=w)
    b = sl.ologit("y ~ x0 + x1", df.loc[df.index.repeat(w)].reset_index(drop=True))
    np.testing.assert_allclose(a.params, b.params, atol=1e-10)
    np.testing.assert_allclose(a.bse, b.bse, atol=1e-10)
    assert abs(a.bic - b.bic) < 1e-8 and abs(a.llnull - b.llnull) < 1e-8
    m1 = sl.mlogit("y ~ x0 + x1", df, weights=w)
    m2 = sl.mlogit("y ~ x0 + x1", df.loc[df.index.repeat(w)].reset_index(drop=True))
    np.testing.assert_allclose(m1.bse.to_numpy(), m2.bse.to_numpy(), atol=1e-10)
    np.testing.assert_allclose(m1.pseudo_r2(), m2.pseudo_r2(), atol=1e-12)


def test_summary_states_conventions():
    o = sl.ologit("y ~ x0 + x1", random_ordinal(9, n=200, p=2))
    text = str(o.summary())
    assert "logit P(Y <= j) = zeta_j - x'beta" in text and "1|2" in text
    assert "logit P(Y &lt;= j)" in o.summary().to_html()
    m = sl.mlogit("y ~ x0", random_multinomial(9, n=200, p=1, K=3))
    assert "Relative-risk ratios (vs a)" in str(m.summary()) and "| [b] x0 |" in m.summary().to_markdown()


def test_cli_mlogit_and_ologit(capsys):
    assert main(["fit", str(DATA / "housing.csv"), "Sat ~ Infl + Type + Cont", "--model", "ologit",
                 "--levels", "Low,Medium,High", "--weights", "Freq", "--wald"]) == 0
    out = capsys.readouterr().out
    assert "Low|Medium" in out and "AIC / BIC:        3495.149 / 3538.566" in out
    assert main(["fit", str(DATA / "womenlf.csv"), "partic ~ hincome + children", "--model", "mlogit",
                 "--reference", "not.work"]) == 0
    out = capsys.readouterr().out
    assert "reference not.work" in out and "Profile-likelihood 95%" in out
    for argv, msg in [
        (["--model", "ologit"], "unordered levels"),
        (["--model", "mlogit", "--reference", "nope"], "reference='nope' is not a level"),
        (["--model", "mlogit", "--levels", "a,b"], "--levels applies to --model ologit"),
        (["--reference", "not.work"], "--reference applies to --model mlogit"),
        (["--model", "mlogit", "--event", "x"], "--event applies to the binary logit"),
        (["--model", "mlogit", "--cov", "HC1"], "--cov and --cluster apply to the binary logit"),
    ]:
        assert main(["fit", str(DATA / "womenlf.csv"), "partic ~ hincome", *argv]) == 2
        assert msg in capsys.readouterr().err


def test_weights_by_column_name():
    h = sl.datasets.load_housing()
    a = sl.ologit("Sat ~ Infl + Type + Cont", h, weights="Freq")
    b = sl.ologit("Sat ~ Infl + Type + Cont", h, weights=h["Freq"])
    assert a.llf == b.llf and a.bic == b.bic
    with pytest.raises(DataError, match="weights='nope' is not a column"):
        sl.mlogit("Sat ~ Infl", h, weights="nope")


def test_family_solvers_drive_the_binary_likelihood():
    """The same Newton driver and first-order solvers fit the binary logit's likelihood to
    the binary model's own estimates."""
    from statlogit.models.likelihood import BinaryLogit, fit_likelihood
    from statlogit.solvers.family_gradient import fit_gd_likelihood, fit_sgd_likelihood

    res = sl.logit("diabetes ~ glucose + mass + age", sl.datasets.load_pima())
    d = res.design
    lik = BinaryLogit(d.X, d.y, names=d.column_names, intercept_index=d.intercept_index)
    for fit, tol in ((fit_likelihood(lik), 1e-9), (fit_gd_likelihood(lik), 1e-6),
                     (fit_sgd_likelihood(lik, epochs=300), 1e-5)):
        assert fit.converged, fit.message
        np.testing.assert_allclose(fit.params, res.params.to_numpy(), rtol=tol, atol=tol)
