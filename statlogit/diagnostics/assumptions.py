"""``check_assumptions``: one verdict per assumption of logistic regression.

Rows (``assumption``): linearity of the logit (Box-Tidwell), multicollinearity (GVIF on the
design), influential observations and outliers (Cook's D, standardized residuals),
sample size (events per variable), separation (Konis' LP), goodness of fit
(Hosmer-Lemeshow), independence of observations (not testable from the data alone).
Verdicts: ``pass``, ``warn``, ``fail``, ``not checked``; ``advice`` says what to do.
Thresholds (and their sources) are stated in the ``threshold`` column.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import OptionError, StatlogitError
from ._common import format_p

COLUMNS = ["assumption", "check", "statistic", "threshold", "verdict", "advice"]
VERDICTS = ("pass", "warn", "fail", "not checked")
VIF_WARN, VIF_FAIL = 5.0, 10.0
#: Above this many rows Hosmer-Lemeshow rejects for trivial misfit: a rejection is a warning.
HL_LARGE_N = 10_000


def _row(assumption, check, statistic, threshold, verdict, advice):
    stat = None if statistic is None else float(statistic)
    return dict(assumption=assumption, check=check, statistic=stat, threshold=threshold,
                verdict=verdict, advice=advice)


def _compute(diagnostic, why: str | None = None):
    """``(result, None)``, or ``(None, reason)`` when the check cannot be made: the fit gives
    no finite estimate (``why``) or the diagnostic raises a statlogit error."""
    if why:
        return None, why
    try:
        return diagnostic(), None
    except StatlogitError as exc:
        return None, str(exc)


def _not_fitted_reason(res) -> str | None:
    """Why diagnostics that need a finite estimate cannot run (None when they can)."""
    if res.method == "firth" and res.converged:
        return None
    sep = res.separation
    if sep.status != "none":
        return f"no finite maximum-likelihood estimate ({sep.status} separation); refit with method='firth'"
    if not res.converged:
        return f"the fit did not converge ({res.fit_info.message})"
    return None


def _linearity(res, alpha, why):
    name, check = "linearity of the logit", "Box-Tidwell: x*ln(x) added to the logistic model, Wald z, Holm-adjusted p"
    thr = f"Holm-adjusted p < {alpha:g}"
    bt, reason = _compute(res.box_tidwell, why)
    if reason:
        return _row(name, check, None, thr, "not checked", reason)
    t = bt.table
    skipped = [f"{k} ({v})" for k, v in bt.skipped.items() if v.startswith("values <= 0")]
    tail = ""
    if skipped:
        tail = (f" Not tested: {', '.join(skipped)}; pass shift='auto' to box_tidwell() to include "
                "them, or check them with a spline.")
    bad = t[t["p_adj"] < alpha]
    weak = t[(t["p"] < alpha) & ~(t["p_adj"] < alpha)]
    stat = float(t["p_adj"].min())
    if len(bad):
        shown = bt.power_meaningful()
        parts = [f"{v}: Box-Tidwell p = {format_p(r['p'])} (Holm {format_p(r['p_adj'])}"
                 + (f", power lambda = {r['lambda']:.2g}" if shown[v] else "") + f"); consider a spline or log({v})"
                 for v, r in bad.iterrows()]
        return _row(name, check, stat, thr, "fail", "; ".join(parts) + "." + tail)
    if len(weak):
        parts = [f"{v}: p = {format_p(r['p'])} unadjusted, {format_p(r['p_adj'])} after Holm"
                 for v, r in weak.iterrows()]
        return _row(name, check, stat, thr, "warn",
                    "; ".join(parts) + "; borderline, compare with a spline fit." + tail)
    return _row(name, check, stat, thr, "pass",
                f"no evidence of non-linearity in {', '.join(t.index)} (LR p = {format_p(bt.lr_p)})." + tail)


def _collinearity(res):
    name, check = "multicollinearity", "GVIF^(1/df) of each term on the design correlation matrix"
    thr = f"> {VIF_WARN:g} warn, > {VIF_FAIL:g} fail"
    from .collinearity import structural_terms

    structural = structural_terms(res.design)
    if structural:
        return _collinearity_without(res, structural, name, thr)
    v, reason = _compute(res.vif)
    if reason:
        return _row(name, check, None, thr, "not checked", reason)
    top = float(v["vif"].max())
    inter = [t.name for t in res.design.terms if t.kind == "interaction"]
    note = (f" Interaction terms ({', '.join(inter)}) inflate the VIF of their components by "
            "construction; centre the variables before forming products if that matters." if inter else "")
    high = v[v["vif"] > VIF_WARN].sort_values("vif", ascending=False)
    if len(high):
        parts = ", ".join(f"{t} ({r['vif']:.1f})" for t, r in high.iterrows())
        verdict = "fail" if top > VIF_FAIL else "warn"
        return _row(name, check, top, thr, verdict,
                    f"high VIF: {parts}; standard errors of these terms are inflated. Drop or combine "
                    "redundant predictors, or report them jointly." + note)
    return _row(name, check, top, thr, "pass", f"largest VIF {top:.2f} ({v['vif'].idxmax()})." + note)


def _collinearity_without(res, structural: list[str], name: str, thr: str):
    """The verdict from the terms that are not interactions or powers of other terms, with
    VIFs computed on the model without those (car::vif: VIFs of terms in interactions are not
    meaningful); the structural terms' own VIFs are reported, and centring advised."""
    from ..report.tables import term_labels
    from .collinearity import vif

    labels = term_labels(res.design)
    check = (f"GVIF^(1/df) of each term on the design correlation matrix, without the interaction and "
             f"power terms ({', '.join(labels[t] for t in structural)})")
    full, reason_full = _compute(res.vif)
    v, reason = _compute(lambda: vif(res, "design", exclude=structural))
    built = ""
    if full is not None:
        built = ", ".join(f"{labels.get(t, t)} {full.loc[t, 'vif']:.1f}" for t in structural if t in full.index)
        built = f" In the full model: {built}; that collinearity is structural (built from the other terms)."
    centre = (" Centre the variables before forming products or powers (e.g. x - mean(x)) to lower it; the fit "
              "and its predictions do not change.")
    if reason:
        return _row(name, check, None, thr, "not checked", f"{reason}.{built}{centre}")
    top = float(v["vif"].max())
    high = v[v["vif"] > VIF_WARN].sort_values("vif", ascending=False)
    listed = ", ".join(f"{labels.get(t, t)} {r['vif']:.2f}" for t, r in v.iterrows())
    if len(high):
        parts = ", ".join(f"{labels.get(t, t)} ({r['vif']:.1f})" for t, r in high.iterrows())
        verdict = "fail" if top > VIF_FAIL else "warn"
        return _row(name, check, top, thr, verdict,
                    f"high VIF without the interaction and power terms: {parts}; standard errors of these terms are "
                    "inflated. Drop or combine redundant predictors, or report them jointly." + built + centre)
    return _row(name, check, top, thr, "pass",
                f"VIF without the interaction and power terms: {listed}; no redundant predictors." + built + centre)


