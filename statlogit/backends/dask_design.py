"""The design of a Dask fit: learnt in one first pass, then built per partition.

First pass (:func:`scan`, one task per partition, summed on the driver): the rows, the
complete cases (response and every formula column present, as the in-memory design drops
them), the distinct values of every text, boolean or categorical column among the complete
cases (a distributed unique, so a level first seen in a late partition is known before any
design is built), the distinct response values, each partition's column types (CSV files
that disagree are named), and a seeded random sample of complete rows (for the start of
Newton and for patsy's ``DesignInfo``).

patsy then learns the ``DesignInfo`` from a small proxy frame holding every level and real
sample rows; it is never pickled (patsy forbids it): workers rebuild it from the picklable
:class:`PartitionSpec` and cache it. Each partition's ``X`` and ``y`` are then built by
:func:`partition_design` exactly as the in-memory design would build those rows; the whole
design is never materialised (per-partition builder: :mod:`statlogit.backends.dask_partition`). Stateful transforms (``center()``, ``standardize()``, splines)
would need their state from all rows and are refused with advice.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, FormulaError, StatlogitError

#: The random sample of complete rows kept by the first pass (spread over the partitions):
#: at least SAMPLE_ROWS, else 1 row in SAMPLE_SHARE, at most SAMPLE_CELLS / columns rows (200 MB
#: of float64). Newton from a fit on m of n rows saves a pass only once m is a large share of
#: n (the decrement after one step is about p n^(1/2) / m), so the sample stays small: measured
#: on 5e7 rows, 50,000 and 2e6 sample rows both took four passes.
SAMPLE_ROWS = 50_000
SAMPLE_SHARE = 1000
SAMPLE_CELLS = 25_000_000


def sample_limits(n_parts: int, n_columns: int, share: float = 1.0) -> tuple[int, int, float]:
    """Least and most sample rows per partition, and the share of its rows (see SAMPLE_ROWS),
    when ``share`` of the partitions are sampled."""
    most = max(SAMPLE_ROWS, SAMPLE_CELLS // max(n_columns, 1))
    return (max(1, int(-(-SAMPLE_ROWS // n_parts) / share)), max(1, int(-(-most // n_parts) / share)),
            min(1.0, 1.0 / (SAMPLE_SHARE * share)))
#: Distinct response values collected per partition (more than 2 is an error anyway).
MAX_RESPONSE_VALUES = 20


@dataclass(frozen=True)
class PartitionSpec:
    """Everything a worker needs to build a partition's design (picklable; no patsy objects)."""

    formula: str
    lhs_code: str
    rhs_code: str
    columns: tuple[str, ...]
    categorical: tuple[str, ...] = ()
    namespace: dict = field(default_factory=dict)
    proxy: pd.DataFrame | None = None
    event: Any = None
    response_kind: str = ""
    token: str = ""
    #: False when the first pass did not see every response value (footers only): the first
    #: Newton pass then checks that each is one of the two levels.
    response_checked: bool = True
    levels: tuple = ()
    #: The response levels in model order (codes 0..K-1) of a multinomial or ordinal fit.
    family_levels: tuple = ()


def _categorical_dtype(dtype) -> bool:
    return (isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype)
            or pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype))


def _environment(namespace: dict):
    import patsy
    import patsy.builtins

    builtins = {k: getattr(patsy.builtins, k) for k in patsy.builtins.__all__}
    return patsy.EvalEnvironment([dict(namespace), {"np": np, "numpy": np}, builtins])


def caller_namespace(formula: str, depth: int = 2) -> dict:
    """Names in the formula defined in the caller's frame (functions, constants) that can be
    pickled for the workers; the rest of the caller's namespace stays behind."""
    import os
    import sys

    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame = sys._getframe(depth)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package_dir):
        frame = frame.f_back
    if frame is None:
        return {}
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula))
    out = {}
    import cloudpickle

    for name in names:
        for space in (frame.f_locals, frame.f_globals):
            if name in space:
                try:
                    cloudpickle.dumps(space[name])
                except Exception:
                    break
                out[name] = space[name]
                break
    return out


# ----------------------------------------------------------------------------- first pass


def _frame(part: pd.DataFrame, formula: str) -> pd.DataFrame:
    from ..design import _positional_plain

    return _positional_plain(part, formula)


def _response(frame: pd.DataFrame, spec: PartitionSpec) -> pd.Series:
    from ..design import _eval_response

    return _eval_response(spec.lhs_code, frame, _environment(spec.namespace))


