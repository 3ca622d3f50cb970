"""Results of a penalized fit: estimates and predictions, but no Wald or profile inference.

Penalized estimates are biased toward zero by design, and the lasso's selection makes the
usual sampling distribution wrong, so standard errors, z, p-values and Wald or profile
intervals computed as for the MLE would be wrong. They are refused with an
:class:`~statlogit.exceptions.OptionError` that says why and points to
:meth:`PenalizedResults.bootstrap`, which gives percentile intervals *of the penalized
estimator* (they describe its variability, not a confidence interval for the true
coefficient).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import OptionError
from ..results import LogitResults

NO_INFERENCE = ("Penalized estimates are biased toward zero, so Wald/profile standard errors, "
                "p-values and confidence intervals would be wrong and are not given")


def _refuse(what: str):
    raise OptionError(
        f"{what} are not available for a penalized fit: {NO_INFERENCE.split(', so')[0]}, so "
        f"{what} computed as for the MLE would be wrong. Use res.bootstrap(n=500, seed=0) for "
        "percentile intervals of the penalized estimator, or fit with penalty=None for "
        "maximum-likelihood inference"
    )


class PenalizedResults(LogitResults):
    """A penalized logistic fit (glmnet's objective): params, odds ratios, predictions,
    classification, calibration, ROC and a report; no Wald inference (see module docstring)."""

    # ------------------------------------------------------------ the penalty
    @property
    def penalty(self) -> str:
        return self.fit_info.penalty

    @property
    def lam(self) -> float:
        return self.fit_info.lam

    @property
    def l1_ratio(self) -> float:
        return self.fit_info.l1_ratio

    @property
    def standardize(self) -> bool:
        return self.fit_info.standardize

    @property
    def kkt_violation(self) -> float:
        """glmnet's optimality check at the estimate (0 at the exact minimum)."""
        return float(self.fit_info.kkt_violation)

    @property
    def objective(self) -> float:
        """``-(1/W) loglik + lam * penalty`` at the estimate."""
        return float(self.fit_info.objective)

    @property
    def dev_ratio(self) -> float:
        """Fraction of the null deviance explained, glmnet's ``dev.ratio``."""
        return float(self.fit_info.dev_ratio)

    @property
    def nonzero(self) -> int:
        """Nonzero coefficients other than the intercept (glmnet's ``df``)."""
        b = self.fit_info.params.copy()
        if self.has_intercept:
            b = np.delete(b, self.design.intercept_index)
        return int(np.count_nonzero(b))

    # ------------------------------------------------------------ refused inference
    @property
    def bse(self):
        _refuse("standard errors")

    @property
    def zvalues(self):
        _refuse("Wald z statistics")

    @property
    def pvalues(self):
        _refuse("p-values")

    def cov_params(self):
        _refuse("covariance matrices of the coefficients")

    def conf_int(self, alpha: float = 0.05, method: str = "wald", progress: bool = False):
        _refuse(f"{method} confidence intervals" if method in ("wald", "profile") else "confidence intervals")

    def lr_test(self):
        _refuse("likelihood-ratio tests against the null model")

    @property
    def aic(self):
        _refuse("AIC values (the penalized fit has no simple parameter count)")

    @property
    def bic(self):
        _refuse("BIC values (the penalized fit has no simple parameter count)")

    def influence(self):
        _refuse("influence measures (they are defined at the MLE)")

    def _require_mle(self, what: str) -> None:
        _refuse(what)

    def with_cov(self, cov_type: str, groups=None):
        _refuse("robust or cluster covariance matrices")

    def wald_test(self, hypothesis, q=None):
        _refuse("Wald tests of linear hypotheses")

    def anova(self, type: int = 2, test: str = "lr"):  # noqa: A002 (car's name)
        _refuse("term tests (type II/III LR or Wald)")

    def drop1(self):
        _refuse("drop-one likelihood-ratio tests")

    def marginal_effects(self, *args, **kwargs):
        _refuse("marginal effects with delta-method standard errors")

    def box_tidwell(self, shift=None):
        _refuse("Box-Tidwell tests")

    def check_assumptions(self, alpha: float = 0.05):
        _refuse("assumption checks with Wald/LR tests")

    def plot_forest(self, *args, **kwargs):
        _refuse("forest plots of confidence intervals")

    def plot_effect(self, *args, **kwargs):
        _refuse("effect plots with confidence bands")

    def plot_influence(self, *args, **kwargs):
        _refuse("influence plots")

    def plot_linearity(self, *args, **kwargs):
        _refuse("component-plus-residual plots (they are defined at the MLE)")

    def plot_loss(self, ax=None):
        """The penalized objective and the KKT violation per iteration."""
        from .plots import plot_objective

        return plot_objective(self, ax=ax)

    # ------------------------------------------------------------ what remains
    def odds_ratios(self, alpha: float = 0.05, method: str | None = None, progress: bool = False,
                    units: dict | None = None) -> pd.DataFrame:
        """``exp(b)`` per coefficient (``exp(k b)`` per ``units={"age": k}``, with a ``per``
        column); intervals only from :meth:`bootstrap`."""
        if method is not None:
            _refuse(f"{method} intervals for odds ratios")
        if units is None:
            return pd.DataFrame({"odds_ratio": np.exp(self.params)}, index=self.names)
        from ..report.sentences import unit_multipliers

        mult = unit_multipliers(self, units)
        k = np.array([mult[n] for n in self.names])
        return pd.DataFrame({"per": k, "odds_ratio": np.exp(k * self.params)}, index=self.names)

    def coef_table(self, alpha: float = 0.05, method: str | None = None) -> pd.DataFrame:
        """coef and odds ratio per term (no SE, z, p or CI: see the module docstring)."""
        if method is not None:
            _refuse(f"{method} intervals")
        return pd.DataFrame({"coef": self.params, "odds_ratio": np.exp(self.params)}, index=self.names)

    def predict(self, newdata=None, kind: str = "prob", threshold: float = 0.5,
                interval: bool = False, alpha: float = 0.05, offset=None):
        """As :meth:`LogitResults.predict`, without intervals (penalized: see the module docstring)."""
        if interval:
            _refuse("prediction intervals")
        return super().predict(newdata, kind=kind, threshold=threshold, offset=offset)

    def bootstrap(self, n: int = 500, seed: int | None = 0, alpha: float = 0.05,
                  progress: bool = False) -> pd.DataFrame:
        """Percentile intervals of the penalized estimator over ``n`` case resamples.

        Rows are resampled with replacement (a frequency-weighted row is drawn in proportion
        to its weight), the same ``lam``, ``l1_ratio`` and standardization are refitted, warm
        started at this estimate, and the ``alpha/2`` and ``1 - alpha/2`` quantiles of each
        coefficient are returned with its odds ratio limits. These are *bootstrap intervals of
        a penalized estimator*: they show its variability and include its shrinkage bias;
        they are not confidence intervals for the coefficients of the unpenalized model.
        Columns: ``coef``, ``lower``, ``upper``, ``or_lower``, ``or_upper``, ``share_zero``
        (fraction of resamples with the coefficient exactly 0).
        """
        from ..results import _check_alpha
        from .fit import fit_single, make_problem

        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 20:
            raise OptionError(f"n={n!r} is not valid; the bootstrap needs an integer n >= 20 resamples (500 is usual)")
        alpha = _check_alpha(alpha)
        rng = np.random.default_rng(seed)
        d = self.design
        w0 = self.model.weights
        nrows = d.nobs
        total = nrows if w0 is None else int(round(float(w0.sum())))
        prob_rows = None if w0 is None else w0 / w0.sum()
        draws = np.empty((n, len(self.names)))
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=n, desc="bootstrap", leave=False)
        from ..exceptions import ConvergenceWarning, warn

        not_conv = 0
        try:
            for k in range(n):
                counts = np.bincount(rng.choice(nrows, size=max(total, 1), p=prob_rows), minlength=nrows)
                prob = make_problem(self.model, self.standardize, extra_weights=counts.astype(float)
                                    if w0 is None else counts / np.where(w0 > 0, w0, 1.0))
                f = fit_single(prob, self.lam, self.l1_ratio, start=self.fit_info.params)
                not_conv += not f.converged
                draws[k] = f.params
                if bar is not None:
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()
        if not_conv:
            warn(f"{not_conv} of {n} bootstrap refits did not converge", ConvergenceWarning)
        lo, hi = np.quantile(draws, [alpha / 2, 1 - alpha / 2], axis=0)
        out = pd.DataFrame({"coef": self.params, "lower": lo, "upper": hi, "or_lower": np.exp(lo),
                            "or_upper": np.exp(hi), "share_zero": (draws == 0).mean(axis=0)}, index=self.names)
        out.attrs["label"] = (f"{100 * (1 - alpha):g}% bootstrap percentile intervals of a penalized estimator "
                              f"({self.penalty}, lam={self.lam:g}; {n} case resamples, seed={seed})")
        out.columns.name = f"{100 * (1 - alpha):g}% bootstrap percentile, penalized estimator"
        return out

    # ------------------------------------------------------------ display
    def summary(self, alpha: float = 0.05, ci_method: str | None = None, units: dict | None = None):
        """Header facts and the coefficient / odds-ratio table (odds ratios per ``units`` when
        given); one line on why there are no standard errors, p-values or intervals."""
        from .report import penalized_summary

        if ci_method is not None:
            _refuse(f"{ci_method} confidence intervals")
        return penalized_summary(self, units=units)

    def report(self, units: dict | None = None, alpha: float = 0.05, *, threshold: float = 0.5,
               groups: int = 10, plots: bool = True, title: str | None = None, ci_method: str | None = None,
               top: int | None = None, effect: str | None = None, data=None, progress: bool = False):
        """A :class:`~statlogit.report.document.Report`: model, penalized coefficients and odds
        ratios (per ``units``, e.g. ``{"glucose": 10}``), Hosmer-Lemeshow, classification,
        calibration and ROC. ``alpha``, ``data`` and ``progress`` are accepted for the same call
        as an unpenalized report and not needed; ``ci_method``, ``top`` (influence) and
        ``effect`` (effect plot with a confidence band) do not apply and raise."""
        from .report import penalized_report

        if ci_method is not None:
            _refuse(f"{ci_method} confidence intervals")
        if top is not None:
            _refuse("influence measures (they are defined at the MLE)")
        if effect is not None:
            _refuse("effect plots with confidence bands")
        return penalized_report(self, units=units, threshold=threshold, groups=groups, plots=plots, title=title)

    def __repr__(self) -> str:
        return (f"<PenalizedResults {self.formula or ''} n={self.nobs} penalty={self.penalty} "
                f"lam={self.lam:g} nonzero={self.nonzero} converged={self.converged}>")
