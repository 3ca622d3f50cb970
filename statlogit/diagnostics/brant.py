"""Brant (1990) Wald test of the proportional-odds assumption of a cumulative-logit model.

For an ordinal response with K levels (codes 0..K-1), fit the K-1 binary logits of
``1{Y > j}``, j = 0..K-2, on the same design ``X1 = [1, X]`` (frequency weights if any).
With ``pi_j`` the fitted ``P(Y > j)`` of fit j and ``A_j = X1' diag(w pi_j (1 - pi_j)) X1``,
the estimates have the joint covariance (Brant 1990, eq. 3; as the R package brant computes it)

    Var(b_j)      = A_j^-1
    Cov(b_m, b_l) = A_m^-1 X1' diag(w (pi_l - pi_m pi_l)) X1 A_l^-1,     m < l.

Dropping the intercepts, the proportional-odds hypothesis says the slopes are equal across
splits. With ``D`` stacking ``b_0 - b_j`` (j = 1..K-2) for the columns tested,

    X2 = (D b)' (D V D')^-1 (D b),   df = (K - 2) x (number of columns tested),

referred to chi-square. The table has one row per coefficient, one per formula term (its
columns jointly) and the omnibus row (all columns).

A binary split whose data are separated has no finite estimates; then no row can be computed
and every row carries that reason in ``note`` (statistic and p are NaN only together with a
note).

Reference: Brant R (1990), Assessing proportionality in the proportional odds model for ordinal
logistic regression, *Biometrics* 46:1171-1178. Schlegel B, Steenbergen M, brant (R package).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..exceptions import DiagnosticError

COLUMNS = ["statistic", "df", "p", "note"]


def _columns_of(spec, p: int) -> list[int]:
    if isinstance(spec, slice):
        return list(range(p))[spec]
    return [int(c) for c in spec]


def _split_fits(X1, y, K, weights, names, levels):
    """Binary fits of 1{Y > j}: (coefficients (K-1, p+1), fitted pi (K-1, n), information list, reason)."""
    from ..solvers.newton import SingularInformation, fit_newton
    from .separation import detect_separation

    coefs, fitted, infos, reasons = [], [], [], []
    for j in range(K - 1):
        z = (y > j).astype(float)
        label = f"Y > {levels[j]}"
        try:
            fit = fit_newton(X1, z, weights=weights, intercept_index=0)
            ok = fit.converged and bool(np.all(np.isfinite(fit.params)))
        except SingularInformation:
            ok = False
        if ok:
            eta = X1 @ fit.params
            ok = bool(np.max(np.abs(eta)) < 30.0)
        if not ok:
            sep = detect_separation(X1, z, ["(Intercept)", *names], intercept_index=0, weights=weights)
            if sep.separated:
                by = ", ".join(sep.predictors) or "the intercept"
                reasons.append(f"the binary split {label} is {sep.status}ly separated by {by}")
            else:
                reasons.append(f"the binary logit of {label} did not converge to a finite estimate")
            continue
        coefs.append(fit.params)
        fitted.append(1.0 / (1.0 + np.exp(-eta)))
        infos.append(fit.information)  # A_j = X1' diag(w pi_j (1 - pi_j)) X1 at the estimate
    if reasons:
        return None, None, None, "; ".join(reasons) + " (the Brant test needs finite estimates for every split)"
    return np.array(coefs), np.array(fitted), infos, ""


def _weighted_gram(X1: np.ndarray, v: np.ndarray, block_rows: int = 8192) -> np.ndarray:
    """``X1' diag(v) X1`` for ``v >= 0``, by syrk on ``sqrt(v) X1`` in row blocks."""
    from scipy.linalg.blas import dsyrk

    n, q = X1.shape
    out = np.zeros((q, q), order="F")
    for start in range(0, n, block_rows):
        sl = slice(start, min(start + block_rows, n))
        Xs = np.ascontiguousarray(X1[sl] * np.sqrt(v[sl])[:, None])
        out = dsyrk(1.0, Xs.T, beta=1.0, c=out, trans=0, lower=0, overwrite_c=1)
    return np.triu(out) + np.triu(out, 1).T


