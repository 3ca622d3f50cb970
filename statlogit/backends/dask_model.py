"""``sl.logit(formula, data=ddf_or_glob)``: the binary model fitted on Dask partitions."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exceptions import ConvergenceWarning, OptionError, RankDeficiencyError, warn
from .dask_fit import Engine, PassOptions, newton_dask, one_pass, sample_start


class DaskLogit:
    """A logistic model whose rows stay in Dask partitions (see :mod:`statlogit.backends.dask_fit`)."""

    weights = None
    offset = None

    def __init__(self, design, engine: Engine):
        self.design = design
        self.engine = engine

    @classmethod
    def from_formula(cls, formula: str, data, *, missing: str = "drop", event: Any = None, client=None,
                     processes: bool = False, namespace: dict | None = None, engine: Engine | None = None) -> DaskLogit:
        """First pass over the data (see :mod:`statlogit.backends.dask_design`); ``client=`` any
        ``dask.distributed`` Client, or ``processes=True`` for a LocalCluster per computation."""
        from .dask_design import build_dask_design, caller_namespace
        from .dask_io import open_source

        engine = engine or Engine(client=client, processes=processes)
        source = open_source(data, formula)
        ns = caller_namespace(formula, depth=1) if namespace is None else namespace
        with engine.session():
            design = build_dask_design(source, formula, event=event, missing=missing, namespace=ns,
                                       compute=engine.compute)
        return cls(design, engine)

    def passer(self, opts: PassOptions, what: str = "a Newton pass"):
        return lambda beta: one_pass(self.design, self.engine, beta, opts, what)

    def fit(self, method: str = "newton", device: str = "cpu", **options):
        """Fit by Newton on the partitions; ``tol``, ``max_iter`` as in memory."""
        from ..config import make_options

        if method != "newton":
            raise OptionError(
                f"method={method!r} is not available on Dask data; Newton (the default) is exact with one "
                "pass per iteration. For gd/sgd/firth, fit an in-memory sample"
            )
        if device not in ("cpu", "cuda"):
            raise OptionError(f"device={device!r} is not valid; choose 'cpu' or 'cuda'")
        if device == "cuda":
            from .cupy import require_gpu

            require_gpu()
        from .dask_fit import release_buffers

        if options.get("cov_type", "nonrobust") != "nonrobust":
            raise OptionError(f"cov_type={options['cov_type']!r} is not available on Dask data yet; standard "
                              "errors there are model-based (fit an in-memory sample for robust ones)")
        opts = make_options(method=method, **options)
        try:
            with self.engine.session():
                return self._fit(opts, device)
        finally:
            release_buffers()

    def _fit(self, opts, device: str):
        from .dask_results import DaskLogitResults

        d = self.design
        beta0, note = sample_start(d)
        from ..solvers.newton import SingularInformation

        first: dict = {}
        history: list[dict] = []

        def passer(beta):
            # The first pass also checks every column (finite; extremes). Rows with |logit| > 25
            # are counted once the steps are small (the returned coefficients' pass is one of those).
            near = not history or history[-1]["decrement"] < 0.1
            out = one_pass(d, self.engine, beta, PassOptions(device=device, facts=not first, extremes=near),
                           "a Newton pass")
            first.setdefault("absmax", out["absmax"])
            return out

        try:
            fit, last = newton_dask(passer, beta0, tol=opts.tol_, max_iter=opts.max_iter_,
                                    notes=(note,) if note else (), history=history)
        except SingularInformation as exc:
            raise _rank_error(d) from exc
        if last["n"] == 0:
            from ..exceptions import DataError

            raise DataError(f"every one of the {d.n_rows} rows has a missing value in {', '.join(d.data_columns)}")
        absmax = first["absmax"]
        nz = absmax > 0
        if np.any((absmax[nz] > 1e50) | (absmax[nz] < 1e-50)):
            names = [d.column_names[j] for j in np.flatnonzero(nz & ((absmax > 1e50) | (absmax < 1e-50)))]
            raise OptionError(
                f"column(s) {', '.join(names)} have values beyond 1e+-50; the Dask backend does not rescale "
                "columns internally. Rescale them (e.g. divide by 1e50) and refit"
            )
        fitted = DaskLogit(d.with_counts(last["n"], last["events"], absmax), self.engine)  # self stays as built
        signs = _symptoms(fit, last, absmax)
        if signs:
            fit = _flag(fit, signs)
        elif not fit.converged:
            warn(f"newton did not converge: {fit.message}; raise max_iter", ConvergenceWarning)
        return DaskLogitResults(fitted, fit, opts, device=device)


def _symptoms(fit, last, absmax) -> list[str]:
    """Signs that the MLE may not exist (as :func:`statlogit.diagnostics.separation.symptoms`)."""
    out = []
    if not fit.converged:
        out.append(f"the fit did not converge ({fit.message})")
    if last["extreme"] > 0:
        out.append(f"{last['extreme']} fitted probabilities numerically 0 or 1 (|logit| > 25)")
    H = fit.information
    s = np.sqrt(np.clip(np.diag(H), 0, None))
    try:
        inv = np.linalg.inv(H / np.outer(s, s)) / np.outer(s, s)
        if np.any(np.sqrt(np.clip(np.diag(inv), 0, None)) * absmax > 1e4) or np.any(np.diag(inv) <= 0):
            out.append("huge or undefined standard errors")
    except np.linalg.LinAlgError:
        out.append("singular information matrix")
    if np.any(np.abs(fit.params) * absmax > 1e3):
        out.append("huge coefficients")
    return out


def _flag(fit, signs):
    """Symptoms of separation: the exact check (Konis' linear programs) needs every row in
    memory, so on Dask the fit is reported as not converged, with the symptoms."""
    import dataclasses

    from ..exceptions import SeparationWarning

    warn(
        "the fit shows symptoms of separation (" + "; ".join(signs) + "); the exact check needs all rows in "
        "memory and is not run on Dask. Standard errors are not trustworthy: inspect the predictors named by "
        "a fit on an in-memory sample (res.separation there) or use method='firth' on it",
        SeparationWarning,
    )
    return dataclasses.replace(fit, converged=False, message=f"{fit.message}; symptoms of separation: {'; '.join(signs)}")


def _rank_error(design) -> RankDeficiencyError:
    """Name the dependent columns, judged on the first pass's sample of complete rows."""
    from types import SimpleNamespace

    from ..model import rank_deficiency_error
    from .dask_partition import partition_design

    X, _ = partition_design(design.sample, design.spec)
    err = rank_deficiency_error(SimpleNamespace(X=X, column_names=design.column_names,
                                                intercept_index=design.intercept_index))
    return RankDeficiencyError(f"{err} (columns judged on a random sample of {X.shape[0]} complete rows)")


def dask_logit(formula: str, data, *, method: str = "newton", missing: str = "drop", event: Any = None,
               weights=None, offset=None, client=None, processes: bool = False, device: str = "cpu", **options):
    """:func:`statlogit.logit` for a dask DataFrame or a path/glob of Parquet/CSV files."""
    if weights is not None or offset is not None:
        raise OptionError(
            "weights= and offset= are not supported on Dask data yet; fit in memory, or expand frequency "
            "weights to rows"
        )
    engine = Engine(client=client, processes=processes)
    with engine.session():
        model = DaskLogit.from_formula(formula, data, missing=missing, event=event, engine=engine)
        return model.fit(method=method, device=device, **options)
