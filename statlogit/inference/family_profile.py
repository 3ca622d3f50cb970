"""Exact profile-likelihood limits for a parameter of any family's likelihood.

For parameter j the profile log-likelihood ``l_p(b) = max_{theta: theta_j = b} l(theta)`` is
maximised by Newton on the likelihood with ``theta_j`` held at b
(:class:`~statlogit.models.likelihood.Fixed`; the same driver as every fit). The limits are
the roots of the signed root statistic

    r(b) = sign(b - b_hat) sqrt(2 (l(b_hat) - l_p(b))) = -/+ z,   z = Phi^-1(1 - alpha/2),

bracketed by stepping out from the Wald limit and solved by Brent's method (exact roots, as
the constrained refits of ordinal::clm with an offset; MASS's confint.polr and confint.clm
interpolate a spline through a grid instead). Every refit starts from the nearest solved
point moved along the first-order path ``theta_rest(b0) - (b - b0) H_rr^-1 H_rj``.

Reference: Venables & Ripley (2002), *Modern Applied Statistics with S*, sec. 8.4;
Christensen (2019), ordinal: Regression Models for Ordinal Data (confint.clm).
"""

from __future__ import annotations

import numpy as np

from ..models.likelihood import Fixed, Likelihood, fit_likelihood
from ..solvers.newton import SingularInformation


class _FamilyProfile:
    def __init__(self, lik: Likelihood, theta_hat: np.ndarray, loglik_hat: float, j: int):
        self.lik, self.j, self.loglik_hat = lik, j, loglik_hat
        self.b_hat = float(theta_hat[j])
        _, _, H = lik.pieces(theta_hat)
        rest = np.delete(np.arange(len(theta_hat)), j)
        try:
            self.slope = -np.linalg.solve(H[np.ix_(rest, rest)], H[rest, j])
        except np.linalg.LinAlgError:
            self.slope = np.zeros(len(rest))
        self.points: dict[float, np.ndarray] = {self.b_hat: np.delete(theta_hat, j)}
        self.cache: dict[float, float] = {}

    def _refit(self, b: float, start: np.ndarray):
        fixed = Fixed(self.lik, self.j, b)
        if not fixed.feasible(start):
            return None
        try:
            fit = fit_likelihood(fixed, start=start, tol=1e-10, max_iter=60)
        except SingularInformation:
            return None
        if not fit.converged or not np.all(np.isfinite(fit.params)):
            return None
        return fit

    def _solve(self, b: float, depth: int = 0) -> float:
        b0 = min(self.points, key=lambda t: abs(t - b))
        fit = self._refit(b, self.points[b0] + (b - b0) * self.slope)
        if fit is None:
            fit = self._refit(b, self.points[b0])
        if fit is None:
            if depth >= 12:
                raise _ProfileFailure(b)
            self._solve(b0 + (b - b0) / 2.0, depth + 1)
            return self._solve(b, depth + 1)
        self.points[float(b)] = fit.params
        return fit.loglik

    def signed_root(self, b: float) -> float:
        b = float(b)
        if b not in self.cache:
            ll = self._solve(b)
            dev = max(2.0 * (self.loglik_hat - ll), 0.0)
            self.cache[b] = float(np.sign(b - self.b_hat) * np.sqrt(dev))
        return self.cache[b]


class _ProfileFailure(Exception):
    pass


def profile_limits_family(lik: Likelihood, theta_hat: np.ndarray, se: np.ndarray, loglik_hat: float,
                          j: int, z: float, name: str = "", max_expand: int = 60) -> tuple[float, float]:
    """Lower and upper profile limits of parameter ``j`` (``-/+inf`` where the profile never
    reaches the cut-off, with a :class:`~statlogit.exceptions.ConvergenceWarning` if a
    constrained refit failed)."""
    prof = _FamilyProfile(lik, np.asarray(theta_hat, dtype=float), loglik_hat, j)
    out = []
    for sign in (-1.0, 1.0):
        try:
            out.append(_one_limit(prof, float(theta_hat[j]), float(se[j]), z, sign, max_expand))
        except _ProfileFailure as exc:
            from ..exceptions import ConvergenceWarning, warn

            warn(f"profile likelihood for {name or j}: the constrained refit at {exc.args[0]:.6g} did not "
                 "converge; that limit is reported as infinite. Use Wald intervals or check for separation",
                 ConvergenceWarning)
            out.append(sign * np.inf)
    return out[0], out[1]


def _one_limit(prof: _FamilyProfile, b_hat: float, se_j: float, z: float, sign: float, max_expand: int) -> float:
    from scipy.optimize import brentq

    target = sign * z
    if not np.isfinite(se_j) or se_j <= 0:
        return sign * np.inf
    inner, outer = b_hat, b_hat + sign * se_j * z
    f_outer = prof.signed_root(outer) - target
    k = 0
    while sign * f_outer < 0:
        k += 1
        if k > max_expand or not np.isfinite(outer):
            return sign * np.inf
        r_out = abs(f_outer + target)
        grow = min(max(z / r_out * 1.1, 1.2), 4.0) if r_out > 1e-8 else 4.0
        inner, outer = outer, b_hat + (outer - b_hat) * grow
        f_outer = prof.signed_root(outer) - target
    a, b = sorted((inner, outer))
    return brentq(lambda t: prof.signed_root(t) - target, a, b,
                  xtol=1e-12 * max(1.0, abs(b_hat)), rtol=4 * np.finfo(float).eps)
