"""Ordinal (cumulative logit, proportional odds) regression: ``sl.ologit`` and ``sl.OrderedLogit``.

For ordered levels 0..K-1 and thresholds ``zeta_1 < ... < zeta_{K-1}``,

    logit P(Y <= j | x) = zeta_j - x' beta,     j = 1..K-1,

the sign convention of R's MASS::polr and ordinal::clm (and statsmodels OrderedModel): a
positive beta moves probability to higher levels, and ``exp(beta)`` is the cumulative odds
ratio of ``Y > j`` (any j). The design has no intercept column: the thresholds take its
place. ``theta = [beta, zeta]``; ``params`` is one Series, the betas then the thresholds
named ``"Low|Medium"``. The block function is
:func:`statlogit.models.ordinal_kernel.ordinal_pieces`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..design import TermInfo
from ..diagnostics.multiclass_api import OrdinalDiagnosticsMixin
from ..exceptions import DataError, OptionError
from .base import CategoricalModel, _weights_column, check_missing
from .levels import level_label, ordinal_coder
from .likelihood import Likelihood
from .results import CategoricalResults


class Ordinal(Likelihood):
    """Cumulative-logit likelihood; feasible where the thresholds are strictly increasing."""

    def __init__(self, X, y, K, weights=None, names=None):
        self.X, self.K, self.weights = X, K, weights
        self.y = y.astype(np.int64)
        self.names = list(names)
        self.p = X.shape[1]

    def pieces(self, theta, need_hessian=True):
        from .ordinal_kernel import ordinal_pieces

        # Thresholds far apart (a diverging fit under separation): expm1 of the gap overflows to
        # inf, whose reciprocal 0 is the intended limit.
        with np.errstate(over="ignore"):
            return ordinal_pieces(self.X, self.y, theta, self.weights, need_hessian)

    def probabilities(self, X, theta):
        from .ordinal_kernel import ordinal_probabilities

        return ordinal_probabilities(X, theta, self.K)

    def rows(self, idx):
        w = None if self.weights is None else self.weights[idx]
        return Ordinal(self.X[idx], self.y[idx], self.K, w, self.names)

    def start(self):
        """beta = 0 and the thresholds at the logits of the cumulative proportions."""
        from .ordinal_kernel import ordinal_start

        start = np.asarray(ordinal_start(self.y, self.K, self.weights), dtype=float)
        return start if start.shape[0] == self.n_params else np.r_[np.zeros(self.p), start]

    def feasible(self, theta):
        zeta = np.asarray(theta[self.p:])
        return bool(np.all(np.isfinite(theta)) and np.all(np.diff(zeta) > 0))


def _without_intercept(design):
    """The design with its intercept column removed (the thresholds replace it)."""
    icpt = design.intercept_index
    if icpt is None:
        return design, None
    X = np.ascontiguousarray(np.delete(design.X, icpt, axis=1))
    names = [n for j, n in enumerate(design.column_names) if j != icpt]
    terms = [TermInfo(t.name, tuple(c - (c > icpt) for c in t.columns), t.kind, t.variable)
             for t in design.terms if t.kind != "intercept"]
    absmax = np.delete(design.column_absmax, icpt)
    return replace(design, X=X, column_names=names, terms=terms, intercept_index=None, column_absmax=absmax,
                   intercept_added=False), icpt


class OrderedLogit(CategoricalModel):
    """Proportional-odds model: ``OrderedLogit(y, X)`` (no intercept column: X must not hold a
    constant) or :meth:`from_formula`; ``fit()`` returns :class:`OrderedLogitResults`."""

    family = "ordinal"

    def __init__(self, y=None, X=None, *, levels=None, missing: str = "drop", weights=None, design=None):
        check_missing(missing)
        self.dropped_intercept = None
        if design is None:
            from ..arrays import design_from_arrays

            if y is None or X is None:
                raise DataError("OrderedLogit(y, X) needs both y and X; or use OrderedLogit.from_formula(formula, data)")
            design = design_from_arrays(y, X, intercept=False, missing=missing, coder=ordinal_coder(levels))
            if design.intercept_index is not None:
                name = design.column_names[design.intercept_index]
                raise DataError(f"column {name!r} of X is constant; an ordinal model has no intercept (the "
                                "thresholds take its place): drop that column")
        else:
            self.formula_column_names = list(design.column_names)  # with the intercept, for display labels
            design, self.dropped_intercept = _without_intercept(design)
        if design.X.shape[1] == 0:
            raise DataError("the ordinal model needs at least one predictor (the thresholds alone are the "
                            "null model)")
        super().__init__(design, weights)

    @classmethod
    def from_formula(cls, formula: str, data, *, levels=None, missing: str = "drop", weights=None) -> OrderedLogit:
        from ..design import design_from_formula

        check_missing(missing)
        design = design_from_formula(formula, data, missing=missing, coder=ordinal_coder(levels))
        if design.intercept_index is None:
            raise OptionError(f"formula {formula!r} removes the intercept; an ordinal model's thresholds play "
                              "its part, so keep it (drop '- 1' / '0 +')")
        if isinstance(weights, str):
            weights = _weights_column(data, weights)
        return cls(design=design, weights=weights)

    def threshold_names(self) -> list[str]:
        lv = [level_label(v) for v in self.levels]
        return [f"{a}|{b}" for a, b in zip(lv[:-1], lv[1:])]

    def likelihood(self) -> Ordinal:
        d = self.design
        return Ordinal(d.X, d.y, self.K, self.weights, list(d.column_names) + self.threshold_names())


class OrderedLogitResults(CategoricalResults, OrdinalDiagnosticsMixin):
    """Results of a proportional-odds model (``logit P(Y <= j) = zeta_j - x'beta``)."""

    kind = "ordinal"

    @property
    def df_model(self) -> int:
        return self.design.X.shape[1]

    def _transform_new(self, X):
        j = self.model.dropped_intercept
        return X if j is None else np.delete(X, j, axis=1)

    @property
    def beta(self) -> pd.Series:
        return self.params.iloc[: self.df_model]

    @property
    def thresholds(self) -> pd.Series:
        return self.params.iloc[self.df_model:]

    def conf_int(self, alpha: float = 0.05, method: str = "wald", progress: bool = False) -> pd.DataFrame:
        """Limits for betas and thresholds (rows as ``params``); ``method="profile"`` profiles
        the betas (as R's confint.clm/confint.polr) and gives Wald limits for the thresholds."""
        ci = self._ci_flat(alpha, method, progress)
        if method == "profile":
            wald = self._ci_flat(alpha, "wald")
            ci[self.df_model:] = wald[self.df_model:]
        return pd.DataFrame(ci, index=self.param_names, columns=["lower", "upper"])

    def _profile_which(self) -> list[int]:
        return list(range(self.df_model))

    def odds_ratios(self, alpha: float = 0.05, method: str = "wald", progress: bool = False) -> pd.DataFrame:
        """Cumulative odds ratios ``exp(beta)`` (odds of a higher level, any cut-point),
        delta-method SE ``exp(beta) se``, and ``exp`` of the limits; betas only."""
        k = self.df_model
        ci = self.conf_int(alpha, method, progress).iloc[:k]
        b = self.beta
        with np.errstate(over="ignore", invalid="ignore"):
            r = np.exp(b)
            return pd.DataFrame({"odds_ratio": r, "se": r * self.bse.iloc[:k], "lower": np.exp(ci["lower"]),
                                 "upper": np.exp(ci["upper"])}, index=b.index)

    def coef_table(self, alpha: float = 0.05, method: str = "wald") -> pd.DataFrame:
        ci = self.conf_int(alpha, method)
        return pd.DataFrame({"coef": self.params, "se": self.bse, "z": self.zvalues, "p": self.pvalues,
                             "lower": ci["lower"], "upper": ci["upper"]}, index=self.param_names)


OrderedLogit._results_class = OrderedLogitResults


def ologit(formula: str, data, *, levels=None, weights=None, missing: str = "drop", method: str = "newton",
           **options) -> OrderedLogitResults:
    """Fit a proportional-odds (cumulative logit) model of ``formula`` on ``data``.

    The category order comes from an ordered Categorical, from ``levels=`` (lowest first)
    or from numeric order; text without an order is an error. ``weights`` are frequency
    weights. Sign convention as R's polr/clm: ``logit P(Y <= j) = zeta_j - x'beta``. ``data``
    may be a dask DataFrame or a path/glob of Parquet/CSV files (``client=``, ``processes=``).
    """
    from ..backends.dask_io import is_dask_data

    if is_dask_data(data):  # a dask DataFrame or a path/glob of files: statlogit.backends.dask_family
        from ..backends.dask_family import dask_family_fit

        return dask_family_fit("ordinal", formula, data, missing=missing, weights=weights,
                               coder=ordinal_coder(levels), method=method, **options)
    model = OrderedLogit.from_formula(formula, data, levels=levels, missing=missing, weights=weights)
    return model.fit(method=method, **options)
