"""Newton-Raphson for the logistic likelihood (identical to IRLS for the canonical link).

Each Newton iteration makes one blocked pass over X (:func:`statlogit.kernel.loglik_score_information`)
giving the log-likelihood l, score g and information H at the current coefficients, then

1. solve ``H d = g`` (Cholesky on the scale-equilibrated matrix),
2. **convergence check**: the Newton decrement ``lambda = sqrt(g' H^-1 g)`` is at most ``tol``.
   Since ``l_max - l ~ lambda^2 / 2`` and every coefficient lies within ``lambda`` standard
   errors of the maximum (Cauchy-Schwarz on ``d' H d``), and the coefficients returned are those
   at which H was computed, standard errors are exact at the coefficients returned;
3. **line search**: try ``b + t d`` with ``t = 1, 1/2, 1/4, ...`` until the log-likelihood does
   not fall (step-halving, as R's glm.fit does on a divergent deviance).

Hitting ``max_iter`` is never called convergence.

**Large data** (n >= 200,000 rows; the strategy is :mod:`statlogit.solvers.driver`, shared by
every model family and backend): the iterations start from the fit on a random 50,000-row
subsample, and the first full-data iterations use that fit's information scaled by n/m in
place of the exact H (a quasi-Newton step that needs only l and g, a third of the work of a
pass with H). They stop as soon as the decrement measured with that H falls below 0.05 (or
the log-likelihood fails to rise); the exact Newton iterations then converge in one or two
steps. Every iteration, of either kind, is one pass over X and is counted in ``n_iter``;
``history`` says which information each used. Convergence is only ever declared on an
exact-H iteration.

Reference: Nocedal & Wright (2006), *Numerical Optimization*, sec. 3.5 and 9; the subsampled
Hessian is as in Byrd, Chin, Neveitt & Nocedal (2011), *SIAM J. Optim.* 21(3).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve

from ..kernel import logit_pass
from .base import Fit
from .rank import is_plain_start, rank_deficient

#: Line-search halvings before giving up on an iteration.
MAX_HALVINGS = 30

#: From this many rows on, the subsample start and the subsample-information steps are used.
SUBSAMPLE_MIN_ROWS = 200_000
SUBSAMPLE_ROWS = 50_000
#: Subsample-information steps stop once their decrement is below this (or after MAX_SUB_STEPS).
SUB_SWITCH = 0.05
MAX_SUB_STEPS = 8


class SingularInformation(Exception):
    """Raised internally when X'WX is not positive definite (rank deficiency)."""

    def __init__(self, information: np.ndarray):
        super().__init__("information matrix is singular")
        self.information = information


def newton_step(grad: np.ndarray, hess: np.ndarray) -> np.ndarray:
    """Solve ``hess @ d = grad`` by Cholesky on the scale-equilibrated matrix."""
    scale = np.sqrt(np.diag(hess))
    if not np.all(np.isfinite(scale)) or np.any(scale <= 0):
        raise SingularInformation(hess)
    hs = hess / np.outer(scale, scale)
    try:
        c = cho_factor(hs, lower=False, check_finite=False)
    except LinAlgError as exc:
        raise SingularInformation(hess) from exc
    d = cho_solve(c, grad / scale, check_finite=False) / scale
    # A positive-definite but numerically singular matrix gives a huge, meaningless step.
    if np.min(np.abs(np.diag(c[0]))) ** 2 < 1e-13:
        raise SingularInformation(hess)
    return d


def _accepts(ll_new: float, ll_old: float) -> bool:
    """A step is kept when l does not fall beyond rounding."""
    return bool(np.isfinite(ll_new) and ll_new >= ll_old - 1e-12 * (1.0 + abs(ll_old)))


def fit_newton(
    X: np.ndarray,
    y: np.ndarray,
    *,
    offset: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    start: np.ndarray | None = None,
    tol: float = 1e-8,
    max_iter: int = 100,
    intercept_index: int | None = None,
    implicit_intercept: bool = False,
) -> Fit:
    """Maximum-likelihood logistic regression by Newton-Raphson with step-halving.

    Parameters
    ----------
    X, y : design (n, p) and 0/1 response (n,), float64.
    offset, weights : optional known part of the linear predictor and prior weights.
    start : starting coefficients; by default zeros with the intercept (if
        ``intercept_index`` is given) at ``logit(mean(y))``, or for n >= 200,000 the
        subsample fit described in the module docstring.
    tol : convergence threshold on the Newton decrement ``sqrt(g' H^-1 g)``.
    max_iter : the most iterations (passes over X after the start) taken.
    implicit_intercept : X holds the predictors only, and coefficient 0 is an intercept
        that X does not carry (``intercept_index`` must then be 0 or None); the caller's X is
        read in place, never copied (see :func:`statlogit.kernel.logit_pass`).
    """
    if implicit_intercept and intercept_index not in (None, 0):
        raise ValueError("implicit_intercept puts the intercept first: intercept_index must be 0")
    from .driver import fit_likelihood

    lik = _LogitRows(X, y, offset, weights, 0 if implicit_intercept else intercept_index, implicit_intercept)
    fit = fit_likelihood(lik, start=start, tol=tol, max_iter=max_iter)
    from dataclasses import replace

    return replace(fit, n_extreme=lik.extreme.get(np.asarray(fit.params).tobytes()))


