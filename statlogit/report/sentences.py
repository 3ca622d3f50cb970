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
_LEVEL = re.compile(r"^(?P<var>.+)\[(?P<level>.+)\]$")


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


def coefficient_sentences(res, ors, level: str, conditional=None) -> list[str]:
    """Sentences from the odds-ratio table ``ors`` (columns per, odds_ratio, lower, upper).

    A coefficient that is part of an interaction is described conditionally ("when
    neuroticism = 0"), followed by its odds ratios at representative values of the other
    variable when ``conditional`` (:func:`statlogit.inference.conditional.conditional_odds_ratios`)
    is given.
    """
    from .tables import level_contrasts, variable_label

    d = res.design
    event = d.event_label()
    kinds = {}
    for t in d.terms:
        for j in t.columns:
            kinds[res.names[j]] = t.kind
    refs = _reference_levels(res)
    contrasts = level_contrasts(d)
    partners = _interaction_partners(res, contrasts)
    out = []
    for name, row in ors.iterrows():
        orr, ci = fmt_num(row["odds_ratio"]), _ci(row["lower"], row["upper"], level)
        kind = kinds.get(name, "numeric")
        when = ""
        if name in partners:
            when = " when " + " and ".join(partners[name])
        if kind == "intercept":
            out.append(f"With every predictor at 0 (factors at their reference level), the odds of {event} "
                       f"are {orr} {ci}.")
            continue
        if kind == "categorical" and name in refs and _TREATMENT.match(name):
            var, ref = refs[name]
            lvl = _TREATMENT.match(name).group("level")
            text = f"{variable_label(var)} = {lvl} rather than {ref} multiplies the odds of {event} by {orr} {ci}"
        elif kind == "interaction":
            out.append(_interaction_sentence(name, row, ci, orr, contrasts, d))
            continue
        else:
            text = (f"Each {row['per']:g}-unit increase in {variable_label(name)} multiplies the odds of {event} "
                    f"by {orr} {ci}")
        out.append(text + when + "." + _at_values(name, conditional, level, partners.get(name, ())))
    return out


def _interaction_partners(res, contrasts) -> dict[str, list[str]]:
    """``{coefficient: ["neuroticism = 0", "sex = female", ...]}``: the values of the other
    variables of its interactions at which the coefficient's own odds ratio holds."""
    from .tables import variable_label

    d = res.design
    kinds = {res.names[j]: t.kind for t in d.terms for j in t.columns}
    out: dict[str, list[str]] = {}
    for name in res.names:
        if kinds.get(name) != "interaction":
            continue
        parts = name.split(":")
        for own in parts:
            for other in parts:
                if other == own:
                    continue
                if other in contrasts:
                    code = other[: other.index("[")]
                    cond = f"{variable_label(code)} = {contrasts[other][1]}"
                else:
                    cond = f"{variable_label(other)} = 0"
                if cond not in out.setdefault(own, []):
                    out[own].append(cond)
    return out


def _at_values(name: str, conditional, level: str, held=()) -> str:
    """" At neuroticism = 8, 11, 15 (quartiles) the odds ratios are ..." or "". ``held``: the
    partners' settings ("age = 0"); with two moderators each list holds the other one there."""
    if conditional is None or not len(conditional):
        return ""
    rows = conditional[conditional["coefficient"] == name]
    out = []
    for moderator, group in rows.groupby("moderator", sort=False):
        cells = "; ".join(f"{r['at']}: {fmt_num(r['odds_ratio'])} ({fmt_num(r['lower'])} to {fmt_num(r['upper'])})"
                          for _, r in group.iterrows())
        others = [c for c in held if not c.startswith(f"{moderator} = ")]
        at = f" (at {' and '.join(others)})" if others else ""
        out.append(f" Its odds ratio depends on {moderator}{at}: {cells} ({level} Wald CI).")
    return "".join(out)


def _interaction_sentence(name, row, ci, orr, contrasts, design) -> str:
    """The interaction coefficient in plain words (two-way terms), else a general reading."""
    from .tables import variable_label

    parts = name.split(":")
    if len(parts) != 2:
        return (f"The interaction {name}: its odds ratio {orr} {ci} says how much the effect of each of its "
                "variables changes with the others; read it with the odds ratios above.")

    def reading(p):
        if p in contrasts:
            code = p[: p.index("[")]
            lvl, ref = contrasts[p]
            return ("factor", f"{variable_label(code)} = {lvl}", f"{variable_label(code)} = {ref}")
        if _LEVEL.match(p):  # a level without a reference (full-rank coding): no simple reading
            return ("level", p, None)
        return ("numeric", variable_label(p), None)

    (ka, a, a_ref), (kb, b, b_ref) = reading(parts[0]), reading(parts[1])
    if "level" in (ka, kb):
        from .tables import coefficient_labels

        label = coefficient_labels(design).get(name, name)
        return (f"Interaction {label}: odds ratio {orr} {ci}, the factor by which the odds ratio of one of its "
                "variables changes with the other; read it with the odds ratios above.")
    if ka == "numeric" and kb == "numeric":
        return (f"Interaction of {a} and {b}: for each 1-unit increase in {b}, the odds ratio of a 1-unit "
                f"increase in {a} is multiplied by {orr} {ci} (and the same holds with {a} and {b} swapped).")
    if ka == "factor" and kb == "factor":
        return (f"Interaction of {a} and {b}: the odds ratio of {a} (rather than {a_ref}) is multiplied by {orr} "
                f"{ci} when {b} rather than {b_ref}.")
    (num, fac, fac_ref) = (a, b, b_ref) if ka == "numeric" else (b, a, a_ref)
    return (f"Interaction of {num} and {fac}: the odds ratio of a 1-unit increase in {num} is {orr} times as "
            f"large {ci} when {fac} as when {fac_ref}.")
