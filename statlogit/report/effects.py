"""Typical values of the predictors and the data grid behind ``res.plot_effect``.

The predicted-probability curve for one predictor holds every other predictor at a
typical value: the median for a numeric variable, the most frequent level for a factor
(ties: the first level in the model's order). Values come from ``data`` when the caller
passes it (rows the model used only), otherwise they are recovered from the design
matrix: a plain numeric main effect is its own column, and a factor's level in each row
is the row of its contrast matrix that the row's design columns match. A variable that
enters only through a transform (``np.log(mass)``) cannot be recovered that way; then
the caller is asked for ``data=``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..exceptions import OptionError


def continuous_predictors(res) -> list[str]:
    """Plain numeric main effects with more than two distinct values, in model order."""
    from ..diagnostics.linearity import _distinct_counts

    def compute():
        terms = [t for t in res.design.terms if t.kind == "numeric" and t.variable is not None]
        if not terms:
            return []
        counts = _distinct_counts(res.design.X)[[t.columns[0] for t in terms]]  # O(n), no sort
        return [t.variable for t, k in zip(terms, counts) if k > 2]

    cache = getattr(res, "_diagnostic_cache", None)
    return list(compute() if cache is None else cache(("continuous_predictors",), compute))


def _mentions(code: str, column: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(column)}(?![\w])", code) is not None


def _factor_levels_from_design(res) -> dict[str, tuple[list, np.ndarray]]:
    """``{data column: (levels, level index of each used row)}`` for factor main effects."""
    d = res.design
    info = d.design_info
    out: dict[str, tuple[list, np.ndarray]] = {}
    if info is None:
        return out
    predictors = list(d.predictor_columns)
    for term, codings in info.term_codings.items():
        if len(term.factors) != 1 or len(codings) != 1:
            continue
        factor = term.factors[0]
        finfo = info.factor_infos[factor]
        if finfo.type != "categorical":
            continue
        cols = [c for c in predictors if _mentions(factor.code, c)]
        if len(cols) != 1:
            continue
        contrast = codings[0].contrast_matrices[factor].matrix  # (levels, k)
        sl = info.term_slices[term]
        Xs = d.X[:, sl]
        if contrast.shape[1] != Xs.shape[1]:
            continue
        # Nearest contrast row for every design row: an (n, levels) table, never n-by-n.
        dist = ((Xs[:, None, :] - contrast[None, :, :]) ** 2).sum(axis=2)
        out[cols[0]] = (list(finfo.categories), dist.argmin(axis=1))
    return out


def _categorical_columns(res) -> set[str]:
    """Data columns that enter the model as a factor (a text column, or ``C(year)``)."""
    d = res.design
    info = d.design_info
    if info is None:
        return set()
    return {c for factor, finfo in info.factor_infos.items() if finfo.type == "categorical"
            for c in d.predictor_columns if _mentions(factor.code, c)}


def _mode(values: pd.Series):
    counts = values.value_counts(sort=False)
    return counts.index[int(np.argmax(counts.to_numpy()))]


def typical_values(res, data: pd.DataFrame | None = None) -> dict:
    """Median of each numeric predictor and most frequent level of each factor.

    Raises :class:`OptionError` naming the variable when it cannot be recovered without
    ``data``.
    """
    d = res.design
    predictors = list(d.predictor_columns)
    out: dict = {}
    if data is not None:
        used = data.loc[d.row_labels]
        factors = _categorical_columns(res)
        for c in predictors:
            col = used[c]
            if c in factors:  # a numeric column used as a factor (C(year)): its most frequent level
                out[c] = _mode(col)
            elif pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
                out[c] = float(np.median(col.to_numpy(dtype=float)))
            else:
                out[c] = _mode(col)
        return out
    plain = {t.variable: t.columns[0] for t in d.terms if t.kind == "numeric" and t.variable is not None}
    factors = _factor_levels_from_design(res)
    for c in predictors:
        if c in plain:
            out[c] = float(np.median(d.X[:, plain[c]]))
        elif c in factors:
            levels, idx = factors[c]
            out[c] = levels[int(np.argmax(np.bincount(idx, minlength=len(levels))))]
        else:
            raise OptionError(
                f"the typical value of {c!r} cannot be recovered from the design (it enters the "
                "model only through a transform or an interaction); pass data=<the DataFrame "
                "the model was fitted on>"
            )
    return out


def predictor_values(res, predictor: str, data: pd.DataFrame | None = None) -> np.ndarray:
    """Observed values of ``predictor`` on the rows used in the fit."""
    d = res.design
    if data is not None:
        if predictor not in data.columns:
            raise OptionError(f"predictor {predictor!r} is not a column of data")
        return data.loc[d.row_labels, predictor].to_numpy(dtype=float)
    for t in d.terms:
        if t.kind == "numeric" and t.variable == predictor:
            return d.X[:, t.columns[0]]
    choices = ", ".join(repr(c) for c in continuous_predictors(res)) or "none"
    raise OptionError(
        f"predictor {predictor!r} is not a plain numeric main effect of the model (choose one of "
        f"{choices}), or pass data= so its values can be read from the data"
    )


def effect_grid(res, predictor: str, data: pd.DataFrame | None = None, n_points: int = 200,
                at: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """A DataFrame that varies ``predictor`` over its observed range, others held typical."""
    d = res.design
    if predictor == d.response_name or (predictor in d.data_columns and predictor not in d.predictor_columns):
        raise OptionError(f"{predictor!r} is the response ({d.response_name}); choose a predictor")
    x = predictor_values(res, predictor, data)
    held = {k: v for k, v in typical_values(res, data).items() if k != predictor}
    for k, v in (at or {}).items():
        if k not in held:
            raise OptionError(f"at={{{k!r}: ...}} names no other predictor of the model; "
                              f"predictors are {', '.join(map(repr, held)) or 'none'}")
        held[k] = v
    grid = np.linspace(float(np.min(x)), float(np.max(x)), int(n_points))
    frame = pd.DataFrame({predictor: grid})
    for k, v in held.items():
        frame[k] = [v] * len(frame)
    return frame, held
