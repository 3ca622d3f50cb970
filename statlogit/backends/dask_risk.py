"""Fitted-risk summaries of a Dask fit in one pass: exact sums and a fine histogram of the logit.

Each partition returns, for the linear predictor ``eta`` of its rows, a histogram on the
logit scale (bins of width ``BIN_WIDTH`` = 0.001 on [-30, 30], plus one bin below and one
above) holding the row count, the event count and the sum of fitted probabilities, together
with exact sums: fitted probabilities of events and of non-events (Tjur's R²), the Brier
score, and the confusion counts at the thresholds asked for. These are added over the
partitions; no row reaches the driver.

What is exact and what is approximate:

* exact: Tjur's R², Brier score, confusion counts, accuracy, precision, recall, F1, and in
  Hosmer-Lemeshow each group's observed and expected counts *for the groups used*;
* Hosmer-Lemeshow: exactly ``hoslem.test``. The histogram locates the two order statistics
  around each quantile cut point; a second pass brings back the fitted probabilities of the
  rows in those few bins only (``rows_at_cuts`` of them), which gives the exact cut points
  and the exact groups. Should those bins hold more than ``MAX_CUT_ROWS`` rows (a very
  coarse risk distribution), the cuts are instead moved to the bin edges (``exact=False``;
  only rows sharing a bin with a cut can then be grouped differently);
* AUC: pairs of an event and a non-event in the same bin count 1/2 (as ties), so
  ``|AUC - exact| <= 0.5 * sum_b events_b * non_events_b / (events * non_events)``, the
  ``auc_error_bound`` reported with it;
* ROC: one point per non-empty bin (thresholds at bin edges), not per distinct probability.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..diagnostics.calibration import HosmerLemeshowResult, _check_groups, _counts
from ..exceptions import OptionError, StatlogitError

EDGE = 30.0
BIN_WIDTH = 1e-3
N_BINS = int(round(2 * EDGE / BIN_WIDTH))  # interior bins; index 0 below -EDGE, N_BINS + 1 above EDGE
#: Most rows brought to the driver by the exact Hosmer-Lemeshow pass.
MAX_CUT_ROWS = 2_000_000


def bin_edges() -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper logit edge of every bin (the outer bins reach -inf and +inf)."""
    inner = -EDGE + BIN_WIDTH * np.arange(N_BINS + 1)
    return np.r_[-np.inf, inner], np.r_[inner, np.inf]


def _risk_part(part, spec, label, beta, thresholds):
    from scipy.special import expit

    from ..exceptions import DistributedError
    from .dask_partition import partition_design

    try:
        X, y = partition_design(part, spec)
        eta = X @ beta
        p = expit(eta)
        b = _bins(eta)
        m = N_BINS + 2
        pe = float(p @ y)
        return {
            "n": np.bincount(b, minlength=m).astype(float), "events": np.bincount(b, weights=y, minlength=m),
            "sum_p": np.bincount(b, weights=p, minlength=m), "sum_p_events": pe, "sum_p_non_events": float(p.sum()) - pe,
            "brier": float(((p - y) ** 2).sum()),
            "confusion": {t: (float(np.count_nonzero(p >= t)), float(y[p >= t].sum())) for t in thresholds},
        }
    except StatlogitError as exc:
        raise type(exc)(f"{label}: {exc}") from exc
    except Exception as exc:
        raise DistributedError(f"{label}: {type(exc).__name__}: {exc}") from exc


def _bins(eta: np.ndarray) -> np.ndarray:
    return np.clip(np.floor((eta + EDGE) / BIN_WIDTH), -1, N_BINS).astype(np.int64) + 1


