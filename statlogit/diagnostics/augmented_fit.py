"""Refit of a logistic model with extra columns, started from the fit without them.

Box-Tidwell adds ``Z`` (``x ln x`` columns) to a fitted model ``logit p = X b``. At the start
``(b_hat, 0)`` the fitted probabilities are the original fit's, so the information there is

    H0 = [[X'WX, X'WZ], [Z'WX, Z'WZ]]

with ``X'WX`` already known: one pass over the rows gives ``X'WZ``, ``Z'WZ`` and the score.
Quasi-Newton steps ``theta + H0^-1 g`` (score-only passes, step-halving if the
log-likelihood falls) bring the Newton decrement below ``SWITCH``; exact Newton steps
(information recomputed on ``[X, Z]``) then finish, and convergence is declared only on an
exact information, which is the one returned (so standard errors are exact at the returned
coefficients, as in :func:`statlogit.solvers.newton.fit_newton`). ``[X, Z]`` is never formed:
each block of rows reads ``X`` and ``Z`` side by side.

Reference: Nocedal & Wright (2006), *Numerical Optimization*, sec. 3.5 and 6 (fixed-matrix
quasi-Newton iterations).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import dsyrk

from ..kernel import BLOCK_ROWS, loglik_score_information
from ..solvers.base import Fit
from ..solvers.newton import MAX_HALVINGS, SingularInformation, _accepts, newton_step

#: Decrement below which the quasi-Newton phase hands over to exact Newton steps.
SWITCH = 1e-6
MAX_QUASI = 25


#: Rows of [X, Z] copied side by side per chunk (the kernel then works in its own blocks).
CHUNK_ROWS = 65_536


def _pass(X, Z, y, theta, offset, weights, need_info):
    """loglik, score (p+q) and, if asked, the information of ``[X, Z]`` at ``theta``: the
    kernel's pass on chunks of ``[X, Z]`` assembled in one reused buffer."""
    n, p = X.shape
    k = p + Z.shape[1]
    ll = 0.0
    g = np.zeros(k)
    H = np.zeros((k, k)) if need_info else None
    buf = np.empty((min(CHUNK_ROWS, n), k))
    for start in range(0, n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n)
        A = buf[: stop - start]
        A[:, :p] = X[start:stop]
        A[:, p:] = Z[start:stop]
        ll_c, g_c, H_c = loglik_score_information(
            A, y[start:stop], theta, None if offset is None else offset[start:stop],
            None if weights is None else weights[start:stop], need_hessian=need_info)
        ll += ll_c
        g += g_c
        if need_info:
            H += H_c
    return ll, g, H


def _start_information(X, Z, y, mu, info_X, offset, weights):
    """Score and information of ``[X, Z]`` at the original fit (fitted probabilities ``mu``):
    only ``X'WZ``, ``Z'WZ``, ``X'r`` and ``Z'r`` need the rows."""
    n, p = X.shape
    q = Z.shape[1]
    C = np.zeros((p, q))
    D = np.zeros((q, q), order="F")
    g = np.zeros(p + q)
    for start in range(0, n, BLOCK_ROWS):
        sl = slice(start, min(start + BLOCK_ROWS, n))
        Xb, Zb, m = X[sl], Z[sl], mu[sl]
        v = m * (1.0 - m)
        r = y[sl] - m
        if weights is not None:
            v = v * weights[sl]
            r = r * weights[sl]
        g[:p] += Xb.T @ r
        g[p:] += Zb.T @ r
        Zw = Zb * v[:, None]
        C += Xb.T @ Zw
        D = dsyrk(1.0, (Zb * np.sqrt(v)[:, None]).T, beta=1.0, c=D, trans=0, lower=0, overwrite_c=1)
    D = np.triu(D) + np.triu(D, 1).T
    H = np.block([[info_X, C], [C.T, D]])
    return g, H


def fit_augmented(X, Z, y, beta_hat, loglik_hat, fitted, info_X, *, offset=None, weights=None,
                  tol: float = 1e-8, max_iter: int = 100) -> Fit:
    """ML fit of ``logit p = X b + Z c`` from ``(beta_hat, 0)``; ``fitted`` and ``info_X`` are
    the original fit's probabilities and information. Returns a :class:`Fit` on ``[X, Z]``."""
    p, q = X.shape[1], Z.shape[1]
    theta = np.r_[beta_hat, np.zeros(q)]
    g, H0 = _start_information(X, Z, y, fitted, info_X, offset, weights)
    ll = loglik_hat
    history = []
    n_iter = 0
    for _ in range(MAX_QUASI):  # score-only steps with the start's information
        d = newton_step(g, H0)
        dec = float(np.sqrt(max(g @ d, 0.0)))
        history.append({"iteration": n_iter, "loglik": ll, "decrement": dec, "max_abs_score": float(np.abs(g).max()),
                        "step_size": np.nan if n_iter == 0 else 1.0, "information": "start"})
        if dec < SWITCH:
            break
        ll_t, g_t, _ = _pass(X, Z, y, theta + d, offset, weights, False)
        if not _accepts(ll_t, ll):
            break  # leave it to the exact steps and their line search
        theta, ll, g = theta + d, ll_t, g_t
        n_iter += 1
    ll, g, H = _pass(X, Z, y, theta, offset, weights, True)
    converged = False
    message = f"stopped after max_iter={max_iter} iterations without meeting tol={tol:g}"
    while True:
        d = newton_step(g, H)
        dec = float(np.sqrt(max(g @ d, 0.0)))
        history.append({"iteration": n_iter, "loglik": ll, "decrement": dec, "max_abs_score": float(np.abs(g).max()),
                        "step_size": 1.0, "information": "exact"})
        if dec <= tol:
            converged, message = True, f"Newton decrement {dec:.2e} <= tol {tol:g}"
            break
        if n_iter >= max_iter:
            break
        step = 1.0
        for _ in range(MAX_HALVINGS):
            ll_t, g_t, H_t = _pass(X, Z, y, theta + step * d, offset, weights, True)
            if _accepts(ll_t, ll):
                break
            step *= 0.5
        else:
            message = f"line search failed (decrement {dec:.2e})"
            converged = dec <= 1e-5
            break
        theta, ll, g, H = theta + step * d, ll_t, g_t, H_t
        n_iter += 1
    if p + q == 0:  # pragma: no cover - callers always add columns
        raise SingularInformation(H)
    return Fit(params=theta, information=H, loglik=ll, converged=converged, n_iter=n_iter,
               history=history, method="newton", message=message)