def scan(part: pd.DataFrame, spec: PartitionSpec, label: str, index: int, limits: tuple[int, int, float]) -> dict:
    """First-pass facts of one partition (see the module docstring)."""
    try:
        frame = _frame(part, spec.formula)
        raw_y = _response(frame, spec)
        keep = raw_y.notna().to_numpy(copy=True)
        for c in spec.columns:
            keep &= frame[c].notna().to_numpy()
        levels, orders = {}, {}
        for c in spec.columns:
            if _categorical_dtype(frame[c].dtype):
                levels[c] = pd.unique(frame[c][keep])
                if isinstance(part[c].dtype, pd.CategoricalDtype):
                    orders[c] = list(part[c].dtype.categories)
        yv = pd.unique(raw_y[keep])
        k = int(keep.sum())
        rows = np.flatnonzero(keep)
        sample_rows = min(max(limits[0], int(k * limits[2])), limits[1])
        if k > sample_rows:
            rows = np.sort(np.random.default_rng([20240601, index]).choice(rows, sample_rows, replace=False))
        return {"n_rows": len(frame), "n_keep": k, "levels": {label: levels}, "orders": {label: orders}, "response": yv[:MAX_RESPONSE_VALUES],
                "response_dtype": raw_y.dtype, "dtypes": {label: {c: str(part[c].dtype) for c in spec.columns}},
                "sample": [part.iloc[rows]], "_typed": bool(k)}
    except StatlogitError as exc:
        raise type(exc)(f"{label}: {exc}") from exc
    except Exception as exc:
        raise DataError(f"{label}: {type(exc).__name__}: {exc}") from exc


def combine_scans(parts: list[dict]) -> dict:
    """Sum of first-pass facts (the same shape as one partition's)."""
    out = {"n_rows": 0, "n_keep": 0, "levels": {}, "orders": {}, "dtypes": {}, "sample": [], "response": [],
           "response_dtype": None}
    for s in parts:
        out["n_rows"] += s["n_rows"]
        out["n_keep"] += s["n_keep"]
        out["levels"].update(s["levels"])
        out["orders"].update(s["orders"])
        out["dtypes"].update(s["dtypes"])
        out["sample"].extend(s["sample"])
        out["response"] = list(pd.unique(np.asarray(list(out["response"]) + list(s["response"]), dtype=object)))
        if out["response_dtype"] is None or (s["n_keep"] and not out.get("_typed")):
            out["response_dtype"] = s["response_dtype"]
            out["_typed"] = bool(s["n_keep"])
    return out


# ----------------------------------------------------------------------------- design info


_INFO_CACHE: dict[str, Any] = {}


def design_info(spec: PartitionSpec):
    """patsy's DesignInfo for the spec (cached per process: workers rebuild it once)."""
    info = _INFO_CACHE.get(spec.token)
    if info is None:
        import patsy

        rhs = patsy.ModelDesc.from_formula("__y__ ~ " + spec.rhs_code)
        rhs = patsy.ModelDesc([], rhs.rhs_termlist)
        from ..design import r_term_order

        info = patsy.incr_dbuilder(rhs, lambda: iter([spec.proxy]), eval_env=_environment(spec.namespace),
                                   NA_action="drop")
        info, _ = r_term_order(info, rhs.rhs_termlist)  # R's term order, as the in-memory design
        if len(_INFO_CACHE) > 32:
            _INFO_CACHE.clear()
        _INFO_CACHE[spec.token] = info
    return info


def _proxy(sample: pd.DataFrame, levels: dict[str, list], meta: pd.DataFrame) -> pd.DataFrame:
    """Real sample rows, with each categorical column cycling through all its levels."""
    rows = max([len(v) for v in levels.values()] + [min(len(sample), 64), 1])
    base = sample.iloc[np.arange(rows) % max(len(sample), 1)].reset_index(drop=True) if len(sample) else None
    out = {}
    for c in meta.columns:
        if c in levels:
            lv = levels[c]
            vals = [lv[i % len(lv)] for i in range(rows)]
            dtype = meta[c].dtype
            if isinstance(dtype, pd.CategoricalDtype):
                out[c] = pd.Categorical(vals, categories=lv, ordered=dtype.ordered)
            elif pd.api.types.is_bool_dtype(dtype):
                out[c] = np.array(vals, dtype=bool)
            else:
                out[c] = np.array(vals, dtype=object)
        else:
            out[c] = base[c].to_numpy() if base is not None else np.zeros(rows)
    return pd.DataFrame(out)


