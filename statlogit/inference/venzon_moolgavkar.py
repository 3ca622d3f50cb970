"""Profile-likelihood limits of many coefficients at once (Venzon & Moolgavkar 1988).

A (1 - alpha) limit of coefficient j is a point ``theta`` with

    l(theta) = l* := l(theta_hat) - z^2 / 2     and     dl/dtheta_r = 0 for every r != j,

so ``theta_j`` is a root of the signed root statistic ``r(b) = +-z`` and the other
coefficients maximise the likelihood given ``theta_j``. Each iteration takes the quadratic
model ``q(d) = l + g'd - d'Md/2`` of the log-likelihood at ``theta`` (score ``g``, ``M`` the
information), maximises it over the nuisance part given ``d_j``,

    d_r = u - v d_j,   u = M_rr^-1 g_r,   v = M_rr^-1 M_rj,

and solves the profiled quadratic ``l + g_r'u/2 + c d_j - s d_j^2 / 2 = l*`` for ``d_j`` on
the limit's side of its maximum (``c = g_j - M_jr u``, ``s = M_jj - M_jr v``). A fixed point
has ``g_r = 0`` and ``l = l*`` whatever ``M`` is, so ``M`` only sets the speed: every limit
starts with the information at the maximum (shared by all, no pass to compute it) and
switches to its own exact information when that converges slowly (small samples, far
limits). Each iteration of all the limits together needs one evaluation of log-likelihoods
and scores at all their points -- one pass over the data (``evaluate``), which is all this
module knows of the model.

A step that makes ``|l - l*| + g_r'u / 2`` grow is halved. Limits that do not converge in
``max_iter`` passes, leave finite values, or end with ``|r - z| > 1e-6`` are returned as
failed so the caller can solve them another way.

Reference: Venzon DJ, Moolgavkar SH (1988). A method for computing profile-likelihood-based
confidence intervals. *Applied Statistics* 37(1):87-94.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: A limit is converged when the next step moves every coefficient by at most this many SEs
#: (or by the rounding error of the log-likelihood, if larger: large n).
STEP_TOL = 1e-12
#: Steps this small that stop shrinking are at the rounding floor of the log-likelihood.
FLOOR_TOL = 1e-7
#: Contraction per pass above which a limit switches to its own exact information.
SLOW_RATE = 0.1
#: The guarantee checked at the end: the signed root statistic is within this of z.
ROOT_TOL = 1e-6
MAX_HALVINGS = 20


class OutOfTime(Exception):
    """The limits would not be done by the caller's deadline."""


@dataclass
class _Limit:
    j: int
    side: float
    theta: np.ndarray
    prev_theta: np.ndarray | None = None
    prev_merit: float = np.inf
    prev_step: float = np.inf
    exact: bool = False
    halvings: int = 0
    done: bool = False
    value: float = np.nan


def _step(theta, ll, g, M, j, side, target):
    """VM step ``d`` for limit ``(j, side)`` and the nuisance gap ``g_r'u / 2`` at ``theta``."""
    p = len(theta)
    r = np.r_[0:j, j + 1 : p]
    if len(r):
        from scipy.linalg import cho_factor, cho_solve

        Mrr = M[np.ix_(r, r)]
        sc = np.sqrt(np.diag(Mrr))
        c = cho_factor(Mrr / np.outer(sc, sc), lower=False, check_finite=False)
        u = cho_solve(c, g[r] / sc, check_finite=False) / sc
        v = cho_solve(c, M[r, j] / sc, check_finite=False) / sc
        gap = 0.5 * float(g[r] @ u)
        slope = float(g[j] - M[j, r] @ u)
        curv = float(M[j, j] - M[j, r] @ v)
    else:
        u = v = np.zeros(0)
        gap, slope, curv = 0.0, float(g[j]), float(M[j, j])
    # q(dj) = ll + gap + slope dj - curv dj^2 / 2 = target
    disc = slope * slope + 2.0 * curv * (ll + gap - target)
    dj = (slope + side * np.sqrt(disc)) / curv if disc > 0 else slope / curv
    d = np.empty(p)
    d[j] = dj
    d[r] = u - v * dj
    return d, gap


