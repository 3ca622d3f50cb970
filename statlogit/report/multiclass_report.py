"""The report of a multinomial or ordinal fit: the same :class:`~statlogit.report.document.Report`
tree as the binary model's, with the family's own tables (relative-risk or cumulative odds
ratios, the proportional-odds or IIA test) and stacked predicted-probability plots.

The plots show, for each plain numeric predictor (one that enters no other term: ``lwt`` with
``I(lwt**2)`` is skipped, with a note), the predicted probability of every level
over the predictor's observed range (200 points) with the other design columns held at their
median design values (numeric predictors at the median, each factor at its most common level
when that level holds more than half the rows, else the baseline); the caption says so.

JSON (``report.to_json()``): ``statlogit_version``, ``model_kind`` ("multinomial"/"ordinal"),
``alpha``, ``ci_method``, ``model`` {formula, response, levels, level_counts, reference (multinomial),
n_obs, n_dropped, method, converged, n_iter, message, events_per_variable}, ``coefficients``
[{term ("level: term" for the multinomial), coef, se, z, p, lower, upper, rrr / rrr_lower /
rrr_upper (multinomial)}], ``fit`` {loglik, loglik_null, deviance, aic, bic, n_params, lr_test,
pseudo_r2}, ``classification`` {accuracy, auc, brier, macro, per_class, confusion} | null,
``proportional_odds`` {brant, lr} (ordinal) or ``iia`` (multinomial) | null, ``assumptions``,
``vif``, ``notes``. Non-finite numbers are null.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..exceptions import OptionError, StatlogitError, StatlogitWarning
from .document import Bullets, Facts, FigureRef, Para, Report, Section, Table
from .multiclass_summary import ORDINAL_CONVENTION, MulticlassSummary
from .summary import COEF_FORMATS
from .tables import fmt_num, fmt_p

RATIO_FORMATS = {"ratio": fmt_num, "lower": fmt_num, "upper": fmt_num}
TEST_FORMATS = {"statistic": fmt_num, "df": lambda v: "" if pd.isna(v) else f"{int(v)}", "p": fmt_p}


def _plain(v):
    if isinstance(v, (np.generic,)):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def _records(frame: pd.DataFrame, index_name: str) -> list[dict]:
    out = []
    for label, row in frame.iterrows():
        rec = {index_name: str(label) if not isinstance(label, tuple) else ": ".join(map(str, label))}
        rec.update({str(k): _plain(v) for k, v in row.items()})
        out.append(rec)
    return out


def plottable_predictors(res) -> list[tuple[str, int]]:
    """Plain numeric main effects (one design column, in no interaction): (name, column)."""
    d = res.design
    inter = " ".join(t.name for t in d.terms if t.kind == "interaction")
    shared = set(_also_in_other_terms(res))
    return [(t.variable, t.columns[0]) for t in d.terms
            if t.kind == "numeric" and t.variable and len(t.columns) == 1 and t.variable not in inter
            and t.variable not in shared]


def _also_in_other_terms(res) -> dict[str, list[str]]:
    """Plain numeric main effects whose variable also enters another formula term (``lwt`` with
    ``I(lwt**2)`` or ``np.log(lwt):smoke``): {variable: [those terms]}. Moving such a variable
    alone, the other term held at its median, would plot predictions of no possible row."""
    info = res.design.design_info
    if info is None:
        return {}
    uses = {term.name(): set().union(*(_names_in(f) for f in term.factors)) for term in info.terms if term.factors}
    out = {}
    for t in res.design.terms:
        if t.kind == "numeric" and t.variable:
            others = [name for name, used in uses.items() if name != t.name and t.variable in used]
            if others:
                out[t.variable] = others
    return out


def _names_in(factor) -> set[str]:
    """Variable names a patsy factor's code reads (``Q("class")`` gives ``class``)."""
    import ast

    code = getattr(factor, "code", None) or factor.name()
    try:
        tree = ast.parse(code, mode="eval")
    except SyntaxError:
        return {code}
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Q"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value)
    return names


