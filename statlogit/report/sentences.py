"""One plain-language sentence per coefficient.

"Each 1-unit increase in glucose multiplies the odds of diabetes = pos by 1.036 (95% CI
1.029 to 1.043)." With ``units={"glucose": 10}`` the sentence (and the odds-ratio table)
is per 10 units: ``exp(10 b)`` with limits ``exp(10 lower)``, ``exp(10 upper)``.
"""

from __future__ import annotations

import math
import re

from ..exceptions import OptionError
from .tables import fmt_num

_TREATMENT = re.compile(r"^(?P<var>.+)\[T\.(?P<level>.+)\]$")


def unit_multipliers(res, units: dict | None) -> dict[str, float]:
    """``{column: increment}``; 1 for every column not named in ``units``.

    Keys may be design column names (``glucose``, ``np.log(mass)``) or the data column of a
    plain numeric main effect. Increments must be positive finite numbers.
    """
    out = dict.fromkeys(res.names, 1.0)
    if not units:
        return out
    if not isinstance(units, dict):
        raise OptionError(f"units must be a dict such as {{'glucose': 10}}, not {type(units).__name__}")
    by_variable = {t.variable: res.names[t.columns[0]] for t in res.design.terms
                   if t.kind == "numeric" and t.variable is not None}
    icpt = res.names[res.design.intercept_index] if res.has_intercept else None
    for key, value in units.items():
        column = key if key in out else by_variable.get(key)
        if column is None or column == icpt:
            choices = ", ".join(repr(n) for n in res.names if n != icpt)
            raise OptionError(f"units names {key!r}, which is not a coefficient of the model; choose from {choices}")
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0
        if not ok:
            raise OptionError(f"units[{key!r}]={value!r} is not valid; it must be a positive number (e.g. 10)")
        out[column] = float(value)
    return out


def _reference_levels(res) -> dict[str, tuple[str, str]]:
    """``{column name: (variable, reference level)}`` for treatment-coded factor columns."""
    d = res.design
    info = d.design_info
    out: dict[str, tuple[str, str]] = {}
    if info is None:
        return out
    for term, codings in info.term_codings.items():
        if len(term.factors) != 1 or len(codings) != 1:
            continue
        factor = term.factors[0]
        if factor not in codings[0].contrast_matrices:
            continue
        cm = codings[0].contrast_matrices[factor]
        levels = info.factor_infos[factor].categories
        zero_rows = [lv for lv, row in zip(levels, cm.matrix) if not row.any()]
        if len(zero_rows) != 1:
            continue
        for col in info.column_names[info.term_slices[term]]:
            out[col] = (factor.code, str(zero_rows[0]))
    return out


def _ci(lo: float, hi: float, level: str) -> str:
    return f"({level} CI {fmt_num(lo)} to {fmt_num(hi)})"


def coefficient_sentences(res, ors, level: str) -> list[str]:
    """Sentences from the odds-ratio table ``ors`` (columns per, odds_ratio, lower, upper)."""
    d = res.design
    event = d.event_label()
    kinds = {}
    for t in d.terms:
        for j in t.columns:
            kinds[res.names[j]] = t.kind
    refs = _reference_levels(res)
    out = []
    for name, row in ors.iterrows():
        orr, ci = fmt_num(row["odds_ratio"]), _ci(row["lower"], row["upper"], level)
        kind = kinds.get(name, "numeric")
        if kind == "intercept":
            out.append(f"With every predictor at 0 (factors at their reference level), the odds of {event} "
                       f"are {orr} {ci}.")
        elif kind == "categorical" and name in refs and _TREATMENT.match(name):
            var, ref = refs[name]
            lvl = _TREATMENT.match(name).group("level")
            out.append(f"{var} = {lvl} rather than {ref} multiplies the odds of {event} by {orr} {ci}.")
        elif kind == "interaction":
            out.append(f"The interaction {name} multiplies the odds ratio of its components by {orr} per "
                       f"{row['per']:g}-unit increase of the product {ci}; read it together with the main effects.")
        else:
            out.append(f"Each {row['per']:g}-unit increase in {name} multiplies the odds of {event} by {orr} {ci}.")
    return out
