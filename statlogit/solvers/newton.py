"""Newton-Raphson for the logistic likelihood (identical to IRLS for the canonical link).

Each iteration makes one blocked pass over X (:func:`statlogit.kernel.loglik_score_information`)
giving the log-likelihood l, score g and information H at the current coefficients, then

1. solve ``H d = g`` (Cholesky),
2. **convergence check**: the Newton decrement ``lambda = sqrt(g' H^-1 g)`` is at most ``tol``.
   Since ``l_max - l ~ lambda^2 / 2`` and every coefficient lies within ``lambda`` standard
   errors of the maximum (Cauchy-Schwarz on ``d' H d``), the coefficients returned are those
   at which H was computed, so standard errors are exact at the coefficients returned;
3. **line search**: try ``b + t d`` with ``t = 1, 1/2, 1/4, ...`` until the log-likelihood does
   not fall (step-halving, as R's glm.fit does on a divergent deviance).

Hitting ``max_iter`` is never called convergence.
Reference: Nocedal & Wright (2006), *Numerical Optimization*, sec. 3.5 and 9.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve

from ..kernel import loglik_score_information
from .base import Fit

#: Line-search halvings before giving up on an iteration.
MAX_HALVINGS = 30

#: From this many rows on, Newton starts from the fit on a random subsample: it is within
#: O(1/sqrt(m)) of the answer, so the full-data iterations start in the region of
#: quadratic convergence and two or three full passes fewer are needed.
SUBSAMPLE_MIN_ROWS = 200_000
SUBSAMPLE_ROWS = 50_000


def _subsample_start(X, y, offset, weights, beta0, intercept_index):
    n, p = X.shape
    m = max(SUBSAMPLE_ROWS, 200 * p)
    if m * 4 > n:
        return beta0, ""
    rows = np.sort(np.random.default_rng(20240601).choice(n, size=m, replace=False))
    try:
        sub = fit_newton(
            X[rows], y[rows], offset=None if offset is None else offset[rows],
            weights=None if weights is None else weights[rows], start=beta0, tol=1e-3, max_iter=25,
            intercept_index=intercept_index,
        )
    except SingularInformation:
        return beta0, ""
    if not sub.converged or not np.all(np.isfinite(sub.params)):
        return beta0, ""
    return sub.params, f"started from a fit on a random subsample of {m} rows"


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
) -> Fit:
    """Maximum-likelihood logistic regression by Newton-Raphson with step-halving.

    Parameters
    ----------
    X, y : design (n, p) and 0/1 response (n,), float64.
    offset, weights : optional known part of the linear predictor and prior weights.
    start : starting coefficients; by default zeros with the intercept (if
        ``intercept_index`` is given) at ``logit(mean(y))``.
    tol : convergence threshold on the Newton decrement ``sqrt(g' H^-1 g)``.
    max_iter : the most Newton steps taken.
    """
    n, p = X.shape
    note = ""
    if start is None:
        beta = np.zeros(p)
        if intercept_index is not None and offset is None:
            ybar = np.average(y, weights=weights)
            if 0.0 < ybar < 1.0:
                beta[intercept_index] = np.log(ybar / (1.0 - ybar))
        if n >= SUBSAMPLE_MIN_ROWS:
            beta, note = _subsample_start(X, y, offset, weights, beta, intercept_index)
    else:
        beta = np.array(start, dtype=float)

    ll, grad, hess = loglik_score_information(X, y, beta, offset, weights)
    history: list[dict] = []
    converged = False
    message = f"stopped after max_iter={max_iter} Newton steps without meeting tol={tol:g}"
    n_iter = 0
    step_size = np.nan
    for iteration in range(max_iter + 1):
        try:
            d = newton_step(grad, hess)
        except SingularInformation:
            if iteration == 0:
                raise  # singular at the start: the design itself is rank deficient
            message = (
                f"the information matrix became singular after {iteration} steps: fitted "
                "probabilities reached 0 or 1, a sign of (quasi-)complete separation"
            )
            break
        decrement = float(np.sqrt(max(grad @ d, 0.0)))
        history.append(
            {
                "iteration": iteration,
                "loglik": ll,
                "decrement": decrement,
                "max_abs_score": float(np.max(np.abs(grad))) if p else 0.0,
                "step_size": step_size,
            }
        )
        if decrement <= tol:
            converged = True
            message = f"Newton decrement {decrement:.2e} <= tol {tol:g}"
            break
        if iteration == max_iter:
            break
        step_size = 1.0
        for _ in range(MAX_HALVINGS):
            trial = beta + step_size * d
            ll_t, grad_t, hess_t = loglik_score_information(X, y, trial, offset, weights)
            # Accept any step that does not lower l beyond rounding.
            if np.isfinite(ll_t) and ll_t >= ll - 1e-12 * (1.0 + abs(ll)):
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

    if note:
        message = f"{message}; {note}"
    return Fit(
        params=beta,
        information=hess,
        loglik=ll,
        converged=converged,
        n_iter=n_iter,
        history=history,
        method="newton",
        message=message,
    )
