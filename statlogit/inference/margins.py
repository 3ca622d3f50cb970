"""Marginal effects on the probability scale, with delta-method standard errors.

With ``p_i = expit(x_i' b + offset_i)``, ``w_i`` the frequency weights (1 without) and means
weighted by them:

- numeric variable v, average (AME): ``mean_i p_i (1 - p_i) s_i`` with ``s_i = D_i' b`` and
  ``D_i = d x_i / d v`` the derivative of the design row: every term containing v counts
  (``glucose:mass``, ``I(age**2)``, ``np.log(mass)``). For a plain main effect ``D_i = e_v``
  and the AME is ``mean p(1-p) b_v``. Gradient: ``mean_i [p_i(1-p_i)(1-2p_i) s_i x_i +
  p_i(1-p_i) D_i]``.
- factor v, level L (average): ``mean_i [p_i(v = L) - p_i(v = ref)]``, each row with its other
  variables as observed (G-computation, emmeans' counterfactuals); the reference is the level
  coded all zero (the first level with treatment contrasts). Gradient: ``mean_i [p_i(L)(1 -
  p_i(L)) x_i(L) - p_i(ref)(1 - p_i(ref)) x_i(ref)]``.
- at the means (MEM, ``kind="at_means"``): ``xbar`` = the model-matrix column means (dummies at
  their proportions, statsmodels' ``get_margeff(at="mean")``), ``pbar = expit(xbar' b)``;
  numeric: ``pbar(1-pbar) Dbar' b`` with ``Dbar`` the mean design derivative (``e_v`` for a
  plain main effect; exactly the derivative at the means for products of variables); factor:
  ``expit(xbar(L)' b) - expit(xbar(ref)' b)``.
- ``at={"glucose": [100, 150]}``: the same with those variables set to each value for every
  row (all combinations when several variables are given).

SE = ``sqrt(g' V g)`` with ``V`` the results' covariance (``cov_type``). The design
derivative ``D`` comes from the fitted formula itself (new data put through the patsy design)
by central differences with Richardson extrapolation, step ``1e-4 |x|``: truncation error
``O(h^4)``, about 1e-12 relative, far below the 1e-6 the references ask for.
Definitions as ``shared/refs/ext/README.md`` (``inference.marginal_effects``).
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
from scipy.special import expit, ndtr, ndtri

from ..exceptions import OptionError

_KINDS = ("average", "at_means")


class _Variable:
    def __init__(self, name: str, kind: str, columns: list[int], plain: int | None = None,
                 levels: list | None = None, reference=None):
        self.name = name
        self.kind = kind  # "numeric" or "factor"
        self.columns = columns  # design columns that depend on it
        self.plain = plain  # the one design column when v is a plain main effect
        self.levels = levels or []
        self.reference = reference


def _mentions(code: str, var: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(var)}(?![\w])", code) is not None


def model_variables(res) -> list[_Variable]:
    """The data variables on the right of the formula, numeric or factor, in formula order."""
    d = res.design
    info = d.design_info
    if info is None:
        return [_Variable(n, "numeric", [j], plain=j) for j, n in enumerate(d.column_names)
                if j != d.intercept_index]
    rhs = d.formula.split("~", 1)[1] if d.formula else ""

    def first_use(var):
        m = re.search(rf"(?<![\w.]){re.escape(var)}(?![\w])", rhs)
        return m.start() if m else len(rhs)

    out = []
    for var in sorted(d.data_columns, key=first_use):
        factors = [f for f in info.factor_infos if _mentions(f.code, var)]
        if not factors:
            continue
        types = {info.factor_infos[f].type for f in factors}
        cols = sorted({j for term, sl in info.term_slices.items() if any(f in term.factors for f in factors)
                       for j in range(sl.start, sl.stop)})
        if types == {"numerical"}:
            plain = None
            if len(factors) == 1 and factors[0].code.strip() == var:
                owning = [t for t in info.term_slices if factors[0] in t.factors]
                if len(owning) == 1 and len(owning[0].factors) == 1:
                    plain = info.term_slices[owning[0]].start
            out.append(_Variable(var, "numeric", cols, plain=plain))
        elif types == {"categorical"} and len(factors) == 1 and not _is_level_of(factors[0].code, var):
            # C(pregnant > 3): the levels are of an expression, so setting the column to a level is meaningless
            out.append(_Variable(var, "derived", cols))
        elif types == {"categorical"} and len(factors) == 1:
            f = factors[0]
            levels = list(info.factor_infos[f].categories)
            out.append(_Variable(var, "factor", cols, levels=levels, reference=_reference(info, f, levels)))
        else:
            out.append(_Variable(var, "mixed", cols))
    return out


def _is_level_of(code: str, var: str) -> bool:
    """Whether the factor's levels are values of the column: ``var``, ``C(var, ...)``, ``Q("var")``."""
    v = re.escape(var)
    return re.fullmatch(rf"\s*(?:C\(\s*)?(?:{v}|Q\(\s*['\"]{v}['\"]\s*\))\s*(?:,.*)?\)?\s*", code, re.S) is not None


