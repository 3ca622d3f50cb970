"""Formula/DataFrame (or arrays) -> :class:`Design`. The only module that imports patsy.

A Design holds float64 ``X`` and 0/1 ``y``, the column names, which columns each formula
term owns (for GVIF and Box-Tidwell), the patsy ``DesignInfo`` (so ``predict(newdata)``
replays the same transforms and factor levels), the rows dropped for missing values, and
which response level is the event. Nothing downstream touches pandas or patsy again,
except to label outputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import DataError, FormulaError, PredictionError, ResponseError

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class TermInfo:
    """One formula term and the design columns it owns.

    ``kind`` is ``"intercept"``, ``"numeric"`` (one numeric factor), ``"categorical"``
    (one categorical factor) or ``"interaction"``. ``variable`` is the data column when
    the term is a plain numeric main effect (``age``, not ``np.log(age)`` or ``I(age**2)``).
    """

    name: str
    columns: tuple[int, ...]
    kind: str
    variable: str | None = None


@dataclass(frozen=True)
class Design:
    X: np.ndarray
    y: np.ndarray
    column_names: list[str]
    terms: list[TermInfo]
    response_name: str
    event: Any
    non_event: Any
    response_coding: str
    row_labels: pd.Index
    dropped_labels: pd.Index
    formula: str | None = None
    design_info: Any = None
    intercept_index: int | None = None
    data_columns: tuple[str, ...] = field(default_factory=tuple)
    #: Largest |value| of each column (computed once; used for internal scaling and symptoms).
    column_absmax: np.ndarray | None = None

    @property
    def nobs(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_dropped(self) -> int:
        return len(self.dropped_labels)

    def event_label(self) -> str:
        """``diabetes = pos`` — how the summary names the modelled event."""
        return f"{self.response_name} = {self.event}"


# --------------------------------------------------------------------------- response


def _values_text(values, limit: int = 6) -> str:
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
        levels = [False, True]
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
            f"response {name!r} is constant (every used row is {_values_text(levels)}); "
            "logistic regression needs both outcomes present"
        )
    if kind == "numeric" and any(v != int(v) for v in levels) and event is None:
        raise ResponseError(
            f"response {name!r} has non-integer values ({_values_text(levels)}); logistic "
            "regression needs a two-level outcome (0/1). For proportions, expand to 0/1 rows "
            "or use a binomial GLM with weights"
        )
    if len(levels) > 2:
        raise ResponseError(
            f"response {name!r} has {len(levels)} distinct values ({_values_text(levels)}); "
            "logistic regression needs two. Recode it, e.g. 'I(outcome == 2)' in the formula"
        )

    if event is None:
        if kind == "numeric" and set(levels) != {0.0, 1.0}:
            raise ResponseError(
                f"response {name!r} is coded {_values_text(levels)}, not 0/1; pass "
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
                f"{_values_text(levels)}"
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


# --------------------------------------------------------------------------- formulas


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
    raise DataError(
        f"data must be a pandas DataFrame or a dict of columns, not {type(data).__name__}"
    )


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


def _eval_response(lhs_code: str, data: pd.DataFrame, env) -> pd.Series:
    try:
        raw = env.eval(lhs_code, inner_namespace=data)
    except NameError as exc:
        missing = re.search(r"name '([^']+)' is not defined", str(exc))
        what = repr(missing.group(1)) if missing else repr(lhs_code)
        raise FormulaError(
            f"response {lhs_code!r}: {what} is not a column of the data; columns are "
            f"{_values_text(list(map(str, data.columns)), 12)}"
        ) from exc
    except Exception as exc:  # patsy evaluates arbitrary Python
        raise FormulaError(f"could not evaluate the response {lhs_code!r}: {exc}") from exc
    if np.ndim(raw) == 0:
        raw = np.repeat(raw, len(data))
    s = pd.Series(raw, index=data.index) if not isinstance(raw, pd.Series) else raw
    if s.ndim != 1 or len(s) != len(data):
        raise FormulaError(f"response {lhs_code!r} must be one column with one value per row")
    return s


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


def _formula_columns(formula: str, data: pd.DataFrame) -> list[str]:
    """Data columns mentioned in the formula text (for messages about missing values)."""
    return [c for c in map(str, data.columns) if re.search(rf"(?<![\w.]){re.escape(c)}(?![\w])", formula)]


def design_from_formula(formula: str, data, *, missing: str = "drop", event: Any = None) -> Design:
    """Build a :class:`Design` from a patsy formula and a DataFrame (or dict of columns)."""
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
        raise FormulaError(f"cannot parse formula {formula!r}: {exc}") from exc
    if len(desc.lhs_termlist) != 1 or len(desc.lhs_termlist[0].factors) != 1:
        raise FormulaError(
            f"formula {formula!r} must have exactly one response on the left of '~'"
        )
    lhs_code = desc.lhs_termlist[0].factors[0].code
    env = _user_environment()
    raw_y = _eval_response(lhs_code, frame, env)
    rhs = patsy.ModelDesc([], desc.rhs_termlist)

    def build(sub: pd.DataFrame):
        try:
            return patsy.dmatrix(rhs, sub, eval_env=env, NA_action="drop", return_type="dataframe")
        except patsy.PatsyError as exc:
            raise _formula_error(formula, exc, sub) from exc
        except Exception as exc:
            raise FormulaError(f"could not evaluate formula {formula!r}: {exc}") from exc

    y_ok = raw_y.notna().to_numpy()
    fast = _plain_numeric_design(frame, rhs, env, y_ok)
    absmax = None
    if fast is not None:
        X, info, keep, absmax = fast
        row_labels = frame.index[keep]
    else:
        Xdf = build(frame)
        keep = frame.index.isin(Xdf.index) & y_ok
        if keep.any() and keep.sum() != len(Xdf):
            # Rows missing only in the response: rebuild on complete cases so factor levels
            # are those of the rows used, as R's model.frame does.
            Xdf = build(frame.loc[keep])
        X = np.ascontiguousarray(Xdf.to_numpy(dtype=float)) if keep.any() else None
        info = Xdf.design_info
        row_labels = Xdf.index
    if not keep.any():
        raise DataError(
            f"every one of the {len(frame)} rows has a missing value in "
            f"{', '.join(_formula_columns(formula, frame)) or 'the formula variables'}"
        )
    dropped = frame.index[~keep]
    if missing == "raise" and len(dropped):
        cols = [c for c in _formula_columns(formula, frame) if frame.loc[dropped, c].isna().any()]
        raise DataError(
            f"{len(dropped)} of {len(frame)} rows have missing values (in "
            f"{', '.join(cols) or 'the formula variables'}); drop them first or use missing='drop'"
        )
    if len(info.column_names) == 0:
        raise FormulaError(f"formula {formula!r} has no intercept and no predictors; nothing to estimate")
    y, ev, non_ev, rule = code_response(raw_y[keep], lhs_code, event)
    if absmax is None:
        cmax, cmin = _column_extremes(X)
        absmax = np.maximum(cmax, -cmin)
    _check_finite(absmax, info.column_names)
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
        column_absmax=absmax,
    )


def _fold(block: np.ndarray, op) -> np.ndarray:
    """Column-wise reduction of a C-ordered block by repeated halving.

    ``block.max(axis=0)`` walks rows only p long; folding the two halves with an
    elementwise ``op`` works on long contiguous runs and is several times faster.
    NaN propagates, as with ``np.maximum``/``np.minimum``.
    """
    acc = block
    while acc.shape[0] > 1:
        m = acc.shape[0]
        h = m // 2
        nxt = op(acc[:h], acc[h : 2 * h])
        if m % 2:
            nxt[0] = op(nxt[0], acc[-1])
        acc = nxt
    return acc[0].copy()


def _column_extremes(X: np.ndarray, step: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """Column max and min of X (NaN where a column has NaN), reading X once in row blocks."""
    n, p = X.shape
    cmax = np.full(p, -np.inf)
    cmin = np.full(p, np.inf)
    if not X.flags.c_contiguous:
        with np.errstate(invalid="ignore"):
            return (X.max(axis=0), X.min(axis=0)) if n else (np.zeros(p), np.zeros(p))
    with np.errstate(invalid="ignore"):
        for s in range(0, n, step):
            block = X[s : s + step]
            np.maximum(cmax, _fold(block, np.maximum), out=cmax)
            np.minimum(cmin, _fold(block, np.minimum), out=cmin)
    if n == 0:
        return np.zeros(p), np.zeros(p)
    return cmax, cmin


def _copy_with_intercept(X: np.ndarray, step: int = 8192):
    """``[1, X]`` as a new C-ordered array, and X's column max and min, in one pass of X.

    Each row block is reduced while it is still in cache, so the extremes cost no extra read.
    """
    n, p = X.shape
    out = np.empty((n, p + 1))
    out[:, 0] = 1.0
    if not X.flags.c_contiguous:
        out[:, 1:] = X
        cmax, cmin = _column_extremes(out[:, 1:])
        return out, cmax, cmin
    cmax = np.full(p, -np.inf)
    cmin = np.full(p, np.inf)
    with np.errstate(invalid="ignore"):
        for s in range(0, n, step):
            block = X[s : s + step]
            out[s : s + step, 1:] = block
            np.maximum(cmax, _fold(block, np.maximum), out=cmax)
            np.minimum(cmin, _fold(block, np.minimum), out=cmin)
    return out, cmax, cmin


def _check_finite(absmax: np.ndarray, names) -> None:
    """Raise DataError naming the columns whose largest |value| is infinite."""
    bad = [str(c) for c, m in zip(names, absmax) if not np.isfinite(m)]
    if bad:
        raise DataError(
            f"column(s) {', '.join(bad)} contain infinite values; remove or cap those rows"
        )


def _plain_numeric_design(frame: pd.DataFrame, rhs, env, y_ok: np.ndarray):
    """Fast path for formulas whose terms are all plain numeric columns (``y ~ x1 + x2``).

    The design matrix is then the columns themselves, so it is assembled with numpy in one
    copy; patsy only builds the ``DesignInfo`` (on a few rows), which ``predict`` replays.
    Returns ``None`` when any term is not a plain numeric column.
    """
    import patsy

    codes = []
    for term in rhs.rhs_termlist:
        if len(term.factors) > 1:
            return None
        for factor in term.factors:
            code = getattr(factor, "code", None)
            if code is None or code not in frame.columns or _IDENT.match(code) is None:
                return None
            dtype = frame[code].dtype
            if not (pd.api.types.is_float_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)):
                return None
            codes.append(code)
    head = frame.iloc[:20]
    try:
        info = patsy.incr_dbuilder(rhs, lambda: iter([head]), eval_env=env, NA_action="drop")
    except Exception:
        return None
    if any(fi.type != "numerical" for fi in info.factor_infos.values()):
        return None
    keep = y_ok.copy()
    cols = []
    for code in codes:
        col = frame[code].to_numpy(dtype=float, na_value=np.nan)
        keep &= ~np.isnan(col)
        cols.append(col)
    n_keep = int(keep.sum())
    X = np.empty((n_keep, len(info.column_names)))
    all_rows = n_keep == len(frame)
    sources = []
    absmax = np.ones(len(info.column_names))
    for term, sl in info.term_slices.items():
        if not term.factors:
            X[:, sl.start] = 1.0
        else:
            col = cols[codes.index(term.factors[0].code)]
            col = col if all_rows else col[keep]
            if n_keep:
                absmax[sl.start] = max(col.max(), -col.min())
            sources.append((sl.start, col))
    # Columns to rows in cache-sized row blocks (a plain column-by-column copy is 2-3x slower).
    step = 4096
    for s in range(0, n_keep, step):
        block = X[s : s + step]
        for j, col in sources:
            block[:, j] = col[s : s + step]
    return X, info, keep, absmax


def _formula_error(formula: str, exc, data: pd.DataFrame) -> FormulaError:
    text = str(exc).splitlines()[0]
    m = re.search(r"name '([^']+)' is not defined", str(exc))
    if m:
        return FormulaError(
            f"formula {formula!r} names {m.group(1)!r}, which is not a column of the data "
            f"(columns: {_values_text(list(map(str, data.columns)), 12)})"
        )
    return FormulaError(f"cannot build the design for formula {formula!r}: {text}")


# --------------------------------------------------------------------------- arrays


def design_from_arrays(y, X, *, intercept: bool = True, missing: str = "drop", event: Any = None) -> Design:
    """Build a :class:`Design` from a response vector and a predictor matrix/DataFrame.

    An intercept column named ``Intercept`` is put first unless ``intercept=False``.
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
    if isinstance(y, pd.Series):
        name = str(y.name) if y.name is not None else "y"
        ys = y.reset_index(drop=True)
    else:
        ya = np.asarray(y)
        if ya.ndim != 1:
            ya = ya.reshape(-1) if ya.ndim == 2 and 1 in ya.shape else ya
        if ya.ndim != 1:
            raise DataError(f"y must be one column, got shape {np.shape(y)}")
        ys = pd.Series(ya)
    if len(ys) != Xa.shape[0]:
        raise DataError(f"y has {len(ys)} rows but X has {Xa.shape[0]}")
    if Xa.shape[0] == 0:
        raise DataError("data has 0 rows")
    # Column extremes (NaN shows up in them, and so do inf and constants). With an intercept
    # they come from the one blocked copy that also writes the intercept column.
    prefilled = None
    if intercept:
        prefilled, cmax, cmin = _copy_with_intercept(Xa)
    else:
        cmax, cmin = _column_extremes(Xa)
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
    yv, ev, non_ev, rule = code_response(ys if all_rows else ys[keep].reset_index(drop=True), name, event)
    n_keep = int(keep.sum())
    rows = Xa if all_rows else Xa[keep]
    if not row_ok.all():
        cmax, cmin = _column_extremes(rows)
    absmax = np.maximum(cmax, -cmin)
    const = np.flatnonzero((cmax == cmin) & (cmax != 0))
    icpt = None
    if len(const):
        # X brings its own constant (sm.add_constant habit): that column is the intercept,
        # and no second one is added.
        Xa = np.ascontiguousarray(rows)
        icpt = int(const[0])
    elif intercept:
        if prefilled is not None and all_rows:
            Xa = prefilled
        else:
            Xa = np.empty((n_keep, Xa.shape[1] + 1))
            Xa[:, 0] = 1.0
            Xa[:, 1:] = rows
        names = ["Intercept"] + names
        absmax = np.r_[1.0, absmax]
        icpt = 0
    else:
        Xa = np.ascontiguousarray(rows)
    if Xa.shape[1] == 0:
        raise DataError("X has no columns and intercept=False; nothing to estimate")
    _check_finite(absmax, names)
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
        row_labels=index[keep],
        dropped_labels=dropped,
        intercept_index=icpt,
        column_absmax=absmax,
    )


