"""Box-Tidwell test of linearity of the logit in each continuous predictor.

For every plain numeric main-effect predictor ``x`` with more than two distinct values, all
positive, the term ``x ln(x)`` is added to the logistic model -- all of them at once -- and
each added coefficient ``gamma`` is tested by its Wald z (two-sided normal p; Holm-adjusted
over the predictors tested). Under ``logit = ... + beta x^lambda``, a first-order expansion
around ``lambda = 1`` gives ``gamma = beta (lambda - 1)``, so the power estimate is
``lambda = 1 + gamma / beta`` with ``beta`` from the original model. The likelihood-ratio
test compares the augmented and the original model (all added terms jointly).

Note: ``car::boxTidwell`` is the least-squares version and is not what this computes.

References: Box GEP, Tidwell PW (1962) Technometrics 4:531-550; Hosmer DW, Lemeshow S,
Sturdivant RX (2013) *Applied Logistic Regression*, 3rd ed., sec. 4.2.1; Guerrero & Johnson.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import chdtrc, ndtr

from ..exceptions import OptionError
from ._common import DiagnosticError, require_finite_fit

#: The power estimate is shown only where the linear coefficient's |Wald z| reaches this.
POWER_MIN_Z = 1.959963984540054


#: From this many rows the augmented model is fitted without forming [X, x ln x] and with
#: quasi-Newton steps from the original fit's information (:mod:`.augmented_fit`).
AUGMENTED_MIN_ROWS = 100_000


@dataclass(frozen=True)
class BoxTidwellResult:
    """``table`` (index predictor; gamma, se, z, p, p_adj, lambda), the joint LR test
    (``lr_stat``, ``lr_df``, ``lr_p``), ``skipped`` (predictor -> reason) and ``shift``
    (predictor -> amount added before taking logs)."""

    table: pd.DataFrame
    lr_stat: float
    lr_df: int
    lr_p: float
    skipped: dict[str, str] = field(default_factory=dict)
    shift: dict[str, float] = field(default_factory=dict)
    #: Wald z of each tested predictor's linear coefficient ``beta`` in the original model.
    beta_z: dict[str, float] = field(default_factory=dict)

    def power_meaningful(self) -> pd.Series:
        """Whether ``lambda = 1 + gamma / beta`` means anything for each predictor: only where
        the linear coefficient is clearly nonzero, ``|beta / se(beta)| >= POWER_MIN_Z`` (1.96,
        a 5% Wald test). Near ``beta = 0`` the ratio is noise (e.g. -18.6 for age in Arrests)."""
        return pd.Series({k: bool(abs(self.beta_z.get(k, np.nan)) >= POWER_MIN_Z) for k in self.table.index},
                         dtype=bool)

    def __repr__(self) -> str:
        return (f"<BoxTidwellResult tested={list(self.table.index)} LR={self.lr_stat:.4g} "
                f"df={self.lr_df} p={self.lr_p:.3g} skipped={self.skipped}>")


def _distinct_counts(X: np.ndarray) -> np.ndarray:
    """Per column: 1, 2 or 3 (= more than two) distinct values, from the column minimum and
    maximum and whether every value is one of them (reductions down the rows; no sort)."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    two = ((X == lo) | (X == hi)).all(axis=0)
    return np.where(lo == hi, 1, np.where(two, 2, 3))


def eligible_predictors(design, shift=None) -> tuple[list[tuple[str, int, float]], dict[str, str]]:
    """``[(name, column, shift)]`` to test and ``{name: reason}`` for the others."""
    tested: list[tuple[str, int, float]] = []
    skipped: dict[str, str] = {}
    shifts = {} if shift is None or isinstance(shift, str) else dict(shift)
    kinds = {"categorical": "categorical", "interaction": "interaction term"}
    numeric = [t for t in design.terms if t.kind not in ("intercept", *kinds)
               and t.variable is not None and len(t.columns) == 1]
    if numeric:
        # all columns at once: reductions along the rows of a C-ordered X, no gather
        cols = [t.columns[0] for t in numeric]
        counts = dict(zip(cols, _distinct_counts(design.X)[cols]))
        lows = dict(zip(cols, design.X.min(axis=0)[cols]))
    for t in design.terms:  # reasons in formula order
        if t.kind == "intercept":
            continue
        if t.kind in kinds:
            skipped[t.name] = kinds[t.kind]
            continue
        if t.variable is None or len(t.columns) != 1:
            skipped[t.name] = "transformed term"
            continue
        k = int(counts[t.columns[0]])
        if k < 3:
            skipped[t.name] = "binary" if k == 2 else "constant"
            continue
        c = float(shifts.pop(t.name, 0.0))
        lo = float(lows[t.columns[0]])
        if shift == "auto" and lo <= 0:
            c = 1.0 - lo
        if lo + c <= 0:
            if c:
                skipped[t.name] = f"values <= 0 after shift {c:g} (min {lo + c:g})"
            else:
                skipped[t.name] = f"values <= 0 (min {lo:g})"
            continue
        tested.append((t.name, t.columns[0], c))
    if shifts:
        raise OptionError(
            f"shift names {', '.join(map(repr, shifts))}, which are not numeric predictors of this model; "
            f"testable predictors are {', '.join(n for n, _, _ in tested) or 'none'}"
        )
    return tested, skipped


