"""A likelihood of the model family: a block function over rows plus its parameter layout.

Every family (binary logit, multinomial, ordinal) is a :class:`Likelihood`: ``pieces(theta)``
returns ``(loglik, score, information)`` summed over row blocks of X (one read of X), and
``names`` lays the flat parameter vector out. The solvers (:func:`fit_likelihood`), the
results base class, profile intervals and LR tests see only this interface.

References: multinomial logit, McCullagh & Nelder (1989) sec. 5.2; cumulative logit
(proportional odds), McCullagh (1980) JRSS B 42:109-142 with R's polr/clm sign convention.
"""

from __future__ import annotations

import numpy as np

from ..solvers.base import Fit


class Likelihood:
    """Interface: ``n_params``, ``names``, ``pieces``, ``start``, ``feasible``, ``rows``."""

    #: Flat parameter names, in the order of ``theta``.
    names: list[str]

    @property
    def n_params(self) -> int:
        return len(self.names)

    def pieces(self, theta: np.ndarray, need_hessian: bool = True):
        """``(loglik, score, information)`` at ``theta``; information None without the Hessian."""
        raise NotImplementedError

    def start(self) -> np.ndarray:
        """A feasible starting point (the null model's estimates where they are closed form)."""
        return np.zeros(self.n_params)

    def feasible(self, theta: np.ndarray) -> bool:
        """Whether ``theta`` lies in the parameter space (ordered thresholds)."""
        return bool(np.all(np.isfinite(theta)))

    def loglik(self, theta: np.ndarray) -> float:
        return float(self.pieces(theta, need_hessian=False)[0])

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])

    def total_weight(self) -> float:
        """Sum of the frequency weights (the number of rows without weights)."""
        w = getattr(self, "weights", None)
        return float(self.n_rows) if w is None else float(w.sum())

    def rows(self, idx: np.ndarray) -> Likelihood:
        """The same likelihood on a subset of rows (a mini-batch)."""
        raise NotImplementedError


class BinaryLogit(Likelihood):
    """The binary logit: :func:`statlogit.kernel.loglik_score_information` on ``(X, y)``."""

    def __init__(self, X, y, offset=None, weights=None, names=None, intercept_index=None):
        self.X, self.y, self.offset, self.weights = X, y, offset, weights
        self.names = list(names) if names is not None else [f"x{j}" for j in range(X.shape[1])]
        self.intercept_index = intercept_index

    def pieces(self, theta, need_hessian=True):
        from ..kernel import loglik_score_information

        return loglik_score_information(self.X, self.y, theta, self.offset, self.weights, need_hessian)

    def rows(self, idx):
        off = None if self.offset is None else self.offset[idx]
        w = None if self.weights is None else self.weights[idx]
        return BinaryLogit(self.X[idx], self.y[idx], off, w, self.names, self.intercept_index)

    def start(self):
        b = np.zeros(self.n_params)
        if self.intercept_index is not None and self.offset is None:
            ybar = np.average(self.y, weights=self.weights)
            if 0.0 < ybar < 1.0:
                b[self.intercept_index] = np.log(ybar / (1.0 - ybar))
        return b


class Fixed(Likelihood):
    """``lik`` with parameter ``j`` held at ``value``: the likelihood a profile maximises.

    Its parameters are ``lik``'s without ``j``; pieces drop row and column ``j``.
    """

    def __init__(self, lik: Likelihood, j: int, value: float):
        self.lik, self.j, self.value = lik, j, float(value)
        self.names = [n for i, n in enumerate(lik.names) if i != j]

    def full(self, theta_rest: np.ndarray) -> np.ndarray:
        return np.insert(np.asarray(theta_rest, dtype=float), self.j, self.value)

    def pieces(self, theta, need_hessian=True):
        ll, score, info = self.lik.pieces(self.full(theta), need_hessian)
        score = np.delete(score, self.j)
        if info is not None:
            info = np.delete(np.delete(info, self.j, axis=0), self.j, axis=1)
        return ll, score, info

    def feasible(self, theta):
        return self.lik.feasible(self.full(theta))


