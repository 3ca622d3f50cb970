"""From a :class:`~statlogit.model.Logit` to penalized fits: the problem, one fit, the Fit record.

Every penalized fit, single or along a path, runs :func:`statlogit.penalized.solver.solve_one`
in working coordinates and is stored as a :class:`PenalizedFit` whose ``params`` are on the
original scale, with exact zeros where the lasso put them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..solvers.base import Fit
from .objective import Standardization, kkt_violation, penalty_value, standardization
from .solver import Problem, Solution, null_fit, solve_one

#: Working-coordinate KKT tolerance (the solver's stopping rule).
DEFAULT_TOL = 1e-12
DEFAULT_MAX_ITER = 100


@dataclass(frozen=True)
class PenalizedFit(Fit):
    """A :class:`~statlogit.solvers.base.Fit` plus what a penalized fit is about.

    ``kkt_violation`` is glmnet's check on the original scale (see
    :func:`statlogit.penalized.objective.kkt_violation`); ``objective`` the penalized objective;
    ``dev_ratio`` = 1 - deviance / null deviance (glmnet's ``dev.ratio``).
    """

    penalty: str = "l1"
    lam: float = 0.0
    l1_ratio: float = 1.0
    standardize: bool = True
    kkt_violation: float = float("nan")
    objective: float = float("nan")
    dev_ratio: float = float("nan")
    null_loglik: float = float("nan")
    n_passes: int = 0
    gamma: np.ndarray | None = field(default=None, repr=False)


def penalty_name(l1_ratio: float) -> str:
    return "l2" if l1_ratio == 0 else ("l1" if l1_ratio == 1 else "elasticnet")


def make_problem(model, standardize: bool, extra_weights: np.ndarray | None = None) -> Problem:
    """The penalized problem of ``model`` (its weights times ``extra_weights``, e.g. CV folds)."""
    d = model.design
    w = model.weights
    if extra_weights is not None:
        w = extra_weights if w is None else w * extra_weights
    std = standardization(d.X, w, d.intercept_index, standardize)
    return Problem(d.X, d.y, w, model.offset, std)


def original_score_mean(prob: Problem, score_working: np.ndarray) -> np.ndarray:
    """``(1/W) X'(w (y - p))`` on the original scale from the working-coordinate score."""
    std = prob.std
    g = score_working / prob.W
    out = std.scale * g
    if std.intercept_index is not None:
        out = out + std.center * g[std.intercept_index]
    return out


def fit_record(prob: Problem, sol: Solution, lam: float, l1_ratio: float, null_ll: float) -> PenalizedFit:
    std: Standardization = prob.std
    b = std.to_original(sol.gamma.copy())
    ll = sol.state.loglik
    kkt = kkt_violation(original_score_mean(prob, sol.state.score), b, std, lam, l1_ratio)
    obj = -ll / prob.W + penalty_value(b, std.penalty_factor, lam, l1_ratio)
    dev_ratio = 1.0 - ll / null_ll if null_ll != 0 else float("nan")
    p = b.size
    return PenalizedFit(
        params=b, information=np.full((p, p), np.nan), loglik=ll, converged=sol.converged,
        n_iter=sol.n_iter, history=sol.history, method="coordinate descent", message=sol.message,
        penalty=penalty_name(l1_ratio), lam=float(lam), l1_ratio=float(l1_ratio),
        standardize=std.standardize, kkt_violation=kkt, objective=obj, dev_ratio=dev_ratio,
        null_loglik=null_ll, n_passes=sol.n_passes, gamma=sol.gamma.copy(),
    )


def fit_single(prob: Problem, lam: float, l1_ratio: float, *, start: np.ndarray | None = None,
               tol: float = DEFAULT_TOL, max_iter: int = DEFAULT_MAX_ITER) -> PenalizedFit:
    """One penalized fit at ``lam``, from the null model (or ``start``, original scale)."""
    g0, st0, _ = null_fit(prob)
    gamma = g0 if start is None else prob.std.to_working(np.asarray(start, float))
    state = st0 if start is None else None
    sol = solve_one(prob, lam, l1_ratio, gamma, state=state, tol=tol, max_iter=max_iter)
    return fit_record(prob, sol, lam, l1_ratio, st0.loglik)


def lambda_of(opts) -> tuple[float, float]:
    """(lam, l1_ratio) from validated options."""
    if opts.penalty == "l2":
        return float(opts.lam), 0.0
    if opts.penalty == "l1":
        return float(opts.lam), 1.0
    return float(opts.lam), float(opts.l1_ratio)


def fit_penalized(model, opts):
    """``Logit.fit(penalty=...)``: one penalized fit, returned as PenalizedResults."""
    from ..exceptions import ConvergenceWarning, warn
    from .results import PenalizedResults

    lam, l1_ratio = lambda_of(opts)
    prob = make_problem(model, opts.standardize)
    fit = fit_single(prob, lam, l1_ratio, tol=opts.tol_, max_iter=opts.max_iter_)
    if not fit.converged:
        warn(f"coordinate descent did not converge at lam={lam:g}: {fit.message} (KKT violation "
             f"{fit.kkt_violation:.2e}); raise max_iter", ConvergenceWarning)
    return PenalizedResults(model, fit, opts)
