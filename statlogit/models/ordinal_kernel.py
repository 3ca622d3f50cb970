"""Cumulative-logit (proportional odds) model: additive pieces of the log-likelihood over row blocks.

Sign convention of R's ``MASS::polr`` and ``ordinal::clm``: with levels coded ``y in {0..K-1}``
in category order,

    logit P(Y <= j | x) = zeta_j - x' beta,       j = 0..K-2,  zeta strictly increasing,

so a positive ``beta`` moves mass to higher categories. ``X`` has NO intercept column (the
thresholds take its place). ``theta = [beta (p), zeta (K-1)]``.

For a row with level ``y`` let ``a = zeta_y - x'beta`` (``+inf`` when ``y = K-1``) and
``b = zeta_{y-1} - x'beta`` (``-inf`` when ``y = 0``), ``F`` the logistic cdf, ``f = F(1-F)``.
The probability factorises without subtraction,

    pi = F(a) - F(b) = F(a) F(-b) (1 - exp(-(a - b))),

so ``log pi = log F(a) + log F(-b) + log(-expm1(-c))`` with ``c = a - b = zeta_y - zeta_{y-1}``,
which does not depend on beta. Every derivative then comes out as a sum of terms of one sign:

    d log pi / d beta      = -x (F(-a) - F(b))
    d log pi / d zeta_y    =  F(-a) + q,      d log pi / d zeta_{y-1} = -(F(b) + q),   q = 1/expm1(c)
    -d2 / d beta d beta'   =  x x' (f(a) + f(b))
    -d2 / d beta d zeta_y  = -x f(a),         -d2 / d beta d zeta_{y-1} = -x f(b)
    -d2 / d zeta_y^2       =  f(a) + R,       -d2 / d zeta_{y-1}^2 = f(b) + R,
    -d2 / d zeta_y d zeta_{y-1} = -R,         R = e^c / expm1(c)^2 = 1 / (expm1(c) (-expm1(-c))).

These are the exact second derivatives (observed information), and they stay accurate when
both cumulative probabilities are near 0 or near 1 (no ``F(a) - F(b)`` is ever formed; the
binary-logit shortcut ``h_aa + 2 h_ab + h_bb`` would cancel to nothing there).

**Nominal (partial proportional odds) variant**, as ``ordinal::clm(..., nominal = ~ ...)`` with
its default ``sign.nominal = "positive"``: the columns of X listed in ``nominal`` get one
coefficient per threshold, ``logit P(Y <= j | x) = zeta_j + z' g_j - x_o' beta`` where ``z`` are the
nominal columns and ``x_o`` the others. See :func:`ordinal_nominal_pieces` for the layout.

References: McCullagh (1980), JRSS B 42:109-142; Agresti (2010), *Analysis of Ordinal Categorical
Data*, 2nd ed., ch. 3; Christensen (2019), ordinal: regression models for ordinal data (R package).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import dsyrk

from ..exceptions import ResponseError
from ..kernel import BLOCK_ROWS, softplus
from .multinomial_kernel import _codes


def _cdf_and_density(t: np.ndarray):
    """``F(t)``, ``F(-t)`` and ``f(t) = F(t) F(-t)`` from one ``exp(-|t|)`` (t may be +-inf)."""
    e = np.exp(-np.abs(t))
    inv = 1.0 / (1.0 + e)
    small = e * inv  # F(-|t|)
    pos = t >= 0
    F = np.where(pos, inv, small)
    Fm = np.where(pos, small, inv)
    f = small * inv
    return F, Fm, f


def _row_terms(a: np.ndarray, b: np.ndarray, c: np.ndarray):
    """Per-row pieces of log pi for upper/lower limits a > b (either may be infinite) and their
    gap ``c = a - b``, passed in as a difference of thresholds (exact even when |x'beta| is huge)."""
    _, Fma, fa = _cdf_and_density(a)
    Fb, _, fb = _cdf_and_density(b)
    one_minus = -np.expm1(-c)     # 1 - exp(-c), 1 where c = inf
    q = np.exp(-c) / one_minus    # = 1 / expm1(c) without overflow for far-apart thresholds
    R = q / one_minus             # = e^c / expm1(c)^2; 0 where c = inf
    loglik = -softplus(-a) - softplus(b) + np.log(one_minus)
    return loglik, Fma, Fb, fa, fb, q, R


def _limits(thr: np.ndarray, y: np.ndarray, K: int):
    """Each row's upper and lower threshold (``+inf`` / ``-inf`` at the ends) from per-row
    thresholds ``thr`` (m, K-1)."""
    m = thr.shape[0]
    ext = np.empty((m, K + 1))
    ext[:, 0] = -np.inf
    ext[:, K] = np.inf
    ext[:, 1:K] = thr
    rows = np.arange(m)
    return ext[rows, y + 1], ext[rows, y]


def _sym(h: np.ndarray) -> np.ndarray:
    return np.triu(h) + np.triu(h, 1).T


def _split(theta: np.ndarray, p: int, K: int):
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (p + K - 1,):
        raise ValueError(f"theta has shape {theta.shape}; expected (p + K - 1,) = ({p + K - 1},)")
    return theta[:p], theta[p:]


def ordinal_pieces(
    X: np.ndarray,
    y: np.ndarray,
    theta: np.ndarray,
    weights: np.ndarray | None = None,
    need_hessian: bool = True,
    block_rows: int = BLOCK_ROWS,
    K: int | None = None,
) -> tuple[float, np.ndarray | None, np.ndarray | None]:
    """One blocked pass over ``X``: log-likelihood, score (p + K - 1,) and observed information.

    Parameters
    ----------
    X : (n, p) float64 design WITHOUT an intercept column.
    y : (n,) integer level codes 0..K-1 in category order.
    theta : ``[beta (p), zeta (K-1)]``.
    weights : optional (n,) frequency/prior weights.
    need_hessian : when False the information is None.
    K : number of levels; by default ``len(theta) - p + 1``.

    When ``zeta`` is not strictly increasing some category has probability <= 0: the
    log-likelihood is then ``-inf`` and score and information are None (a line search rejects
    the step).
    """
    X = np.asarray(X, dtype=float)
    n, p = X.shape
    theta = np.asarray(theta, dtype=float)
    if K is None:
        K = theta.size - p + 1
    beta, zeta = _split(theta, p, K)
    if K > 2 and not np.all(np.diff(zeta) > 0):
        return -np.inf, None, None
    y = _codes(y, n, K)
    J = K - 1
    ll = 0.0
    score = np.zeros(p + J)
    info = np.zeros((p + J, p + J)) if need_hessian else None
    hbb = np.zeros((p, p), order="F") if need_hessian else None
    block_rows = max(1, min(block_rows, n)) if n else 1
    buf = np.empty((block_rows, p)) if need_hessian else None
    zext = np.r_[-np.inf, zeta, np.inf]
    lower_of = np.arange(J)[:, None]      # rows with y == j have zeta_j as upper limit
    upper_of = np.arange(1, K)[:, None]   # rows with y == j + 1 have zeta_j as lower limit
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        X_b = X[start:stop]
        y_b = y[start:stop]
        m = stop - start
        xb = X_b @ beta
        upper, lower = zext[y_b + 1], zext[y_b]
        a = upper - xb
        b = lower - xb
        lt, Fma, Fb, fa, fb, q, R = _row_terms(a, b, upper - lower)
        w_b = None if weights is None else weights[start:stop]
        if w_b is not None:
            lt *= w_b
            for v in (Fma, Fb, fa, fb, q, R):
                v *= w_b
        ll += float(lt.sum())
        is_up = y_b == lower_of     # (J, m): zeta_j is this row's upper limit
        is_lo = y_b == upper_of     # (J, m): zeta_j is this row's lower limit
        # rhs[0] gives the beta score, rhs[1 + j] the beta-zeta_j information.
        rhs = np.empty((1 + J, m)) if need_hessian else np.empty((1, m))
        np.subtract(Fma, Fb, out=rhs[0])
        score[p:] += (is_up * (Fma + q)).sum(axis=1) - (is_lo * (Fb + q)).sum(axis=1)
        if need_hessian:
            np.multiply(is_up, fa, out=rhs[1:])
            rhs[1:] += is_lo * fb
            np.negative(rhs[1:], out=rhs[1:])
            d = (is_up * (fa + R)).sum(axis=1) + (is_lo * (fb + R)).sum(axis=1)
            # -R couples zeta_{y-1} and zeta_y: rows in a middle category.
            off = (is_lo[:-1] * R).sum(axis=1)
            zz = info[p:, p:]
            zz[np.diag_indices(J)] += d
            idx = np.arange(J - 1)
            zz[idx, idx + 1] -= off
            zz[idx + 1, idx] -= off
            v = np.sqrt(fa + fb)
            Xs = buf[:m]
            np.multiply(X_b.T, v, out=Xs.T)
            hbb = dsyrk(1.0, Xs.T, beta=1.0, c=hbb, trans=0, lower=0, overwrite_c=1)
        # one gemv per row of rhs: OpenBLAS's threaded gemm on this thin shape stalls on a busy
        # machine (see multinomial_kernel._gemv_note)
        score[:p] -= X_b.T @ rhs[0]
        if need_hessian:
            for j in range(J):
                info[p + j, :p] += X_b.T @ rhs[1 + j]
    if need_hessian:
        info[:p, :p] = _sym(hbb)
        info[:p, p:] = info[p:, :p].T
    return ll, score, info


def ordinal_probabilities(X: np.ndarray, theta: np.ndarray, K: int) -> np.ndarray:
    """Category probabilities (n, K) in category order; rows sum to 1 (to rounding).

    ``P(Y = k) = F(a) F(-b) (1 - exp(-(zeta_k - zeta_{k-1})))`` with ``a = zeta_k - x'beta``,
    ``b = zeta_{k-1} - x'beta``: no subtraction of probabilities, so accurate in both tails.
    Thresholds that are not strictly increasing are refused with ValueError.
    """
    X = np.asarray(X, dtype=float)
    n, p = X.shape
    beta, zeta = _split(theta, p, K)
    if K > 2 and not np.all(np.diff(zeta) > 0):
        raise ValueError("thresholds zeta must be strictly increasing")
    return _probabilities(X @ beta, np.broadcast_to(zeta, (n, K - 1)), K)


def _probabilities(xb: np.ndarray, thresholds: np.ndarray, K: int) -> np.ndarray:
    n = xb.shape[0]
    ext = np.empty((n, K + 1))
    ext[:, 0] = -np.inf
    ext[:, K] = np.inf
    ext[:, 1:K] = thresholds
    gap = np.diff(ext, axis=1)  # inf at the ends
    ext[:, 1:K] -= xb[:, None]
    Fa, _, _ = _cdf_and_density(ext[:, 1:])
    _, Fmb, _ = _cdf_and_density(ext[:, :-1])
    return Fa * Fmb * -np.expm1(-gap)


def ordinal_start(y: np.ndarray, K: int, weights: np.ndarray | None = None, p: int = 0) -> np.ndarray:
    """Starting values ``theta0 = [beta = 0 (p), zeta (K-1)]`` with ``zeta_j`` the logit of the
    (weighted) cumulative proportion of levels ``<= j`` (the MLE when beta = 0).

    ``p`` is the number of columns of X (0 returns the thresholds alone). A level with no rows
    (or zero total weight) would make two thresholds equal: ResponseError naming the level code.
    """
    y = np.asarray(y)
    counts = np.bincount(y, weights=weights, minlength=K)[:K].astype(float)
    empty = np.flatnonzero(counts <= 0)
    if empty.size:
        raise ResponseError(
            f"response level code(s) {empty.tolist()} have no rows (or zero total weight); "
            "every level of an ordinal response needs observations: drop the empty level(s) or merge them"
        )
    below = np.cumsum(counts)[:-1]
    above = np.cumsum(counts[::-1])[::-1][1:]  # sums of positives: no cancellation
    return np.r_[np.zeros(p), np.log(below) - np.log(above)]


def _nominal_split(X: np.ndarray, nominal, p: int):
    nominal = [int(c) for c in nominal]
    if len(set(nominal)) != len(nominal) or any(c < 0 or c >= p for c in nominal):
        raise ValueError(f"nominal must list distinct column indices of X in 0..{p - 1}; got {nominal}")
    other = [c for c in range(p) if c not in set(nominal)]
    return nominal, other


def ordinal_nominal_pieces(
    X: np.ndarray,
    y: np.ndarray,
    theta: np.ndarray,
    nominal,
    weights: np.ndarray | None = None,
    need_hessian: bool = True,
    block_rows: int = BLOCK_ROWS,
    K: int | None = None,
) -> tuple[float, np.ndarray | None, np.ndarray | None]:
    """Partial proportional odds (``clm(..., nominal = ~ z)``): loglik, score, observed information.

    ``nominal`` lists the column indices of ``X`` (no intercept column) whose effects vary by
    threshold; the others (``other``, in X's order) keep one coefficient each. With ``z`` the
    nominal columns (in the order given), ``Z = [1, z]`` (q + 1 columns) and ``x_o`` the others,

        logit P(Y <= j | x) = zeta_j + z' g_j - x_o' beta,

    the sign clm uses by default (``sign.nominal = "positive"``). Layout of ``theta``:

        theta = [beta (p - q), A.ravel()],  A = (q + 1, K - 1) matrix, row 0 = zeta,
                row 1 + r = per-threshold coefficients of column nominal[r],

    i.e. term-major as clm's ``alpha`` (``"Low|Medium.(Intercept)", "Medium|High.(Intercept)",
    "Low|Medium.InflMedium", ...``). With ``nominal = []`` this is :func:`ordinal_pieces` with
    ``theta = [beta, zeta]``. The derivatives are those of the module docstring with the thresholds
    varying by row (``a = Z A[:, y] - x_o' beta``). When an observed category gets a probability
    <= 0 (the row's thresholds cross), the log-likelihood is ``-inf`` and score and information
    are None.
    """
    X = np.asarray(X, dtype=float)
    n, p = X.shape
    nominal, other = _nominal_split(X, nominal, p)
    q, po = len(nominal), len(other)
    theta = np.asarray(theta, dtype=float)
    if K is None:
        K = (theta.size - po) // (q + 1) + 1
    J = K - 1
    if theta.shape != (po + (q + 1) * J,):
        raise ValueError(f"theta has shape {theta.shape}; expected ({po + (q + 1) * J},) for "
                         f"{po} ordinary columns, {q} nominal columns and K={K}")
    beta = theta[:po]
    A = theta[po:].reshape(q + 1, J)
    y = _codes(y, n, K)
    nz = (q + 1) * J
    ll = 0.0
    s_beta = np.zeros(po)
    s_A = np.zeros((q + 1, J))
    I_bb = np.zeros((po, po))
    I_bA = np.zeros((po, J * (q + 1)))     # columns threshold-major: j * (q + 1) + r
    I_AA = np.zeros((q + 1, (2 * J - 1) * (q + 1)))  # diag blocks j, then off-diagonal blocks (j, j+1)
    block_rows = max(1, min(block_rows, n)) if n else 1
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        X_b = X[start:stop]
        y_b = y[start:stop]
        m = stop - start
        Xo = X_b[:, other]
        Z = np.empty((m, q + 1))
        Z[:, 0] = 1.0
        Z[:, 1:] = X_b[:, nominal]
        xb = Xo @ beta
        thr = Z @ A
        upper, lower = _limits(thr, y_b, K)
        with np.errstate(invalid="ignore"):
            c = upper - lower
        if not np.all(c > 0):
            return -np.inf, None, None
        lt, Fma, Fb, fa, fb, qq, R = _row_terms(upper - xb, lower - xb, c)
        w_b = np.ones(m) if weights is None else weights[start:stop]
        ll += float(w_b @ lt)
        up = np.flatnonzero(y_b < J)
        lo = np.flatnonzero(y_b > 0)
        s_beta -= Xo.T @ (w_b * (Fma - Fb))
        Cs = np.zeros((m, J))
        Cs[up, y_b[up]] += (w_b * (Fma + qq))[up]
        Cs[lo, y_b[lo] - 1] -= (w_b * (Fb + qq))[lo]
        s_A += Z.T @ Cs
        if not need_hessian:
            continue
        v = w_b * (fa + fb)
        I_bb += Xo.T @ (Xo * v[:, None])
        Cb = np.zeros((m, J))
        Cb[up, y_b[up]] -= (w_b * fa)[up]
        Cb[lo, y_b[lo] - 1] -= (w_b * fb)[lo]
        I_bA += Xo.T @ (Z[:, None, :] * Cb[:, :, None]).reshape(m, J * (q + 1))
        Cd = np.zeros((m, 2 * J - 1))
        Cd[up, y_b[up]] += (w_b * (fa + R))[up]
        Cd[lo, y_b[lo] - 1] += (w_b * (fb + R))[lo]
        mid = np.flatnonzero((y_b > 0) & (y_b < J))
        Cd[mid, J + y_b[mid] - 1] -= (w_b * R)[mid]
        I_AA += Z.T @ (Z[:, None, :] * Cd[:, :, None]).reshape(m, (2 * J - 1) * (q + 1))
    score = np.r_[s_beta, s_A.ravel()]
    if not need_hessian:
        return ll, score, None
    # alpha index of (threshold j, nominal row r) in theta's term-major layout
    def pos(j: int) -> np.ndarray:
        return po + np.arange(q + 1) * J + j

    info = np.zeros((po + nz, po + nz))
    info[:po, :po] = I_bb
    for j in range(J):
        cols = pos(j)
        blk = I_bA[:, j * (q + 1):(j + 1) * (q + 1)]
        info[:po, cols] = blk
        info[cols, :po] = blk.T
        info[np.ix_(cols, cols)] = I_AA[:, j * (q + 1):(j + 1) * (q + 1)]
        if j + 1 < J:
            off = I_AA[:, (J + j) * (q + 1):(J + j + 1) * (q + 1)]
            info[np.ix_(cols, pos(j + 1))] = off
            info[np.ix_(pos(j + 1), cols)] = off.T
    return ll, score, 0.5 * (info + info.T)
