"""``Logit``: a design plus options; ``fit()`` returns a new, immutable results object."""

from __future__ import annotations

from typing import Any

import numpy as np

from .arrays import design_from_arrays
from .config import MISSING, FitOptions, check_choice, make_options
from .design import Design, design_from_formula
from .exceptions import ConvergenceWarning, OptionError, RankDeficiencyError, warn


class Logit:
    """Logistic regression model: response, design and how rows were chosen.

    Build one from a formula (:meth:`from_formula`, or :func:`logit`) or from arrays::

        Logit(y, X)                 # adds an intercept column unless intercept=False
        Logit.from_formula("diabetes ~ glucose + mass + age", df)

    The model is never changed by fitting; each :meth:`fit` returns a new
    :class:`~statlogit.results.LogitResults`.
    """

    def __init__(self, y=None, X=None, *, intercept: bool = True, missing: str = "drop",
                 event: Any = None, weights=None, offset=None, design: Design | None = None,
                 groups=None, data=None):
        check_choice("missing", missing, MISSING)
        if design is None:
            if y is None or X is None:
                from .exceptions import DataError

                raise DataError("Logit(y, X) needs both y and X; or use Logit.from_formula(formula, data)")
            design = design_from_arrays(y, X, intercept=intercept, missing=missing, event=event)
        self.design = design
        n = design.nobs
        self.weights = None if weights is None else _vector(weights, n, "weights", design)
        self.offset = None if offset is None else _vector(offset, n, "offset", design)
        if self.weights is not None and (np.any(self.weights < 0) or not np.any(self.weights > 0)):
            from .exceptions import DataError

            raise DataError("weights must be non-negative with at least one positive")
        #: The caller's DataFrame (a reference, never modified), for groups= by column name and
        #: marginal effects, which put counterfactual copies of the rows through the formula.
        self.data = data
        #: Cluster codes 0..G-1 for the rows used (cov_type="cluster"), or None.
        self.groups = None
        if groups is not None:
            from .inference.covariance import resolve_groups

            self.groups = resolve_groups(groups, self)

    @classmethod
    def from_formula(cls, formula: str, data, *, missing: str = "drop", event: Any = None,
                     weights=None, offset=None, groups=None) -> Logit:
        """Build the model from a patsy formula (``"y ~ x1 + C(group)"``) and a DataFrame.

        ``groups`` (a column name, or one value per data row) are the clusters used by
        ``fit(cov_type="cluster")``. A dask DataFrame or a path/glob of Parquet/CSV files gives a
        :class:`~statlogit.backends.dask_model.DaskLogit` (rows stay in the partitions).
        """
        check_choice("missing", missing, MISSING)
        if _is_dask_data(data):
            from .backends.dask_model import DaskLogit

            if weights is not None or offset is not None or groups is not None:
                raise OptionError("weights=, offset= and groups= are not supported on Dask data yet")
            return DaskLogit.from_formula(formula, data, missing=missing, event=event)
        design = design_from_formula(formula, data, missing=missing, event=event)
        if isinstance(weights, str):  # weights="Freq", as sl.mlogit/sl.ologit and groups= take
            from .models.base import _weights_column

            weights = _weights_column(data, weights)
        return cls(design=design, weights=weights, offset=offset, groups=groups, data=data)

    # ------------------------------------------------------------------ fitting
    def fit(self, method: str = "newton", **options) -> LogitResults:  # noqa: F821
        """Fit by ``method`` ("newton", "gd", "sgd" or "firth") and return the results.

        Options: ``tol``, ``max_iter``; for gd/sgd ``learning_rate``; for sgd
        ``batch_size``, ``epochs``, ``seed``; ``progress`` shows a progress bar;
        ``cov_type`` ("nonrobust", "HC0".."HC3", "cluster" with the model's ``groups``) is the
        covariance behind every SE, test and interval (see :mod:`statlogit.inference.covariance`).
        ``penalty="l2"|"l1"|"elasticnet"`` with ``lam``, ``l1_ratio``, ``standardize`` fits glmnet's
        penalized objective instead (see :mod:`statlogit.penalized`) and returns
        :class:`~statlogit.penalized.results.PenalizedResults`.
        """
        import time

        from .results import LogitResults

        if "groups" in options:  # the clusters belong to the model (they are aligned with its rows)
            from .exceptions import OptionError

            raise OptionError("groups= is given when the model is built, not to fit(): sl.Logit(y, X, "
                              "groups=g).fit(cov_type='cluster'), or res.with_cov('cluster', groups=g)")
        started = time.perf_counter()
        device = options.pop("device", "cpu")
        if device != "cpu":
            from .backends.cupy import fit_on_device

            return fit_on_device(self, method, device, options)
        opts = make_options(method=method, **options)
        if opts.cov_type == "cluster" and self.groups is None:
            from .exceptions import OptionError

            raise OptionError("cov_type='cluster' needs groups= (a column name or one value per row) "
                              "when the model is built")
        if opts.penalty is not None:
            from .penalized.fit import fit_penalized

            return fit_penalized(self, opts)
        from .parallel import blas_single_thread

        with blas_single_thread(self.design.nobs >= 4 * 8192):  # passes split rows between threads
            fit = self._run_solver(opts)
        fit = _after_fit(self, fit, opts)
        res = LogitResults(self, fit, opts)
        res._check_cov()
        res.fit_seconds = time.perf_counter() - started  # sets the report's time budget for profile CIs
        return res

    def path(self, l1_ratio: float = 1.0, lambdas=None, n_lambdas: int = 100,
             lambda_min_ratio: float | None = None, standardize: bool = True, **options):
        """Penalized fits along a lambda grid (see :func:`statlogit.model.logit_path`)."""
        from .penalized.path import fit_path

        return fit_path(self, l1_ratio=l1_ratio, lambdas=lambdas, n_lambdas=n_lambdas,
                        lambda_min_ratio=lambda_min_ratio, standardize=standardize, **options)

    def _run_solver(self, opts: FitOptions):
        from dataclasses import replace

        scale = extreme_column_scale(self.design)
        if scale is None:
            return self._solve(None, opts)
        fit = self._solve(self.design.X / scale, opts)
        return replace(fit, params=fit.params / scale, column_scale=scale)

    def _solve(self, X: np.ndarray | None, opts: FitOptions):
        """Run the solver on ``X`` (None: the design's own matrix, read in place)."""
        from .solvers.newton import SingularInformation

        d = self.design if X is None else replace_X(self.design, X)
        if self.offset is not None and opts.method in ("newton", "firth"):
            # With an offset the start information is not c X'WX, so the solvers cannot check
            # the rank on it; one blocked pass forms X'WX for the up-front check.
            from .solvers.rank import rank_deficient, weighted_gram

            gram = (weighted_gram(d.predictors, self.weights, implicit_intercept=True)
                    if d.implicit_intercept else weighted_gram(d.X, self.weights))
            if rank_deficient(gram):
                raise rank_deficiency_error(d)
        try:
            if opts.method == "newton":
                from .solvers.newton import fit_newton

                if d.implicit_intercept:  # the caller's X, without copying it
                    return fit_newton(d.predictors, d.y, offset=self.offset, weights=self.weights,
                                      tol=opts.tol_, max_iter=opts.max_iter_, implicit_intercept=True)
                return fit_newton(d.X, d.y, offset=self.offset, weights=self.weights, tol=opts.tol_,
                                  max_iter=opts.max_iter_, intercept_index=d.intercept_index)
            if opts.method in ("gd", "sgd"):
                # The family's one GD/SGD implementation, on the binary likelihood.
                from .models.likelihood import BinaryLogit
                from .solvers.family_gradient import fit_gd_likelihood, fit_sgd_likelihood

                lik = BinaryLogit(d.X, d.y, self.offset, self.weights, d.column_names, d.intercept_index)
                if opts.method == "gd":
                    return fit_gd_likelihood(lik, learning_rate=opts.learning_rate, max_iter=opts.max_iter_,
                                             tol=opts.tol_, progress=opts.progress)
                return fit_sgd_likelihood(lik, learning_rate=opts.learning_rate, batch_size=opts.batch_size,
                                          epochs=opts.max_iter_, tol=opts.tol_, seed=opts.seed,
                                          progress=opts.progress)
            from .solvers.firth import fit_firth

            return fit_firth(d.X, d.y, offset=self.offset, weights=self.weights, tol=opts.tol_,
                             max_iter=opts.max_iter_, intercept_index=d.intercept_index)
        except SingularInformation as exc:
            raise rank_deficiency_error(d) from exc


