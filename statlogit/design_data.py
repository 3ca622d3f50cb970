"""The data side of building a design, without patsy: the caller's table checked and made
digestible (positional rows, nullable columns as numpy), the response evaluated, the formula's
columns found, and patsy's term slices read into :class:`~statlogit.design_record.TermInfo`.
:mod:`statlogit.design` calls these around its patsy calls.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .design_record import TermInfo
from .exceptions import DataError, FormulaError
from .formula_help import quote_hint
from .response import values_text

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _as_frame(data) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        if data.columns.duplicated().any():
            dup = sorted(set(map(str, data.columns[data.columns.duplicated()])))
            raise DataError(f"data has duplicate column names: {', '.join(dup)}; rename them")
        return data
    if isinstance(data, dict):
        try:
            return pd.DataFrame(data)
        except ValueError as exc:
            raise DataError(f"could not build a table from the dict of columns: {exc}") from exc
    from .backends.dask_io import is_dask_data

    if is_dask_data(data):
        raise DataError(
            f"Dask data ({type(data).__name__}: a dask DataFrame or a path/glob of files) is taken by sl.logit, "
            "sl.mlogit and sl.ologit and their results only; here pass a pandas DataFrame (ddf.compute() if it fits in memory)"
        )
    raise DataError(
        f"data must be a pandas DataFrame or a dict of columns, not {type(data).__name__}"
    )


def _positional_plain(frame: pd.DataFrame, formula: str) -> pd.DataFrame:
    """A shallow view of the data that patsy can digest: positions as the row index (so
    duplicate or odd row labels cannot misalign X and y) and pandas' nullable columns
    (Int64, Float64, boolean, string with pd.NA) as numpy columns with NaN for missing."""
    out = frame.set_axis(pd.RangeIndex(len(frame)), axis=0)
    converted = {}
    for col in _formula_columns(formula, frame):
        s = out[col]
        dtype = s.dtype
        if not isinstance(dtype, pd.api.extensions.ExtensionDtype) or isinstance(dtype, pd.CategoricalDtype):
            continue
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            converted[col] = s.astype(object).where(s.notna(), np.nan)
        else:
            converted[col] = s.to_numpy(dtype=float, na_value=np.nan)
    return out.assign(**converted) if converted else out


def _formula_columns(formula: str, data: pd.DataFrame) -> list[str]:
    """Data columns mentioned in the formula text (for messages about missing values)."""
    return [c for c in map(str, data.columns) if re.search(rf"(?<![\w.]){re.escape(c)}(?![\w])", formula)]


def _is_categorical_column(dtype) -> bool:
    return (isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype)
            or pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype))


def _eval_response(lhs_code: str, data: pd.DataFrame, env, formula: str | None = None) -> pd.Series:
    try:
        raw = env.eval(lhs_code, inner_namespace=data)
    except NameError as exc:
        missing = re.search(r"name '([^']+)' is not defined", str(exc))
        what = repr(missing.group(1)) if missing else repr(lhs_code)
        raise FormulaError(
            f"response {lhs_code!r}: {what} is not a column of the data; columns are "
            f"{values_text(list(map(str, data.columns)), 12)}"
        ) from exc
    except Exception as exc:  # patsy evaluates arbitrary Python
        hint = quote_hint(formula or lhs_code, data)
        detail = "" if isinstance(exc, SyntaxError) and hint.startswith("; column") else f": {exc}"
        raise FormulaError(f"could not evaluate the response {lhs_code!r}{detail}{hint}") from exc
    if np.ndim(raw) == 0:
        raw = np.repeat(raw, len(data))
    s = pd.Series(raw, index=data.index) if not isinstance(raw, pd.Series) else raw
    if s.ndim != 1 or len(s) != len(data):
        raise FormulaError(f"response {lhs_code!r} must be one column with one value per row")
    return s


def _term_infos(design_info, data: pd.DataFrame) -> list[TermInfo]:
    infos = []
    for term, sl in design_info.term_slices.items():
        cols = tuple(range(sl.start, sl.stop))
        if not term.factors:
            infos.append(TermInfo("Intercept", cols, "intercept"))
            continue
        name = term.name()
        if len(term.factors) > 1:
            infos.append(TermInfo(name, cols, "interaction"))
            continue
        factor = term.factors[0]
        finfo = design_info.factor_infos[factor]
        code = factor.code.strip()
        if finfo.type == "categorical":
            infos.append(TermInfo(name, cols, "categorical", code if code in data.columns else None))
        else:
            plain = code in data.columns and _IDENT.match(code) is not None
            infos.append(TermInfo(name, cols, "numeric", code if plain else None))
    return infos
