"""``ModelResults``: what every family's results share, generic over the parameter vector.

A family's results hold the model, its design, the solver's :class:`~statlogit.solvers.base.Fit`
and the options. The base works on the flat parameter vector ``theta`` and its flat names
(``param_names``); each family shapes the flat numbers for display (``_shaped``: a Series for
the binary and ordinal models, a terms x levels DataFrame for the multinomial) and adds what is
its own (odds ratios, relative-risk ratios, thresholds).

Formulas: ``cov = I(theta)^-1`` (observed information); Wald ``z = theta / se``,
``p = 2 Phi(-|z|)``; ``AIC = -2 l + 2 k``; ``BIC = -2 l + log(n) k`` with n the sum of the
frequency weights (as R's ``BIC`` for polr/clm/multinom); LR test ``2 (l - l0)`` on
``df_model`` degrees of freedom; pseudo-R2: McFadden ``1 - l/l0``, Cox-Snell
``1 - exp(2 (l0 - l) / n)``, Nagelkerke ``CS / (1 - exp(2 l0 / n))``.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from .exceptions import OptionError

CI_METHODS = ("wald", "profile")


def check_alpha(alpha: float) -> float:
    if isinstance(alpha, bool) or not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise OptionError(f"alpha={alpha!r} is not valid; it must be between 0 and 1 (0.05 for 95% intervals)")
    return float(alpha)


def inverse_information(H: np.ndarray) -> np.ndarray:
    """``H^-1`` on the scale-equilibrated matrix; all ``inf`` when H is not positive definite
    (then no finite standard error exists, e.g. under separation)."""
    s = np.sqrt(np.diag(H))
    if np.any(s <= 0) or not np.all(np.isfinite(s)):
        return np.full(H.shape, np.inf)
    try:
        inv = np.linalg.inv(H / np.outer(s, s))
    except np.linalg.LinAlgError:
        return np.full(H.shape, np.inf)
    cov = (inv + inv.T) / 2 / np.outer(s, s)
    if not np.all(np.diag(cov) > 0) or not np.all(np.isfinite(cov)):
        return np.full(H.shape, np.inf)
    return cov


class ModelResults:
    """Facts and likelihood statistics common to every family's results."""

    def __init__(self, model, fit, options):
        self.model = model
        self.design = model.design
        self.fit_info = fit
        self.options = options

    # ------------------------------------------------------------ basic facts
    @property
    def method(self) -> str:
        return self.fit_info.method

    @property
    def converged(self) -> bool:
        return bool(self.fit_info.converged)

    @property
    def n_iter(self) -> int:
        return int(self.fit_info.n_iter)

    @cached_property
    def history(self) -> pd.DataFrame:
        """One row per iteration (Newton step, GD step or SGD epoch)."""
        return pd.DataFrame(self.fit_info.history)

    @property
    def nobs(self) -> int:
        return self.design.nobs

    @property
    def n_dropped(self) -> int:
        return self.design.n_dropped

    @property
    def dropped_rows(self) -> pd.Index:
        return self.design.dropped_labels

    @property
    def formula(self) -> str | None:
        return self.design.formula

    # ------------------------------------------------------------ generic over theta
    @property
    def param_names(self) -> list[str]:
        """Flat parameter names in the order of the parameter vector."""
        return list(self.design.column_names)

    def _shaped(self, values: np.ndarray, name: str):
        """Flat values laid out as the family shows its parameters (default: a Series)."""
        return pd.Series(values, index=self.param_names, name=name)

    @cached_property
    def _cov_flat(self) -> np.ndarray:
        return inverse_information(self.fit_info.information)

    @cached_property
    def _se_flat(self) -> np.ndarray:
        return np.sqrt(np.diag(self._cov_flat))

    def cov_params(self) -> pd.DataFrame:
        """Inverse observed information at the estimates, by flat parameter name."""
        return pd.DataFrame(self._cov_flat, index=self.param_names, columns=self.param_names)

    @cached_property
    def params(self):
        return self._shaped(np.asarray(self.fit_info.params, dtype=float), "coef")

    @cached_property
    def bse(self):
        return self._shaped(self._se_flat, "se")

    @cached_property
    def _z_flat(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(self.fit_info.params, dtype=float) / self._se_flat

    @cached_property
    def zvalues(self):
        return self._shaped(self._z_flat, "z")

    @cached_property
    def _p_flat(self) -> np.ndarray:
        from scipy.special import ndtr

        return 2.0 * ndtr(-np.abs(self._z_flat))

    @cached_property
    def pvalues(self):
        """Two-sided Wald p-values, ``2 Phi(-|z|)``."""
        return self._shaped(self._p_flat, "p")

    def _ci_flat(self, alpha: float, method: str, progress: bool = False) -> np.ndarray:
        """(k, 2) lower/upper limits for every parameter."""
        from scipy.special import ndtri

        alpha = check_alpha(alpha)
        if method not in CI_METHODS:
            raise OptionError(f"method={method!r} is not valid; choose one of 'wald', 'profile'")
        z = float(ndtri(1 - alpha / 2))
        b = np.asarray(self.fit_info.params, dtype=float)
        if method == "wald":
            se = self._se_flat
            return np.column_stack([b - z * se, b + z * se])
        self._require_mle("profile-likelihood intervals")
        return self._profile_flat(z, self._profile_which(), progress)

    def _profile_which(self) -> list[int]:
        return list(range(len(self.param_names)))

    def _profile_flat(self, z: float, which: list[int], progress: bool) -> np.ndarray:
        from .inference.family_profile import profile_limits_family

        cache = self.__dict__.setdefault("_family_profile_cache", {})
        out = np.full((len(self.param_names), 2), np.nan)
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(which), desc="profile intervals", leave=False)
        try:
            for j in which:
                key = (z, j)
                if key not in cache:
                    cache[key] = profile_limits_family(self._likelihood, self.fit_info.params, self._se_flat,
                                                       self.llf, j, z, self.param_names[j])
                out[j] = cache[key]
                if bar is not None:
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()
        return out

    def _require_mle(self, what: str) -> None:
        from .exceptions import NotFittedError

        if not self.converged:
            raise NotFittedError(
                f"{what} need a converged maximum-likelihood fit; this {self.method} fit did not "
                f"converge ({self.fit_info.message})"
            )

    # ------------------------------------------------------------ likelihood
    @property
    def llf(self) -> float:
        return float(self.fit_info.loglik)

    @property
    def deviance(self) -> float:
        return -2.0 * self.llf

    @property
    def null_deviance(self) -> float:
        return -2.0 * self.llnull

    @property
    def k_params(self) -> int:
        return len(self.param_names)

    @property
    def aic(self) -> float:
        return self.deviance + 2.0 * self.k_params

    @property
    def _weight_total(self) -> float:
        w = self.model.weights
        return float(self.nobs) if w is None else float(w.sum())

    @property
    def bic(self) -> float:
        """``-2 l + log(n) k`` with n the sum of the frequency weights (R's BIC for polr/multinom)."""
        return self.deviance + np.log(self._weight_total) * self.k_params

    def lr_test(self) -> pd.Series:
        """Likelihood-ratio test against the null model (intercept-only, or thresholds-only for the
        ordinal model): ``stat``, ``df``, ``p``."""
        from scipy.special import chdtrc

        df = self.df_model
        # With no predictors the model is the null model: the statistic is 0 and p = 1. A fit
        # that stopped short of the maximum can sit below the null log-likelihood; its
        # statistic is then reported as 0 rather than a negative chi-square.
        stat = max(2.0 * (self.llf - self.llnull), 0.0) if df > 0 else 0.0
        p = float(chdtrc(df, stat)) if df > 0 else 1.0
        return pd.Series({"stat": stat, "df": df, "p": p})

    def pseudo_r2(self) -> pd.Series:
        """McFadden, Cox-Snell and Nagelkerke; n is the sum of the frequency weights."""
        l1, l0 = self.llf, self.llnull
        n = self._weight_total
        cs = -np.expm1(2.0 * (l0 - l1) / n)
        return pd.Series({"mcfadden": 1.0 - l1 / l0, "cox_snell": cs, "nagelkerke": cs / -np.expm1(2.0 * l0 / n)})
