"""What the multinomial and ordinal models share: design, weights, solver dispatch.

A model is a :class:`~statlogit.design.Design` (y coded 0..K-1, ``design.levels``) plus
options; ``fit()`` builds the family's :class:`~statlogit.models.likelihood.Likelihood`, runs
the chosen solver on it and returns a new results object. The model is never changed.
"""

from __future__ import annotations

import numpy as np

from ..config import MISSING, check_choice, make_options
from ..exceptions import ConvergenceWarning, DataError, OptionError, ResponseError, warn

FAMILY_METHODS = ("newton", "gd", "sgd")


class CategoricalModel:
    """Base of :class:`~statlogit.models.multinomial.MNLogit` and
    :class:`~statlogit.models.ordinal.OrderedLogit` (not used directly)."""

    family = ""
    _results_class: type

    def __init__(self, design, weights=None):
        from ..model import _vector

        self.design = design
        n = design.nobs
        self.weights = None if weights is None else _vector(weights, n, "weights", design)
        self.offset = None
        if self.weights is not None and (np.any(self.weights < 0) or not np.any(self.weights > 0)):
            raise DataError("weights must be non-negative with at least one positive")
        self._check_scale()
        self._check_levels()

    def _check_scale(self) -> None:
        big = np.asarray(self.design.column_absmax)
        odd = [n for n, b in zip(self.design.column_names, big) if b > 1e50 or 0 < b < 1e-50]
        if odd:
            raise DataError(
                f"column(s) {', '.join(odd)} have values beyond 1e+-50 (largest |value| "
                f"{', '.join(f'{b:.3g}' for b in big if b > 1e50 or 0 < b < 1e-50)}); rescale them (e.g. x / 1e6) "
                f"before fitting the {self.family} model"
            )

    @property
    def levels(self) -> tuple:
        return self.design.levels

    @property
    def K(self) -> int:
        return len(self.design.levels)

    def _check_levels(self) -> None:
        from .levels import level_label

        y = self.design.y.astype(np.int64)
        w = self.weights
        counts = np.bincount(y, weights=w, minlength=self.K)
        empty = [level_label(lv) for lv, c in zip(self.levels, counts) if c <= 0]
        if empty:
            raise ResponseError(
                f"level(s) {', '.join(empty)} of response {self.design.response_name!r} have no rows with "
                "positive weight; drop or merge them"
            )
        k = self.likelihood().n_params
        if k > self.design.nobs and w is None:
            raise DataError(
                f"the {self.family} model of {self.design.response_name!r} with {self.K} levels has {k} "
                f"parameters but only {self.design.nobs} rows; merge levels or remove predictors"
            )

    # ------------------------------------------------------------------ fitting
    def likelihood(self):
        raise NotImplementedError

    def fit(self, method: str = "newton", **options):
        """Fit by ``method`` ("newton", "gd" or "sgd") and return the results.

        Options as :meth:`statlogit.Logit.fit`: ``tol``, ``max_iter``; for gd/sgd
        ``learning_rate``; for sgd ``batch_size``, ``epochs``, ``seed``.
        """
        if method not in FAMILY_METHODS:
            raise OptionError(f"method={method!r} is not valid for the {self.family} model; choose one of "
                              f"{', '.join(map(repr, FAMILY_METHODS))}")
        opts = make_options(method=method, **options)
        if opts.cov_type != "nonrobust":
            raise OptionError(
                f"cov_type={opts.cov_type!r} is not available for the {self.family} model: robust and "
                "cluster-robust (sandwich) covariances are implemented for the binary logit only. Fit with the "
                "default model-based covariance (with clustered rows its standard errors may be too small)"
            )
        if opts.penalty is not None and self.family == "multinomial":
            from ..penalized.multinomial import fit_multinomial_penalized

            return fit_multinomial_penalized(self, opts)
        if opts.penalty is not None:
            raise OptionError(f"penalty={opts.penalty!r} is not implemented for the {self.family} model: penalized "
                              "fits (glmnet's objective) exist for the binary and multinomial logit only (sl.logit, sl.mlogit); "
                              f"fit the {self.family} model without a penalty")
        lik = self.likelihood()
        fit = self._solve(lik, opts)
        results = self._results_class(self, fit, opts, lik)
        if _separation_symptoms(results):
            table = _warn_separation(results)
            if table is not None:
                import dataclasses

                fit = dataclasses.replace(
                    fit, converged=False, separation=table,
                    message=f"{fit.message}; but a level is perfectly predicted (separation), so no finite "
                            "maximum-likelihood estimate exists")
                results = self._results_class(self, fit, opts, lik)
                results.__dict__["_separation_table"] = table
                return results
        if not fit.converged:
            advice = {"newton": "check for separation (res.separation())",
                      "gd": "raise max_iter or the learning_rate, or use method='newton'",
                      "sgd": "raise epochs, or use method='newton' for exact estimates"}[opts.method]
            warn(f"{opts.method} did not converge: {fit.message}; {advice}", ConvergenceWarning)
        return results

    def _solve(self, lik, opts):
        from ..model import rank_deficiency_error
        from ..solvers.newton import SingularInformation

        try:
            if opts.method == "newton":
                from .likelihood import fit_likelihood

                return fit_likelihood(lik, tol=opts.tol_, max_iter=opts.max_iter_)
            from ..solvers.family_gradient import fit_gd_likelihood, fit_sgd_likelihood

            if opts.method == "gd":
                return fit_gd_likelihood(lik, learning_rate=opts.learning_rate, max_iter=opts.max_iter_,
                                         tol=opts.tol_, progress=opts.progress)
            return fit_sgd_likelihood(lik, learning_rate=opts.learning_rate, batch_size=opts.batch_size,
                                      epochs=opts.max_iter_, tol=opts.tol_, seed=opts.seed, progress=opts.progress)
        except SingularInformation as exc:
            raise rank_deficiency_error(self.design) from exc


def check_missing(missing: str) -> None:
    check_choice("missing", missing, MISSING)


def _separation_symptoms(res) -> bool:
    """Signs that some level may be perfectly predicted: no convergence, huge coefficients or
    standard errors, or fitted probabilities of the observed level at 1 to rounding."""
    if not res.converged:
        return True
    theta = np.asarray(res.fit_info.params)
    se = res._se_flat
    return bool(np.max(np.abs(theta)) > 15 or not np.all(np.isfinite(se)) or np.max(se) > 50)


def _warn_separation(res):
    """Run the exact check; warn naming the level(s) perfectly predicted and return the table
    when the MLE does not exist (None otherwise)."""
    from ..exceptions import SeparationWarning

    table = res.separation()
    bad = table[table["status"] != "none"]
    if not len(bad):
        return None
    parts = ", ".join(f"{r['label']} ({r['status']})" for _, r in bad.iterrows())
    warn(f"a level is perfectly predicted by the predictors: {parts}; the maximum-likelihood estimate does not "
         "exist (coefficients run to infinity and their standard errors are meaningless). Merge levels or drop "
         "the predictor involved (see res.separation())", SeparationWarning)
    return table


def _weights_column(data, name: str):
    """``weights="Freq"``: the column of that name."""
    cols = getattr(data, "columns", data.keys() if isinstance(data, dict) else [])
    if name not in cols:
        raise DataError(f"weights={name!r} is not a column of the data; pass the column name or the values")
    return data[name]
