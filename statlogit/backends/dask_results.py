"""Results of a Dask fit: the in-memory results object, with every per-row quantity streamed.

Coefficients, standard errors, tests, odds ratios and the summary are inherited unchanged
(they need only the Fit). What needs the rows is computed by passes over the partitions and
never brings n rows to the driver:

* ``llnull`` in closed form from the event count; Tjur's R² from exact sums of the fitted
  probabilities by outcome (one pass, :mod:`statlogit.backends.dask_risk`);
* ``predict(ddf)`` and ``fittedvalues`` are lazy dask Series;
* profile intervals by constrained refits on the partitions (:mod:`statlogit.backends.dask_profile`);
* diagnostics in their streaming forms (:mod:`statlogit.backends.dask_diagnostics`).
"""

from __future__ import annotations

from functools import cached_property, wraps

import numpy as np
import pandas as pd

from ..exceptions import DataError, OptionError
from ..results import LogitResults, _check_alpha


def _in_session(method):
    """Run the method's passes on one scheduler (one LocalCluster when ``processes=True``)."""

    @wraps(method)
    def run(self, *args, **kwargs):
        from .dask_fit import release_buffers

        try:
            with self.model.engine.session():
                return method(self, *args, **kwargs)
        finally:
            release_buffers()

    return run


