"""Plot methods: each returns a matplotlib Figure and draws the right numbers.

Numbers drawn are compared with R (tests/data/pima_flagship.json: exact profile odds-ratio
limits, AUC, Hosmer-Lemeshow groups, Cook's distance) or with statsmodels computed here.
"""

from __future__ import annotations

import numpy as np
import pytest

import statlogit as sl
from statlogit.exceptions import OptionError

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402

FORMULA = "diabetes ~ glucose + mass + age"


@pytest.mark.parametrize("name", ["forest", "roc", "calibration", "influence", "linearity", "effect", "loss"])
def test_every_plot_returns_a_figure_and_accepts_ax(res, name):
    fig = getattr(res, f"plot_{name}")()
    assert isinstance(fig, Figure) and fig.axes
    target = Figure()
    ax = target.add_subplot()
    kwargs = {"predictors": "glucose"} if name == "linearity" else {}
    assert getattr(res, f"plot_{name}")(ax=ax, **kwargs) is target
    assert ax.has_data()


def test_forest_draws_r_profile_odds_ratios(res, ref):
    fig = res.plot_forest()
    ax = fig.axes[0]
    points = next(line for line in ax.lines if line.get_marker() == "o")
    exact = ref.ref["odds_ratio_ci_profile_exact"]
    # drawn top to bottom in model order, intercept left out
    np.testing.assert_allclose(points.get_xdata(), ref.ref["odds_ratio"][1:], rtol=1e-9)
    segments = ax.collections[0].get_segments()
    np.testing.assert_allclose([s[0][0] for s in segments], exact["lower"][1:], rtol=1e-7)
    np.testing.assert_allclose([s[1][0] for s in segments], exact["upper"][1:], rtol=1e-7)
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["glucose", "mass", "age"]


def test_roc_legend_has_r_auc(res, ref):
    ax = res.plot_roc().axes[0]
    label = ax.get_legend().get_texts()[0].get_text()
    assert label == f"model (AUC = {ref.ref['auc']:.3f})"


def test_calibration_points_are_the_hosmer_lemeshow_groups(res, ref):
    ax = res.plot_calibration().axes[0]
    hl = ref.ref["hosmer_lemeshow"]
    n = np.asarray(hl["group_n"], dtype=float)
    line = next(line for line in ax.lines if line.get_marker() == "o")
    np.testing.assert_allclose(line.get_xdata(), np.asarray(hl["expected_1"]) / n, rtol=1e-7)
    np.testing.assert_allclose(line.get_ydata(), np.asarray(hl["observed_1"]) / n, rtol=1e-12)


def test_influence_labels_rows_with_largest_r_cooks_distance(res, ref):
    ax = res.plot_influence(label=3).axes[0]
    cooks = np.asarray(ref.ref["influence"]["cooks"])
    expected = [str(ref.ref["used_rows"][i] - 1) for i in np.argsort(-cooks)[:3]]
    assert [t.get_text() for t in ax.texts] == expected
    offsets = ax.collections[0].get_offsets()
    np.testing.assert_allclose(offsets[:, 0], ref.ref["influence"]["hat"], rtol=1e-6)
    np.testing.assert_allclose(offsets[:, 1], ref.ref["influence"]["rstudent"], rtol=1e-6)


def test_effect_curve_matches_statsmodels_at_typical_values(res, pima):
    sm = pytest.importorskip("statsmodels.api")
    import statsmodels.formula.api as smf

    fig = res.plot_effect("glucose")
    ax = fig.axes[0]
    curve = next(line for line in ax.lines if line.get_label() == "predicted probability")
    x = curve.get_xdata()
    used = pima.dropna(subset=["glucose", "mass", "age"])
    assert x[0] == used["glucose"].min() and x[-1] == used["glucose"].max()
    grid = used.iloc[:0].reindex(range(len(x))).assign(glucose=x, mass=used["mass"].median(), age=used["age"].median())
    data = used.assign(y=(used["diabetes"] == "pos").astype(float))
    fit = smf.glm("y ~ glucose + mass + age", data=data, family=sm.families.Binomial()).fit()
    frame = fit.get_prediction(grid[["glucose", "mass", "age"]]).summary_frame(alpha=0.05)
    np.testing.assert_allclose(curve.get_ydata(), frame["mean"], rtol=1e-6)
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    np.testing.assert_allclose(band.min(), frame["mean_ci_lower"].min(), rtol=1e-5)
    np.testing.assert_allclose(band.max(), frame["mean_ci_upper"].max(), rtol=1e-5)
    assert "mass = 32.3" in ax.get_xlabel() and "age = 29" in ax.get_xlabel()


def test_effect_holds_factors_at_their_most_frequent_level(load_case):
    from statlogit.report.effects import typical_values

    case = load_case("birthwt")
    res = sl.logit(case.formula, data=case.data)
    tv = typical_values(res)
    assert tv["race"] == case.data["race"].mode().iloc[0]
    assert tv["lwt"] == case.data["lwt"].median()
    assert typical_values(res, data=case.data) == tv
    assert res.plot_effect("lwt").axes


def test_effect_needs_data_for_transformed_variables(pima):
    res = sl.logit("diabetes ~ glucose + np.log(mass)", data=pima)
    with pytest.raises(OptionError, match="typical value of 'mass' cannot be recovered"):
        res.plot_effect("glucose")
    assert res.plot_effect("glucose", data=pima).axes
    with pytest.raises(OptionError, match="not a plain numeric main effect"):
        res.plot_effect("mass")


def test_loss_curve_for_gd_and_newton(pima):
    res = sl.logit(FORMULA, data=pima, method="gd")
    ax = res.plot_loss().axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), res.history["loss"].to_numpy())
    assert "loss" in ax.get_ylabel()
    newton = sl.logit(FORMULA, data=pima)
    ax = newton.plot_loss().axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), newton.history["loglik"].to_numpy())
    assert ax.get_ylabel() == "log-likelihood"


def test_linearity_panels_and_errors(res):
    fig = res.plot_linearity()
    titles = [a.get_xlabel() for a in fig.axes if a.get_visible()]
    assert titles == ["glucose", "mass", "age"]
    with pytest.raises(OptionError, match="ax= draws one predictor"):
        res.plot_linearity(ax=Figure().add_subplot())
    with pytest.raises(OptionError, match="not a continuous predictor"):
        res.plot_linearity("pressure")
