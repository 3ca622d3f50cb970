"""Report and plot methods attached to :class:`~statlogit.results.LogitResults`."""

from __future__ import annotations


class ReportMixin:
    """``res.report()`` and ``res.plot_<name>()`` (see :mod:`statlogit.report`).

    Every plot method takes ``ax=None`` (draw into that Axes, else a new Figure) and
    returns the matplotlib Figure; matplotlib is imported on first use.
    """

    def report(self, units: dict | None = None, alpha: float = 0.05, *, ci_method: str = "profile",
               threshold: float = 0.5, groups: int = 10, top: int = 5, data=None, effect: str | None = None,
               plots: bool = True, progress: bool = False, title: str | None = None):
        """A :class:`~statlogit.report.document.Report` for someone who will not run Python.

        ``units={"glucose": 10}`` states the odds ratio of ``glucose`` per 10 units in the
        plain-language sentences and the odds-ratio table. ``ci_method`` is "profile"
        (default, as R's ``confint``) or "wald". ``threshold`` is the cut-off of the
        confusion table, ``groups`` the Hosmer-Lemeshow groups, ``top`` the number of most
        influential rows listed. ``data`` (the fitted DataFrame) is needed only for the
        effect plot of a model whose variables enter through transforms; ``effect`` names
        its predictor (default: the continuous predictor with the largest |z|).
        ``progress=True`` shows a progress bar while profile intervals are computed.
        """
        from ..parallel import blas_single_thread
        from .content import build_report

        with blas_single_thread(getattr(self.design, "nobs", 0) >= 4 * 8192):  # block GEMMs (parallel.py)
            return build_report(self, units=units, alpha=alpha, ci_method=ci_method, threshold=threshold,
                                groups=groups, top=top, data=data, effect=effect, plots=plots,
                                progress=progress, title=title)

    def plot_forest(self, ax=None, alpha: float = 0.05, method: str = "profile", intercept: bool = False,
                    progress: bool = False, units: dict | None = None):
        """Odds ratios with CIs on a log axis (profile-likelihood CIs by default); ``units={"age": 10}``
        draws the odds ratio of ``age`` per 10 units."""
        from .plots import forest

        return forest(self, ax=ax, alpha=alpha, method=method, intercept=intercept, progress=progress, units=units)

    def plot_roc(self, ax=None):
        """ROC curve of the fitted probabilities, AUC in the legend."""
        from .plots import roc

        return roc(self, ax=ax)

    def plot_calibration(self, ax=None, bins: int = 10, alpha: float = 0.05):
        """Observed event rate against mean predicted probability in ``bins`` bins."""
        from .plots import calibration

        return calibration(self, ax=ax, bins=bins, alpha=alpha)

    def plot_influence(self, ax=None, label: int = 5):
        """Leverage against studentized residual, marker area by Cook's distance."""
        from .plots import influence

        return influence(self, ax=ax, label=label)

    def plot_linearity(self, predictors=None, ax=None, bins: int = 10):
        """Component-plus-residual plot with a lowess smoother, per continuous predictor."""
        from .plots import linearity

        return linearity(self, predictors=predictors, ax=ax, bins=bins)

    def plot_effect(self, predictor: str | None = None, ax=None, data=None, at: dict | None = None,
                    alpha: float = 0.05, n_points: int = 200):
        """Predicted probability across ``predictor`` with its CI band, others at typical values
        (median for numeric, most frequent level for factors; override with ``at={...}``)."""
        from .plots import effect

        return effect(self, predictor=predictor, ax=ax, data=data, at=at, alpha=alpha, n_points=n_points)

    def plot_loss(self, ax=None):
        """Loss per iteration (gd/sgd), or log-likelihood per Newton iteration."""
        from .plots import loss

        return loss(self, ax=ax)
