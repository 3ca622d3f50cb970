"""Firth's bias-reducing penalized likelihood (Jeffreys-prior penalty) for logistic regression.

Maximises ``l*(b) = l(b) + 1/2 log det I(b)`` with ``I(b) = X' W X``, ``W = diag(w_i mu_i (1-mu_i))``.
Its score is the adjusted score of Firth (1993)

    U*(b) = X' (w (y - mu) + h (1/2 - mu)),

where ``h_i`` are the diagonal elements of the hat matrix ``W^1/2 X (X'WX)^-1 X' W^1/2``.
Each iteration takes the quasi-Fisher step ``b + I(b)^-1 U*(b)`` (as brglm2's ``brglmFit``
with ``type = "AS_mean"``, which equals Firth's penalized likelihood for the canonical
logit link), halving the step while the penalized log-likelihood falls. Convergence: the
scaled step ``sqrt(U*' I^-1 U*)`` is at most ``tol``.

The estimate is finite even under (quasi-)complete separation. Standard errors are those
of brglm2: the inverse of ``I(b)`` at the penalized estimate, stored as ``Fit.information``.
``Fit.loglik`` is the unpenalized log-likelihood at the estimate; ``Fit.penalized_loglik``
is ``l*``.

References: Firth D (1993) Biometrika 80:27-38. Heinze G, Schemper M (2002) Stat Med
21:2409-2419. Kosmidis I, Firth D (2021) Biometrika 108:71-82 (brglm2).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve, solve_triangular

from ..kernel import BLOCK_ROWS, loglik_score_information
from .base import Fit
from .newton import SingularInformation
from .rank import is_plain_start, rank_deficient

MAX_HALVINGS = 30


def _hat_values(X: np.ndarray, w: np.ndarray, chol_upper: np.ndarray, dscale: np.ndarray) -> np.ndarray:
    """``h_i = w_i x_i' (X'WX)^-1 x_i`` from the Cholesky factor of the equilibrated information."""
    n = X.shape[0]
    h = np.empty(n)
    sw = np.sqrt(w)
    for start in range(0, n, BLOCK_ROWS):
        sl = slice(start, min(start + BLOCK_ROWS, n))
        # (X'WX) = D R'R D with R upper; h = || R^-T D^-1 x_i sqrt(w_i) ||^2
        B = solve_triangular(chol_upper, (X[sl] / dscale * sw[sl, None]).T, trans="T", lower=False,
                             check_finite=False)
        h[sl] = np.einsum("ij,ij->j", B, B)
    return h


def _pieces(X, y, beta, offset, weights):
    """Log-likelihood, information, its factor, log det, hat values and adjusted score."""
    ll, grad, info = loglik_score_information(X, y, beta, offset, weights)
    dscale = np.sqrt(np.diag(info))
    if not np.all(np.isfinite(dscale)) or np.any(dscale <= 0):
        raise SingularInformation(info)
    try:
        c, _ = cho_factor(info / np.outer(dscale, dscale), lower=False, check_finite=False)
    except LinAlgError as exc:
        raise SingularInformation(info) from exc
    logdet = 2.0 * float(np.sum(np.log(np.diag(c)))) + 2.0 * float(np.sum(np.log(dscale)))
    eta = X @ beta
    if offset is not None:
        eta = eta + offset
    mu = 1.0 / (1.0 + np.exp(-eta))
    w = mu * (1.0 - mu)
    if weights is not None:
        w = w * weights
    h = _hat_values(X, w, c, dscale)
    score = grad + X.T @ (h * (0.5 - mu))
    return ll, info, (c, dscale), logdet, score


def _solve(factor, v):
    c, dscale = factor
    return cho_solve((c, False), v / dscale, check_finite=False) / dscale


def fit_firth(
    X: np.ndarray,
    y: np.ndarray,
    *,
    offset: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    tol: float = 1e-8,
    max_iter: int = 200,
    intercept_index: int | None = None,
    start: np.ndarray | None = None,
) -> Fit:
    """Firth-penalized logistic regression (Jeffreys prior), as brglm2 ``AS_mean``.

    Parameters
    ----------
    X, y : design (n, p) and 0/1 response (n,), float64.
    offset, weights : optional known part of the linear predictor and prior weights.
    tol : convergence threshold on ``sqrt(U*' I^-1 U*)`` (adjusted score, information).
    max_iter : the most iterations.
    intercept_index : column of the intercept; the start puts it at ``logit(mean(y))``.
    """
    n, p = X.shape
    if start is None:
        beta = np.zeros(p)
        if intercept_index is not None and offset is None:
            ybar = (np.average(y, weights=weights) * n + 0.5) / (n + 1.0)
            beta[intercept_index] = np.log(ybar / (1.0 - ybar))
    else:
        beta = np.array(start, dtype=float)

    ll, info, factor, logdet, score = _pieces(X, y, beta, offset, weights)
    if is_plain_start(beta, offset, intercept_index) and rank_deficient(info):
        raise SingularInformation(info)  # checked once, up front: the design is rank deficient
    pll = ll + 0.5 * logdet
    history: list[dict] = []
    converged = False
    message = f"stopped after max_iter={max_iter} iterations without meeting tol={tol:g}"
    n_iter = 0
    step_size = np.nan
    for iteration in range(max_iter + 1):
        step = _solve(factor, score)
        decrement = float(np.sqrt(max(score @ step, 0.0)))
        history.append({"iteration": iteration, "loglik": ll, "penalized_loglik": pll,
                        "decrement": decrement, "max_abs_score": float(np.max(np.abs(score))) if p else 0.0,
                        "step_size": step_size})
        if decrement <= tol:
            converged = True
            message = f"adjusted-score decrement {decrement:.2e} <= tol {tol:g}"
            break
        if iteration == max_iter:
            break
        step_size = 1.0
        for _ in range(MAX_HALVINGS):
            trial = beta + step_size * step
            try:
                pieces = _pieces(X, y, trial, offset, weights)
            except SingularInformation:
                step_size *= 0.5
                continue
            pll_t = pieces[0] + 0.5 * pieces[3]
            if np.isfinite(pll_t) and pll_t >= pll - 1e-12 * (1.0 + abs(pll)):
                break
            step_size *= 0.5
        else:
            message = (f"line search failed: no step raised the penalized log-likelihood "
                       f"(decrement {decrement:.2e})")
            converged = decrement <= 1e-5
            break
        beta = trial
        ll, info, factor, logdet, score = pieces
        pll = pll_t
        n_iter += 1

    return Fit(
        params=beta,
        information=info,
        loglik=ll,
        converged=converged,
        n_iter=n_iter,
        history=history,
        method="firth",
        message=message,
        penalized_loglik=pll,
    )
