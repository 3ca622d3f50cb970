"""Penalized multinomial logistic regression: glmnet's ``family = "multinomial"`` objective.

With levels k = 1..K, one coefficient vector per level (glmnet's *symmetric* parametrisation,
``type.multinomial = "ungrouped"``) and ``eta_ik = b0_k + x_i'b_k``:

    F(B) = -(1/W) sum_i w_i [eta_{i,y_i} - log sum_k exp(eta_ik)]
           + lam * sum_k sum_j [ (1 - a)/2 (pf_j b_jk)^2 + a pf_j |b_jk| ]

(Friedman, Hastie & Tibshirani 2010, *J. Stat. Softw.* 33(1), sec. 4), ``a = l1_ratio``, the
intercepts unpenalized, ``pf_j`` the 1/W standard deviation of column j when standardizing
(see :mod:`statlogit.penalized.objective`). There is no reference level: the likelihood is
unchanged by adding one vector to every ``b_k``, and the penalty picks the solution (with
``lam > 0``); the intercepts, unpenalized, are centred to sum to zero over the levels (as
glmnet reports them).

Solver (glmnet's multinomial algorithm): cycle over the levels; for level k, with the other
levels fixed, the penalized IRLS quadratic of ``b_k`` (weights ``w p_k (1 - p_k)``) is minimised
by :func:`statlogit.penalized.solver.cd_quadratic` (the binary fit's coordinate descent) in
working coordinates, and the step is backtracked on the true objective F, so F never rises.
This is block coordinate descent with a separable penalty, which converges to the minimum
(Tseng 2001, *J. Optim. Theory Appl.* 109). The stopping rule is the KKT condition on every
(column, level), worst violation (working coordinates) at most ``tol``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg.blas import dsyrk

from ..kernel import BLOCK_ROWS
from .objective import Standardization, penalty_value, standardization
from .solver import ARMIJO, MAX_HALVINGS, RAW_PASS_MAX_RATIO, _penalty, cd_quadratic, working_kkt

DEFAULT_TOL = 1e-12
#: Cycles over all levels (each: one quadratic per level).
DEFAULT_MAX_CYCLES = 2000


@dataclass
class MultiPass:
    loglik: float
    score: np.ndarray  # p x K, working coordinates: Z'(w (Y - P))
    hess: np.ndarray | None  # Z' diag(w p_k (1 - p_k)) Z for the requested level


def _transform(std: Standardization) -> np.ndarray:
    """``T`` with ``b = T gamma`` (original coefficients from working ones), per level."""
    T = np.diag(1.0 / std.scale)
    if std.intercept_index is not None:
        T[std.intercept_index] -= std.center / std.scale
        T[std.intercept_index, std.intercept_index] = 1.0
    held = ~std.free
    if std.intercept_index is not None:
        held[std.intercept_index] = False
    T[held] = 0.0
    return T


def multinomial_pass(X, y, w, B, level: int | None, block_rows: int = BLOCK_ROWS, center=None, inv_scale=None):
    """One blocked pass over X at coefficients ``B`` (p x K): log-likelihood, score
    ``X'(w (Y - P))`` (p x K) and, for ``level``, ``X' diag(w p (1 - p)) X``. With ``center``
    and ``inv_scale`` each row block is first centred and scaled (``B`` is then in working
    coordinates and so are the score and information)."""
    n, p = X.shape
    K = B.shape[1]
    ll = 0.0
    score = np.zeros((p, K))
    hess = np.zeros((p, p), order="F") if level is not None else None
    for start in range(0, n, block_rows):
        sl = slice(start, min(start + block_rows, n))
        Xb = X[sl] if center is None else (X[sl] - center) * inv_scale
        # Level-major (K, rows) arrays: K matrix-vector products, not one thin gemm (see
        # statlogit.models.multinomial_kernel), and reductions over K as K - 1 vector operations.
        m = Xb.shape[0]
        eta = np.empty((K, m))
        for k in range(K):
            np.dot(Xb, B[:, k], out=eta[k])
        top = eta[0].copy()
        for k in range(1, K):
            np.maximum(top, eta[k], out=top)
        eta -= top
        ex = np.exp(eta)
        tot = ex[0].copy()
        for k in range(1, K):
            tot += ex[k]
        inv_tot = 1.0 / tot
        yb = y[sl]
        rows = np.arange(m)
        terms = eta[yb, rows] - np.log(tot)
        R = ex * -inv_tot
        R[yb, rows] += 1.0
        if w is not None:
            wb = w[sl]
            ll += float(wb @ terms)
            R *= wb
        else:
            ll += float(terms.sum())
        for k in range(K):
            score[:, k] += Xb.T @ R[k]
        if level is not None:
            v = ex[level] * inv_tot * (tot - ex[level]) * inv_tot  # p_k (1 - p_k) without cancellation
            if w is not None:
                v = v * wb
            Zs = Xb * np.sqrt(v)[:, None]
            hess = dsyrk(1.0, Zs.T, beta=1.0, c=hess, trans=0, lower=0, overwrite_c=1)
    if hess is not None:
        hess = np.triu(hess) + np.triu(hess, 1).T
    return ll, score, hess


@dataclass
class MultiProblem:
    X: np.ndarray
    y: np.ndarray  # codes 0..K-1
    K: int
    weights: np.ndarray | None
    std: Standardization
    T: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        self.T = _transform(self.std)

    @property
    def W(self) -> float:
        return self.std.weight_sum

    def run(self, G: np.ndarray, level: int | None) -> MultiPass:
        """A pass at working coefficients ``G`` (p x K): on X itself mapped by ``T``, unless
        centring by algebra would lose digits (see :attr:`statlogit.penalized.solver.Problem.to_original`);
        then each row block is centred and scaled."""
        std = self.std
        if np.max(np.abs(std.center) / std.scale, initial=0.0) > RAW_PASS_MAX_RATIO:
            ll, score, hess = multinomial_pass(self.X, self.y, self.weights, G, level, center=std.center,
                                               inv_scale=np.where(std.free | (np.arange(G.shape[0]) ==
                                                                  std.intercept_index), 1.0 / std.scale, 0.0))
            return MultiPass(ll, score, hess)
        T = self.T
        ll, score, hess = multinomial_pass(self.X, self.y, self.weights, T @ G, level)
        return MultiPass(ll, T.T @ score, None if hess is None else T.T @ hess @ T)


@dataclass
class MultiSolution:
    gamma: np.ndarray  # p x K working
    state: MultiPass
    converged: bool
    n_iter: int
    kkt_working: float
    message: str
    history: list


def null_gamma(prob: MultiProblem) -> np.ndarray:
    """The intercept-only fit: intercepts ``log(W_k) - mean log(W_k)``, slopes 0."""
    p = prob.X.shape[1]
    G = np.zeros((p, prob.K))
    icpt = prob.std.intercept_index
    if icpt is not None:
        counts = np.bincount(prob.y, weights=prob.weights, minlength=prob.K)
        lc = np.log(counts)
        G[icpt] = lc - lc.mean()
    return G


def solve_multinomial(prob: MultiProblem, lam: float, l1_ratio: float, G: np.ndarray, *,
                      tol: float = DEFAULT_TOL, max_iter: int = DEFAULT_MAX_CYCLES) -> MultiSolution:
    """Minimise F over the working coefficients ``G`` (p x K) by cycling over the levels."""
    std = prob.std
    W = prob.W
    K = prob.K
    icpt = std.intercept_index
    c = std.working_factor
    free = std.free
    l1 = lam * l1_ratio * c
    l2 = lam * (1.0 - l1_ratio) * c * c
    fixed = np.zeros(c.size, bool) if icpt is None else (np.arange(c.size) == icpt)
    ws = np.flatnonzero(free | fixed)
    G = np.where((free | fixed)[:, None], G, 0.0)

    def objective(ll, Gm):
        return -ll / W + sum(_penalty(Gm[:, k], l1, l2) for k in range(K))

    def kkt_of(state, Gm):
        return max(float(working_kkt(state.score[:, k], Gm[:, k], W, l1, l2, free, icpt).max(initial=0.0))
                   for k in range(K))

    state = prob.run(G, 0)
    F = objective(state.loglik, G)
    history, converged, it = [], False, 0
    message = f"stopped after max_iter={max_iter} cycles over the levels without meeting tol={tol:g}"
    kkt = kkt_of(state, G)
    while True:
        history.append({"iteration": it, "objective": F, "kkt": kkt})
        if kkt <= tol:
            converged, message = True, f"KKT violation {kkt:.2e} <= tol {tol:g}"
            break
        if it >= max_iter:
            break
        stuck = 0
        for k in range(K):
            if state.hess is None:
                state = prob.run(G, k)
            gk = -state.score[ws, k] / W
            x0 = G[ws, k]
            x = cd_quadratic(state.hess[np.ix_(ws, ws)] / W, gk, x0, l1[ws], l2[ws], free[ws])
            d = x - x0
            nxt = (k + 1) % K
            if not np.any(d):
                stuck += 1
                state = prob.run(G, nxt)
                continue
            delta = min(float(gk @ d) + _penalty(x, l1[ws], l2[ws]) - _penalty(x0, l1[ws], l2[ws]), 0.0)
            t = 1.0
            for _ in range(MAX_HALVINGS):
                trial = G.copy()
                trial[ws, k] = x0 + t * d
                st = prob.run(trial, nxt)
                F_t = objective(st.loglik, trial)
                if np.isfinite(F_t) and F_t <= F + ARMIJO * t * delta + 1e-15 * abs(F):
                    G, state, F = trial, st, F_t
                    break
                t *= 0.5
            else:
                stuck += 1
                state = prob.run(G, nxt)
        # A common shift of one row of G over the levels leaves every probability, hence the
        # log-likelihood, score and information, unchanged: no pass is needed for these two.
        if icpt is not None:  # the intercepts' shift is not identified: centre them
            G[icpt] -= G[icpt].mean()
        G = _best_shifts(G, free, l1_ratio)
        if state.hess is None:
            state = prob.run(G, 0)
        F = objective(state.loglik, G)
        it += 1
        kkt = kkt_of(state, G)
        if stuck == K and kkt > tol:
            converged = kkt <= 1e-7
            message = (f"no further decrease possible at KKT violation {kkt:.2e}"
                       + ("" if converged else " (above 1e-7: not converged)"))
            history.append({"iteration": it, "objective": F, "kkt": kkt})
            break
    return MultiSolution(G, state, converged, it, kkt, message, history)


def _best_shift(x: np.ndarray, a: float) -> float:
    """The c minimising ``sum_k (1 - a)/2 (x_k - c)^2 + a |x_k - c|`` (0 when 0 is a minimiser).

    The likelihood is unchanged by a common shift of a column's coefficients over the levels,
    so at the minimum of F each column's shift is 0 (glmnet's ``elc`` step)."""
    K = x.size

    def subgrad(cv):  # [lower, upper] of the subdifferential at cv
        base = (1 - a) * (K * cv - x.sum()) + a * (np.sum(cv > x) - np.sum(cv < x))
        ties = a * np.sum(cv == x)
        return base - ties, base + ties

    lo, hi = subgrad(0.0)
    if lo <= 0.0 <= hi:
        return 0.0
    xs = np.sort(x)
    for v in xs:
        lo, hi = subgrad(float(v))
        if lo <= 0.0 <= hi:
            return float(v)
    if a < 1:
        edges = np.concatenate(([-np.inf], xs, [np.inf]))
        for left, right in zip(edges[:-1], edges[1:]):
            sgn = np.sum(x <= left) - np.sum(x >= right)  # sum_k sign(c - x_k) inside (left, right)
            cv = (x.sum() - a * sgn / (1 - a)) / K
            if left < cv < right:
                return float(cv)
    return 0.0


def _best_shifts(G: np.ndarray, free: np.ndarray, a: float) -> np.ndarray:
    """G with each penalized row shifted by its best common shift (G itself if none moves)."""
    out = None
    for j in np.flatnonzero(free):
        cv = _best_shift(G[j], a)
        if cv != 0.0:
            if out is None:
                out = G.copy()
            out[j] -= cv
    return G if out is None else out


def original_score_mean(std: Standardization, score_working: np.ndarray, W: float) -> np.ndarray:
    """``(1/W) X'(w (Y - P))`` (p x K) on the original scale from the working score."""
    g = score_working / W
    out = std.scale[:, None] * g
    if std.intercept_index is not None:
        out = out + std.center[:, None] * g[std.intercept_index][None, :]
    return out


