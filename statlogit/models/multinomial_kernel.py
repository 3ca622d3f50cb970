"""Multinomial (softmax) logit: additive pieces of the log-likelihood over row blocks.

Levels are coded ``y in {0, ..., K-1}``; level 0 is the reference, whose linear predictor is
fixed at 0. ``theta`` holds the coefficients of levels 1..K-1 **level-major**:
``B = theta.reshape(K-1, p)``, ``B[j]`` are level ``j+1``'s coefficients (the order of
``vcov(nnet::multinom)`` and of statsmodels' ``MNLogit`` parameters flattened column-wise).
With ``eta_ij = x_i' B[j-1]`` (``eta_i0 = 0``) and ``pi_ij = exp(eta_ij) / sum_k exp(eta_ik)``:

    loglik = sum_i w_i (eta_{i,y_i} - logsumexp_k eta_ik)
    score_j = X' (w * (1{y = j} - pi_j))                                   j = 1..K-1
    information_(j,l) = X' diag(w pi_j (delta_jl - pi_l)) X                (observed = expected)

``logsumexp`` subtracts the row maximum, so nothing overflows. The diagonal weights use
``1 - pi_j`` computed as the sum of the other levels' probabilities (never ``1 - pi_j`` by
subtraction, which cancels when ``pi_j`` is near 1), so the information has no cancellation.
Per row block all K(K-1)/2 blocks of the information come from ONE matrix product
``X_b' [X_b c_(1,1), X_b c_(1,2), ..., X_b c_(K-1,K-1)]`` (BLAS gemm); there is no n x K x K
array and no loop over rows.

Reference: McCullagh & Nelder (1989), *Generalized Linear Models*, 2nd ed., sec. 5.4;
Agresti (2013), *Categorical Data Analysis*, 3rd ed., sec. 8.1.
"""

from __future__ import annotations

import numpy as np

from ..kernel import BLOCK_ROWS


def _check_shapes(X: np.ndarray, theta: np.ndarray, K: int) -> np.ndarray:
    p = X.shape[1]
    theta = np.asarray(theta, dtype=float)
    if theta.shape != ((K - 1) * p,):
        raise ValueError(f"theta has shape {theta.shape}; expected ((K-1)*p,) = ({(K - 1) * p},) for K={K}, p={p}")
    return theta.reshape(K - 1, p)


def _softmax_block(X_b: np.ndarray, B: np.ndarray):
    """Level-major (K, m) arrays for one row block: ``Z = eta - max`` (row 0 the reference),
    ``E = exp(Z)`` and the column sums ``S`` of E, so that ``pi = E / S`` and
    ``log pi = Z - log S``. Levels run along the first axis so that every reduction over levels
    is a fast elementwise operation across rows."""
    J, m = B.shape[0], X_b.shape[0]
    Z = np.empty((J + 1, m))
    np.matmul(B, X_b.T, out=Z[1:])
    mx = np.maximum.reduce(Z[1:], axis=0)
    np.maximum(mx, 0.0, out=mx)
    Z[1:] -= mx
    np.negative(mx, out=Z[0])
    E = np.exp(Z)
    S = E.sum(axis=0)
    return Z, E, S


def multinomial_probabilities(X: np.ndarray, theta: np.ndarray, K: int, block_rows: int = BLOCK_ROWS) -> np.ndarray:
    """Fitted probabilities (n, K), column k = level k (column 0 the reference); rows sum to 1."""
    X = np.asarray(X, dtype=float)
    B = _check_shapes(X, theta, K)
    n = X.shape[0]
    out = np.empty((n, K))
    for start in range(0, n, max(1, block_rows)):
        sl = slice(start, min(start + block_rows, n))
        _, E, S = _softmax_block(X[sl], B)
        np.divide(E, S, out=out[sl].T)
    return out


def _pairs(K: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (j, l), j <= l, of the non-reference levels 0..K-2 (upper triangle)."""
    return np.triu_indices(K - 1)


def multinomial_pieces(
    X: np.ndarray,
    y: np.ndarray,
    theta: np.ndarray,
    weights: np.ndarray | None = None,
    need_hessian: bool = True,
    block_rows: int = BLOCK_ROWS,
    K: int | None = None,
) -> tuple[float, np.ndarray, np.ndarray | None]:
    """One blocked pass over ``X``: log-likelihood, score ((K-1)p,) and information.

    Parameters
    ----------
    X : (n, p) float64 design, including any intercept column.
    y : (n,) integer level codes 0..K-1, 0 = reference level.
    theta : ((K-1) p,) coefficients, level-major (see the module docstring).
    weights : optional (n,) frequency/prior weights.
    need_hessian : when False the information is not computed (returned as None).
    K : number of levels; by default ``len(theta) // p + 1``.

    Returns ``(loglik, score, information)`` with the information ((K-1)p, (K-1)p), symmetric,
    in the same level-major order as ``theta``.
    """
    X = np.asarray(X, dtype=float)
    n, p = X.shape
    theta = np.asarray(theta, dtype=float)
    if K is None:
        K = theta.size // max(p, 1) + 1
    B = _check_shapes(X, theta, K)
    y = np.asarray(y)
    J = K - 1
    jj, ll_idx = _pairs(K)
    P = jj.size
    ll = 0.0
    score = np.zeros((J, p))
    G = np.zeros((p, P * p)) if need_hessian else None
    block_rows = max(1, min(block_rows, n)) if n else 1
    ybuf = np.empty((block_rows, P, p)) if need_hessian else None
    levels = np.arange(1, K)[:, None]
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        X_b = X[start:stop]
        y_b = y[start:stop]
        m = stop - start
        Z, E, S = _softmax_block(X_b, B)
        # log pi_{i, y_i} = Z[y_i, i] - log S_i
        ll_terms = Z[y_b, np.arange(m)] - np.log(S)
        prob = E
        prob /= S
        resid = (y_b == levels) - prob[1:]
        w_b = None if weights is None else weights[start:stop]
        if w_b is not None:
            ll += float(w_b @ ll_terms)
            resid *= w_b
        else:
            ll += float(ll_terms.sum())
        score += resid @ X_b
        if not need_hessian:
            continue
        # 1 - pi_j as the sum of the other probabilities (prefix + suffix sums: no cancellation).
        prefix = np.cumsum(prob, axis=0)
        suffix = np.cumsum(prob[::-1], axis=0)[::-1]
        C = np.empty((P, m))
        for k in range(P):
            j, l_ = jj[k] + 1, ll_idx[k] + 1
            if j == l_:
                others = prefix[j - 1] + suffix[j + 1] if j + 1 < K else prefix[j - 1]
                np.multiply(prob[j], others, out=C[k])
            else:
                np.multiply(prob[j], prob[l_], out=C[k])
                np.negative(C[k], out=C[k])
        if w_b is not None:
            C *= w_b
        Y = ybuf[:m]
        np.multiply(X_b[:, None, :], C.T[:, :, None], out=Y)
        G += X_b.T @ Y.reshape(m, P * p)
    info = None
    if need_hessian:
        info = np.empty((J * p, J * p))
        for k in range(P):
            j, l_ = jj[k], ll_idx[k]
            blk = G[:, k * p:(k + 1) * p]
            info[j * p:(j + 1) * p, l_ * p:(l_ + 1) * p] = blk
            info[l_ * p:(l_ + 1) * p, j * p:(j + 1) * p] = blk.T
        info = 0.5 * (info + info.T)
    return ll, score.ravel(), info
