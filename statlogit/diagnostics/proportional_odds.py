"""Proportional odds: does each term have one effect for every cut-point of the ordinal response?

* ``method="lr"`` (as ``ordinal::nominal_test``): for each term, the model is refitted with that
  term's effects free per threshold (``clm(..., nominal = ~ term)``, the partial proportional
  odds model of :func:`statlogit.models.ordinal_kernel.ordinal_nominal_pieces`) and
  ``LR = 2 (l_nominal - l_po)`` on ``columns x (K - 2)`` df.
* ``method="brant"``: the Brant (1990) Wald test from the K-1 binary logits of ``1{Y > j}``
  (:func:`statlogit.diagnostics.brant.brant_test`), per term plus an ``omnibus`` row.

A test that cannot be computed (a nominal refit that does not converge; a separated binary
split) is reported with its reason in ``note`` and never as a bare NaN.

References: Brant R (1990) Biometrics 46:1171-1178; Peterson B, Harrell FE (1990) Appl Stat
39:205-217; Christensen (2019) ordinal (nominal_test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import OptionError
from ..models.likelihood import Likelihood

PO_METHODS = ("brant", "lr")
COLUMNS = ["statistic", "df", "p", "note"]


class NominalOrdinal(Likelihood):
    """Partial proportional odds likelihood with the columns ``nominal`` free per threshold."""

    def __init__(self, X, y, K, nominal, weights=None):
        self.X, self.y, self.K, self.nominal, self.weights = X, y, K, list(nominal), weights
        p, q = X.shape[1], len(self.nominal)
        self.names = [f"theta{i}" for i in range(p - q + (q + 1) * (K - 1))]

    def pieces(self, theta, need_hessian=True):
        from ..models.ordinal_kernel import ordinal_nominal_pieces

        # Per-threshold effects can spread adjacent thresholds far apart (expm1 of a large gap
        # overflows to inf, and 1/inf = 0 is the intended limit).
        with np.errstate(over="ignore"):
            ll, score, info = ordinal_nominal_pieces(self.X, self.y, theta, self.nominal, self.weights,
                                                     need_hessian, K=self.K)
        if score is None:  # crossing thresholds: outside the parameter space
            return -np.inf, np.full(self.n_params, np.nan), None
        return ll, score, info


def _nominal_start(theta_po, p, K, nominal):
    """The proportional-odds estimates in the nominal layout (same log-likelihood):
    ``[beta_other, zeta, g_r = -beta_r for every threshold]``."""
    beta, zeta = theta_po[:p], theta_po[p:]
    other = [j for j in range(p) if j not in nominal]
    A = np.vstack([zeta] + [np.full(K - 1, -beta[j]) for j in nominal])
    return np.r_[beta[other], A.ravel()]


def nominal_lr_test(res) -> pd.DataFrame:
    """LR test of proportional odds per term (ordinal::nominal_test)."""
    from scipy.special import chdtrc

    from ..models.likelihood import fit_likelihood
    from ..solvers.newton import SingularInformation

    lik = res._likelihood
    d = res.design
    p, K = lik.X.shape[1], res.K
    rows = []
    for term in d.terms:
        cols = list(term.columns)
        df = len(cols) * (K - 2)
        if df == 0:
            rows.append((term.name, np.nan, 0, np.nan, "two levels: one threshold, nothing to test"))
            continue
        nom = NominalOrdinal(lik.X, lik.y, K, cols, lik.weights)
        start = _nominal_start(np.asarray(res.fit_info.params), p, K, cols)
        try:
            fit = fit_likelihood(nom, start=start, tol=1e-9, max_iter=200)
        except SingularInformation:
            fit = None
        if fit is None or not fit.converged:
            why = "singular information" if fit is None else fit.message
            rows.append((term.name, np.nan, df, np.nan,
                         f"the model with {term.name} free per threshold could not be fitted ({why}); "
                         "often a level of the term with no rows in some category"))
            continue
        stat = max(2.0 * (fit.loglik - res.llf), 0.0)
        rows.append((term.name, stat, df, float(chdtrc(df, stat)), ""))
    out = pd.DataFrame([r[1:] for r in rows], index=pd.Index([r[0] for r in rows], name="term"), columns=COLUMNS)
    out["df"] = out["df"].astype(int)
    return out


def brant(res) -> pd.DataFrame:
    """Brant test per term and omnibus (rows ``term`` names then ``omnibus``)."""
    from .brant import brant_test

    lik = res._likelihood
    d = res.design
    term_slices = {t.name: slice(t.columns[0], t.columns[-1] + 1) for t in d.terms}
    table = brant_test(lik.X, lik.y, list(d.column_names), term_slices, weights=lik.weights,
                       levels=res.level_names)
    return _brant_rows(table, [t.name for t in d.terms])


def _brant_rows(table: pd.DataFrame, terms: list[str]) -> pd.DataFrame:
    """Per-term and omnibus rows of the brant table, with columns statistic, df, p, note."""
    if isinstance(table.index, pd.MultiIndex):
        flat = {lab: table.loc[(kind, lab)] for kind, lab in table.index if kind in ("term", "omnibus")}
    else:
        flat = {lab: table.loc[lab] for lab in table.index}
    keep = [t for t in terms if t in flat] + [k for k in flat if str(k).lower() == "omnibus"]
    out = pd.DataFrame([flat[k] for k in keep], index=pd.Index(keep, name="term"))
    if "note" not in out.columns:
        out["note"] = ""
    return out[COLUMNS]


def proportional_odds(res, method: str = "brant") -> pd.DataFrame:
    if method not in PO_METHODS:
        raise OptionError(f"method={method!r} is not valid; choose one of 'brant', 'lr'")
    return brant(res) if method == "brant" else nominal_lr_test(res)