class DaskLogitResults(LogitResults):
    """:class:`~statlogit.results.LogitResults` for a model whose rows stay in Dask partitions."""

    def __init__(self, model, fit, options, device: str = "cpu"):
        super().__init__(model, fit, options)
        self.device = device
        self._risk_cache: dict = {}

    # ------------------------------------------------------------ per-row quantities
    @property
    def _linear_predictor(self):
        raise DataError("the fitted values of a Dask fit stay in the partitions; use res.predict() "
                        "(a dask Series) instead of an array of n rows")

    @property
    def _fitted(self):
        return self._linear_predictor

    @property
    def fittedvalues(self):
        """Fitted probabilities of the rows used, as a lazy dask Series."""
        return self.predict()

    @property
    def dropped_rows(self):
        raise DataError(f"the labels of the {self.n_dropped} rows dropped for missing values are not collected "
                        "on Dask (n_dropped counts them); select them with ddf[ddf[cols].isna().any(axis=1)]")

    @cached_property
    def llnull(self) -> float:
        """Intercept-only log-likelihood from the event count (no offset on Dask)."""
        d = self.design
        if not self.has_intercept:
            return float(d.nobs * -np.log(2.0))
        ybar = d.n_events / d.nobs
        return float(d.nobs * (ybar * np.log(ybar) + (1 - ybar) * np.log1p(-ybar)))

    def pseudo_r2(self) -> pd.Series:
        """As :meth:`LogitResults.pseudo_r2`; Tjur's from exact sums over the partitions."""
        l1, l0 = self.llf, self.llnull
        n = self.nobs
        cs = -np.expm1(2.0 * (l0 - l1) / n)
        r = self._risk()
        return pd.Series({"mcfadden": 1.0 - l1 / l0, "cox_snell": cs, "nagelkerke": cs / -np.expm1(2.0 * l0 / n),
                          "tjur": r.sum_p_events / r.events - r.sum_p_non_events / r.non_events})

    @_in_session
    def _risk(self, thresholds: tuple[float, ...] = ()):
        from .dask_risk import risk_summary

        key = tuple(sorted(set(thresholds)))
        if key not in self._risk_cache:
            self._risk_cache[key] = risk_summary(self, key)
        return self._risk_cache[key]

    # ------------------------------------------------------------ prediction
    def predict(self, newdata=None, kind: str = "prob", threshold: float = 0.5, interval: bool = False,
                alpha: float = 0.05, offset=None):
        """Predictions as a lazy dask Series (DataFrame with ``interval=True``), one per row.

        ``newdata``: a dask or pandas DataFrame, or a path/glob; default the fitted data (its
        complete rows). New data go through the fitted formula (same transforms and levels); a
        missing value or a level the model was not fitted with is an error when computed.
        """
        from .dask_predict import predict_frame

        if kind not in ("prob", "logit", "class"):
            raise OptionError(f"kind={kind!r} is not valid; choose one of 'prob', 'logit', 'class'")
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not (0 < threshold < 1):
            raise OptionError(f"threshold={threshold!r} is not valid; it must be a number between 0 and 1")
        if offset is not None:
            raise OptionError("offset= is not supported on Dask data")
        if interval and kind == "class":
            raise OptionError("interval=True is not available for kind='class'")
        z = float(_z(_check_alpha(alpha))) if interval else None
        return predict_frame(self, newdata, kind, threshold, z)

    # ------------------------------------------------------------ profile intervals
    @_in_session
    def _profile_ci(self, alpha: float, z: float, progress: bool, max_seconds: float | None = None) -> pd.DataFrame:
        # max_seconds (the report's time budget) is not applied to the refits on the partitions yet
        from .dask_profile import profile_intervals

        self._require_mle("profile-likelihood intervals")
        return profile_intervals(self, alpha, z, progress)

    # ------------------------------------------------------------ inference not streamed yet
    def with_cov(self, cov_type: str, groups=None):
        """Only the model-based covariance on Dask (a sandwich needs a pass of per-row scores,
        not implemented yet)."""
        if cov_type == "nonrobust" and groups is None:
            return self
        raise OptionError(f"cov_type={cov_type!r} is not available for a Dask fit yet; its standard errors are "
                          "model-based (fit an in-memory sample for robust ones)")

    def anova(self, type: int = 2, test: str = "lr") -> pd.DataFrame:  # noqa: A002 (car's name)
        """Term tests; on Dask only ``test="wald"`` (LR tests would refit every term on the partitions)."""
        if test != "wald":
            raise OptionError(f"anova(test={test!r}) refits the model without each term, not available on Dask "
                              "yet; use anova(test='wald')")
        return super().anova(type=type, test=test)

    def drop1(self) -> pd.DataFrame:
        raise OptionError("drop1() refits the model without each term, not available on Dask yet; use "
                          "anova(test='wald')")

    def marginal_effects(self, *args, **kwargs):
        raise OptionError("marginal effects average over every row and are not available on Dask yet; compute "
                          "them on an in-memory sample")

    # ------------------------------------------------------------ diagnostics
    @_in_session
    def vif(self, basis: str = "design", exclude=()) -> pd.DataFrame:
        from .dask_diagnostics import vif

        return vif(self, basis, exclude)

    @_in_session
    def box_tidwell(self, shift=None):
        from .dask_diagnostics import box_tidwell

        return box_tidwell(self, shift)

    def influence(self):
        from .dask_diagnostics import DaskInfluence

        return DaskInfluence(self)

    @_in_session
    def hosmer_lemeshow(self, groups: int = 10):
        from .dask_risk import hosmer_lemeshow

        return hosmer_lemeshow(self, groups)

    @_in_session
    def calibration(self, bins: int = 10) -> pd.DataFrame:
        from .dask_risk import calibration

        return calibration(self, bins)

    @_in_session
    def classification(self, threshold: float = 0.5) -> pd.Series:
        from .dask_risk import classification

        return classification(self, threshold)

    @_in_session
    def roc(self) -> pd.DataFrame:
        from .dask_risk import roc

        return roc(self)

    def best_threshold(self) -> pd.Series:
        """The binned-ROC threshold maximising Youden's J (see :meth:`roc`)."""
        r = self.roc().iloc[1:]
        j = (r["tpr"] - r["fpr"]).to_numpy()
        i = int(np.argmax(j))
        row = r.iloc[i]
        return pd.Series({"threshold": float(row["threshold"]), "sensitivity": float(row["tpr"]),
                          "specificity": float(1.0 - row["fpr"]), "youden_j": float(j[i])})

    @property
    def separation(self):
        """No symptom in the fit: no separation (as in memory for large data). Symptoms make the
        fit non-converged with a :class:`SeparationWarning`; the exact linear programs need
        every row in memory, so they are not run on Dask."""
        from ..diagnostics.separation import SeparationResult, no_symptoms_result

        if "symptoms of separation" not in self.fit_info.message:
            return no_symptoms_result()
        return SeparationResult(
            status="not checked", predictors=[], checked=False,
            message="the fit shows " + self.fit_info.message.split("symptoms of separation: ", 1)[1]
                    + "; the exact check (Konis' linear programs) needs all rows in memory: run it on an "
                      "in-memory sample",
        )

    def events_per_variable(self) -> pd.Series:
        from .dask_assumptions import events_per_variable

        return events_per_variable(self)

    @_in_session
    def check_assumptions(self, alpha: float = 0.05):
        from .dask_assumptions import check_assumptions

        return check_assumptions(self, alpha)

    @_in_session
    def report(self, units: dict | None = None, alpha: float = 0.05, *, ci_method: str = "profile",
               threshold: float = 0.5, groups: int = 10, top: int = 5, data=None, effect: str | None = None,
               plots: bool = False, progress: bool = False, title: str | None = None):
        """The report of :meth:`LogitResults.report` from the streamed diagnostics. Plots need
        per-row data and are off (``plots=True`` is refused)."""
        if plots:
            raise OptionError("plots=True is not available for a Dask fit (plots need every row in memory); "
                              "use plots=False, or report on an in-memory sample")
        return super().report(units, alpha, ci_method=ci_method, threshold=threshold, groups=groups, top=top,
                              data=data, effect=effect, plots=False, progress=progress, title=title)

    def __repr__(self) -> str:
        return (f"<DaskLogitResults {self.formula or ''} n={self.nobs} partitions={self.design.frame.npartitions} "
                f"converged={self.converged}>")


def _z(alpha: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(1 - alpha / 2))
