"""plot_stacked_probabilities draws bands that stack to 1, in level order, and returns the axes."""

from __future__ import annotations

import numpy as np
import pytest
from multiclass_helpers import womenlf

from statlogit.exceptions import OptionError
from statlogit.models.multinomial_kernel import multinomial_probabilities
from statlogit.report.multiclass_plots import plot_stacked_probabilities


def _grid():
    X, y, names, ref = womenlf()
    theta = np.array(ref["coef"]).ravel()
    grid = np.linspace(1, 45, 60)
    G = np.tile(X.mean(axis=0), (grid.size, 1))
    G[:, 1] = grid
    return grid, multinomial_probabilities(G, theta, 3), ref["response_levels"]


def test_numeric_predictor_draws_stacked_areas_in_level_order():
    grid, prob, levels = _grid()
    ax = plot_stacked_probabilities(grid, prob, levels, "hincome", title="Participation by income")
    assert ax.get_xlabel() == "hincome" and ax.get_title() == "Participation by income"
    assert ax.get_ylim() == (0.0, 1.0)
    polys = ax.collections
    assert len(polys) == 3
    # band k spans [cumsum_{<k}, cumsum_{<=k}] at every x: the bands stack to 1
    cum = np.cumsum(prob, axis=1)
    for k, poly in enumerate(polys):
        verts = poly.get_paths()[0].vertices
        for i in (0, 17, len(grid) - 1):
            ys = verts[np.isclose(verts[:, 0], grid[i]), 1]
            assert ys.max() == pytest.approx(cum[i, k], abs=1e-12)
            assert ys.min() == pytest.approx(cum[i, k - 1] if k else 0.0, abs=1e-12)
    assert cum[:, -1] == pytest.approx(1.0)
    assert prob[-1, 0] > prob[0, 0] + 0.2  # P(not.work) rises with husband's income (the bottom band grows)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == levels and ax.get_legend().get_title().get_text() == "level"


def test_categorical_predictor_draws_stacked_bars_and_uses_given_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    ax0 = fig.add_subplot()
    x = np.array(["Ontario", "BC", "Ontario", "Quebec"])
    prob = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.4, 0.3, 0.3], [0.1, 0.1, 0.8]])
    ax = plot_stacked_probabilities(x, prob, ["a", "b", "c"], "region", ax=ax0)
    assert ax is ax0
    assert [t.get_text() for t in ax.get_xticklabels()] == ["BC", "Ontario", "Quebec"]
    bars = ax.patches
    assert len(bars) == 9
    heights = np.array([b.get_height() for b in bars]).reshape(3, 3)  # level-major
    np.testing.assert_allclose(heights.sum(axis=0), 1.0)
    np.testing.assert_allclose(heights[:, 1], [0.3, 0.3, 0.4])  # Ontario: mean of its two rows


def test_many_rows_are_binned_with_a_caption():
    rng = np.random.default_rng(0)
    x = rng.normal(size=5000)
    p1 = 1 / (1 + np.exp(-x))
    prob = np.column_stack([(1 - p1) / 2, (1 - p1) / 2, p1])
    ax = plot_stacked_probabilities(x, prob, ["l", "m", "h"], "x")
    verts = ax.collections[0].get_paths()[0].vertices
    assert len(verts) < 2 * 400 + 10
    assert any("equal-count bins" in t.get_text() for t in ax.texts)


def test_rows_that_do_not_sum_to_one_are_refused():
    with pytest.raises(OptionError, match="sum to 1"):
        plot_stacked_probabilities(np.arange(3), np.full((3, 3), 0.5), ["a", "b", "c"], "x")
