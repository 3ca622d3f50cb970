"""Diagnostics of the multinomial and ordinal models: proportional odds (LR as ordinal::nominal_test,
Brant as the brant package formula; R references in tests/data/multiclass, tolerance 1e-5), the
Hausman-McFadden IIA test (against the same formula on statsmodels MNLogit fits), check_assumptions,
classification, separation by level, the report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import statlogit as sl

DATA = Path(__file__).parent / "data" / "multiclass"


@pytest.fixture(scope="module")
def po():
    h = sl.datasets.load_housing()
    return json.loads((DATA / "housing_polr.json").read_text()), sl.ologit("Sat ~ Infl + Type + Cont", h,
                                                                         weights=h["Freq"])


@pytest.fixture(scope="module")
def mn():
    return sl.mlogit("partic ~ hincome + children + region", sl.datasets.load_womenlf())


def test_proportional_odds_lr_equals_nominal_test(po):
    ref, res = po
    t = res.proportional_odds(method="lr")
    tight = ref["nominal_test_tight"]
    assert list(t.index) == tight["term"]
    np.testing.assert_allclose(t["statistic"], tight["LRT"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(t["p"], tight["p"], rtol=0, atol=1e-5)
    assert list(t["df"]) == tight["Df"] and (t["note"] == "").all()


def test_iia_matches_the_formula_on_statsmodels_fits(mn):
    import statsmodels.api as sm

    t = mn.iia()
    assert list(t.index) == ["parttime", "fulltime"]
    X = mn.design.X
    y = mn.design.y.astype(int)
    full = sm.MNLogit(y, X).fit(method="newton", disp=0, tol=1e-12)
    p = X.shape[1]
    for k, level in ((1, "parttime"), (2, "fulltime")):
        keep = y != k
        yr = np.where(y[keep] == 0, 0, 1)
        other = 3 - k  # the remaining non-reference level
        restricted = sm.Logit(yr, X[keep]).fit(method="newton", disp=0, tol=1e-12)
        b_f = full.params[:, other - 1]
        V_f = full.cov_params().to_numpy()[(other - 1) * p:other * p, (other - 1) * p:other * p] \
            if hasattr(full.cov_params(), "to_numpy") else full.cov_params()[(other - 1) * p:other * p,
                                                                             (other - 1) * p:other * p]
        d = restricted.params - b_f
        dV = restricted.cov_params() - V_f
        H = float(d @ np.linalg.pinv(dV) @ d)
        assert abs(t.loc[level, "statistic"] - H) < 1e-6 * max(1.0, abs(H))
        assert t.loc[level, "df"] == np.linalg.matrix_rank(dV)


def test_iia_needs_three_levels():
    df = pd.DataFrame({"y": list("ab") * 30, "x": np.arange(60.0) % 7})
    from statlogit.exceptions import DiagnosticError

    with pytest.raises(DiagnosticError, match="at least two others"):
        sl.mlogit("y ~ x", df).iia()
