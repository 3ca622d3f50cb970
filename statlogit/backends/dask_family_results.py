"""Results of ``sl.mlogit``/``sl.ologit`` on Dask data: the in-memory family results
(:class:`~statlogit.models.multinomial.MNLogitResults`,
:class:`~statlogit.models.ordinal.OrderedLogitResults`) with what needs the rows replaced.

Coefficients, ``bse``, ``cov_params``, ``llf``, ``llnull`` (from the level counts of the last
pass), AIC/BIC, ``lr_test``, ``pseudo_r2``, ratios, ``summary()`` and profile intervals
(refits: one pass per Newton step of each refit) are those of the in-memory class.
``predict(ddf)`` returns a lazy dask DataFrame of probabilities (one column per level) or a
dask Series of classes. What needs every row on the driver (classification, separation,
Brant / IIA tests, VIF, the report, LR term tests) is refused with advice; Wald term tests
and ``wald_test`` are as in memory; events per variable come from the
level counts.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from ..exceptions import OptionError
from ..models.multinomial import MNLogitResults
from ..models.ordinal import OrderedLogitResults
from ..models.results import PREDICT_KINDS


def _needs_rows(what: str, advice: str):
    def refuse(self, *args, **kwargs):
        raise OptionError(f"{what} needs every row in memory and is not available on Dask data; {advice}")

    refuse.__name__ = what
    refuse.__doc__ = f"Not available on Dask data: {what} needs every row in memory."
    return refuse


_SAMPLE = "fit the model on an in-memory sample (ddf.sample(frac=...).compute()) and use it there"


def _predict_part(part, spec, theta, family, K, drop, kind, levels, columns, fitted_rows, labels,
                  partition_info=None):
    from .dask_family import local_likelihood
    from .dask_partition import partition_design
    from .dask_predict import _new_rows

    i = None if partition_info is None else partition_info.get("number")
    label = labels[i] if i is not None and i < len(labels) else "a partition"
    if fitted_rows:
        X, _, index = partition_design(part, spec, return_index=True)
    else:
        X, index = _new_rows(part, spec, label), part.index
    if drop is not None:
        X = np.delete(X, drop, axis=1)
    prob = local_likelihood(family, X, np.zeros(len(X)), K, len(theta)).probabilities(X, theta)
    if kind == "prob":
        return pd.DataFrame(prob, index=index, columns=list(columns))
    return pd.Series(np.asarray(levels, dtype=object)[np.argmax(prob, axis=1)] if len(X) else [],
                     index=index, name="class", dtype=object)


class DaskFamilyResultsMixin:
    """What differs from the in-memory family results when the rows stay in the partitions."""

    @property
    def df_model(self) -> int:
        p = len(self.design.column_names)
        if self.model.family == "ordinal":
            return p
        return (self.model.K - 1) * (p - (1 if self.design.intercept_index is not None else 0))

    @cached_property
    def level_counts(self) -> pd.Series:
        """Rows per level (counted by the last Newton pass)."""
        return pd.Series(self.model.counts, index=self.level_names, name="n")

    @property
    def dropped_rows(self):
        raise OptionError("the labels of the dropped rows are not collected on Dask data; res.n_dropped counts "
                          "them")

    @property
    def _fitted(self):
        raise OptionError("fitted values of a Dask fit stay in the partitions; res.predict() returns them as a "
                          "dask DataFrame")

    @property
    def fittedvalues(self):
        return self.predict()

    def predict(self, newdata=None, kind: str = "prob"):
        """Lazy predicted probabilities (``kind="prob"``: a dask DataFrame, one column per level)
        or most probable level (``kind="class"``: a dask Series) for the fitted rows
        (``newdata=None``), a pandas or dask DataFrame, or a path/glob of files."""
        import dask.dataframe as dd

        from .dask_io import open_source

        if kind not in PREDICT_KINDS:
            raise OptionError(f"kind={kind!r} is not valid; choose one of 'prob', 'class'")
        full = self.model.full_design
        if newdata is None:
            frame, fitted_rows, labels = full.frame, True, full.labels
        elif isinstance(newdata, pd.DataFrame):
            frame, fitted_rows, labels = dd.from_pandas(newdata, npartitions=1), False, ("newdata",)
        else:
            source = open_source(newdata, full.formula)
            frame, fitted_rows, labels = source.frame, False, source.labels
        columns = tuple(self.level_names)
        if kind == "prob":
            meta = pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
        else:
            meta = pd.Series(dtype=object, name="class")
        theta = np.asarray(self.fit_info.params, dtype=float)
        return frame.map_partitions(_predict_part, full.spec, theta, self.model.family, self.K,
                                    self.model.dropped_intercept, kind, tuple(self.levels), columns, fitted_rows,
                                    tuple(labels), meta=meta, align_dataframes=False)

    def anova(self, type: int = 2, test: str = "lr") -> pd.DataFrame:  # noqa: A002 (car's name)
        """Wald term tests as in memory; likelihood-ratio ones need a refit per term on the
        partitions and are refused."""
        if test == "lr":
            raise OptionError("likelihood-ratio term tests (a refit per term) are not available on Dask data "
                              "yet; use anova(test='wald')")
        return super().anova(type=type, test=test)

    drop1 = _needs_rows("drop1() (a refit per term)", "use anova(test='wald'), or " + _SAMPLE)
    classification = _needs_rows("classification()", _SAMPLE)
    separation = _needs_rows("the exact separation check (separation())", _SAMPLE)
    vif = _needs_rows("vif()", _SAMPLE)
    def events_per_variable(self) -> pd.Series:
        """As in memory (:meth:`~statlogit.diagnostics.multiclass_api.MulticlassDiagnosticsMixin.events_per_variable`),
        from the rows per level counted by the last pass."""
        from types import SimpleNamespace

        from ..diagnostics.multiclass_api import MulticlassDiagnosticsMixin

        d = self.design
        shim = SimpleNamespace(
            design=SimpleNamespace(y=np.arange(self.K, dtype=float), intercept_index=d.intercept_index,
                                   X=SimpleNamespace(shape=(self.nobs, len(d.column_names)))),
            level_names=self.level_names, model=SimpleNamespace(weights=self.model.counts))
        return MulticlassDiagnosticsMixin.events_per_variable(shim)

    check_assumptions = _needs_rows("check_assumptions()", _SAMPLE)
    report = _needs_rows("report()", _SAMPLE + "; summary() works here")
    plot_probabilities = _needs_rows("plot_probabilities()", _SAMPLE)
    proportional_odds = _needs_rows("the Brant test (proportional_odds())", _SAMPLE)
    iia = _needs_rows("the Hausman-McFadden IIA test (iia())", _SAMPLE)


class DaskMNLogitResults(DaskFamilyResultsMixin, MNLogitResults):
    """:class:`~statlogit.models.multinomial.MNLogitResults` of a Dask fit."""


class DaskOrderedLogitResults(DaskFamilyResultsMixin, OrderedLogitResults):
    """:class:`~statlogit.models.ordinal.OrderedLogitResults` of a Dask fit."""


def results_class(family: str) -> type:
    return DaskMNLogitResults if family == "multinomial" else DaskOrderedLogitResults
