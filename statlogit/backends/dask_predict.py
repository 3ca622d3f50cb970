"""``predict`` on Dask data: a lazy dask Series (or DataFrame with intervals), one value per row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import PredictionError, StatlogitError


def _new_rows(part: pd.DataFrame, spec, label: str) -> np.ndarray:
    import patsy

    from .dask_design import design_info

    info = design_info(spec)
    frame = part.set_axis(pd.RangeIndex(len(part)), axis=0)
    try:
        (X,) = patsy.build_design_matrices([info], frame, NA_action="raise", return_type="matrix")
    except patsy.PatsyError as exc:
        msg = str(exc).splitlines()[0]
        if "missing values" in msg:
            msg = "newdata has missing values in the formula variables; drop or fill those rows"
        elif "observation with value" in msg or "not among" in msg or "Error converting data to categorical" in msg:
            msg = f"newdata has a factor level the model was not fitted with: {msg}"
        raise PredictionError(f"{label}: {msg}") from None
    except NameError as exc:
        raise PredictionError(f"{label}: newdata lacks a column used by the formula: {exc}") from None
    X = np.asarray(X, dtype=float)
    if not np.all(np.isfinite(X)):
        raise PredictionError(f"{label}: newdata has missing or infinite values in the model's columns")
    return X


def _predict_part(part, spec, beta, kind, threshold, z, cov, fitted_rows, labels, partition_info=None):
    from scipy.special import expit

    from .dask_partition import partition_design

    i = None if partition_info is None else partition_info.get("number")
    label = labels[i] if i is not None and i < len(labels) else "a partition"
    try:
        if fitted_rows:
            X, _, index = partition_design(part, spec, return_index=True)
        else:
            X, index = _new_rows(part, spec, label), part.index
    except StatlogitError:
        raise
    except Exception as exc:
        raise PredictionError(f"{label}: {type(exc).__name__}: {exc}") from exc
    eta = X @ beta
    if kind == "class":
        return pd.Series((expit(eta) >= threshold).astype(np.int64), index=index, name="class")
    name = "prob" if kind == "prob" else "logit"
    link = expit if kind == "prob" else (lambda t: t)
    if z is None:
        return pd.Series(link(eta), index=index, name=name)
    se = np.sqrt(np.einsum("ij,ij->i", X @ cov, X)) if np.all(np.isfinite(cov)) else np.full(len(eta), np.inf)
    return pd.DataFrame({name: link(eta), "lower": link(eta - z * se), "upper": link(eta + z * se), "se_logit": se},
                        index=index)


def predict_frame(res, newdata, kind: str, threshold: float, z: float | None):
    """Lazy predictions for the fitted rows (``newdata=None``) or new data."""
    import dask.dataframe as dd

    from .dask_io import open_source

    d = res.design
    if newdata is None:
        frame, fitted_rows, labels = d.frame, True, d.labels
    elif isinstance(newdata, pd.DataFrame):
        frame, fitted_rows, labels = dd.from_pandas(newdata, npartitions=1), False, ("newdata",)
    else:
        source = open_source(newdata, d.formula)
        frame, fitted_rows, labels = source.frame, False, source.labels
    beta = np.asarray(res.fit_info.params, dtype=float)
    name = "prob" if kind == "prob" else "logit" if kind == "logit" else "class"
    if z is None:
        meta = pd.Series(dtype=np.int64 if kind == "class" else float, name=name)
    else:
        meta = pd.DataFrame({name: pd.Series(dtype=float), "lower": pd.Series(dtype=float),
                             "upper": pd.Series(dtype=float), "se_logit": pd.Series(dtype=float)})
    cov = np.asarray(res._cov, dtype=float)
    return frame.map_partitions(_predict_part, d.spec, beta, kind, threshold, z, cov, fitted_rows,
                                tuple(labels), meta=meta, align_dataframes=False)
