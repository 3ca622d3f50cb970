"""Term tests and linear hypotheses for the multinomial and ordinal results.

The same functions as the binary logit's (:mod:`statlogit.inference.anova`,
:mod:`statlogit.inference.hypotheses`), over the family's flat parameter vector:

- ``wald_test``: names as ``cov_params()`` -- mlogit ``"level:term"`` (``"parttime:hincome"``),
  ologit the betas then the thresholds ``"Low|Medium"``.
- ``anova(type=2|3, test="lr"|"wald")``: a term's test covers all its columns in every
  equation (mlogit: df = columns x (K - 1)), as ``car::Anova`` for ``multinom``/``polr``; LR by
  refits through the family's own likelihood. Thresholds are never tested.
  car's ``Anova.multinom`` has LR tests only; ``test="wald"`` is the joint Wald test of the
  term's coefficients in every equation (``car::linearHypothesis`` on ``vcov(multinom)``), with
  car's conjugate-complement construction for type II when other terms contain the term.
- ``drop1()``: R's ``drop1(test = "Chisq")``, the same refits.

The covariance is always the model-based inverse information (``cov_type="nonrobust"``):
sandwich covariances are not available for these families.
"""

from __future__ import annotations

import pandas as pd


class FamilyInferenceMixin:
    """``res.wald_test()``, ``res.anova()``, ``res.drop1()`` for a multinomial or ordinal fit."""

    @property
    def cov_type(self) -> str:
        """Always "nonrobust" (inverse observed information) for these families."""
        return "nonrobust"

    @property
    def cov_label(self) -> str:
        from .covariance import cov_label

        return cov_label("nonrobust", None)

    def with_cov(self, cov_type: str, groups=None):
        """Refused: robust and cluster covariances are the binary logit's only (as ``fit(cov_type=)``)."""
        from ..exceptions import OptionError

        raise OptionError(
            f"with_cov({cov_type!r}) is not available for the {self.model.family} model: robust and "
            "cluster-robust (sandwich) covariances are implemented for the binary logit only. Use the "
            "model-based covariance (with clustered rows its standard errors may be too small)"
        )

    def wald_test(self, hypothesis, q=None):
        """Wald chi-square test of ``L theta = q``; names as ``cov_params()`` (mlogit
        ``"level:term"``, ologit betas and thresholds ``"a|b"``). Returns a
        :class:`~statlogit.inference.hypotheses.WaldTest`."""
        from .hypotheses import wald_test

        return wald_test(self, hypothesis, q)

    def anova(self, type: int = 2, test: str = "lr") -> pd.DataFrame:  # noqa: A002 (car's name)
        """Tests of each formula term as ``car::Anova``: ``statistic``, ``df``, ``p``; a term
        covers its columns in every equation (mlogit df = columns x (K - 1))."""
        from .anova import anova

        return anova(self, type=type, test=test)

    def drop1(self) -> pd.DataFrame:
        """R's ``drop1(fit, test="Chisq")``: ``df``, ``deviance``, ``aic``, ``lrt``, ``p``."""
        from .anova import drop1

        return drop1(self)
