"""Profile-likelihood intervals on Dask: the exact limits of :mod:`statlogit.inference.profile`,
each profile point a constrained Newton refit on the partitions (coefficient j fixed at b,
``b x_j`` as offset), warm-started along the first-order path of the constrained maximum."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import ConvergenceWarning, OptionError, warn
from ..inference.profile import ProfileFailure, _one_limit, _Profile
from .dask_fit import PassOptions, newton_dask


class _NoColumns:
    shape = (0, 1)  # _Profile.signed_root only asks whether columns remain


class _DaskProfile(_Profile):
    """:class:`~statlogit.inference.profile._Profile` whose refits run on the partitions."""

    def __init__(self, res, j: int):  # noqa: D107  (no call to super: no X in memory)
        beta = np.asarray(res.fit_info.params, dtype=float)
        self.model = res.model
        self.j = j
        self.loglik_hat = res.llf
        self.b_hat = beta[j]
        rest = np.delete(np.arange(len(beta)), j)
        H = np.asarray(res.fit_info.information, dtype=float)
        try:
            self.slope = -np.linalg.solve(H[np.ix_(rest, rest)], H[rest, j])
        except np.linalg.LinAlgError:
            self.slope = np.zeros(len(rest))
        self.points = {float(self.b_hat): np.delete(beta, j)}
        self.cache = {}
        self.X_rest = _NoColumns()
        self.X_rest.shape = (0, len(rest))
        self.passes = 0

    def _refit(self, b: float, start: np.ndarray):
        from ..solvers.newton import SingularInformation

        def passer(beta):
            self.passes += 1
            return self.model.passer(PassOptions(fixed=(self.j, float(b))), "a profile-likelihood refit")(beta)

        try:
            fit, _ = newton_dask(passer, start, tol=1e-10, max_iter=60)
        except SingularInformation:
            return None
        if not fit.converged or not np.all(np.isfinite(fit.params)):
            return None
        return fit


def profile_intervals(res, alpha: float, z: float, progress: bool) -> pd.DataFrame:
    """Lower and upper profile limits of every coefficient (refits on the partitions)."""
    b = res.params.to_numpy()
    se = res.bse.to_numpy()
    if len(b) < 2:
        raise OptionError("profile intervals on Dask need at least two coefficients; use method='wald'")
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(b), desc="profile intervals (Dask refits)", leave=False)
    out = np.empty((len(b), 2))
    try:
        for j in range(len(b)):
            key = (alpha, j)
            if key not in res._profile_cache:
                prof = _DaskProfile(res, j)
                limits = []
                for sign in (-1.0, 1.0):
                    try:
                        limits.append(_one_limit(prof, b[j], se[j], z, sign, 60))
                    except ProfileFailure as exc:
                        warn(f"profile likelihood for {res.names[j]}: the constrained refit at {exc.args[0]:.6g} "
                             "did not converge; that limit is reported as infinite. Use Wald intervals or check "
                             "for separation / near-collinearity", ConvergenceWarning)
                        limits.append(sign * np.inf)
                res._profile_cache[key] = tuple(limits)
            out[j] = res._profile_cache[key]
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return pd.DataFrame(out, index=res.names, columns=["lower", "upper"])
