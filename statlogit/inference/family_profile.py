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
from .profile import ContinuationProfile, two_sided_limits


class _FamilyProfile(ContinuationProfile):
    """Refits through :class:`~statlogit.models.likelihood.Fixed` (theta_j held at b)."""

    def __init__(self, lik: Likelihood, theta_hat: np.ndarray, loglik_hat: float, j: int):
        _, _, H = lik.pieces(np.asarray(theta_hat, dtype=float))
        super().__init__(theta_hat, j, H, loglik_hat)
        self.lik = lik

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


def profile_limits_family(lik: Likelihood, theta_hat: np.ndarray, se: np.ndarray, loglik_hat: float,
                          j: int, z: float, name: str = "", max_expand: int = 60) -> tuple[float, float]:
    """Lower and upper profile limits of parameter ``j`` (``-/+inf`` where the profile never
    reaches the cut-off, with a :class:`~statlogit.exceptions.ConvergenceWarning` if a
    constrained refit failed)."""
    prof = _FamilyProfile(lik, np.asarray(theta_hat, dtype=float), loglik_hat, j)
    return two_sided_limits(prof, float(se[j]), z, name or str(j), max_expand)
