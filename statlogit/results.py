"""``LogitResults``: every statistic of a fitted logistic regression, computed lazily.

Cheap statistics are cached properties; anything that refits (profile intervals) is a
method so its cost is visible. Nothing here mutates the model or the fit.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd
from scipy.special import expit, ndtr, ndtri

from .diagnostics.api import DiagnosticsMixin
from .exceptions import OptionError
from .inference.api import InferenceMixin
from .report.api import ReportMixin
from .results_base import ModelResults

_CI_METHODS = ("wald", "profile")
_PREDICT_KINDS = ("prob", "logit", "class")


def _check_alpha(alpha: float) -> float:
    if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise OptionError(f"alpha={alpha!r} is not valid; it must be between 0 and 1 (0.05 for 95% intervals)")
    return float(alpha)


class LogitResults(DiagnosticsMixin, ReportMixin, InferenceMixin, ModelResults):
    """Results of a logistic regression fit (log-odds scale unless a name says otherwise)."""

    def __init__(self, model, fit, options):
        self.model = model
        self.design = model.design
        self.fit_info = fit
        self.options = options
        self._profile_cache: dict[tuple[float, int], tuple[float, float]] = {}

    # ------------------------------------------------------------ basic facts (more in ModelResults)
    @property
    def event(self):
        return self.design.event

    @property
    def names(self) -> list[str]:
        return list(self.design.column_names)

    @property
    def has_intercept(self) -> bool:
        return self.design.intercept_index is not None

    # ------------------------------------------------------------ coefficients
    @cached_property
    def params(self) -> pd.Series:
        return pd.Series(self.fit_info.params, index=self.names, name="coef")

    @cached_property
    def _scale(self) -> np.ndarray:
        cs = self.fit_info.column_scale
        return np.ones(len(self.names)) if cs is None else cs

    @cached_property
    def _cov_scaled(self) -> np.ndarray:
        """Covariance (``cov_type``) for the columns the solver saw (``X / column_scale``)."""
        return self._cov_of_type_scaled()

    @cached_property
    def _cov_model_scaled(self) -> np.ndarray:
        """Inverse information for the columns the solver saw (``X / column_scale``)."""
        H = self.fit_info.information
        if self.method != "firth":
            found = self.fit_info.separation
            if found is not None and found.status != "none":
                # Under separation the MLE does not exist; finite SEs would be a wrong answer.
                return np.full(H.shape, np.inf)
        s = np.sqrt(np.diag(H))
        if np.any(s <= 0) or not np.all(np.isfinite(s)):
            return np.full(H.shape, np.inf)
        Hs = H / np.outer(s, s)
        try:
            inv = np.linalg.inv(Hs)
        except np.linalg.LinAlgError:
            return np.full(H.shape, np.inf)
        inv = (inv + inv.T) / 2
        cov = inv / np.outer(s, s)
        if not np.all(np.diag(cov) > 0) or not np.all(np.isfinite(cov)):
            # Not positive definite: the information is singular (e.g. separation).
            return np.full(H.shape, np.inf)
        return cov

    @cached_property
    def _cov(self) -> np.ndarray:
        cs = self._scale
        with np.errstate(over="ignore"):
            # Entries beyond the double range (columns scaled by 1e+-200) become inf.
            return self._cov_scaled / cs[:, None] / cs[None, :]

    def cov_params(self) -> pd.DataFrame:
        """Covariance of the coefficients: the inverse observed information, or the
        sandwich named by ``cov_type`` (see :meth:`with_cov`)."""
        return pd.DataFrame(self._cov, index=self.names, columns=self.names)

    @cached_property
    def bse(self) -> pd.Series:
        se = np.sqrt(np.diag(self._cov_scaled)) / self._scale
        return pd.Series(se, index=self.names, name="se")

    @cached_property
    def zvalues(self) -> pd.Series:
        return (self.params / self.bse).rename("z")

    @cached_property
    def pvalues(self) -> pd.Series:
        """Two-sided Wald p-values, ``2 Phi(-|z|)`` (accurate far into the tail)."""
        return pd.Series(2.0 * ndtr(-np.abs(self.zvalues.to_numpy())), index=self.names, name="p")

    def conf_int(self, alpha: float = 0.05, method: str = "wald", progress: bool = False,
                 max_seconds: float | None = None) -> pd.DataFrame:
        """Confidence intervals for the coefficients (log-odds scale).

        ``method="wald"``: ``b -/+ z_{1-alpha/2} se``. ``method="profile"``: exact
        profile-likelihood limits (see :mod:`statlogit.inference.profile`), more accurate
        than Wald in small samples and the default of R's ``confint`` for a glm.
        ``max_seconds`` (profile only): raise ``ProfileTimeLimit`` (a ``StatlogitError``)
        instead of running longer than this.
        """
        alpha = _check_alpha(alpha)
        if method not in _CI_METHODS:
            raise OptionError(f"method={method!r} is not valid; choose one of 'wald', 'profile'")
        z = float(ndtri(1 - alpha / 2))
        b = self.params.to_numpy()
        if method == "wald":
            se = self.bse.to_numpy()
            return pd.DataFrame({"lower": b - z * se, "upper": b + z * se}, index=self.names)
        return self._profile_ci(alpha, z, progress, max_seconds)

    def _profile_ci(self, alpha: float, z: float, progress: bool, max_seconds: float | None = None) -> pd.DataFrame:
        from .inference.profile import profile_intervals

        self._require_mle("profile-likelihood intervals")
        self._refuse_profile_under_robust()
        d = self.design
        b = self.params.to_numpy()
        se = self.bse.to_numpy()
        todo = [j for j in range(len(b)) if (alpha, j) not in self._profile_cache]
        bar = None
        if progress and todo:
            from tqdm.auto import tqdm

            bar = tqdm(total=2 * len(todo), desc="profile limits", leave=False)
        try:
            if todo:
                limits = profile_intervals(d.X, d.y, b, se, self.llf, self.fit_info.information, z, todo,
                                           self.model.offset, self.model.weights,
                                           on_done=None if bar is None else bar.update, max_seconds=max_seconds)
                for j, lim in zip(todo, limits):
                    self._profile_cache[(alpha, j)] = (float(lim[0]), float(lim[1]))
        finally:
            if bar is not None:
                bar.close()
        out = np.array([self._profile_cache[(alpha, j)] for j in range(len(b))])
        return pd.DataFrame(out, index=self.names, columns=["lower", "upper"])

    def _require_mle(self, what: str) -> None:
        from .exceptions import NotFittedError

        if self.method == "firth":
            raise OptionError(
                f"{what} are computed from the unpenalized likelihood and do not apply to a "
                "Firth fit; use method='wald' (brglm2's default Wald intervals)"
            )
        if not self.converged:
            raise NotFittedError(
                f"{what} need a converged maximum-likelihood fit; this {self.method} fit did not "
                f"converge ({self.fit_info.message})"
            )

    def odds_ratios(self, alpha: float = 0.05, method: str = "wald", progress: bool = False,
                    units: dict | None = None) -> pd.DataFrame:
        """Odds ratios ``exp(b)``, delta-method SE ``exp(b) se(b)``, and ``exp`` of the CI.

        ``units={"age": 10}`` gives the odds ratio per 10 units of ``age``: ``exp(10 b)``, SE
        ``exp(10 b) 10 se(b)``, limits ``exp(10 lower)``, ``exp(10 upper)``; the table then has
        a ``per`` column with each coefficient's increment (1 where not named).
        """
        ci = self.conf_int(alpha, method, progress)
        k = np.ones(len(self.names))
        if units is not None:
            from .report.sentences import unit_multipliers

            mult = unit_multipliers(self, units)
            k = np.array([mult[n] for n in self.names])
        with np.errstate(over="ignore", invalid="ignore"):
            # Under separation exp(b) is honestly infinite.
            orr = np.exp(k * self.params)
            se = np.where(np.isinf(self.bse), np.inf, orr * k * self.bse)
            out = pd.DataFrame(
                {"odds_ratio": orr, "se": se, "lower": np.exp(k * ci["lower"]), "upper": np.exp(k * ci["upper"])},
                index=self.names,
            )
        if units is not None:
            out.insert(0, "per", k)
        return out

    def coef_table(self, alpha: float = 0.05, method: str = "wald") -> pd.DataFrame:
        """One row per coefficient: coef, se, z, p, CI, odds ratio and its CI."""
        ci = self.conf_int(alpha, method)
        with np.errstate(over="ignore"):
            odds = np.exp(self.params), np.exp(ci["lower"]), np.exp(ci["upper"])
        return pd.DataFrame(
            {
                "coef": self.params,
                "se": self.bse,
                "z": self.zvalues,
                "p": self.pvalues,
                "lower": ci["lower"],
                "upper": ci["upper"],
                "odds_ratio": odds[0],
                "or_lower": odds[1],
                "or_upper": odds[2],
            },
            index=self.names,
        )

    # ------------------------------------------------------------ likelihood
    @property
    def llf(self) -> float:
        return float(self.fit_info.loglik)

    @cached_property
    def llnull(self) -> float:
        """Log-likelihood of the intercept-only model (offset-only if no intercept, as R)."""
        d = self.design
        w = self.model.weights
        off = self.model.offset
        from .kernel import log_likelihood

        if not self.has_intercept:
            return log_likelihood(np.zeros((d.nobs, 0)), d.y, np.zeros(0), off if off is not None else np.zeros(d.nobs), w)
        if off is None:
            ybar = np.average(d.y, weights=w)
            wsum = d.nobs if w is None else w.sum()
            return float(wsum * (ybar * np.log(ybar) + (1 - ybar) * np.log1p(-ybar)))
        from .solvers.newton import fit_newton

        return fit_newton(np.ones((d.nobs, 1)), d.y, offset=off, weights=w, intercept_index=0).loglik

    @property
    def k_params(self) -> int:
        return len(self.names)

    @property
    def df_model(self) -> int:
        return self.k_params - (1 if self.has_intercept else 0)

    @property
    def df_resid(self) -> int:
        return self.nobs - self.k_params

    @property
    def bic(self) -> float:
        return self.deviance + np.log(self.nobs) * self.k_params

    def pseudo_r2(self) -> pd.Series:
        """McFadden ``1 - l1/l0``; Cox-Snell ``1 - exp(2(l0 - l1)/n)``; Nagelkerke
        ``CS / (1 - exp(2 l0 / n))``; Tjur ``mean(p | y=1) - mean(p | y=0)``.

        With prior weights, n is the sum of the weights and Tjur's means are weighted, so
        frequency weights give the same values as the expanded data.
        """
        w = self.model.weights
        l1, l0 = self.llf, self.llnull
        n = self.nobs if w is None else float(w.sum())
        cs = -np.expm1(2.0 * (l0 - l1) / n)
        p = self._fitted
        y = self.design.y
        ww = np.ones_like(p) if w is None else w
        ev, ne = (y == 1) & (ww > 0), (y == 0) & (ww > 0)
        return pd.Series(
            {
                "mcfadden": 1.0 - l1 / l0,
                "cox_snell": cs,
                "nagelkerke": cs / -np.expm1(2.0 * l0 / n),
                "tjur": np.average(p[ev], weights=ww[ev]) - np.average(p[ne], weights=ww[ne]),
            }
        )

    # ------------------------------------------------------------ prediction
    @cached_property
    def _linear_predictor(self) -> np.ndarray:
        eta = self.design.linear_predictor(self.fit_info.params)
        if self.model.offset is not None:
            eta = eta + self.model.offset
        return eta

    @cached_property
    def _fitted(self) -> np.ndarray:
        return expit(self._linear_predictor)

    @property
    def fittedvalues(self) -> pd.Series:
        """Fitted probabilities of the event for the rows used, by the caller's row labels."""
        return pd.Series(self._fitted, index=self.design.row_labels, name="prob")

    def predict(self, newdata=None, kind: str = "prob", threshold: float = 0.5,
                interval: bool = False, alpha: float = 0.05, offset=None):
        """Predictions for ``newdata`` (default: the rows used in the fit).

        ``kind``: "prob" (probability of the event), "logit" (linear predictor) or "class"
        (1 when prob >= threshold). ``interval=True`` adds a delta-method CI computed on the
        logit scale, ``eta -/+ z sqrt(x' V x)``, and mapped to probabilities.
        New data go through the fitted formula: same transforms, same factor levels.
        A model fitted with an offset needs ``offset=`` (one value per row) for new data.
        """
        if kind not in _PREDICT_KINDS:
            raise OptionError(f"kind={kind!r} is not valid; choose one of 'prob', 'logit', 'class'")
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not (0 < threshold < 1):
            raise OptionError(f"threshold={threshold!r} is not valid; it must be a number between 0 and 1")
        if newdata is None:
            if offset is not None:
                raise OptionError("offset= applies to newdata; the fitted rows use the model's own offset")
            X = self.design.X
            index = self.design.row_labels
            eta = self._linear_predictor
        else:
            from .design import new_design_matrix
            from .exceptions import PredictionError

            X, index = new_design_matrix(self.design, newdata)
            eta = X @ self.fit_info.params
            if offset is None and self.model.offset is not None:
                raise PredictionError(
                    "the model was fitted with an offset; pass offset= (one value per row of newdata)"
                )
            if offset is not None:
                try:
                    off = np.asarray(offset, dtype=float).reshape(-1)
                except (TypeError, ValueError) as exc:
                    raise PredictionError(f"offset must be numeric ({exc})") from exc
                if off.shape[0] != eta.shape[0] or not np.all(np.isfinite(off)):
                    raise PredictionError(
                        f"offset has {off.shape[0]} values (all must be finite); newdata has {eta.shape[0]} rows"
                    )
                eta = eta + off
        if kind == "class":
            if interval:
                raise OptionError("interval=True is not available for kind='class'")
            return pd.Series((expit(eta) >= threshold).astype(int), index=index, name="class")
        out_name = "prob" if kind == "prob" else "logit"
        link = expit if kind == "prob" else (lambda t: t)
        if not interval:
            return pd.Series(link(eta), index=index, name=out_name)
        z = float(ndtri(1 - _check_alpha(alpha) / 2))
        if not np.all(np.isfinite(self._cov_scaled)):
            se = np.full(eta.shape[0], np.inf)  # no finite covariance (separation)
        else:
            Xs = X / self._scale if self.fit_info.column_scale is not None else X
            se = np.sqrt(np.einsum("ij,ij->i", Xs @ self._cov_scaled, Xs))
        return pd.DataFrame(
            {out_name: link(eta), "lower": link(eta - z * se), "upper": link(eta + z * se), "se_logit": se},
            index=index,
        )

    # ------------------------------------------------------------ display
    def summary(self, alpha: float = 0.05, ci_method: str = "wald", units: dict | None = None):
        """A :class:`~statlogit.report.summary.Summary`: ``str()`` is text; also Markdown, HTML.

        ``units={"age": 10}`` states the odds ratio of ``age`` per 10 units (a "per" column).
        """
        from .report.summary import Summary

        return Summary.from_results(self, alpha=alpha, ci_method=ci_method, units=units)

    def __repr__(self) -> str:
        return f"<LogitResults {self.formula or ''} n={self.nobs} method={self.method} converged={self.converged}>"

    def _repr_html_(self) -> str:
        return self.summary().to_html()