def kkt_violation_multi(score_mean: np.ndarray, B: np.ndarray, std: Standardization, lam: float,
                        l1_ratio: float) -> float:
    """glmnet's optimality check on the original scale over every (column, level)."""
    from .objective import kkt_violation

    return max(kkt_violation(score_mean[:, k], B[:, k], std, lam, l1_ratio) for k in range(B.shape[1]))


def make_multi_problem(model, standardize: bool) -> MultiProblem:
    d = model.design
    std = standardization(d.X, model.weights, d.intercept_index, standardize)
    return MultiProblem(d.X, d.y.astype(np.int64), model.K, model.weights, std)


@dataclass(frozen=True)
class MultiPenalizedFit:
    """A penalized multinomial fit: ``params`` (p x K, original scale, exact zeros 0.0)."""

    params: np.ndarray
    loglik: float
    null_loglik: float
    converged: bool
    n_iter: int
    message: str
    history: list
    penalty: str
    lam: float
    l1_ratio: float
    standardize: bool
    kkt_violation: float
    objective: float
    dev_ratio: float
    method: str = "coordinate descent (cycling over levels)"


def fit_multinomial_penalized(model, opts):
    """``sl.mlogit(..., penalty=...)``: one penalized fit, as MultinomialPenalizedResults."""
    from ..exceptions import ConvergenceWarning, OptionError, warn
    from .fit import lambda_of
    from .multinomial_results import MultinomialPenalizedResults

    lam, l1_ratio = lambda_of(opts)
    if lam == 0:
        raise OptionError("lam=0 is not valid for the penalized multinomial model: without a penalty the "
                          "symmetric coefficients (one vector per level) are not identifiable; give lam > 0, "
                          "or fit penalty=None for the reference-level maximum-likelihood model")
    prob = make_multi_problem(model, opts.standardize)
    G0 = null_gamma(prob)
    null_ll = prob.run(G0, None).loglik
    max_iter = DEFAULT_MAX_CYCLES if opts.max_iter is None else opts.max_iter
    tol = DEFAULT_TOL if opts.tol is None else opts.tol
    sol = solve_multinomial(prob, lam, l1_ratio, G0, tol=tol, max_iter=max_iter)
    fit = multi_record(prob, sol, lam, l1_ratio, null_ll)
    if not fit.converged:
        warn(f"coordinate descent did not converge at lam={lam:g}: {fit.message} (KKT violation "
             f"{fit.kkt_violation:.2e}); raise max_iter", ConvergenceWarning)
    return MultinomialPenalizedResults(model, fit, opts)


