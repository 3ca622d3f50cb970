"""Messages for formula and ``predict(newdata)`` failures: which column, which rows, which
unseen level, and what to do. Reads a fitted design's ``DesignInfo``; imports no patsy.
"""

from __future__ import annotations

import re

import pandas as pd

from .exceptions import FormulaError
from .response import values_text


def _formula_error(formula: str, exc, data: pd.DataFrame) -> FormulaError:
    text = str(exc).splitlines()[0]
    m = re.search(r"name '([^']+)' is not defined", str(exc))
    if m:
        return FormulaError(
            f"formula {formula!r} names {m.group(1)!r}, which is not a column of the data "
            f"(columns: {values_text(list(map(str, data.columns)), 12)})"
        )
    return FormulaError(f"cannot build the design for formula {formula!r}: {text}")


def _newdata_columns(design, frame) -> list:
    """Columns of ``frame`` named in the formula's predictor factors (``age``, ``C(year)``, ``Q("class")``)."""
    codes = [f.code for f in design.design_info.factor_infos]
    return [c for c in frame.columns
            if any(re.search(rf"(?<![\w.]){re.escape(str(c))}(?![\w.])", code) for code in codes)]


def _newdata_missing(design, frame) -> str:
    """"in 'age' (1 row: 0); drop or fill those rows": which columns, how many rows, which."""
    cols = [c for c in _newdata_columns(design, frame) if frame[c].isna().any()]
    if not cols:
        return "; drop or fill those rows"
    rows = frame.index[frame[cols].isna().any(axis=1)]
    shown = ", ".join(map(str, rows[:5])) + (", ..." if len(rows) > 5 else "")
    return (f" {', '.join(map(repr, cols))} ({len(rows)} row(s): {shown}); drop or fill those rows "
            f"(newdata.dropna(subset={list(map(str, cols))!r}))")


def _newdata_unseen(design, frame) -> str:
    """" in 'year' (2010; fitted levels 1997, ...)" for the first column with an unseen level."""
    for factor, info in design.design_info.factor_infos.items():
        if info.type != "categorical":
            continue
        for c in _newdata_columns(design, frame):
            if re.search(rf"(?<![\w.]){re.escape(str(c))}(?![\w.])", factor.code) is None:
                continue
            values = frame[c].dropna()
            unseen = [v for v in pd.unique(values) if v not in set(info.categories)]
            if unseen:
                shown = lambda vs: ", ".join(repr(v) if isinstance(v, str) else str(v) for v in vs)  # noqa: E731
                return f" in {str(c)!r} ({shown(unseen[:5])}; fitted levels {shown(info.categories)})"
    return ""