def _sorted_levels(values: list, order: list | None) -> list:
    """Present levels in category order (a pandas Categorical), else sorted as patsy sorts."""
    if order is not None:
        present = set(values)
        known = [c for c in order if c in present]
        return known + sorted(present - set(known), key=str)
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def _category_order(orders: dict[str, dict], labels, column: str) -> list | None:
    """Categories of a categorical column: the first partition's order, then any new ones."""
    out: list = []
    for lb in labels:
        for c in orders.get(lb, {}).get(column, []):
            if c not in out:
                out.append(c)
    return out or None


@dataclass(frozen=True)
class DaskDesign:
    """The facts of a Dask design that the results need (the rows stay in the partitions)."""

    spec: PartitionSpec
    source: Any
    column_names: list[str]
    terms: list
    response_name: str
    event: Any
    non_event: Any
    response_coding: str
    formula: str
    design_info: Any
    intercept_index: int | None
    data_columns: tuple[str, ...]
    n_rows: int
    nobs: int
    sample: pd.DataFrame
    n_events: float = float("nan")
    column_absmax: np.ndarray | None = None
    intercept_added: bool = False

    @property
    def n_dropped(self) -> int:
        return self.n_rows - self.nobs

    @property
    def frame(self):
        return self.source.frame

    @property
    def labels(self) -> tuple[str, ...]:
        return self.source.labels

    def event_label(self) -> str:
        from ..design import Design

        return Design.event_label(self)

    def response_label(self) -> str:
        from ..design import Design

        return Design.response_label(self)

    def with_counts(self, nobs: int, n_events: float, absmax: np.ndarray) -> DaskDesign:
        """The design of a fit: its counts, and the sample cut to a few rows (it started Newton)."""
        return replace(self, nobs=int(nobs), n_events=float(n_events), column_absmax=absmax,
                       sample=self.sample.iloc[:1000])


def _check_dtypes(dtypes: dict[str, dict[str, str]], labels: tuple[str, ...]) -> None:
    first_label = next((lb for lb in labels if lb in dtypes), None)
    if first_label is None:
        return
    first = dtypes[first_label]
    for lb in labels:
        d = dtypes.get(lb, first)
        for c, t in d.items():
            t0 = first[c]
            numeric = {t, t0} <= {"int64", "float64", "int32", "float32", "Int64", "Float64"}
            if t != t0 and not numeric:
                raise DataError(
                    f"{lb}: column {c!r} has type {t}, but {t0} in {first_label}; the files must share one "
                    "schema (a text value in a numeric column is a common cause)"
                )


