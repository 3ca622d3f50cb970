"""Figures of a fitted logistic regression (matplotlib, loaded lazily, Agg canvas).

Every function takes the results object and ``ax=None``: with an Axes it draws there,
otherwise it makes a new :class:`matplotlib.figure.Figure` (not managed by pyplot, so no
global state and no display backend is involved). Each returns the Figure.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import OptionError

BLUE = "#1f5a96"
RED = "#b2182b"
GREY = "#6b6b6b"

#: Plots that draw one mark per row draw at most this many (a display sample above it);
#: every number shown or reported is still computed on all rows.
DISPLAY_ROWS = 5000
#: Of the display sample of the influence plot, this many are the rows with the largest Cook's D.
DISPLAY_TOP = 500
#: Quantile bins of the binned smoother in the linearity plot.
SMOOTH_BINS = 100


def display_rows(n: int, must: np.ndarray | None = None, size: int = DISPLAY_ROWS) -> np.ndarray | None:
    """Sorted row indices to draw when ``n > size`` (``must`` always included, the rest a
    random sample with a fixed seed), or None when every row is drawn."""
    if n <= size:
        return None
    must = np.zeros(0, dtype=np.intp) if must is None else np.asarray(must, dtype=np.intp)
    rng = np.random.default_rng(20240601)
    free = np.ones(n, dtype=bool)
    free[must] = False
    pool = np.flatnonzero(free)
    rest = pool[rng.choice(pool.size, size=max(size - must.size, 0), replace=False)]
    return np.sort(np.concatenate([must, rest]))


def quantile_bin_sums(x: np.ndarray, v: np.ndarray, bins: int, coarse: int | None = None):
    """Counts and sums of ``x`` and ``v`` in ``bins`` quantile bins of ``x`` (ties kept in one
    bin, the top bin closed), and, when ``coarse`` divides ``bins``, the same for ``coarse``
    quantile bins, whose edges are a subset of the fine ones (one sort-free pass over x)."""
    probs = np.linspace(0, 1, bins + 1)
    q = np.quantile(x, probs)
    edges = np.unique(q)
    if len(edges) < 2:
        one = (np.array([float(x.size)]), np.array([x.sum()]), np.array([v.sum()]))
        return one, one
    idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    m = len(edges) - 1
    fine = (np.bincount(idx, minlength=m).astype(float), np.bincount(idx, weights=x, minlength=m),
            np.bincount(idx, weights=v, minlength=m))
    if coarse is None:
        return fine, None
    cedges = np.unique(q[:: bins // coarse])
    if len(cedges) < 2:
        return fine, (fine[0].sum(keepdims=True), fine[1].sum(keepdims=True), fine[2].sum(keepdims=True))
    group = np.clip(np.searchsorted(cedges, edges[:-1], side="right") - 1, 0, len(cedges) - 2)
    return fine, tuple(np.bincount(group, weights=a, minlength=len(cedges) - 1) for a in fine)


def binned_smooth(x: np.ndarray, v: np.ndarray, bins: int = SMOOTH_BINS, frac: float = 2 / 3, sums=None):
    """Lowess-type smooth of ``v`` on ``x`` computed on quantile-bin means: a local-linear fit
    at each bin mean, tricube weights times the bin counts, span = the nearest bins holding
    ``frac`` of the rows. O(n) to bin, O(bins^2) to smooth (lowess on all rows is O(n^2)).
    ``sums``: the bins' (counts, sums of x, sums of v) if already computed."""
    counts, sx, sv = quantile_bin_sums(x, v, bins)[0] if sums is None else sums
    keep = counts > 0
    cnt = counts[keep]
    xm = sx[keep] / cnt
    vm = sv[keep] / cnt
    at = np.unique(np.r_[x.min(), xm, x.max()])  # the bin means and the ends of the data
    out = np.empty(len(at))
    for i, x0 in enumerate(at):
        d = np.abs(xm - x0)
        order = np.argsort(d, kind="stable")
        reach = np.searchsorted(np.cumsum(cnt[order]), frac * cnt.sum())
        h = max(d[order][min(reach, len(d) - 1)], 1e-12 * (1.0 + abs(x0)))
        w = cnt * np.clip(1 - (d / (h * 1.000001)) ** 3, 0, None) ** 3
        sw = w.sum()
        mx, mv = w @ xm / sw, w @ vm / sw
        sxx = w @ (xm - mx) ** 2
        slope = (w @ ((xm - mx) * (vm - mv)) / sxx) if sxx > 0 else 0.0
        out[i] = mv + slope * (x0 - mx)
    return at, out


