"""Inference methods attached to :class:`~statlogit.results.LogitResults`: the covariance
choice (``cov_type``, :meth:`with_cov`), term tests (:meth:`anova`, :meth:`drop1`), linear
hypotheses (:meth:`wald_test`) and marginal effects. Each wraps a module of
:mod:`statlogit.inference`, loaded on first use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class InferenceMixin:
    """``res.with_cov()``, ``res.anova()``, ``res.drop1()``, ``res.wald_test()``,
    ``res.marginal_effects()``."""

    # ------------------------------------------------------------ covariance
    @property
    def cov_type(self) -> str:
        """Covariance behind every SE, z, p, Wald interval and Wald test: "nonrobust"
        (inverse information), "HC0".."HC3" or "cluster" (R sandwich's definitions)."""
        return getattr(self.options, "cov_type", "nonrobust")

    @property
    def groups(self) -> np.ndarray | None:
        """Cluster codes (0..G-1) of the rows used, when ``cov_type="cluster"``."""
        own = self.__dict__.get("_cov_groups")
        return own if own is not None else getattr(self.model, "groups", None)

    @property
    def n_groups(self) -> int | None:
        g = self.groups
        return None if g is None or self.cov_type != "cluster" else int(g.max()) + 1

    @property
    def cov_label(self) -> str:
        """The covariance in words, as the summary and report state it."""
        from .covariance import cov_label

        return cov_label(self.cov_type, self.n_groups)

    def _check_cov(self) -> None:
        """Refuse a cluster covariance without groups (or HC1 without residual df); warn when the
        clusters are few."""
        if self.cov_type in ("HC1", "cluster"):
            from ..exceptions import DataError

            w = self.model.weights
            n = self.nobs if w is None else float(w.sum())
            if n <= self.k_params:
                raise DataError(f"cov_type={self.cov_type!r} scales by (n-1)/(n-k) or n/(n-k) and needs more rows "
                                f"({n:g}) than coefficients ({self.k_params}); use HC0 or fewer predictors")
        if self.cov_type != "cluster":
            return
        from ..exceptions import OptionError
        from .covariance import check_clusters

        if self.groups is None:
            raise OptionError("cov_type='cluster' needs groups= (a column name or one value per row)")
        check_clusters(self.groups)

    def _cov_of_type_scaled(self) -> np.ndarray:
        from .covariance import robust_cov_scaled

        return robust_cov_scaled(self, self.cov_type, self.groups if self.cov_type == "cluster" else None)

    def with_cov(self, cov_type: str, groups=None):
        """The same fit with another covariance: a new results object (this one is unchanged).

        ``cov_type``: "nonrobust", "HC0", "HC1", "HC2", "HC3" or "cluster"; ``groups``
        (cluster only): a column name of the fitted data or one value per row.
        """
        from dataclasses import replace

        from ..exceptions import OptionError
        from .covariance import check_cov_type, resolve_groups

        check_cov_type(cov_type)
        if groups is not None and cov_type != "cluster":
            raise OptionError(f"groups= is used only with cov_type='cluster' (got cov_type={cov_type!r})")
        new = type(self)(self.model, self.fit_info, replace(self.options, cov_type=cov_type))
        if groups is not None:
            new._cov_groups = resolve_groups(groups, self.model)
        elif cov_type == "cluster" and self.cov_type == "cluster":
            new._cov_groups = self.groups
        new._profile_cache = self._profile_cache  # profile limits do not depend on the covariance
        new._check_cov()
        return new

    def _refuse_profile_under_robust(self) -> None:
        if self.cov_type != "nonrobust":
            from ..exceptions import OptionError

            raise OptionError(
                f"profile-likelihood intervals come from the model's likelihood and cannot use the "
                f"{self.cov_type} covariance; use method='wald' for intervals with these standard errors "
                "(or res.with_cov('nonrobust') for profile intervals)"
            )

    # ------------------------------------------------------------ tests
    def wald_test(self, hypothesis, q=None):
        """Wald chi-square test of linear hypotheses on the coefficients, with ``cov_type``.

        ``hypothesis``: a string ("glucose = mass"), a list of strings (a joint test), or a
        matrix ``L`` with ``q`` (default 0) for ``L b = q``. Returns a
        :class:`~statlogit.inference.hypotheses.WaldTest` (``.stat``, ``.df``, ``.p``).
        """
        from .hypotheses import wald_test

        return wald_test(self, hypothesis, q)

    def anova(self, type: int = 2, test: str = "lr") -> pd.DataFrame:  # noqa: A002 (car's name)
        """Tests of each formula term as ``car::Anova``: ``statistic``, ``df``, ``p``.

        ``type=2`` respects marginality (a term is tested after every term not containing
        it); ``type=3`` tests each term given all others. ``test="lr"`` refits without the
        term; ``test="wald"`` uses the coefficient covariance (``cov_type``).
        """
        from .anova import anova

        return anova(self, type=type, test=test)

    def drop1(self) -> pd.DataFrame:
        """R's ``drop1(fit, test="Chisq")``: ``df``, ``deviance``, ``aic``, ``lrt``, ``p``."""
        from .anova import drop1

        return drop1(self)

    def marginal_effects(self, kind: str = "average", at: dict | None = None, variables=None,
                         alpha: float = 0.05) -> pd.DataFrame:
        """Marginal effects on the probability scale with delta-method SEs (``cov_type``).

        ``kind="average"``: mean over the rows used of dp/dx (numeric variables, through every
        term that contains them) or of p(level) - p(reference) (factor levels, index
        ``"education[12+ yrs]"``). ``kind="at_means"``: at the model-matrix column means.
        ``at={"glucose": [100, 150]}``: with those variables set to each value.
        Columns ``effect, se, z, p, lower, upper``. See :mod:`statlogit.inference.margins`.
        """
        from .margins import marginal_effects

        return marginal_effects(self, kind=kind, at=at, variables=variables, alpha=alpha)