def extreme_column_scale(design: Design) -> np.ndarray | None:
    """Column scales when some column's largest |value| lies beyond 1e+-50, else None.

    Such columns would overflow or underflow X'WX (1e200 squared is not a double), so the
    solvers then run on ``X / scale`` and the coefficients are mapped back.
    """
    big = design.column_absmax
    nonzero = big > 0
    if not np.any((big[nonzero] > 1e50) | (big[nonzero] < 1e-50)):
        return None
    return np.where(nonzero, big, 1.0)


def replace_X(design: Design, X: np.ndarray) -> Design:
    from dataclasses import replace

    if not design.implicit_intercept and X is design.X:
        return design
    return replace(design, X=X)


def _after_fit(model: Logit, fit, opts: FitOptions):
    """Warnings about the fit: separation (checked exactly when the fit shows symptoms) and
    non-convergence.

    Symptoms (no convergence, |logit| > 25 for some row, huge or undefined standard errors,
    huge coefficients; see :func:`statlogit.diagnostics.separation.symptoms`) trigger the
    linear-programming check of Konis (2007). A finding of separation is kept for
    ``res.separation`` and reported by one :class:`SeparationWarning`; the returned Fit then
    never claims convergence (the MLE does not exist). Returns the Fit to use.
    """
    import dataclasses

    from .diagnostics.separation import detect_separation, symptoms
    from .exceptions import SeparationWarning

    d = model.design
    if opts.method != "firth":
        signs = symptoms(fit, d, model.offset, d.column_absmax)
        if opts.method in ("gd", "sgd"):  # their non-convergence is about the step size
            signs = [s for s in signs if not s.startswith("the fit did not converge")]
        if signs:
            found = detect_separation(d.X, d.y, list(d.column_names), d.row_labels, d.intercept_index,
                                      model.weights, tuple(signs))
            fit = dataclasses.replace(fit, separation=found)
            if found.status != "none":
                if fit.converged:
                    fit = dataclasses.replace(
                        fit, converged=False,
                        message=f"{fit.message}; but the data show {found.status} separation, so "
                                "no finite maximum-likelihood estimate exists",
                    )
                warn(f"{found.message} (symptoms: {'; '.join(signs)})", SeparationWarning)
                return fit
    if not fit.converged:
        advice = {
            "newton": "check for separation (res.separation), or try method='firth'",
            "firth": "raise max_iter",
            "gd": "raise max_iter or the learning_rate, or use method='newton'",
            "sgd": "raise epochs, or use method='newton' for exact estimates",
        }[opts.method]
        warn(f"{opts.method} did not converge: {fit.message}; {advice}", ConvergenceWarning)
    return fit


