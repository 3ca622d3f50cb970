"""Errors and warnings raised by statlogit.

Every error is a :class:`StatlogitError`; every statistical caveat is a
:class:`StatlogitWarning`. Messages name the column, row count or option involved
and say what to do, so an analyst never has to read a traceback from patsy,
numpy or scipy.
"""

from __future__ import annotations


class StatlogitError(Exception):
    """Base class of every error statlogit raises on purpose."""


class ResponseError(StatlogitError, ValueError):
    """The response is not a two-level outcome (or the event is not one of its levels)."""


class FormulaError(StatlogitError, ValueError):
    """The formula cannot be parsed or names something that is not in the data."""


class DataError(StatlogitError, ValueError):
    """The data are unusable: empty, all missing, infinite, the wrong container."""


class RankDeficiencyError(StatlogitError, ValueError):
    """Design columns are constant, duplicated or exact linear combinations of others."""


class OptionError(StatlogitError, ValueError):
    """An option has a value outside what it accepts."""


class PredictionError(StatlogitError, ValueError):
    """New data for ``predict`` cannot be put through the fitted design."""


class DiagnosticError(StatlogitError, ValueError):
    """A diagnostic cannot be computed for this model (too few terms, no usable groups...)."""


class NotFittedError(StatlogitError, RuntimeError):
    """A quantity needs a fit that converged to a finite maximum-likelihood estimate."""


class StatlogitWarning(UserWarning):
    """Base class of every statistical caveat statlogit emits."""


class ConvergenceWarning(StatlogitWarning):
    """The optimiser stopped before its convergence rule was met."""


class SeparationWarning(StatlogitWarning):
    """The data are (quasi-)completely separated: the MLE does not exist."""


class DiagnosticWarning(StatlogitWarning):
    """A diagnostic could not be computed as asked (a term skipped, a fallback used)."""


__all__ = [
    "StatlogitError",
    "ResponseError",
    "FormulaError",
    "DataError",
    "RankDeficiencyError",
    "OptionError",
    "PredictionError",
    "DiagnosticError",
    "NotFittedError",
    "StatlogitWarning",
    "ConvergenceWarning",
    "SeparationWarning",
    "DiagnosticWarning",
]


def warn(message: str, category: type[Warning] = StatlogitWarning) -> None:
    """Emit ``message`` pointing at the first line of the caller's code outside statlogit."""
    import os
    import sys
    import warnings

    package_dir = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)
    level = 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package_dir):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


class DistributedError(StatlogitError, RuntimeError):
    """A Dask computation failed (a partition, a file or a worker); no partial result is used."""