def _cut_rows_part(part, spec, label, beta, wanted):
    """Fitted probability and outcome of the rows whose logit bin is in ``wanted``."""
    from scipy.special import expit

    from ..exceptions import DistributedError
    from .dask_partition import partition_design

    try:
        X, y = partition_design(part, spec)
        eta = X @ beta
        keep = np.isin(_bins(eta), wanted)
        return {"p": expit(eta[keep]), "y": y[keep]}
    except StatlogitError as exc:
        raise type(exc)(f"{label}: {exc}") from exc
    except Exception as exc:
        raise DistributedError(f"{label}: {type(exc).__name__}: {exc}") from exc


def _concat(parts: list[dict]) -> dict:
    return {"p": np.concatenate([s["p"] for s in parts]), "y": np.concatenate([s["y"] for s in parts])}


def _add(parts: list[dict]) -> dict:
    out = dict(parts[0])
    for s in parts[1:]:
        for k in ("n", "events", "sum_p", "sum_p_events", "sum_p_non_events", "brier"):
            out[k] = out[k] + s[k]
        out["confusion"] = {t: (a[0] + s["confusion"][t][0], a[1] + s["confusion"][t][1])
                            for t, a in out["confusion"].items()}
    return out


@dataclass(frozen=True)
class RiskSummary:
    """Sums over every row of a Dask fit (see the module docstring)."""

    n: np.ndarray
    events_by_bin: np.ndarray
    sum_p: np.ndarray
    sum_p_events: float
    sum_p_non_events: float
    brier_sum: float
    confusion: dict = field(default_factory=dict)

    @property
    def events(self) -> float:
        return float(self.events_by_bin.sum())

    @property
    def non_events(self) -> float:
        return float(self.n.sum()) - self.events


def risk_summary(res, thresholds: tuple[float, ...] = ()) -> RiskSummary:
    import dask

    from .dask_design import tree_reduce

    d = res.design
    beta = np.asarray(res.fit_info.params, dtype=float)
    spec_d = dask.delayed(d.spec, pure=True)
    tasks = [dask.delayed(_risk_part, pure=True)(p, spec_d, d.labels[i], beta, thresholds)
             for i, p in enumerate(d.frame.to_delayed())]
    out = res.model.engine.compute(tree_reduce(tasks, _add), "the fitted-risk summary")
    return RiskSummary(out["n"], out["events"], out["sum_p"], out["sum_p_events"], out["sum_p_non_events"],
                       out["brier"], out["confusion"])


@dataclass(frozen=True, repr=False)
class DaskHosmerLemeshowResult(HosmerLemeshowResult):
    """Hosmer-Lemeshow on Dask: ``exact`` (the groups of ``hoslem.test``), ``rows_at_cuts`` (rows
    in the bins holding a cut point, whose probabilities the second pass brought back) and
    ``note`` (how the groups were formed)."""

    exact: bool = True
    rows_at_cuts: int = 0
    note: str = ""


