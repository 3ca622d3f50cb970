"""Odds ratios of a predictor that is part of an interaction, at representative values.

With ``logit = ... + b_x x + b_z z + b_xz x z``, the odds ratio of a 1-unit increase in ``x``
is ``exp(b_x + b_xz z)``: it depends on ``z``, and ``exp(b_x)`` alone is its value at
``z = 0``. For a coefficient ``x`` and each two-way interaction column that contains it,
this module evaluates the linear combination ``L'b = b_x + sum_c b_c m_c`` at representative
values of the moderator: the quartiles (R's type-7 quantiles of the rows used) of a numeric
moderator, every level of a factor. Other moderators are held at 0 (numeric) or their
reference level. Wald intervals ``exp(k (L'b -/+ z_{1-alpha/2} sqrt(L'VL)))`` for an
increment ``k`` of ``x`` (``units``), as ``emmeans::emtrends`` / ``interactions::sim_slopes``
give on the link scale.

Reference: Hosmer, Lemeshow & Sturdivant (2013), *Applied Logistic Regression*, 3rd ed.,
sec. 3.6 (odds ratios in the presence of interaction).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

QUARTILES = (0.25, 0.5, 0.75)
COLUMNS = ["coefficient", "moderator", "at", "per", "odds_ratio", "lower", "upper", "log_or", "se"]


def _moderators(res) -> dict[str, list[tuple[str, str, dict[str, float]]]]:
    """``{coefficient: [(interaction column, moderator variable, {setting label: moderator
    column value})]}`` for every two-way interaction column with a recognisable moderator."""
    from ..report.tables import level_contrasts, variable_label

    d = res.design
    names = list(d.column_names)
    index = {n: j for j, n in enumerate(names)}
    contrasts = level_contrasts(d)
    kinds = {names[j]: t.kind for t in d.terms for j in t.columns}
    out: dict[str, list] = {}
    for name in names:
        if kinds.get(name) != "interaction":
            continue
        parts = name.split(":")
        if len(parts) != 2 or not all(p in index for p in parts):
            continue
        for own, other in (parts, parts[::-1]):
            if other in contrasts:  # a factor level: 1 at that level, 0 at the others
                level, ref = contrasts[other]
                code = other[: other.index("[")]
                label = variable_label(code)
                levels = [ref] + [lv for c, (lv, _) in contrasts.items() if c.startswith(code + "[")]
                settings = {f"{label} = {lv}": float(lv == level) for lv in levels}
                out.setdefault(own, []).append((name, label, settings))
            else:
                x = d.X[:, index[other]]
                qs = np.quantile(x, QUARTILES)
                label = variable_label(other)
                settings = {f"{label} = {q:.4g}": float(q) for q in qs}
                out.setdefault(own, []).append((name, label, settings))
    return out


def conditional_odds_ratios(res, alpha: float = 0.05, units: dict | None = None) -> pd.DataFrame:
    """Odds ratio of each coefficient that enters a two-way interaction, at representative
    values of the other variable (quartiles, or every level of a factor), with Wald CIs.

    Columns: ``coefficient`` (machine name), ``moderator`` (variable), ``at`` (the setting,
    e.g. ``neuroticism = 8``), ``per`` (increment of the coefficient's variable), ``odds_ratio``,
    ``lower``, ``upper``, ``log_or`` and its ``se``. Empty when the model has no such term.
    """
    from ..report.sentences import unit_multipliers

    mods = _moderators(res)
    if not mods:
        return pd.DataFrame(columns=COLUMNS)
    mult = unit_multipliers(res, units)
    names = list(res.names)
    index = {n: j for j, n in enumerate(names)}
    b = res.params.to_numpy()
    V = np.asarray(res._cov)
    z = float(ndtri(1 - alpha / 2))
    rows = []
    for coef, entries in mods.items():
        k = mult[coef]
        grouped: dict[str, list] = {}
        for column, label, settings in entries:
            grouped.setdefault(label, []).append((column, settings))
        for label, items in grouped.items():
            # A factor moderator owns one interaction column per non-reference level.
            for at in items[0][1]:
                L = np.zeros(len(names))
                L[index[coef]] = 1.0
                for column, settings in items:
                    L[index[column]] = settings[at]
                est = float(L @ b)
                with np.errstate(invalid="ignore"):
                    se = float(np.sqrt(L @ V @ L))
                with np.errstate(over="ignore"):
                    rows.append((coef, label, at, k, np.exp(k * est), np.exp(k * (est - z * se)),
                                 np.exp(k * (est + z * se)), est, se))
    return pd.DataFrame(rows, columns=COLUMNS)
