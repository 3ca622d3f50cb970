"""Diagnostic methods attached to :class:`~statlogit.results.LogitResults`.

Each method is a thin wrapper around a module of :mod:`statlogit.diagnostics`; the
modules (and their heavy imports) load on first use.
"""

from __future__ import annotations

import pandas as pd


class DiagnosticsMixin:
    """``res.vif()``, ``res.box_tidwell()``, ``res.influence()``, ... (see each module)."""

    def vif(self, basis: str = "design") -> pd.DataFrame:
        """Generalized VIF per formula term (Fox & Monette 1992): ``gvif``, ``df``,
        ``gvif_adj`` = GVIF^(1/(2 df)), ``vif`` = GVIF^(1/df). ``basis``: "design" (correlation
        of the design columns) or "vcov" (correlation of the coefficient covariance, as
        ``car::vif``). See :mod:`statlogit.diagnostics.collinearity`."""
        from .collinearity import vif

        return vif(self, basis)

    def _diagnostic_cache(self, key, compute):
        """Diagnostics that refit or pass over all rows are computed once per results
        object (the report, check_assumptions() and the user share them)."""
        cache = self.__dict__.setdefault("_diagnostics", {})
        if key not in cache:
            from ..parallel import blas_single_thread

            # Their passes run GEMMs on row blocks: BLAS's own threads only contend (see parallel.py)
            with blas_single_thread(getattr(self.design, "nobs", 0) >= 4 * 8192):
                cache[key] = compute()
        return cache[key]

    def box_tidwell(self, shift=None):
        """Box-Tidwell test of linearity of the logit (x*ln(x) terms added to the logistic
        model). See :mod:`statlogit.diagnostics.linearity`."""
        from .linearity import box_tidwell

        key = ("box_tidwell", tuple(sorted(shift.items())) if isinstance(shift, dict) else shift)
        try:
            hash(key)
        except TypeError:
            return box_tidwell(self, shift)
        return self._diagnostic_cache(key, lambda: box_tidwell(self, shift))

    def influence(self):
        """Residuals, leverage, Cook's distance, dfbetas, dffits, covratio and flags (R's
        definitions for glm). See :mod:`statlogit.diagnostics.influence`."""
        from .influence import Influence

        return self._diagnostic_cache(("influence",), lambda: Influence(self))

    def hosmer_lemeshow(self, groups: int = 10):
        """Hosmer-Lemeshow test as ``ResourceSelection::hoslem.test``: ``statistic``, ``df``,
        ``pvalue``, ``table``. See :mod:`statlogit.diagnostics.calibration`."""
        from .calibration import hosmer_lemeshow

        return hosmer_lemeshow(self, groups)

    def calibration(self, bins: int = 10) -> pd.DataFrame:
        """Mean predicted probability vs observed rate per quantile bin of fitted risk."""
        from .calibration import calibration

        return calibration(self, bins)

    def classification(self, threshold: float = 0.5) -> pd.Series:
        """Confusion counts at ``threshold`` (event when p >= threshold), accuracy, precision,
        recall, specificity, F1, AUC and Brier score."""
        from .classification import classification

        try:
            hash(threshold)
        except TypeError:
            return classification(self, threshold)  # the validator explains
        return self._diagnostic_cache(("classification", threshold), lambda: classification(self, threshold))

    def roc(self) -> pd.DataFrame:
        """ROC curve: ``threshold``, ``fpr``, ``tpr``."""
        from .classification import roc

        return self._diagnostic_cache(("roc",), lambda: roc(self))

    def best_threshold(self) -> pd.Series:
        """Threshold maximising Youden's J: ``threshold``, ``sensitivity``, ``specificity``, ``youden_j``."""
        from .classification import best_threshold

        return best_threshold(self)

    @property
    def separation(self):
        """Separation finding: ``.status`` ("none", "quasi-complete", "complete"),
        ``.predictors``, ``.message`` (Konis' linear programs; see
        :mod:`statlogit.diagnostics.separation`)."""
        from .separation import separation_for

        return separation_for(self)

    def events_per_variable(self) -> pd.Series:
        """Events per variable with the 10 and 20 thresholds and their sources."""
        from .sample_size import events_per_variable

        return events_per_variable(self)

    def check_assumptions(self, alpha: float = 0.05):
        """One verdict per assumption (an :class:`~statlogit.diagnostics.assumptions.AssumptionReport`)."""
        from .assumptions import check_assumptions

        if not isinstance(alpha, int | float):
            return check_assumptions(self, alpha)  # the validator explains
        return self._diagnostic_cache(("check_assumptions", alpha), lambda: check_assumptions(self, alpha))