def fit_likelihood(lik: Likelihood, *, start: np.ndarray | None = None, tol: float = 1e-8,
                   max_iter: int = 100) -> Fit:
    """Maximum likelihood by Newton with step-halving (the family's default solver).

    With many rows (n >= 200,000) and no ``start``, it first fits a random subsample and takes
    score-only full-data steps with the subsample's information (as the binary solver, see
    :mod:`statlogit.solvers.newton`); exact Newton iterations finish, and only they may
    declare convergence. Raises :class:`~statlogit.solvers.newton.SingularInformation` when the
    information is singular at the start (a rank-deficient design).
    """
    from ..solvers.newton import SUBSAMPLE_MIN_ROWS, newton_maximize

    history: list[dict] = []
    n_iter = 0
    note = ""
    if start is None:
        theta = lik.start()
        if lik.n_rows >= SUBSAMPLE_MIN_ROWS:
            sub = _subsample_start(lik, theta)
            if sub is not None:
                theta, n_iter, m = _quasi_newton_steps(lik, sub[0], sub[1], history, max_iter, tol)
                note = f"; started from a fit on a random subsample of {sub[2]} rows"
    else:
        theta = np.asarray(start, dtype=float)
    fit = newton_maximize(lik.pieces, theta, tol=tol, max_iter=max_iter, feasible=lik.feasible, history=history,
                          n_iter=n_iter)
    if note:
        from dataclasses import replace

        fit = replace(fit, message=fit.message + note)
    return fit


def _subsample_start(lik: Likelihood, theta0: np.ndarray):
    """Fit on a random subsample: (estimates, its information scaled to all rows, rows) or None."""
    from ..solvers.newton import SUBSAMPLE_ROWS, SingularInformation, newton_maximize

    n = lik.n_rows
    m = max(SUBSAMPLE_ROWS, 200 * lik.n_params)
    if m * 4 > n:
        return None
    rows = np.sort(np.random.default_rng(20240601).choice(n, size=m, replace=False))
    sub = lik.rows(rows)
    try:
        fit = newton_maximize(sub.pieces, theta0, tol=1e-3, max_iter=25, feasible=sub.feasible)
    except SingularInformation:
        return None
    if not fit.converged or not np.all(np.isfinite(fit.params)):
        return None
    return fit.params, fit.information * (lik.total_weight() / sub.total_weight()), m


#: Score-only steps with the subsample information before the exact Newton iterations take over.
MAX_QUASI_STEPS = 30


def _quasi_newton_steps(lik: Likelihood, theta: np.ndarray, H_sub: np.ndarray, history: list, max_iter: int,
                        tol: float):
    """Full-data steps ``theta + H_sub^-1 score`` (score only: a fraction of a pass with the
    information) until their decrement is below ``tol``, so that usually one exact pass (which
    checks convergence and gives the standard errors) is all that remains. A step that lowers
    the log-likelihood ends the phase before it."""
    from ..solvers.newton import SingularInformation, _accepts, newton_step

    prev, ll_prev, taken = theta, -np.inf, 0
    for _ in range(min(MAX_QUASI_STEPS, max_iter)):
        if not lik.feasible(theta):
            return prev, max(taken - 1, 0), None
        ll, score, _ = lik.pieces(theta, need_hessian=False)
        if not _accepts(ll, ll_prev):
            history.pop()
            return prev, taken - 1, None
        try:
            d = newton_step(score, H_sub)
        except SingularInformation:
            return theta, taken, None
        decrement = float(np.sqrt(max(score @ d, 0.0)))
        history.append({"iteration": taken, "loglik": ll, "decrement": decrement,
                        "max_abs_score": float(np.max(np.abs(score))), "step_size": 1.0 if taken else np.nan,
                        "information": "subsample"})
        prev, ll_prev = theta, ll
        if decrement <= tol:
            return theta, taken, None
        theta = theta + d
        taken += 1
    return theta, taken, None
