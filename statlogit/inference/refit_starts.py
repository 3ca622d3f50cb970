"""Starts for many reduced-model refits from shared passes over ``X`` (the term tests).

Each reduced model ``m`` (design columns ``K_m``) starts at the full fit's quadratic maximum
(:func:`statlogit.inference.anova._warm_start`) and takes score-only steps
``b + H_KK^-1 g(b)`` with the full fit's information ``H_KK`` while they raise its
log-likelihood and their decrement exceeds 1e-10 (as :func:`~statlogit.inference.anova._score_steps`).
Here every model's step is taken from one pass over ``X`` per round: with the coefficient
vectors as the columns of ``B`` (zeros for dropped columns), per row block

    E = X_b B + offset,    loglik_m = sum_i w_i (y_i e_im - softplus(e_im)),
    G = X_b' R,            R_im = w_i (y_i - expit(e_im)),

so all models' scores cost two GEMMs instead of one pass each. Only the exact Newton check
that certifies each refit's maximum (``fit_newton``) remains a pass per model; the starts
change the path, not the maximum.
"""

from __future__ import annotations

import numpy as np

from ..kernel import logistic_pieces

#: Rows per block: a 4096 x M block of linear predictors stays in cache.
_BLOCK_ROWS = 4096


def _block_sums(src, y, B, b0, offset, weights, lo, hi):
    """loglik (M,), score of the ``src`` columns (p, M) and of the intercept (M,) over rows lo:hi."""
    M = B.shape[1]
    ll = np.zeros(M)
    G = np.zeros((src.shape[1], M))
    g0 = np.zeros(M)
    for start in range(lo, hi, _BLOCK_ROWS):
        stop = min(start + _BLOCK_ROWS, hi)
        Xb = src[start:stop]
        yb = y[start:stop]
        E = Xb @ B
        if b0 is not None:
            E += b0
        if offset is not None:
            E += offset[start:stop, None]
        mu, sp, _, _ = logistic_pieces(E)
        R = np.subtract(yb[:, None], mu, out=mu)
        if weights is None:
            ll += yb @ E - sp.sum(axis=0)
        else:
            wb = weights[start:stop]
            ll += (wb * yb) @ E - wb @ sp
            R *= wb[:, None]
        G += Xb.T @ R
        g0 += R.sum(axis=0)
    return ll, G, g0


def _evaluate(d, m, implicit, B, scale):
    """Log-likelihoods (M,) and full-design scores (k, M) of the solver-scale vectors ``B``."""
    from ..parallel import map_ranges, row_ranges

    Braw = B if scale is None else B / scale[:, None]
    if implicit:
        src, b0, Bsrc = d.predictors, Braw[0], Braw[1:]
    else:
        src, b0, Bsrc = d.X, None, Braw
    parts = map_ranges(lambda lo, hi: _block_sums(src, d.y, Bsrc, b0, m.offset, m.weights, lo, hi),
                       row_ranges(d.nobs, _BLOCK_ROWS))
    ll, G, g0 = parts[0]
    for ll_i, G_i, g0_i in parts[1:]:
        ll, G, g0 = ll + ll_i, G + G_i, g0 + g0_i
    if implicit:
        G = np.vstack([g0, G])
    if scale is not None:
        G = G / scale[:, None]
    return ll, G


def refit_starts(res, keeps: list[list[int]], max_steps: int = 4) -> dict[tuple[int, ...], np.ndarray]:
    """Solver-scale starts for the refits on each column set in ``keeps`` (keyed by tuple);
    models without a usable warm start are left out (they start cold)."""
    from scipy.linalg import cho_factor, cho_solve

    from .anova import _warm_start

    d, m, fi = res.design, res.model, res.fit_info
    k = len(d.column_names)
    scale = None if fi.column_scale is None else np.asarray(fi.column_scale, dtype=float)
    implicit = bool(d.implicit_intercept and d.intercept_index == 0 and scale is None)
    H = np.asarray(fi.information, dtype=float)
    models = []  # [keep, chol, beta, prev, ll_prev]
    for keep in dict.fromkeys(tuple(kp) for kp in keeps if kp):
        if implicit and keep[0] != 0:
            continue  # the refit then reads X with its intercept column; it starts on its own
        start = _warm_start(res, list(keep))
        if start is None:
            continue
        try:
            chol = cho_factor(H[np.ix_(keep, keep)])
        except np.linalg.LinAlgError:
            models.append([keep, None, start, start, -np.inf])
            continue
        models.append([keep, chol, start, start, -np.inf])
    out = {mod[0]: mod[2] for mod in models if mod[1] is None}
    active = [mod for mod in models if mod[1] is not None]
    for _ in range(max_steps):
        if not active:
            break
        B = np.zeros((k, len(active)))
        for i, (keep, _, beta, _, _) in enumerate(active):
            B[list(keep), i] = beta
        ll, G = _evaluate(d, m, implicit, B, scale)
        still = []
        for i, mod in enumerate(active):
            keep, chol, beta, prev, ll_prev = mod
            if not (np.isfinite(ll[i]) and ll[i] >= ll_prev):
                out[keep] = prev
                continue
            g = G[list(keep), i]
            step = cho_solve(chol, g)
            if not np.all(np.isfinite(step)) or np.sqrt(max(g @ step, 0.0)) <= 1e-10:
                out[keep] = beta
                continue
            mod[2:5] = [beta + step, beta, ll[i]]
            still.append(mod)
        active = still
    for mod in active:
        out[mod[0]] = mod[2]
    return out
