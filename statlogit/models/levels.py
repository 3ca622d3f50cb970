"""Coding a response with K >= 2 levels as integer codes 0..K-1 (multinomial and ordinal).

Multinomial (``nominal_coder``): the levels are the categories of a pandas Categorical (in
category order) or the observed values in sorted order; code 0 is the reference level, the
first level unless ``reference=`` names another (as ``relevel`` in R; nnet::multinom then
uses the first factor level as the baseline).

Ordinal (``ordinal_coder``): the order comes from an ordered Categorical, from ``levels=``,
or from numeric order; unordered text is refused with the ways to give an order.

Every level must have at least one row; a level that is declared (``levels=``, categories)
but absent is an error naming it, never a silently dropped threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import OptionError, ResponseError
from ..response import values_text


def level_label(v) -> str:
    """How a level is named in parameter names (``2`` not ``2.0``)."""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, (np.integer, np.bool_)):
        return str(v.item())
    return str(v)


def _plain(v):
    return v.item() if isinstance(v, np.generic) else v


def _observed(s: pd.Series, name: str) -> tuple[list, str]:
    """Distinct values of the response in their natural order and what kind they are."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        present = set(pd.unique(s.dropna()))
        missing = [c for c in s.cat.categories if c not in present]
        if missing:
            raise ResponseError(
                f"response {name!r} has level(s) {values_text(missing)} with no rows (after dropping "
                "missing values); drop them with .cat.remove_unused_categories() or merge them"
            )
        return [_plain(c) for c in s.cat.categories], "ordered" if s.cat.ordered else "categorical"
    if pd.api.types.is_bool_dtype(s.dtype):
        return [v for v in (False, True) if (s == v).any()], "bool"
    if pd.api.types.is_numeric_dtype(s.dtype):
        a = s.to_numpy(dtype=float)
        if not np.all(np.isfinite(a)):
            raise ResponseError(f"response {name!r} has infinite values")
        return [_plain(v) for v in np.unique(a)], "numeric"
    uniq = pd.unique(s.dropna())
    try:
        return sorted(uniq), "text"
    except TypeError:
        return sorted(uniq, key=str), "text"


def _codes(s: pd.Series, levels: list, kind: str) -> np.ndarray:
    if kind == "numeric":
        a = s.to_numpy(dtype=float)
        return np.searchsorted(np.asarray(levels, dtype=float), a).astype(np.int64)
    cat = pd.Categorical(s, categories=levels)
    return cat.codes.astype(np.int64)


def _check_count(levels: list, name: str) -> None:
    if len(levels) == 0:
        raise ResponseError(f"response {name!r} has no non-missing values")
    if len(levels) == 1:
        raise ResponseError(
            f"response {name!r} has one level ({values_text(levels)}) in the rows used; a model of a "
            "categorical outcome needs at least two"
        )


def _match(value, levels: list, kind: str):
    """The level equal to ``value`` (``"2"`` matches the number 2 of a numeric response)."""
    for lv in levels:
        if lv == value or (kind in ("numeric", "bool") and str(value) in (str(lv), level_label(lv))):
            return lv
    return None


def nominal_coder(reference=None):
    """A coder for :func:`~statlogit.design.design_from_formula`: multinomial response."""

    def code(s: pd.Series, name: str):
        levels, kind = _observed(s, name)
        _check_count(levels, name)
        rule = "first level (category order)" if kind in ("ordered", "categorical") else "first level in sorted order"
        if reference is not None:
            ref = _match(reference, levels, kind)
            if ref is None:
                raise ResponseError(
                    f"reference={reference!r} is not a level of response {name!r}; its levels are "
                    f"{values_text(levels, 12)}"
                )
            levels = [ref] + [lv for lv in levels if lv != ref]
            rule = f"reference={reference!r} given"
        natural = _observed(s, name)[0]
        codes = _codes(s, natural, kind)
        order = np.array([levels.index(lv) for lv in natural], dtype=np.int64)
        return order[codes].astype(float), tuple(levels), f"reference level {level_label(levels[0])!s}: {rule}"

    return code


def ordinal_coder(levels=None):
    """A coder for the ordinal model: the category order is given or numeric."""
    if levels is not None:
        if isinstance(levels, (str, bytes)) or not hasattr(levels, "__iter__"):
            raise OptionError(f"levels={levels!r} is not valid; give a list of the categories in order, "
                              "e.g. levels=['Low', 'Medium', 'High']")
        given = list(levels)
        seen, dups = set(), []
        for v in given:
            key = level_label(v)
            if key in seen:
                dups.append(v)
            seen.add(key)
        if dups:
            raise OptionError(f"levels= names {values_text(dups)} more than once; list each category once, in order")

    def code(s: pd.Series, name: str):
        observed, kind = _observed(s, name)
        if levels is None:
            if kind == "text" or kind == "categorical":
                raise ResponseError(
                    f"response {name!r} has unordered levels {values_text(observed, 12)}; an ordinal "
                    "model needs their order: pass levels=[...] lowest first (--levels A,B,C on the command line), "
                    "or make the column an ordered Categorical (pd.Categorical(x, categories=[...], ordered=True))"
                )
            order = observed
            rule = {"ordered": "ordered categorical", "numeric": "numeric order",
                    "bool": "False < True"}[kind]
        else:
            order = []
            for v in given:
                m = _match(v, observed, kind)
                if m is None:
                    raise ResponseError(
                        f"levels= names {v!r}, which has no rows in response {name!r} (after dropping "
                        f"missing values); its values are {values_text(observed, 12)}"
                    )
                order.append(m)
            absent = [v for v in observed if v not in order]
            if absent:
                raise ResponseError(
                    f"response {name!r} has value(s) {values_text(absent)} that levels= does not list; "
                    "add them to levels= in their place in the order"
                )
            rule = "levels= given"
        _check_count(order, name)
        codes = _codes(s, observed, kind)
        pos = np.array([order.index(v) for v in observed], dtype=np.int64)
        return pos[codes].astype(float), tuple(order), f"{rule}: {' < '.join(map(level_label, order))}"

    return code
