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
    """Unnormalised exponentials E (m, K) with E[:, 0] for the reference, their row sums, the
    row maximum of eta (incl. the reference's 0), and eta (m, K-1)."""
    eta = X_b @ B.T
    mx = np.maximum(eta.max(axis=1), 0.0)
    E = np.empty((eta.shape[0], eta.shape[1] + 1))
    np.subtract(eta, mx[:, None], out=E[:, 1:])
    E[:, 0] = -mx
    np.exp(E, out=E)
    S = E.sum(axis=1)
    return eta, mx, E, S


def multinomial_probabilities(X: np.ndarray, theta: np.ndarray, K: int, block_rows: int = BLOCK_ROWS) -> np.ndarray:
    """Fitted probabilities (n, K), column k = level k (column 0 the reference); rows sum to 1."""
    X = np.asarray(X, dtype=float)
    B = _check_shapes(X, theta, K)
    n = X.shape[0]
    out = np.empty((n, K))
    for start in range(0, n, max(1, block_rows)):
        sl = slice(start, min(start + block_rows, n))
        _, _, E, S = _softmax_block(X[sl], B)
        np.divide(E, S[:, None], out=out[sl])
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
    score = np.zeros((p, J))
    G = np.zeros((p, P * p)) if need_hessian else None
    block_rows = max(1, min(block_rows, n)) if n else 1
    ybuf = np.empty((block_rows, P, p)) if need_hessian else None
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        X_b = X[start:stop]
        y_b = y[start:stop]
        m = stop - start
        eta, mx, E, S = _softmax_block(X_b, B)
        rows = np.arange(m)
        # log pi_{i,y_i} = eta_{i,y_i} - mx - log S (eta of the reference is 0).
        eta_y = np.where(y_b > 0, eta[rows, np.maximum(y_b - 1, 0)], 0.0)
        ll_terms = eta_y - mx - np.log(S)
        prob = E / S[:, None]
        resid = -prob[:, 1:]
        nz = y_b > 0
        resid[rows[nz], y_b[nz] - 1] += 1.0
        if weights is not None:
            w_b = weights[start:stop]
            ll += float(w_b @ ll_terms)
            resid *= w_b[:, None]
        else:
            w_b = None
            ll += float(ll_terms.sum())
        score += X_b.T @ resid
        if not need_hessian:
            continue
        # 1 - pi_j as the sum of the other probabilities (prefix + suffix sums: no cancellation).
        csum = np.cumsum(prob, axis=1)
        rsum = np.cumsum(prob[:, ::-1], axis=1)[:, ::-1]
        pj = prob[:, 1:]
        one_minus = csum[:, :-1] + np.hstack([rsum[:, 2:], np.zeros((m, 1))])
        C = -pj[:, jj] * pj[:, ll_idx]
        diag = jj == ll_idx
        C[:, diag] = pj * one_minus
        if w_b is not None:
            C *= w_b[:, None]
        Y = ybuf[:m]
        np.multiply(X_b[:, None, :], C[:, :, None], out=Y)
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
    return ll, score.T.ravel(), info
