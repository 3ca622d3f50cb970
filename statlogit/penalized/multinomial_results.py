"""Results of a penalized multinomial fit (glmnet's symmetric parametrisation).

``params`` is a DataFrame in glmnet's layout: rows = terms, columns = **all** levels (one
coefficient vector per level; no reference level, since the penalty, not a constraint, makes
the coefficients identifiable). Probabilities are ``softmax(x'b_k)`` over all levels. As for
the binary penalized fit, standard errors, p-values and intervals are refused (see
:mod:`statlogit.penalized.results`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import OptionError
from .results import _refuse


class MultinomialPenalizedResults:
    """A penalized multinomial logit: ``params`` (terms x all levels), ``predict``, ``summary``;
    no Wald or profile inference."""

    kind = "multinomial"

    def __init__(self, model, fit, options):
        self.model = model
        self.fit_info = fit
        self.options = options

    # ------------------------------------------------------------ facts
    @property
    def design(self):
        return self.model.design

    @property
    def level_names(self) -> list[str]:
        from ..models.levels import level_label

        return [level_label(lv) for lv in self.model.levels]

    @property
    def params(self) -> pd.DataFrame:
        """Coefficients, rows = terms, columns = all levels (glmnet's ``coef()`` layout)."""
        return pd.DataFrame(self.fit_info.params.copy(), index=list(self.design.column_names),
                            columns=self.level_names)

    nobs = property(lambda self: self.design.nobs)
    converged = property(lambda self: self.fit_info.converged)
    penalty = property(lambda self: self.fit_info.penalty)
    lam = property(lambda self: self.fit_info.lam)
    l1_ratio = property(lambda self: self.fit_info.l1_ratio)
    standardize = property(lambda self: self.fit_info.standardize)
    llf = property(lambda self: self.fit_info.loglik)
    kkt_violation = property(lambda self: float(self.fit_info.kkt_violation))
    objective = property(lambda self: float(self.fit_info.objective))
    dev_ratio = property(lambda self: float(self.fit_info.dev_ratio))

    @property
    def formula(self) -> str | None:
        return self.design.formula

    @property
    def level_counts(self) -> pd.Series:
        """Rows (sum of frequency weights) per level."""
        c = np.bincount(self.design.y.astype(np.int64), weights=self.model.weights, minlength=self.model.K)
        return pd.Series(c, index=self.level_names, name="n")

    @property
    def nonzero(self) -> int:
        """Nonzero coefficients other than the intercepts, over all levels."""
        b = self.fit_info.params
        if self.design.intercept_index is not None:
            b = np.delete(b, self.design.intercept_index, axis=0)
        return int(np.count_nonzero(b))

    # ------------------------------------------------------------ refused inference
    bse = property(lambda self: _refuse("standard errors"))
    zvalues = property(lambda self: _refuse("Wald z statistics"))
    pvalues = property(lambda self: _refuse("p-values"))
    aic = property(lambda self: _refuse("AIC values (the penalized fit has no simple parameter count)"))
    bic = property(lambda self: _refuse("BIC values (the penalized fit has no simple parameter count)"))

    def cov_params(self):
        _refuse("covariance matrices of the coefficients")

    def conf_int(self, alpha: float = 0.05, method: str = "wald", progress: bool = False):
        _refuse(f"{method} confidence intervals" if method in ("wald", "profile") else "confidence intervals")

    def rrr(self, *args, **kwargs):
        _refuse("relative-risk ratios against a reference level with intervals")

    def lr_test(self):
        _refuse("likelihood-ratio tests against the null model")

    def coef_table(self, *args, **kwargs):
        _refuse("coefficient tables with standard errors")

    # ------------------------------------------------------------ prediction
    def probabilities(self, X: np.ndarray) -> np.ndarray:
        """``softmax(X b_k)`` over all levels for design rows ``X`` (rows sum to 1)."""
        eta = X @ self.fit_info.params
        eta -= eta.max(axis=1, keepdims=True)
        prob = np.exp(eta)
        prob /= prob.sum(axis=1, keepdims=True)
        return prob

    def classification(self):
        """In-sample K-class classification by the most probable level: confusion matrix,
        accuracy, per-level and macro precision/recall/F1, Hand-Till AUC and the multiclass Brier
        score (:func:`statlogit.diagnostics.multiclass.multiclass_classification`)."""
        from ..diagnostics.multiclass import multiclass_classification

        return multiclass_classification(self.design.y.astype(np.int64), self.probabilities(self.design.X),
                                         self.level_names, weights=self.model.weights)

    def predict(self, newdata=None, kind: str = "prob"):
        """``softmax(x'b_k)`` over all levels (``kind="prob"``: rows sum to 1) or the most
        probable level (``kind="class"``) for ``newdata`` (default: the rows used)."""
        if kind not in ("prob", "class"):
            raise OptionError(f"kind={kind!r} is not valid; choose one of 'prob', 'class'")
        if newdata is None:
            X, index = self.design.X, self.design.row_labels
        else:
            from ..design import new_design_matrix

            X, index = new_design_matrix(self.design, newdata)
        prob = self.probabilities(X)
        if kind == "prob":
            return pd.DataFrame(prob, index=index, columns=self.level_names)
        labels = np.asarray(self.model.levels, dtype=object)[np.argmax(prob, axis=1)]
        return pd.Series(labels, index=index, name="class")

    # ------------------------------------------------------------ display
    def summary(self) -> str:
        """The header line and the coefficient table (terms x all levels)."""
        head = (f"Penalized multinomial logit ({self.penalty}, lam={self.lam:g}, l1_ratio={self.l1_ratio:g}, "
                f"standardize={self.standardize}): n={self.nobs}, levels={self.model.K}, "
                f"nonzero={self.nonzero}, dev.ratio={self.dev_ratio:.4f}, converged={self.converged} "
                f"(KKT {self.kkt_violation:.1e})")
        note = ("Symmetric coefficients (one vector per level, glmnet's layout; no reference level). "
                "Penalized estimates are biased toward zero: no standard errors, p-values or intervals.")
        return "\n".join([head, self.params.to_string(float_format=lambda v: f"{v:.6g}"), note])

    def report(self, alpha: float = 0.05, *, plots: bool = True, title: str | None = None,
               ci_method: str | None = None, data=None, progress: bool = False, points: int = 200):
        """A :class:`~statlogit.report.document.Report`: the penalty, coefficients by level, the
        line on why there are no standard errors, p-values or intervals, the K-class
        classification and stacked predicted-probability plots. ``alpha``, ``data`` and
        ``progress`` are accepted for the same call as an unpenalized report and not needed;
        ``ci_method`` does not apply and raises."""
        from .multinomial_report import penalized_multinomial_report

        if ci_method is not None:
            _refuse(f"{ci_method} confidence intervals")
        return penalized_multinomial_report(self, plots=plots, title=title, points=points)

    def __repr__(self) -> str:
        return (f"<MultinomialPenalizedResults n={self.nobs} levels={self.model.K} penalty={self.penalty} "
                f"lam={self.lam:g} nonzero={self.nonzero} converged={self.converged}>")