def _joint_covariance(X1, pi, infos, weights):
    """Brant's covariance of the stacked split estimates, ((K-1)(p+1))^2."""
    J, n = pi.shape
    q = X1.shape[1]
    w = np.ones(n) if weights is None else weights
    inv = [np.linalg.inv(A) for A in infos]
    V = np.zeros((J * q, J * q))
    for m in range(J):
        V[m * q:(m + 1) * q, m * q:(m + 1) * q] = inv[m]
        for lv in range(m + 1, J):
            # pi_l - pi_m pi_l = pi_l (1 - pi_m) >= 0
            mid = _weighted_gram(X1, w * pi[lv] * (1.0 - pi[m]))
            blk = inv[m] @ mid @ inv[lv]
            V[m * q:(m + 1) * q, lv * q:(lv + 1) * q] = blk
            V[lv * q:(lv + 1) * q, m * q:(m + 1) * q] = blk.T
    return V


def _wald(b, V, cols, J, q):
    """X2 and df for equality across splits of the slopes in ``cols`` (indices into X, not X1)."""
    from scipy.stats import chi2

    k = len(cols)
    D = np.zeros(((J - 1) * k, J * q))
    for r, j in enumerate(range(1, J)):
        for i, c in enumerate(cols):
            D[r * k + i, c + 1] = 1.0          # b_0 (skip the intercept column)
            D[r * k + i, j * q + c + 1] = -1.0  # minus b_j
    d = D @ b
    S = D @ V @ D.T
    try:
        stat = float(d @ np.linalg.solve(S, d))
    except np.linalg.LinAlgError:
        return np.nan, D.shape[0], np.nan, "the covariance of the slope differences is singular"
    if not np.isfinite(stat) or stat < 0:
        return np.nan, D.shape[0], np.nan, "the covariance of the slope differences is not positive definite"
    df = D.shape[0]
    return stat, df, float(chi2.sf(stat, df)), ""


def brant_test(
    X: np.ndarray,
    y: np.ndarray,
    names: list[str],
    term_slices: Mapping[str, slice | list[int]],
    weights: np.ndarray | None = None,
    levels: list[str] | None = None,
) -> pd.DataFrame:
    """Brant's Wald test of proportional odds: per coefficient, per term and omnibus.

    Parameters
    ----------
    X : (n, p) design WITHOUT an intercept column (the ordinal model's X).
    y : (n,) ordered level codes 0..K-1.
    names : the p column names of X.
    term_slices : formula term -> the columns of X it owns (a slice or a list of indices).
    weights : optional frequency weights.
    levels : the response levels in order, for the notes (``"Y > Low"``); default the codes.

    Returns a DataFrame indexed by ``(kind, name)`` with kind ``"omnibus"`` (one row, name
    ``"omnibus"``), ``"term"`` (in the order of ``term_slices``) and ``"coefficient"`` (in the
    order of ``names``); columns ``statistic`` (X2), ``df``, ``p`` and ``note`` (empty, or why
    the row could not be computed; then statistic and p are NaN).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    n, p = X.shape
    if len(names) != p:
        raise DiagnosticError(f"brant_test: {len(names)} names for {p} columns of X")
    K = len(levels) if levels is not None else (int(y.max()) + 1 if n else 0)
    if K < 3:
        raise DiagnosticError(
            f"the Brant test compares the K-1 binary splits of an ordinal response and needs at least 3 levels; "
            f"the response has {K}"
        )
    X1 = np.column_stack([np.ones(n), X])
    index = [("omnibus", "omnibus")]
    groups = [list(range(p))]
    for term, spec in term_slices.items():
        index.append(("term", term))
        groups.append(_columns_of(spec, p))
    for c, name in enumerate(names):
        index.append(("coefficient", name))
        groups.append([c])
    idx = pd.MultiIndex.from_tuples(index, names=["kind", "name"])
    J = K - 1
    levels = [str(v) for v in (range(K) if levels is None else levels)]  # for the notes
    b, pi, infos, why = _split_fits(X1, y, K, weights, list(names), levels)
    if b is None:
        dfs = [(J - 1) * len(g) for g in groups]
        return pd.DataFrame({"statistic": np.nan, "df": dfs, "p": np.nan, "note": why}, index=idx)[COLUMNS]
    V = _joint_covariance(X1, pi, infos, weights)
    rows = [_wald(b.ravel(), V, g, J, p + 1) for g in groups]
    out = pd.DataFrame(rows, columns=COLUMNS, index=idx)
    out["df"] = out["df"].astype(int)
    return out