def _axes(ax, size=(6.4, 4.2)):
    if ax is not None:
        return ax.figure, ax
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _style(ax) -> None:
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.grid(True, color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)


def _log_axis(ax, lo: float, hi: float) -> None:
    """Log-scaled x axis with plain-number tick labels (1.02, 1.1, 2, 10) at readable spacing."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

    ax.set_xscale("log")
    if hi / lo < 20:  # narrow range: evenly spaced round numbers read better than decades
        ticks = [t for t in MaxNLocator(nbins=6).tick_values(lo, hi) if t > 0]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.6g}"))
    pad = (hi / lo) ** 0.04
    ax.set_xlim(lo / pad, hi * pad)


def forest(res, ax=None, alpha: float = 0.05, method: str = "profile", intercept: bool = False,
           progress: bool = False, units: dict | None = None):
    """Odds ratios with their confidence intervals on a log axis (1 = no effect).

    ``units={"age": 10}`` draws the odds ratio of ``age`` per 10 units (as the report's table);
    rows are labelled with the display labels of :func:`statlogit.report.tables.coefficient_labels`.
    """
    import pandas as pd

    from .sentences import unit_multipliers
    from .tables import coefficient_labels

    mult = unit_multipliers(res, units)
    k = pd.Series(mult, dtype=float)[res.names]
    ci = res.conf_int(alpha, method, progress=progress)
    with np.errstate(over="ignore"):
        table = pd.DataFrame({"odds_ratio": np.exp(k * res.params), "lower": np.exp(k * ci["lower"]),
                              "upper": np.exp(k * ci["upper"])})
    labels = coefficient_labels(res.design)
    table.index = [labels[n] + (f" (per {k[n]:g})" if k[n] != 1 else "") for n in res.names]
    names = dict(zip(table.index, res.names))
    if not intercept and res.has_intercept:
        table = table[[names[i] != res.names[res.design.intercept_index] for i in table.index]]
    if table.empty:
        raise OptionError("the model has no coefficients besides the intercept; pass intercept=True")
    finite = np.isfinite(table.to_numpy()).all(axis=1) & (table.to_numpy() > 0).all(axis=1)
    if not finite.any():
        raise OptionError("no odds ratio has a finite, positive confidence interval (separation?); nothing to plot")
    hidden = [str(n) for n in table.index[~finite]]
    table = table[finite]
    fig, ax = _axes(ax, (6.4, 1.2 + 0.45 * len(table)))
    ypos = np.arange(len(table))[::-1]
    orr, lo, hi = (table[c].to_numpy() for c in ("odds_ratio", "lower", "upper"))
    ax.hlines(ypos, lo, hi, color=BLUE, linewidth=2)
    ax.plot(orr, ypos, "o", color=BLUE, markersize=6)
    ax.axvline(1.0, color=GREY, linestyle="--", linewidth=1)
    _log_axis(ax, min(lo.min(), 1.0), max(hi.max(), 1.0))
    ax.set_yticks(ypos, [str(n) for n in table.index])
    ax.set_ylim(-0.7, len(table) - 0.3)
    label = "profile-likelihood" if method == "profile" else "Wald"
    per = "per unit unless stated" if (k != 1).any() else "per unit"
    ax.set_xlabel(f"odds ratio {per} ({100 * (1 - alpha):g}% {label} CI, log scale)")
    ax.set_title("Odds ratios" + (f"\n(not shown, infinite or zero: {', '.join(hidden)})" if hidden else ""))
    _style(ax)
    return fig


def _unit_square(ax, xlabel: str, ylabel: str, title: str, legend_loc: str, top: float = 1.0) -> None:
    """Axes for a plot of probabilities against probabilities (ROC, calibration)."""
    ax.set_xlim(0, 1)
    ax.set_ylim(0, top)
    ax.set_aspect("equal")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc=legend_loc, frameon=False)
    _style(ax)


def roc(res, ax=None):
    """ROC curve of the fitted probabilities, with the AUC in the legend."""
    curve = res.roc()
    auc = float(res.classification()["auc"])
    if len(curve) > DISPLAY_ROWS:  # a monotone curve: evenly spaced vertices draw it to within a pixel
        curve = curve.iloc[np.unique(np.linspace(0, len(curve) - 1, DISPLAY_ROWS).round().astype(int))]
    fig, ax = _axes(ax, (4.8, 4.6))
    ax.plot(curve["fpr"], curve["tpr"], color=BLUE, linewidth=2, label=f"model (AUC = {auc:.3f})")
    ax.plot([0, 1], [0, 1], color=GREY, linestyle="--", linewidth=1, label="chance (AUC = 0.5)")
    _unit_square(ax, "false-positive rate (1 - specificity)", "true-positive rate (sensitivity)",
                 "ROC curve", "lower right", top=1.01)
    return fig


def calibration(res, ax=None, bins: int = 10, alpha: float = 0.05):
    """Observed event rate against mean predicted probability per bin, with Wilson CIs."""
    from scipy.special import ndtri

    table = res.calibration(bins=bins)
    n = table["n"].to_numpy(dtype=float)
    pred = table["mean_predicted"].to_numpy(dtype=float)
    obs = table["observed_rate"].to_numpy(dtype=float)
    z = float(ndtri(1 - alpha / 2))
    # Wilson score interval for each bin's observed proportion.
    centre = (obs + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(obs * (1 - obs) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    fig, ax = _axes(ax, (4.8, 4.6))
    ax.plot([0, 1], [0, 1], color=GREY, linestyle="--", linewidth=1, label="perfect calibration")
    # A bin with 0 (or all) events has its Wilson limit at the observed rate; rounding can put
    # the difference a hair below 0 (-3.5e-18), which matplotlib refuses.
    below = np.maximum(obs - (centre - half), 0.0)
    above = np.maximum((centre + half) - obs, 0.0)
    ax.errorbar(pred, obs, yerr=[below, above], fmt="o", color=BLUE,
                ecolor=BLUE, elinewidth=1, capsize=2, label=f"bins ({100 * (1 - alpha):g}% Wilson CI)")
    _unit_square(ax, "mean predicted probability", "observed event rate", "Calibration", "upper left")
    return fig


def influence(res, ax=None, label: int = 5):
    """Leverage against studentized residual; marker area proportional to Cook's distance.

    Reference lines: leverage at 2p/n and 3p/n, studentized residual at -2 and 2; the
    ``label`` rows with the largest Cook's distance are labelled with their row label.
    """
    table = res.influence().table
    h = table["hat"].to_numpy(dtype=float)
    r = table["rstudent"].to_numpy(dtype=float)
    cooks = table["cooks"].to_numpy(dtype=float)
    p, n = res.k_params, res.nobs
    fig, ax = _axes(ax, (6.4, 4.6))
    size = 10 + 600 * cooks / max(float(np.nanmax(cooks)), 1e-300)
    top = min(DISPLAY_TOP, n)
    shown = display_rows(n, np.argpartition(-cooks, top - 1)[:top] if n > DISPLAY_ROWS else None)
    sel = slice(None) if shown is None else shown
    ax.scatter(h[sel], r[sel], s=size[sel], facecolors="none", edgecolors=BLUE, linewidths=0.8, alpha=0.8)
    for mult, style in ((2, ":"), (3, "--")):
        ax.axvline(mult * p / n, color=GREY, linestyle=style, linewidth=1, label=f"leverage {mult}p/n")
    for v in (-2, 2):
        ax.axhline(v, color=RED, linestyle=":", linewidth=1)
    ax.axhline(0, color=GREY, linewidth=0.6)
    for i, offset in zip(_labelled_points(h, r, cooks, label), _LABEL_OFFSETS * (1 + int(label) // 4)):
        ax.annotate(str(table.index[i]), (h[i], r[i]), textcoords="offset points", xytext=offset, fontsize=8,
                    arrowprops={"arrowstyle": "-", "color": GREY, "linewidth": 0.5},
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    ax.set_xlabel("leverage (hat value)")
    ax.set_ylabel("studentized residual")
    ax.set_title("Influence (marker area: Cook's distance)"
                 + ("" if shown is None else f"\n{len(shown):,} of {n:,} rows shown (the {top:,} largest D + a random sample)"),
                 fontsize=None if shown is None else 10)
    ax.legend(loc="best", frameon=False, fontsize=8)
    _style(ax)
    return fig


_LABEL_OFFSETS = [(6, 8), (6, -12), (-28, 8), (-28, -12)]


def _labelled_points(h: np.ndarray, r: np.ndarray, cooks: np.ndarray, label: int) -> list[int]:
    """Rows to label: up to ``label`` with the largest Cook's distance, skipping any that would
    sit on top of one already labelled (within 3% of both axis ranges), so labels stay legible."""
    hx = max(float(np.ptp(h)), 1e-12)
    ry = max(float(np.ptp(r)), 1e-12)
    chosen: list[int] = []
    for i in np.argsort(-cooks, kind="stable"):
        if len(chosen) >= max(int(label), 0):
            break
        if all(abs(h[i] - h[j]) > 0.03 * hx or abs(r[i] - r[j]) > 0.03 * ry for j in chosen):
            chosen.append(int(i))
    return chosen


def _component_residuals(res, predictor: str):
    """Partial (component + residual) values on the logit scale, as car::crPlots for a glm."""
    d = res.design
    term = next((t for t in d.terms if t.kind == "numeric" and t.variable == predictor), None)
    if term is None:
        from .effects import continuous_predictors

        raise OptionError(f"{predictor!r} is not a continuous predictor of the model; choose one of "
                          f"{', '.join(map(repr, continuous_predictors(res))) or 'none'}")
    j = term.columns[0]
    x = d.X[:, j]
    p = res._fitted
    b = float(res.params.iloc[j])
    with np.errstate(divide="ignore", invalid="ignore"):
        # Rows fitted at exactly 0 or 1 have no working residual (they are not drawn).
        working = (d.y - p) / (p * (1 - p))
    ok = np.isfinite(working)
    return x[ok], working[ok] + b * x[ok], b


def linearity(res, predictors=None, ax=None, bins: int = 10):
    """Component-plus-residual plot per continuous predictor with a binned smoother.

    Points are bin means of the partial residuals ``(y - p)/(p(1 - p)) + b_j x_j`` over
    quantile bins of ``x_j``; the line is the model's linear term ``b_j x_j``; the curve is a
    lowess-type smooth of all partial residuals through their means in 100 quantile bins
    (:func:`binned_smooth`: O(n), where lowess on every row is O(n^2)). A curve that bends
    away from the line says the effect is not linear on the log-odds scale (compare Box-Tidwell).
    """
    from .effects import continuous_predictors

    names = continuous_predictors(res) if predictors is None else (
        [predictors] if isinstance(predictors, str) else list(predictors))
    if not names:
        raise OptionError("the model has no continuous predictor (numeric main effect with more than two values)")
    if ax is not None and len(names) != 1:
        raise OptionError(f"ax= draws one predictor; pass predictors='{names[0]}' (one of {', '.join(names)})")
    if ax is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        ncol = min(len(names), 2)  # two panels a row stay legible on a phone
        nrow = -(-len(names) // ncol)
        fig = Figure(figsize=(3.5 * ncol + 0.4, 3.0 * nrow + 0.5), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrow, ncol, squeeze=False).ravel()
        for extra in axes[len(names):]:
            extra.set_visible(False)
    else:
        fig, axes = ax.figure, [ax]
    def panel(name):
        x, partial, b = _component_residuals(res, name)
        # one binning pass gives the smoother's fine bins and the plotted coarse bins
        fine, coarse = quantile_bin_sums(x, partial, SMOOTH_BINS, bins if SMOOTH_BINS % bins == 0 else None)
        if coarse is None:
            coarse = quantile_bin_sums(x, partial, bins)[0]
        keep = coarse[0] > 0
        return (float(x.min()), float(x.max()), b, coarse[1][keep] / coarse[0][keep],
                coarse[2][keep] / coarse[0][keep], *binned_smooth(x, partial, sums=fine))

    if len(names) > 1 and res.nobs >= 100_000:  # partition/searchsorted release the GIL: one predictor a core
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            panels = list(pool.map(panel, names))
    else:
        panels = [panel(name) for name in names]
    for a, name, (lo, hi, b, xm, pm, sx, sy) in zip(axes, names, panels):
        grid = np.linspace(lo, hi, 50)
        a.plot(grid, b * grid, color=GREY, linestyle="--", linewidth=1, label="linear term")
        a.plot(sx, sy, color=RED, linewidth=1.6, label="smoother (binned)")
        a.plot(xm, pm, "o", color=BLUE, markersize=4, label="bin means")
        a.set_xlabel(name)
        a.set_ylabel("partial residual (log-odds)")
        _style(a)
    axes[0].legend(loc="best", frameon=False, fontsize=8)
    fig.suptitle("Linearity of the log-odds (component + residual)")
    return fig


def effect(res, predictor: str | None = None, ax=None, data=None, at: dict | None = None,
           alpha: float = 0.05, n_points: int = 200):
    """Predicted probability of the event across ``predictor``, others at typical values.

    The band is the pointwise delta-method interval of ``res.predict(..., interval=True)``
    (computed on the logit scale, so it stays inside 0 and 1). Observed outcomes are shown
    as ticks at 0 and 1.
    """
    from .effects import continuous_predictors, effect_grid, predictor_values

    if predictor is None:
        names = continuous_predictors(res)
        if not names:
            raise OptionError("the model has no continuous predictor; pass predictor= and data=")
        column = {t.variable: t.columns[0] for t in res.design.terms if t.kind == "numeric"}
        z = np.abs(res.zvalues.to_numpy())
        predictor = max(names, key=lambda v: z[column[v]])
    grid, held = effect_grid(res, predictor, data=data, n_points=n_points, at=at)
    pred = res.predict(grid, interval=True, alpha=alpha)
    x = grid[predictor].to_numpy(dtype=float)
    fig, ax = _axes(ax)
    ax.fill_between(x, pred["lower"], pred["upper"], color=BLUE, alpha=0.18, linewidth=0,
                    label=f"{100 * (1 - alpha):g}% CI")
    ax.plot(x, pred["prob"], color=BLUE, linewidth=2, label="predicted probability")
    xo = predictor_values(res, predictor, data)
    yo = res.design.y
    shown = display_rows(len(yo))
    if shown is not None:
        xo, yo = np.asarray(xo)[shown], yo[shown]
    ax.plot(xo, yo + np.where(yo > 0, -0.015, 0.015), "|", color=GREY, alpha=0.35, markersize=6)
    ax.set_ylim(-0.03, 1.03)
    held_text = ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}" for k, v in held.items())
    import textwrap

    # Wrapped, so a long list of held values is never cut off at the figure's edges.
    caption = textwrap.fill(f"(others at {held_text})", width=80) if held_text else ""
    ax.set_xlabel(predictor + (f"\n{caption}" if caption else ""), fontsize=9 if caption else None)
    ax.set_ylabel(f"P({res.design.event_label()})")
    ax.set_title(f"Predicted probability by {predictor}")
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    _style(ax)
    return fig


def loss(res, ax=None):
    """Loss per iteration: mean negative log-likelihood for gd/sgd, log-likelihood otherwise."""
    hist = res.history
    if hist.empty:
        raise OptionError("this fit recorded no iterations to plot")
    fig, ax = _axes(ax)
    it = hist["iteration"].to_numpy()
    if "loss" in hist.columns:
        ax.plot(it, hist["loss"], color=BLUE, linewidth=1.6, marker="o" if len(it) <= 40 else None, markersize=3)
        ax.set_ylabel("loss (mean negative log-likelihood)")
        unit = "epoch" if res.method == "sgd" else "iteration"
    else:
        ax.plot(it, hist["loglik"], color=BLUE, linewidth=1.6, marker="o", markersize=4)
        ax.set_ylabel("log-likelihood")
        unit = "iteration"
    ax.set_xlabel(unit)
    status = "converged" if res.converged else "not converged"
    ax.set_title(f"{res.method}: {res.n_iter} {unit}s, {status}")
    _style(ax)
    return fig


PLOTS = {"forest": forest, "roc": roc, "calibration": calibration, "influence": influence,
         "linearity": linearity, "effect": effect, "loss": loss}
