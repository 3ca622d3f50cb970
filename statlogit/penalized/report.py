"""Summary and report of a penalized fit: estimates, odds ratios and fit quality, no p-values."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..report.tables import fmt_num
from .results import NO_INFERENCE

NO_INFERENCE_LINE = NO_INFERENCE + "; res.bootstrap(n=..., seed=...) gives percentile intervals of the penalized estimator."


def penalty_text(res) -> str:
    """The report's "Penalty" line: kind, lambda, scaling, what is not penalized."""
    pen = {"l2": "ridge (L2)", "l1": "lasso (L1)", "elasticnet": f"elastic net (l1_ratio = {res.l1_ratio:g})"}
    return (f"{pen[res.penalty]}, lambda = {res.lam:.6g}, columns "
            + ("standardized (1/n SD)" if res.standardize else "on their own scale")
            + "; intercept not penalized; factor dummies penalized like other columns")


def _facts(res) -> list[tuple[str, str]]:
    from ..report.summary import model_facts

    d = res.design
    facts = model_facts(res)
    return [
        ("Formula", facts["formula"]),
        ("Event (coded 1)", f"{d.event_label()}  (vs {d.non_event}; {d.response_coding})"),
        ("Observations", facts["observations"]),
        ("Penalty", penalty_text(res)),
        ("Method", f"coordinate descent (glmnet's objective), {res.n_iter} iterations, "
                   + ("converged" if res.converged else "NOT converged")
                   + f"; KKT violation {res.kkt_violation:.1e}"),
        ("Nonzero coefficients", f"{res.nonzero} of {res.k_params - (1 if res.has_intercept else 0)}"),
        ("Deviance", f"{res.deviance:.3f} (null {res.null_deviance:.3f}); deviance ratio {res.dev_ratio:.4f}"),
    ]


def penalized_summary(res, units: dict | None = None):
    from ..report.summary import Summary
    from ..report.tables import coefficient_labels, per_text

    d = res.design
    coefs = pd.DataFrame({"coef": res.params})
    ors = res.odds_ratios(units=units)
    notes = [NO_INFERENCE_LINE]
    per = {}
    if units is not None:
        per = per_text(d, dict(zip(res.names, ors["per"])))
        notes.append("Odds ratios per the increment in the 'per' column (factor levels against their "
                     "reference level).")
    if not res.converged:
        notes.append(f"Warning: the fit did not converge ({res.fit_info.message}).")
    return Summary("Penalized logistic regression", _facts(res), coefs, ors, ("", ""), notes,
                   coefficient_labels(d), per)


def penalized_report(res, units=None, threshold: float = 0.5, groups: int = 10, plots: bool = True, title=None):
    """Model facts, coefficients and odds ratios, classification, calibration, ROC."""
    from ..exceptions import StatlogitError, StatlogitWarning
    from ..report.content import HL_LABELS, p_text
    from ..report.document import Bullets, Facts, FigureRef, Para, Report, Section, Table

    d = res.design
    notes: list[str] = []
    data: dict = {"penalty": res.penalty, "lam": res.lam, "l1_ratio": res.l1_ratio,
                  "standardize": res.standardize, "converged": res.converged,
                  "kkt_violation": res.kkt_violation, "dev_ratio": res.dev_ratio}
    sections = [Section("Model", [Facts(_facts(res))], "model")]
    from ..report.sentences import unit_multipliers

    mult = pd.Series(unit_multipliers(res, units), index=res.names, dtype=float)
    table = pd.DataFrame({"coef": res.params, "odds_ratio": np.exp(res.params)})
    formats = {"coef": fmt_num, "odds_ratio": fmt_num, "per": lambda v: f"{v:g}", "or_per": fmt_num}
    labels = {"coef": "log-odds", "odds_ratio": "odds ratio", "per": "per", "or_per": "odds ratio per"}
    if units:
        table["per"] = mult
        table["or_per"] = np.exp(mult * res.params)
    from ..report.tables import coefficient_labels, per_text

    shown = table.rename(index=coefficient_labels(d))
    if units:
        per = per_text(d, dict(zip(res.names, mult)))
        shown = shown.assign(per=[per.get(n, f"{v:g}") for n, v in zip(table.index, table["per"])])
        formats["per"] = str
    sections.append(Section("Coefficients and odds ratios", [
        Table(shown, formats, labels, "Penalized coefficients (log-odds scale) and odds ratios"),
        Para(NO_INFERENCE_LINE, "note"),
    ], "coefficients"))
    data["coefficients"] = [{"term": k, "coef": float(v), "odds_ratio": float(np.exp(v)), "units": float(mult[k]),
                             "or_per_units": float(np.exp(mult[k] * v))} for k, v in res.params.items()]
    blocks: list = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            hl = res.hosmer_lemeshow(groups=groups)
        except StatlogitError as exc:
            hl = None
            notes.append(f"Hosmer-Lemeshow test not computed: {exc}")
        try:
            cls = res.classification(threshold=threshold)
        except StatlogitError as exc:
            cls = None
            notes.append(f"Classification table not computed: {exc}")
    notes += [f"{w.category.__name__}: {w.message}" for w in caught if issubclass(w.category, StatlogitWarning)]
    facts = []
    if hl is not None:
        facts.append(("Hosmer-Lemeshow", f"chi2 = {hl.statistic:.3f} on {int(hl.df)} df, {p_text(hl.pvalue)} "
                      "(calibration of the penalized predictions; the reference distribution is approximate)"))
        blocks.append(Table(hl.table, {}, HL_LABELS, f"Hosmer-Lemeshow groups ({groups} requested)", index_label="group"))
    if cls is not None:
        facts += [("AUC (C statistic)", f"{float(cls['auc']):.4f}"), ("Brier score", f"{float(cls['brier']):.4f}")]
        metrics = [(name.capitalize() if name != "f1" else "F1", f"{float(cls[name]):.4f}")
                   for name in ("accuracy", "precision", "recall", "specificity", "f1") if name in cls.index]
        blocks.append(Facts(metrics))
        data["classification"] = {str(k): float(v) for k, v in cls.items()}
    blocks = [Facts(facts)] + blocks + [FigureRef("roc", "ROC curve"),
                                        FigureRef("calibration", "Calibration: observed against predicted")]
    sections.append(Section("Fit and discrimination", blocks, "fit"))
    if not res.converged:
        notes.append(f"The fit did not converge ({res.fit_info.message}).")
    if notes:
        sections.append(Section("Notes", [Bullets(notes)], "notes"))
    data["notes"] = notes
    figures = {}
    if plots:
        from ..report import plots as P

        figures = {"roc": lambda: P.roc(res), "calibration": lambda: P.calibration(res)}
    return Report(title or f"Penalized logistic regression: {d.event_label()}", sections, data, figures)