def _influence(res, why):
    name = "influential observations and outliers"
    check = "Cook's distance (R cooks.distance.glm) and standardized deviance residuals"
    n, p = res.design.X.shape
    thr = "Cook's D > 1 fail; |rstandard| > 3 or F(p, n-p) cdf of D > 0.5 warn; D > 4/n noted"
    inf, reason = _compute(res.influence, why)
    if reason:
        return _row(name, check, None, thr, "not checked", reason)
    from scipy.special import fdtr

    t = inf.table
    cooks = t["cooks"].to_numpy()
    dmax = float(cooks.max())
    big = int(np.count_nonzero(cooks > 1))
    fbad = int(np.count_nonzero(fdtr(p, n - p, cooks) > 0.5))
    out3 = int(np.count_nonzero(np.abs(t["rstandard_deviance"].to_numpy()) > 3))
    n4 = int(np.count_nonzero(cooks > 4 / n))
    topk = t.nlargest(3, "cooks")
    rows = ", ".join(f"{idx} (D = {r['cooks']:.3g})" for idx, r in topk.iterrows())
    note = f"{n4} rows have Cook's D > 4/n = {4 / n:.3g}; largest: {rows}."
    if big or fbad:
        return _row(name, check, dmax, thr, "fail",
                    f"{max(big, fbad)} rows with a large Cook's D. {note} Check them for data errors and refit "
                    "without them to see whether conclusions change (res.influence().top()).")
    if out3:
        return _row(name, check, dmax, thr, "warn",
                    f"{out3} rows with |standardized deviance residual| > 3 (poorly fitted). {note} "
                    "Inspect res.influence().flagged.")
    return _row(name, check, dmax, thr, "pass", f"no row dominates the fit. {note}")


def _sample_size(res):
    from .sample_size import epv_advice, events_per_variable

    s = events_per_variable(res)
    verdict = {"adequate": "pass", "borderline": "warn", "low": "fail"}[s["verdict"]]
    return _row("sample size", "events per variable = min(events, non-events) / predictor columns",
                s["epv"], "< 10 fail (Peduzzi et al. 1996); < 20 warn (Vittinghoff & McCulloch 2007; Riley et al. 2020)",
                verdict, epv_advice(s))


def _separation(res):
    sep = res.separation
    check = "linear programs of Konis (2007) on the design" if sep.checked else \
        "symptoms in the fit (convergence, fitted probabilities at 0/1, standard errors)"
    if sep.status == "none":
        return _row("separation", check, None, "any separating direction", "pass", sep.message)
    advice = sep.message
    if res.method == "firth":
        who = ", ".join(sep.predictors) or "the intercept"
        return _row("separation", check, None, "any separating direction", "warn",
                    f"the data show {sep.status} separation ({who}): the maximum-likelihood estimate "
                    "does not exist, but this Firth fit gives finite penalized estimates; report them "
                    "as penalized (Firth) estimates")
    return _row("separation", check, None, "any separating direction", "fail", advice)


