"""The :class:`Design` record (and its :class:`TermInfo`): what every model fits.

A Design holds float64 ``X`` and 0/1 ``y`` (or codes 0..K-1), the column names, which columns
each formula term owns (for GVIF and Box-Tidwell), the patsy ``DesignInfo`` built by
:mod:`statlogit.design` (so ``predict(newdata)`` replays the same transforms and factor levels),
the rows dropped for missing values, and which response level is the event. Imports no patsy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .columns import column_extremes
from .exceptions import DataError


@dataclass(frozen=True)
class TermInfo:
    """One formula term and the design columns it owns.

    ``kind`` is ``"intercept"``, ``"numeric"`` (one numeric factor), ``"categorical"``
    (one categorical factor) or ``"interaction"``. ``variable`` is the data column when
    the term is a plain numeric main effect (``age``, not ``np.log(age)`` or ``I(age**2)``).
    """

    name: str
    columns: tuple[int, ...]
    kind: str
    variable: str | None = None


@dataclass(frozen=True)
class Design:
    X: np.ndarray
    y: np.ndarray
    column_names: list[str]
    terms: list[TermInfo]
    response_name: str
    event: Any
    non_event: Any
    response_coding: str
    row_labels: pd.Index
    dropped_labels: pd.Index
    formula: str | None = None
    design_info: Any = None
    intercept_index: int | None = None
    data_columns: tuple[str, ...] = field(default_factory=tuple)
    #: The data columns named on the right of ``~`` (the response's columns are not predictors).
    predictor_columns: tuple[str, ...] = field(default_factory=tuple)
    #: Largest |value| of each column (computed once; used for internal scaling and symptoms);
    #: filled in by ``__post_init__`` when a builder does not pass it.
    column_absmax: np.ndarray | None = None
    #: Array interface: True when statlogit prepended the intercept column (so predict must
    #: too); False when X brought its own constant or there is none.
    intercept_added: bool = False
    #: Positions (0-based) in the caller's data of the rows used, in order (None: unknown).
    row_positions: np.ndarray | None = None
    #: Response levels in code order (y holds codes 0..K-1) for the multiclass families; None
    #: for the binary logit (whose y is 0/1 with ``event``/``non_event``).
    levels: tuple | None = None
    #: Array interface without a copy: the caller's predictor matrix (read-only view), when
    #: statlogit adds the intercept itself. Then ``X`` may be passed as None: it is built
    #: (``[1, predictors]``) only when a consumer first reads ``design.X``, while the fit
    #: reads ``predictors`` in place (see :meth:`implicit_intercept`).
    predictors: np.ndarray | None = None

    def __post_init__(self):
        if self.X is None:
            if self.predictors is None or not self.intercept_added:
                raise DataError("internal error: a design without X needs predictors; please report this")
            object.__delattr__(self, "X")  # built on first use by __getattr__
        rows = (self.X if "X" in self.__dict__ else self.predictors).shape[0]
        if rows != self.y.shape[0] or len(self.row_labels) != self.y.shape[0]:
            raise DataError(
                f"internal error: design has {rows} rows, response {self.y.shape[0]}, "
                f"labels {len(self.row_labels)}; please report this"
            )
        if self.column_absmax is None:  # builders pass it (they get it for free); others pay one pass
            cmax, cmin = column_extremes(self.X)
            object.__setattr__(self, "column_absmax", np.maximum(cmax, -cmin))

    def __getattr__(self, name: str):
        # Only reached when ``X`` has not been built yet (normal lookup failed).
        if name == "X" and self.__dict__.get("predictors") is not None:
            from .columns import with_intercept

            full = with_intercept(self.predictors)
            object.__setattr__(self, "X", full)
            return full
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def implicit_intercept(self) -> bool:
        """True while ``X`` is the caller's predictors plus an intercept not yet materialised:
        the fit then reads ``predictors`` in place (no copy of the caller's X)."""
        return "X" not in self.__dict__

    @property
    def n_columns(self) -> int:
        """Columns of ``X`` (the intercept included), without building ``X``."""
        return len(self.column_names)

    def linear_predictor(self, beta: np.ndarray) -> np.ndarray:
        """``X @ beta`` without building ``X`` (one read of the predictors)."""
        if self.implicit_intercept:
            eta = self.predictors @ beta[1:]
            eta += beta[0]
            return eta
        return self.X @ beta

    @property
    def nobs(self) -> int:
        return int(self.y.shape[0])

    @property
    def n_dropped(self) -> int:
        return len(self.dropped_labels)

    def event_label(self) -> str:
        """``diabetes = pos`` — how the summary names the modelled event."""
        return f"{self.response_label()} = {self.event}"

    def response_label(self) -> str:
        """The response as a reader names it: ``class`` for ``Q("class")`` (display only;
        messages show the formula's own spelling)."""
        from .report.tables import variable_label

        return variable_label(self.response_name)
