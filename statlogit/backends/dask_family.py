"""``sl.mlogit`` and ``sl.ologit`` on Dask data: the family's block function over partitions.

The design is the binary Dask design (:func:`~statlogit.backends.dask_design.build_dask_design`,
one first pass learning factor levels, missing rows and the response levels), with the
response coded 0..K-1 by the family's coder (:mod:`statlogit.models.levels`). Each Newton pass
maps :func:`family_pieces` over the partitions: the partition's rows of the design
(:func:`~statlogit.backends.dask_partition.partition_design`) and the additive
``(loglik, score, information)`` of the in-memory likelihood on them
(:class:`~statlogit.models.multinomial.Multinomial`, :class:`~statlogit.models.ordinal.Ordinal`),
summed by the same tree as the binary fit (:func:`~statlogit.backends.dask_fit.one_pass`).
:class:`DaskFamilyLikelihood` is a :class:`~statlogit.models.likelihood.Likelihood` whose
``pieces`` is that pass, so the generic driver
(:func:`~statlogit.solvers.newton.newton_maximize`), profile intervals (refits, one pass per
Newton step) and the results see the same interface as in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import ConvergenceWarning, DistributedError, OptionError, ResponseError, StatlogitError, warn
from ..models.likelihood import Likelihood
from .dask_fit import Engine, add_pieces, one_pass
from .dask_partition import partition_design

FAMILIES = ("multinomial", "ordinal")
#: A row's fitted probability of its observed level within this of 1 is saturated (the binary
#: Dask fit's |logit| > 25: 1 - expit(25) = 1.4e-11).
SATURATED = 1.4e-11


def level_codes(raw: pd.Series, spec) -> np.ndarray:
    """Codes 0..K-1 of a response in the model's level order (``spec.family_levels``)."""
    levels = list(spec.family_levels)
    if spec.response_kind == "numeric":
        a = raw.to_numpy(dtype=float)
        codes = np.full(len(a), -1, dtype=np.int64)
        for k, v in enumerate(np.asarray(levels, dtype=float)):
            codes[a == v] = k
    else:
        codes = pd.Categorical(raw, categories=levels).codes.astype(np.int64)
    if np.any(codes < 0):
        bad = pd.unique(raw[codes < 0])[:3]
        raise ResponseError(f"response {spec.lhs_code!r} has value(s) {list(bad)} that the first pass did not see "
                            f"(levels {levels}); the data changed during the fit, refit")
    return codes.astype(float)


@dataclass(frozen=True)
class FamilyPass:
    """What a family pass computes (picklable: it travels to the workers)."""

    family: str
    K: int
    drop: int | None  # the intercept column the ordinal model drops (its thresholds replace it)
    need_hessian: bool = True


def local_likelihood(family: str, X: np.ndarray, y: np.ndarray, K: int, n_params: int, intercept_index=None):
    """The in-memory likelihood of ``family`` on these rows."""
    names = [str(j) for j in range(n_params)]
    if family == "multinomial":
        from ..models.multinomial import Multinomial

        return Multinomial(X, y, K, None, names, intercept_index)
    from ..models.ordinal import Ordinal

    return Ordinal(X, y, K, None, names)


def family_pieces(part, spec, label: str, theta: np.ndarray, opts: FamilyPass) -> dict:
    """Additive pieces of one partition: loglik, score, information, rows, rows per level, column extremes."""
    try:
        X, y = partition_design(part, spec)
        if opts.drop is not None:
            X = np.delete(X, opts.drop, axis=1)
        absmax = np.maximum(X.max(axis=0), -X.min(axis=0)) if len(y) else np.zeros(X.shape[1])
        if not np.all(np.isfinite(absmax)):
            return {"finite": False, "label": label, "absmax": absmax}
        k = len(theta)
        counts = np.bincount(y.astype(np.int64), minlength=opts.K).astype(float)
        extreme = 0
        if len(y) == 0:
            ll, g, H = 0.0, np.zeros(k), (np.zeros((k, k)) if opts.need_hessian else None)
        else:
            lik = local_likelihood(opts.family, X, y, opts.K, k)
            ll, g, H = lik.pieces(theta, opts.need_hessian)
            if opts.need_hessian:  # a pass whose information may end the fit: count saturated rows
                observed = lik.probabilities(X, theta)[np.arange(len(y)), y.astype(np.int64)]
                extreme = int(np.count_nonzero(observed > 1.0 - SATURATED))
        return {"finite": True, "label": label, "ll": float(ll), "g": np.asarray(g, dtype=float), "H": H,
                "n": len(y), "counts": counts, "absmax": absmax, "extreme": extreme}
    except StatlogitError as exc:
        raise type(exc)(f"{label}: {exc}") from exc
    except Exception as exc:
        raise DistributedError(f"{label}: {type(exc).__name__}: {exc}") from exc


