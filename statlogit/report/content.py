"""Collect what a report says about a fitted model: sections of blocks plus the raw numbers.

Each diagnostic is computed once here; a diagnostic that cannot be computed for this model
(a :class:`~statlogit.exceptions.StatlogitError`) becomes a note that says why, never a
silent gap. Statistical warnings raised while the report is built are listed in its notes.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from .. import __version__
from ..exceptions import OptionError, StatlogitError, StatlogitWarning
from ..inference.conditional import conditional_odds_ratios
from .document import Bullets, Facts, FigureRef, Para, Report, Section, Table
from .sentences import coefficient_sentences, unit_multipliers
from .summary import count_text, model_facts
from .tables import coefficient_labels, fmt_num, fmt_p, per_text, term_labels

Z3 = lambda v: f"{float(v):.3f}"  # noqa: E731
HL_LABELS = {"lower": "p from", "upper": "p to", "observed_events": "obs. events", "expected_events": "exp. events",
             "observed_non_events": "obs. non-events", "expected_non_events": "exp. non-events"}
#: report() computes profile intervals only if they take at most this many times the fit
#: (but always when that is under PROFILE_BUDGET_MIN_S seconds); otherwise Wald, with a note.
PROFILE_BUDGET = 10.0
PROFILE_BUDGET_MIN_S = 1.0
COEF_FORMATS = {"coef": fmt_num, "se": fmt_num, "z": Z3, "p": fmt_p, "lower": fmt_num, "upper": fmt_num}


def _records(frame: pd.DataFrame, index_name: str) -> list[dict]:
    out = []
    for label, row in frame.iterrows():
        rec = {index_name: str(label)}
        rec.update({str(k): (v.item() if hasattr(v, "item") else v) for k, v in row.items()})
        out.append(rec)
    return out


class _Collector:
    """Runs diagnostics, keeping the reason when one cannot be computed."""

    def __init__(self):
        self.notes: list[str] = []

    def run(self, what: str, fn):
        try:
            return fn()
        except StatlogitError as exc:
            self.notes.append(f"{what} not computed: {exc}")
            return None
        except Exception as exc:  # one failing diagnostic never takes the report down
            text = str(exc).strip().splitlines()
            self.notes.append(f"{what} not computed: internal error ({type(exc).__name__}: "
                              f"{text[0] if text else ''}); please report it to the statlogit developers")
            return None


def build_report(res, units=None, alpha: float = 0.05, ci_method: str = "profile", threshold: float = 0.5,
                 groups: int = 10, top: int = 5, data=None, effect=None, plots: bool = True,
                 progress: bool = False, title: str | None = None) -> Report:
    if ci_method not in ("profile", "wald"):
        raise OptionError(f"ci_method={ci_method!r} is not valid; choose one of 'profile', 'wald'")
    if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise OptionError(f"alpha={alpha!r} is not valid; it must be between 0 and 1 (0.05 for 95% intervals)")
    mult = unit_multipliers(res, units)
    c = _Collector()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sections, data, figures = _collect(res, mult, alpha, ci_method, threshold, groups, top, data, effect,
                                           plots, progress, c)
    for w in caught:
        if issubclass(w.category, StatlogitWarning):
            c.notes.append(f"{w.category.__name__}: {w.message}")
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    notes = list(dict.fromkeys(c.notes))
    data["notes"] = notes
    if notes:
        sections.append(Section("Notes", [Bullets(notes)], "notes"))
    d = res.design
    title = title or f"Logistic regression: {d.event_label()}"
    return Report(title, sections, data, figures if plots else {})


def _collect(res, mult, alpha, ci_method, threshold, groups, top, data, effect, plots, progress, c):
    d = res.design
    level = f"{100 * (1 - alpha):g}%"
    event = d.event_label()
    data_out: dict = {"statlogit_version": __version__, "alpha": alpha, "ci_method": ci_method}
    figures: dict = {}

    # ------------------------------------------------------------- model
    common = model_facts(res)
    n_events = int(d.n_events) if hasattr(d, "n_events") else int(d.y.sum())  # a Dask design keeps counts
    n_rows = res.nobs
    weights = getattr(res.model, "weights", None)
    if weights is not None:  # frequency weights: events and rows are counts of subjects, as the EPV's
        n_events, n_rows = float(np.dot(weights, d.y)), float(weights.sum())
    facts = [
        ("Formula", common["formula"]),
        ("Event (coded 1)", f"{event} (vs {d.non_event})"),
        ("Observations", common["observations"]),
        ("Events", f"{count_text(n_events)} of {count_text(n_rows)} ({100 * n_events / n_rows:.1f}%)"),
        ("Method", common["method"]),
        ("Covariance", res.cov_label),
    ]
    epv = c.run("Events per variable", res.events_per_variable)
    epv_value = _scalar(epv)
    if epv_value is not None:
        verdict = epv.get("verdict") if isinstance(epv, (pd.Series, dict)) else None
        facts.append(("Events per variable", fmt_num(epv_value, 3) + (f" ({verdict})" if verdict else "")))
    sep = c.run("Separation check", lambda: res.separation)
    if sep is not None:
        facts.append(("Separation", str(getattr(sep, "status", sep))))
        if getattr(sep, "status", "none") != "none":
            c.notes.append(str(getattr(sep, "message", "")) or f"{sep.status} separation")
    data_out["model"] = {
        "formula": res.formula, "response": d.response_name, "event": _plain(d.event),
        "non_event": _plain(d.non_event), "response_coding": d.response_coding, "n_obs": res.nobs,
        "n_dropped": res.n_dropped, "n_events": n_events, "method": res.method, "converged": res.converged,
        "n_iter": res.n_iter, "message": res.fit_info.message, "events_per_variable": epv_value,
        "separation": None if sep is None else {
            "status": str(getattr(sep, "status", "")), "predictors": [str(p) for p in getattr(sep, "predictors", [])],
            "message": str(getattr(sep, "message", ""))},
        "cov_type": res.cov_type, "n_clusters": res.n_groups,
    }
    if not res.converged:
        c.notes.append(f"The fit did not converge ({res.fit_info.message}); estimates are not maximum-likelihood.")
    sections = [Section("Model", [Facts(facts)], "model")]

    # ------------------------------------------------------------- coefficients
    ci = None
    if ci_method == "profile":
        if sep is not None and str(getattr(sep, "status", "none")) != "none":
            c.notes.append(f"Profile-likelihood intervals not computed: {sep.status} separation (the "
                           "likelihood has no finite maximum along the separating direction).")
        else:
            budget = profile_budget(res)
            what = "Profile-likelihood intervals" + ("" if budget is None else
                                                     f" (the report allows them {PROFILE_BUDGET:g} x the fit time)")
            ci = c.run(what, lambda: res.conf_int(alpha, "profile", progress=progress, max_seconds=budget))
        if ci is None:
            c.notes.append("Wald intervals are shown instead of profile-likelihood intervals.")
            ci_method = "wald"
            data_out["ci_method"] = "wald"
    if ci is None:
        ci = res.conf_int(alpha, "wald")
    ci_name = "profile-likelihood" if ci_method == "profile" else "Wald"
    coefs = pd.DataFrame({"coef": res.params, "se": res.bse, "z": res.zvalues, "p": res.pvalues,
                          "lower": ci["lower"], "upper": ci["upper"]})
    k = pd.Series(mult, index=res.names, dtype=float)
    with np.errstate(over="ignore"):  # a diverging (separated) coefficient gives an infinite odds ratio
        ors = pd.DataFrame({"per": k, "odds_ratio": np.exp(k * res.params), "lower": np.exp(k * ci["lower"]),
                            "upper": np.exp(k * ci["upper"])})
        or1 = np.exp(coefs[["coef", "lower", "upper"]])
    if res.has_intercept:
        ors.loc[res.names[d.intercept_index], "per"] = np.nan
    lo_lab, hi_lab = f"{100 * alpha / 2:g}%", f"{100 * (1 - alpha / 2):g}%"
    labels = {"coef": "log-odds", "se": "SE", "z": "z", "p": "p", "lower": lo_lab, "upper": hi_lab,
              "per": "per", "odds_ratio": "odds ratio"}
    conditional = c.run("Odds ratios at representative values",
                        lambda: conditional_odds_ratios(res, alpha, {n: v for n, v in mult.items() if v != 1.0}))
    sentences = coefficient_sentences(res, ors, level, conditional)
    row_labels = coefficient_labels(d)
    per = per_text(d, mult)
    ors_shown = ors.assign(per=[per[n] for n in ors.index]).rename(index=row_labels)
    blocks = [
        Table(coefs.rename(index=row_labels), COEF_FORMATS, labels,
              f"Coefficients (log-odds scale, {level} {ci_name} CI)"),
        Table(ors_shown, {"per": str, "odds_ratio": fmt_num, "lower": fmt_num, "upper": fmt_num}, labels,
              f"Odds ratios ({level} {ci_name} CI; per: the increment, or the level against the reference)"),
        Para(f"p-values from Wald z tests; {ci_name} confidence intervals. The intercept row of the "
             "odds-ratio table is the odds of the event when every predictor is 0." + _conditional_note(res)
             + (f" Standard errors use the {res.cov_label}." if res.cov_type != "nonrobust" else ""),
             "note"),
        Bullets(sentences),
    ]
    if conditional is not None and len(conditional):
        shown = conditional.assign(coefficient=[row_labels[n] for n in conditional["coefficient"]])
        blocks.append(Table(shown[["coefficient", "at", "per", "odds_ratio", "lower", "upper"]],
                            {"per": lambda v: f"{v:g}", "odds_ratio": fmt_num, "lower": fmt_num, "upper": fmt_num},
                            labels, f"Odds ratios of terms in interactions, at representative values of the other "
                            f"variable (quartiles, or each level; {level} Wald CI)", index=False))
    blocks += [
        FigureRef("forest", f"Odds ratios with {level} {ci_name} intervals (log scale)"),
        FigureRef("effect", "Predicted probability for one predictor, others at typical values"
                  + _display_note(res.nobs, "observed outcomes")),
    ]
    sections.append(Section("Coefficients and odds ratios", blocks, "coefficients"))
    data_out["coefficients"] = [
        {"term": name, "label": row_labels[name], "coef": coefs.at[name, "coef"], "se": coefs.at[name, "se"], "z": coefs.at[name, "z"],
         "p": coefs.at[name, "p"], "ci_lower": coefs.at[name, "lower"], "ci_upper": coefs.at[name, "upper"],
         "odds_ratio": or1.at[name, "coef"], "or_ci_lower": or1.at[name, "lower"],
         "or_ci_upper": or1.at[name, "upper"], "units": mult[name],
         "or_per_units": ors.at[name, "odds_ratio"], "or_per_units_lower": ors.at[name, "lower"],
         "or_per_units_upper": ors.at[name, "upper"]}
        for name in res.names]
    data_out["sentences"] = sentences
    data_out["conditional_odds_ratios"] = (None if conditional is None else
                                           [{str(k2): _plain(v) for k2, v in r.items()} for _, r in conditional.iterrows()])
    sections.append(_inference_section(res, alpha, level, c, data_out))

    # ------------------------------------------------------------- fit
    lr = res.lr_test()
    r2 = res.pseudo_r2()
    fit_facts = [
        ("Log-likelihood", f"{res.llf:.3f} (null model {res.llnull:.3f})"),
        ("Deviance", f"{res.deviance:.3f} on {res.df_resid} df (null {res.null_deviance:.3f})"),
        ("LR test vs null", f"chi2 = {lr['stat']:.3f} on {int(lr['df'])} df, {p_text(lr['p'])}"),
        ("Pseudo-R2", f"McFadden {r2['mcfadden']:.4f}, Nagelkerke {r2['nagelkerke']:.4f}, "
                      f"Cox-Snell {r2['cox_snell']:.4f}, Tjur {r2['tjur']:.4f}"),
        ("AIC / BIC", f"{res.aic:.3f} / {res.bic:.3f}"),
    ]
    data_out["fit"] = {"loglik": res.llf, "loglik_null": res.llnull, "deviance": res.deviance,
                       "null_deviance": res.null_deviance, "df_resid": res.df_resid, "aic": res.aic, "bic": res.bic,
                       "lr_test": {"stat": lr["stat"], "df": int(lr["df"]), "p": lr["p"]},
                       "pseudo_r2": {k2: float(v) for k2, v in r2.items()}}
    hl = c.run("Hosmer-Lemeshow test", lambda: res.hosmer_lemeshow(groups=groups))
    if hl is not None:
        fit_facts.append(("Hosmer-Lemeshow", f"chi2 = {hl.statistic:.3f} on {int(hl.df)} df, {p_text(hl.pvalue)}"))
    cls = c.run("Classification table", lambda: res.classification(threshold=threshold))
    if cls is not None:
        fit_facts += [("AUC (C statistic)", f"{float(cls['auc']):.4f}"), ("Brier score", f"{float(cls['brier']):.4f}")]
    blocks = [Facts(fit_facts)]
    data_out["hosmer_lemeshow"] = None
    if hl is not None:
        hl_table = getattr(hl, "table", None)
        data_out["hosmer_lemeshow"] = {"statistic": hl.statistic, "df": hl.df, "p": hl.pvalue, "groups": groups,
                                       "table": _records(hl_table, "group") if isinstance(hl_table, pd.DataFrame)
                                       else None}
        if isinstance(hl_table, pd.DataFrame):
            blocks.append(Table(hl_table, {}, HL_LABELS, f"Hosmer-Lemeshow groups ({groups} requested)",
                                index_label="group"))
    data_out["classification"] = None
    if cls is not None:
        neg, pos = f"{d.response_label()} = {d.non_event}", event
        tn, fp, fn, tp = (int(cls[x]) for x in ("tn", "fp", "fn", "tp"))
        conf = pd.DataFrame({f"predicted {neg}": [tn, fn], f"predicted {pos}": [fp, tp]},
                            index=[f"observed {neg}", f"observed {pos}"])
        blocks.append(Table(conf, {}, {}, f"Confusion table (predict the event when p >= {threshold:g})"))
        metrics = [(name.capitalize() if name != "f1" else "F1", f"{float(cls[name]):.4f}")
                   for name in ("accuracy", "precision", "recall", "specificity", "f1") if name in cls.index]
        blocks.append(Facts(metrics))
        data_out["classification"] = {"threshold": threshold, **{str(k2): _plain(v) for k2, v in cls.items()}}
    blocks += [FigureRef("roc", "ROC curve"), FigureRef("calibration", "Calibration: observed against predicted")]
    if res.method in ("gd", "sgd"):
        blocks.append(FigureRef("loss", f"Loss per {'epoch' if res.method == 'sgd' else 'iteration'}"))
    sections.append(Section("Fit and discrimination", blocks, "fit"))

    # ------------------------------------------------------------- assumptions
    ar = c.run("Assumption checks", res.check_assumptions)
    data_out["assumptions"] = None
    if ar is not None:
        table = ar.table
        stat = {"statistic": lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else fmt_num(v)}
        sections.append(Section("Assumptions", [Table(table, stat, {}, "", index=False, text=str(ar), cards=True)],
                                "assumptions"))
        data_out["assumptions"] = [{str(k2): _plain(v) for k2, v in row.items()} for _, row in table.iterrows()]

    # ------------------------------------------------------------- details
    blocks = []
    vif = c.run("VIF", lambda: res.vif(basis="design"))
    data_out["vif"] = None
    if vif is not None and len(vif):
        blocks.append(Table(vif.rename(index=term_labels(d)), {"df": lambda v: f"{int(v)}"}, {"gvif": "GVIF", "df": "Df",
                            "gvif_adj": "GVIF^(1/(2 Df))", "vif": "VIF"}, "Collinearity (VIF / GVIF)", index_label="term"))
        data_out["vif"] = _records(vif, "term")
    bt = c.run("Box-Tidwell test", res.box_tidwell)
    data_out["box_tidwell"] = None
    if bt is not None:
        bt_table = bt.table
        if len(bt_table):
            shown = bt_table.astype({"lambda": object})
            shown.loc[~bt.power_meaningful(), "lambda"] = "—"
            blocks.append(Table(shown, {"p": fmt_p, "p_adj": fmt_p, "z": Z3, "lambda": _power_text},
                                {"p_adj": "p (adjusted)", "lambda": "power"},
                                "Linearity of the log-odds (Box-Tidwell: x ln x added)", index_label="predictor"))
            if not bt.power_meaningful().all():
                blocks.append(Para("power = 1 + gamma/beta is shown only where the predictor's linear coefficient "
                                   "is clearly nonzero (|z| >= 1.96); near 0 the ratio means nothing (—).", "note"))
            blocks.append(Para(f"Joint likelihood-ratio test of all x ln x terms: chi2 = {bt.lr_stat:.3f} on "
                               f"{int(bt.lr_df)} df, {p_text(bt.lr_p)}."))
        skipped = dict(getattr(bt, "skipped", {}) or {})
        if skipped:
            blocks.append(Bullets([f"{k2}: not tested ({v})" for k2, v in skipped.items()]))
        data_out["box_tidwell"] = {"table": _records(bt_table.assign(power_meaningful=bt.power_meaningful()),
                                                     "predictor"), "lr_stat": bt.lr_stat,
                                   "lr_df": bt.lr_df, "lr_p": bt.lr_p,
                                   "skipped": {str(k2): str(v) for k2, v in skipped.items()}}
    lin_names, lin_note = _linearity_panels(res, bt)
    blocks.append(FigureRef("linearity", "Component-plus-residual plots with a lowess-type smoother on the means of "
                            "100 quantile bins" + lin_note))
    infl = c.run("Influence measures", res.influence)
    data_out["influence"] = None
    if infl is not None:
        it = infl.table
        cols = [x for x in ("hat", "cooks", "rstudent", "dffits", "covratio") if x in it.columns]
        worst = it.sort_values("cooks", ascending=False, kind="stable").head(top)[cols]
        blocks.append(Table(worst, {}, {"hat": "leverage", "cooks": "Cook's D", "rstudent": "stud. resid"},
                            f"Most influential rows (largest Cook's distance, top {top})", index_label="row"))
        thresholds = {str(k2): _plain(v) for k2, v in dict(getattr(infl, "thresholds", {}) or {}).items()}
        n_flag = _count_flagged(getattr(infl, "flagged", None))
        if n_flag is not None:
            blocks.append(Para(f"{n_flag} of {res.nobs} rows flagged by at least one of these rules:"))
        if thresholds:
            blocks.append(Bullets([str(v) for v in thresholds.values()]))
        data_out["influence"] = {"top": _records(worst, "row"), "thresholds": thresholds, "n_flagged": n_flag}
    blocks.append(FigureRef("influence", "Influence: leverage against studentized residual"
                            + _display_note(res.nobs, "points", top=True)))
    sections.append(Section("Details", blocks, "details"))

    if plots:
        from . import plots as P

        figures = {
            "forest": lambda: P.forest(res, alpha=alpha, method=ci_method,
                                       units={n: v for n, v in mult.items() if v != 1.0}),
            "effect": lambda: P.effect(res, predictor=effect, data=data, alpha=alpha),
            "roc": lambda: P.roc(res),
            "calibration": lambda: P.calibration(res, alpha=alpha),
            "linearity": lambda: P.linearity(res, predictors=lin_names),
            "influence": lambda: P.influence(res),
        }
        if res.method in ("gd", "sgd"):
            figures["loss"] = lambda: P.loss(res)
    return sections, data_out, figures


def _conditional_note(res) -> str:
    """Which odds ratios hold only at 0 (or the reference level) of an interacting variable."""
    kinds = {res.names[j]: t.kind for t in res.design.terms for j in t.columns}
    inter = [n for n in res.names if kinds.get(n) == "interaction"]
    parts = {p for n in inter for p in n.split(":") if p in kinds and kinds[p] != "interaction"}
    if not parts:
        return ""
    labels = coefficient_labels(res.design)
    return (f" The odds ratios of {', '.join(labels[n] for n in res.names if n in parts)} are those at 0 (or the "
            "reference level) of the variables they interact with; the sentences below give them at "
            "representative values.")


def _power_text(v) -> str:
    return v if isinstance(v, str) else fmt_num(v)


def _inference_section(res, alpha, level, c, data_out) -> Section:
    """Term tests (car::Anova type II) and average marginal effects, with the covariance used."""
    # LR tests need the unpenalized likelihood: a Firth fit gets Wald tests, as a robust covariance does
    test = "lr" if res.cov_type == "nonrobust" and res.method != "firth" else "wald"
    blocks = []
    terms = c.run("Term tests", lambda: res.anova(type=2, test=test))
    data_out["term_tests"] = None
    if terms is not None:
        how = ("likelihood-ratio" if test == "lr" else f"Wald, {res.cov_label}")
        blocks.append(Table(terms, {"statistic": fmt_num, "df": lambda v: f"{int(v)}", "p": fmt_p},
                            {"statistic": "chi2"}, f"Term tests (type II, {how})", index_label="term"))
        data_out["term_tests"] = {"type": 2, "test": test, "table": _records(terms, "term")}
    me = c.run("Marginal effects", lambda: res.marginal_effects(alpha=alpha))
    data_out["marginal_effects"] = None
    if me is not None:
        lo_lab, hi_lab = f"{100 * alpha / 2:g}%", f"{100 * (1 - alpha / 2):g}%"
        blocks.append(Table(me, COEF_FORMATS | {"effect": fmt_num}, {"effect": "effect", "se": "SE", "lower": lo_lab,
                            "upper": hi_lab}, f"Average marginal effects on the probability ({level} CI)",
                            index_label="variable"))
        blocks.append(Para("Average over the rows used of the change in the probability of the event per unit "
                           "of a numeric variable (derivative through every term containing it), or from the "
                           "reference level to each factor level; delta-method standard errors with the "
                           f"{res.cov_label}.", "note"))
        data_out["marginal_effects"] = {"kind": "average", "table": _records(me, "term")}
    return Section("Term tests and marginal effects", blocks, "inference")


def profile_budget(res) -> float | None:
    """Seconds the report gives profile-likelihood intervals: PROFILE_BUDGET x the fit time
    (at least PROFILE_BUDGET_MIN_S); None (no limit) when the fit time is unknown."""
    t = getattr(res, "fit_seconds", None)
    return None if t is None else max(PROFILE_BUDGET * t, PROFILE_BUDGET_MIN_S)


#: The linearity figure of a report shows at most this many predictors (one panel each).
LINEARITY_PANELS = 12


def _linearity_panels(res, bt) -> tuple[list[str] | None, str]:
    """Predictors of the report's linearity figure (None: all) and a caption fragment: beyond
    LINEARITY_PANELS, those with the smallest Box-Tidwell p (else the first ones)."""
    from .effects import continuous_predictors

    try:
        names = continuous_predictors(res)
    except (AttributeError, StatlogitError):  # rows not in memory (Dask): the figure decides itself
        return None, ""
    if len(names) <= LINEARITY_PANELS:
        return None, ""
    if bt is not None and len(bt.table):
        p = bt.table["p"]
        names = sorted(names, key=lambda v: (float(p[v]) if v in p.index else 2.0, names.index(v)))
        why = "the smallest Box-Tidwell p-values"
    else:
        why = "the first in the formula"
    return names[:LINEARITY_PANELS], f"; {LINEARITY_PANELS} of {len(names)} predictors shown, those with {why}"


def _display_note(n: int, what: str, top: bool = False) -> str:
    """Caption fragment for a plot that draws a display sample of the rows (see plots.DISPLAY_ROWS)."""
    from .plots import DISPLAY_ROWS, DISPLAY_TOP

    if n <= DISPLAY_ROWS:
        return ""
    extra = f", the {DISPLAY_TOP:,} rows with the largest Cook's distance among them" if top else ""
    return f"; {what}: a display sample of {DISPLAY_ROWS:,} of {n:,} rows{extra} (every number uses all rows)"


def p_text(p) -> str:
    """``p = 0.197`` or ``p < 1e-16``."""
    t = fmt_p(p)
    return f"p {t[0]} {t[1:]}" if t.startswith("<") else f"p = {t}"


def _plain(v):
    if hasattr(v, "item"):
        return v.item()
    return v


def _scalar(v) -> float | None:
    if v is None:
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    for attr in ("epv", "value", "events_per_variable"):
        if hasattr(v, attr):
            return _scalar(getattr(v, attr))
    if isinstance(v, (pd.Series, dict)):
        for key in ("epv", "events_per_variable"):
            if key in v:
                return _scalar(v[key])
    return None


def _count_flagged(flagged) -> int | None:
    if flagged is None:
        return None
    if isinstance(flagged, pd.DataFrame):
        return int(flagged.any(axis=1).sum()) if flagged.dtypes.map(pd.api.types.is_bool_dtype).all() else len(flagged)
    if isinstance(flagged, pd.Series):
        return int(flagged.sum()) if pd.api.types.is_bool_dtype(flagged.dtype) else len(flagged)
    try:
        return len(flagged)
    except TypeError:
        return None
