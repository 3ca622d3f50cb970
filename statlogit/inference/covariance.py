"""Covariance of the coefficients: model-based, heteroskedasticity-robust (HC0-HC3), cluster.

All robust forms are sandwiches ``V = B M B`` with the bread ``B = (X'WX)^-1`` (the
model-based covariance, ``W = diag(w_i p_i (1 - p_i))``) and a meat built from the score
contributions ``u_i = w_i (y_i - p_i) x_i``. Definitions are R sandwich's (Zeileis 2004, 2006;
Zeileis, Koell & Graham 2020):

- ``vcovHC``: ``M = sum_i w_i omega_i x_i x_i'`` with ``omega_i = r_i^2`` (HC0),
  ``r_i^2 n / (n - k)`` (HC1), ``r_i^2 / (1 - h_i)`` (HC2), ``r_i^2 / (1 - h_i)^2`` (HC3),
  ``r_i = y_i - p_i`` and ``h_i = p_i (1 - p_i) x_i' B x_i`` (the glm hat values).
- ``vcovCL`` (cluster): ``M = G/(G-1) sum_g s_g s_g'`` with ``s_g = sum_{i in g} u_i`` (cadjust),
  times ``(n - 1)/(n - k)`` for its default type HC1.

Prior weights are frequency weights: ``w_i`` copies of row i (so ``n`` is the sum of the
weights and each copy has hat value ``h_i``); the result equals the same estimator on the
expanded data. Without weights every formula is exactly R's.
"""

from __future__ import annotations

import numpy as np

from ..config import COV_TYPES
from ..exceptions import DataError, OptionError, StatlogitWarning, warn

#: Names shown in tables and sentences.
COV_LABELS = {
    "nonrobust": "model-based covariance (inverse information)",
    "HC0": "robust covariance HC0 (sandwich::vcovHC)",
    "HC1": "robust covariance HC1 (sandwich::vcovHC)",
    "HC2": "robust covariance HC2 (sandwich::vcovHC)",
    "HC3": "robust covariance HC3 (sandwich::vcovHC)",
    "cluster": "cluster-robust covariance (sandwich::vcovCL, HC1)",
}
#: Fewer clusters than this: the cluster-robust covariance is known to be biased downwards.
FEW_CLUSTERS = 20
_BLOCK = 8192


class FewClustersWarning(StatlogitWarning):
    """Cluster-robust standard errors rest on few clusters and tend to be too small."""


def check_cov_type(cov_type) -> str:
    if cov_type not in COV_TYPES:
        raise OptionError(
            f"cov_type={cov_type!r} is not valid; choose one of {', '.join(map(repr, COV_TYPES))}"
        )
    return cov_type


def cov_label(cov_type: str, n_groups: int | None = None) -> str:
    label = COV_LABELS[cov_type]
    if cov_type == "cluster" and n_groups is not None:
        label = label[:-1] + f"; {n_groups} clusters)"
    return label


# --------------------------------------------------------------------------- groups


def resolve_groups(groups, model) -> np.ndarray:
    """Cluster labels for the rows used in the fit, as integer codes 0..G-1.

    ``groups`` is a column name of the data the model was built from, or an array/Series with
    one value per data row (before missing rows were dropped) or per row used. A Series of
    another length is aligned by row label.
    """
    import pandas as pd

    d = model.design
    n = d.nobs
    data = getattr(model, "data", None)
    what = "groups"
    if isinstance(groups, str):
        if data is None:
            raise DataError(
                f"groups={groups!r} names a column, but this model was not built from a DataFrame; "
                "pass an array with one value per row instead"
            )
        if groups not in data.columns:
            from ..response import values_text

            raise DataError(
                f"groups={groups!r} is not a column of the data; columns are "
                f"{values_text(list(map(str, data.columns)), 12)}"
            )
        what = f"groups column {groups!r}"
        values = _used_rows(data[groups], d)
    else:
        if isinstance(groups, pd.Series) and len(groups) not in (n, n + d.n_dropped):
            try:
                values = groups.loc[d.row_labels]
            except KeyError as exc:
                raise DataError(f"groups lacks some of the rows used in the fit ({exc})") from exc
        else:
            arr = groups.to_numpy() if isinstance(groups, pd.Series) else np.asarray(groups)
            if arr.ndim != 1:
                raise DataError(f"groups must be one-dimensional (one value per row); got shape {arr.shape}")
            if len(arr) == n:
                values = pd.Series(arr)
            elif len(arr) == n + d.n_dropped and d.n_dropped:
                values = _used_rows(pd.Series(arr), d)
            else:
                raise DataError(
                    f"groups has {len(arr)} values but the model uses {n} rows"
                    + (f" (of {n + d.n_dropped} in the data)" if d.n_dropped else "")
                    + "; pass one value per row or a column name"
                )
    values = pd.Series(np.asarray(values, dtype=object) if not isinstance(values, pd.Series) else values)
    missing = int(values.isna().sum())
    if missing:
        raise DataError(
            f"{what} has {missing} missing value(s) among the {n} rows used; fill them or drop those rows "
            "before fitting"
        )
    try:
        codes, _ = pd.factorize(values, sort=True)
    except TypeError:  # labels of mixed types (numbers and text) cannot be sorted; order is irrelevant
        codes, _ = pd.factorize(values, sort=False)
    return codes.astype(np.intp)


