"""Penalized logistic regression by coordinate descent on the penalized IRLS quadratic.

This is glmnet's algorithm (Friedman, Hastie & Tibshirani 2010, *J. Stat. Softw.* 33(1),
sec. 3) with *covariance updates*: each outer iteration makes one blocked pass over X in
working coordinates (see :mod:`statlogit.penalized.objective`) giving the log-likelihood,
the score of every column and the information ``H = Z_S' V Z_S`` of the working set S; the
quadratic model

    q(x) = g'(x - gamma) + 1/2 (x - gamma)' H (x - gamma) + penalty(x)

is then minimised by cyclic coordinate descent, where each coordinate update costs O(|S|)
(the gradient of q is kept up to date with a column of H, never with a pass over the rows):

    x_j <- S(H_jj x_j - u_j, lam a c_j) / (H_jj + lam (1 - a) c_j^2),   S = soft threshold.

Cycles run over the active (nonzero) coordinates until they settle, then once over all of S
to let others in (glmnet's active-set cycling). The minimiser on the sign pattern found is
then solved exactly (a small linear system), so that near the optimum every outer step is a
proximal Newton step and convergence is quadratic (Lee, Sun & Saunders 2014, *SIAM J. Optim.*
24(3)). A backtracking line search on the true objective (Tseng & Yun 2009) guards the outer
steps, so the objective never rises. With only a ridge penalty the quadratic is minimised by
one Cholesky solve.

A pass runs on X itself through :func:`statlogit.kernel.loglik_score_information` (the same
block function as the unpenalized Newton fit), its score and information mapped to working
coordinates, unless centring by algebra would lose digits (a column whose mean is over 1e3 of
its standard deviations): then each row block is centred and scaled first. The pass that
should end a fit (KKT below ``QUASI_NEWTON_KKT``) skips the information, a third of the cost.

S is the sequential strong set (Tibshirani et al. 2012) plus every coefficient ever nonzero;
when p is small (``ALL_COLUMNS_UP_TO``) S is simply every column. The stopping rule is the
KKT condition itself, checked on *every* column: the worst violation (working coordinates)
at most ``tol``. ``converged`` is False when ``max_iter`` outer iterations did not get there.
There is no n x n matrix; memory is one row block of Z.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.linalg.blas import dsyrk

from ..kernel import BLOCK_ROWS, loglik_score_information
from .objective import Standardization

#: Below this many penalized columns the working set is every column (cheaper than extra passes).
ALL_COLUMNS_UP_TO = 64
#: Largest |mean| / sd of a column for which passes run on X itself (see Problem.to_original).
RAW_PASS_MAX_RATIO = 1e3
MAX_HALVINGS = 40
#: Below this KKT violation a pass skips the information (see solve_one).
QUASI_NEWTON_KKT = 1e-5
#: Sweeps over the active coordinates between two sweeps over all of them.
INNER_ACTIVE_CYCLES = 50
ARMIJO = 1e-4


@dataclass
class Problem:
    """The data of one penalized fit in working coordinates (arrays are never copied)."""

    X: np.ndarray
    y: np.ndarray
    weights: np.ndarray | None
    offset: np.ndarray | None
    std: Standardization
    block_rows: int = BLOCK_ROWS

    @property
    def W(self) -> float:
        return self.std.weight_sum

    @cached_property
    def to_original(self) -> np.ndarray | None:
        """``T`` with ``b = T gamma``, when passes may run on X itself (statlogit.kernel) and map
        score and information to working coordinates (``T' g``, ``T' H T``); None otherwise.

        Centring by algebra loses about ``log10(max |m_j| / s_j)`` digits to cancellation, so it
        is used only when that ratio is at most ``RAW_PASS_MAX_RATIO``; otherwise each row
        block is centred and scaled before use.
        """
        std = self.std
        if np.max(np.abs(std.center) / std.scale, initial=0.0) > RAW_PASS_MAX_RATIO:
            return None
        T = np.diag(1.0 / std.scale)
        if std.intercept_index is not None:
            T[std.intercept_index] -= std.center / std.scale
            T[std.intercept_index, std.intercept_index] = 1.0
        return T


@dataclass
class PassResult:
    loglik: float
    score: np.ndarray  # Z'(w (y - mu)) for every column (working coordinates)
    hess: np.ndarray | None  # Z_S' diag(w mu (1 - mu)) Z_S
    ws: np.ndarray | None  # column indices of S (None: the Hessian was not computed)


def working_pass(prob: Problem, gamma: np.ndarray, ws: np.ndarray | None) -> PassResult:
    """One blocked pass over X: log-likelihood, score and (if ``ws`` given) the information of S."""
    X, y, w, off = prob.X, prob.y, prob.weights, prob.offset
    n, p = X.shape
    T = prob.to_original
    if T is not None and (ws is None or ws.size == p):
        ll, g, H = loglik_score_information(X, y, T @ gamma, off, w, need_hessian=ws is not None)
        return PassResult(ll, T.T @ g, None if H is None else T.T @ H @ T, ws)
    m = prob.std.center
    inv_s = 1.0 / prob.std.scale
    rows = max(1, min(prob.block_rows, n))
    zbuf = np.empty((rows, p))
    all_cols = ws is not None and ws.size == p
    k = 0 if ws is None else ws.size
    hbuf = np.empty((rows, k)) if ws is not None else None
    hess = np.zeros((k, k), order="F") if ws is not None else None
    score = np.zeros(p)
    ll = 0.0
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        b = stop - start
        Z = zbuf[:b]
        np.subtract(X[start:stop], m, out=Z)
        Z *= inv_s
        eta = Z @ gamma
        if off is not None:
            eta += off[start:stop]
        e = np.exp(-np.abs(eta))
        inv = 1.0 / (1.0 + e)
        mu = e * inv
        np.copyto(mu, inv, where=eta >= 0)
        yb = y[start:stop]
        with np.errstate(over="ignore", invalid="ignore"):
            terms = yb * eta - np.maximum(eta, 0.0) - np.log1p(e)
        if not np.all(np.isfinite(terms)):
            terms = np.where(yb > 0, -(np.maximum(-eta, 0.0) + np.log1p(e)),
                             -(np.maximum(eta, 0.0) + np.log1p(e)))
        r = yb - mu
        v = e * inv * inv
        if w is not None:
            wb = w[start:stop]
            ll += float(wb @ terms)
            r *= wb
            v *= wb
        else:
            ll += float(terms.sum())
        score += Z.T @ r
        if ws is not None and k:
            Zs = hbuf[:b]
            if all_cols:
                np.multiply(Z.T, np.sqrt(v), out=Zs.T)
            else:
                np.multiply(Z[:, ws].T, np.sqrt(v), out=Zs.T)
            hess = dsyrk(1.0, Zs.T, beta=1.0, c=hess, trans=0, lower=0, overwrite_c=1)
    if hess is not None:
        hess = np.triu(hess) + np.triu(hess, 1).T
    return PassResult(ll, score, hess, ws)


def _penalty(x: np.ndarray, l1: np.ndarray, l2: np.ndarray) -> float:
    return float(0.5 * (l2 @ (x * x)) + l1 @ np.abs(x))


def cd_quadratic(H: np.ndarray, g: np.ndarray, x0: np.ndarray, l1: np.ndarray, l2: np.ndarray,
                 penalized: np.ndarray, tol: float = 1e-20, max_cycles: int = 2000) -> np.ndarray:
    """Minimise ``g'(x - x0) + 1/2 (x - x0)'H(x - x0) + sum(l2/2 x^2 + l1 |x|)`` over x.

    Coordinate descent with covariance updates and active-set cycling, then the exact
    minimiser on the sign pattern found (kept only when it satisfies that pattern's KKT
    conditions). Unpenalized coordinates (the intercept) have ``l1 = l2 = 0``.
    """
    k = x0.size
    if not np.any(l1 > 0):
        # Ridge (or nothing penalized): the quadratic is smooth; one Cholesky solve.
        A = H + np.diag(l2)
        try:
            return np.linalg.solve(A, H @ x0 - g)
        except np.linalg.LinAlgError:
            pass
    x = x0.copy()
    u = g.copy()  # gradient of the smooth part of q at x
    diag = np.diag(H).copy()
    denom = diag + l2
    xs = x.tolist()
    everyone = [j for j in range(k) if denom[j] > 0]
    # a sweep "changes nothing" when every H_jj d_j^2 <= tol max_j H_jj (steps ~1e-10 of a unit)
    thresh = tol * max(float(np.max(diag)) if k else 1.0, 1e-300)
    cycles = 0
    support = None
    while cycles < max_cycles:
        # one sweep over everyone, then over the nonzero ones until they settle
        changed = _sweep(everyone, xs, u, H, diag, denom, l1, penalized)
        cycles += 1
        if changed <= thresh:
            break
        now = [v != 0.0 for v in xs]
        if now == support:
            # A full sweep left the support alone: solve the quadratic on it exactly.
            exact = _exact_on_pattern(H, g, x0, np.array(xs), l1, l2, penalized)
            if exact is not None:
                return exact
        support = now
        active = [j for j in everyone if xs[j] != 0.0]
        for _ in range(INNER_ACTIVE_CYCLES):
            changed = _sweep(active, xs, u, H, diag, denom, l1, penalized)
            cycles += 1
            if changed <= thresh:
                break
    x = np.array(xs)
    exact = _exact_on_pattern(H, g, x0, x, l1, l2, penalized)
    return x if exact is None else exact


def _sweep(idx, xs, u, H, diag, denom, l1, penalized) -> float:
    biggest = 0.0
    for j in idx:
        xj = xs[j]
        a = diag[j] * xj - u[j]
        if penalized[j]:
            t = abs(a) - l1[j]
            new = (t if a > 0 else -t) / denom[j] if t > 0 else 0.0
        else:
            new = a / denom[j]
        d = new - xj
        if d != 0.0:
            u += d * H[:, j]
            xs[j] = new
            c = diag[j] * d * d
            if c > biggest:
                biggest = c
    return biggest


def _exact_on_pattern(H, g, x0, x, l1, l2, penalized):
    A = np.flatnonzero((x != 0) | ~penalized)
    if A.size == 0:
        return None
    s = np.sign(x[A]) * penalized[A]
    rhs = H[A] @ x0 - g[A] - l1[A] * s
    try:
        xa = np.linalg.solve(H[np.ix_(A, A)] + np.diag(l2[A]), rhs)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(xa)) or np.any((np.sign(xa) != s) & penalized[A]):
        return None
    cand = np.zeros_like(x)
    cand[A] = xa
    u = g + H @ (cand - x0)
    zero = np.ones(x.size, bool)
    zero[A] = False
    if np.any(np.abs(u[zero]) > l1[zero] * (1 + 1e-9) + 1e-15):
        return None
    # an ill-conditioned system can return a poor solution: keep it only if it is stationary
    resid = u[A] + l2[A] * xa + l1[A] * s
    scale = np.max(np.abs(g)) + 1e-6 * np.max(np.abs(np.diag(H))) * max(np.max(np.abs(cand)), 1.0)
    if np.max(np.abs(resid)) > 1e-8 * scale:
        return None
    return cand


@dataclass
class Solution:
    gamma: np.ndarray
    state: PassResult
    converged: bool
    n_iter: int
    n_passes: int
    kkt_working: float
    message: str
    history: list


def working_kkt(score: np.ndarray, gamma: np.ndarray, W: float, l1: np.ndarray, l2: np.ndarray,
                free: np.ndarray, intercept_index: int | None) -> np.ndarray:
    """Per-column KKT violation in working coordinates (0 at the exact minimum)."""
    g = -score / W
    v = np.zeros_like(g)
    nz = free & (gamma != 0)
    z = free & (gamma == 0)
    v[nz] = np.abs(g[nz] + l2[nz] * gamma[nz] + l1[nz] * np.sign(gamma[nz]))
    v[z] = np.maximum(np.abs(g[z]) - l1[z], 0.0)
    if intercept_index is not None:
        v[intercept_index] = abs(g[intercept_index])
    return v


def solve_one(prob: Problem, lam: float, l1_ratio: float, gamma: np.ndarray, *,
              state: PassResult | None = None, lam_prev: float | None = None,
              ever_active: np.ndarray | None = None, tol: float = 1e-12,
              max_iter: int = 100) -> Solution:
    """Minimise the penalized objective at one ``lam`` from ``gamma`` (warm start)."""
    std = prob.std
    p = gamma.size
    W = prob.W
    c = std.working_factor
    l1 = lam * l1_ratio * c
    l2 = lam * (1.0 - l1_ratio) * c * c
    free = std.free
    icpt = std.intercept_index
    fixed_cols = np.zeros(p, bool) if icpt is None else (np.arange(p) == icpt)
    held = ~free & ~fixed_cols
    if np.any(gamma[held] != 0):
        gamma = np.where(held, 0.0, gamma)
        state = None
    n_passes = 0
    state_score = None if state is None else state.score

    # the working set S
    if free.sum() <= ALL_COLUMNS_UP_TO or l1_ratio == 0:
        in_ws = free | fixed_cols
    else:
        if state_score is None:
            st0 = working_pass(prob, gamma, None)
            n_passes += 1
            state_score = st0.score
        g = np.abs(state_score / W)
        strong = free & (g >= l1_ratio * c * (2 * lam - (lam_prev if lam_prev is not None else lam)))
        in_ws = strong | fixed_cols | (free & (gamma != 0))
        if ever_active is not None:
            in_ws |= ever_active & free
    ws = np.flatnonzero(in_ws)
    if state is None or state.ws is None or not np.array_equal(state.ws, ws):
        state = working_pass(prob, gamma, ws)
        n_passes += 1
    F = -state.loglik / W + _penalty(gamma, l1, l2)
    history = []
    converged = False
    message = f"stopped after max_iter={max_iter} outer iterations without meeting tol={tol:g}"
    it = 0
    kkt = np.inf
    stale = False
    while True:
        viol = working_kkt(state.score, gamma, W, l1, l2, free, icpt)
        kkt = float(viol.max()) if viol.size else 0.0
        history.append({"iteration": it, "objective": F, "kkt": kkt, "working_set": int(ws.size)})
        if kkt <= tol:
            converged = True
            message = f"KKT violation {kkt:.2e} <= tol {tol:g}"
            break
        if it >= max_iter:
            break
        outside = (viol > tol) & ~in_ws
        if np.any(outside):
            in_ws |= outside
            ws = np.flatnonzero(in_ws)
            state = working_pass(prob, gamma, ws)
            n_passes += 1
            it += 1
            continue
        gw = -state.score[ws] / W
        x0 = gamma[ws]
        x = cd_quadratic(state.hess / W, gw, x0, l1[ws], l2[ws], free[ws])
        d = x - x0
        delta = float(gw @ d) + _penalty(x, l1[ws], l2[ws]) - _penalty(x0, l1[ws], l2[ws])
        if not np.any(d):
            # The quadratic model's minimiser is where we are: at rounding level.
            converged = kkt <= max(tol, 1e-7)
            message = (f"no further decrease possible at KKT violation {kkt:.2e}"
                       + ("" if converged else " (above 1e-7: not converged)"))
            break
        # delta >= 0 only by rounding (the model's minimiser is never worse than where we are):
        # then one full step is tried and kept if the objective does not rise beyond rounding.
        rounding = delta >= 0
        delta = min(delta, 0.0)
        t = 1.0
        # Close to the optimum (quadratic convergence: this step should finish) the pass skips
        # the information, a third of its cost; the next step, if one is needed, reuses the
        # information of the point just left (one tiny step away), at most once in a row.
        fresh = kkt > QUASI_NEWTON_KKT or stale
        for _ in range(1 if rounding else MAX_HALVINGS):
            trial = gamma.copy()
            trial[ws] = x0 + t * d
            st = working_pass(prob, trial, ws if fresh else None)
            if not fresh:
                st = PassResult(st.loglik, st.score, state.hess, ws)
            n_passes += 1
            F_t = -st.loglik / W + _penalty(trial, l1, l2)
            if np.isfinite(F_t) and F_t <= F + ARMIJO * t * delta + 1e-15 * abs(F):
                break
            if t == 1.0 and -delta <= 1e-13 * abs(F) and np.isfinite(F_t):
                # The objective cannot resolve a decrease this small: judge the full step by
                # the optimality conditions instead.
                if working_kkt(st.score, trial, W, l1, l2, free, icpt).max() < kkt:
                    break
            t *= 0.5
        else:
            converged = kkt <= 1e-7
            message = (f"line search failed at KKT violation {kkt:.2e}"
                       + (" (at rounding level: converged)" if converged else ""))
            break
        gamma, state, F = trial, st, F_t
        stale = not fresh
        it += 1
    return Solution(gamma=gamma, state=state, converged=converged, n_iter=it, n_passes=n_passes,
                    kkt_working=kkt, message=message, history=history)


def null_fit(prob: Problem) -> tuple[np.ndarray, PassResult, int]:
    """The intercept-only fit (the lambda_max point) in working coordinates; passes used."""
    p = prob.X.shape[1]
    gamma = np.zeros(p)
    icpt = prob.std.intercept_index
    passes = 0
    if icpt is None:
        st = working_pass(prob, gamma, None)
        return gamma, st, 1
    if prob.offset is None:
        ybar = float(np.average(prob.y, weights=prob.weights))
        if 0.0 < ybar < 1.0:
            gamma[icpt] = np.log(ybar / (1.0 - ybar))
        st = working_pass(prob, gamma, None)
        return gamma, st, 1
    ws = np.array([icpt])
    for _ in range(100):  # 1-D Newton for the intercept beside the offset
        st = working_pass(prob, gamma, ws)
        passes += 1
        step = st.score[icpt] / st.hess[0, 0]
        gamma[icpt] += step
        if abs(step) < 1e-13 * (1 + abs(gamma[icpt])):
            break
    st = working_pass(prob, gamma, None)
    return gamma, st, passes + 1
