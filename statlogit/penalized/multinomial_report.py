"""Report of a penalized multinomial logit (glmnet's symmetric layout): the penalty, the
coefficients by level, the line saying why there are no standard errors, p-values or intervals,
the K-class classification (:mod:`statlogit.diagnostics.multiclass`) and stacked predicted
probability plots (:mod:`statlogit.report.multiclass_plots`).

JSON (``report.to_json()``): ``model_kind`` ("multinomial_penalized"), ``model`` {formula,
response, levels, level_counts, n_obs, n_dropped, penalty, lam, l1_ratio, standardize, converged, n_iter,
kkt_violation, dev_ratio, nonzero}, ``coefficients`` [{term, level, coef}], ``classification``
(as the multinomial report's) | null, ``notes``.
"""

from __future__ import annotations

import warnings

from .results import NO_INFERENCE

#: Why the table has no standard errors, p-values or intervals (one line, shown in every format).
NO_INFERENCE_MULTI = (NO_INFERENCE + ". The coefficients are glmnet's symmetric ones (one vector per level, "
                      "no reference level); differences between two levels' columns are log relative risks.")


def _facts(res) -> list[tuple[str, str]]:
    from .report import penalty_text

    d = res.design
    counts = res.level_counts
    k = res.params.shape[0] - (0 if d.intercept_index is None else 1)
    return [
        ("Formula", str(res.formula)),
        ("Response", f"{d.response_name}: " + ", ".join(f"{lv} ({counts[lv]:g})" for lv in res.level_names)),
        ("Observations", f"{res.nobs}" + (f", {d.n_dropped} dropped for missing values" if d.n_dropped else "")),
        ("Penalty", penalty_text(res)),
        ("Method", f"{res.fit_info.method}, {res.fit_info.n_iter} cycles, "
                   + ("converged" if res.converged else "NOT converged")
                   + f"; KKT violation {res.kkt_violation:.1e}"),
        ("Nonzero coefficients", f"{res.nonzero} of {k * res.model.K} (intercepts not counted)"),
        ("Deviance", f"{-2 * res.llf:.3f} (null {-2 * res.fit_info.null_loglik:.3f}); "
                     f"deviance ratio {res.dev_ratio:.4f}"),
    ]


def _figure_maker(res, name: str, column: int, points: int):
    def make():
        from ..report.multiclass_plots import plot_stacked_probabilities
        from ..report.multiclass_report import design_grid

        x, Xg = design_grid(res.design.X, column, points)
        ax = plot_stacked_probabilities(x, res.probabilities(Xg), res.level_names, name,
                                        title=f"Predicted probability of each level of {res.design.response_name} "
                                              f"(penalized, lambda = {res.lam:.3g})")
        return ax.figure

    return make


def penalized_multinomial_report(res, plots: bool = True, title: str | None = None, points: int = 200):
    """Model facts, coefficients by level, classification and stacked probability plots."""
    from ..exceptions import StatlogitError, StatlogitWarning
    from ..report.document import Bullets, Facts, FigureRef, Para, Report, Section, Table
    from ..report.multiclass_report import _plain, classification_blocks, plottable_predictors
    from ..report.tables import coefficient_labels, fmt_num

    d = res.design
    notes: list[str] = []
    params = res.params
    data: dict = {"model_kind": "multinomial_penalized", "model": {
        "formula": str(res.formula), "response": d.response_name, "levels": res.level_names,
        "level_counts": {k: _plain(v) for k, v in res.level_counts.items()}, "n_obs": res.nobs,
        "n_dropped": d.n_dropped, "penalty": res.penalty, "lam": res.lam, "l1_ratio": res.l1_ratio, "standardize": res.standardize,
        "converged": res.converged, "n_iter": res.fit_info.n_iter, "kkt_violation": res.kkt_violation,
        "dev_ratio": res.dev_ratio, "nonzero": res.nonzero}}
    sections = [Section("Model", [Facts(_facts(res))], "model")]
    shown = params.rename(index=coefficient_labels(d))
    sections.append(Section("Coefficients by level", [
        Table(shown, {c: fmt_num for c in shown.columns}, {},
              "Penalized coefficients (log-odds scale), one column per level"),
        Para(NO_INFERENCE_MULTI, "note"),
    ], "coefficients"))
    data["coefficients"] = [{"term": t, "level": lv, "coef": float(params.at[t, lv])}
                            for lv in params.columns for t in params.index]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cls = res.classification()
        except StatlogitError as exc:
            cls = None
            notes.append(f"Classification not computed: {exc}")
    notes += [f"{w.category.__name__}: {w.message}" for w in caught if issubclass(w.category, StatlogitWarning)]
    blocks, data["classification"] = classification_blocks(cls)
    if blocks:
        sections.append(Section("Classification", [Para("Classification of the rows used by the most probable "
                                                        "level of the penalized fit (in-sample).", "note"), *blocks],
                                "fit"))
    figures: dict = {}
    blocks = []
    for name, col in plottable_predictors(res):
        key = f"prob_{name}"
        figures[key] = _figure_maker(res, name, col, points)
        blocks.append(FigureRef(key, f"Predicted probability of each level across {name} (stacked; other "
                                     "predictors at their median design values)"))
    if blocks:
        sections.append(Section("Predicted probabilities", blocks, "details"))
    else:
        notes.append("No probability plot: the model has no numeric predictor that enters only as a main effect.")
    if not res.converged:
        notes.append(f"The fit did not converge ({res.fit_info.message}).")
    notes = list(dict.fromkeys(notes))
    if notes:
        sections.append(Section("Notes", [Bullets(notes)], "notes"))
    data["notes"] = notes
    if title is None:
        title = f"Penalized multinomial logistic regression: {d.response_name} ({', '.join(res.level_names)})"
    return Report(title, sections, data, figures if plots else {})


