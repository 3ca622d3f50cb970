"""Response vector + predictor matrix (arrays or DataFrames) -> :class:`~statlogit.design.Design`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .columns import check_finite, column_extremes
from .design import Design, TermInfo
from .exceptions import DataError
from .response import code_response


def design_from_arrays(y, X, *, intercept: bool = True, missing: str = "drop", event: Any = None,
                       coder=None) -> Design:
    """Build a :class:`Design` from a response vector and a predictor matrix/DataFrame.

    An intercept column named ``Intercept`` is put first unless ``intercept=False``.
    ``coder`` codes the response of another model family (see ``design_from_formula``).
    A float64 X (C or Fortran order) that needs no row dropped is not copied: the design
    keeps a read-only view of it as ``predictors`` and the intercept stays implicit until a
    consumer reads ``design.X``. So changing X after the fit changes what later methods see.
    """
    if isinstance(X, pd.DataFrame):
        if X.columns.duplicated().any():
            raise DataError("X has duplicate column names; rename them")
        names = list(map(str, X.columns))
        index = X.index
        try:
            Xa = X.to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise DataError(
                "X has non-numeric columns; use the formula interface to expand "
                f"categorical variables ({exc})"
            ) from exc
    else:
        try:
            Xa = np.asarray(X, dtype=float)
        except (TypeError, ValueError) as exc:
            raise DataError(
                f"X must be numeric; use the formula interface for categorical variables ({exc})"
            ) from exc
        if Xa.ndim == 1:
            Xa = Xa[:, None]
        if Xa.ndim != 2:
            raise DataError(f"X must be 2-dimensional, got shape {Xa.shape}")
        names = [f"x{j + 1}" for j in range(Xa.shape[1])]
        index = pd.RangeIndex(Xa.shape[0])
    name = "y"
    if isinstance(y, pd.Series) and isinstance(X, pd.DataFrame) and not y.index.equals(X.index):
        raise DataError(
            "y and X have different row labels (or order); align them first, e.g. "
            "y = y.loc[X.index], or pass numpy arrays"
        )
    if isinstance(y, pd.Series):
        name = str(y.name) if y.name is not None else "y"
        ys = y.reset_index(drop=True)
    elif isinstance(y, pd.Categorical):  # keep its categories and order (np.asarray would drop them)
        ys = pd.Series(y, copy=False)
    else:
        ya = np.asarray(y)
        if ya.ndim != 1:
            ya = ya.reshape(-1) if ya.ndim == 2 and 1 in ya.shape else ya
        if ya.ndim != 1:
            raise DataError(f"y must be one column, got shape {np.shape(y)}")
        ys = pd.Series(ya, copy=False)
    if len(ys) != Xa.shape[0]:
        raise DataError(f"y has {len(ys)} rows but X has {Xa.shape[0]}")
    if Xa.shape[0] == 0:
        raise DataError("data has 0 rows")
    # Column extremes (NaN shows up in them, and so do inf and constants): one read of X.
    cmax, cmin = column_extremes(Xa)
    if np.isnan(cmax).any() or np.isnan(cmin).any():
        row_ok = ~np.isnan(Xa).any(axis=1)
    else:
        row_ok = np.ones(Xa.shape[0], dtype=bool)
    keep = row_ok & ys.notna().to_numpy()
    dropped = index[~keep]
    if missing == "raise" and len(dropped):
        raise DataError(
            f"{len(dropped)} of {len(keep)} rows have missing values; drop them first "
            "or use missing='drop'"
        )
    if not keep.any():
        raise DataError(f"every one of the {len(keep)} rows has a missing value")
    all_rows = bool(keep.all())
    levels = None
    if coder is None:
        yv, ev, non_ev, rule = code_response(ys if all_rows else ys[keep].reset_index(drop=True), name, event)
    else:
        yv, levels, rule = coder(ys if all_rows else ys[keep].reset_index(drop=True), name)
        ev = non_ev = None
    rows = Xa if all_rows else Xa[keep]
    if not row_ok.all():
        cmax, cmin = column_extremes(rows)
    absmax = np.maximum(cmax, -cmin)
    const = np.flatnonzero((cmax == cmin) & (cmax != 0))
    icpt = None
    added = False
    predictors = None
    if len(const):
        # X brings its own constant (sm.add_constant habit): that column is the intercept,
        # and no second one is added.
        Xa = rows
        icpt = int(const[0])
    elif intercept:
        # The intercept stays implicit: no copy of X (Design builds [1, X] if asked for it).
        predictors = rows.view()
        predictors.flags.writeable = False
        Xa = None
        names = ["Intercept"] + names
        absmax = np.r_[1.0, absmax]
        icpt = 0
        added = True
    else:
        Xa = rows
    if not names:
        raise DataError("X has no columns and intercept=False; nothing to estimate")
    check_finite(absmax, names)
    terms = [
        TermInfo(n, (j,), "intercept" if (icpt is not None and j == icpt) else "numeric", None if j == icpt else n)
        for j, n in enumerate(names)
    ]
    return Design(
        X=Xa,
        y=yv,
        column_names=names,
        terms=terms,
        response_name=name,
        event=ev,
        non_event=non_ev,
        response_coding=rule,
        row_labels=index if all_rows else index[keep],
        dropped_labels=dropped,
        intercept_index=icpt,
        column_absmax=absmax,
        intercept_added=added,
        row_positions=np.flatnonzero(keep),
        levels=levels,
        predictors=predictors,
    )
