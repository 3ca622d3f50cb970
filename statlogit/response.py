"""Coding a two-level response as 0/1, with R's rule for which level is the event."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .exceptions import ResponseError


def values_text(values, limit: int = 6) -> str:
    vals = list(values)
    shown = ", ".join(repr(v) if isinstance(v, str) else f"{v:g}" if isinstance(v, float) else str(v)
                      for v in vals[:limit])
    return shown + (", ..." if len(vals) > limit else "")


def code_response(raw: pd.Series, name: str, event: Any = None) -> tuple[np.ndarray, Any, Any, str]:
    """Code a two-level response as float 0/1.

    Returns ``(y, event, non_event, coding)``. Rules (R's ``glm`` binomial conventions):
    numeric 0/1 as is; bool with True the event; a two-level string or categorical with
    the *second* level (sorted order, or category order for a pandas Categorical) as the
    event unless ``event=`` names one. Anything else raises :class:`ResponseError`.
    """
    s = raw
    if isinstance(s.dtype, pd.CategoricalDtype):
        present = [c for c in s.cat.categories if (s == c).any()]
        levels = present
        kind = "categorical"
    elif pd.api.types.is_bool_dtype(s.dtype):
        levels = [v for v in (False, True) if (s == v).any()]
        kind = "bool"
    elif pd.api.types.is_numeric_dtype(s.dtype):
        a = s.to_numpy(dtype=float)
        if not np.all(np.isfinite(a)):
            raise ResponseError(f"response {name!r} has infinite values; it must be 0/1")
        if np.all((a == 0.0) | (a == 1.0)):  # the common 0/1 case without a sort
            vals = np.unique([a.min(), a.max()])
        else:
            vals = np.unique(a)
        levels = [v.item() if hasattr(v, "item") else v for v in vals]
        kind = "numeric"
    else:
        uniq = pd.unique(s.dropna())
        try:
            levels = sorted(uniq)
        except TypeError:
            levels = sorted(uniq, key=str)
        kind = "string"

    if len(levels) == 0:
        raise ResponseError(f"response {name!r} has no non-missing values")
    if len(levels) == 1:
        raise ResponseError(
            f"response {name!r} is constant (every used row is {values_text(levels)}); "
            "logistic regression needs both outcomes present"
        )
    if kind == "numeric" and any(v != int(v) for v in levels) and event is None:
        raise ResponseError(
            f"response {name!r} has non-integer values ({values_text(levels)}); logistic "
            "regression needs a two-level outcome (0/1). For proportions, expand to 0/1 rows "
            "or use a binomial GLM with weights"
        )
    if len(levels) > 2:
        raise ResponseError(
            f"response {name!r} has {len(levels)} distinct values ({values_text(levels)}); "
            "logistic regression needs two. Recode it, e.g. 'I(outcome == 2)' in the formula; "
            "for three or more levels use sl.mlogit (unordered levels, multinomial) or sl.ologit "
            "(ordered levels, proportional odds)"
        )

    if event is None:
        if kind == "numeric" and set(levels) != {0.0, 1.0}:
            raise ResponseError(
                f"response {name!r} is coded {values_text(levels)}, not 0/1; pass "
                f"event={levels[1]:g} (or recode it) to say which value is the event"
            )
        ev = levels[1]
        rule = {
            "numeric": "numeric 0/1: 1 is the event",
            "bool": "boolean: True is the event",
            "categorical": "categorical: the second category is the event",
            "string": "two text levels: the second in sorted order is the event (as R's factor)",
        }[kind]
    else:
        matches = [lv for lv in levels if lv == event or (kind != "string" and str(lv) == str(event))]
        if not matches:
            raise ResponseError(
                f"event={event!r} is not a level of response {name!r}; its levels are "
                f"{values_text(levels)}"
            )
        ev = matches[0]
        rule = f"event={event!r} given"
    non_ev = levels[0] if levels[1] == ev else levels[1]
    if kind == "numeric":
        y = (s.to_numpy(dtype=float) == ev).astype(float)
        ev = int(ev) if float(ev).is_integer() else ev
        non_ev = int(non_ev) if float(non_ev).is_integer() else non_ev
    else:
        y = (s == ev).to_numpy(dtype=bool).astype(float)
    return y, ev, non_ev, rule