def new_design_matrix(design: Design, newdata) -> tuple[np.ndarray, pd.Index]:
    """Put new data through the fitted design (same transforms, same factor levels)."""
    if design.design_info is None:
        if isinstance(newdata, pd.DataFrame):
            names = [n for n in design.column_names if n != "Intercept" or design.intercept_index is None]
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
        if design.intercept_index is not None:
            Xn = np.hstack([np.ones((Xn.shape[0], 1)), Xn])
        if Xn.shape[1] != len(design.column_names):
            raise PredictionError(
                f"newdata has {Xn.shape[1]} columns after adding the intercept; the model has "
                f"{len(design.column_names)} ({', '.join(design.column_names)})"
            )
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
                msg = "newdata has missing values in the formula variables; drop or fill those rows"
            elif "observation with value" in msg or "not among" in msg or "Error converting data to categorical" in msg:
                msg = f"newdata has a factor level the model was not fitted with: {msg}"
            raise PredictionError(msg) from exc
        except NameError as exc:
            raise PredictionError(f"newdata lacks a column used by the formula: {exc}") from exc
        Xn = Xdf.to_numpy(dtype=float)
        index = Xdf.index
    if not np.all(np.isfinite(Xn)):
        raise PredictionError("newdata has missing or infinite values in the model's columns")
    return Xn, index
