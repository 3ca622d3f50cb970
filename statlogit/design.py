"""Formula/DataFrame (or arrays) -> :class:`Design`. The only module that imports patsy.

Here live the calls into patsy: parsing the formula, building the design matrix (or only its
``DesignInfo`` on the all-plain-columns fast path), R's term order, replaying the design on
``predict(newdata)`` and parsing linear hypotheses. The patsy-free pieces live in
:mod:`statlogit.design_record` (the :class:`Design` record), :mod:`statlogit.design_data`
(the data side) and :mod:`statlogit.design_messages` (error messages); their names are
re-exported here. Nothing downstream touches pandas or patsy again, except to label outputs.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .columns import check_finite, column_extremes
from .design_data import (  # noqa: F401  (re-exported: backends/dask_design, backends/dask_io)
    _IDENT,
    _as_frame,
    _eval_response,
    _formula_columns,
    _is_categorical_column,
    _positional_plain,
    _term_infos,
)
from .design_messages import (  # noqa: F401  (re-exported: backends/dask_design)
    _formula_error,
    _newdata_columns,
    _newdata_missing,
    _newdata_unseen,
)
from .design_record import Design, TermInfo  # noqa: F401  (re-exported: model, arrays, models, backends)
from .exceptions import DataError, FormulaError, PredictionError
from .formula_help import all_missing_error, quote_hint
from .response import code_response


def _user_environment():
    """patsy's evaluation namespace: the caller's frame (first outside statlogit), then numpy.

    Formulas may use the caller's functions and variables, as in statsmodels; ``np`` is
    always available so ``np.log(x)`` works even where numpy was not imported.
    """
    import os
    import sys

    import patsy

    package_dir = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package_dir):
        frame = frame.f_back
    spaces = [] if frame is None else [frame.f_locals, frame.f_globals]
    import patsy.builtins

    builtins = {k: getattr(patsy.builtins, k) for k in patsy.builtins.__all__}
    return patsy.EvalEnvironment(spaces + [{"np": np, "numpy": np}, builtins])


def design_from_formula(formula: str, data, *, missing: str = "drop", event: Any = None,
                        coder=None) -> Design:
    """Build a :class:`Design` from a patsy formula and a DataFrame (or dict of columns).

    ``coder(raw_response, name)`` (optional) codes the response of another model family and
    returns ``(y, levels, rule)``; by default the binary coding of :func:`code_response`.
    """
    import patsy

    if not isinstance(formula, str) or "~" not in formula:
        raise FormulaError(
            f"formula {formula!r} has no response: write it as 'outcome ~ x1 + x2'"
        )
    frame = _as_frame(data)
    if len(frame) == 0:
        raise DataError("data has 0 rows")
    try:
        desc = patsy.ModelDesc.from_formula(formula)
    except patsy.PatsyError as exc:
        first, _, picture = str(exc).partition("\n")  # patsy's caret picture goes after the hint
        raise FormulaError(f"cannot parse formula {formula!r}: {first}{quote_hint(formula, frame)}"
                           + (f"\n{picture}" if picture else "")) from exc
    if len(desc.lhs_termlist) != 1 or len(desc.lhs_termlist[0].factors) != 1:
        raise FormulaError(
            f"formula {formula!r} must have exactly one response on the left of '~'"
        )
    lhs_code = desc.lhs_termlist[0].factors[0].code
    env = _user_environment()
    labels = frame.index
    frame = _positional_plain(frame, formula)
    raw_y = _eval_response(lhs_code, frame, env, formula)
    rhs = patsy.ModelDesc([], desc.rhs_termlist)

    def build(sub: pd.DataFrame):
        try:
            return patsy.dmatrix(rhs, sub, eval_env=env, NA_action="drop", return_type="dataframe")
        except patsy.PatsyError as exc:
            raise all_missing_error(_formula_columns(formula, sub), sub) or _formula_error(formula, exc, sub) from exc
        except Exception as exc:
            hint = quote_hint(formula, sub)
            detail = "" if isinstance(exc, SyntaxError) and hint.startswith("; column") else f": {exc}"
            raise all_missing_error(_formula_columns(formula, sub), sub) or FormulaError(
                f"could not evaluate formula {formula!r}{detail}{hint}") from exc

    y_ok = raw_y.notna().to_numpy()
    fast = _plain_numeric_design(frame, rhs, env, y_ok)
    absmax = None
    if fast is not None:
        X, info, keep, absmax = fast
    else:
        Xdf = build(frame)
        keep = np.zeros(len(frame), dtype=bool)
        keep[Xdf.index.to_numpy()] = True
        keep &= y_ok
        if keep.any() and keep.sum() != len(Xdf):
            # Rows missing only in the response: rebuild on complete cases so factor levels
            # are those of the rows used, as R's model.frame does.
            Xdf = build(frame.loc[keep])
        info, perm = r_term_order(Xdf.design_info, rhs.rhs_termlist)
        X = None
        if keep.any():
            X = Xdf.to_numpy(dtype=float)
            X = np.ascontiguousarray(X if perm is None else X[:, perm])
    row_labels = labels[keep]
    if not keep.any():
        raise all_missing_error(_formula_columns(formula, frame), frame) or DataError(
            f"every one of the {len(frame)} rows has a missing value in "
            f"{', '.join(_formula_columns(formula, frame)) or 'the formula variables'}"
        )
    dropped = labels[~keep]
    if missing == "raise" and len(dropped):
        cols = [c for c in _formula_columns(formula, frame) if frame[c][~keep].isna().any()]
        raise DataError(
            f"{len(dropped)} of {len(frame)} rows have missing values (in "
            f"{', '.join(cols) or 'the formula variables'}); drop them first or use missing='drop'"
        )
    if len(info.column_names) == 0:
        raise FormulaError(f"formula {formula!r} has no intercept and no predictors; nothing to estimate")
    levels = None
    if coder is None:
        y, ev, non_ev, rule = code_response(raw_y[keep], lhs_code, event)
    else:
        y, levels, rule = coder(raw_y[keep], lhs_code)
        ev = non_ev = None
    if absmax is None:
        cmax, cmin = column_extremes(X)
        absmax = np.maximum(cmax, -cmin)
    check_finite(absmax, info.column_names)
    terms = _term_infos(info, frame)
    icpt = next((t.columns[0] for t in terms if t.kind == "intercept"), None)
    return Design(
        X=X,
        y=y,
        column_names=list(map(str, info.column_names)),
        terms=terms,
        response_name=lhs_code,
        event=ev,
        non_event=non_ev,
        response_coding=rule,
        row_labels=row_labels,
        dropped_labels=dropped,
        formula=formula,
        design_info=info,
        intercept_index=icpt,
        data_columns=tuple(_formula_columns(formula, frame)),
        predictor_columns=tuple(_formula_columns(formula.split("~", 1)[1], frame)),
        column_absmax=absmax,
        row_positions=np.flatnonzero(keep),
        levels=levels,
    )


def r_term_order(info, formula_terms):
    """The DesignInfo with its terms in R's order, and the column permutation (None if unchanged).

    patsy groups terms by the numeric factors they contain (so factors come first); R's
    ``terms()`` keeps formula order within each interaction order: the intercept, main effects
    as written, then two-way interactions, and so on. Reordering the DesignInfo's terms makes
    everything downstream follow: column names, term slices and ``predict(newdata)`` (patsy
    assembles new design matrices in the DesignInfo's term order). Contrast codings are kept.
    """
    from collections import OrderedDict

    import patsy

    terms = list(info.term_codings)
    written = {t: k for k, t in enumerate(formula_terms)}
    order = sorted(range(len(terms)), key=lambda k: (len(terms[k].factors), written.get(terms[k], k)))
    if order == list(range(len(terms))):
        return info, None
    slices = info.term_slices
    perm = np.concatenate([np.arange(slices[terms[k]].start, slices[terms[k]].stop) for k in order]).astype(np.intp)
    codings = OrderedDict((terms[k], info.term_codings[terms[k]]) for k in order)
    new = patsy.DesignInfo([info.column_names[j] for j in perm], factor_infos=info.factor_infos,
                           term_codings=codings)
    return new, perm


def _plain_numeric_design(frame: pd.DataFrame, rhs, env, y_ok: np.ndarray):
    """Fast path for formulas whose terms are all plain columns (``y ~ x1 + x2 + group``).

    A numeric column is its own design column; a text, boolean or categorical column is
    coded by patsy's contrast matrix indexed by each row's level code. The matrix is
    assembled with numpy in one copy; patsy only builds the ``DesignInfo`` (on one row per
    level), which ``predict`` replays, so the columns and their names are exactly patsy's.
    Returns ``None`` when any term is something else (an interaction, a transform, ``C()``).
    """
    import patsy

    codes: list[str] = []
    for term in rhs.rhs_termlist:
        if len(term.factors) > 1:
            return None
        for factor in term.factors:
            code = getattr(factor, "code", None)
            if code is None or code not in frame.columns or _IDENT.match(code) is None:
                return None
            dtype = frame[code].dtype
            if not (pd.api.types.is_float_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)
                    or _is_categorical_column(dtype)):
                return None
            codes.append(code)
    keep = y_ok.copy()
    cols: dict[str, np.ndarray] = {}
    levels: dict[str, list] = {}
    for code in codes:
        s = frame[code]
        if _is_categorical_column(s.dtype):
            keep &= s.notna().to_numpy()
        else:
            col = s.to_numpy(dtype=float, na_value=np.nan)
            keep &= ~np.isnan(col)
            cols[code] = col
    for code in codes:
        s = frame[code]
        if code in cols:
            continue
        if isinstance(s.dtype, pd.CategoricalDtype):
            levels[code] = list(s.cat.categories)
        else:
            present = pd.unique(s[keep])
            try:
                levels[code] = sorted(present)
            except TypeError:
                return None  # mixed types: leave the ordering to patsy
    # One row per level is enough for patsy to find the same levels and contrasts.
    rows = max([len(v) for v in levels.values()] + [1])
    proxy = {}
    for code in codes:
        if code in cols:
            proxy[code] = np.zeros(rows)
        else:
            lv = levels[code]
            if not lv:
                return None
            vals = [lv[i % len(lv)] for i in range(rows)]
            s = frame[code]
            if isinstance(s.dtype, pd.CategoricalDtype):
                proxy[code] = pd.Categorical(vals, categories=s.cat.categories, ordered=s.cat.ordered)
            else:
                proxy[code] = np.array(vals, dtype=object if not pd.api.types.is_bool_dtype(s.dtype) else bool)
    try:
        info = patsy.incr_dbuilder(rhs, lambda: iter([pd.DataFrame(proxy)]), eval_env=env, NA_action="drop")
    except Exception:
        return None
    info, _ = r_term_order(info, rhs.rhs_termlist)
    n_keep = int(keep.sum())
    X = np.empty((n_keep, len(info.column_names)))
    all_rows = n_keep == len(frame)
    sources = []
    absmax = np.ones(len(info.column_names))
    for term, sl in info.term_slices.items():
        if not term.factors:
            X[:, sl.start] = 1.0
            continue
        factor = term.factors[0]
        finfo = info.factor_infos[factor]
        if finfo.type == "numerical":
            col = cols[factor.code]
            col = col if all_rows else col[keep]
            if n_keep:
                absmax[sl.start] = max(col.max(), -col.min())
            sources.append((sl.start, col))
        else:
            s = frame[factor.code]
            values = s if all_rows else s[keep]
            level_codes = pd.Categorical(values, categories=list(finfo.categories)).codes
            if np.any(level_codes < 0):
                return None
            (subterm,) = info.term_codings[term]
            contrast = subterm.contrast_matrices[factor].matrix
            X[:, sl] = contrast[level_codes]
            if n_keep:
                absmax[sl] = np.abs(contrast[np.unique(level_codes)]).max(axis=0)
    # Columns to rows in cache-sized row blocks (a plain column-by-column copy is 2-3x slower).
    step = 4096
    for s in range(0, n_keep, step):
        block = X[s : s + step]
        for j, col in sources:
            block[:, j] = col[s : s + step]
    return X, info, keep, absmax


def new_design_matrix(design: Design, newdata) -> tuple[np.ndarray, pd.Index]:
    """Put new data through the fitted design (same transforms, same factor levels)."""
    if design.design_info is None:
        names = design.column_names[1:] if design.intercept_added else design.column_names
        try:
            if isinstance(newdata, pd.DataFrame):
                missing = [n for n in names if n not in newdata.columns]
                if missing:
                    raise PredictionError(f"newdata lacks column(s) {', '.join(missing)}")
                Xn = newdata[names].to_numpy(dtype=float)
                index = newdata.index
            else:
                Xn = np.asarray(newdata, dtype=float)
                if Xn.ndim == 1:
                    Xn = Xn[None, :]
                index = pd.RangeIndex(Xn.shape[0])
        except (TypeError, ValueError) as exc:
            raise PredictionError(f"newdata must be numeric in the model's columns ({exc})") from exc
        if Xn.ndim != 2 or Xn.shape[1] != len(names):
            raise PredictionError(
                f"newdata has {Xn.shape[-1]} columns; the model needs {len(names)} ({', '.join(names)})"
                + (" (the intercept is added for you)" if design.intercept_added else "")
            )
        if design.intercept_added:
            Xn = np.hstack([np.ones((Xn.shape[0], 1)), Xn])
    else:
        import patsy

        frame = _as_frame(newdata)
        try:
            (Xdf,) = patsy.build_design_matrices(
                [design.design_info], frame, NA_action="raise", return_type="dataframe"
            )
        except patsy.PatsyError as exc:
            msg = str(exc).splitlines()[0]
            m = re.search(r"name '([^']+)' is not defined", str(exc))
            if m:
                msg = f"newdata lacks column {m.group(1)!r} used by the formula"
            elif "missing values" in msg:
                msg = "newdata has missing values in the formula variable(s)" + _newdata_missing(design, frame)
            elif "observation with value" in msg or "not among" in msg or "Error converting data to categorical" in msg:
                where = _newdata_unseen(design, frame)
                msg = (f"newdata has a factor level the model was not fitted with{where}; drop those rows or "
                       "map them to a fitted level" if where else
                       f"newdata has a factor level the model was not fitted with: {msg}")
            raise PredictionError(msg) from exc
        except NameError as exc:
            raise PredictionError(f"newdata lacks a column used by the formula: {exc}") from exc
        Xn = Xdf.to_numpy(dtype=float)
        index = Xdf.index
    if not np.all(np.isfinite(Xn)):
        raise PredictionError("newdata has missing or infinite values in the model's columns")
    return Xn, index


def linear_constraint(spec, names: list[str]):
    """``(L, q)`` of the hypothesis ``spec`` (a string, list of strings or dict) over ``names``,
    parsed as patsy's ``linear_constraint`` ("glucose = mass", "a + b = 1")."""
    import patsy
    from patsy.constraint import linear_constraint as patsy_linear_constraint

    from .exceptions import OptionError

    try:
        lc = patsy_linear_constraint(spec, names)
    except patsy.PatsyError as exc:
        raise OptionError(
            f"cannot read the hypothesis {spec!r}: {str(exc).splitlines()[0]}. Write it with the "
            f"parameter names ({', '.join(names)}), e.g. '{names[-1]} = 0'"
        ) from exc
    return np.asarray(lc.coefs, dtype=float), np.asarray(lc.constants, dtype=float).reshape(-1)

