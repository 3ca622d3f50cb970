"""Results shared by the multinomial and ordinal models (a :class:`ModelResults`).

Adds to the base: the response levels, the null model, predicted probabilities and
classes, and the diagnostics/report wiring of a K-level outcome. Each family's module
adds its parameter layout and ratios (relative-risk ratios; cumulative odds ratios).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from ..exceptions import OptionError
from ..inference.family_api import FamilyInferenceMixin
from ..results_base import ModelResults
from .levels import level_label

PREDICT_KINDS = ("prob", "class")


class CategoricalResults(FamilyInferenceMixin, ModelResults):
    kind = ""

    def __init__(self, model, fit, options, likelihood):
        super().__init__(model, fit, options)
        self._likelihood = likelihood

    @property
    def param_names(self) -> list[str]:
        return list(self._likelihood.names)

    @property
    def levels(self) -> list:
        """Response levels in model order (multinomial: the reference first)."""
        return list(self.model.levels)

    @property
    def level_names(self) -> list[str]:
        return [level_label(v) for v in self.model.levels]

    @property
    def K(self) -> int:
        return self.model.K

    @property
    def names(self) -> list[str]:
        """Design column names (the terms)."""
        return list(self.design.column_names)

    @property
    def _null_has_thresholds(self) -> bool:
        return True

    @cached_property
    def _cov_flat(self) -> np.ndarray:
        """Inverse information; infinite when a level is perfectly predicted (no finite MLE, so
        finite standard errors would be a wrong answer)."""
        from ..results_base import inverse_information

        H = self.fit_info.information
        if self.fit_info.separation is not None:
            return np.full(H.shape, np.inf)
        return inverse_information(H)

    @cached_property
    def level_counts(self) -> pd.Series:
        """Rows (sum of frequency weights) per level."""
        c = np.bincount(self.design.y.astype(np.int64), weights=self.model.weights, minlength=self.K)
        return pd.Series(c, index=self.level_names, name="n")

    @cached_property
    def llnull(self) -> float:
        """Log-likelihood of the model without predictors: ``sum_k n_k log(n_k / n)`` (free level
        probabilities), or ``-n log K`` for a multinomial model without intercept."""
        c = self.level_counts.to_numpy()
        n = c.sum()
        if not self._null_has_thresholds:
            return float(-n * np.log(self.K))
        pos = c > 0
        return float(np.sum(c[pos] * np.log(c[pos] / n)))

    # ------------------------------------------------------------ prediction
    def _design_rows(self, newdata) -> tuple[np.ndarray, pd.Index]:
        if newdata is None:
            return self._likelihood.X, self.design.row_labels
        from ..design import new_design_matrix

        X, index = new_design_matrix(self.design, newdata)
        return self._transform_new(X), index

    def _transform_new(self, X: np.ndarray) -> np.ndarray:
        return X

    @cached_property
    def _fitted(self) -> np.ndarray:
        return self._likelihood.probabilities(self._likelihood.X, self.fit_info.params)

    @property
    def fittedvalues(self) -> pd.DataFrame:
        """Fitted probability of each level (columns in level order) for the rows used."""
        return pd.DataFrame(self._fitted, index=self.design.row_labels, columns=self.level_names)

    def predict(self, newdata=None, kind: str = "prob"):
        """Predicted probabilities (``kind="prob"``: a DataFrame, one column per level in order,
        rows summing to 1) or the most probable level (``kind="class"``) for ``newdata``
        (default: the rows used). New data go through the fitted formula."""
        if kind not in PREDICT_KINDS:
            raise OptionError(f"kind={kind!r} is not valid; choose one of 'prob', 'class'")
        if newdata is None:
            prob, index = self._fitted, self.design.row_labels
        else:
            X, index = self._design_rows(newdata)
            prob = self._likelihood.probabilities(X, self.fit_info.params)
        if kind == "prob":
            return pd.DataFrame(prob, index=index, columns=self.level_names)
        labels = np.asarray(self.levels, dtype=object)[np.argmax(prob, axis=1)]
        return pd.Series(labels, index=index, name="class")

    # ------------------------------------------------------------ display
    def summary(self, alpha: float = 0.05, ci_method: str = "wald"):
        """A summary object: ``str()`` is text; ``.to_markdown()``, ``.to_html()``."""
        from ..report.multiclass_summary import MulticlassSummary

        return MulticlassSummary.from_results(self, alpha=alpha, ci_method=ci_method)

    def report(self, alpha: float = 0.05, *, ci_method: str = "profile", data=None, plots: bool = True,
               progress: bool = False, title: str | None = None, points: int = 200):
        """A :class:`~statlogit.report.document.Report` (text, Markdown, HTML, JSON) with the
        coefficient and ratio tables, classification, the family's assumption test, the
        assumption checks and stacked predicted-probability plots per numeric predictor.
        ``data`` is accepted for symmetry with the binary report and not needed."""
        from ..report.multiclass_report import build_multiclass_report

        return build_multiclass_report(self, alpha=alpha, ci_method=ci_method, plots=plots, progress=progress,
                                       title=title, points=points)

    def plot_probabilities(self, predictor: str | None = None, ax=None, points: int = 200):
        """Stacked predicted probability of each level across a numeric ``predictor`` (default:
        the first plain numeric main effect), the other design columns at their median design
        values; returns the matplotlib Axes."""
        from ..report.multiclass_plots import plot_stacked_probabilities
        from ..report.multiclass_report import plottable_predictors, probability_curve

        choices = dict(plottable_predictors(self))
        if not choices:
            raise OptionError("the model has no numeric predictor that enters only as a main effect to plot")
        name = predictor if predictor is not None else next(iter(choices))
        if name not in choices:
            raise OptionError(f"predictor={name!r} is not valid; choose one of {', '.join(map(repr, choices))}")
        x, prob = probability_curve(self, choices[name], points)
        return plot_stacked_probabilities(x, prob, self.level_names, name, ax=ax,
                                          title=f"Predicted probability of each level of {self.design.response_name}")

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} {self.formula or ''} n={self.nobs} K={self.K} "
                f"method={self.method} converged={self.converged}>")

    def _repr_html_(self) -> str:
        return self.summary().to_html()