def multi_record(prob: MultiProblem, sol: MultiSolution, lam: float, l1_ratio: float,
                 null_ll: float) -> MultiPenalizedFit:
    """The fit on the original scale (intercepts centred, exact zeros) with its KKT check."""
    from .fit import penalty_name

    B = prob.T @ sol.gamma
    std = prob.std
    if std.intercept_index is not None:  # their common shift is not identified: centre them (glmnet)
        B[std.intercept_index] -= B[std.intercept_index].mean()
    B[np.abs(B) == 0] = 0.0  # -0.0 to 0.0
    kkt = kkt_violation_multi(original_score_mean(std, sol.state.score, prob.W), B, std, lam, l1_ratio)
    ll = sol.state.loglik
    obj = -ll / prob.W + sum(penalty_value(B[:, k], std.penalty_factor, lam, l1_ratio) for k in range(prob.K))
    return MultiPenalizedFit(
        params=B, loglik=ll, null_loglik=null_ll, converged=sol.converged, n_iter=sol.n_iter,
        message=sol.message, history=sol.history, penalty=penalty_name(l1_ratio), lam=lam, l1_ratio=l1_ratio,
        standardize=std.standardize, kkt_violation=kkt, objective=obj,
        dev_ratio=1.0 - ll / null_ll if null_ll != 0 else float("nan"))