class _LogitRows:
    """The binary logit on ``(X, y)`` as the driver's likelihood (:mod:`statlogit.solvers.driver`),
    evaluated by :func:`statlogit.kernel.logit_pass` (X read in place; ``implicit_intercept``
    adds coefficient 0 as an intercept X does not carry)."""

    def __init__(self, X, y, offset, weights, intercept_index, implicit_intercept):
        self.X, self.y, self.offset, self.weights = X, y, offset, weights
        self.intercept_index, self.implicit_intercept = intercept_index, implicit_intercept
        self.n_rows = X.shape[0]
        self.n_params = X.shape[1] + bool(implicit_intercept)
        self.extreme: dict[bytes, int] = {}  # rows with |eta| > 25, by the coefficients of each pass

    def pieces(self, b, need_hessian=True):
        out = logit_pass(self.X, self.y, b, self.offset, self.weights, need_hessian=need_hessian,
                         implicit_intercept=self.implicit_intercept)
        self.extreme[np.asarray(b).tobytes()] = out.n_extreme
        return out.loglik, out.score, out.information

    def start(self):
        beta = np.zeros(self.n_params)
        if self.intercept_index is not None and self.offset is None:
            ybar = np.average(self.y, weights=self.weights)
            if 0.0 < ybar < 1.0:
                beta[self.intercept_index] = np.log(ybar / (1.0 - ybar))
        return beta

    def feasible(self, b):
        return True

    def check_start(self, b, hess):
        if is_plain_start(b, self.offset, self.intercept_index) and rank_deficient(hess):
            raise SingularInformation(hess)  # checked once, up front: the design is rank deficient

    def total_weight(self):
        return float(self.n_rows) if self.weights is None else float(self.weights.sum())

    def rows(self, idx):
        return _LogitRows(self.X[idx], self.y[idx], None if self.offset is None else self.offset[idx],
                          None if self.weights is None else self.weights[idx], self.intercept_index,
                          self.implicit_intercept)


def newton_maximize(
    pieces,
    theta: np.ndarray,
    *,
    tol: float = 1e-8,
    max_iter: int = 100,
    history: list[dict] | None = None,
    n_iter: int = 0,
    step_size: float = np.nan,
    feasible=None,
    check_start=None,
) -> Fit:
    """Maximise any log-likelihood given as ``pieces(theta) -> (loglik, score, information)``.

    The driver of every model family (binary, multinomial, ordinal): named phases
    (pieces, solve, convergence check on the Newton decrement, step-halving line search);
    ``max_iter`` is never called convergence. ``feasible(theta)`` (optional) rejects a
    trial point outside the parameter space without evaluating it (ordered thresholds);
    the line search halves the step until the trial is feasible and does not lower the
    log-likelihood. ``history``/``n_iter``/``step_size`` continue a run already begun.
    ``check_start(theta, information)`` (optional) may raise :class:`SingularInformation` on
    the first pass when no earlier phase ran (a rank-deficient design, checked once).
    """
    history = [] if history is None else history
    beta = np.asarray(theta, dtype=float)
    p = beta.shape[0]
    ll, grad, hess = pieces(beta)
    if check_start is not None and not history:
        check_start(beta, hess)
    converged = False
    message = f"stopped after max_iter={max_iter} iterations without meeting tol={tol:g}"
    while True:
        try:
            d = newton_step(grad, hess)
        except SingularInformation:
            if not history and n_iter == 0:
                raise  # singular at the start: the design itself is rank deficient
            message = (
                f"the information matrix became singular after {n_iter} steps: fitted "
                "probabilities reached 0 or 1, a sign of (quasi-)complete separation"
            )
            break
        decrement = float(np.sqrt(max(grad @ d, 0.0)))
        history.append({"iteration": n_iter, "loglik": ll, "decrement": decrement,
                        "max_abs_score": float(np.max(np.abs(grad))) if p else 0.0,
                        "step_size": step_size, "information": "exact"})
        if decrement <= tol:
            converged = True
            message = f"Newton decrement {decrement:.2e} <= tol {tol:g}"
            break
        if n_iter >= max_iter:
            break
        step_size = 1.0
        for _ in range(MAX_HALVINGS):
            trial = beta + step_size * d
            if feasible is not None and not feasible(trial):
                step_size *= 0.5
                continue
            ll_t, grad_t, hess_t = pieces(trial)
            if _accepts(ll_t, ll):
                break
            step_size *= 0.5
        else:
            message = (
                "line search failed: no step along the Newton direction raised the "
                f"log-likelihood (decrement {decrement:.2e})"
            )
            # At the limit of floating-point precision this is convergence, not failure.
            converged = decrement <= 1e-5
            break
        beta, ll, grad, hess = trial, ll_t, grad_t, hess_t
        n_iter += 1

    return Fit(params=beta, information=hess, loglik=ll, converged=converged, n_iter=n_iter,
               history=history, method="newton", message=message)
