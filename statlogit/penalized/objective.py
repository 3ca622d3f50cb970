"""glmnet's penalized logistic objective, its standardization and its optimality (KKT) conditions.

The objective (Friedman, Hastie & Tibshirani 2010, eq. 13; glmnet's ``family = "binomial"``):

    F(b0, b) = -(1/W) sum_i w_i [y_i eta_i - log(1 + exp(eta_i))]
               + lam * sum_j [ (1 - a)/2 (pf_j b_j)^2 + a pf_j |b_j| ],   eta_i = b0 + x_i'b (+ offset_i)

with ``a = l1_ratio``, ``W = sum_i w_i`` (glmnet normalises the weights to sum to n, which is
the same thing), the intercept unpenalized, and ``pf_j = s_j`` (the column's standard deviation
with divisor W, weighted as glmnet) when ``standardize=True``, else ``pf_j = 1``. Treatment
dummies of a factor are ordinary columns here and are penalized like any other.

The solver works in *working coordinates* ``gamma``: the columns centred and scaled,
``z_j = (x_j - m_j) / s_j`` (the intercept column stays 1), so that ``gamma_j = s_j b_j`` and
``gamma_0 = b0 + sum_j m_j b_j``. The penalty there is ``lam * sum_j [(1 - a)/2 (c_j gamma_j)^2
+ a c_j |gamma_j|]`` with ``c_j = pf_j / s_j`` (1 when standardizing). Without an intercept
nothing is centred and ``s_j`` is the root mean square (glmnet's ``intercept = FALSE``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kernel import BLOCK_ROWS

#: glmnet's lambda_max rule divides by max(alpha, 1e-3), so that ridge gets a finite grid top.
MIN_ALPHA_FOR_GRID = 1e-3


@dataclass(frozen=True)
class Standardization:
    """Column centres ``m`` and scales ``s`` of the working coordinates, and the penalty factors.

    ``free`` marks the penalized columns that vary (a constant column other than the intercept
    is held at 0, as glmnet does). ``sd`` is the 1/W standard deviation (glmnet's ``s_j``).
    """

    center: np.ndarray
    scale: np.ndarray
    sd: np.ndarray
    free: np.ndarray
    intercept_index: int | None
    weight_sum: float
    standardize: bool

    @property
    def penalty_factor(self) -> np.ndarray:
        """``pf_j`` on the original scale (``s_j`` or 1; 0 for the intercept)."""
        pf = self.sd.copy() if self.standardize else np.ones_like(self.sd)
        pf[~self.free] = 0.0
        return pf

    @property
    def working_factor(self) -> np.ndarray:
        """``c_j = pf_j / s_j``: the penalty factor in working coordinates (0 where not free)."""
        c = np.ones_like(self.scale) if self.standardize else 1.0 / self.scale
        return np.where(self.free, c, 0.0)

    def to_original(self, gamma: np.ndarray) -> np.ndarray:
        b = gamma / self.scale
        held = ~self.free
        if self.intercept_index is not None:
            held[self.intercept_index] = False
        b[held] = 0.0
        if self.intercept_index is not None:
            others = np.arange(b.size) != self.intercept_index
            b[self.intercept_index] = gamma[self.intercept_index] - float(self.center[others] @ b[others])
        return b

    def to_working(self, b: np.ndarray) -> np.ndarray:
        gamma = b * self.scale
        if self.intercept_index is not None:
            others = np.arange(b.size) != self.intercept_index
            gamma[self.intercept_index] = b[self.intercept_index] + float(self.center[others] @ b[others])
        return gamma


def standardization(X: np.ndarray, weights: np.ndarray | None, intercept_index: int | None,
                    standardize: bool, block_rows: int = BLOCK_ROWS) -> Standardization:
    """Weighted column means and 1/W standard deviations in two blocked passes over ``X``."""
    n, p = X.shape
    w = np.ones(n) if weights is None else weights
    W = float(w.sum())
    if intercept_index is not None:
        m = (X.T @ w) / W
        m[intercept_index] = 0.0
    else:
        m = np.zeros(p)
    ss = np.zeros(p)
    for start in range(0, n, block_rows):
        sl = slice(start, min(start + block_rows, n))
        d = X[sl] - m
        ss += w[sl] @ (d * d)
    sd = np.sqrt(ss / W)
    # A column whose spread is rounding noise around a large mean is constant too.
    free = sd > 1e-10 * np.abs(m) if intercept_index is not None else sd > 0
    free &= sd > 0
    if intercept_index is not None:
        free[intercept_index] = False
    scale = np.where(free, sd, 1.0)
    return Standardization(center=m, scale=scale, sd=np.where(free, sd, 0.0), free=free,
                           intercept_index=intercept_index, weight_sum=W, standardize=standardize)


def penalty_value(b: np.ndarray, pf: np.ndarray, lam: float, l1_ratio: float) -> float:
    """``lam * sum_j [(1 - a)/2 (pf_j b_j)^2 + a pf_j |b_j|]`` (original scale)."""
    t = pf * b
    return float(lam * ((1.0 - l1_ratio) / 2.0 * (t @ t) + l1_ratio * np.abs(t).sum()))


def kkt_violation(score_mean: np.ndarray, b: np.ndarray, std: Standardization, lam: float,
                  l1_ratio: float) -> float:
    """glmnet's optimality check on the original scale: the worst of

    - ``|g_0|`` for the intercept,
    - ``|g_j - lam ((1 - a) pf_j^2 b_j + a pf_j sign(b_j))|`` for ``b_j != 0``,
    - ``max(0, |g_j| - lam a pf_j)`` for ``b_j == 0``,

    with ``g = (1/W) X'(w (y - p))`` (``score_mean``). 0 at the exact minimum.
    """
    pf = std.penalty_factor
    viol = np.zeros(b.size)
    nz = std.free & (b != 0)
    z = std.free & (b == 0)
    viol[nz] = np.abs(score_mean[nz] - lam * ((1 - l1_ratio) * pf[nz] ** 2 * b[nz]
                                              + l1_ratio * pf[nz] * np.sign(b[nz])))
    viol[z] = np.maximum(0.0, np.abs(score_mean[z]) - lam * l1_ratio * pf[z])
    if std.intercept_index is not None:
        viol[std.intercept_index] = abs(score_mean[std.intercept_index])
    return float(viol.max()) if viol.size else 0.0


def lambda_max(score_null_working: np.ndarray, std: Standardization, l1_ratio: float) -> float:
    """Smallest lambda at which every penalized coefficient is 0 (glmnet's rule):
    ``max_j |g_j| / (pf_j max(a, 1e-3))`` at the intercept-only fit, ``g`` per unit of ``pf``."""
    c = std.working_factor
    free = std.free
    if not np.any(free):
        return 0.0
    return float(np.max(np.abs(score_null_working[free]) / c[free]) / max(l1_ratio, MIN_ALPHA_FOR_GRID))


def default_lambdas(lam_max: float, n: int, p_free: int, n_lambdas: int,
                    lambda_min_ratio: float | None) -> np.ndarray:
    """glmnet's grid: ``n_lambdas`` values log-spaced from ``lam_max`` down to
    ``lambda_min_ratio * lam_max`` (ratio 1e-4 when n > p, else 1e-2)."""
    ratio = lambda_min_ratio if lambda_min_ratio is not None else (1e-4 if n > p_free else 1e-2)
    if n_lambdas == 1:
        return np.array([lam_max])
    return lam_max * np.exp(np.linspace(0.0, np.log(ratio), n_lambdas))
