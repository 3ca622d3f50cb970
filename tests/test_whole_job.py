"""The whole job at scale: pieces made faster must give the same numbers.

References: statsmodels'
``lowess`` (the smoother the binned one replaces), and influence measures computed the
long way (the full dfbetas matrix).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

import statlogit as sl
from statlogit.report.plots import DISPLAY_ROWS, DISPLAY_TOP, binned_smooth


def test_binned_smoother_follows_lowess(pima):
    """On the Pima glucose partial residuals the binned smoother stays within 5% of the
    residuals' spread of lowess on every row, over the range of the bin means."""
    from statsmodels.nonparametric.smoothers_lowess import lowess

    from statlogit.report.plots import _component_residuals

    res = sl.logit("diabetes ~ glucose + mass + age", pima)
    for name in ("glucose", "mass", "age"):
        x, partial, _ = _component_residuals(res, name)
        sx, sy = binned_smooth(x, partial)
        ref = lowess(partial, x, frac=2 / 3, it=0, return_sorted=True)
        ref_at = np.interp(sx, ref[:, 0], ref[:, 1])
        inner = slice(1, -1)  # the first and last points are the data's ends, not bin means
        assert np.max(np.abs(sy - ref_at)[inner]) < 0.05 * np.std(partial), name


def test_max_abs_dfbetas_equals_full_matrix(pima):
    res = sl.logit("diabetes ~ glucose + mass + age + pedigree", pima)
    fast = res.influence().max_abs_dfbetas
    from statlogit.diagnostics.influence import Influence

    full = Influence(res).dfbetas.abs().max(axis=1)
    np.testing.assert_allclose(fast.to_numpy(), full.to_numpy(), rtol=1e-12)


def test_diagnostics_computed_once_per_results(pima):
    res = sl.logit("diabetes ~ glucose + mass + age", pima)
    assert res.influence() is res.influence()
    assert res.box_tidwell() is res.box_tidwell()
    assert res.box_tidwell(shift={"age": 1.0}) is not res.box_tidwell()
    assert res.check_assumptions() is res.check_assumptions()


@pytest.fixture(scope="module")
def big():
    rng = np.random.default_rng(5)
    n = 3 * DISPLAY_ROWS
    X = pd.DataFrame({"a": rng.gamma(2.0, 1.0, n), "b": rng.standard_normal(n)})
    y = (rng.random(n) < expit(-0.5 + 0.4 * X["a"] - 0.3 * X["b"])).astype(int)
    return sl.Logit(y, X).fit()


def test_influence_plot_draws_a_stated_display_sample(big):
    fig = big.plot_influence()
    ax = fig.axes[0]
    pts = ax.collections[0].get_offsets()
    assert len(pts) == DISPLAY_ROWS
    t = big.influence().table
    top = t.nlargest(DISPLAY_TOP, "cooks")
    drawn = {(round(h, 12), round(r, 12)) for h, r in np.asarray(pts)}
    assert all((round(h, 12), round(r, 12)) in drawn for h, r in top[["hat", "rstudent"]].to_numpy())
    assert f"{DISPLAY_ROWS:,} of {big.nobs:,} rows shown" in ax.get_title()


def test_report_captions_state_the_display_sample(big):
    from statlogit.report.document import FigureRef

    rep = big.report(plots=False)
    caps = {b.name: b.caption for sec in rep.sections for b in sec.blocks if isinstance(b, FigureRef)}
    for name in ("influence", "effect"):
        assert f"display sample of {DISPLAY_ROWS:,} of {big.nobs:,} rows" in caps[name]
    assert "100 quantile bins" in caps["linearity"]
