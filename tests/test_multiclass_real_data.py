"""The multiclass pieces on real data they were not built on (MASS::birthwt, bundled in
tests/data): plain Newton on the kernels against statsmodels' own fits, then the Brant test,
classification and per-split separation as an analyst would run them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from multiclass_helpers import dummies, newton
from statsmodels.discrete.discrete_model import MNLogit
from statsmodels.miscmodels.ordinal_model import OrderedModel

from statlogit.diagnostics.brant import brant_test
from statlogit.diagnostics.multiclass import multiclass_classification, rarest_level_epv, split_separation
from statlogit.models.multinomial_kernel import multinomial_pieces, multinomial_probabilities
from statlogit.models.ordinal_kernel import ordinal_pieces, ordinal_probabilities, ordinal_start


@pytest.fixture(scope="module")
def birthwt():
    return pd.read_csv(Path(__file__).parent / "data" / "birthwt.csv")


def test_multinomial_race_matches_statsmodels_fit(birthwt):
    df = birthwt
    levels = sorted(df["race"].unique())           # black (reference), other, white
    y = pd.Categorical(df["race"], categories=levels).codes.astype(np.int64)
    X = np.column_stack([np.ones(len(df)), df[["age", "lwt", "smoke", "ui"]].to_numpy(float)])
    K, p = len(levels), X.shape[1]
    theta, ll, info = newton(lambda t: multinomial_pieces(X, y, t, K=K), np.zeros((K - 1) * p))
    sm = MNLogit(y, X).fit(method="newton", tol=1e-14, maxiter=100, disp=False)
    np.testing.assert_allclose(theta, sm.params.T.ravel(), rtol=1e-8, atol=1e-10)   # level-major
    np.testing.assert_allclose(np.sqrt(np.diag(np.linalg.inv(info))), sm.bse.T.ravel(), rtol=1e-8)
    assert ll == pytest.approx(sm.llf, rel=1e-12)
    prob = multinomial_probabilities(X, theta, K)
    np.testing.assert_allclose(prob, sm.predict(), rtol=1e-8, atol=1e-12)
    cls = multiclass_classification(y, prob, levels)
    assert cls.confusion.to_numpy().sum() == len(df) and 0.5 < cls.auc < 1
    assert rarest_level_epv(y, levels, p - 1) == {"level": "black", "events": 26, "epv": 6.5}
    splits = {f"{lv} vs {levels[0]}": (y == k).astype(float) for k, lv in enumerate(levels) if k}
    sep = split_separation(X, splits, ["Intercept", "age", "lwt", "smoke", "ui"], 0)
    assert list(sep["status"]) == ["none", "none"]


def test_ordinal_visits_match_statsmodels_fit_and_brant_runs(birthwt):
    df = birthwt
    visits = pd.cut(df["ftv"], [-1, 0, 1, np.inf], labels=["none", "one", "two+"])
    y = visits.cat.codes.to_numpy(np.int64)
    Xdf = pd.concat([df[["age", "lwt", "smoke"]].astype(float),
                     dummies(df["race"], ["white", "black", "other"], "race")], axis=1)
    X, names = Xdf.to_numpy(), list(Xdf.columns)
    K, p = 3, X.shape[1]
    theta, ll, info = newton(lambda t: ordinal_pieces(X, y, t), ordinal_start(y, K, p=p))
    sm = OrderedModel(y, X, distr="logit").fit(method="bfgs", gtol=1e-8, maxiter=5000, disp=False)
    zeta = theta[p:]
    sm_theta = np.r_[sm.params[:p], sm.params[p], sm.params[p] + np.exp(sm.params[p + 1])]
    np.testing.assert_allclose(theta, sm_theta, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(np.sqrt(np.diag(np.linalg.inv(info)))[:p], sm.bse[:p], rtol=1e-4)
    assert ll == pytest.approx(sm.llf, rel=1e-11)
    assert np.all(np.diff(zeta) > 0)
    prob = ordinal_probabilities(X, theta, K)
    np.testing.assert_allclose(prob, sm.predict(), rtol=1e-5, atol=1e-7)
    terms = {"age": [0], "lwt": [1], "smoke": [2], "race": [3, 4]}
    table = brant_test(X, y, names, terms, levels=["none", "one", "two+"])
    assert (table["note"] == "").all() and table["statistic"].notna().all()
    assert list(table.loc["term"]["df"]) == [1, 1, 1, 2] and table.loc[("omnibus", "omnibus"), "df"] == 5
    assert ((table["p"] > 0) & (table["p"] <= 1)).all()