def rank_deficiency_error(design: Design) -> RankDeficiencyError:
    """Name the columns that make X'X singular: constant, duplicated or linearly dependent."""
    X = design.X
    names = design.column_names
    icpt = design.intercept_index
    n, p = X.shape
    if n < p:
        return RankDeficiencyError(
            f"the design has {p} columns but only {n} usable rows; remove predictors or "
            "merge rare categories (a string column with many levels gives one column per level)"
        )
    scale = np.sqrt(np.einsum("ij,ij->j", X, X) / n)
    zero = [names[j] for j in range(p) if scale[j] == 0]
    if zero:
        return RankDeficiencyError(f"column(s) {', '.join(zero)} are all zero; drop them")
    Z = X / scale
    gram = Z.T @ Z / n
    evals, evecs = np.linalg.eigh(gram)
    null = evecs[:, evals < 1e-10 * max(evals.max(), 1.0)]
    if null.shape[1] == 0:
        return RankDeficiencyError(
            "the information matrix X'WX is numerically singular (fitted probabilities at 0 or "
            "1 for the rows that carry some columns); check for separation or drop predictors"
        )
    groups = []
    for k in range(null.shape[1]):
        v = null[:, k]
        involved = [names[j] for j in np.flatnonzero(np.abs(v) > 1e-6 * np.abs(v).max())]
        groups.append(involved)
    const = [names[j] for j in range(p) if j != icpt and np.ptp(X[:, j]) == 0]
    parts = []
    if const and icpt is not None:
        parts.append(f"column(s) {', '.join(const)} are constant (collinear with the intercept)")
    for g in groups:
        if set(g) - set(const) - {names[icpt] if icpt is not None else None}:
            if len(g) == 2:
                parts.append(f"{g[0]} and {g[1]} are proportional (duplicated information)")
            else:
                parts.append(f"{', '.join(g)} are exactly linearly dependent" + _sums_to_constant(design, g))
    parts = list(dict.fromkeys(parts)) or [f"columns {', '.join(groups[0])} are linearly dependent"]
    return RankDeficiencyError(
        "the design is rank deficient: " + "; ".join(parts)
        + ". Drop one of the columns involved (R would report its coefficient as NA)"
    )


