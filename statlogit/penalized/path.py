"""Regularization paths: penalized fits along a decreasing grid of lambdas, warm started.

The default grid is glmnet's: ``lambda_max`` (the smallest lambda at which every penalized
coefficient is 0, from the intercept-only fit; for ridge glmnet's rule divides by 1e-3
instead of l1_ratio) down to ``lambda_min_ratio * lambda_max`` (1e-4 when n > p, else 1e-2),
log-spaced. Each fit starts from the previous one and uses the sequential strong rule for its
working set. As glmnet does, the path stops early once the fit explains 99.9% of the null
deviance (a saturated fit: smaller lambdas would only drive coefficients toward infinity),
and says at which lambda; unlike glmnet it never drops grid points because the deviance
changes little (glmnet's ``fdev``).
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ..exceptions import ConvergenceWarning, OptionError, StatlogitWarning, warn
from .fit import DEFAULT_MAX_ITER, DEFAULT_TOL, PenalizedFit, fit_record, make_problem, penalty_name
from .objective import default_lambdas, lambda_max
from .solver import Problem, null_fit, solve_one

#: glmnet's ``devmax``: the path stops once the deviance ratio exceeds this.
SATURATED_DEV_RATIO = 0.999


def _check_ratio(l1_ratio) -> float:
    if isinstance(l1_ratio, bool) or not isinstance(l1_ratio, numbers.Real) or not (0 <= l1_ratio <= 1):
        raise OptionError(f"l1_ratio={l1_ratio!r} is not valid; it must be a number in [0, 1] (0 ridge, 1 lasso)")
    return float(l1_ratio)


def check_lambdas(lambdas) -> np.ndarray:
    """Positive, finite, distinct; sorted decreasing (with a warning when they were not)."""
    try:
        lam = np.asarray(lambdas, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise OptionError(f"lambdas must be numbers ({exc}); give a decreasing list of positive values") from exc
    if lam.size == 0:
        raise OptionError("lambdas is empty; give at least one positive value or lambdas=None for glmnet's grid")
    if not np.all(np.isfinite(lam)) or np.any(lam <= 0):
        bad = lam[~np.isfinite(lam) | (lam <= 0)][0]
        raise OptionError(f"lambdas must all be positive and finite; got {bad!r}. Every lambda must be > 0 "
                          "(for the unpenalized fit use sl.logit without a penalty)")
    if np.unique(lam).size != lam.size:
        raise OptionError("lambdas has repeated values; give each lambda once")
    if np.any(np.diff(lam) > 0):
        warn("lambdas were not in decreasing order; they have been sorted from largest to smallest "
             "(a path is fitted from the largest lambda down, warm starting each fit)", StatlogitWarning)
        lam = np.sort(lam)[::-1]
    return lam


def fit_path(model, l1_ratio: float = 1.0, lambdas=None, n_lambdas: int = 100,
             lambda_min_ratio: float | None = None, standardize: bool = True,
             tol: float | None = None, max_iter: int | None = None, **unknown) -> LogitPath:
    """Fit ``model`` along a lambda grid; returns a :class:`LogitPath`."""
    if unknown:
        raise OptionError(f"unknown option(s) {', '.join(sorted(unknown))} for a path; valid options are "
                          "l1_ratio, lambdas, n_lambdas, lambda_min_ratio, standardize, tol, max_iter")
    l1_ratio = _check_ratio(l1_ratio)
    if not isinstance(standardize, bool):
        raise OptionError(f"standardize={standardize!r} is not valid; it must be True or False")
    if isinstance(n_lambdas, bool) or not isinstance(n_lambdas, numbers.Integral) or n_lambdas < 1:
        raise OptionError(f"n_lambdas={n_lambdas!r} is not valid; it must be a positive integer (100 is glmnet's)")
    if lambda_min_ratio is not None and (isinstance(lambda_min_ratio, bool)
                                         or not isinstance(lambda_min_ratio, numbers.Real)
                                         or not 0 < lambda_min_ratio < 1):
        raise OptionError(f"lambda_min_ratio={lambda_min_ratio!r} is not valid; it must be in (0, 1) "
                          "(None: 1e-4 when n > p, else 1e-2)")
    if tol is not None and not (isinstance(tol, numbers.Real) and tol > 0):
        raise OptionError(f"tol={tol!r} is not valid; it must be a positive number")
    if max_iter is not None and (isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral)
                                 or max_iter < 1):
        raise OptionError(f"max_iter={max_iter!r} is not valid; it must be a positive integer")
    user_grid = lambdas is not None
    if user_grid:
        lambdas = check_lambdas(lambdas)
    prob = make_problem(model, standardize)
    fits, lam_max, stopped = run_path(prob, l1_ratio, lambdas, n_lambdas, lambda_min_ratio,
                                      tol or DEFAULT_TOL, max_iter or DEFAULT_MAX_ITER)
    if stopped:
        warn(stopped, StatlogitWarning)
    bad = [f.lam for f in fits if not f.converged]
    if bad:
        warn(f"coordinate descent did not converge at {len(bad)} lambda(s) ({', '.join(f'{v:.4g}' for v in bad[:5])}"
             f"{', ...' if len(bad) > 5 else ''}); raise max_iter", ConvergenceWarning)
    return LogitPath(model, fits, l1_ratio, standardize, lam_max, stopped)


def run_path(prob: Problem, l1_ratio: float, lambdas, n_lambdas: int, lambda_min_ratio, tol: float,
             max_iter: int) -> tuple[list[PenalizedFit], float, str | None]:
    """The fits along the grid (the grid made here when ``lambdas`` is None); stops when saturated."""
    gamma, state, _ = null_fit(prob)
    null_ll = state.loglik
    W = prob.W
    lam_max = lambda_max(-state.score / W, prob.std, l1_ratio)
    if lambdas is None:
        if lam_max <= 0:
            raise OptionError("no penalized column varies, so there is no path to fit (lambda_max is 0)")
        lambdas = default_lambdas(lam_max, prob.X.shape[0], int(prob.std.free.sum()), n_lambdas, lambda_min_ratio)
    fits: list[PenalizedFit] = []
    ever = np.zeros(gamma.size, bool)
    prev = None
    stopped = None
    for k, lam in enumerate(lambdas):
        sol = solve_one(prob, float(lam), l1_ratio, gamma, state=state, lam_prev=prev, ever_active=ever,
                        tol=tol, max_iter=max_iter)
        gamma, state, prev = sol.gamma, sol.state, float(lam)
        ever |= gamma != 0
        rec = fit_record(prob, sol, float(lam), l1_ratio, null_ll)
        fits.append(rec)
        if rec.dev_ratio > SATURATED_DEV_RATIO and k + 1 < len(lambdas):
            stopped = (f"the path stopped early at lambda = {lam:.6g} ({k + 1} of {len(lambdas)} lambdas): the "
                       f"fit explains {100 * rec.dev_ratio:.2f}% of the null deviance (saturated, glmnet's "
                       "rule); smaller lambdas would only push coefficients toward infinity (the data are "
                       "nearly separable)")
            break
    return fits, lam_max, stopped


class LogitPath:
    """Penalized fits along a lambda grid.

    Attributes: ``lambdas`` (decreasing), ``coefs`` (DataFrame: one row per lambda, one column
    per term, original scale, exact zeros), ``nonzero`` (glmnet's df), ``dev_ratio``,
    ``converged``, ``kkt_violation``, ``lambda_max``, ``stopped`` (why the path stopped early,
    or None). Methods: :meth:`cv`, :meth:`fit_at`, :meth:`plot`, :meth:`plot_cv`.
    """

    def __init__(self, model, fits: list[PenalizedFit], l1_ratio: float, standardize: bool,
                 lam_max: float, stopped: str | None):
        self.model = model
        self.fits = fits
        self.l1_ratio = l1_ratio
        self.standardize = standardize
        self.lambda_max = lam_max
        self.stopped = stopped
        self.penalty = penalty_name(l1_ratio)
        self._cv = None
        names = list(model.design.column_names)
        self.lambdas = np.array([f.lam for f in fits])
        idx = pd.Index(self.lambdas, name="lambda")
        self.coefs = pd.DataFrame(np.array([f.params for f in fits]).reshape(len(fits), len(names)),
                                  index=idx, columns=names)
        icpt = model.design.intercept_index
        b = self.coefs.drop(columns=names[icpt]) if icpt is not None else self.coefs
        self.nonzero = pd.Series((b.to_numpy() != 0).sum(axis=1), index=idx, name="nonzero")
        self.dev_ratio = pd.Series([f.dev_ratio for f in fits], index=idx, name="dev_ratio")
        self.converged = pd.Series([f.converged for f in fits], index=idx, name="converged")
        self.kkt_violation = pd.Series([f.kkt_violation for f in fits], index=idx, name="kkt_violation")

    def __len__(self) -> int:
        return len(self.fits)

    def __repr__(self) -> str:
        return (f"<LogitPath {self.model.design.formula or ''} penalty={self.penalty} "
                f"l1_ratio={self.l1_ratio:g} {len(self)} lambdas {self.lambdas[0]:.4g}..{self.lambdas[-1]:.4g}>")

    def _options(self, lam: float):
        from ..config import make_options

        kw = {"penalty": self.penalty, "lam": float(lam), "standardize": self.standardize}
        if self.penalty == "elasticnet":
            kw["l1_ratio"] = self.l1_ratio
        return make_options(**kw)

    def fit_at(self, lam: float):
        """The penalized fit at ``lam`` as :class:`~statlogit.penalized.results.PenalizedResults`
        (the stored fit when ``lam`` is on the grid, else a fit warm started from the path)."""
        from .fit import fit_single
        from .results import PenalizedResults

        if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not (lam >= 0) or lam == float("inf"):
            raise OptionError(f"lam={lam!r} is not valid; it must be a finite number >= 0")
        opts = self._options(lam)
        hit = np.flatnonzero(np.isclose(self.lambdas, lam, rtol=1e-12, atol=0))
        if hit.size:
            return PenalizedResults(self.model, self.fits[int(hit[0])], opts)
        above = np.flatnonzero(self.lambdas >= lam)
        start = self.fits[int(above[-1])].params if above.size else None
        prob = make_problem(self.model, self.standardize)
        fit = fit_single(prob, float(lam), self.l1_ratio, start=start)
        if not fit.converged:
            warn(f"coordinate descent did not converge at lam={lam:g}: {fit.message}", ConvergenceWarning)
        return PenalizedResults(self.model, fit, opts)

    def cv(self, folds: int = 10, seed: int | None = 0, measure: str = "deviance"):
        """K-fold cross-validation over this path's lambdas (see :mod:`statlogit.penalized.cv`)."""
        from .cv import cross_validate

        self._cv = cross_validate(self, folds=folds, seed=seed, measure=measure)
        return self._cv

    def plot(self, ax=None, label: bool = True):
        """Coefficients (original scale, intercept left out) against log(lambda)."""
        from .plots import plot_path

        return plot_path(self, ax=ax, label=label)

    def plot_cv(self, ax=None):
        """The CV curve (mean +/- 1 SE per lambda) with lambda_min and lambda_1se marked
        (runs :meth:`cv` with its defaults when it has not run yet)."""
        from .plots import plot_cv

        cv = self._cv if self._cv is not None else self.cv()
        return plot_cv(cv, ax=ax)