def box_tidwell(res, shift=None) -> BoxTidwellResult:
    """Logistic Box-Tidwell test; ``shift``: None, ``"auto"`` (shift non-positive predictors
    so their minimum is 1) or ``{predictor: amount}`` added before taking logs."""
    if shift is not None and not isinstance(shift, dict) and shift != "auto":
        raise OptionError(f"shift={shift!r} is not valid; use None, 'auto' or a dict {{predictor: amount}}")
    require_finite_fit(res, "box_tidwell()")
    d = res.design
    tested, skipped = eligible_predictors(d, shift)
    if not tested:
        why = "; ".join(f"{k}: {v}" for k, v in skipped.items()) or "no predictors"
        raise DiagnosticError(
            "Box-Tidwell needs at least one numeric main-effect predictor with more than two "
            f"distinct positive values; none here ({why}). Pass shift='auto' or shift={{name: amount}} "
            "to include a predictor with values <= 0"
        )
    n, p = d.X.shape
    cols = [col for _, col, _ in tested]
    shifts = np.array([c for _, _, c in tested])
    Z = np.empty((n, len(tested)))
    for lo in range(0, n, 65_536):  # x ln x in chunks: no n x q temporaries besides Z
        xs = d.X[lo : lo + 65_536, cols] + shifts
        np.multiply(xs, np.log(xs), out=Z[lo : lo + 65_536])
    start = np.r_[res.fit_info.params, np.zeros(len(tested))]
    opts = dict(offset=res.model.offset, weights=res.model.weights, intercept_index=d.intercept_index)
    from ..solvers.newton import SingularInformation

    try:
        if res.method == "firth":
            from ..solvers.firth import fit_firth

            fa = fit_firth(np.hstack([d.X, Z]), d.y, start=start, **opts)
            base, aug = res.fit_info.penalized_loglik, fa.penalized_loglik
        elif n >= AUGMENTED_MIN_ROWS and getattr(res.fit_info, "column_scale", None) is None:
            from .augmented_fit import fit_augmented

            fa = fit_augmented(d.X, Z, d.y, res.fit_info.params, res.llf, res._fitted, res.fit_info.information,
                               offset=res.model.offset, weights=res.model.weights)
            base, aug = res.llf, fa.loglik
        else:
            from ..solvers.newton import fit_newton

            fa = fit_newton(np.hstack([d.X, Z]), d.y, start=start, **opts)
            base, aug = res.llf, fa.loglik
    except SingularInformation as exc:
        raise DiagnosticError(
            "the model with the x*ln(x) terms added is singular (a predictor and its x*ln(x) are "
            f"collinear); predictors tested: {', '.join(t[0] for t in tested)}"
        ) from exc
    return box_tidwell_result(res, fa, tested, skipped, base_loglik=base, augmented_loglik=aug)


def box_tidwell_result(res, fa, tested, skipped, base_loglik: float, augmented_loglik: float) -> BoxTidwellResult:
    """The Box-Tidwell table from the augmented fit ``fa`` (the model's columns, then one x*ln(x) per
    tested predictor): Wald z of each gamma with Holm-adjusted p, ``lambda = 1 + gamma / beta``, and the
    joint LR test; shared by the in-memory and the Dask paths."""
    if not fa.converged:
        raise DiagnosticError(f"the Box-Tidwell model did not converge ({fa.message})")
    from ..inference.multiplicity import holm

    p = len(res.names)
    H = fa.information
    s = np.sqrt(np.diag(H))
    cov = np.linalg.inv(H / np.outer(s, s)) / np.outer(s, s)
    gamma = fa.params[p:]
    se = np.sqrt(np.diag(cov)[p:])
    z = gamma / se
    pv = 2.0 * ndtr(-np.abs(z))
    beta = np.array([res.fit_info.params[col] for _, col, _ in tested])
    with np.errstate(divide="ignore"):
        lam = 1.0 + gamma / beta
    table = pd.DataFrame({"gamma": gamma, "se": se, "z": z, "p": pv, "p_adj": holm(pv), "lambda": lam},
                         index=pd.Index([t[0] for t in tested], name="predictor"))
    lr = max(2.0 * (augmented_loglik - base_loglik), 0.0)
    df = len(tested)
    return BoxTidwellResult(table=table, lr_stat=float(lr), lr_df=df, lr_p=float(chdtrc(df, lr)),
                            skipped=skipped, shift={nm: c for nm, _, c in tested if c},
                            beta_z={nm: float(res.zvalues.iloc[col]) for nm, col, _ in tested})