def probability_curve(res, column: int, points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Grid over design column ``column`` and the predicted probabilities (points x K), the other
    columns at their median design values."""
    grid, Xg = design_grid(res._likelihood.X, column, points)
    return grid, res._likelihood.probabilities(Xg, res.fit_info.params)


def design_grid(X: np.ndarray, column: int, points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """``points`` rows spanning the observed range of design column ``column``, the other
    columns at their median design values: (grid, rows)."""
    j = column
    base = np.median(X, axis=0)
    lo, hi = float(X[:, j].min()), float(X[:, j].max())
    grid = np.linspace(lo, hi, points)
    Xg = np.tile(base, (points, 1))
    Xg[:, j] = grid
    return grid, Xg


def _figure_maker(res, name, column, points):
    def make():
        from .multiclass_plots import plot_stacked_probabilities

        x, prob = probability_curve(res, column, points)
        ax = plot_stacked_probabilities(x, prob, res.level_names, name,
                                        title=f"Predicted probability of each level of {res.design.response_name}")
        return ax.figure

    return make


def classification_blocks(cls) -> tuple[list, dict | None]:
    """Report blocks and JSON record of a K-class classification (``None``: not computed)."""
    if cls is None:
        return [], None
    blocks = [Table(cls.confusion, {}, {}, "Confusion matrix (rows observed, columns most probable level)"),
              Facts([("Accuracy", f"{cls.accuracy:.4f}"),
                     ("Macro precision / recall / F1", " / ".join(f"{cls.macro[k]:.4f}"
                                                                  for k in ("precision", "recall", "f1"))),
                     ("Hand-Till AUC", f"{cls.auc:.4f}"), ("Brier score (multiclass)", f"{cls.brier:.4f}")]),
              Table(cls.per_class, {"support": fmt_num}, {}, "Per level", index_label="level")]
    data = {"accuracy": _plain(cls.accuracy), "auc": _plain(cls.auc),
            "brier": _plain(cls.brier), "macro": {k: _plain(v) for k, v in cls.macro.items()},
            "per_class": _records(cls.per_class, "level"),
            "confusion": _records(cls.confusion, "observed")}
    return blocks, data


def build_multiclass_report(res, alpha: float = 0.05, ci_method: str = "profile", plots: bool = True,
                            progress: bool = False, title: str | None = None, points: int = 200) -> Report:
    if ci_method not in ("profile", "wald"):
        raise OptionError(f"ci_method={ci_method!r} is not valid; choose one of 'profile', 'wald'")
    if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise OptionError(f"alpha={alpha!r} is not valid; it must be between 0 and 1 (0.05 for 95% intervals)")
    notes: list[str] = []

    def run(what, fn):
        try:
            return fn()
        except StatlogitError as exc:
            notes.append(f"{what} not computed: {exc}")
            return None

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if ci_method == "profile":
            if run("Profile-likelihood intervals", lambda: res._ci_flat(alpha, "profile", progress)) is None:
                ci_method = "wald"
        sections, data, figures = _collect(res, alpha, ci_method, points, run, notes)
    for w in caught:
        if issubclass(w.category, StatlogitWarning):
            notes.append(f"{w.category.__name__}: {w.message}")
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    notes = list(dict.fromkeys(notes))
    data["notes"] = notes
    if notes:
        sections.append(Section("Notes", [Bullets(notes)], "notes"))
    d = res.design
    if title is None:
        title = (f"Multinomial logistic regression: {d.response_name} (reference {res.level_names[0]})"
                 if res.kind == "multinomial" else
                 f"Ordinal logistic regression: {d.response_name} ({' < '.join(res.level_names)})")
    return Report(title, sections, data, figures if plots else {})


def _collect(res, alpha, ci_method, points, run, notes):
    from .. import __version__

    summ = MulticlassSummary.from_results(res, alpha=alpha, ci_method=ci_method)
    d = res.design
    data: dict = {"statlogit_version": __version__, "model_kind": res.kind, "alpha": alpha, "ci_method": ci_method}
    figures: dict = {}
    facts = list(summ.header[:5])
    epv = run("Events per variable", res.events_per_variable)
    if epv is not None:
        facts.append(("Events per variable", f"{float(epv['epv']):.3g} on the rarest level {epv['level']} "
                                             f"({epv['verdict']})"))
    data["model"] = {"formula": res.formula, "response": d.response_name, "levels": res.level_names,
                     "level_counts": {k: _plain(v) for k, v in res.level_counts.items()}, "n_obs": res.nobs,
                     "n_dropped": res.n_dropped, "method": res.method, "converged": res.converged,
                     "n_iter": res.n_iter, "message": res.fit_info.message,
                     "events_per_variable": None if epv is None else {k: _plain(v) for k, v in epv.items()}}
    if res.kind == "multinomial":
        data["model"]["reference"] = res.level_names[0]
    if not res.converged:
        notes.append(f"The fit did not converge ({res.fit_info.message}); estimates are not maximum-likelihood.")
    sections = [Section("Model", [Facts(facts)], "model")]

    labels = summ._labels()
    blocks: list = []
    if res.kind == "ordinal":
        blocks.append(Para(ORDINAL_CONVENTION, "note"))
    blocks.append(Table(summ.coefficients, COEF_FORMATS, labels, "Coefficients (log-odds scale)"))
    blocks.append(Table(summ.ratios, RATIO_FORMATS, labels, summ.ratio_title))
    blocks.append(Para(summ.notes[-1], "note"))
    sections.append(Section("Coefficients", blocks, "coefficients"))
    data["coefficients"] = _records(res.coef_table(alpha, ci_method), "term")

    lr, r2 = res.lr_test(), res.pseudo_r2()
    fit_facts = summ.header[5:]
    data["fit"] = {"loglik": res.llf, "loglik_null": res.llnull, "deviance": res.deviance, "aic": res.aic,
                   "bic": res.bic, "n_params": res.k_params, "lr_test": {k: _plain(v) for k, v in lr.items()},
                   "pseudo_r2": {k: _plain(v) for k, v in r2.items()}}
    blocks = [Facts(fit_facts)]
    cls = run("Classification", res.classification)
    cls_blocks, data["classification"] = classification_blocks(cls)
    blocks += cls_blocks
    sections.append(Section("Fit and classification", blocks, "fit"))

    blocks = []
    if res.kind == "ordinal":
        data["proportional_odds"] = {}
        for method, caption in (("brant", "Brant (1990) test by term"),
                                ("lr", "Likelihood-ratio test by term (effects free per threshold)")):
            t = run(f"Proportional odds ({method})", lambda m=method: res.proportional_odds(m))
            data["proportional_odds"][method] = None if t is None else _records(t, "term")
            if t is not None:
                blocks.append(Table(t, TEST_FORMATS, {}, caption, index_label="term"))
        title = "Proportional odds"
    else:
        t = run("IIA test", res.iia) if res.K >= 3 else None
        data["iia"] = None if t is None else _records(t, "dropped")
        if t is not None:
            blocks.append(Table(t, TEST_FORMATS, {}, "Hausman-McFadden test, dropping each level in turn",
                                index_label="dropped"))
        title = "Independence of irrelevant alternatives"
    if blocks:
        sections.append(Section(title, blocks, "family"))

    ar = run("Assumption checks", res.check_assumptions)
    data["assumptions"] = None
    if ar is not None:
        stat = {"statistic": lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else fmt_num(v)}
        sections.append(Section("Assumptions", [Table(ar.table, stat, {}, "", index=False, text=str(ar), cards=True)],
                                "assumptions"))
        data["assumptions"] = [{str(k): _plain(v) for k, v in row.items()} for _, row in ar.table.iterrows()]

    vif = run("VIF", res.vif)
    data["vif"] = None if vif is None else _records(vif, "term")
    blocks = []
    if vif is not None:
        blocks.append(Table(vif, {"df": lambda v: f"{int(v)}"}, {"gvif": "GVIF", "df": "Df",
                            "gvif_adj": "GVIF^(1/(2 Df))", "vif": "VIF"}, "Collinearity (VIF / GVIF)", index_label="term"))
    preds = plottable_predictors(res)
    for name, col in preds:
        key = f"prob_{name}"
        figures[key] = _figure_maker(res, name, col, points)
        blocks.append(FigureRef(key, f"Predicted probability of each level across {name} (stacked; other "
                                     "predictors at their median design values)"))
    for name, others in _also_in_other_terms(res).items():
        notes.append(f"No probability plot across {name}: it also enters through {', '.join(others)}, which "
                     f"would be held at its median while {name} moves (predictions for no possible row).")
    if not preds:
        notes.append("No probability plot: the model has no numeric predictor that enters only as a main effect.")
    if blocks:
        sections.append(Section("Details", blocks, "details"))
    return sections, data, figures
