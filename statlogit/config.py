"""Fit options as one frozen record, validated once at the boundary.

One table (``_CONSTRAINTS``) says what every option accepts; :func:`make_options` checks
a user's keywords against it and raises :class:`~statlogit.exceptions.OptionError` that
names the option, the value given and what is allowed.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, fields

from .exceptions import OptionError

METHODS = ("newton", "gd", "sgd", "firth")
MISSING = ("drop", "raise")
#: Covariance of the coefficients (see statlogit.inference.covariance).
COV_TYPES = ("nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster")
PENALTIES = ("l2", "l1", "elasticnet")


@dataclass(frozen=True)
class FitOptions:
    method: str = "newton"
    tol: float | None = None  # per-method default, see default_tol()
    max_iter: int | None = None
    learning_rate: float | None = None  # None: 1/L from the standardized design
    batch_size: int = 64
    epochs: int = 100
    seed: int | None = 0
    progress: bool = False
    cov_type: str = "nonrobust"
    penalty: str | None = None  # glmnet's objective; see statlogit.penalized
    lam: float | None = None
    l1_ratio: float | None = None
    standardize: bool = True

    def default_tol(self) -> float:
        if self.penalty is not None:
            return 1e-12  # KKT violation in working coordinates (statlogit.penalized.solver)
        return {"newton": 1e-8, "firth": 1e-8, "gd": 1e-9, "sgd": 1e-7}[self.method]

    def default_max_iter(self) -> int:
        if self.penalty is not None:
            return 100
        return {"newton": 100, "firth": 200, "gd": 100_000, "sgd": self.epochs}[self.method]

    @property
    def tol_(self) -> float:
        return self.default_tol() if self.tol is None else self.tol

    @property
    def max_iter_(self) -> int:
        return self.default_max_iter() if self.max_iter is None else self.max_iter


def _positive_real(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and v > 0 and v == v and v != float("inf")


def _positive_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool) and v > 0


_CONSTRAINTS = {
    "method": (lambda v: v in METHODS, f"one of {', '.join(map(repr, METHODS))}"),
    "tol": (lambda v: v is None or _positive_real(v), "a positive number"),
    "max_iter": (lambda v: v is None or _positive_int(v), "a positive integer"),
    "learning_rate": (lambda v: v is None or _positive_real(v), "a positive number (or None for automatic)"),
    "batch_size": (_positive_int, "a positive integer"),
    "epochs": (_positive_int, "a positive integer"),
    "seed": (lambda v: v is None or isinstance(v, numbers.Integral), "an integer or None"),
    "progress": (lambda v: isinstance(v, bool), "True or False"),
    "cov_type": (lambda v: v in COV_TYPES, f"one of {', '.join(map(repr, COV_TYPES))}"),
    "penalty": (lambda v: v is None or v in PENALTIES, f"None or one of {', '.join(map(repr, PENALTIES))}"),
    "lam": (lambda v: v is None or (_real(v) and v >= 0), "a finite number >= 0 (the penalty's weight)"),
    "l1_ratio": (lambda v: v is None or (_real(v) and 0 <= v <= 1), "a number in [0, 1] (0 ridge, 1 lasso)"),
    "standardize": (lambda v: isinstance(v, bool), "True or False"),
}


def _real(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and v == v and abs(v) != float("inf")


def check_choice(name: str, value, choices) -> None:
    """Raise OptionError unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise OptionError(f"{name}={value!r} is not valid; choose one of {', '.join(map(repr, choices))}")


def make_options(**kwargs) -> FitOptions:
    """Validate keyword options and return a :class:`FitOptions`."""
    known = {f.name for f in fields(FitOptions)}
    unknown = sorted(set(kwargs) - known)
    if unknown:
        raise OptionError(
            f"unknown option(s) {', '.join(unknown)}; valid options are {', '.join(sorted(known))}"
        )
    for name, value in kwargs.items():
        ok, allowed = _CONSTRAINTS[name]
        if not ok(value):
            raise OptionError(f"{name}={value!r} is not valid; it must be {allowed}")
    method = kwargs.get("method", "newton")
    unused = sorted(k for k in kwargs if k in _METHOD_ONLY and method not in _METHOD_ONLY[k])
    if unused:
        raise OptionError(
            f"option(s) {', '.join(unused)} do nothing with method={method!r}; they apply to "
            + "; ".join(f"{k}: method={' or '.join(map(repr, _METHOD_ONLY[k]))}" for k in unused)
        )
    _check_penalty(method, kwargs)
    return FitOptions(**kwargs)


def _check_penalty(method: str, kw: dict) -> None:
    """Combinations of the penalty options that are errors (never silently ignored)."""
    penalty = kw.get("penalty")
    if penalty is None:
        given = [k for k in ("lam", "l1_ratio", "standardize") if k in kw and kw[k] is not None]
        if given:
            raise OptionError(
                f"option(s) {', '.join(given)} apply only to a penalized fit; add "
                f"penalty={' or '.join(map(repr, PENALTIES))} (penalty=None is the unpenalized MLE)"
            )
        return
    if kw.get("cov_type", "nonrobust") != "nonrobust":
        raise OptionError(f"cov_type={kw['cov_type']!r} cannot be combined with penalty={penalty!r}: a "
                          "penalized fit has no standard errors (use res.bootstrap(n=..., seed=...))")
    if method != "newton":
        why = ("Firth's bias reduction is itself a penalty (Jeffreys prior); use one or the other"
               if method == "firth" else "penalized fits use coordinate descent")
        raise OptionError(f"method={method!r} cannot be combined with penalty={penalty!r}: {why}; "
                          "leave method at its default")
    if kw.get("lam") is None:
        raise OptionError(
            f"penalty={penalty!r} needs lam= (a number >= 0); choose it by cross-validation with "
            "sl.logit_path(formula, data, ...).cv().lambda_min"
        )
    l1_ratio = kw.get("l1_ratio")
    if penalty == "elasticnet" and l1_ratio is None:
        raise OptionError("penalty='elasticnet' needs l1_ratio= (a number in [0, 1]; 0 is ridge, 1 is lasso)")
    if penalty != "elasticnet" and l1_ratio is not None:
        implied = 0 if penalty == "l2" else 1
        raise OptionError(
            f"l1_ratio={l1_ratio!r} cannot be given with penalty={penalty!r} (which is l1_ratio={implied}); "
            "use penalty='elasticnet' with l1_ratio in [0, 1]"
        )


#: Options that only some methods use (given with another method they are an error, not ignored).
_METHOD_ONLY = {
    "learning_rate": ("gd", "sgd"),
    "batch_size": ("sgd",),
    "epochs": ("sgd",),
    "seed": ("sgd",),
}
