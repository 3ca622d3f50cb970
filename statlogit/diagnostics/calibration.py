"""Goodness of fit: Hosmer-Lemeshow test and a calibration table.

Hosmer-Lemeshow as ResourceSelection's ``hoslem.test``: cut points
``unique(quantile(p, 0:g/g))`` (quantile type 7, numpy's default "linear"), bins closed
on the right with the lowest value included, so tied probabilities share a bin; the
statistic sums ``(O - E)^2 / E`` over events and non-events of every bin, referred to a
chi-square with ``bins - 2`` degrees of freedom (``bins`` = number of non-empty bins).

Prior weights are treated as frequency weights (cut points are quantiles of the expanded
data, counts are weight sums), so a weighted fit gives the statistic of the expanded rows.

Reference: Hosmer DW, Lemeshow S (1980) Commun Stat A 9:1043-1069; Lele SR et al.,
ResourceSelection (R package).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import chdtrc

from ..exceptions import OptionError
from ._common import DiagnosticError


def _check_groups(name: str, g) -> int:
    if not (isinstance(g, int | np.integer) and not isinstance(g, bool) and g >= 2):
        raise OptionError(f"{name}={g!r} is not valid; it must be an integer >= 2 (10 is usual)")
    return int(g)


def frequency_quantiles(p: np.ndarray, w: np.ndarray | None, qs: np.ndarray) -> np.ndarray:
    """R's type-7 quantiles of ``p`` with each value repeated ``w`` times (frequency weights).

    Without weights this is ``np.quantile(p, qs)``. With weights the sorted expanded
    vector is never built: its k-th element is the first value whose cumulative weight
    exceeds k.
    """
    if w is None:
        return np.quantile(p, qs)
    keep = w > 0
    order = np.argsort(p[keep], kind="mergesort")
    ps, cw = p[keep][order], np.cumsum(w[keep][order])
    h = (cw[-1] - 1.0) * np.asarray(qs)
    lo = np.floor(h)

    def at(k):
        return ps[np.minimum(np.searchsorted(cw, k, side="right"), ps.size - 1)]

    return at(lo) + (h - lo) * (at(lo + 1) - at(lo))


def quantile_bins(p: np.ndarray, groups: int, w: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Bin index (0-based) of every probability and the cut points, as ``hoslem.test``."""
    cuts = np.unique(frequency_quantiles(p, w, np.linspace(0.0, 1.0, groups + 1)))
    if cuts.size == 1:
        return np.zeros(p.shape[0], dtype=np.intp), np.r_[cuts, cuts]
    idx = np.searchsorted(cuts, p, side="left")  # cuts[i-1] < p <= cuts[i] -> i
    return np.clip(idx, 1, cuts.size - 1) - 1, cuts


@dataclass(frozen=True)
class HosmerLemeshowResult:
    """``statistic``, ``df``, ``pvalue`` and the per-bin ``table``."""

    statistic: float
    df: int
    pvalue: float
    table: pd.DataFrame
    groups: int

    def __repr__(self) -> str:
        return f"<HosmerLemeshowResult statistic={self.statistic:.4g} df={self.df} pvalue={self.pvalue:.4g}>"


def _binned_sums(res, groups: int):
    """Cut points and, per quantile bin of fitted risk, the (weighted) count, observed events
    and expected events (sum of fitted probabilities): what both the test and the table use."""
    p = np.asarray(res._fitted, dtype=float)
    y = res.design.y
    w = res.model.weights
    ww = np.ones_like(p) if w is None else w
    b, cuts = quantile_bins(p, groups, w)
    k = cuts.size - 1
    return (cuts, np.bincount(b, weights=ww, minlength=k), np.bincount(b, weights=ww * y, minlength=k),
            np.bincount(b, weights=ww * p, minlength=k))


def hosmer_lemeshow(res, groups: int = 10) -> HosmerLemeshowResult:
    """Hosmer-Lemeshow goodness-of-fit test with ``groups`` quantile groups of fitted risk."""
    groups = _check_groups("groups", groups)
    cuts, n, o1, e1 = _binned_sums(res, groups)
    k = cuts.size - 1
    o0, e0 = n - o1, n - e1
    df = k - 2
    if df < 1:
        raise DiagnosticError(
            f"the fitted probabilities take too few distinct values to form groups: {k} bin(s) from "
            f"groups={groups}, so the Hosmer-Lemeshow test has {df} degrees of freedom"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(e1 > 0, (o1 - e1) ** 2 / e1, 0.0) + np.where(e0 > 0, (o0 - e0) ** 2 / e0, 0.0)
    stat = float(terms.sum())
    table = pd.DataFrame({
        "lower": cuts[:-1], "upper": cuts[1:], "n": _counts(n),
        "observed_events": o1, "expected_events": e1,
        "observed_non_events": o0, "expected_non_events": e0,
    }, index=pd.RangeIndex(1, k + 1, name="group"))
    return HosmerLemeshowResult(statistic=stat, df=df, pvalue=float(chdtrc(df, stat)), table=table, groups=groups)


def _counts(n: np.ndarray) -> np.ndarray:
    """Whole numbers as integers (no weights, or frequency weights), else the weight sums."""
    return n.astype(int) if np.all(n == np.round(n)) else n


def calibration(res, bins: int = 10) -> pd.DataFrame:
    """Mean predicted probability vs observed event rate in ``bins`` quantile bins of fitted
    risk (the same grouping as Hosmer-Lemeshow; ties share a bin, so there may be fewer).

    Columns ``bin`` (1, 2, ...), ``n``, ``mean_predicted``, ``observed_rate``, ``lower``, ``upper``.
    """
    bins = _check_groups("bins", bins)
    cuts, n, events, expected = _binned_sums(res, bins)
    keep = n > 0
    mp = expected[keep] / n[keep]
    ob = events[keep] / n[keep]
    return pd.DataFrame({
        "bin": np.arange(1, keep.sum() + 1), "n": _counts(n[keep]), "mean_predicted": mp,
        "observed_rate": ob, "lower": cuts[:-1][keep], "upper": cuts[1:][keep],
    })
