"""Regularization path and K-fold cross-validation of the penalized multinomial logit.

The grid is glmnet's (see :mod:`statlogit.penalized.path`): ``lambda_max`` is the smallest
lambda at which every penalized coefficient of every level is 0, ``max_{j,k} |g_jk| / (pf_j a)``
at the intercept-only fit (glmnet's ungrouped multinomial rule), down to
``lambda_min_ratio * lambda_max``, log-spaced; each fit is warm started from the previous one,
and the path stops once the deviance ratio exceeds 0.999 (glmnet's ``devmax``).

Cross-validation follows ``cv.glmnet(family = "multinomial")``: folds stratified by level
(:func:`statlogit.penalized.cv.stratified_folds`), each training path fitted on the full-data
lambdas with the held-out rows' weights set to 0 (standardization recomputed on the training
rows), the held-out measure the weighted mean multinomial deviance ``-2 log p_{i, y_i}``, and
``cvm``, ``cvsd``, ``lambda_min``, ``lambda_1se`` from :func:`statlogit.penalized.cv.summarize_folds`.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ..exceptions import ConvergenceWarning, OptionError, StatlogitWarning, warn
from .multinomial import DEFAULT_MAX_CYCLES, DEFAULT_TOL, MultiProblem, multi_record, null_gamma, solve_multinomial
from .objective import default_lambdas, lambda_max, standardization
from .path import SATURATED_DEV_RATIO, _check_ratio, check_lambdas


def _problem(model, standardize: bool, extra_weights: np.ndarray | None = None) -> MultiProblem:
    d = model.design
    w = model.weights
    if extra_weights is not None:
        w = extra_weights if w is None else w * extra_weights
    std = standardization(d.X, w, d.intercept_index, standardize)
    return MultiProblem(d.X, d.y.astype(np.int64), model.K, w, std)


def run_multi_path(prob: MultiProblem, l1_ratio: float, lambdas, n_lambdas: int = 100,
                   lambda_min_ratio: float | None = None, tol: float = DEFAULT_TOL,
                   max_iter: int = DEFAULT_MAX_CYCLES):
    """The fits along the grid (made here when ``lambdas`` is None): (fits, lambda_max, stopped)."""
    G = null_gamma(prob)
    state = prob.run(G, None)
    null_ll = state.loglik
    lam_max = max(lambda_max(-state.score[:, k] / prob.W, prob.std, l1_ratio) for k in range(prob.K))
    if lambdas is None:
        if lam_max <= 0:
            raise OptionError("no penalized column varies, so there is no path to fit (lambda_max is 0)")
        lambdas = default_lambdas(lam_max, prob.X.shape[0], int(prob.std.free.sum()), n_lambdas, lambda_min_ratio)
    fits, stopped = [], None
    for i, lam in enumerate(lambdas):
        sol = solve_multinomial(prob, float(lam), l1_ratio, G, tol=tol, max_iter=max_iter)
        G = sol.gamma
        rec = multi_record(prob, sol, float(lam), l1_ratio, null_ll)
        fits.append(rec)
        if rec.dev_ratio > SATURATED_DEV_RATIO and i + 1 < len(lambdas):
            stopped = (f"the path stopped early at lambda = {lam:.6g} ({i + 1} of {len(lambdas)} lambdas): the "
                       f"fit explains {100 * rec.dev_ratio:.2f}% of the null deviance (saturated, glmnet's rule)")
            break
    return fits, lam_max, stopped


class MultinomialPath:
    """Penalized multinomial fits along a lambda grid: ``lambdas`` (decreasing), ``coefs``
    (one row per lambda; columns (level, term)), ``nonzero``, ``dev_ratio``, ``converged``,
    ``kkt_violation``, ``lambda_max``, ``stopped``; :meth:`cv` and :meth:`fit_at`."""

    def __init__(self, model, fits, l1_ratio: float, standardize: bool, lam_max: float, stopped):
        from .fit import penalty_name

        self.model, self.fits, self.l1_ratio, self.standardize = model, fits, l1_ratio, standardize
        self.lambda_max, self.stopped, self.penalty = lam_max, stopped, penalty_name(l1_ratio)
        self.lambdas = np.array([f.lam for f in fits])
        idx = pd.Index(self.lambdas, name="lambda")
        d = model.design
        from ..models.levels import level_label

        cols = pd.MultiIndex.from_product([[level_label(v) for v in model.levels], list(d.column_names)],
                                          names=["level", "term"])
        self.coefs = pd.DataFrame(np.array([f.params.T.reshape(-1) for f in fits]), index=idx, columns=cols)
        slopes = [np.delete(f.params, d.intercept_index, axis=0) if d.intercept_index is not None else f.params
                  for f in fits]
        self.nonzero = pd.Series([int(np.count_nonzero(b)) for b in slopes], index=idx, name="nonzero")
        self.dev_ratio = pd.Series([f.dev_ratio for f in fits], index=idx, name="dev_ratio")
        self.converged = pd.Series([f.converged for f in fits], index=idx, name="converged")
        self.kkt_violation = pd.Series([f.kkt_violation for f in fits], index=idx, name="kkt_violation")
        self._cv = None

    def __len__(self) -> int:
        return len(self.fits)

    def __repr__(self) -> str:
        return (f"<MultinomialPath penalty={self.penalty} l1_ratio={self.l1_ratio:g} {len(self)} lambdas "
                f"{self.lambdas[0]:.4g}..{self.lambdas[-1]:.4g}>")

    def fit_at(self, lam: float):
        """The penalized multinomial fit at ``lam`` (a full fit from the null model)."""
        from ..config import make_options
        from .multinomial import fit_multinomial_penalized

        kw = {"penalty": self.penalty, "lam": float(lam), "standardize": self.standardize}
        if self.penalty == "elasticnet":
            kw["l1_ratio"] = self.l1_ratio
        return fit_multinomial_penalized(self.model, make_options(**kw))

    def cv(self, folds: int = 10, seed: int | None = 0):
        """K-fold cross-validation (multinomial deviance) over this path's lambdas."""
        self._cv = cross_validate_multi(self, folds=folds, seed=seed)
        return self._cv


