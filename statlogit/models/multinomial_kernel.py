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

Per row block, each of the K(K-1)/2 distinct blocks ``X_b' diag(c_jl) X_b`` is symmetric, so it
is one BLAS ``syrk`` on ``X_b sqrt|c_jl|`` (the sign of ``c_jl`` goes into syrk's alpha): half
the flops of a general product and no scaled copy larger than one block of X. Measured at
n = 1e6, 21 columns, K = 4 on the shared 2-core machine, this ties a single gemm
``X_b' [X_b c_11, X_b c_12, ...]`` on an idle core and stays steady under CPU contention, where
OpenBLAS's threaded gemm on these shapes stalls (5-20x slower); see
``benchmarks/multiclass_kernel_pass.py``. There is no n x K x K array and no loop over rows.

Reference: McCullagh & Nelder (1989), *Generalized Linear Models*, 2nd ed., sec. 5.4;
Agresti (2013), *Categorical Data Analysis*, 3rd ed., sec. 8.1.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import dsyrk

from ..kernel import BLOCK_ROWS

#: _gemv_note: products with K-1 (or K) short rows are done as K-1 matrix-vector products, not
#: one (K-1, m) x (m, p) gemm: the same speed on an idle machine, while OpenBLAS's threaded gemm on
#: such thin shapes stalls for up to a scheduler quantum per call when the cores are busy.


def _codes(y, n: int, K: int) -> np.ndarray:
    """Integer level codes, checked to lie in 0..K-1 (a pure function still refuses nonsense)."""
    y = np.asarray(y)
    if y.shape == (n,) and np.issubdtype(y.dtype, np.floating) and np.all(y == np.round(y)):
        y = y.astype(np.int64)  # whole-number floats (a float design's codes) are accepted
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be {n} integer level codes; got dtype {y.dtype}, shape {y.shape}")
    if n and (y.min() < 0 or y.max() >= K):
        raise ValueError(f"y holds codes outside 0..{K - 1} (K={K} levels)")
    return y


def _sym(h):
    return np.triu(h) + np.triu(h, 1).T


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
    for j in range(J):  # K-1 gemv: see _gemv_note
        np.matmul(X_b, B[j], out=Z[j + 1])
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
    y = _codes(y, n, K)
    J = K - 1
    jj, ll_idx = _pairs(K)
    P = jj.size
    ll = 0.0
    score = np.zeros((J, p))
    block_rows = max(1, min(block_rows, n)) if n else 1
    xbuf = np.empty((block_rows, p)) if need_hessian else None
    H = [np.zeros((p, p), order="F") for _ in range(P)] if need_hessian else None
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
        for j in range(J):  # K-1 gemv: see _gemv_note
            score[j] += X_b.T @ resid[j]
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
                np.multiply(prob[j], prob[l_], out=C[k])  # |c_jl|; the sign goes to syrk's alpha
        if w_b is not None:
            C *= w_b
        # Block (j, l) = +-(X_b sqrt|c_jl|)' (X_b sqrt|c_jl|): one syrk per pair of levels.
        np.sqrt(C, out=C)
        Xs = xbuf[:m]
        for k in range(P):
            # Multiplying the transposed views runs the inner loop along the rows (as kernel.py).
            np.multiply(X_b.T, C[k], out=Xs.T)
            H[k] = dsyrk(1.0 if jj[k] == ll_idx[k] else -1.0, Xs.T, beta=1.0, c=H[k], trans=0, lower=0,
                         overwrite_c=1)
    info = None
    if need_hessian:
        info = np.empty((J * p, J * p))
        for k in range(P):
            j, l_ = jj[k], ll_idx[k]
            blk = _sym(H[k])
            info[j * p:(j + 1) * p, l_ * p:(l_ + 1) * p] = blk
            info[l_ * p:(l_ + 1) * p, j * p:(j + 1) * p] = blk.T
    return ll, score.ravel(), info
