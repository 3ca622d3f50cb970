"""Profile-likelihood intervals on Dask: the exact limits of :mod:`statlogit.inference.profile`,
each profile point a constrained Newton refit on the partitions (coefficient j fixed at b,
``b x_j`` as offset), warm-started along the first-order path of the constrained maximum."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import OptionError
from ..inference.profile import ContinuationProfile, two_sided_limits
from .dask_fit import PassOptions, newton_dask


class _DaskProfile(ContinuationProfile):
    """:class:`~statlogit.inference.profile.ContinuationProfile` whose refits run on the partitions."""

    def __init__(self, res, j: int):
        super().__init__(res.fit_info.params, j, res.fit_info.information, res.llf)
        self.model = res.model
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
                res._profile_cache[key] = two_sided_limits(_DaskProfile(res, j), se[j], z, res.names[j])
            out[j] = res._profile_cache[key]
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return pd.DataFrame(out, index=res.names, columns=["lower", "upper"])
