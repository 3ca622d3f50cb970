"""Residuals, leverage and influence measures, with R's definitions for a binomial glm.

With fitted ``mu``, prior weights ``a`` (1 by default), IRLS weights ``w = a mu (1 - mu)``,
information ``H = X'WX`` and ``p`` coefficients:

* hat ``h_i = w_i x_i' H^-1 x_i`` (``hatvalues``), from a Cholesky factor of H, O(n p^2);
* response ``y - mu``; Pearson ``r_i = sqrt(a_i) (y_i - mu_i) / sqrt(mu_i (1 - mu_i))``;
  deviance ``d_i = sign(y_i - mu_i) sqrt(-2 a_i l_i)`` (``l_i`` the row's log-likelihood);
* ``rstandard``: ``d_i / sqrt(1 - h_i)`` and ``r_i / sqrt(1 - h_i)`` (dispersion 1);
* ``rstudent`` (R's approximation for glm): ``sign(d_i) sqrt(d_i^2 + h_i r_i^2 / (1 - h_i))``;
* Cook's distance ``r_i^2 h_i / ((1 - h_i)^2 p)`` (``cooks.distance.glm``);
* as ``lm.influence`` for a glm, on the deviance residuals ``d``: leave-one-out
  ``sigma_i = sqrt((sum d^2 - d_i^2 / (1 - h_i)) / (n - p - 1))``; coefficient change
  ``dfbeta_i = H^-1 x_i sqrt(w_i) d_i / (1 - h_i)``; ``dfbetas = dfbeta_i / (sigma_i
  sqrt(diag H^-1))``; ``dffits = d_i sqrt(h_i) / (sigma_i (1 - h_i))``; ``covratio =
  (sigma_i / s)^(2p) / (1 - h_i)`` with ``s^2 = sum d^2 / (n - p)``.

Flags: R's ``influence.measures`` rules (|dfbetas| > 1; |dffits| > 3 sqrt(p/(n-p));
|1 - covratio| > 3p/(n-p); F(p, n-p) cdf of Cook's D > 0.5; hat > 3p/n) plus the common
rules of thumb Cook's D > 4/n and |rstandard (deviance)| > 3.

References: Williams DA (1987) Appl Stat 36:181-191; Pregibon D (1981) Ann Stat 9:705-724;
Belsley, Kuh & Welsch (1980) *Regression Diagnostics*; R ``stats`` (lm.influence, influence.measures).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd
from scipy.linalg import cho_factor, solve_triangular

from ..kernel import BLOCK_ROWS, log_likelihood_terms
from ._common import DiagnosticError, require_finite_fit

RULES = ("dfbetas", "dffits", "covratio", "cooks_f", "hat", "cooks_4n", "rstandard")
R_RULES = ("dfbetas", "dffits", "covratio", "cooks_f", "hat")


class Influence:
    """Influence measures of a fit: ``.table``, ``.dfbetas``, ``.flagged``, ``.top(k)``.

    ``table`` has one row per observation used (the caller's row labels) and columns
    ``hat``, ``cooks``, ``resid_pearson``, ``resid_deviance``, ``resid_response``,
    ``rstandard_deviance``, ``rstandard_pearson``, ``rstudent``, ``dffits``, ``covratio``.
    ``dfbetas`` (and the unscaled ``dfbeta``) are computed on first access.
    """

    def __init__(self, res):
        require_finite_fit(res, "influence()")
        d = res.design
        cs = getattr(res.fit_info, "column_scale", None)
        # With extreme column scales the information is for X / column_scale (see Fit).
        self._cs = None if cs is None else np.asarray(cs, dtype=float)
        self._X = d.X if cs is None else d.X / self._cs
        self._names = list(d.column_names)
        self._labels = d.row_labels
        n, p = d.X.shape
        if n <= p + 1:
            raise DiagnosticError(f"influence measures need more rows ({n}) than coefficients + 1 ({p + 1})")
        self.n, self.p = n, p
        y = d.y
        mu = np.asarray(res._fitted, dtype=float)
        a = res.model.weights
        v = mu * (1.0 - mu)
        w = v if a is None else a * v
        self._sw = np.sqrt(w)
        H = np.asarray(res.fit_info.information, dtype=float)
        ds = np.sqrt(np.diag(H))
        self._ds = ds
        self._R = cho_factor(H / np.outer(ds, ds), lower=False, check_finite=False)[0]
        # R^-1 once, so each block is one GEMM instead of a triangular solve per block.
        self._Rinv = solve_triangular(self._R, np.eye(p), lower=False, check_finite=False)
        h = np.empty(n)
        for start in range(0, n, BLOCK_ROWS):
            sl = slice(start, min(start + BLOCK_ROWS, n))
            B = self._block_B(sl)
            h[sl] = np.einsum("ij,ij->j", B, B)
        resp = y - mu
        with np.errstate(divide="ignore", invalid="ignore"):
            pear = resp / np.sqrt(v)
            if a is not None:
                pear = pear * np.sqrt(a)
            ll = log_likelihood_terms(np.asarray(res._linear_predictor, dtype=float), y)
            dev = np.sign(resp) * np.sqrt(np.maximum(-2.0 * ll * (1.0 if a is None else a), 0.0))
            omh = 1.0 - h
            sum_d2 = float(dev @ dev)
            sigma = np.sqrt((sum_d2 - dev * dev / omh) / (n - p - 1))
            s = np.sqrt(sum_d2 / (n - p))
            table = {
                "hat": h,
                "cooks": pear * pear * h / (omh * omh * p),
                "resid_pearson": pear,
                "resid_deviance": dev,
                "resid_response": resp,
                "rstandard_deviance": dev / np.sqrt(omh),
                "rstandard_pearson": pear / np.sqrt(omh),
                "rstudent": np.sign(dev) * np.sqrt(dev * dev + h * pear * pear / omh),
                "dffits": dev * np.sqrt(h) / (sigma * omh),
                "covratio": (sigma / s) ** (2 * p) / omh,
            }
        self._dev = dev
        self._omh = omh
        self.sigma = pd.Series(sigma, index=self._labels, name="sigma")
        self.table = pd.DataFrame(table, index=self._labels)
        self.thresholds = {
            "dfbetas": "|dfbetas| > 1 (R influence.measures)",
            "dffits": f"|dffits| > 3 sqrt(p/(n-p)) = {3 * np.sqrt(p / (n - p)):.4g} (R influence.measures)",
            "covratio": f"|1 - covratio| > 3p/(n-p) = {3 * p / (n - p):.4g} (R influence.measures)",
            "cooks_f": "F(p, n-p) cdf of Cook's D > 0.5 (R influence.measures)",
            "hat": f"hat > 3p/n = {3 * p / n:.4g} (R influence.measures)",
            "cooks_4n": f"Cook's D > 4/n = {4 / n:.4g} (rule of thumb)",
            "rstandard": "|rstandard (deviance)| > 3 (rule of thumb)",
        }

    def _block_B(self, sl: slice) -> np.ndarray:
        """``R^-T D^-1 x_i sqrt(w_i)`` for the rows in ``sl`` (p x m)."""
        Xs = self._X[sl] / self._ds * self._sw[sl, None]
        return (Xs @ self._Rinv).T

    @cached_property
    def max_abs_dfbetas(self) -> pd.Series:
        """``max_j |dfbetas_ij|`` per row, block by block (no n x p matrix is kept)."""
        sd = np.sqrt(np.einsum("ij,ij->i", self._Rinv, self._Rinv)) / self._ds
        if self._cs is not None:
            sd = sd / self._cs
        if "dfbetas" in self.__dict__:
            return self.dfbetas.abs().max(axis=1)
        n = self.n
        out = np.empty(n)
        # dfbetas_ij = x_i' Q_j sqrt(w_i) dev_i / (omh_i sigma_i): Q folds every column scaling
        # into (D^-1 H D^-1)^-1, so a block is one GEMM and a max over the (short) columns.
        Q = self._Rinv @ self._Rinv.T
        Q /= self._ds[:, None]
        Q /= (self._ds if self._cs is None else self._ds * self._cs) * sd
        row = self._sw * np.abs(self._dev / self._omh / self.sigma.to_numpy())
        Qt = np.ascontiguousarray(Q.T)
        for start in range(0, n, BLOCK_ROWS):
            sl = slice(start, min(start + BLOCK_ROWS, n))
            Mt = Qt @ self._X[sl].T  # p x m: the max runs across rows of the block at once
            np.abs(Mt, out=Mt)
            out[sl] = Mt.max(axis=0)
        out *= row
        return pd.Series(out, index=self._labels, name="max_abs_dfbetas")

    # ---------------------------------------------------------------- coefficients
    @cached_property
    def dfbeta(self) -> pd.DataFrame:
        """Change in each coefficient when the row is left out (one-step, R's lm.influence)."""
        n, p = self.n, self.p
        out = np.empty((n, p))
        scale = self._dev / self._omh
        for start in range(0, n, BLOCK_ROWS):
            sl = slice(start, min(start + BLOCK_ROWS, n))
            B = self._block_B(sl)
            C = solve_triangular(self._R, B, lower=False, check_finite=False)
            out[sl] = (C * scale[sl]).T / self._ds
        if self._cs is not None:
            out /= self._cs
        return pd.DataFrame(out, index=self._labels, columns=self._names)

    @cached_property
    def dfbetas(self) -> pd.DataFrame:
        """``dfbeta`` scaled by ``sigma_i sqrt(diag (X'WX)^-1)``."""
        Rinv = solve_triangular(self._R, np.eye(self.p), lower=False, check_finite=False)
        sd = np.sqrt(np.einsum("ij,ij->i", Rinv, Rinv)) / self._ds
        if self._cs is not None:
            sd = sd / self._cs
        vals = self.dfbeta.to_numpy() / np.outer(self.sigma.to_numpy(), sd)
        return pd.DataFrame(vals, index=self._labels, columns=self._names)

    # ---------------------------------------------------------------- flags
    @cached_property
    def flags(self) -> pd.DataFrame:
        """One boolean column per rule (see ``thresholds``), one row per observation."""
        from scipy.special import fdtr

        n, p = self.n, self.p
        t = self.table
        with np.errstate(invalid="ignore"):
            f = {
                "dfbetas": (self.max_abs_dfbetas > 1).to_numpy(),
                "dffits": (t["dffits"].abs() > 3 * np.sqrt(p / (n - p))).to_numpy(),
                "covratio": ((1 - t["covratio"]).abs() > 3 * p / (n - p)).to_numpy(),
                "cooks_f": fdtr(p, n - p, t["cooks"].to_numpy()) > 0.5,
                "hat": (t["hat"] > 3 * p / n).to_numpy(),
                "cooks_4n": (t["cooks"] > 4 / n).to_numpy(),
                "rstandard": (t["rstandard_deviance"].abs() > 3).to_numpy(),
            }
        return pd.DataFrame(f, index=self._labels)

    @cached_property
    def flagged(self) -> pd.DataFrame:
        """Rows flagged by at least one rule, with the measures and a ``rules`` column."""
        fl = self.flags
        anyf = fl.any(axis=1).to_numpy()
        sub = fl.loc[anyf]
        # One string per distinct combination of rules (not one Python join per row).
        bits = sub.to_numpy().astype(np.int64) @ (1 << np.arange(sub.shape[1], dtype=np.int64))
        codes, inverse = np.unique(bits, return_inverse=True)
        names = np.array([", ".join(c for k, c in enumerate(sub.columns) if code >> k & 1) for code in codes],
                         dtype=object)
        rules = names[inverse.reshape(-1)]
        t = self.table.loc[anyf, ["hat", "cooks", "rstandard_deviance", "dffits", "covratio"]].copy()
        t["max_abs_dfbetas"] = self.max_abs_dfbetas.loc[anyf]
        t["rules"] = rules
        t["n_rules"] = sub.sum(axis=1).to_numpy()
        return t

    def top(self, k: int = 10) -> pd.DataFrame:
        """The ``k`` rows with the largest Cook's distance (all columns of ``table``)."""
        if not (isinstance(k, int | np.integer) and k > 0):
            from ..exceptions import OptionError

            raise OptionError(f"k={k!r} is not valid; it must be a positive integer")
        return self.table.nlargest(min(k, self.n), "cooks")

    def __repr__(self) -> str:
        return f"<Influence n={self.n} p={self.p}>"


def influence(res) -> Influence:
    return Influence(res)
