"""Independence of irrelevant alternatives (IIA): the Hausman-McFadden test for a multinomial logit.

Under IIA the odds between any two levels do not depend on which other levels exist, so
dropping a level (and the rows that chose it) leaves the other coefficients unchanged. For
each non-reference level k in turn, the model is refitted without level k and its rows, and

    H = (b_r - b_f)' (V_r - V_f)^+ (b_r - b_f),   df = rank(V_r - V_f),

with ``b_r, V_r`` the restricted estimates and covariance and ``b_f, V_f`` the full model's
estimates of the same coefficients (every coefficient of the remaining non-reference levels,
intercepts included, as R's ``mlogit::hmftest``); ``H ~ chi2(df)`` under IIA.

Caveats (stated in the advice): in finite samples ``V_r - V_f`` is often not positive
semi-definite and H can be negative (Hausman & McFadden read that as no evidence against IIA);
the test's size is poor in small samples and its verdict can change with the level dropped
(Cheng & Long 2007, Sociol Methods Res 35:583-600), who advise judging IIA from whether the
levels are distinct alternatives in the subject matter (McFadden 1974), not from this test alone.

Reference: Hausman J, McFadden D (1984), Econometrica 52:1219-1240.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["statistic", "df", "p", "note"]


def hausman_mcfadden(res) -> pd.DataFrame:
    """One row per dropped non-reference level: ``statistic``, ``df``, ``p``, ``note``."""
    from scipy.special import chdtrc

    from ..models.likelihood import fit_likelihood
    from ..models.multinomial import Multinomial
    from ..solvers.newton import SingularInformation
    from ._common import DiagnosticError

    K = res.K
    if K < 3:
        raise DiagnosticError("the IIA test drops one level and needs at least two others: the response has "
                              f"{K} levels")
    lik = res._likelihood
    d = res.design
    p = lik.X.shape[1]
    y = lik.y
    w = lik.weights
    B_full = np.asarray(res.fit_info.params).reshape(K - 1, p)
    V_full = res._cov_flat
    rows = []
    for k in range(1, K):
        keep = y != k
        keep_levels = [lv for lv in range(K) if lv != k]
        remap = np.full(K, -1)
        remap[keep_levels] = np.arange(K - 1)
        label = res.level_names[k]
        Xr = lik.X[keep]
        yr = remap[y[keep]]
        wr = None if w is None else w[keep]
        names = [n for lv in keep_levels[1:] for n in lik.names[(lv - 1) * p:lv * p]]
        sub = Multinomial(Xr, yr.astype(float), K - 1, wr, names, d.intercept_index)
        note = ""
        try:
            fit = fit_likelihood(sub)
        except SingularInformation:
            fit = None
        if fit is None or not fit.converged:
            rows.append((label, np.nan, np.nan, np.nan,
                         f"the model without level {label} could not be fitted (singular or not converged: a "
                         "column is constant or separates the remaining levels)"))
            continue
        from ..results_base import inverse_information

        V_r = inverse_information(fit.information)
        idx = np.concatenate([np.arange((lv - 1) * p, lv * p) for lv in keep_levels[1:]])
        diff = fit.params - B_full.reshape(-1)[idx]
        dV = V_r - V_full[np.ix_(idx, idx)]
        if not np.all(np.isfinite(dV)):
            rows.append((label, np.nan, np.nan, np.nan, "no finite covariance for the restricted model"))
            continue
        evals, evecs = np.linalg.eigh((dV + dV.T) / 2)
        tol = 1e-10 * max(np.abs(evals).max(), 1e-300)
        keep_ev = np.abs(evals) > tol
        df = int(keep_ev.sum())
        proj = evecs[:, keep_ev].T @ diff
        stat = float(np.sum(proj ** 2 / evals[keep_ev]))
        if np.any(evals[keep_ev] < 0):
            note = ("V_r - V_f is not positive semi-definite" + (" and the statistic is negative" if stat < 0 else "")
                    + ": read as no evidence against IIA (Hausman & McFadden 1984)")
        pval = float(chdtrc(df, max(stat, 0.0))) if df > 0 else np.nan
        rows.append((label, stat, df, pval, note))
    out = pd.DataFrame([r[1:] for r in rows], index=pd.Index([r[0] for r in rows], name="dropped"), columns=COLUMNS)
    return out


IIA_CAVEATS = ("Caveats: the Hausman-McFadden test has poor size in small samples, its statistic is often negative, "
               "and the verdict can depend on the level dropped (Cheng & Long 2007); judge IIA mainly by whether "
               "the levels are distinct alternatives. If IIA is doubtful, consider a nested logit or a "
               "multinomial probit, or report the results with that caveat.")
