"""Is the design of full column rank? One check, up front, on a p x p cross-product.

X has full column rank exactly when ``X'WX`` is positive definite for any positive row
weights ``W``. The check is an eigendecomposition of that matrix equilibrated to unit
diagonal, ``D^-1 (X'WX) D^-1`` with ``D = sqrt(diag(X'WX))`` (invariant to column scales):
the design is rank deficient when a diagonal entry is 0 or the smallest eigenvalue is below
``RANK_TOL`` times the largest. An exact linear dependence leaves an eigenvalue at rounding
level (~1e-16); a merely ill-conditioned but full-rank design (uncentred polynomials) keeps
it far above 1e-12, and Newton's Cholesky copes with it.

The solvers pass the information at their starting point when it is ``c X'WX`` with a
constant ``c`` (no offset, every slope 0): then the check costs O(p^3) and no pass over X.
Otherwise :func:`weighted_gram` forms ``X'WX`` in row blocks (one pass, O(np^2)).

Reference: Golub & Van Loan (2013), *Matrix Computations*, 4th ed., sec. 5.4 (numerical rank).
"""

from __future__ import annotations

import numpy as np

from ..kernel import BLOCK_ROWS

#: Smallest eigenvalue of the equilibrated cross-product, relative to the largest, below
#: which the design counts as rank deficient.
RANK_TOL = 1e-12


def rank_deficient(gram: np.ndarray) -> bool:
    """True when the symmetric cross-product ``gram`` (p x p) is singular to ``RANK_TOL``."""
    if gram.shape[0] == 0:
        return False
    d = np.sqrt(np.diag(gram))
    if not np.all(np.isfinite(d)) or np.any(d <= 0):
        return True
    evals = np.linalg.eigvalsh(gram / np.outer(d, d))
    return bool(evals[0] < RANK_TOL * evals[-1])


def weighted_gram(X: np.ndarray, weights: np.ndarray | None = None,
                  implicit_intercept: bool = False) -> np.ndarray:
    """``X' diag(weights) X`` (``X'X`` without weights) in row blocks: one pass over X.

    ``implicit_intercept``: for ``[1, X]`` without forming it (the intercept's row is the
    sum of the weights and the weighted column sums of X).
    """
    from scipy.linalg.blas import dsyrk

    n, p = X.shape
    out = np.zeros((p, p), order="F")
    for start in range(0, n, BLOCK_ROWS):
        B = X[start:start + BLOCK_ROWS]
        if weights is not None:
            B = B * np.sqrt(weights[start:start + BLOCK_ROWS])[:, None]
        out = dsyrk(1.0, np.ascontiguousarray(B).T, beta=1.0, c=out, trans=0, lower=0, overwrite_c=1)
    gram = np.triu(out) + np.triu(out, 1).T
    if not implicit_intercept:
        return gram
    edge = X.sum(axis=0) if weights is None else X.T @ weights
    corner = float(n if weights is None else weights.sum())
    return np.block([[np.array([[corner]]), edge[None, :]], [edge[:, None], gram]])


def is_plain_start(beta: np.ndarray, offset, intercept_index: int | None) -> bool:
    """True when the information at ``beta`` is a constant times ``X'WX`` (prior weights W):
    no offset and every coefficient but the intercept 0, so every row has the same mu."""
    if offset is not None:
        return False
    slopes = beta if intercept_index is None else np.delete(beta, intercept_index)
    return not np.any(slopes)
