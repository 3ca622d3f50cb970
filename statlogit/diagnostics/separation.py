"""(Quasi-)complete separation: symptoms of a fit and the exact linear-programming check.

The logistic MLE is finite if and only if no direction ``d != 0`` has ``s_i x_i'd >= 0`` for
every row, with ``s_i = 2 y_i - 1`` (Albert & Anderson 1984). Konis (2007) turns this into
linear programs, as R's ``detectseparation`` does; on the design scaled column-wise by the
largest absolute value (so every entry lies in [-1, 1]):

* LP1: maximise ``sum_i s_i x_i'd`` subject to ``s_i x_i'd >= 0`` and ``|d_j| <= 1``.
  Optimum 0: the MLE exists (status ``"none"``). Optimum > 0: separation, and the
  coefficients with ``d_j != 0`` diverge along the direction found.
* LP2: maximise ``t`` subject to ``s_i x_i'd >= t`` and ``|d_j| <= 1``. ``t > 0`` means every
  row is strictly on its side: **complete** separation; otherwise **quasi-complete**.

References: Albert A, Anderson JA (1984) Biometrika 71:1-10. Konis K (2007) *Linear
programming algorithms for detecting separated data in binary logistic regression
models*, DPhil thesis, Oxford. Kosmidis I, Schumacher D, detectseparation (R package).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..kernel import EXTREME_ETA

#: |eta| beyond which a fitted probability is numerically 0 or 1 (p < 1.4e-11).
ETA_LIMIT = EXTREME_ETA
#: LP optimum above which separation is declared (entries of the scaled design are <= 1).
LP_TOL = 1e-7



@dataclass(frozen=True)
class SeparationResult:
    """Outcome of the separation check.

    ``status``: "none", "quasi-complete" or "complete". ``predictors``: design columns
    (other than the intercept) with a non-zero entry in the separating direction;
    ``coefficients`` the same including the intercept. ``rows``: row labels strictly on
    their side of the separating hyperplane (their fitted probabilities go to 0 or 1).
    ``checked``: whether the linear programs ran (they are skipped for a fit without any
    symptom, which cannot be separated). ``symptoms``: what the fit showed.
    """

    status: str
    predictors: list[str]
    message: str
    coefficients: list[str] = field(default_factory=list)
    direction: pd.Series | None = None
    rows: pd.Index | None = None
    lp_objective: float = 0.0
    lp_complete_margin: float = 0.0
    checked: bool = True
    symptoms: tuple[str, ...] = ()

    @property
    def separated(self) -> bool:
        return self.status != "none"

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"<SeparationResult status={self.status!r} predictors={self.predictors}>"


def symptoms(fit, X, offset: np.ndarray | None, column_absmax: np.ndarray) -> list[str]:
    """Signs in a fit that the MLE may not exist: no convergence, |eta| > 25, huge SEs.

    ``X``: the design matrix, or the :class:`~statlogit.design.Design` (read without building
    its X). The count of |eta| > 25 comes from the fit when its last pass counted it.
    """
    out = []
    if fit.method == "firth":
        return out
    if not fit.converged:
        out.append(f"the fit did not converge ({fit.message})")
    beta = np.asarray(fit.params, dtype=float)
    if not np.all(np.isfinite(beta)):
        out.append("non-finite coefficients")
        return out
    n_extreme = getattr(fit, "n_extreme", None)
    if n_extreme is None:
        b = np.asarray(fit.params, dtype=float)
        eta = X.linear_predictor(b) if hasattr(X, "linear_predictor") else X @ b
        if offset is not None:
            eta = eta + offset
        n_extreme = int(np.count_nonzero(np.abs(eta) > ETA_LIMIT))
    if n_extreme:
        out.append(f"{n_extreme} fitted probabilities numerically 0 or 1 (|logit| > {ETA_LIMIT:g})")
    H = np.asarray(fit.information, dtype=float)
    d = np.sqrt(np.clip(np.diag(H), 0, None))
    scale = np.asarray(column_absmax, dtype=float)
    cs = getattr(fit, "column_scale", None)
    if cs is not None:  # information is for X / column_scale
        scale = scale / cs
        beta = beta * cs
    try:
        if np.any(d == 0):
            raise np.linalg.LinAlgError
        inv = np.linalg.inv(H / np.outer(d, d)) / np.outer(d, d)
        se = np.sqrt(np.clip(np.diag(inv), 0, None))
        if not np.all(np.isfinite(se)) or np.any(se * scale > 1e4) or np.any(np.diag(inv) <= 0):
            out.append("huge or undefined standard errors")
    except np.linalg.LinAlgError:
        out.append("singular information matrix")
    if np.any(np.abs(beta) * scale > 1e3):
        out.append("huge coefficients")
    return out


def detect_separation(X: np.ndarray, y: np.ndarray, names: list[str], row_labels=None,
                      intercept_index: int | None = None, weights: np.ndarray | None = None,
                      found_by: tuple[str, ...] = ()) -> SeparationResult:
    """Run Konis' linear programs (scipy ``linprog``, HiGHS) and describe the finding."""
    from scipy.optimize import linprog

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if weights is not None:
        keep = weights > 0
        X, y = X[keep], y[keep]
        row_labels = None if row_labels is None else pd.Index(row_labels)[keep]
    n, p = X.shape
    labels = pd.RangeIndex(n) if row_labels is None else pd.Index(row_labels)
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    A = (2.0 * y - 1.0)[:, None] * (X / scale)
    bounds = [(-1.0, 1.0)] * p
    lp1 = linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(n), bounds=bounds, method="highs")
    objective = -float(lp1.fun) if lp1.status == 0 else 0.0
    if lp1.status != 0 or objective <= LP_TOL:
        return SeparationResult(
            status="none", predictors=[], coefficients=[], lp_objective=max(objective, 0.0),
            message="no separation: the linear-programming check (Konis 2007) finds no direction "
                    "that separates the outcomes, so the maximum-likelihood estimate is finite",
            symptoms=tuple(found_by),
        )
    d = lp1.x
    lp2 = linprog(np.r_[np.zeros(p), -1.0], A_ub=np.column_stack([-A, np.ones(n)]), b_ub=np.zeros(n),
                  bounds=bounds + [(0.0, None)], method="highs")
    margin = -float(lp2.fun) if lp2.status == 0 else 0.0
    status = "complete" if margin > LP_TOL else "quasi-complete"
    nz = np.abs(d) > 1e-9
    coefs = [names[j] for j in range(p) if nz[j]]
    preds = [names[j] for j in range(p) if nz[j] and j != intercept_index]
    strict = A @ d > 1e-9
    rows = labels[strict]
    who = _listed(preds) if preds else "the intercept alone"
    if status == "complete":
        what = (f"complete separation: a linear combination of {who} predicts every outcome "
                "perfectly")
    else:
        what = (f"quasi-complete separation: a linear combination of {who} predicts the outcome "
                f"perfectly for {int(strict.sum())} of {n} rows")
    message = (
        f"{what}, so the maximum-likelihood estimate does not exist (coefficients of "
        f"{_listed(coefs)} diverge; their estimates and standard errors are meaningless). "
        "Use method='firth' (penalized likelihood, finite estimates), merge sparse categories, "
        "or drop the separating predictor"
    )
    return SeparationResult(
        status=status, predictors=preds, coefficients=coefs, message=message,
        direction=pd.Series(d, index=names, name="direction"), rows=rows,
        lp_objective=objective, lp_complete_margin=max(margin, 0.0), symptoms=tuple(found_by),
    )


def _listed(names: list[str], limit: int = 8) -> str:
    """At most ``limit`` names, then how many more (a factor can own hundreds of columns)."""
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} more"


def no_symptoms_result() -> SeparationResult:
    return SeparationResult(
        status="none", predictors=[], coefficients=[], checked=False,
        message="no separation: the fit converged with finite coefficients, moderate standard "
                "errors and no fitted probability at 0 or 1 (the linear-programming check was not "
                "needed)",
    )


#: Above this many design entries the LP is only run when the fit shows symptoms.
ALWAYS_CHECK_CELLS = 2_000_000


def separation_for(res) -> SeparationResult:
    """The finding for a results object: the one recorded at fit time, else computed now."""
    found = res.fit_info.separation or res.__dict__.get("_separation")
    if found is not None:
        return found
    d = res.design
    signs = symptoms(res.fit_info, d, res.model.offset, d.column_absmax)
    if signs or d.nobs * d.n_columns <= ALWAYS_CHECK_CELLS:
        found = detect_separation(d.X, d.y, list(d.column_names), d.row_labels, d.intercept_index,
                                  res.model.weights, tuple(signs))
    else:
        found = no_symptoms_result()
    res.__dict__["_separation"] = found  # cached on the results object (the Fit is frozen)
    return found
