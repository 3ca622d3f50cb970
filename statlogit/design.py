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

from .columns import check_finite, column_extremes
from .exceptions import DataError, FormulaError, PredictionError
from .formula_help import all_missing_error, quote_hint
from .response import code_response, values_text

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
    #: The data columns named on the right of ``~`` (the response's columns are not predictors).
    predictor_columns: tuple[str, ...] = field(default_factory=tuple)
    #: Largest |value| of each column (computed once; used for internal scaling and symptoms);
    #: filled in by ``__post_init__`` when a builder does not pass it.
    column_absmax: np.ndarray | None = None
    #: Array interface: True when statlogit prepended the intercept column (so predict must
    #: too); False when X brought its own constant or there is none.
    intercept_added: bool = False
    #: Positions (0-based) in the caller's data of the rows used, in order (None: unknown).
    row_positions: np.ndarray | None = None
    #: Response levels in code order (y holds codes 0..K-1) for the multiclass families; None
    #: for the binary logit (whose y is 0/1 with ``event``/``non_event``).
    levels: tuple | None = None
    #: Array interface without a copy: the caller's predictor matrix (read-only view), when
    #: statlogit adds the intercept itself. Then ``X`` may be passed as None: it is built
    #: (``[1, predictors]``) only when a consumer first reads ``design.X``, while the fit
    #: reads ``predictors`` in place (see :meth:`implicit_intercept`).
    predictors: np.ndarray | None = None

    def __post_init__(self):
        if self.X is None:
            if self.predictors is None or not self.intercept_added:
                raise DataError("internal error: a design without X needs predictors; please report this")
            object.__delattr__(self, "X")  # built on first use by __getattr__
        rows = (self.X if "X" in self.__dict__ else self.predictors).shape[0]
        if rows != self.y.shape[0] or len(self.row_labels) != self.y.shape[0]:
            raise DataError(
                f"internal error: design has {rows} rows, response {self.y.shape[0]}, "
                f"labels {len(self.row_labels)}; please report this"
            )
        if self.column_absmax is None:  # builders pass it (they get it for free); others pay one pass
            cmax, cmin = column_extremes(self.X)
            object.__setattr__(self, "column_absmax", np.maximum(cmax, -cmin))

    def __getattr__(self, name: str):
        # Only reached when ``X`` has not been built yet (normal lookup failed).
        if name == "X" and self.__dict__.get("predictors") is not None:
            from .columns import with_intercept

            full = with_intercept(self.predictors)
            object.__setattr__(self, "X", full)
            return full
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def implicit_intercept(self) -> bool:
        """True while ``X`` is the caller's predictors plus an intercept not yet materialised:
        the fit then reads ``predictors`` in place (no copy of the caller's X)."""
        return "X" not in self.__dict__

    @property
    def n_columns(self) -> int:
        """Columns of ``X`` (the intercept included), without building ``X``."""
        return len(self.column_names)

    def linear_predictor(self, beta: np.ndarray) -> np.ndarray:
        """``X @ beta`` without building ``X`` (one read of the predictors)."""
        if self.implicit_intercept:
            eta = self.predictors @ beta[1:]
            eta += beta[0]
            return eta
        return self.X @ beta

    @property
    def nobs(self) -> int:
        return int(self.y.shape[0])

    @property
    def n_dropped(self) -> int:
        return len(self.dropped_labels)

    def event_label(self) -> str:
        """``diabetes = pos`` — how the summary names the modelled event."""
        return f"{self.response_label()} = {self.event}"

    def response_label(self) -> str:
        """The response as a reader names it: ``class`` for ``Q("class")`` (display only;
        messages show the formula's own spelling)."""
        from .report.tables import variable_label

        return variable_label(self.response_name)


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
    from .backends.dask_io import is_dask_data

    if is_dask_data(data):
        raise DataError(
            f"Dask data ({type(data).__name__}: a dask DataFrame or a path/glob of files) is taken by sl.logit, "
            "sl.mlogit and sl.ologit and their results only; here pass a pandas DataFrame (ddf.compute() if it fits in memory)"
        )
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


def _is_categorical_column(dtype) -> bool:
    return (isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype)
            or pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype))


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


def _formula_error(formula: str, exc, data: pd.DataFrame) -> FormulaError:
    text = str(exc).splitlines()[0]
    m = re.search(r"name '([^']+)' is not defined", str(exc))
    if m:
        return FormulaError(
            f"formula {formula!r} names {m.group(1)!r}, which is not a column of the data "
            f"(columns: {values_text(list(map(str, data.columns)), 12)})"
        )
    return FormulaError(f"cannot build the design for formula {formula!r}: {text}")


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