def _reference(info, factor, levels):
    """The level whose contrast row is all zero in the factor's main-effect term, else the first."""
    for term, codings in info.term_codings.items():
        if term.factors == (factor,):
            for sub in codings:
                if factor in sub.contrast_matrices:
                    m = sub.contrast_matrices[factor].matrix
                    zero = np.flatnonzero(np.all(m == 0, axis=1))
                    if zero.size == 1:
                        return levels[int(zero[0])]
    return levels[0]


def _used_frame(res) -> pd.DataFrame:
    """The rows used in the fit, the formula's columns only (a copy; the caller's data are untouched)."""
    d = res.design
    if d.design_info is None:
        names = [n for j, n in enumerate(d.column_names) if not (d.intercept_added and j == d.intercept_index)]
        cols = [j for j, n in enumerate(d.column_names) if n in names]
        return pd.DataFrame(d.X[:, cols], columns=names)
    data = getattr(res.model, "data", None)
    if data is None or d.row_positions is None:
        raise OptionError("marginal effects need the DataFrame the model was fitted on; fit with "
                          "sl.logit(formula, data) or Logit.from_formula(formula, data)")
    data = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    cols = [c for c in d.data_columns if c in data.columns]
    return data[cols].iloc[d.row_positions].reset_index(drop=True)


def _design(res, frame: pd.DataFrame) -> np.ndarray:
    from ..design import new_design_matrix

    return new_design_matrix(res.design, frame)[0]


def _derivative(res, frame: pd.DataFrame, var: _Variable) -> np.ndarray:
    """``dX/dv`` for every row (n x k): exact for a plain main effect, else central differences
    with one Richardson step through the fitted formula."""
    n, k = len(frame), res.k_params
    if var.plain is not None:
        D = np.zeros((n, k))
        D[:, var.plain] = 1.0
        return D
    x = frame[var.name].to_numpy(dtype=float)
    ax = np.abs(x)
    typical = float(np.mean(ax)) if np.any(ax > 0) else 1.0
    h = 1e-4 * np.where(ax > 0, ax, typical)

    def central(step):
        up = frame.assign(**{var.name: x + step})
        down = frame.assign(**{var.name: x - step})
        return (_design(res, up) - _design(res, down)) / (2.0 * step)[:, None]

    return (4.0 * central(h / 2.0) - central(h)) / 3.0


