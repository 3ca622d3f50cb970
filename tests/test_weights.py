"""Prior weights act as frequency weights: a weighted fit reports what the expanded rows give."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import statlogit as sl


@pytest.fixture(scope="module")
def pair():
    rng = np.random.default_rng(11)
    n = 300
    df = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n)})
    df["y"] = (rng.random(n) < 1 / (1 + np.exp(-(0.3 + df.x - 0.5 * df.z)))).astype(int)
    w = rng.integers(0, 4, n).astype(float)  # zeros included
    expanded = df.loc[df.index.repeat(w.astype(int))].reset_index(drop=True)
    weighted = sl.logit("y ~ x + z", df, weights=w)
    plain = sl.logit("y ~ x + z", expanded)
    return weighted, plain


def test_coefficients_and_likelihood(pair):
    weighted, plain = pair
    np.testing.assert_allclose(weighted.params, plain.params, rtol=1e-9)
    np.testing.assert_allclose(weighted.bse, plain.bse, rtol=1e-9)
    assert weighted.llf == pytest.approx(plain.llf, rel=1e-12)
    assert weighted.llnull == pytest.approx(plain.llnull, rel=1e-12)


def test_pseudo_r2(pair):
    weighted, plain = pair
    pd.testing.assert_series_equal(weighted.pseudo_r2(), plain.pseudo_r2(), rtol=1e-9)


def test_hosmer_lemeshow_and_calibration(pair):
    weighted, plain = pair
    a, b = weighted.hosmer_lemeshow(), plain.hosmer_lemeshow()
    assert a.statistic == pytest.approx(b.statistic, rel=1e-9)
    assert a.df == b.df
    np.testing.assert_allclose(a.table.to_numpy(dtype=float), b.table.to_numpy(dtype=float), rtol=1e-9)
    np.testing.assert_allclose(weighted.calibration().to_numpy(dtype=float),
                               plain.calibration().to_numpy(dtype=float), rtol=1e-9)


def test_classification_and_roc(pair):
    weighted, plain = pair
    a, b = weighted.classification(), plain.classification()
    for key in a.index:
        assert float(a[key]) == pytest.approx(float(b[key]), rel=1e-9), key
    np.testing.assert_allclose(weighted.roc().to_numpy(), plain.roc().to_numpy(), rtol=1e-9)


def test_auc_matches_scikit_learn_with_weights():
    from sklearn.metrics import roc_auc_score

    from statlogit.diagnostics.classification import auc

    rng = np.random.default_rng(5)
    p = np.round(rng.random(500), 2)  # ties
    y = (rng.random(500) < p).astype(float)
    w = rng.uniform(0.1, 3.0, 500)
    assert auc(p, y, w) == pytest.approx(roc_auc_score(y, p, sample_weight=w), rel=1e-12)
    assert auc(p, y) == pytest.approx(roc_auc_score(y, p), rel=1e-12)