def _goodness_of_fit(res, alpha, why):
    name, check = "goodness of fit", "Hosmer-Lemeshow, 10 quantile groups of fitted risk"
    thr = f"p < {alpha:g}"
    hl, reason = _compute(res.hosmer_lemeshow, why)
    if reason:
        return _row(name, check, None, thr, "not checked", reason)
    tab = hl.table
    gap = (tab["observed_events"] - tab["expected_events"]).abs()
    g = int(gap.idxmax())
    worst = (f"largest gap in group {g} (risk {tab.loc[g, 'lower']:.2g}-{tab.loc[g, 'upper']:.2g}: observed "
             f"{tab.loc[g, 'observed_events']:g}, expected {tab.loc[g, 'expected_events']:.1f})")
    text = f"HL = {hl.statistic:.2f} on {hl.df} df, p = {format_p(hl.pvalue)}"
    if hl.pvalue < alpha:
        large = res.nobs > HL_LARGE_N
        verdict = "warn" if large else "fail"
        extra = (" With this many rows the test detects trivial misfit; judge by res.calibration()."
                 if large else " Check for missing non-linear terms or interactions; see res.calibration().")
        return _row(name, check, hl.pvalue, thr, verdict, f"{text}; {worst}.{extra}")
    return _row(name, check, hl.pvalue, thr, "pass", f"{text}: no evidence of lack of fit; {worst}.")


def _independence():
    return _row(
        "independence of observations", "not testable from the data alone", None, "study design",
        "not checked",
        "Confirm each row is a separate, independent subject. Repeated measures, clustering (patients "
        "within hospitals, pupils within schools), matched designs or time series violate it: use "
        "cluster-robust standard errors (res.with_cov('cluster', groups='clinic'); CLI --cluster clinic), "
        "GEE, a mixed model or conditional logistic regression.",
    )


@dataclass(frozen=True)
class AssumptionReport:
    """Verdict table (``.table``) with text, Markdown and HTML views."""

    table: pd.DataFrame
    title: str = "Assumption checks"

    def _stat_text(self, v) -> str:
        if v is None or (isinstance(v, float) and not np.isfinite(v)):
            return ""
        return f"{v:.3g}"

    def __str__(self) -> str:
        lines = [self.title, "=" * len(self.title)]
        for _, r in self.table.iterrows():
            stat = self._stat_text(r["statistic"])
            head = f"[{r['verdict'].upper():^11}] {r['assumption']}"
            lines.append(head)
            lines.append(f"    check: {r['check']}" + (f"; statistic = {stat}" if stat else ""))
            lines.append(f"    threshold: {r['threshold']}")
            lines.append(f"    advice: {r['advice']}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def to_markdown(self) -> str:
        def cell(s) -> str:
            return str(s).replace("|", "\\|").replace("\n", " ")

        out = [f"### {self.title}", "", "| assumption | verdict | statistic | threshold | check | advice |",
               "|---|---|---|---|---|---|"]
        for _, r in self.table.iterrows():
            out.append("| " + " | ".join(cell(x) for x in (
                r["assumption"], r["verdict"], self._stat_text(r["statistic"]), r["threshold"], r["check"],
                r["advice"])) + " |")
        return "\n".join(out) + "\n"

    def to_html(self) -> str:
        e = html.escape
        colors = {"pass": "#1a7f37", "warn": "#9a6700", "fail": "#cf222e", "not checked": "#57606a"}
        rows = []
        for _, r in self.table.iterrows():
            v = r["verdict"]
            rows.append(
                "<tr>" + f"<td>{e(str(r['assumption']))}</td>"
                + f"<td style=\"color:{colors[v]};font-weight:bold\">{e(v)}</td>"
                + f"<td>{e(self._stat_text(r['statistic']))}</td><td>{e(str(r['threshold']))}</td>"
                + f"<td>{e(str(r['check']))}</td><td>{e(str(r['advice']))}</td></tr>"
            )
        head = "".join(f"<th>{h}</th>" for h in ("assumption", "verdict", "statistic", "threshold", "check", "advice"))
        return (f"<table class=\"statlogit-assumptions\"><caption>{e(self.title)}</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")

    def _repr_html_(self) -> str:
        return self.to_html()

    @property
    def verdicts(self) -> pd.Series:
        return self.table.set_index("assumption")["verdict"]


def check_assumptions(res, alpha: float = 0.05) -> AssumptionReport:
    """Run every check and return the :class:`AssumptionReport`."""
    if not (isinstance(alpha, int | float) and 0 < alpha < 1):
        raise OptionError(f"alpha={alpha!r} is not valid; it must be between 0 and 1")
    why = _not_fitted_reason(res)
    rows = [
        _linearity(res, alpha, why),
        _collinearity(res),
        _influence(res, why),
        _sample_size(res),
        _separation(res),
        _goodness_of_fit(res, alpha, why),
        _independence(),
    ]
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["statistic"] = table["statistic"].astype(object)
    title = f"Assumption checks: {res.formula}" if res.formula else "Assumption checks"
    return AssumptionReport(table=table, title=title)


__all__ = ["AssumptionReport", "check_assumptions"]