def fit_multi_path(model, l1_ratio: float = 1.0, lambdas=None, n_lambdas: int = 100,
                   lambda_min_ratio: float | None = None, standardize: bool = True) -> MultinomialPath:
    """Fit the penalized multinomial model along glmnet's grid (or ``lambdas``)."""
    l1_ratio = _check_ratio(l1_ratio)
    if isinstance(n_lambdas, bool) or not isinstance(n_lambdas, numbers.Integral) or n_lambdas < 1:
        raise OptionError(f"n_lambdas={n_lambdas!r} is not valid; it must be a positive integer (100 is glmnet's)")
    if lambdas is not None:
        lambdas = check_lambdas(lambdas)
    fits, lam_max, stopped = run_multi_path(_problem(model, standardize), l1_ratio, lambdas, n_lambdas,
                                            lambda_min_ratio)
    if stopped:
        warn(stopped, StatlogitWarning)
    bad = [f.lam for f in fits if not f.converged]
    if bad:
        warn(f"coordinate descent did not converge at {len(bad)} lambda(s) ({', '.join(f'{v:.4g}' for v in bad[:5])}"
             "); raise max_iter", ConvergenceWarning)
    return MultinomialPath(model, fits, l1_ratio, standardize, lam_max, stopped)


def cross_validate_multi(path: MultinomialPath, folds: int = 10, seed: int | None = 0):
    from .cv import stratified_folds, summarize_folds

    if isinstance(folds, bool) or not isinstance(folds, numbers.Integral) or folds < 2:
        raise OptionError(f"folds={folds!r} is not valid; it must be an integer >= 2 (10 is usual)")
    model = path.model
    d = model.design
    y = d.y.astype(np.int64)
    w = np.ones(d.nobs) if model.weights is None else model.weights
    positive = w > 0
    counts = np.bincount(y[positive], minlength=model.K)
    if folds > counts.min():
        raise OptionError(f"folds={folds} is larger than the rarest level ({int(counts.min())} rows); with "
                          f"stratified folds each fold needs at least one; use folds <= {int(counts.min())}")
    fold = stratified_folds(y, positive, folds, seed, classes=range(model.K))
    L = path.lambdas.size
    m = np.full((L, folds), np.nan)
    fold_w = np.zeros(folds)
    for k in range(folds):
        prob = _problem(model, path.standardize, extra_weights=(fold != k).astype(float))
        fits, _, _ = run_multi_path(prob, path.l1_ratio, path.lambdas, tol=1e-7, max_iter=200)
        test = fold == k
        fold_w[k] = w[test].sum()
        for j, f in enumerate(fits):
            eta = d.X[test] @ f.params
            eta -= eta.max(axis=1, keepdims=True)
            logp = eta[np.arange(eta.shape[0]), y[test]] - np.log(np.exp(eta).sum(axis=1))
            m[j, k] = -2.0 * (w[test] @ logp) / fold_w[k]
    return summarize_folds(m, fold_w, path.lambdas, path.nonzero.to_numpy(), "deviance", folds, seed)