def _used_rows(values, design):
    """The entries of a full-length column that belong to the rows used in the fit."""
    pos = getattr(design, "row_positions", None)
    if pos is not None:
        return values.iloc[pos].reset_index(drop=True)
    if len(values) == design.nobs:
        return values.reset_index(drop=True)
    try:
        return values.loc[design.row_labels].reset_index(drop=True)
    except (KeyError, ValueError) as exc:
        raise DataError(f"cannot align groups with the rows used in the fit ({exc})") from exc


# --------------------------------------------------------------------------- sandwiches


def sandwich(X, y, p, bread, cov_type: str, *, weights=None, groups=None, column_scale=None,
             cluster_type: str = "HC1") -> np.ndarray:
    """``B M B`` for ``cov_type`` in HC0..HC3 or cluster (see the module docstring).

    ``bread`` is the model-based covariance for the columns ``X / column_scale`` (the
    solver's scaling; None: no scaling); the result is on the same scale. ``cluster_type``
    ("HC0" or "HC1") picks vcovCL's type. Works over X in row blocks; no copy of X.
    """
    n_rows, k = X.shape
    w = np.ones(n_rows) if weights is None else weights
    n = float(w.sum())
    if n <= k and (cov_type == "HC1" or (cov_type == "cluster" and cluster_type == "HC1")):
        raise DataError(f"{cov_type} scales by (n-1)/(n-k) or n/(n-k) and needs more rows ({n:g}) than "
                        f"coefficients ({k}); use HC0 or fewer predictors")
    if cov_type in ("HC0", "HC1", "HC2", "HC3"):
        meat = np.zeros((k, k))
        for s in range(0, n_rows, _BLOCK):
            Xb = X[s : s + _BLOCK]
            if column_scale is not None:
                Xb = Xb / column_scale
            pb = p[s : s + _BLOCK]
            omega = w[s : s + _BLOCK] * (y[s : s + _BLOCK] - pb) ** 2
            if cov_type in ("HC2", "HC3"):
                h = pb * (1.0 - pb) * np.einsum("ij,ij->i", Xb @ bread, Xb)
                with np.errstate(divide="ignore", invalid="ignore"):
                    # a row with leverage 1 makes HC2/HC3 infinite, as in R (sandwich gives Inf/NaN)
                    omega = omega / (1.0 - h) ** (1 if cov_type == "HC2" else 2)
            meat += Xb.T @ (Xb * omega[:, None])
        if cov_type == "HC1":
            meat *= n / (n - k)
    elif cov_type == "cluster":
        codes = groups
        G = int(codes.max()) + 1
        scores = np.zeros((G, k))
        for s in range(0, n_rows, _BLOCK):
            Xb = X[s : s + _BLOCK]
            if column_scale is not None:
                Xb = Xb / column_scale
            u = w[s : s + _BLOCK] * (y[s : s + _BLOCK] - p[s : s + _BLOCK])
            cb = codes[s : s + _BLOCK]
            Z = Xb * u[:, None]
            for j in range(k):
                scores[:, j] += np.bincount(cb, weights=Z[:, j], minlength=G)
        meat = scores.T @ scores * (G / (G - 1))
        if cluster_type == "HC1":
            meat *= (n - 1) / (n - k)
    else:
        raise OptionError(f"internal: no sandwich for cov_type={cov_type!r}")
    if not np.all(np.isfinite(meat)):
        return np.full((k, k), np.inf)  # leverage 1 under HC2/HC3: no finite estimate
    V = bread @ meat @ bread
    return (V + V.T) / 2


def check_clusters(codes: np.ndarray, what: str = "groups") -> int:
    """Number of clusters; an error below 2, a warning below :data:`FEW_CLUSTERS`."""
    G = int(codes.max()) + 1 if codes.size else 0
    if G < 2:
        raise DataError(
            f"{what} has {G} distinct value(s) among the rows used; cluster-robust standard errors need "
            "at least 2 clusters (and 20 or more to be trustworthy)"
        )
    if G < FEW_CLUSTERS:
        warn(
            f"cluster-robust standard errors rest on only {G} clusters (fewer than {FEW_CLUSTERS}); they tend "
            "to be too small. Treat their p-values with caution, or model the clusters (e.g. as a factor)",
            FewClustersWarning,
        )
    return G


def robust_cov_scaled(res, cov_type: str, groups=None) -> np.ndarray:
    """The ``cov_type`` covariance of ``res`` on the solver's column scale (see results)."""
    bread = res._cov_model_scaled
    if cov_type == "nonrobust" or not np.all(np.isfinite(bread)):
        return bread
    d = res.design
    return sandwich(d.X, d.y, res._fitted, bread, cov_type, weights=res.model.weights, groups=groups,
                    column_scale=res.fit_info.column_scale)
