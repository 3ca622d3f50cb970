"""statlogit: logistic regression as statistical inference.

>>> import statlogit as sl
>>> res = sl.logit("diabetes ~ glucose + mass + age", data=sl.datasets.load_pima())
>>> print(res.summary())                                     # doctest: +SKIP

Heavy modules (pandas, scipy, patsy, statsmodels, matplotlib) load on first use.
"""

from __future__ import annotations

from importlib import import_module

from .exceptions import (
    ConvergenceWarning,
    DataError,
    DiagnosticError,
    DiagnosticWarning,
    FormulaError,
    NotFittedError,
    OptionError,
    PredictionError,
    RankDeficiencyError,
    ResponseError,
    SeparationWarning,
    StatlogitError,
    StatlogitWarning,
)

__version__ = "0.1.0"

_LAZY = {
    "logit": ("statlogit.model", "logit"),
    "Logit": ("statlogit.model", "Logit"),
    "logit_path": ("statlogit.model", "logit_path"),
    "LogitResults": ("statlogit.results", "LogitResults"),
    "datasets": ("statlogit.datasets", None),
    "compare": ("statlogit.inference.anova", "compare"),
    "mlogit": ("statlogit.models.multinomial", "mlogit"),
    "MNLogit": ("statlogit.models.multinomial", "MNLogit"),
    "ologit": ("statlogit.models.ordinal", "ologit"),
    "OrderedLogit": ("statlogit.models.ordinal", "OrderedLogit"),
}


def __getattr__(name: str):
    if name in _LAZY:
        module, attr = _LAZY[name]
        mod = import_module(module)
        value = mod if attr is None else getattr(mod, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'statlogit' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))


__all__ = [
    "logit",
    "Logit",
    "logit_path",
    "LogitResults",
    "datasets",
    "compare",
    "mlogit",
    "MNLogit",
    "ologit",
    "OrderedLogit",
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