def _grouped(res, groups: int):
    """Cut points and per-group count, events and expected events (module docstring)."""
    import dask

    from .dask_design import tree_reduce

    r = res._risk()
    counts = r.n
    cum = np.cumsum(counts)
    N = cum[-1]
    h = (N - 1) * np.linspace(0.0, 1.0, groups + 1)
    lo = np.floor(h)
    pos = np.unique(np.r_[lo, np.minimum(lo + 1, N - 1)]).astype(np.int64)
    wanted = np.unique(np.searchsorted(cum, pos, side="right"))
    at_cuts = int(counts[wanted].sum())
    if at_cuts > MAX_CUT_ROWS:
        return None, at_cuts
    d = res.design
    beta = np.asarray(res.fit_info.params, dtype=float)
    spec_d = dask.delayed(d.spec, pure=True)
    tasks = [dask.delayed(_cut_rows_part, pure=True)(p, spec_d, d.labels[i], beta, wanted)
             for i, p in enumerate(d.frame.to_delayed())]
    got = res.model.engine.compute(tree_reduce(tasks, _concat), "the Hosmer-Lemeshow cut points")
    pc, yc = got["p"], got["y"]
    order = np.argsort(pc, kind="mergesort")
    pc, yc = pc[order], yc[order]
    # Order statistic k lies in bin b at rank k - (rows in lower bins) among the bin's rows;
    # the collected rows are those bins' rows in sorted order.
    before = np.r_[0.0, cum[:-1]]
    offsets = np.cumsum(np.r_[0.0, counts[wanted]])[:-1]
    start = dict(zip(wanted.tolist(), offsets.tolist()))

    def order_stat(k):
        b = int(np.searchsorted(cum, k, side="right"))
        return pc[int(start[b] + k - before[b])]

    q = np.array([order_stat(int(a)) + (t - a) * (order_stat(int(min(a + 1, N - 1))) - order_stat(int(a)))
                  for t, a in zip(h, lo)])
    cuts = np.unique(q)
    k = max(cuts.size - 1, 1)

    def group_of(p):
        if cuts.size == 1:
            return np.zeros(np.shape(p), dtype=np.intp)
        return np.clip(np.searchsorted(cuts, p, side="left"), 1, cuts.size - 1) - 1

    other = np.setdiff1d(np.flatnonzero(counts), wanted)
    g_other = group_of(r.sum_p[other] / counts[other])  # every row of such a bin is on one side of each cut
    g_cut = group_of(pc)
    n = np.bincount(g_other, weights=counts[other], minlength=k) + np.bincount(g_cut, minlength=k)
    o1 = np.bincount(g_other, weights=r.events_by_bin[other], minlength=k) + np.bincount(g_cut, weights=yc, minlength=k)
    e1 = np.bincount(g_other, weights=r.sum_p[other], minlength=k) + np.bincount(g_cut, weights=pc, minlength=k)
    return (cuts if cuts.size > 1 else np.r_[cuts, cuts], n, o1, e1), at_cuts


def _binned_groups(r: RiskSummary, groups: int):
    """Cuts moved to bin edges (the fallback when the cut bins hold too many rows)."""
    from scipy.special import expit

    counts = r.n
    cum = np.cumsum(counts)
    N = cum[-1]
    hs = np.floor((N - 1) * np.arange(1, groups) / groups)
    bounds = np.unique(np.searchsorted(cum, hs, side="right"))
    last = int(np.flatnonzero(counts)[-1])
    bounds = np.unique(np.r_[bounds[bounds < last], last])
    starts = np.r_[int(np.flatnonzero(counts)[0]), bounds[:-1] + 1]
    ce, cp = np.cumsum(r.events_by_bin), np.cumsum(r.sum_p)

    def seg(c):
        v = c[bounds]
        return v - np.r_[0.0, v[:-1]]

    lo_edge, hi_edge = bin_edges()
    cuts = np.r_[expit(lo_edge[starts[0]]), expit(hi_edge[bounds])]
    return cuts, seg(cum), seg(ce), seg(cp)


def _table(res, groups: int):
    """``(cuts, n, events, expected, exact, rows_at_cuts)``."""
    got, at_cuts = _grouped(res, groups)
    if got is None:
        return (*_binned_groups(res._risk(), groups), False, at_cuts)
    return (*got, True, at_cuts)


