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
    """Maximum likelihood by Newton with step-halving (the family's default solver): the one
    driver, :func:`statlogit.solvers.driver.fit_likelihood`, with its large-data start. Raises
    :class:`~statlogit.solvers.newton.SingularInformation` when the information is singular at
    the start (a rank-deficient design)."""
    from ..solvers.driver import fit_likelihood as drive

    return drive(lik, start=start, tol=tol, max_iter=max_iter)
