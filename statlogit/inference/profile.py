"""Exact profile-likelihood confidence limits.

For coefficient j, the profile log-likelihood ``l_p(b) = max_{beta: beta_j = b} l(beta)`` is
found by refitting the model without column j and with ``b * x_j`` as an offset. The signed
root statistic

    r(b) = sign(b - b_hat) * sqrt(2 (l(b_hat) - l_p(b)))

is, under the model, approximately standard normal; the (1 - alpha) limits are the roots of
``r(b) = -z`` and ``r(b) = +z`` with ``z = Phi^-1(1 - alpha/2)``. We bracket each root by
stepping out from the Wald limit and solve with Brent's method; every refit is a Newton fit
warm-started from the neighbouring solution. R's ``confint.glm`` (MASS) instead interpolates
a spline through a grid of profile points, so it is within about 1e-4 of these limits.

Reference: Venables & Ripley (2002), *Modern Applied Statistics with S*, sec. 8.4.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import StatlogitError
from ..solvers.newton import fit_newton


class ProfileTimeLimit(StatlogitError, RuntimeError):
    """Profile limits not done within the time allowed (``max_seconds``)."""

    def __init__(self, max_seconds: float, elapsed: float):
        super().__init__(
            f"the profile-likelihood limits would take longer than the {max_seconds:.3g} s allowed "
            f"(stopped after {elapsed:.3g} s); use Wald intervals, or call conf_int(method='profile') "
            "without max_seconds"
        )
        self.max_seconds = max_seconds


class ProfileFailure(Exception):
    """A constrained refit did not converge even by continuation from a converged point."""


class ContinuationProfile:
    """The profile log-likelihood of parameter j, every constrained refit warm-started.

    A refit at ``b`` starts from the nearest converged profile point ``b0`` moved along
    the first-order path of the constrained maximum, ``theta_rest(b0) - (b - b0) H_rr^-1 H_rj``
    (so the linear predictor barely moves, like MASS's ``etastart``); failing that, from
    ``theta_rest(b0)`` itself; failing that, the point halfway to ``b0`` is solved first
    (continuation), up to 12 halvings. Subclasses say how to refit with ``theta_j = b``
    (:meth:`_refit`): the binary model by an offset, the family through
    :class:`~statlogit.models.likelihood.Fixed`, Dask on the partitions.
    """

    def __init__(self, theta_hat: np.ndarray, j: int, information: np.ndarray, loglik_hat: float):
        theta_hat = np.asarray(theta_hat, dtype=float)
        self.j = j
        self.loglik_hat = loglik_hat
        self.b_hat = float(theta_hat[j])
        rest = np.delete(np.arange(len(theta_hat)), j)
        H = np.asarray(information, dtype=float)
        try:
            self.slope = -np.linalg.solve(H[np.ix_(rest, rest)], H[rest, j])
        except np.linalg.LinAlgError:
            self.slope = np.zeros(len(rest))
        self.points: dict[float, np.ndarray] = {self.b_hat: np.delete(theta_hat, j)}
        self.cache: dict[float, float] = {}

    def _refit(self, b: float, start: np.ndarray):
        """The constrained fit at ``theta_j = b`` from ``start`` (a Fit), or None if it failed."""
        raise NotImplementedError

    def _loglik_without_refit(self, b: float) -> float | None:
        """The profile log-likelihood when nothing is left to refit (else None)."""
        return None

    def _solve(self, b: float, depth: int = 0) -> float:
        b0 = min(self.points, key=lambda t: abs(t - b))
        fit = self._refit(b, self.points[b0] + (b - b0) * self.slope)
        if fit is None:
            fit = self._refit(b, self.points[b0])
        if fit is None:
            if depth >= 12:
                raise ProfileFailure(b)
            mid = b0 + (b - b0) / 2.0
            self._solve(mid, depth + 1)
            fit = self._refit(b, self.points[mid] + (b - mid) * self.slope)
            if fit is None:
                return self._solve(b, depth + 1)
        self.points[float(b)] = fit.params
        return fit.loglik

    def signed_root(self, b: float) -> float:
        b = float(b)
        if b not in self.cache:
            ll = self._loglik_without_refit(b)
            if ll is None:
                ll = self._solve(b)
            dev = max(2.0 * (self.loglik_hat - ll), 0.0)
            self.cache[b] = float(np.sign(b - self.b_hat) * np.sqrt(dev))
        return self.cache[b]


def _converged(fit):
    return fit if fit.converged and np.all(np.isfinite(fit.params)) else None


class _Profile(ContinuationProfile):
    """Binary logit: refit without column j and with ``b * x_j`` as an offset."""

    def __init__(self, X, y, j, beta_hat, loglik_hat, offset, weights):
        from ..kernel import loglik_score_information

        _, _, H = loglik_score_information(X, y, beta_hat, offset, weights)
        super().__init__(beta_hat, j, H, loglik_hat)
        self.X_rest = np.ascontiguousarray(np.delete(X, j, axis=1))
        self.xj = X[:, j]
        self.y = y
        self.offset = offset
        self.weights = weights

    def _offset(self, b: float) -> np.ndarray:
        return b * self.xj if self.offset is None else self.offset + b * self.xj

    def _refit(self, b: float, start: np.ndarray):
        from ..solvers.newton import SingularInformation

        try:
            return _converged(fit_newton(self.X_rest, self.y, offset=self._offset(b), weights=self.weights,
                                         start=start, tol=1e-10, max_iter=60))
        except SingularInformation:
            return None

    def _loglik_without_refit(self, b: float) -> float | None:
        if self.X_rest.shape[1]:
            return None
        from ..kernel import log_likelihood

        return log_likelihood(self.X_rest, self.y, np.zeros(0), self._offset(b), self.weights)


def two_sided_limits(prof: ContinuationProfile, se_j: float, z: float, name: str,
                     max_expand: int = 60) -> tuple[float, float]:
    """Lower and upper limits of ``prof``'s parameter; a limit whose refits fail by continuation too is
    reported as infinite with a :class:`~statlogit.exceptions.ConvergenceWarning`."""
    limits = []
    for sign in (-1.0, 1.0):
        try:
            limits.append(_one_limit(prof, prof.b_hat, se_j, z, sign, max_expand))
        except ProfileFailure as exc:
            from ..exceptions import ConvergenceWarning, warn

            warn(
                f"profile likelihood for {name}: the constrained refit at {exc.args[0]:.6g} "
                "did not converge; that limit is reported as infinite. Use Wald intervals or "
                "check for separation / near-collinearity",
                ConvergenceWarning,
            )
            limits.append(sign * np.inf)
    return limits[0], limits[1]


def profile_limits(
    X: np.ndarray,
    y: np.ndarray,
    beta_hat: np.ndarray,
    se: np.ndarray,
    loglik_hat: float,
    j: int,
    z: float,
    offset: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    max_expand: int = 60,
) -> tuple[float, float]:
    """Lower and upper profile-likelihood limits for coefficient ``j``.

    A limit that cannot be bracketed (the profile flattens out, as under separation)
    is returned as ``-inf`` / ``+inf``.
    """
    prof = _Profile(X, y, j, beta_hat, loglik_hat, offset, weights)
    return two_sided_limits(prof, se[j], z, f"coefficient {j}", max_expand)


def _one_limit(prof: ContinuationProfile, b_hat: float, se_j: float, z: float, sign: float,
               max_expand: int) -> float:
    """Root of ``r(b) = sign * z`` on one side of ``b_hat`` (``sign * inf`` if unbounded)."""
    from scipy.optimize import brentq

    target = sign * z
    if not np.isfinite(se_j) or se_j <= 0:
        return sign * np.inf
    inner = b_hat
    outer = b_hat + sign * se_j * z
    f_outer = prof.signed_root(outer) - target
    k = 0
    # Step out until r(b) passes the target; the profile is near-linear in b, so a capped
    # secant-like growth reaches the far side in one or two refits.
    while sign * f_outer < 0:
        k += 1
        if k > max_expand or not np.isfinite(outer):
            return sign * np.inf
        r_out = abs(f_outer + target)
        grow = min(max(z / r_out * 1.1, 1.2), 4.0) if r_out > 1e-8 else 4.0
        inner, outer = outer, b_hat + (outer - b_hat) * grow
        f_outer = prof.signed_root(outer) - target
    if inner != b_hat and prof.signed_root(inner) == target:
        return inner
    a, b = sorted((inner, outer))
    return brentq(
        lambda t: prof.signed_root(t) - target,
        a,
        b,
        xtol=1e-12 * max(1.0, abs(b_hat)),
        rtol=4 * np.finfo(float).eps,
    )


def profile_intervals(
    X: np.ndarray,
    y: np.ndarray,
    beta_hat: np.ndarray,
    se: np.ndarray,
    loglik_hat: float,
    information: np.ndarray,
    z: float,
    which: list[int],
    offset: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    on_done=None,
    max_seconds: float | None = None,
) -> np.ndarray:
    """Lower and upper limits ``(len(which), 2)`` of the coefficients ``which``.

    All limits are solved together by the Venzon-Moolgavkar iteration
    (:mod:`statlogit.inference.venzon_moolgavkar`), each pass over X evaluating every
    limit's point at once (:mod:`statlogit.inference.batch_pass`). A limit that iteration
    does not settle (a flat profile under near-separation, a point where the likelihood
    overflows) is solved by :func:`profile_limits`, which also finds infinite limits.
    ``information`` is X'WX at ``beta_hat``. ``on_done(k)`` is called as k limits finish.
    With ``max_seconds``, :class:`ProfileTimeLimit` is raised once the limits cannot be
    done within that time (checked after every pass over X and every refit search).
    """
    import time

    from .batch_pass import evaluate_many
    from .venzon_moolgavkar import OutOfTime, vm_limits

    start = time.perf_counter()
    deadline = None if max_seconds is None else start + max_seconds

    targets = [(int(j), side) for j in which for side in (-1.0, 1.0)]
    out = np.full((len(which), 2), np.nan)
    if not targets:
        return out
    ok = np.zeros(len(targets), dtype=bool)
    try:
        values, ok = vm_limits(
            lambda B, exact: evaluate_many(X, y, B, offset, weights, exact),
            beta_hat, information, loglik_hat, z, targets, on_done=on_done, deadline=deadline)
    except np.linalg.LinAlgError:  # the information itself is singular: refits decide
        values = np.full(len(targets), np.nan)
    except OutOfTime:
        raise ProfileTimeLimit(max_seconds, time.perf_counter() - start) from None
    for k, (_j, side) in enumerate(targets):
        if ok[k]:
            out[k // 2, int(side > 0)] = values[k]
    for i, j in enumerate(which):
        if not ok[2 * i] or not ok[2 * i + 1]:
            if deadline is not None and time.perf_counter() > deadline:
                raise ProfileTimeLimit(max_seconds, time.perf_counter() - start)
            lo, hi = profile_limits(X, y, beta_hat, se, loglik_hat, j, z, offset, weights)
            for side, val in ((0, lo), (1, hi)):
                if not ok[2 * i + side]:
                    out[i, side] = val
                    if on_done is not None:
                        on_done(1)
    return out