def _sums_to_constant(design: Design, group: list[str]) -> str:
    """A hint when the dependence is a multi-column term whose columns sum to the intercept
    (a spline basis without a constraint, such as patsy's ``cr(x, df=4)``)."""
    icpt = design.intercept_index
    if icpt is None or design.column_names[icpt] not in group:
        return ""
    for t in design.terms:
        cols = [design.column_names[j] for j in t.columns]
        if len(cols) > 1 and set(cols) <= set(group):
            return (f" (the columns of {t.name} add up to a constant, so the term repeats the intercept; "
                    "for a spline basis add constraints='center', e.g. cr(x, df=4, constraints='center'), "
                    "or drop the intercept with '- 1')")
    return ""


def _vector(v, n, name, design: Design) -> np.ndarray:
    """Weights or offset as a float vector for the rows used (labels aligned for a Series)."""
    import pandas as pd

    from .exceptions import DataError

    if isinstance(v, pd.Series) and len(v) != n:
        try:
            v = v.loc[design.row_labels]
        except KeyError as exc:
            raise DataError(f"{name} lacks some of the rows used in the fit ({exc})") from exc
    try:
        a = np.asarray(v, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name} must be numeric ({exc})") from exc
    if a.shape[0] != n:
        raise DataError(f"{name} has {a.shape[0]} values but the model uses {n} rows")
    if not np.all(np.isfinite(a)):
        raise DataError(f"{name} contains missing or infinite values")
    return a


def logit_path(formula: str, data, *, l1_ratio: float = 1.0, lambdas=None, n_lambdas: int = 100,
               lambda_min_ratio: float | None = None, standardize: bool = True, missing: str = "drop",
               event: Any = None, weights=None, offset=None, **options):
    """Penalized fits along a decreasing grid of lambdas (glmnet's path); see
    :func:`statlogit.penalized.path.fit_path`. Returns a :class:`~statlogit.penalized.path.LogitPath`."""
    from .penalized.path import fit_path

    model = Logit.from_formula(formula, data, missing=missing, event=event, weights=weights, offset=offset)
    return fit_path(model, l1_ratio=l1_ratio, lambdas=lambdas, n_lambdas=n_lambdas,
                    lambda_min_ratio=lambda_min_ratio, standardize=standardize, **options)


def logit(formula: str, data, *, method: str = "newton", missing: str = "drop", event: Any = None,
          weights=None, offset=None, groups=None, **options):
    """Fit ``formula`` on ``data`` by maximum likelihood and return the results.

    ``cov_type="HC1"`` (or HC0, HC2, HC3) gives heteroskedasticity-robust SEs;
    ``cov_type="cluster", groups="clinic"`` cluster-robust ones (R sandwich's definitions).

    >>> import statlogit as sl
    >>> res = sl.logit("diabetes ~ glucose + mass + age", sl.datasets.load_pima())
    >>> round(float(res.params["glucose"]), 4)
    0.0355
    """
    if groups is not None and options.get("cov_type") != "cluster":
        from .exceptions import OptionError

        raise OptionError(f"groups= is used by cluster-robust standard errors; add cov_type='cluster' "
                          f"(cov_type={options.get('cov_type', 'nonrobust')!r} was given)")
    if _is_dask_data(data):  # a dask DataFrame or a path/glob of Parquet/CSV files
        from .backends.dask_model import dask_logit

        if groups is not None:
            raise OptionError("groups= (cluster-robust SEs) is not supported on Dask data yet")
        return dask_logit(formula, data, method=method, missing=missing, event=event, weights=weights,
                          offset=offset, **options)
    model = Logit.from_formula(formula, data, missing=missing, event=event, weights=weights, offset=offset,
                               groups=groups)
    return model.fit(method=method, **options)


def _is_dask_data(data) -> bool:
    from .backends.dask_io import is_dask_data

    return is_dask_data(data)
