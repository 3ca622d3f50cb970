"""Events per variable and ``check_assumptions`` for a Dask fit: the in-memory verdicts
(:mod:`statlogit.diagnostics.assumptions`) from the streamed diagnostics, with the
influence row from the streamed counts of :class:`~statlogit.backends.dask_diagnostics.DaskInfluence`."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from ..exceptions import OptionError


class _Counts:
    """Stands in for ``y`` where :func:`events_per_variable` only sums it and counts its rows."""

    def __init__(self, events: float, n: int):
        self._events, self.shape = events, (n,)

    def sum(self):
        return self._events


def events_per_variable(res) -> pd.Series:
    """As :func:`statlogit.diagnostics.sample_size.events_per_variable`, from the counts of the fit."""
    from ..diagnostics.sample_size import events_per_variable as epv

    d = res.design
    shim = SimpleNamespace(design=SimpleNamespace(y=_Counts(d.n_events, d.nobs), intercept_index=d.intercept_index,
                                                  X=SimpleNamespace(shape=(d.nobs, len(d.column_names)))),
                           model=SimpleNamespace(weights=None))
    return epv(shim)


def _sample_size_row(res):
    from ..diagnostics.assumptions import _row
    from ..diagnostics.sample_size import epv_advice

    s = events_per_variable(res)
    verdict = {"adequate": "pass", "borderline": "warn", "low": "fail"}[s["verdict"]]
    return _row("sample size", "events per variable = min(events, non-events) / predictor columns", s["epv"],
                "< 10 fail (Peduzzi et al. 1996); < 20 warn (Vittinghoff & McCulloch 2007; Riley et al. 2020)",
                verdict, epv_advice(s))


def _influence_row(res, why):
    from ..diagnostics.assumptions import _compute, _row

    name = "influential observations and outliers"
    check = "Cook's distance (R cooks.distance.glm) and standardized deviance residuals (streamed over partitions)"
    n = res.nobs
    thr = "Cook's D > 1 fail; |rstandard| > 3 or F(p, n-p) cdf of D > 0.5 warn; D > 4/n noted"
    inf, reason = _compute(res.influence, why)
    if reason:
        return _row(name, check, None, thr, "not checked", reason)
    c = inf.counts
    top = inf.top(3)
    rows = ", ".join(f"{r['partition']} index {r['row']} (D = {r['cooks']:.3g})" for _, r in top.iterrows())
    note = f"{c['cooks_gt_4n']} rows have Cook's D > 4/n = {4 / n:.3g}; largest: {rows}."
    big, fbad, out3 = c["cooks_gt_1"], c["cooks_f_gt_half"], c["rstandard_gt_3"]
    if big or fbad:
        return _row(name, check, c["max_cooks"], thr, "fail",
                    f"{max(big, fbad)} rows with a large Cook's D. {note} Check them for data errors and refit "
                    "without them to see whether conclusions change (res.influence().top()).")
    if out3:
        return _row(name, check, c["max_cooks"], thr, "warn",
                    f"{out3} rows with |standardized deviance residual| > 3 (poorly fitted). {note} "
                    "Inspect res.influence().top().")
    return _row(name, check, c["max_cooks"], thr, "pass", f"no row dominates the fit. {note}")


def check_assumptions(res, alpha: float = 0.05):
    """:func:`statlogit.diagnostics.assumptions.check_assumptions` on the streamed diagnostics
    (Hosmer-Lemeshow on approximate quantile groups; influence from streamed counts)."""
    from ..diagnostics import assumptions as a

    if not (isinstance(alpha, int | float) and 0 < alpha < 1):
        raise OptionError(f"alpha={alpha!r} is not valid; it must be between 0 and 1")
    why = a._not_fitted_reason(res)
    rows = [a._linearity(res, alpha, why), a._collinearity(res), _influence_row(res, why), _sample_size_row(res),
            a._separation(res), a._goodness_of_fit(res, alpha, why), a._independence()]
    table = pd.DataFrame(rows, columns=a.COLUMNS)
    table["statistic"] = table["statistic"].astype(object)
    return a.AssumptionReport(table=table, title=f"Assumption checks: {res.formula}")
