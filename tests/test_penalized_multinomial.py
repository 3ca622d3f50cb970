"""Penalized multinomial logit (glmnet's symmetric objective): KKT, scikit-learn, the MLE limit."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import logsumexp
from sklearn.linear_model import LogisticRegression

import statlogit as sl
from statlogit.exceptions import OptionError
from tests.multiclass_helpers import DATA

FORMULA = "partic ~ hincome + children + region"
CASES = [{"penalty": "l2", "lam": 0.05}, {"penalty": "l1", "lam": 0.02},
         {"penalty": "elasticnet", "lam": 0.03, "l1_ratio": 0.5}]


@pytest.fixture(scope="module")
def womenlf():
    return pd.read_csv(DATA / "womenlf.csv")


@pytest.fixture(scope="module")
def random_design():
    rng = np.random.default_rng(7)
    n = 400
    X = rng.normal(size=(n, 5)) * [1, 3, 0.2, 10, 1] + [0, 5, 0, -20, 1]
    B = np.array([[1, -1, 0], [0.5, 0, -0.5], [0, 2, 0], [0, 0, 0.1], [0, 0, 0]])
    eta = X @ B
    P = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
    y = np.array([rng.choice(3, p=pr) for pr in P])
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(5)])
    df["y"] = np.array(["lo", "mid", "hi"])[y]
    return df


def _sk_penalty(a):
    """scikit-learn >= 1.8 names the penalty by l1_ratio alone ('penalty' is deprecated)."""
    import sklearn

    if tuple(int(v) for v in sklearn.__version__.split(".")[:2]) >= (1, 8):
        return {"l1_ratio": a}
    return {"penalty": "elasticnet", "l1_ratio": a}


def _a(kw):
    return {"l2": 0.0, "l1": 1.0}.get(kw["penalty"], kw.get("l1_ratio"))


def _kkt(res, kw):
    """glmnet's optimality conditions, computed here from the objective's gradient."""
    X, y = res.design.X, res.design.y.astype(int)
    n, K = X.shape[0], res.model.K
    B = res.params.to_numpy()
    eta = X @ B
    P = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
    Y = np.eye(K)[y]
    g = X.T @ (Y - P) / n  # minus the gradient of -(1/n) loglik
    lam, a = kw["lam"], _a(kw)
    pf = X.std(axis=0) if res.standardize else np.ones(X.shape[1])  # 1/n SD
    worst = np.abs(g[0]).max()  # intercepts: unpenalized
    for j in range(1, X.shape[1]):
        for k in range(K):
            b = B[j, k]
            if b != 0:
                v = abs(g[j, k] - lam * ((1 - a) * pf[j] ** 2 * b + a * pf[j] * np.sign(b)))
            else:
                v = max(0.0, abs(g[j, k]) - lam * a * pf[j])
            worst = max(worst, v)
    return worst


def _sklearn(res, kw):
    X = res.design.X[:, 1:]
    n = X.shape[0]
    m, s = X.mean(0), X.std(0)
    a = _a(kw)
    C = 1.0 / (n * kw["lam"])
    if a == 0:
        sk = LogisticRegression(C=C, solver="lbfgs", tol=1e-12, max_iter=10_000)
    else:
        sk = LogisticRegression(C=C, solver="saga", **_sk_penalty(a), tol=1e-12, max_iter=200_000)
    sk.fit((X - m) / s, res.design.y.astype(int))
    return sk.coef_.T / s[:, None], sk.predict_proba((X - m) / s)


@pytest.mark.parametrize("kw", CASES)
def test_kkt_and_sklearn_on_womenlf(womenlf, kw):
    res = sl.mlogit(FORMULA, womenlf, **kw)
    assert res.converged and res.kkt_violation < 1e-7
    assert _kkt(res, kw) < 1e-7
    assert list(res.params.columns) == ["fulltime", "not.work", "parttime"]  # ALL levels
    assert abs(res.params.loc["Intercept"].sum()) < 1e-12
    b, prob = _sklearn(res, kw)
    np.testing.assert_allclose(res.params.to_numpy()[1:], b, atol=2e-6)
    np.testing.assert_allclose(res.predict().to_numpy(), prob, atol=1e-6)
    if kw["penalty"] != "l2":
        zeros = res.params.to_numpy() == 0.0
        assert zeros.any() and not np.signbit(res.params.to_numpy()[zeros]).any()


@pytest.mark.parametrize("kw", CASES)
def test_kkt_and_sklearn_on_a_random_design(random_design, kw):
    res = sl.mlogit("y ~ x0 + x1 + x2 + x3 + x4", random_design, **kw)
    assert res.converged and _kkt(res, kw) < 1e-7
    b, prob = _sklearn(res, kw)
    np.testing.assert_allclose(res.params.to_numpy()[1:], b, atol=2e-6)
    np.testing.assert_allclose(res.predict().to_numpy(), prob, atol=1e-6)


def test_ridge_to_zero_gives_the_mle_probabilities(womenlf):
    mle = sl.mlogit(FORMULA, womenlf)
    res = sl.mlogit(FORMULA, womenlf, penalty="l2", lam=1e-9)
    assert res.converged
    np.testing.assert_allclose(res.predict().to_numpy(), mle.predict().to_numpy(), atol=1e-7)


def test_predict_summary_and_refusals(womenlf):
    res = sl.mlogit(FORMULA, womenlf, penalty="l1", lam=0.02)
    new = womenlf.iloc[:5]
    prob = res.predict(new)
    np.testing.assert_allclose(prob.sum(axis=1), 1.0, atol=1e-14)
    np.testing.assert_allclose(prob.to_numpy(), res.predict().to_numpy()[:5], atol=1e-14)
    cls = res.predict(new, kind="class")
    assert list(cls) == list(prob.idxmax(axis=1))
    text = res.summary()
    assert "lam=0.02" in text and "no reference level" in text and f"nonzero={res.nonzero}" in text
    for what in ("bse", "pvalues", "zvalues", "aic"):
        with pytest.raises(OptionError, match="penalized fit"):
            getattr(res, what)
    with pytest.raises(OptionError, match="penalized fit"):
        res.conf_int()
    with pytest.raises(OptionError, match="kind='odds'"):
        res.predict(kind="odds")


def test_unstandardized_kkt(random_design):
    kw = {"penalty": "elasticnet", "lam": 0.01, "l1_ratio": 0.7}
    res = sl.mlogit("y ~ x0 + x1 + x2 + x3 + x4", random_design, standardize=False, **kw)
    assert res.converged and res.kkt_violation < 1e-7 and not res.standardize
    assert _kkt(res, kw) < 1e-7
    std = sl.mlogit("y ~ x0 + x1 + x2 + x3 + x4", random_design, **kw)
    assert _kkt(std, kw) < 1e-7 and np.abs(std.params.to_numpy() - res.params.to_numpy()).max() > 1e-3


def test_bad_input(womenlf):
    with pytest.raises(OptionError, match="needs lam="):
        sl.mlogit(FORMULA, womenlf, penalty="l1")
    with pytest.raises(OptionError, match="lam=0 is not valid"):
        sl.mlogit(FORMULA, womenlf, penalty="l2", lam=0)
    with pytest.raises(OptionError, match="l1_ratio"):
        sl.mlogit(FORMULA, womenlf, penalty="elasticnet", lam=0.1)
    with pytest.raises(OptionError, match="lam="):
        sl.mlogit(FORMULA, womenlf, penalty="l1", lam=-1)
    with pytest.raises(OptionError, match="penalty="):
        sl.mlogit(FORMULA, womenlf, penalty="lasso", lam=0.1)
    with pytest.raises(OptionError, match="reference='fulltime' does not apply"):
        sl.mlogit(FORMULA, womenlf, penalty="l1", lam=0.1, reference="fulltime")
    with pytest.raises(OptionError, match="cov_type"):
        sl.mlogit(FORMULA, womenlf, penalty="l1", lam=0.1, cov_type="HC0")
    with pytest.raises(OptionError, match="method='gd' cannot be combined"):
        sl.mlogit(FORMULA, womenlf, penalty="l1", lam=0.1, method="gd")
    before = womenlf.copy()
    sl.mlogit(FORMULA, womenlf, penalty="l1", lam=0.1)
    pd.testing.assert_frame_equal(womenlf, before)


def test_shifted_column_changes_only_the_intercepts(random_design):
    """x3 + 1e6: passes then centre each block; slopes and probabilities unchanged."""
    f = "y ~ x0 + x1 + x2 + x3 + x4"
    for kw in CASES:
        a = sl.mlogit(f, random_design, **kw)
        b = sl.mlogit(f, random_design.assign(x3=random_design["x3"] + 1e6), **kw)
        assert b.converged and b.kkt_violation < 1e-7
        np.testing.assert_allclose(b.params.iloc[1:], a.params.iloc[1:], atol=1e-9)
        np.testing.assert_allclose(b.predict().to_numpy(), a.predict().to_numpy(), atol=1e-9)


def test_frequency_weights_equal_repeated_rows(womenlf):
    """Weights w are the same fit as each row repeated w times (W = sum of weights); sklearn too."""
    kw = {"penalty": "elasticnet", "lam": 0.02, "l1_ratio": 0.4}
    w = np.random.default_rng(3).integers(1, 4, len(womenlf))
    res = sl.mlogit(FORMULA, womenlf.assign(w=w), weights="w", **kw)
    rep = sl.mlogit(FORMULA, womenlf.loc[womenlf.index.repeat(w)], **kw)
    assert res.converged
    np.testing.assert_allclose(res.params.to_numpy(), rep.params.to_numpy(), atol=1e-9)
    X = res.design.X[:, 1:]
    Xr = rep.design.X[:, 1:]
    m, s = Xr.mean(0), Xr.std(0)
    sk = LogisticRegression(C=1 / (w.sum() * kw["lam"]), solver="saga", **_sk_penalty(0.4), tol=1e-12, max_iter=200_000)
    sk.fit((X - m) / s, res.design.y.astype(int), sample_weight=w.astype(float))
    np.testing.assert_allclose(res.params.to_numpy()[1:], sk.coef_.T / s[:, None], atol=2e-6)


def test_dask_data_refuse_a_penalty(womenlf):
    dd = pytest.importorskip("dask.dataframe")
    with pytest.raises(OptionError, match="not available on Dask data"):
        sl.mlogit(FORMULA, dd.from_pandas(womenlf, npartitions=2), penalty="l1", lam=0.1)


def test_large_lambda_gives_the_null_model(womenlf):
    res = sl.mlogit(FORMULA, womenlf, penalty="l1", lam=10.0)
    counts = womenlf["partic"].value_counts().sort_index().to_numpy()
    expected = np.log(counts) - np.log(counts).mean()
    np.testing.assert_allclose(res.params.loc["Intercept"].to_numpy(), expected, atol=1e-10)
    assert res.nonzero == 0 and (res.params.iloc[1:].to_numpy() == 0.0).all() and abs(res.dev_ratio) < 1e-12


def test_too_few_cycles_is_reported_honestly(womenlf):
    from statlogit.exceptions import ConvergenceWarning

    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = sl.mlogit(FORMULA, womenlf, penalty="elasticnet", lam=0.03, l1_ratio=0.5, max_iter=1)
    assert not res.converged and res.kkt_violation > 1e-7
