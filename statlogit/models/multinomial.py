"""Multinomial (softmax) logistic regression: ``sl.mlogit`` and ``sl.MNLogit``.

For levels 0..K-1 with level 0 the reference,

    P(Y = k | x) = exp(x' b_k) / (1 + sum_{l>=1} exp(x' b_l)),   b_0 = 0,

so ``b_k`` are log relative-risk ratios of level k against the reference (nnet::multinom,
statsmodels MNLogit). The flat parameter vector is level-major, ``theta.reshape(K-1, p)[k-1] = b_k``,
named ``"level:term"`` as R's ``vcov(multinom)``; ``params`` shows it as a DataFrame with
rows = terms and columns = non-reference levels. The block function is
:func:`statlogit.models.multinomial_kernel.multinomial_pieces`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..diagnostics.multiclass_api import MultinomialDiagnosticsMixin
from .base import CategoricalModel, _weights_column, check_missing
from .levels import level_label, nominal_coder
from .likelihood import Likelihood
from .results import CategoricalResults


class Multinomial(Likelihood):
    """Softmax likelihood with the reference level's linear predictor fixed at 0."""

    def __init__(self, X, y, K, weights=None, names=None, intercept_index=None):
        self.X, self.K, self.weights = X, K, weights
        self.y = y.astype(np.int64)
        self.intercept_index = intercept_index
        self.names = list(names)

    def pieces(self, theta, need_hessian=True):
        from .multinomial_kernel import multinomial_pieces

        return multinomial_pieces(self.X, self.y, theta, self.weights, need_hessian)

    def probabilities(self, X, theta):
        from .multinomial_kernel import multinomial_probabilities

        return multinomial_probabilities(X, theta, self.K)

    def rows(self, idx):
        w = None if self.weights is None else self.weights[idx]
        return Multinomial(self.X[idx], self.y[idx], self.K, w, self.names, self.intercept_index)

    def start(self):
        """Intercepts at ``log(n_k / n_0)`` (the null model's estimates), slopes 0."""
        p = self.X.shape[1]
        theta = np.zeros((self.K - 1, p))
        if self.intercept_index is not None:
            counts = np.bincount(self.y, weights=self.weights, minlength=self.K)
            theta[:, self.intercept_index] = np.log(counts[1:] / counts[0])
        return theta.reshape(-1)


class MNLogit(CategoricalModel):
    """Multinomial logit model: ``MNLogit(y, X)`` (an intercept is added unless
    ``intercept=False``) or :meth:`from_formula`; ``fit()`` returns :class:`MNLogitResults`."""

    family = "multinomial"

    def __init__(self, y=None, X=None, *, reference: Any = None, intercept: bool = True, missing: str = "drop",
                 weights=None, design=None):
        check_missing(missing)
        if design is None:
            from ..arrays import design_from_arrays
            from ..exceptions import DataError

            if y is None or X is None:
                raise DataError("MNLogit(y, X) needs both y and X; or use MNLogit.from_formula(formula, data)")
            design = design_from_arrays(y, X, intercept=intercept, missing=missing, coder=nominal_coder(reference))
        super().__init__(design, weights)

    @classmethod
    def from_formula(cls, formula: str, data, *, reference: Any = None, missing: str = "drop",
                     weights=None) -> MNLogit:
        from ..design import design_from_formula

        check_missing(missing)
        design = design_from_formula(formula, data, missing=missing, coder=nominal_coder(reference))
        if isinstance(weights, str):
            weights = _weights_column(data, weights)
        return cls(design=design, weights=weights)

    @property
    def reference(self):
        return self.levels[0]

    def param_names(self) -> list[str]:
        return [f"{level_label(lv)}:{t}" for lv in self.levels[1:] for t in self.design.column_names]

    def likelihood(self) -> Multinomial:
        d = self.design
        return Multinomial(d.X, d.y, self.K, self.weights, self.param_names(), d.intercept_index)