def add_family_pieces(parts: list[dict]) -> dict:
    """:func:`~statlogit.backends.dask_fit.add_pieces` with rows per level (``extreme`` is never -1 here)."""
    return add_pieces(parts, counted="counts")


class DaskFamilyLikelihood(Likelihood):
    """A family likelihood whose ``pieces`` is one pass over the Dask partitions."""

    def __init__(self, design, engine: Engine, family: str, K: int, names: list[str], drop: int | None,
                 intercept_index: int | None):
        self.design, self.engine, self.family, self.K = design, engine, family, K
        self.names = list(names)
        self.drop, self.intercept_index = drop, intercept_index
        self.p = len(design.column_names) - (drop is not None)
        self.weights = None
        self.last: dict | None = None

    @property
    def n_rows(self) -> int:
        return int(self.design.nobs)

    @property
    def X(self):
        raise OptionError("the rows of a Dask fit stay in the partitions; use res.predict() for a dask "
                          "DataFrame of probabilities")

    def pieces(self, theta, need_hessian=True):
        opts = FamilyPass(self.family, self.K, self.drop, need_hessian)
        with np.errstate(over="ignore"):
            out = one_pass(self.design, self.engine, np.asarray(theta, dtype=float), opts,
                           f"a {self.family} Newton pass", block=family_pieces, combine=add_family_pieces)
        self.last = out
        return out["ll"], out["g"], out["H"]

    def feasible(self, theta):
        if self.family == "multinomial":
            return bool(np.all(np.isfinite(theta)))
        return bool(np.all(np.isfinite(theta)) and np.all(np.diff(np.asarray(theta)[self.p:]) > 0))

    def probabilities(self, X, theta):
        return local_likelihood(self.family, X, np.zeros(len(X)), self.K, len(theta)).probabilities(X, theta)

    def start(self) -> tuple[np.ndarray, str | None]:
        """The family fitted (tol 1e-3) on the first pass's random sample of complete rows; else
        the null model's estimates on it; else zeros (ordinal: thresholds spread over [-1, 1])."""
        from ..models.likelihood import fit_likelihood
        from ..solvers.newton import SingularInformation

        X, y = partition_design(self.design.sample, self.design.spec)
        if self.drop is not None:
            X = np.delete(X, self.drop, axis=1)
        k = self.n_params
        fallback = np.zeros(k) if self.family == "multinomial" else np.r_[np.zeros(self.p), np.linspace(-1, 1, self.K - 1)]
        if len(y) == 0 or len(np.unique(y)) < self.K:
            return fallback, None
        local = local_likelihood(self.family, X, y, self.K, k, self.intercept_index)
        null = np.asarray(local.start(), dtype=float)
        if len(y) > 4 * k and np.isfinite(X).all():
            try:
                with np.errstate(over="ignore"):
                    sub = fit_likelihood(local, tol=1e-3, max_iter=25)
            except SingularInformation:
                sub = None
            if (sub is not None and sub.converged and np.all(np.abs(sub.params) < 30)
                    and self.feasible(sub.params)):
                return sub.params, f"started from a fit on a random sample of {len(y)} complete rows"
        return (null, None) if self.feasible(null) else (fallback, None)


def fit_dask_family(model, opts) -> tuple[Any, DaskFamilyLikelihood]:
    """Newton by the generic driver, one pass per step: ``(Fit, likelihood)``."""
    from ..solvers.newton import SingularInformation, newton_maximize
    from .dask_model import _rank_error

    lik = model.likelihood()
    theta0, note = lik.start()
    try:
        fit = newton_maximize(lik.pieces, theta0, tol=opts.tol_, max_iter=opts.max_iter_, feasible=lik.feasible)
    except SingularInformation as exc:
        raise _rank_error(model.full_design) from exc
    if note:
        fit = replace(fit, message=f"{fit.message}; {note}")
    return fit, lik


def _symptoms(fit, se: np.ndarray, last: dict, family: str, K: int) -> list[str]:
    """Signs that a level may be perfectly predicted, on the scale of the columns as the binary
    Dask fit judges them (:func:`statlogit.backends.dask_model._symptoms`): the in-memory
    family's fixed limits (:func:`statlogit.models.base._separation_symptoms`) would flag a
    large intercept, and its exact check needs every row."""
    theta = np.asarray(fit.params, dtype=float)
    absmax = np.asarray(last["absmax"], dtype=float)
    p = len(absmax)
    if family == "multinomial":
        scale = np.tile(absmax, K - 1)
    else:
        scale = np.r_[absmax, np.ones(len(theta) - p)]
    out = []
    if not fit.converged:
        out.append(f"the fit did not converge ({fit.message})")
    if last["extreme"] > 0:
        out.append(f"{last['extreme']} rows with a fitted probability of their level numerically 1")
    if not np.all(np.isfinite(se)) or np.any(se * scale > 1e4):
        out.append("huge or undefined standard errors")
    if np.any(np.abs(theta) * scale > 1e3):
        out.append("huge coefficients")
    return out


