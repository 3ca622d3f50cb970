"""Variance inflation factors: VIF per design column and generalized VIF (GVIF) per term.

For a correlation matrix ``R`` of the predictors (intercept removed) and a term owning the
columns ``S`` (one for a numeric predictor, several for a factor or a spline),

    GVIF_S = det(R_SS) det(R_{-S,-S}) / det(R) = det(R_SS) det((R^-1)_SS)

(Fox & Monette 1992, JASA 87:178-183). For a one-column term this is ``(R^-1)_jj``, the
ordinary VIF ``1 / (1 - R_j^2)``. ``GVIF^(1/(2 df))`` makes terms of different size
comparable (it is on the scale of ``sqrt(VIF)``); ``vif`` below is its square,
``GVIF^(1/df)``, which equals the GVIF for one-column terms.

Two bases:

* ``"design"``: ``R`` is the correlation matrix of the non-intercept design columns (one
  blocked pass over X for the centred cross-products, one inverse): the classical VIF.
* ``"vcov"``: ``R`` is the correlation matrix of the estimated covariance of the
  coefficients without the intercept, as ``car::vif`` computes it for a glm (it accounts
  for the IRLS weights).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..kernel import BLOCK_ROWS
from ._common import DiagnosticError

BASES = ("design", "vcov")


def centred_crossproduct(X: np.ndarray, cols: np.ndarray, scale: np.ndarray | None = None) -> np.ndarray:
    """``(X_c - mean)'(X_c - mean)`` for the columns ``cols`` divided by ``scale`` (so columns
    near 1e+-200 neither overflow nor underflow), in row blocks (two reads of X)."""
    from scipy.linalg.blas import dsyrk

    n = X.shape[0]
    s = np.ones(len(cols)) if scale is None else np.where(scale > 0, scale, 1.0)
    mean = X.mean(axis=0)[cols] / s
    k = len(cols)
    out = np.zeros((k, k))
    for start in range(0, n, BLOCK_ROWS):
        B = X[start:start + BLOCK_ROWS][:, cols] / s - mean
        out += dsyrk(1.0, B.T, trans=0, lower=0)
    return np.triu(out) + np.triu(out, 1).T


def _corr(S: np.ndarray, names: list[str]) -> np.ndarray:
    d = np.sqrt(np.diag(S))
    zero = [names[j] for j in range(len(d)) if not d[j] > 0]
    if zero:
        raise DiagnosticError(f"column(s) {', '.join(zero)} are constant; VIF is undefined for them")
    return S / np.outer(d, d)


def _gvif_table(R: np.ndarray, term_cols: list[tuple[str, list[int]]], names: list[str]) -> pd.DataFrame:
    evals, evecs = np.linalg.eigh(R)
    if evals[0] < 1e-10 * max(evals[-1], 1.0):
        v = evecs[:, 0]
        involved = [names[j] for j in np.flatnonzero(np.abs(v) > 1e-3 * np.abs(v).max())]
        raise DiagnosticError(
            f"the predictors {', '.join(involved)} are exactly collinear once centred (singular "
            "correlation matrix), so their VIF is infinite; in a model without an intercept a "
            "full set of dummy columns does this"
        )
    Rinv = (evecs / evals) @ evecs.T
    rows = []
    for term, cols in term_cols:
        ix = np.ix_(cols, cols)
        g = float(np.linalg.det(R[ix]) * np.linalg.det(Rinv[ix]))
        df = len(cols)
        adj = g ** (1.0 / (2 * df))
        rows.append((term, g, df, adj, adj * adj))
    out = pd.DataFrame(rows, columns=["term", "gvif", "df", "gvif_adj", "vif"]).set_index("term")
    out.index.name = None
    return out


def _terms(design) -> list[tuple[str, list[int]]]:
    icpt = design.intercept_index
    keep = [j for j in range(design.X.shape[1]) if j != icpt]
    pos = {j: k for k, j in enumerate(keep)}
    return [(t.name, [pos[c] for c in t.columns]) for t in design.terms if t.kind != "intercept"], keep


def _need_two(term_cols) -> None:
    if len(term_cols) < 2:
        which = term_cols[0][0] if term_cols else "none"
        raise DiagnosticError(
            f"VIF needs at least two predictor terms; this model has {len(term_cols)} ({which}), "
            "so there is nothing for a term to be collinear with"
        )


_POWER = re.compile(r"^(?:I\(\s*(?P<a>[A-Za-z_]\w*)\s*\*\*\s*[\d.]+\s*\)|"
                    r"(?:np\.|numpy\.)?power\(\s*(?P<b>[A-Za-z_]\w*)\s*,\s*[\d.]+\s*\))$")


def structural_terms(design) -> list[str]:
    """Terms whose collinearity with others is built into the model: interactions, and powers
    of another term's variable (``I(age**2)`` beside ``age``). As ``car::vif`` warns, their VIFs
    (and those of their components) say nothing about redundant predictors; centring the
    variables before forming products or powers lowers them."""
    plain = {t.variable for t in design.terms if t.kind == "numeric" and t.variable}
    out = []
    for t in design.terms:
        if t.kind == "interaction":
            out.append(t.name)
            continue
        m = _POWER.match(t.name.replace(" ", ""))
        if m and (m.group("a") or m.group("b")) in plain:
            out.append(t.name)
    return out


def _without_terms(d, term_cols, keep, exclude):
    """Term column groups and kept design columns once the ``exclude`` terms are left out of the model."""
    if not exclude:
        return term_cols, keep
    drop = {c for t in d.terms if t.name in set(exclude) for c in t.columns}
    keep = [j for j in keep if j not in drop]
    pos = {j: k for k, j in enumerate(keep)}
    return [(t.name, [pos[c] for c in t.columns]) for t in d.terms
            if t.kind != "intercept" and t.name not in set(exclude)], keep


def vif(res, basis: str = "design", exclude=()) -> pd.DataFrame:
    """GVIF per formula term: columns ``gvif``, ``df``, ``gvif_adj`` = GVIF^(1/(2 df)), ``vif`` = GVIF^(1/df).

    ``exclude``: terms left out of the model before the VIFs are computed (e.g.
    :func:`structural_terms`), so the others' VIFs are those of the model without them.
    """
    from ..config import check_choice

    if not hasattr(res.design, "X"):  # rows in Dask partitions: one streamed pass
        from ..backends.dask_diagnostics import vif as dask_vif

        return dask_vif(res, basis, exclude)
    check_choice("basis", basis, BASES)
    d = res.design
    term_cols, keep = _terms(d)
    term_cols, keep = _without_terms(d, term_cols, keep, exclude)
    _need_two(term_cols)
    names = [d.column_names[j] for j in keep]
    # An ordinal model's thresholds take the intercept's place: its centred VIFs are sensible.
    if d.intercept_index is None and getattr(getattr(res, "model", None), "family", "") != "ordinal":
        from ..exceptions import DiagnosticWarning, warn

        warn("the model has no intercept: VIFs from centred columns may not be sensible "
             "(as car::vif warns)", DiagnosticWarning)
    if basis == "design":
        scale = None if d.column_absmax is None else np.asarray(d.column_absmax)[keep]
        R = _corr(centred_crossproduct(d.X, np.asarray(keep), scale), names)
    else:
        from ._common import require_finite_fit

        require_finite_fit(res, "vif(basis='vcov')")
        model_based = res if getattr(res, "cov_type", "nonrobust") == "nonrobust" else res.with_cov("nonrobust")
        V = np.asarray(model_based._cov)[np.ix_(keep, keep)]  # car::vif uses vcov(fit), never a sandwich
        if not np.all(np.isfinite(V)):
            raise DiagnosticError("the covariance matrix of the coefficients is not finite; use basis='design'")
        R = _corr(V, names)
    out = _gvif_table(R, term_cols, names)
    out.attrs["basis"] = basis
    return out


def column_vif(X: np.ndarray, names: list[str], intercept_index: int | None = None) -> pd.Series:
    """VIF of every non-intercept design column: the diagonal of the inverse correlation matrix."""
    keep = [j for j in range(X.shape[1]) if j != intercept_index]
    kn = [names[j] for j in keep]
    if len(keep) < 2:
        raise DiagnosticError("VIF needs at least two predictor columns")
    scale = np.max(np.abs(X[:, keep]), axis=0) if X.shape[0] else None
    R = _corr(centred_crossproduct(X, np.asarray(keep), scale), kn)
    return pd.Series(np.diag(np.linalg.inv(R)), index=kn, name="vif")
