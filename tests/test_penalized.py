"""Penalized fits: options, honest inference, weights, paths, cross-validation, bootstrap.

Numbers are checked against independent computations (statlogit's unpenalized fit on the
expanded data, a direct subset refit for a CV fold, hand-computed binomial deviance); the
glmnet references are in test_penalized_reference.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import statlogit as sl
from statlogit.exceptions import ConvergenceWarning, OptionError, StatlogitWarning

FORMULA = "diabetes ~ glucose + mass + age + pregnant + pedigree"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def pima():
    return sl.datasets.load_pima()


@pytest.fixture(scope="module")
def lasso_path(pima):
    return sl.logit_path(FORMULA, pima, l1_ratio=1.0, n_lambdas=30)


# ------------------------------------------------------------------ options
@pytest.mark.parametrize("kw, match", [
    ({"penalty": "l1", "lam": -0.1}, r"lam=-0\.1 is not valid; it must be a finite number >= 0"),
    ({"penalty": "elasticnet", "lam": 0.1, "l1_ratio": 1.5}, r"l1_ratio=1\.5 is not valid; it must be a number in \[0, 1\]"),
    ({"penalty": "elasticnet", "lam": 0.1, "l1_ratio": -0.2}, r"l1_ratio=-0\.2 is not valid"),
    ({"penalty": "l2", "lam": 0.1, "l1_ratio": 0.5}, r"l1_ratio=0\.5 cannot be given with penalty='l2'"),
    ({"penalty": "l1", "lam": 0.1, "l1_ratio": 0.5}, r"cannot be given with penalty='l1'"),
    ({"penalty": "lasso", "lam": 0.1}, r"penalty='lasso' is not valid; it must be None or one of 'l2', 'l1', 'elasticnet'"),
    ({"penalty": "l1"}, r"penalty='l1' needs lam="),
    ({"penalty": "elasticnet", "lam": 0.1}, r"penalty='elasticnet' needs l1_ratio="),
    ({"lam": 0.1}, r"lam apply only to a penalized fit"),
    ({"standardize": False}, r"standardize apply only to a penalized fit"),
    ({"penalty": "l1", "lam": 0.1, "method": "firth"}, r"method='firth' cannot be combined with penalty='l1'"),
    ({"penalty": "l2", "lam": 0.1, "method": "sgd"}, r"method='sgd' cannot be combined"),
    ({"penalty": "l2", "lam": float("nan")}, r"lam=nan is not valid"),
    ({"penalty": "l2", "lam": 0.1, "standardize": "yes"}, r"standardize='yes' is not valid"),
    ({"penalty": "l2", "lam": 0.1, "cov_type": "HC1"}, r"cov_type='HC1' cannot be combined with penalty='l2'"),
])
def test_bad_options_name_the_option_and_range(pima, kw, match):
    kw = dict(kw)
    method = kw.pop("method", "newton")
    with pytest.raises(OptionError, match=match):
        sl.logit(FORMULA, pima, method=method, **kw)


def test_lambdas_must_be_positive(pima):
    for bad in ([0.1, 0.0], [0.1, -1.0], [0.1, float("nan")], []):
        with pytest.raises(OptionError, match="lambdas"):
            sl.logit_path(FORMULA, pima, lambdas=bad)
    with pytest.raises(OptionError, match="repeated"):
        sl.logit_path(FORMULA, pima, lambdas=[0.1, 0.1])


def test_lambdas_not_decreasing_are_sorted_and_said(pima):
    with pytest.warns(StatlogitWarning, match="sorted from largest to smallest"):
        path = sl.logit_path(FORMULA, pima, lambdas=[0.001, 0.1, 0.01])
    np.testing.assert_array_equal(path.lambdas, [0.1, 0.01, 0.001])
    ref = sl.logit_path(FORMULA, pima, lambdas=[0.1, 0.01, 0.001])
    np.testing.assert_allclose(path.coefs.to_numpy(), ref.coefs.to_numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kw, match", [
    ({"l1_ratio": 2}, r"l1_ratio=2 is not valid"),
    ({"n_lambdas": 0}, r"n_lambdas=0 is not valid"),
    ({"lambda_min_ratio": 1.5}, r"lambda_min_ratio=1\.5 is not valid; it must be in \(0, 1\)"),
    ({"standardize": 1}, r"standardize=1 is not valid"),
    ({"penalty": "l1"}, r"unknown option\(s\) penalty for a path"),
])
def test_bad_path_options(pima, kw, match):
    with pytest.raises(OptionError, match=match):
        sl.logit_path(FORMULA, pima, **kw)


def test_folds_larger_than_rarer_class():
    df = pd.DataFrame({"y": [1, 1, 1] + [0] * 27, "x": np.linspace(0, 1, 30)})
    path = sl.logit_path("y ~ x", df, n_lambdas=5)
    with pytest.raises(OptionError, match=r"folds=5 is larger than the rarer class \(3 events\); .* folds <= 3"):
        path.cv(folds=5)
    for bad, match in ((1, "folds=1 is not valid"), (2.5, "folds=2.5 is not valid")):
        with pytest.raises(OptionError, match=match):
            path.cv(folds=bad)
    with pytest.raises(OptionError, match="measure='mse' is not valid; choose one of 'deviance', 'auc', 'misclassification'"):
        path.cv(folds=3, measure="mse")


# ------------------------------------------------------------------ honest inference
def test_penalized_results_refuse_wald_inference(pima):
    res = sl.logit(FORMULA, pima, penalty="l1", lam=0.02)
    for get in (lambda r: r.bse, lambda r: r.pvalues, lambda r: r.zvalues, lambda r: r.conf_int(),
                lambda r: r.conf_int(method="profile"), lambda r: r.cov_params(), lambda r: r.lr_test(),
                lambda r: r.odds_ratios(method="wald"), lambda r: r.predict(interval=True),
                lambda r: r.aic, lambda r: r.influence(), lambda r: r.summary(ci_method="profile"),
                lambda r: r.anova(), lambda r: r.drop1(), lambda r: r.wald_test("glucose = 0"),
                lambda r: r.with_cov("HC1"), lambda r: r.marginal_effects(),
                lambda r: sl.compare(sl.logit("diabetes ~ glucose", pima, penalty="l1", lam=0.02), r)):
        with pytest.raises(OptionError, match=r"penalized fit: .*biased.*res\.bootstrap\(n=500, seed=0\)"):
            get(res)


def test_penalized_results_keep_estimates_predictions_and_checks(pima):
    res = sl.logit(FORMULA, pima, penalty="l1", lam=0.02)
    assert res.converged and res.kkt_violation < 1e-9
    assert res.penalty == "l1" and res.lam == 0.02 and res.l1_ratio == 1.0 and res.standardize
    np.testing.assert_allclose(res.odds_ratios()["odds_ratio"], np.exp(res.params))
    per10 = res.odds_ratios(units={"glucose": 10})
    np.testing.assert_allclose(per10.loc["glucose", "odds_ratio"], np.exp(10 * res.params["glucose"]))
    assert per10.loc["mass", "per"] == 1 and "per" in str(res.summary(units={"glucose": 10}))
    d = res.design
    eta = d.X @ res.params.to_numpy()
    np.testing.assert_allclose(res.predict(kind="logit"), eta)
    np.testing.assert_allclose(res.predict(pima.head(5)), 1 / (1 + np.exp(-eta[:5])))
    cls = res.classification()
    assert 0.5 < cls["auc"] < 1
    assert len(res.roc()) > 10 and len(res.calibration()) == 10
    text = str(res.summary())
    assert "no p-values" not in text  # the line reads as a reason, once:
    assert text.count("standard errors, p-values and confidence intervals would be wrong") == 1
    report = res.report(plots=False).to_text()
    assert "would be wrong and are not given" in report and "AUC" in report
    assert "bootstrap" in report


def test_exact_zeros_are_zero(pima):
    res = sl.logit(FORMULA, pima, penalty="l1", lam=0.05)
    zero = res.params[res.params.abs() < 1e-8]
    assert len(zero) >= 1
    assert (zero == 0.0).all() and all(str(v) == "0.0" for v in zero)
    assert res.nonzero == int((res.params.drop("Intercept") != 0).sum())


def test_converged_is_honest(pima):
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = sl.logit(FORMULA, pima, penalty="l1", lam=0.001, max_iter=1)
    assert res.converged is False
    assert res.kkt_violation > 1e-6


def test_array_interface_and_weights_as_frequencies(pima):
    """Integer weights give the fit of the data with rows repeated (glmnet's weights)."""
    df = pima[["diabetes", "glucose", "mass", "age"]].dropna().reset_index(drop=True)
    y = (df["diabetes"] == "pos").astype(float)
    X = df[["glucose", "mass", "age"]]
    w = np.random.default_rng(1).integers(1, 4, len(df)).astype(float)
    weighted = sl.Logit(y, X, weights=w).fit(penalty="elasticnet", lam=0.01, l1_ratio=0.5)
    rows = np.repeat(np.arange(len(df)), w.astype(int))
    expanded = sl.Logit(y.iloc[rows].reset_index(drop=True), X.iloc[rows].reset_index(drop=True)).fit(
        penalty="elasticnet", lam=0.01, l1_ratio=0.5)
    np.testing.assert_allclose(weighted.params, expanded.params, rtol=1e-8)
    assert weighted.converged


def test_offset_and_no_intercept(pima):
    df = pima[["diabetes", "glucose", "mass"]].dropna()
    off = np.full(len(df), 0.3)
    a = sl.logit("diabetes ~ glucose + mass", df, offset=off, penalty="l2", lam=0.01)
    b = sl.logit("diabetes ~ glucose + mass", df, penalty="l2", lam=0.01)
    # a constant offset is absorbed by the unpenalized intercept
    np.testing.assert_allclose(a.params["Intercept"], b.params["Intercept"] - 0.3, rtol=1e-8)
    np.testing.assert_allclose(a.params.iloc[1:], b.params.iloc[1:], rtol=1e-8)
    c = sl.logit("diabetes ~ glucose + mass - 1", df, penalty="l1", lam=0.001)
    assert c.converged and not c.has_intercept


def test_does_not_modify_callers_data(pima):
    before = pima.copy()
    sl.logit(FORMULA, pima, penalty="l1", lam=0.01)
    pd.testing.assert_frame_equal(pima, before)


# ------------------------------------------------------------------ paths
def test_path_object(lasso_path):
    p = lasso_path
    assert len(p) == 30 and np.all(np.diff(p.lambdas) < 0)
    np.testing.assert_allclose(p.lambdas[-1] / p.lambdas[0], 1e-4)
    assert list(p.coefs.columns) == ["Intercept", "glucose", "mass", "age", "pregnant", "pedigree"]
    assert p.nonzero.iloc[0] == 0 and p.nonzero.iloc[-1] == 5
    assert (p.coefs.iloc[0].drop("Intercept") == 0.0).all()
    assert np.all(np.diff(p.dev_ratio.to_numpy()) >= -1e-12)
    assert p.converged.all() and p.kkt_violation.max() < 1e-7
    assert p.stopped is None


def test_fit_at_on_and_off_the_grid(lasso_path, pima):
    lam = lasso_path.lambdas[10]
    on = lasso_path.fit_at(lam)
    np.testing.assert_array_equal(on.params.to_numpy(), lasso_path.coefs.iloc[10].to_numpy())
    off = lasso_path.fit_at(0.0123)
    direct = sl.logit(FORMULA, pima, penalty="l1", lam=0.0123)
    np.testing.assert_allclose(off.params, direct.params, rtol=1e-9, atol=1e-12)
    with pytest.raises(OptionError, match="lam=-1 is not valid"):
        lasso_path.fit_at(-1)


def test_saturated_path_stops_and_says_where():
    df = pd.read_csv(DATA / "separation_complete.csv")
    with pytest.warns(StatlogitWarning, match=r"the path stopped early at lambda = .*saturated"):
        path = sl.logit_path("y ~ x + z", df, l1_ratio=1.0)
    assert len(path) < 100 and path.stopped.startswith("the path stopped early")
    assert path.dev_ratio.iloc[-1] > 0.999


def test_path_plots(lasso_path):
    import matplotlib.figure

    assert isinstance(lasso_path.plot(), matplotlib.figure.Figure)
    assert isinstance(lasso_path.plot_cv(), matplotlib.figure.Figure)
    assert isinstance(lasso_path.fit_at(0.01).plot_loss(), matplotlib.figure.Figure)


# ------------------------------------------------------------------ cross-validation
def test_cv_folds_are_stratified_and_reproducible(lasso_path):
    from statlogit.penalized.cv import stratified_folds

    y = lasso_path.model.design.y
    folds = stratified_folds(y, np.ones(y.size, bool), 10, seed=0)
    events = np.bincount(folds[y == 1], minlength=10)
    non = np.bincount(folds[y == 0], minlength=10)
    assert events.max() - events.min() <= 1 and non.max() - non.min() <= 1
    a = lasso_path.cv(folds=5, seed=3)
    b = lasso_path.cv(folds=5, seed=3)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_cv_matches_refits_on_the_training_rows(lasso_path, pima):
    """One fold by hand: refit on the other folds' rows only and score the held-out rows."""
    from statlogit.penalized.cv import stratified_folds

    cv = lasso_path.cv(folds=4, seed=7)
    d = lasso_path.model.design
    fold = stratified_folds(d.y, np.ones(d.nobs, bool), 4, seed=7)
    data = pima.loc[d.row_labels]
    k, j = 2, 12
    lam = lasso_path.lambdas[j]
    train = sl.logit_path(FORMULA, data[fold != k], lambdas=lasso_path.lambdas[: j + 1])
    b = train.coefs.iloc[j].to_numpy()
    test = fold == k
    p = 1 / (1 + np.exp(-(d.X[test] @ b)))
    y = d.y[test]
    dev = np.mean(-2 * (y * np.log(p) + (1 - y) * np.log(1 - p)))
    np.testing.assert_allclose(cv.fold_measures.iloc[j, k], dev, rtol=1e-7)
    w = np.bincount(fold, minlength=4).astype(float)
    m = cv.fold_measures.iloc[j].to_numpy()
    mean = m @ w / w.sum()
    np.testing.assert_allclose(cv.table["mean"].iloc[j], mean, rtol=1e-12)
    np.testing.assert_allclose(cv.table["se"].iloc[j], np.sqrt(((m - mean) ** 2) @ w / w.sum() / 3), rtol=1e-12)
    assert lam == cv.table.index[j]


def test_cv_lambda_rules(lasso_path):
    for measure in ("deviance", "misclassification", "auc"):
        cv = lasso_path.cv(folds=5, seed=0, measure=measure)
        t = cv.table
        best = t["mean"].max() if measure == "auc" else t["mean"].min()
        i_min = cv.index_min
        assert t["mean"].iloc[i_min] == best and cv.lambda_min == t.index[i_min]
        assert (t["mean"].iloc[:i_min] != best).all()  # the largest lambda with the best value
        assert cv.lambda_1se >= cv.lambda_min
        limit = t["se"].iloc[i_min]
        gap = (best - t["mean"]) if measure == "auc" else (t["mean"] - best)
        assert gap.iloc[cv.index_1se] <= limit and (gap.iloc[: cv.index_1se] > limit).all()


# ------------------------------------------------------------------ bootstrap
def test_bootstrap_percentile_intervals(pima):
    res = sl.logit(FORMULA, pima, penalty="l1", lam=0.01)
    b = res.bootstrap(n=40, seed=2)
    assert list(b.columns) == ["coef", "lower", "upper", "or_lower", "or_upper", "share_zero"]
    assert (b["lower"] <= b["upper"]).all()
    assert "bootstrap percentile intervals of a penalized estimator" in b.attrs["label"]
    pd.testing.assert_frame_equal(b, res.bootstrap(n=40, seed=2))
    np.testing.assert_allclose(b["or_lower"], np.exp(b["lower"]))
    with pytest.raises(OptionError, match="n=5 is not valid"):
        res.bootstrap(n=5)


# ------------------------------------------------------------------ many columns (strong rules)
def _kkt(X, y, b, lam, alpha, std=True):
    """glmnet's KKT violation computed directly from the data (intercept in column 0)."""
    n = X.shape[0]
    g = X.T @ (y - 1 / (1 + np.exp(-(X @ b)))) / n
    sd = X.std(axis=0)
    pf = sd if std else np.ones_like(sd)
    v = [abs(g[0])]
    for j in range(1, X.shape[1]):
        pen = lam * ((1 - alpha) * pf[j] ** 2 * b[j] + alpha * pf[j] * np.sign(b[j]))
        v.append(abs(g[j] - pen) if b[j] != 0 else max(0.0, abs(g[j]) - lam * alpha * pf[j]))
    return max(v)


@pytest.mark.parametrize("n, p", [(200, 80), (50, 90)])
def test_many_columns_use_strong_rules_and_stay_optimal(n, p, monkeypatch):
    from statlogit.penalized import solver

    rng = np.random.default_rng(5)
    X = rng.standard_normal((n, p)) * rng.uniform(0.2, 5, p) + rng.uniform(-3, 3, p)
    beta = np.zeros(p)
    beta[:5] = rng.uniform(0.5, 1, 5) / X[:, :5].std(axis=0)
    y = (rng.random(n) < 1 / (1 + np.exp(-((X - X.mean(0)) @ beta)))).astype(float)
    model = sl.Logit(y, X)
    path = model.path(l1_ratio=0.9, n_lambdas=15)
    ratio = 1e-4 if n > p else 1e-2  # glmnet's default lambda_min_ratio
    np.testing.assert_allclose(path.lambdas[-1] / path.lambdas[0], ratio)
    Xi = model.design.X
    assert path.converged.all()
    for lam, b in zip(path.lambdas, path.coefs.to_numpy()):
        assert _kkt(Xi, y, b, lam, 0.9) <= 1e-7
    # the same path with every column in the working set
    monkeypatch.setattr(solver, "ALL_COLUMNS_UP_TO", 10_000)
    full = model.path(l1_ratio=0.9, n_lambdas=15)
    np.testing.assert_allclose(path.coefs.to_numpy(), full.coefs.to_numpy(), rtol=1e-6, atol=1e-8)


def test_report_units_and_refusals(pima, tmp_path):
    res = sl.logit(FORMULA, pima, penalty="l2", lam=0.01)
    rep = res.report(units={"glucose": 10}, plots=True)
    row = next(c for c in rep.data["coefficients"] if c["term"] == "glucose")
    np.testing.assert_allclose(row["or_per_units"], np.exp(10 * res.params["glucose"]), rtol=1e-14)
    assert "odds ratio per" in rep.to_text()
    rep.save(tmp_path / "pen.html")
    assert (tmp_path / "pen.html").read_text().count("data:image/png") == 2  # ROC and calibration
    for kw in ({"ci_method": "profile"}, {"top": 5}, {"effect": "glucose"}):
        with pytest.raises(OptionError, match="penalized fit"):
            res.report(**kw)
    with pytest.raises(OptionError, match="units names 'bogus'"):
        res.report(units={"bogus": 2})


def test_shifted_columns_give_the_same_fit(pima):
    """Shifting a column by 1e6 changes only the intercept (passes then centre each block)."""
    df = pima[["diabetes", "glucose", "mass", "age"]].dropna()
    shifted = df.assign(glucose=df["glucose"] + 1e6)
    for kw in ({"penalty": "l1", "lam": 0.01}, {"penalty": "l2", "lam": 0.05},
               {"penalty": "elasticnet", "lam": 0.02, "l1_ratio": 0.3, "standardize": False}):
        a = sl.logit("diabetes ~ glucose + mass + age", df, **kw)
        b = sl.logit("diabetes ~ glucose + mass + age", shifted, **kw)
        np.testing.assert_allclose(b.params.iloc[1:], a.params.iloc[1:], rtol=1e-7)
        np.testing.assert_allclose(b.params["Intercept"] + 1e6 * b.params["glucose"], a.params["Intercept"],
                                   rtol=1e-6)
        assert b.converged and b.kkt_violation < 1e-7


def test_ordinal_model_refuses_a_penalty():
    df = pd.DataFrame({"y": list("abcabcabcaabcbca"), "x": np.linspace(0, 1, 16)})
    with pytest.raises(OptionError, match=r"penalty='l2' is not implemented"):
        sl.ologit("y ~ x", df, levels=["a", "b", "c"], penalty="l2", lam=0.1)