def _wmean(a: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    return a.mean(axis=0) if w is None else np.average(a, axis=0, weights=w)


def _effects_at(res, frame, X, variables, kind, w, off):
    """[(index label, effect, gradient)] for one data setting (observed or counterfactual)."""
    b = res.params.to_numpy()
    out = []
    if kind == "at_means":
        xbar = _wmean(X, w)
        obar = 0.0 if off is None else float(_wmean(off, w))
        pbar = float(expit(xbar @ b + obar))
        v1 = pbar * (1.0 - pbar)
    else:
        p = expit(X @ b + (0.0 if off is None else off))
        v = p * (1.0 - p)
    plain_sums = None
    for var in variables:
        if var.kind == "numeric" and var.plain is not None and kind == "average":
            # D = e_j: effect mean(v) b_j, gradient b_j mean(v (1-2p) x) + mean(v) e_j (no n x k work)
            if plain_sums is None:
                plain_sums = (float(_wmean(v, w)), _wmean(X * (v * (1.0 - 2.0 * p))[:, None], w))
            mv, m1 = plain_sums
            j = var.plain
            grad = b[j] * m1
            grad[j] += mv
            out.append((var.name, mv * b[j], grad))
            continue
        if var.kind == "numeric" and kind == "at_means":
            if var.plain is not None:
                Dbar = np.zeros(len(b))
                Dbar[var.plain] = 1.0
            else:
                Dbar = _wmean(_derivative(res, frame, var), w)
            s = float(Dbar @ b)
            out.append((var.name, v1 * s, v1 * (1.0 - 2.0 * pbar) * s * xbar + v1 * Dbar))
            continue
        if var.kind == "numeric":
            D = _derivative(res, frame, var)
            s = D @ b
            grad = _wmean((v * (1.0 - 2.0 * p) * s)[:, None] * X + v[:, None] * D, w)
            out.append((var.name, float(_wmean(v * s, w)), grad))
            continue
        X_ref = _design(res, frame.assign(**{var.name: _constant(frame, var, var.reference)}))
        for level in var.levels:
            if level == var.reference:
                continue
            X_l = _design(res, frame.assign(**{var.name: _constant(frame, var, level)}))
            label = f"{var.name}[{level}]"
            if kind == "at_means":
                obar = 0.0 if off is None else float(_wmean(off, w))
                xl, xr = _wmean(X_l, w), _wmean(X_ref, w)
                pl, pr = float(expit(xl @ b + obar)), float(expit(xr @ b + obar))
                out.append((label, pl - pr, pl * (1 - pl) * xl - pr * (1 - pr) * xr))
            else:
                o = 0.0 if off is None else off
                pl, pr = expit(X_l @ b + o), expit(X_ref @ b + o)
                grad = _wmean((pl * (1 - pl))[:, None] * X_l - (pr * (1 - pr))[:, None] * X_ref, w)
                out.append((label, float(_wmean(pl - pr, w)), grad))
    return out


def _constant(frame: pd.DataFrame, var: _Variable, value):
    """A column holding ``value`` in every row, keeping a categorical column's categories."""
    col = frame[var.name]
    if isinstance(col.dtype, pd.CategoricalDtype):
        return pd.Categorical([value] * len(frame), categories=col.cat.categories, ordered=col.cat.ordered)
    return pd.Series([value] * len(frame), index=frame.index, dtype=object if not isinstance(value, bool) else bool)


def _select(all_vars: list[_Variable], variables) -> list[_Variable]:
    names = [v.name for v in all_vars]
    if variables is None:
        chosen = [v for v in all_vars if v.kind not in ("mixed", "derived")]
    else:
        wanted = [variables] if isinstance(variables, str) else list(variables)
        unknown = [v for v in wanted if v not in names]
        if unknown:
            raise OptionError(
                f"variable(s) {', '.join(map(repr, unknown))} are not in the model; its variables are "
                f"{', '.join(names) or '(none)'}"
            )
        chosen = [v for v in all_vars if v.name in wanted]
    mixed = [v.name for v in chosen if v.kind == "mixed"]
    if mixed and variables is not None:
        raise OptionError(f"{', '.join(mixed)} enter(s) the formula both as a factor and as a number; "
                          "its marginal effect is not defined")
    derived = [v.name for v in chosen if v.kind == "derived"]
    if derived and variables is not None:
        raise OptionError(f"{', '.join(map(repr, derived))} enter(s) the formula only through a factor of an "
                          "expression (as C(x > 3)), so the factor's levels are not values of the column; add the "
                          "factor as a column of the data (df['x_gt3'] = df['x'] > 3) and refit for its marginal effect")
    if not chosen:
        raise OptionError("the model has no variables besides the intercept; there is no marginal effect")
    return chosen


def _at_grid(at, all_vars, frame) -> list[dict]:
    if at is None:
        return [{}]
    if not isinstance(at, dict) or not at:
        raise OptionError(f"at= must be a dict such as {{'glucose': [100, 150]}}, not {at!r}")
    names = {v.name: v for v in all_vars}
    unknown = [k for k in at if k not in names]
    if unknown:
        raise OptionError(
            f"at= names {', '.join(map(repr, unknown))}, not variable(s) of the model; its variables are "
            f"{', '.join(names)}"
        )
    values = {}
    for k, v in at.items():
        vals = list(v) if isinstance(v, (list, tuple, np.ndarray, pd.Series)) else [v]
        if not vals:
            raise OptionError(f"at={{{k!r}: ...}} has no values")
        var = names[k]
        if var.kind == "factor":
            bad = [x for x in vals if x not in var.levels]
            if bad:
                raise OptionError(f"at= gives {k!r} the value(s) {bad}, not among its levels {var.levels}")
        else:
            try:
                vals = [float(x) for x in vals]
            except (TypeError, ValueError) as exc:
                raise OptionError(f"at= values of {k!r} must be numbers ({exc})") from exc
            if not all(np.isfinite(vals)):
                raise OptionError(f"at= values of {k!r} must be finite")
        values[k] = vals
    return [dict(zip(values, combo)) for combo in itertools.product(*values.values())]


def marginal_effects(res, kind: str = "average", at: dict | None = None, variables=None,
                     alpha: float = 0.05) -> pd.DataFrame:
    """Marginal effects with columns ``effect, se, z, p, lower, upper`` (see the module doc)."""
    from ..results import _check_alpha

    if kind not in _KINDS:
        raise OptionError(f"kind={kind!r} is not valid; choose 'average' (AME) or 'at_means' (MEM)")
    alpha = _check_alpha(alpha)
    all_vars = model_variables(res)
    chosen = _select(all_vars, variables)
    needs_data = at is not None or any(v.kind != "numeric" or v.plain is None for v in chosen)
    frame = _used_frame(res) if needs_data else None
    grid = _at_grid(at, all_vars, frame)
    w = res.model.weights
    off = res.model.offset
    V = res.cov_params().to_numpy()
    rows = []
    for setting in grid:
        if setting:
            cf = frame.assign(**{k: (_constant(frame, next(v for v in all_vars if v.name == k), val)
                                     if isinstance(val, str) or not isinstance(val, float) else val)
                                 for k, val in setting.items()})
            X = _design(res, cf)
            suffix = " at " + ", ".join(f"{k}={val:g}" if isinstance(val, float) else f"{k}={val}"
                                        for k, val in setting.items())
        else:
            cf, X, suffix = frame, res.design.X, ""
        for label, eff, grad in _effects_at(res, cf, X, chosen, kind, w, off):
            with np.errstate(invalid="ignore"):
                se = float(np.sqrt(grad @ V @ grad)) if np.all(np.isfinite(V)) else np.inf
            rows.append((label + suffix, eff, se))
    out = pd.DataFrame(rows, columns=["term", "effect", "se"]).set_index("term")
    out.index.name = None
    zc = float(ndtri(1 - alpha / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        out["z"] = out["effect"] / out["se"]
    out["p"] = 2.0 * ndtr(-np.abs(out["z"].to_numpy()))
    out["lower"] = out["effect"] - zc * out["se"]
    out["upper"] = out["effect"] + zc * out["se"]
    out.attrs.update(kind=kind, cov_type=res.cov_type)
    return out