def vm_limits(
    evaluate: Callable,
    theta_hat: np.ndarray,
    information: np.ndarray,
    loglik_hat: float,
    z: float,
    targets: list[tuple[int, float]],
    max_iter: int = 40,
    on_done: Callable[[int], None] | None = None,
    deadline: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Limits for ``targets = [(j, side)]`` (side -1 lower, +1 upper).

    ``evaluate(B, exact)`` returns log-likelihoods ``(K,)``, scores ``(p, K)`` and
    ``{k: information}`` for the columns ``k in exact`` of ``B`` (``p x K``).
    Returns ``(limits, ok)``; ``limits[k]`` is NaN where ``ok[k]`` is False.
    ``deadline`` (a ``time.perf_counter()`` value): raise :class:`OutOfTime` as soon as
    another pass would end after it.
    """
    import time

    theta_hat = np.asarray(theta_hat, dtype=float)
    cov = np.linalg.inv(information)
    se = np.sqrt(np.diag(cov))
    target = loglik_hat - 0.5 * z * z
    # A step of d SEs changes l by about z d: below the rounding of l, steps are noise.
    tol = max(STEP_TOL, 4.0 * np.finfo(float).eps * abs(loglik_hat) / z)
    lims = []
    for j, side in targets:
        # start on the Wald limit, nuisance moved along the conditional maximum of the quadratic
        lims.append(_Limit(j, side, theta_hat + side * z * cov[:, j] / se[j]))
    for _ in range(max_iter):
        active = [lim for lim in lims if not lim.done]
        if not active:
            break
        B = np.column_stack([lim.theta for lim in active])
        exact = tuple(k for k, lim in enumerate(active) if lim.exact)
        t0 = time.perf_counter()
        ll, G, info = evaluate(B, exact)
        if deadline is not None and time.perf_counter() + (time.perf_counter() - t0) > deadline:
            raise OutOfTime(deadline)
        for k, lim in enumerate(active):
            if not (np.isfinite(ll[k]) and np.all(np.isfinite(G[:, k]))):
                _retreat(lim)
                continue
            M = info.get(k, information)
            try:
                d, gap = _step(lim.theta, float(ll[k]), G[:, k], M, lim.j, lim.side, target)
            except (np.linalg.LinAlgError, ValueError):
                _retreat(lim)
                continue
            merit = abs(float(ll[k]) - target) + gap
            if merit > lim.prev_merit and merit > 1e-12 * (1.0 + abs(target)):
                _retreat(lim)
                continue
            size = float(np.max(np.abs(d) / se))
            if not np.isfinite(size):
                _retreat(lim)
                continue
            lim.halvings = 0
            converged = size <= tol or (size <= FLOOR_TOL and size > 0.5 * lim.prev_step)
            if converged:
                r = np.sqrt(max(2.0 * (loglik_hat - (float(ll[k]) + gap)), 0.0))
                if abs(r - z) <= ROOT_TOL:
                    lim.done, lim.value = True, float(lim.theta[lim.j] + d[lim.j])
                    if on_done is not None:
                        on_done(1)
                    continue
            if size > SLOW_RATE * lim.prev_step and size > FLOOR_TOL:
                lim.exact = True
            lim.prev_theta, lim.prev_merit, lim.prev_step = lim.theta, merit, size
            lim.theta = lim.theta + d
    values = np.array([lim.value if lim.done else np.nan for lim in lims])
    return values, np.isfinite(values)


def _retreat(lim: _Limit) -> None:
    """Halve the last step (or give up on this limit after MAX_HALVINGS)."""
    lim.halvings += 1
    if lim.prev_theta is None or lim.halvings > MAX_HALVINGS:
        lim.done, lim.value = True, np.nan
        return
    lim.theta = lim.prev_theta + 0.5 * (lim.theta - lim.prev_theta)
    lim.exact = True
