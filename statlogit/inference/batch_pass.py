"""Log-likelihood and score of the logistic model at many coefficient vectors in one pass.

For a ``p x K`` matrix ``B`` whose columns are coefficient vectors, one pass over ``X`` in
row blocks computes, per block, ``E = X_b B`` (one GEMM for all K vectors), then

    loglik_k = sum_i w_i (y_i e_ik - softplus(e_ik))
    score_k  = X_b' (w * (y - expit(e_k)))          (a second GEMM for all K at once)

and, for the few columns that ask for it, the information ``X_b' diag(w mu_k (1 - mu_k)) X_b``.
This is what a search that moves many parameter vectors at once (the profile-likelihood
limits of every coefficient) needs: K evaluations cost about one GEMM pass plus K exp/log1p
per row, instead of K separate reads of ``X``.

Elementwise numpy work runs on one core, so for large ``n`` the rows are split into one
contiguous range per core, each worked by its own thread (numpy and BLAS release the GIL)
with BLAS held to one thread meanwhile (threadpoolctl, when installed; otherwise one
thread does all the rows). The sums are added in a fixed order, so results do not depend
on timing.
"""

from __future__ import annotations

import os

import numpy as np
from scipy.linalg.blas import dsyrk

from ..kernel import logistic_pieces

#: Rows per block: 2048 x K doubles stay in cache through exp/log1p and both GEMMs.
BATCH_BLOCK_ROWS = 2048
#: Below this many rows a single thread is faster than starting workers.
THREADED_MIN_ROWS = 100_000


def _workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _range_pieces(X, y, B, offset, weights, exact, lo, hi, block_rows):
    """Sums over rows ``lo:hi``: loglik (K,), score (p, K) and ``{k: information}``."""
    p, K = B.shape
    ll = np.zeros(K)
    G = np.zeros((p, K))
    info = {k: np.zeros((p, p), order="F") for k in exact}
    buf = np.empty((block_rows, p)) if exact else None
    for start in range(lo, hi, block_rows):
        stop = min(start + block_rows, hi)
        Xb = X[start:stop]
        yb = y[start:stop]
        E = Xb @ B
        if offset is not None:
            E += offset[start:stop, None]
        mu, sp, e, inv = logistic_pieces(E)
        if weights is None:
            ll += yb @ E
            ll -= sp.sum(axis=0)
            R = np.subtract(yb[:, None], mu, out=sp)
        else:
            wb = weights[start:stop]
            ll += (wb * yb) @ E
            ll -= wb @ sp
            R = np.subtract(yb[:, None], mu, out=sp)
            R *= wb[:, None]
        G += Xb.T @ R
        if exact:
            var = e
            var *= inv
            var *= inv  # mu (1 - mu) = e / (1 + e)^2, without cancellation
            if weights is not None:
                var *= weights[start:stop, None]
            np.sqrt(var, out=var)
            Xs = buf[: stop - start]
            for k in exact:
                np.multiply(Xb, var[:, k : k + 1], out=Xs)
                info[k] = dsyrk(1.0, Xs.T, beta=1.0, c=info[k], trans=0, lower=0, overwrite_c=1)
    return ll, G, info


def evaluate_many(
    X: np.ndarray,
    y: np.ndarray,
    B: np.ndarray,
    offset: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    exact: tuple[int, ...] = (),
    block_rows: int = BATCH_BLOCK_ROWS,
) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]:
    """Log-likelihoods ``(K,)``, scores ``(p, K)`` and the information of the columns in
    ``exact`` (``{k: (p, p)}``, symmetric) at the coefficient vectors ``B[:, k]``."""
    n = X.shape[0]
    B = np.asarray(B, dtype=float)
    exact = tuple(int(k) for k in exact)
    workers = _workers() if n >= THREADED_MIN_ROWS else 1
    limiter = None
    if workers > 1:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            workers = 1
        else:
            limiter = threadpool_limits(limits=1, user_api="blas")
    try:
        if workers == 1:
            parts = [_range_pieces(X, y, B, offset, weights, exact, 0, n, block_rows)]
        else:
            from concurrent.futures import ThreadPoolExecutor

            cuts = np.linspace(0, n, workers + 1).astype(int)
            with ThreadPoolExecutor(workers) as pool:
                parts = list(pool.map(
                    lambda i: _range_pieces(X, y, B, offset, weights, exact, cuts[i], cuts[i + 1], block_rows),
                    range(workers)))
    finally:
        if limiter is not None:
            limiter.restore_original_limits()
    ll, G, info = parts[0]
    for ll_i, G_i, info_i in parts[1:]:
        ll = ll + ll_i
        G = G + G_i
        for k in exact:
            info[k] = info[k] + info_i[k]
    for k in exact:
        info[k] = np.triu(info[k]) + np.triu(info[k], 1).T
    return ll, G, info