def _without_intercept(design):
    """As :func:`statlogit.models.ordinal._without_intercept`, for a design whose rows stay in the partitions."""
    from ..design import TermInfo

    icpt = design.intercept_index
    names = [n for j, n in enumerate(design.column_names) if j != icpt]
    terms = [TermInfo(t.name, tuple(c - (c > icpt) for c in t.columns), t.kind, t.variable)
             for t in design.terms if t.kind != "intercept"]
    return replace(design, column_names=names, terms=terms, intercept_index=None, intercept_added=False)


class DaskCategoricalModel:
    """A multinomial or ordinal model whose rows stay in Dask partitions."""

    weights = None
    offset = None

    def __init__(self, full_design, engine: Engine, family: str):
        if family not in FAMILIES:
            raise OptionError(f"family={family!r} is not valid; choose one of {FAMILIES}")
        self.full_design, self.engine, self.family = full_design, engine, family
        self.dropped_intercept = full_design.intercept_index if family == "ordinal" else None
        if family == "ordinal":
            self.formula_column_names = list(full_design.column_names)
            self.design = _without_intercept(full_design)
            if not self.design.column_names:
                from ..exceptions import DataError

                raise DataError("the ordinal model needs at least one predictor (the thresholds alone are the "
                                "null model)")
        else:
            self.design = full_design

    @property
    def levels(self) -> tuple:
        return tuple(self.full_design.spec.family_levels)

    @property
    def K(self) -> int:
        return len(self.levels)

    @property
    def reference(self):
        return self.levels[0]

    def threshold_names(self) -> list[str]:
        from ..models.levels import level_label

        lv = [level_label(v) for v in self.levels]
        return [f"{a}|{b}" for a, b in zip(lv[:-1], lv[1:])]

    def param_names(self) -> list[str]:
        from ..models.levels import level_label

        if self.family == "ordinal":
            return list(self.design.column_names) + self.threshold_names()
        return [f"{level_label(lv)}:{t}" for lv in self.levels[1:] for t in self.design.column_names]

    def likelihood(self) -> DaskFamilyLikelihood:
        return DaskFamilyLikelihood(self.full_design, self.engine, self.family, self.K, self.param_names(),
                                    self.dropped_intercept, self.full_design.intercept_index)

    def fit(self, method: str = "newton", **options):
        from ..config import make_options
        from .dask_family_results import results_class
        from .dask_fit import release_buffers
        from .dask_model import _flag

        if method != "newton":
            raise OptionError(f"method={method!r} is not available on Dask data; Newton (the default) is exact "
                              "with one pass per iteration. For gd/sgd, fit an in-memory sample")
        opts = make_options(method=method, **options)
        if opts.penalty is not None:
            raise OptionError(f"penalty={opts.penalty!r} is not available on Dask data for the {self.family} model: "
                              "penalized fits run in memory; fit a pandas DataFrame (e.g. ddf.compute())")
        try:
            with self.engine.session():
                fit, lik = fit_dask_family(self, opts)
        finally:
            release_buffers()
        last = lik.last
        self.design = replace(self.design, nobs=int(last["n"]), sample=self.design.sample.iloc[:1000])
        self.counts = np.asarray(last["counts"], dtype=float)
        res = results_class(self.family)(self, fit, opts, lik)
        signs = _symptoms(fit, res._se_flat, last, self.family, self.K)
        if signs and (len(signs) > 1 or fit.converged):
            return results_class(self.family)(self, _flag(fit, signs), opts, lik)
        if not fit.converged:
            warn(f"newton did not converge: {fit.message}; raise max_iter", ConvergenceWarning)
        return res


def dask_family_fit(family: str, formula: str, data, *, missing: str = "drop", weights=None, client=None,
                    processes: bool = False, coder=None, **options):
    """``sl.mlogit``/``sl.ologit`` for a dask DataFrame or a path/glob of Parquet/CSV files."""
    from .dask_design import build_dask_design, caller_namespace
    from .dask_io import open_source

    if weights is not None:
        raise OptionError("weights= is not supported on Dask data yet; fit in memory, or expand frequency weights "
                          "to rows")
    if options.get("device", "cpu") != "cpu":
        raise OptionError(f"device={options['device']!r} is not available for the {family} model; use 'cpu'")
    options.pop("device", None)
    engine = Engine(client=client, processes=processes)
    source = open_source(data, formula)
    ns = caller_namespace(formula, depth=1)
    with engine.session():
        design = build_dask_design(source, formula, missing=missing, namespace=ns, compute=engine.compute,
                                   coder=coder)
        if family == "ordinal" and design.intercept_index is None:
            raise OptionError(f"formula {formula!r} removes the intercept; an ordinal model's thresholds play "
                              "its part, so keep it (drop '- 1' / '0 +')")
        return DaskCategoricalModel(design, engine, family).fit(**options)
