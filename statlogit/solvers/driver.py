"""The one Newton driver: any likelihood, with the large-data strategy in one place.

A likelihood here is any object with ``pieces(theta, need_hessian) -> (loglik, score,
information)`` (information None without the Hessian), ``start()``, ``feasible(theta)``,
``n_rows``, ``n_params``, ``total_weight()`` and ``rows(idx)`` (the same likelihood on a subset
of rows); optionally ``check_start(theta, information)``, which may raise
:class:`~statlogit.solvers.newton.SingularInformation` on the first pass (a rank-deficient
design). The binary :func:`~statlogit.solvers.newton.fit_newton`, the family models
(:mod:`statlogit.models`) and the Dask/GPU fits (:mod:`statlogit.backends.dask_fit`, whose
pieces are a tree-summed map over partitions) all end in :func:`newton_maximize`.

**Large data** (n >= ``SUBSAMPLE_MIN_ROWS`` and no given start): the iterations start from the
fit on a random subsample of ``max(SUBSAMPLE_ROWS, 200 p)`` rows, and the first full-data
iterations are score-only steps ``theta + H_sub^-1 g`` with that fit's information scaled to
the full data (n/m, or the ratio of the weight sums): a third of the work of a pass with the
information. They stop once their decrement is below ``SUB_SWITCH`` (at most
``MAX_SUB_STEPS``), or before a step that lowers the log-likelihood or leaves the parameter
space; exact Newton iterations (one or two) then finish, and only they may declare
convergence. Every iteration is one pass and is counted in ``n_iter``; ``history`` says which
information each used.

Reference: Byrd, Chin, Neveitt & Nocedal (2011), *SIAM J. Optim.* 21(3) (subsampled Hessian);
Nocedal & Wright (2006), *Numerical Optimization*, sec. 3.5.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .base import Fit
from .newton import (
    MAX_SUB_STEPS,
    SUB_SWITCH,
    SUBSAMPLE_MIN_ROWS,
    SUBSAMPLE_ROWS,
    SingularInformation,
    _accepts,
    newton_maximize,
    newton_step,
)


def fit_likelihood(lik, *, start: np.ndarray | None = None, tol: float = 1e-8, max_iter: int = 100) -> Fit:
    """Maximum likelihood by Newton with step-halving, with the large-data start (module docstring).

    Raises :class:`~statlogit.solvers.newton.SingularInformation` when the information is
    singular at the start (a rank-deficient design).
    """
    history: list[dict] = []
    n_iter, step_size, notes = 0, np.nan, []
    check_start = getattr(lik, "check_start", None)
    if start is None:
        theta = lik.start()
        sub = subsample_start(lik, theta) if lik.n_rows >= SUBSAMPLE_MIN_ROWS else None
        if sub is not None:
            notes.append(f"started from a fit on a random subsample of {sub[2]} rows")
            theta, n_iter, step_size = subsample_steps(lik, sub[0], sub[1], history, max_iter)
            if n_iter:
                notes.append(f"{n_iter} first iteration(s) used the subsample's information")
    else:
        theta = np.array(start, dtype=float)
    fit = newton_maximize(lik.pieces, theta, tol=tol, max_iter=max_iter, history=history, n_iter=n_iter,
                          step_size=step_size, feasible=lik.feasible, check_start=check_start)
    if notes:
        fit = replace(fit, message=f"{fit.message}; " + "; ".join(notes))
    return fit


def subsample_start(lik, theta0: np.ndarray):
    """Fit on a random subsample: (estimates, its information scaled to all rows, rows) or None."""
    n = lik.n_rows
    m = max(SUBSAMPLE_ROWS, 200 * lik.n_params)
    if m * 4 > n:
        return None
    rows = np.sort(np.random.default_rng(20240601).choice(n, size=m, replace=False))
    sub = lik.rows(rows)
    try:
        fit = newton_maximize(sub.pieces, theta0, tol=1e-3, max_iter=25, feasible=sub.feasible,
                              check_start=getattr(sub, "check_start", None))
    except SingularInformation:
        return None
    if not fit.converged or not np.all(np.isfinite(fit.params)):
        return None
    ratio = lik.total_weight() / max(sub.total_weight(), 1e-300)
    return fit.params, fit.information * ratio, m


def subsample_steps(lik, theta: np.ndarray, H_sub: np.ndarray, history: list, max_iter: int):
    """Full-data steps ``theta + H_sub^-1 g`` (score only) until their decrement is < SUB_SWITCH.

    Returns the point to start exact Newton from, the iterations used and the last step size.
    A point that lowers the log-likelihood (or is infeasible) ends the phase at the one before.
    """
    ll_prev, prev, taken, step_size = -np.inf, theta, 0, np.nan
    for _ in range(min(MAX_SUB_STEPS, max_iter)):
        ll, grad = -np.inf, None
        if lik.feasible(theta):
            ll, grad, _ = lik.pieces(theta, need_hessian=False)
        if not _accepts(ll, ll_prev):
            if taken == 0:
                return prev, 0, np.nan
            history.pop()
            return prev, taken - 1, step_size
        try:
            d = newton_step(grad, H_sub)
        except SingularInformation:
            return theta, taken, step_size
        decrement = float(np.sqrt(max(grad @ d, 0.0)))
        history.append({"iteration": taken, "loglik": ll, "decrement": decrement,
                        "max_abs_score": float(np.max(np.abs(grad))) if len(grad) else 0.0,
                        "step_size": step_size, "information": "subsample"})
        prev, ll_prev = theta, ll
        theta = theta + d
        taken += 1
        step_size = 1.0
        if decrement < SUB_SWITCH:
            break
    return theta, taken, step_size