def hosmer_lemeshow(res, groups: int = 10) -> DaskHosmerLemeshowResult:
    """Hosmer-Lemeshow test as ``hoslem.test`` (see the module docstring)."""
    from scipy.special import chdtrc

    from ..diagnostics._common import DiagnosticError

    groups = _check_groups("groups", groups)
    cuts, n, o1, e1, exact, at_cuts = _table(res, groups)
    k = len(n)
    o0, e0 = n - o1, n - e1
    df = k - 2
    if df < 1:
        raise DiagnosticError(
            f"the fitted probabilities take too few distinct values to form groups: {k} bin(s) from groups={groups}, "
            f"so the Hosmer-Lemeshow test has {df} degrees of freedom"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(e1 > 0, (o1 - e1) ** 2 / e1, 0.0) + np.where(e0 > 0, (o0 - e0) ** 2 / e0, 0.0)
    stat = float(terms.sum())
    table = pd.DataFrame({"lower": cuts[:-1], "upper": cuts[1:], "n": _counts(n), "observed_events": o1,
                          "expected_events": e1, "observed_non_events": o0, "expected_non_events": e0},
                         index=pd.RangeIndex(1, k + 1, name="group"))
    if exact:
        note = (f"exact hoslem.test groups: a second pass brought back the {at_cuts} fitted probabilities in the "
                "logit bins holding the cut points")
    else:
        note = (f"approximate groups: the {at_cuts} rows in the bins holding the cut points exceed {MAX_CUT_ROWS}, so "
                f"the cuts are the edges of those logit bins (width {BIN_WIDTH:g}); only those rows can be grouped "
                "differently from hoslem.test")
    return DaskHosmerLemeshowResult(statistic=stat, df=df, pvalue=float(chdtrc(df, stat)), table=table, groups=groups,
                                    exact=exact, rows_at_cuts=at_cuts, note=note)


def calibration(res, bins: int = 10) -> pd.DataFrame:
    """Mean predicted probability and observed rate per quantile group (as Hosmer-Lemeshow)."""
    bins = _check_groups("bins", bins)
    cuts, n, o1, e1, _, _ = _table(res, bins)
    keep = n > 0
    return pd.DataFrame({"bin": np.arange(1, keep.sum() + 1), "n": _counts(n[keep]),
                         "mean_predicted": e1[keep] / n[keep], "observed_rate": o1[keep] / n[keep],
                         "lower": cuts[:-1][keep], "upper": cuts[1:][keep]})


def binned_auc(r: RiskSummary) -> tuple[float, float]:
    """AUC with tied bins counting 1/2, and the bound on its distance from the exact AUC."""
    n1 = r.events_by_bin
    n0 = r.n - n1
    W1, W0 = n1.sum(), n0.sum()
    if W1 == 0 or W0 == 0:
        raise OptionError("AUC needs both outcomes among the rows")
    below = np.cumsum(n0) - n0
    auc = float(np.sum(n1 * (below + 0.5 * n0)) / (W1 * W0))
    return auc, float(0.5 * np.sum(n1 * n0) / (W1 * W0))


def classification(res, threshold: float = 0.5) -> pd.Series:
    """As :func:`statlogit.diagnostics.classification.classification` (exact counts), with the
    AUC from the logit histogram and ``auc_error_bound``."""
    if isinstance(threshold, bool) or not (isinstance(threshold, int | float) and 0 < threshold < 1):
        raise OptionError(f"threshold={threshold!r} is not valid; it must be between 0 and 1")
    r = res._risk((float(threshold),))
    pred, tp = r.confusion[float(threshold)]
    n1, n = r.events, float(r.n.sum())
    fp = pred - tp
    fn = n1 - tp
    tn = n - tp - fp - fn

    def ratio(a, b):
        return a / b if b else 0.0

    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    auc, bound = binned_auc(r)
    return pd.Series({
        "tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp), "accuracy": (tp + tn) / n,
        "precision": precision, "recall": recall, "specificity": ratio(tn, tn + fp),
        "f1": ratio(2 * precision * recall, precision + recall), "auc": auc, "brier": r.brier_sum / n,
        "auc_error_bound": bound,
    }, dtype=object, name=f"threshold {threshold:g}")


def roc(res) -> pd.DataFrame:
    """Binned ROC: one point per non-empty logit bin, thresholds at the bins' lower edges."""
    from scipy.special import expit

    r = res._risk()
    keep = np.flatnonzero(r.n)[::-1]
    n1 = r.events_by_bin[keep]
    n0 = r.n[keep] - n1
    lo, _ = bin_edges()
    return pd.DataFrame({"threshold": np.r_[np.inf, expit(lo[keep])],
                         "fpr": np.r_[0.0, np.cumsum(n0) / n0.sum()], "tpr": np.r_[0.0, np.cumsum(n1) / n1.sum()]})
