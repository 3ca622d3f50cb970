"""Figures for outcomes with K >= 3 levels (matplotlib, loaded lazily, Agg canvas).

:func:`plot_stacked_probabilities` draws the predicted probability of each level against one
predictor as stacked bands that fill [0, 1]: the height of band k at x is ``P(Y = level_k | x)``.
The caller supplies the predictions (typically over a grid of the predictor with the other
predictors held at typical values). A numeric predictor gives stacked areas; a categorical one
(text, boolean or Categorical values) gives stacked bars, one per category. Repeated x values are
averaged, and more than ``MAX_POINTS`` distinct x values are averaged within that many
equal-count bins (said in the caption), so the figure's size never grows with n.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import OptionError

#: At most this many x positions are drawn; beyond, x is binned (equal counts) and averaged.
MAX_POINTS = 400


def _palette(K: int):
    from matplotlib import colormaps

    # Ordered levels read naturally on a sequential map; viridis stays legible in grey.
    cmap = colormaps["viridis"]
    return [cmap(v) for v in np.linspace(0.1, 0.9, K)]


def _average_by(keys: np.ndarray, prob: np.ndarray):
    uniq, inverse = np.unique(keys, return_inverse=True)
    sums = np.zeros((uniq.size, prob.shape[1]))
    np.add.at(sums, inverse, prob)
    counts = np.bincount(inverse, minlength=uniq.size)
    return uniq, sums / counts[:, None]


def plot_stacked_probabilities(x, prob, levels, xlabel: str, ax=None, title: str | None = None):
    """Stacked predicted probabilities of each level against ``x``; returns the Axes.

    Parameters
    ----------
    x : (n,) values of the predictor (numeric, or categories).
    prob : (n, K) predicted probabilities, column k for ``levels[k]``; rows sum to 1.
    levels : the K level labels, in order (legend in this order, first level at the bottom).
    xlabel : the predictor's name for the x axis.
    ax : an Axes to draw on; by default a new Figure (not managed by pyplot).
    title : optional title.
    """
    import pandas as pd

    levels = [str(v) for v in levels]
    prob = np.asarray(prob, dtype=float)
    x_arr = np.asarray(x)
    K = len(levels)
    if prob.ndim != 2 or prob.shape[1] != K or prob.shape[0] != x_arr.shape[0]:
        raise OptionError(f"prob has shape {prob.shape}; expected ({x_arr.shape[0]}, {K}): one row per x value "
                          "and one column per level")
    if prob.shape[0] == 0:
        raise OptionError("plot_stacked_probabilities needs at least one x value")
    if not np.all(np.isfinite(prob)) or np.any(np.abs(prob.sum(axis=1) - 1.0) > 1e-6):
        raise OptionError("every row of prob must hold finite probabilities that sum to 1")
    if ax is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.4, 4.2), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
    colors = _palette(K)
    numeric = pd.api.types.is_numeric_dtype(x_arr.dtype) and not pd.api.types.is_bool_dtype(x_arr.dtype)
    caption = None
    if numeric:
        xv = x_arr.astype(float)
        ok = np.isfinite(xv)
        xs, ps = _average_by(xv[ok], prob[ok])
        if xs.size > MAX_POINTS:
            order = np.argsort(xv[ok], kind="mergesort")
            bins = np.arange(order.size) * MAX_POINTS // order.size
            _, ps = _average_by(bins, prob[ok][order])
            _, xs_binned = _average_by(bins, xv[ok][order][:, None])
            xs = xs_binned[:, 0]
            caption = f"{int(ok.sum())} rows averaged within {MAX_POINTS} equal-count bins of {xlabel}"
        ax.stackplot(xs, ps.T, labels=levels, colors=colors, alpha=0.9, linewidth=0.3, edgecolor="white")
        ax.set_xlim(xs.min(), xs.max()) if xs.size > 1 else None
    else:
        cats = pd.Categorical(x_arr)
        codes = cats.codes
        keep = codes >= 0
        uniq, ps = _average_by(codes[keep], prob[keep])
        names = [str(cats.categories[c]) for c in uniq]
        bottom = np.zeros(uniq.size)
        pos = np.arange(uniq.size)
        for k in range(K):
            ax.bar(pos, ps[:, k], bottom=bottom, color=colors[k], label=levels[k], width=0.7, edgecolor="white")
            bottom += ps[:, k]
        ax.set_xticks(pos, names)
    ax.set_ylim(0, 1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("predicted probability")
    if title:
        ax.set_title(title)
    # Legend in level order (the first level is the bottom band).
    ax.legend(title="level", loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    if caption:
        ax.annotate(caption, xy=(0, -0.18), xycoords="axes fraction", fontsize=7, color="#6b6b6b")
    return ax