def build_dask_design(source, formula: str, *, event=None, missing: str = "drop", namespace: dict,
                      compute, coder=None) -> DaskDesign:
    """First pass over the data and the design learnt from it (see the module docstring).
    ``coder``: a K-level response coder of :mod:`statlogit.models.levels` (multinomial, ordinal)."""
    import dask
    import patsy

    from ..design import _term_infos
    from ..response import code_response

    if not isinstance(formula, str) or "~" not in formula:
        raise FormulaError(f"formula {formula!r} has no response: write it as 'outcome ~ x1 + x2'")
    try:
        desc = patsy.ModelDesc.from_formula(formula)
    except patsy.PatsyError as exc:
        raise FormulaError(f"cannot parse formula {formula!r}: {exc}") from exc
    if len(desc.lhs_termlist) != 1 or len(desc.lhs_termlist[0].factors) != 1:
        raise FormulaError(f"formula {formula!r} must have exactly one response on the left of '~'")
    lhs_code = desc.lhs_termlist[0].factors[0].code
    rhs_code = formula.split("~", 1)[1]
    frame = source.frame
    cols = tuple(map(str, frame.columns))
    spec = PartitionSpec(formula, lhs_code, rhs_code, cols, namespace=namespace)
    nparts = frame.npartitions
    per_part = sample_limits(nparts, len(cols))
    parts = frame.to_delayed()
    spec_d = dask.delayed(spec, pure=True)
    from .dask_footer import footer_facts

    facts = footer_facts(source, spec, compute, event, missing) if coder is None else None
    if facts is None:
        tasks = [dask.delayed(scan, pure=True)(p, spec_d, source.labels[i], i, per_part) for i, p in enumerate(parts)]
        facts = compute(tree_reduce(tasks, combine_scans), "the first pass (factor levels and missing values)")
    _check_dtypes(facts["dtypes"], source.labels)
    n_rows, n_keep = facts["n_rows"], facts["n_keep"]
    if n_rows == 0:
        raise DataError("data has 0 rows")
    if n_keep == 0:
        raise DataError(f"every one of the {n_rows} rows has a missing value in {', '.join(cols) or 'the formula'}")
    if missing == "raise" and n_keep < n_rows:
        raise DataError(
            f"{n_rows - n_keep} of {n_rows} rows have missing values (in {', '.join(cols)}); drop them first "
            "or use missing='drop'"
        )
    meta = frame._meta
    levels: dict[str, list] = {}
    for c in cols:
        if _categorical_dtype(meta[c].dtype) or any(c in d for d in facts["levels"].values()):
            vals = [v for d in facts["levels"].values() for v in d.get(c, [])]
            levels[c] = _sorted_levels(list(pd.unique(np.asarray(vals, dtype=object))),
                                       _category_order(facts["orders"], source.labels, c))
    sample = pd.concat(facts["sample"], ignore_index=True) if facts["sample"] else meta.iloc[:0]
    ydtype = facts["response_dtype"]
    yvals = facts["response"]
    if isinstance(ydtype, pd.CategoricalDtype):
        yser = pd.Series(pd.Categorical(yvals, categories=ydtype.categories))
    elif pd.api.types.is_bool_dtype(ydtype):
        yser = pd.Series(np.asarray(yvals, dtype=bool))
    elif pd.api.types.is_numeric_dtype(ydtype):
        yser = pd.Series(np.asarray(yvals, dtype=float))
    else:
        yser = pd.Series(np.asarray(yvals, dtype=object))
    family_levels: tuple = ()
    if coder is None:
        _, ev, non_ev, rule = code_response(yser, lhs_code, event)
    else:
        _, family_levels, rule = coder(yser, lhs_code)
        ev = non_ev = None
    kind = ("categorical" if isinstance(ydtype, pd.CategoricalDtype) else "bool" if pd.api.types.is_bool_dtype(ydtype)
            else "numeric" if pd.api.types.is_numeric_dtype(ydtype) else "string")
    proxy = _proxy(sample, levels, meta)
    token = hashlib.sha1(pickle.dumps((formula, sorted(levels.items(), key=str), rule, str(ev),
                                       str(family_levels)))).hexdigest()
    token += hashlib.sha1(pd.util.hash_pandas_object(proxy.astype(object).astype(str), index=True).to_numpy()).hexdigest()
    spec = replace(spec, categorical=tuple(levels), proxy=proxy, event=ev, response_kind=kind, token=token,
                   response_checked=facts.get("counted", True), levels=(non_ev, ev), family_levels=family_levels)
    try:
        info = design_info(spec)
    except patsy.PatsyError as exc:
        from ..design import _formula_error

        raise _formula_error(formula, exc, meta) from exc
    except Exception as exc:
        raise FormulaError(f"could not evaluate formula {formula!r}: {exc}") from exc
    stateful = [f.code for f, fi in info.factor_infos.items() if fi.state.get("transforms")]
    if stateful:
        raise FormulaError(
            f"formula {formula!r} uses a transform that learns from the data ({', '.join(stateful)}); on Dask its "
            "state would need all rows. Compute that column first (e.g. with ddf.assign) and use it plainly"
        )
    if len(info.column_names) == 0:
        raise FormulaError(f"formula {formula!r} has no intercept and no predictors; nothing to estimate")
    terms = _term_infos(info, proxy)
    icpt = next((t.columns[0] for t in terms if t.kind == "intercept"), None)
    return DaskDesign(spec=spec, source=source, column_names=list(map(str, info.column_names)), terms=terms,
                      response_name=lhs_code, event=ev, non_event=non_ev, response_coding=rule, formula=formula,
                      design_info=info, intercept_index=icpt, data_columns=cols, n_rows=n_rows, nobs=n_keep,
                      sample=sample)


def tree_reduce(tasks: list, combine, split_every: int = 8):
    """Sum delayed pieces by a tree of ``combine`` calls (``split_every`` pieces per node)."""
    import dask

    if not tasks:
        raise DataError("the data have no partitions")
    level = [dask.delayed(combine, pure=True)(tasks[i:i + split_every]) for i in range(0, len(tasks), split_every)]
    while len(level) > 1:
        level = [dask.delayed(combine, pure=True)(level[i:i + split_every]) for i in range(0, len(level), split_every)]
    return level[0]
