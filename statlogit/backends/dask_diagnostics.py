"""Assumption diagnostics of a Dask fit, in forms that need no more than p x p numbers per
partition on the driver.

* ``vif``: one pass for the centred cross-products of the design columns (per-partition
  means and centred sums merged as Chan, Golub & LeVeque 1979), then the same GVIF table as
  :mod:`statlogit.diagnostics.collinearity`;
* ``box_tidwell``: a pass for each candidate's minimum and distinct values, then the
  augmented model refitted on the partitions (same statistics as
  :mod:`statlogit.diagnostics.linearity`);
* ``influence().top(k)``: every partition keeps its k rows of largest Cook's distance
  (R's ``cooks.distance.glm``) and counts the rows beyond each rule; the driver merges the
  partitions' top k. The full n-row table is never formed;
* ``events_per_variable`` and ``check_assumptions``: :mod:`statlogit.backends.dask_assumptions`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..diagnostics._common import DiagnosticError, require_finite_fit
from ..exceptions import OptionError, StatlogitError


def _map(res, fn, combine, what: str, *args):
    """Run ``fn(part, spec, label, *args)`` on every partition and combine by a tree."""
    import dask

    from .dask_design import tree_reduce

    d = res.design
    spec_d = dask.delayed(d.spec, pure=True)
    tasks = [dask.delayed(_guarded, pure=True)(fn, p, spec_d, d.labels[i], *args)
             for i, p in enumerate(d.frame.to_delayed())]
    return res.model.engine.compute(tree_reduce(tasks, combine), what)


def _guarded(fn, part, spec, label, *args):
    from ..exceptions import DistributedError

    try:
        return fn(part, spec, label, *args)
    except StatlogitError as exc:
        raise type(exc)(f"{label}: {exc}") from exc
    except Exception as exc:
        raise DistributedError(f"{label}: {type(exc).__name__}: {exc}") from exc


# ----------------------------------------------------------------------------- VIF


def _moments_part(part, spec, label, cols, scale):
    from .dask_partition import partition_design

    X, _ = partition_design(part, spec)
    B = X[:, cols] / scale
    n = B.shape[0]
    mean = B.mean(axis=0) if n else np.zeros(len(cols))
    C = B - mean
    return {"n": n, "mean": mean, "M": C.T @ C}


def _merge_moments(parts):
    out = dict(parts[0])
    for s in parts[1:]:
        n = out["n"] + s["n"]
        if s["n"] == 0:
            continue
        delta = s["mean"] - out["mean"]
        out["M"] = out["M"] + s["M"] + np.outer(delta, delta) * (out["n"] * s["n"] / n)
        out["mean"] = out["mean"] + delta * (s["n"] / n)
        out["n"] = n
    return out


def _term_columns(d):
    icpt = d.intercept_index
    keep = [j for j in range(len(d.column_names)) if j != icpt]
    pos = {j: k for k, j in enumerate(keep)}
    return [(t.name, [pos[c] for c in t.columns]) for t in d.terms if t.kind != "intercept"], keep


def vif(res, basis: str = "design", exclude=()) -> pd.DataFrame:
    """GVIF per term as :func:`statlogit.diagnostics.collinearity.vif` (design basis: one pass;
    ``exclude``: terms left out of the model first)."""
    from ..config import check_choice
    from ..diagnostics.collinearity import BASES, _corr, _gvif_table, _need_two, _without_terms

    check_choice("basis", basis, BASES)
    d = res.design
    term_cols, keep = _term_columns(d)
    term_cols, keep = _without_terms(d, term_cols, keep, exclude)
    _need_two(term_cols)
    names = [d.column_names[j] for j in keep]
    if d.intercept_index is None:
        from ..exceptions import DiagnosticWarning, warn

        warn("the model has no intercept: VIFs from centred columns may not be sensible (as car::vif warns)",
             DiagnosticWarning)
    if basis == "design":
        scale = np.asarray(d.column_absmax, dtype=float)[keep]
        scale = np.where(scale > 0, scale, 1.0)
        m = _map(res, _moments_part, _merge_moments, "the design cross-products (VIF)", np.asarray(keep), scale)
        R = _corr(m["M"], names)
    else:
        require_finite_fit(res, "vif(basis='vcov')")
        V = np.asarray(res._cov)[np.ix_(keep, keep)]
        R = _corr(V, names)
    out = _gvif_table(R, term_cols, names)
    out.attrs["basis"] = basis
    return out


# ----------------------------------------------------------------------------- Box-Tidwell


def _column_facts_part(part, spec, label, cols):
    from .dask_partition import partition_design

    X, _ = partition_design(part, spec)
    out = {}
    for j in cols:
        x = X[:, j]
        vals = []
        rest = x
        while rest.size and len(vals) < 3:
            vals.append(float(rest[0]))
            rest = rest[rest != rest[0]]
        out[j] = (float(x.min()) if x.size else np.inf, vals)
    return out


def _merge_facts(parts):
    out = {}
    for s in parts:
        for j, (lo, vals) in s.items():
            lo0, v0 = out.get(j, (np.inf, []))
            out[j] = (min(lo0, lo), list(dict.fromkeys(v0 + vals))[:3])
    return out


def _eligible(res, shift):
    d = res.design
    shifts = {} if shift is None or isinstance(shift, str) else dict(shift)
    cand = [t for t in d.terms if t.kind == "numeric" and t.variable is not None and len(t.columns) == 1]
    facts = _map(res, _column_facts_part, _merge_facts, "the Box-Tidwell column check",
                 [t.columns[0] for t in cand]) if cand else {}
    tested, skipped = [], {}
    for t in d.terms:
        if t.kind == "intercept":
            continue
        if t.kind in ("categorical", "interaction"):
            skipped[t.name] = "categorical" if t.kind == "categorical" else "interaction term"
            continue
        if t.variable is None or len(t.columns) != 1:
            skipped[t.name] = "transformed term"
            continue
        lo, vals = facts[t.columns[0]]
        if len(vals) < 3:
            skipped[t.name] = "binary" if len(vals) == 2 else "constant"
            continue
        c = float(shifts.pop(t.name, 0.0))
        if shift == "auto" and lo <= 0:
            c = 1.0 - lo
        if lo + c <= 0:
            skipped[t.name] = f"values <= 0 after shift {c:g} (min {lo + c:g})" if c else f"values <= 0 (min {lo:g})"
            continue
        tested.append((t.name, t.columns[0], c))
    if shifts:
        raise OptionError(
            f"shift names {', '.join(map(repr, shifts))}, which are not numeric predictors of this model; "
            f"testable predictors are {', '.join(n for n, _, _ in tested) or 'none'}"
        )
    return tested, skipped


def box_tidwell(res, shift=None):
    """Box-Tidwell as :func:`statlogit.diagnostics.linearity.box_tidwell`: the augmented model
    refitted on the partitions."""
    from ..diagnostics.linearity import box_tidwell_result
    from ..solvers.newton import SingularInformation
    from .dask_fit import PassOptions, newton_dask

    if shift is not None and not isinstance(shift, dict) and shift != "auto":
        raise OptionError(f"shift={shift!r} is not valid; use None, 'auto' or a dict {{predictor: amount}}")
    require_finite_fit(res, "box_tidwell()")
    tested, skipped = _eligible(res, shift)
    if not tested:
        why = "; ".join(f"{k}: {v}" for k, v in skipped.items()) or "no predictors"
        raise DiagnosticError(
            "Box-Tidwell needs at least one numeric main-effect predictor with more than two distinct positive "
            f"values; none here ({why}). Pass shift='auto' or shift={{name: amount}} to include a predictor "
            "with values <= 0"
        )
    extra = tuple((col, c) for _, col, c in tested)
    start = np.r_[res.fit_info.params, np.zeros(len(tested))]
    try:
        fa, _ = newton_dask(res.model.passer(PassOptions(extra=extra), "the Box-Tidwell refit"), start)
    except SingularInformation as exc:
        raise DiagnosticError(
            "the model with the x*ln(x) terms added is singular (a predictor and its x*ln(x) are collinear); "
            f"predictors tested: {', '.join(t[0] for t in tested)}"
        ) from exc
    return box_tidwell_result(res, fa, tested, skipped, base_loglik=res.llf, augmented_loglik=fa.loglik)


# ----------------------------------------------------------------------------- influence

MEASURES = ["hat", "cooks", "resid_pearson", "resid_deviance", "resid_response", "rstandard_deviance",
            "rstandard_pearson", "rstudent"]


def _influence_part(part, spec, label, beta, R, ds, k, cooks_f, cooks_4n):
    from scipy.linalg import solve_triangular
    from scipy.special import expit

    from ..kernel import log_likelihood_terms
    from .dask_partition import partition_design

    X, y, index = partition_design(part, spec, return_index=True)
    p = X.shape[1]
    eta = X @ beta
    mu = expit(eta)
    v = mu * (1.0 - mu)
    B = solve_triangular(R, (X / ds).T, trans="T", lower=False, check_finite=False)
    h = v * np.einsum("ij,ij->j", B, B)
    resp = y - mu
    with np.errstate(divide="ignore", invalid="ignore"):
        pear = resp / np.sqrt(v)
        dev = np.sign(resp) * np.sqrt(np.maximum(-2.0 * log_likelihood_terms(eta, y), 0.0))
        one_h = 1.0 - h
        cooks = pear**2 * h / (one_h**2 * p)
        rsd = dev / np.sqrt(one_h)
        rsp = pear / np.sqrt(one_h)
        rstu = np.sign(dev) * np.sqrt(dev**2 + h * pear**2 / one_h)
    cols = {"hat": h, "cooks": cooks, "resid_pearson": pear, "resid_deviance": dev, "resid_response": resp,
            "rstandard_deviance": rsd, "rstandard_pearson": rsp, "rstudent": rstu}
    top = np.argsort(-cooks, kind="stable")[:k]
    t = pd.DataFrame({c: a[top] for c, a in cols.items()})
    t.insert(0, "row", index[top].to_numpy(dtype=object))
    t.insert(0, "partition", label)
    return {"top": t, "n": len(y), "max_cooks": float(cooks.max()) if len(y) else 0.0,
            "cooks_gt_1": int(np.count_nonzero(cooks > 1)), "cooks_f": int(np.count_nonzero(cooks > cooks_f)),
            "rstandard_gt_3": int(np.count_nonzero(np.abs(rsd) > 3)), "cooks_gt_4n": int(np.count_nonzero(cooks > cooks_4n)),
            "k": k}


def _merge_influence(parts):
    t = pd.concat([s["top"] for s in parts], ignore_index=True)
    k = parts[0]["k"]
    out = {"top": t.nlargest(k, "cooks") if len(t) > k else t, "k": k}
    for key in ("n", "cooks_gt_1", "cooks_f", "rstandard_gt_3", "cooks_gt_4n"):
        out[key] = sum(s[key] for s in parts)
    out["max_cooks"] = max(s["max_cooks"] for s in parts)
    return out


#: Rows in :attr:`DaskInfluence.table`.
TABLE_ROWS = 100


class DaskInfluence:
    """Streaming influence measures (R's definitions, as :class:`statlogit.diagnostics.influence.Influence`).

    ``top(k)``: the k rows of largest Cook's distance (columns ``partition``, ``row`` = the row's
    stored index label in its partition -- not its position in the file -- then the measures). ``counts``: rows beyond each rule over all
    rows. The per-row table of every row (``table``, ``flagged``, ``dfbetas``) is not formed."""

    def __init__(self, res):
        from scipy.linalg import cho_factor
        from scipy.special import fdtri

        require_finite_fit(res, "influence()")
        self.res = res
        self.n, self.p = res.nobs, len(res.names)
        if self.n <= self.p + 1:
            raise DiagnosticError(f"influence measures need more rows ({self.n}) than coefficients + 1 ({self.p + 1})")
        H = np.asarray(res.fit_info.information, dtype=float)
        self._ds = np.sqrt(np.diag(H))
        self._R = cho_factor(H / np.outer(self._ds, self._ds), lower=False, check_finite=False)[0]
        self._R = np.triu(self._R)
        self.cooks_f_threshold = float(fdtri(self.p, self.n - self.p, 0.5))
        self._cache: dict[int, dict] = {}

    def _pass(self, k: int) -> dict:
        k = max(int(k), 10)
        got = next((v for kk, v in self._cache.items() if kk >= k), None)
        if got is None:
            with self.res.model.engine.session():
                got = self._compute(k)
            self._cache[k] = got
        return got

    def _compute(self, k: int) -> dict:
        beta = np.asarray(self.res.fit_info.params, dtype=float)
        return _map(self.res, _influence_part, _merge_influence, "the influence measures", beta, self._R, self._ds,
                    k, self.cooks_f_threshold, 4.0 / self.n)

    def top(self, k: int = 10) -> pd.DataFrame:
        """The ``k`` rows with the largest Cook's distance, over all partitions."""
        if not (isinstance(k, int | np.integer) and not isinstance(k, bool) and k > 0):
            raise OptionError(f"k={k!r} is not valid; it must be a positive integer")
        t = self._pass(k)["top"]
        return t.nlargest(min(k, len(t)), "cooks").reset_index(drop=True)

    @property
    def counts(self) -> pd.Series:
        """Over all rows: the largest Cook's D and the rows with D > 1, with F(p, n-p) cdf of D > 0.5,
        with D > 4/n, and with |standardized deviance residual| > 3."""
        s = self._pass(10)
        return pd.Series({"n": s["n"], "max_cooks": s["max_cooks"], "cooks_gt_1": s["cooks_gt_1"],
                          "cooks_f_gt_half": s["cooks_f"], "cooks_gt_4n": s["cooks_gt_4n"],
                          "rstandard_gt_3": s["rstandard_gt_3"]}, dtype=object)

    @property
    def table(self) -> pd.DataFrame:
        """On Dask, the ``TABLE_ROWS`` rows of largest Cook's distance (the table of every row
        would be n rows on the driver), indexed ``"partition label: index row label"`` (the stored
        index label, not the position in the file)."""
        t = self.top(TABLE_ROWS)
        return t.set_axis(pd.Index([f"{a}: index {b}" for a, b in zip(t["partition"], t["row"])], name="row"), axis=0)

    @property
    def flagged(self):
        raise AttributeError("flagged (every row beyond a rule) is not formed on Dask; .counts has how many rows "
                             "each rule flags and .top(k) the most influential rows")

    def __repr__(self) -> str:
        return f"<DaskInfluence n={self.n} p={self.p}>"
