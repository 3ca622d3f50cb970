"""Figures of a regularization path and its cross-validation (matplotlib, lazy)."""

from __future__ import annotations

import numpy as np

from ..report.plots import BLUE, GREY, RED, _axes, _style


def plot_path(path, ax=None, label: bool = True):
    """Each coefficient (original scale) against log(lambda); the intercept is left out."""
    fig, ax = _axes(ax)
    coefs = path.coefs
    icpt = path.model.design.intercept_index
    if icpt is not None:
        coefs = coefs.drop(columns=coefs.columns[icpt])
    x = np.log(path.lambdas)
    for name in coefs.columns:
        line, = ax.plot(x, coefs[name].to_numpy(), linewidth=1.2)
        if label:
            ax.annotate(str(name), (x[-1], coefs[name].iloc[-1]), fontsize=7, color=line.get_color(),
                        xytext=(3, 0), textcoords="offset points", va="center")
    ax.axhline(0.0, color=GREY, linewidth=0.6)
    ax.invert_xaxis()
    ax.set_xlabel("log(lambda)")
    ax.set_ylabel("coefficient (original scale)")
    ax.set_title(f"Regularization path ({path.penalty}, l1_ratio = {path.l1_ratio:g})")
    _style(ax)
    return fig


def plot_cv(cv, ax=None):
    """CV mean +/- 1 SE against log(lambda), with lambda_min and lambda_1se marked."""
    fig, ax = _axes(ax)
    t = cv.table
    x = np.log(t.index.to_numpy())
    ax.errorbar(x, t["mean"], yerr=t["se"], fmt="o", markersize=3, color=RED, ecolor=GREY, elinewidth=0.8)
    ax.axvline(np.log(cv.lambda_min), color=BLUE, linestyle="--", linewidth=1,
               label=f"lambda_min = {cv.lambda_min:.3g}")
    ax.axvline(np.log(cv.lambda_1se), color=GREY, linestyle=":", linewidth=1.2,
               label=f"lambda_1se = {cv.lambda_1se:.3g}")
    ax.invert_xaxis()
    ax.set_xlabel("log(lambda)")
    ax.set_ylabel({"deviance": "binomial deviance", "auc": "AUC",
                   "misclassification": "misclassification rate"}[cv.measure])
    ax.set_title(f"{cv.folds}-fold cross-validation")
    ax.legend(frameon=False, fontsize=8)
    _style(ax)
    return fig


def plot_objective(res, ax=None):
    """The penalized objective per outer iteration of one fit (log of its KKT violation on a twin axis)."""
    hist = res.history
    fig, ax = _axes(ax)
    it = hist["iteration"].to_numpy()
    ax.plot(it, hist["objective"], color=BLUE, marker="o", markersize=4, linewidth=1.6)
    ax.set_xlabel("iteration")
    ax.set_ylabel("penalized objective")
    kkt = ax.twinx()
    kkt.semilogy(it, np.maximum(hist["kkt"].to_numpy(), 1e-300), color=GREY, linestyle=":", marker=".")
    kkt.set_ylabel("KKT violation (working scale)")
    ax.set_title(f"coordinate descent: {res.n_iter} iterations, {'converged' if res.converged else 'not converged'}")
    _style(ax)
    return fig