class MNLogitResults(CategoricalResults, MultinomialDiagnosticsMixin):
    """Results of a multinomial logit: coefficients are log relative-risk ratios against the
    reference level; ``params``, ``bse``, ``zvalues``, ``pvalues`` are terms x levels DataFrames."""

    kind = "multinomial"

    def _shaped(self, values, name):
        d = self.design
        cols = [level_label(lv) for lv in self.model.levels[1:]]
        return pd.DataFrame(np.asarray(values).reshape(len(cols), -1).T, index=list(d.column_names), columns=cols)

    def _long_index(self) -> pd.MultiIndex:
        cols = [level_label(lv) for lv in self.model.levels[1:]]
        return pd.MultiIndex.from_product([cols, list(self.design.column_names)], names=["level", "term"])

    @property
    def reference(self):
        return self.model.reference

    @property
    def df_model(self) -> int:
        p = self.design.X.shape[1]
        return (self.model.K - 1) * (p - (1 if self.design.intercept_index is not None else 0))

    @property
    def _null_has_thresholds(self) -> bool:
        return self.design.intercept_index is not None

    def conf_int(self, alpha: float = 0.05, method: str = "wald", progress: bool = False) -> pd.DataFrame:
        """Limits for every coefficient: rows (level, term), columns lower, upper.

        ``method="profile"`` gives exact profile-likelihood limits (one root search per
        coefficient; see :mod:`statlogit.inference.family_profile`)."""
        ci = self._ci_flat(alpha, method, progress)
        return pd.DataFrame(ci, index=self._long_index(), columns=["lower", "upper"])

    def rrr(self, alpha: float = 0.05, method: str = "wald", progress: bool = False) -> pd.DataFrame:
        """Relative-risk ratios ``exp(b)`` against the reference level, delta-method SE
        ``exp(b) se(b)``, and ``exp`` of the coefficient limits; rows (level, term)."""
        ci = self._ci_flat(alpha, method, progress)
        b = np.asarray(self.fit_info.params, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            r = np.exp(b)
            return pd.DataFrame({"rrr": r, "se": r * self._se_flat, "lower": np.exp(ci[:, 0]),
                                 "upper": np.exp(ci[:, 1])}, index=self._long_index())

    def coef_table(self, alpha: float = 0.05, method: str = "wald") -> pd.DataFrame:
        """One row per (level, term): coef, se, z, p, limits, rrr and its limits."""
        ci = self._ci_flat(alpha, method)
        b = np.asarray(self.fit_info.params, dtype=float)
        with np.errstate(over="ignore"):
            return pd.DataFrame({"coef": b, "se": self._se_flat, "z": self._z_flat,
                                 "p": self._p_flat, "lower": ci[:, 0], "upper": ci[:, 1],
                                 "rrr": np.exp(b), "rrr_lower": np.exp(ci[:, 0]), "rrr_upper": np.exp(ci[:, 1])},
                                index=self._long_index())


MNLogit._results_class = MNLogitResults


def mlogit(formula: str, data, *, reference: Any = None, weights=None, missing: str = "drop",
           method: str = "newton", **options) -> MNLogitResults:
    """Fit a multinomial logistic regression of ``formula`` on ``data``.

    The reference level is the first level (sorted order, or category order of a pandas
    Categorical) unless ``reference=`` names one. ``weights`` are frequency weights.

    ``penalty="l2"|"l1"|"elasticnet"`` with ``lam`` (> 0), ``l1_ratio`` and ``standardize``
    fits glmnet's penalized multinomial objective instead (see
    :mod:`statlogit.penalized.multinomial`) and returns
    :class:`~statlogit.penalized.multinomial_results.MultinomialPenalizedResults`. Its ``params``
    are in glmnet's *symmetric* layout: rows = terms, columns = **all** levels, one coefficient
    vector per level; the penalty, not a reference level, makes them identifiable, so
    ``reference=`` does not apply and is refused.

    >>> import statlogit as sl, pandas as pd
    >>> df = pd.DataFrame({"y": list("abcabcabca"), "x": [1., 2, 3, 2, 3, 1, 3, 1, 2, 1]})
    >>> sl.mlogit("y ~ x", df).params.shape
    (2, 2)
    """
    from ..backends.dask_io import is_dask_data

    if is_dask_data(data):  # a dask DataFrame or a path/glob of files: statlogit.backends.dask_family
        from ..backends.dask_family import dask_family_fit

        return dask_family_fit("multinomial", formula, data, missing=missing, weights=weights,
                               coder=nominal_coder(reference), method=method, **options)
    if reference is not None and options.get("penalty") is not None:
        from ..exceptions import OptionError

        raise OptionError(f"reference={reference!r} does not apply to a penalized fit: penalty="
                          f"{options['penalty']!r} estimates one coefficient vector per level (glmnet's symmetric "
                          "parametrisation), with no reference level; drop reference=")
    model = MNLogit.from_formula(formula, data, reference=reference, missing=missing, weights=weights)
    return model.fit(method=method, **options)
