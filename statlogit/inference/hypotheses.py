"""Wald tests of linear hypotheses ``L b = q`` (as ``car::linearHypothesis`` for a glm).

    W = (L b - q)' (L V L')^-1 (L b - q)  ~  chi-square(r),   r = rows of L,

with ``V`` the coefficient covariance of the results (``cov_type``: model-based or a
sandwich). Hypotheses are strings over the parameter names, parsed as patsy's
``linear_constraint`` ("glucose = mass", "2*age - parity = 1"), a list of such strings (one
joint test), or an ``(L, q)`` pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..exceptions import OptionError


@dataclass(frozen=True)
class WaldTest:
    """A Wald chi-square test: ``stat``, ``df``, ``p``, the hypothesis and its ``L``, ``q``."""

    stat: float
    df: int
    p: float
    hypothesis: tuple[str, ...]
    L: np.ndarray
    q: np.ndarray
    cov_type: str = "nonrobust"

    @property
    def pvalue(self) -> float:
        return self.p

    def __str__(self) -> str:
        from ..report.tables import fmt_p

        what = " and ".join(self.hypothesis)
        return (f"Wald test of {what}: chi-square = {self.stat:.4g} on {self.df} df, p = {fmt_p(self.p)} "
                f"({'model-based' if self.cov_type == 'nonrobust' else self.cov_type} covariance).")

    def __repr__(self) -> str:
        return f"<WaldTest stat={self.stat:.6g} df={self.df} p={self.p:.6g}>"


def _describe_rows(L: np.ndarray, q: np.ndarray, names: list[str]) -> tuple[str, ...]:
    out = []
    for row, rhs in zip(L, q):
        parts = []
        for c, name in zip(row, names):
            if c == 0:
                continue
            coef = "" if abs(c) == 1 else f"{abs(c):g}*"
            sign = "-" if c < 0 else "+"
            parts.append(f"{sign} {coef}{name}")
        text = " ".join(parts).lstrip("+ ") if parts else "0"
        if text.startswith("- "):
            text = "-" + text[2:]
        out.append(f"{text} = {rhs:g}")
    return tuple(out)


def constraint_matrix(hypothesis, q, names: list[str]) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """``(L, q, text)`` from a string, a list of strings, or a matrix (with ``q``)."""
    k = len(names)
    if isinstance(hypothesis, str) or (isinstance(hypothesis, (list, tuple)) and hypothesis
                                       and all(isinstance(h, str) for h in hypothesis)):
        if q is not None:
            raise OptionError("q= goes with a matrix L; a string hypothesis carries its own right-hand side")
        specs = [hypothesis] if isinstance(hypothesis, str) else list(hypothesis)
        from ..design import linear_constraint

        try:
            L, qq = linear_constraint(specs, names)
        except OptionError:
            _check_names(specs, names)  # names an unknown parameter when that is the cause
            raise
        return L, qq, tuple(specs)
    if isinstance(hypothesis, tuple) and len(hypothesis) == 2 and q is None and not np.isscalar(hypothesis[0]):
        hypothesis, q = hypothesis
    try:
        L = np.atleast_2d(np.asarray(hypothesis, dtype=float))
        qq = np.zeros(L.shape[0]) if q is None else np.asarray(q, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise OptionError(f"the hypothesis must be a string, a list of strings or a numeric matrix L ({exc})") from exc
    if L.ndim != 2 or L.shape[1] != k or L.shape[0] == 0:
        raise OptionError(f"L has shape {L.shape}; it needs one column per parameter ({k}: {', '.join(names)})")
    if qq.shape[0] != L.shape[0]:
        raise OptionError(f"q has {qq.shape[0]} values; L has {L.shape[0]} rows")
    if not (np.all(np.isfinite(L)) and np.all(np.isfinite(qq))):
        raise OptionError("L and q must be finite")
    return L, qq, _describe_rows(L, qq, names)


def _check_names(specs: list[str], names: list[str]) -> None:
    """Name an unknown parameter (scanning as patsy does: longest parameter name first)."""
    import re

    ordered = sorted(names, key=len, reverse=True)
    ident = re.compile(r"[A-Za-z_][\w.]*")
    for spec in specs:
        i = 0
        while i < len(spec):
            hit = next((n for n in ordered if spec.startswith(n, i)), None)
            end = i + len(hit) if hit is not None else i
            if hit is not None and not (hit[-1].isalnum() and end < len(spec) and (spec[end].isalnum() or spec[end] == "_")):
                i = end
                continue
            m = ident.match(spec, i)
            if m and not (i > 0 and (spec[i - 1].isdigit() or spec[i - 1] == ".")):
                raise OptionError(
                    f"hypothesis {spec!r} names {m.group(0)!r}, which is not a parameter; parameters are "
                    f"{', '.join(names)}"
                )
            i = m.end() if m else i + 1


def wald_test(res, hypothesis, q=None) -> WaldTest:
    """Wald chi-square test of ``L b = q`` with the results' covariance."""
    from scipy.special import chdtrc

    from .term_view import flat_params

    names = list(res.param_names)  # cov_params() names: mlogit "level:term", ologit betas then "a|b"
    L, qq, text = constraint_matrix(hypothesis, q, names)
    r = L.shape[0]
    rank_L = np.linalg.matrix_rank(L)
    if rank_L < r:
        rank_Lq = np.linalg.matrix_rank(np.column_stack([L, qq]))
        kind = "inconsistent (no coefficients satisfy them all)" if rank_Lq > rank_L else \
            "redundant (some follow from the others)"
        fix = "Remove the contradicting ones" if rank_Lq > rank_L else "Remove the dependent ones"
        raise OptionError(
            f"the {r} constraints {list(text)} are {kind}; they have rank {rank_L}. {fix}"
        )
    b = flat_params(res)
    V = res.cov_params().to_numpy()
    if not np.all(np.isfinite(V)):
        from ..exceptions import NotFittedError

        raise NotFittedError("the coefficient covariance is not finite (separation?); a Wald test cannot be computed")
    d = L @ b - qq
    M = L @ V @ L.T
    stat = float(d @ np.linalg.solve(M, d))
    return WaldTest(stat=stat, df=r, p=float(chdtrc(r, stat)), hypothesis=text, L=L, q=qq,
                    cov_type=getattr(res, "cov_type", "nonrobust"))
