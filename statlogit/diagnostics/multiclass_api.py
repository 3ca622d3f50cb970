"""Diagnostics of the multinomial and ordinal models, and their ``check_assumptions``.

Methods on the results (``res.classification()``, ``res.vif()``, ``res.events_per_variable()``,
``res.separation()``, ``res.proportional_odds()`` for the ordinal model, ``res.iia()`` for the
multinomial model, ``res.check_assumptions()``); each is a thin wrapper of a module that loads
on first use. A family declares its own assumption: proportional odds (ordinal), independence
of irrelevant alternatives (multinomial).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import OptionError, StatlogitError
from .assumptions import COLUMNS, AssumptionReport, _collinearity, _row
from .sample_size import THRESHOLDS


class MulticlassDiagnosticsMixin:
    def classification(self):
        """Confusion matrix (observed x predicted = most probable level), accuracy, per-class and
        macro precision/recall/F1, Hand-Till multiclass AUC and the multiclass Brier score."""
        from .multiclass import multiclass_classification

        return multiclass_classification(self.design.y.astype(np.int64), self._fitted, self.level_names,
                                         weights=self.model.weights)

    def vif(self) -> pd.DataFrame:
        """Generalized VIF per term on the correlation matrix of the design columns (intercept
        excluded; see :mod:`statlogit.diagnostics.collinearity`)."""
        from .collinearity import _corr, _gvif_table, _need_two, _terms, centred_crossproduct

        d = self.design
        term_cols, keep = _terms(d)
        _need_two(term_cols)
        names = [d.column_names[j] for j in keep]
        scale = np.asarray(d.column_absmax)[keep]
        R = _corr(centred_crossproduct(d.X, np.asarray(keep), scale), names)
        out = _gvif_table(R, term_cols, names)
        out.attrs["basis"] = "design"
        return out

    def events_per_variable(self) -> pd.Series:
        """Events per variable counted on the rarest level: ``level``, ``events``, ``n_predictors``,
        ``epv`` and the verdict (>= 20 adequate, >= 10 borderline, else low)."""
        from .multiclass import rarest_level_epv

        d = self.design
        k = d.X.shape[1] - (0 if d.intercept_index is None else 1)
        got = dict(rarest_level_epv(d.y.astype(np.int64), self.level_names, k, weights=self.model.weights))
        epv = float(got["epv"])
        got["n_predictors"] = k
        got["verdict"] = "adequate" if epv >= 20 else "borderline" if epv >= 10 else "low"
        return pd.Series(got, dtype=object, name="events_per_variable")

    def separation(self) -> pd.DataFrame:
        """Exact separation check (Konis' linear programs) of each binary split: every pair of
        levels (multinomial: ``"b vs a"`` on the rows of the two levels) or each cumulative split
        ``"Y <= level"`` (ordinal). Columns ``label``, ``status`` ("none", "quasi-complete",
        "complete"), ``predictors`` (the columns in the separating direction) and ``message``."""
        cached = self.__dict__.get("_separation_table")
        if cached is None:
            from .multiclass import split_separation

            d = self.design
            y = d.y.astype(np.int64)
            names = self.level_names
            w = np.ones(len(y)) if self.model.weights is None else self.model.weights
            if self.kind == "ordinal":
                # each cumulative split is a binary logit with its own intercept (the threshold)
                X1 = np.column_stack([np.ones(len(y)), d.X])
                splits = {f"Y <= {names[j]}": (y <= j).astype(float) for j in range(self.K - 1)}
                tables = [split_separation(X1, splits, ["(threshold)"] + list(d.column_names), 0,
                                           weights=self.model.weights)]
            else:
                tables = []
                for a in range(self.K):
                    for b in range(a + 1, self.K):
                        pair = (y == a) | (y == b)
                        tables.append(split_separation(d.X, {f"{names[b]} vs {names[a]}": (y == b).astype(float)},
                                                       list(d.column_names), d.intercept_index, weights=w * pair))
            cached = pd.concat(tables, ignore_index=True)
            self.__dict__["_separation_table"] = cached
        return cached

    def check_assumptions(self, alpha: float = 0.05) -> AssumptionReport:
        """One verdict per assumption: the family's own (proportional odds / IIA),
        multicollinearity, sample size (rarest level), separation, independence."""
        if not (isinstance(alpha, int | float) and 0 < alpha < 1):
            raise OptionError(f"alpha={alpha!r} is not valid; it must be between 0 and 1")
        own = _proportional_odds_row(self, alpha) if self.kind == "ordinal" else _iia_row(self, alpha)
        rows = [own, _collinearity(self), _sample_size_row(self), _separation_row(self), _independence_row()]
        table = pd.DataFrame(rows, columns=COLUMNS)
        table["statistic"] = table["statistic"].astype(object)
        title = f"Assumption checks: {self.formula}" if self.formula else "Assumption checks"
        return AssumptionReport(table=table, title=title)


class OrdinalDiagnosticsMixin(MulticlassDiagnosticsMixin):
    def proportional_odds(self, method: str = "brant") -> pd.DataFrame:
        """Test of proportional odds by term: columns ``statistic``, ``df``, ``p``, ``note``.
        ``"brant"``: Brant (1990) Wald test with an ``omnibus`` row; ``"lr"``: likelihood-ratio
        test against the term's effects free per threshold (ordinal::nominal_test)."""
        from .proportional_odds import proportional_odds

        return proportional_odds(self, method)


class MultinomialDiagnosticsMixin(MulticlassDiagnosticsMixin):
    def iia(self) -> pd.DataFrame:
        """Hausman-McFadden test of IIA, dropping each non-reference level in turn: ``statistic``,
        ``df``, ``p``, ``note`` (see :mod:`statlogit.diagnostics.iia` for the caveats)."""
        from .iia import hausman_mcfadden

        return hausman_mcfadden(self)


def _independence_row():
    return _row(
        "independence of observations", "not testable from the data alone", None, "study design",
        "not checked",
        "Confirm each row is a separate, independent subject (frequency weights count repeated identical "
        "subjects). Repeated measures, clustering (patients within hospitals, pupils within schools) or "
        "matched designs violate it: use a multilevel (mixed) multinomial or ordinal model, or GEE "
        "(cluster-robust standard errors are not yet available for these models in statlogit).",
    )


def _fmt_p(p) -> str:
    from ._common import format_p

    return format_p(p)


def _proportional_odds_row(res, alpha):
    name = "proportional odds"
    check = "Brant (1990) Wald test per term and omnibus; LR test per term (ordinal::nominal_test)"
    thr = f"p < {alpha:g}"
    if not res.converged:
        return _row(name, check, None, thr, "not checked", f"the fit did not converge ({res.fit_info.message})")
    try:
        brant = res.proportional_odds("brant")
    except StatlogitError as exc:
        brant = None
        brant_reason = str(exc)
    lr = res.proportional_odds("lr")
    failed = [f"{t} ({r['note']})" for t, r in lr.iterrows() if r["note"] and r["df"] > 0]
    tested = lr[lr["note"] == ""]
    bad = tested[tested["p"] < alpha]
    parts = []
    if brant is not None:
        omni = brant.loc["omnibus"] if "omnibus" in brant.index else None
        if omni is not None and np.isfinite(omni["statistic"]):
            parts.append(f"Brant omnibus chi2 = {omni['statistic']:.2f} on {int(omni['df'])} df, "
                         f"p = {_fmt_p(omni['p'])}")
        notes = list(dict.fromkeys(r["note"] for _, r in brant.iterrows() if r["note"]))
        if notes:
            parts.append("Brant test not computed: " + "; ".join(notes))
    else:
        parts.append(f"Brant test not computed ({brant_reason})")
    stat = float(tested["p"].min()) if len(tested) else None
    if len(bad):
        terms = ", ".join(f"{t} (LR {r['statistic']:.2f} on {int(r['df'])} df, p = {_fmt_p(r['p'])})"
                          for t, r in bad.iterrows())
        advice = (f"the effect of {terms} differs between cut-points. Consider a partial proportional odds "
                  "model for those terms, a multinomial model (sl.mlogit), or report the cut-point-specific "
                  "effects; with many rows small departures are significant, so compare the binary-split "
                  "coefficients (Brant) for size. " + "; ".join(parts) + ".")
        return _row(name, check, stat, thr, "fail" if len(bad) > 0 else "warn", advice)
    if failed:
        return _row(name, check, stat, thr, "warn",
                    "could not test " + "; ".join(failed) + ". " + "; ".join(parts) + ".")
    return _row(name, check, stat, thr, "pass",
                "no evidence against proportional odds for any term (LR per term). " + "; ".join(parts) + ".")


def _iia_row(res, alpha):
    from .iia import IIA_CAVEATS

    name = "independence of irrelevant alternatives"
    check = "Hausman-McFadden test dropping each non-reference level in turn"
    thr = f"p < {alpha:g}"
    if res.K < 3:
        return _row(name, check, None, thr, "not checked", "two levels: nothing to drop")
    if not res.converged:
        return _row(name, check, None, thr, "not checked", f"the fit did not converge ({res.fit_info.message})")
    t = res.iia()
    ok = t[np.isfinite(t["p"].astype(float))]
    failed = [f"{lv}: {r['note']}" for lv, r in t.iterrows() if not np.isfinite(float(r["p"]))]
    stat = float(ok["p"].min()) if len(ok) else None
    text = "; ".join(f"without {lv}: H = {r['statistic']:.2f} on {int(r['df'])} df, p = {_fmt_p(r['p'])}"
                     for lv, r in ok.iterrows())
    tail = (" Not computed: " + "; ".join(failed) + "." if failed else "") + " " + IIA_CAVEATS
    bad = ok[ok["p"] < alpha]
    if len(bad):
        return _row(name, check, stat, thr, "warn",
                    f"IIA rejected when dropping {', '.join(bad.index)} ({text})." + tail)
    if not len(ok):
        return _row(name, check, None, thr, "not checked", tail.strip())
    return _row(name, check, stat, thr, "pass", f"no evidence against IIA ({text})." + tail)


def _sample_size_row(res):
    s = res.events_per_variable()
    verdict = {"adequate": "pass", "borderline": "warn", "low": "fail"}[s["verdict"]]
    check = "events per variable = rows of the rarest level / predictor columns"
    thr = f"< 10 fail ({THRESHOLDS[10]}); < 20 warn"
    epv = float(s["epv"])
    if verdict == "pass":
        advice = f"EPV = {epv:.1f} on the rarest level {s['level']} ({s['events']:g} rows)"
    else:
        need = int(np.ceil((10 if verdict == "fail" else 20) * s["n_predictors"]))
        advice = (f"EPV = {epv:.1f} on the rarest level {s['level']} ({s['events']:g} rows for "
                  f"{s['n_predictors']} predictor columns); aim for >= {need} rows in every level, or merge "
                  "rare levels, or drop/combine predictors")
    return _row("sample size", check, epv, thr, verdict, advice)


def _separation_row(res):
    check = "linear programs of Konis (2007) on each binary split of the levels"
    thr = "any separating direction"
    try:
        t = res.separation()
    except StatlogitError as exc:
        return _row("separation", check, None, thr, "not checked", str(exc))
    bad = t[t["status"] != "none"]
    if not len(bad):
        return _row("separation", check, None, thr, "pass", "no level is perfectly predicted by the predictors")
    parts = [f"{r['label']}: {r['status']}" + (f" ({', '.join(map(str, r['predictors']))})" if len(r["predictors"])
                                               else "") for _, r in bad.iterrows()]
    finite = res.converged and bool(np.all(np.isfinite(res._se_flat)))
    if res.kind == "ordinal" and finite:
        return _row("separation", check, None, thr, "warn",
                    "separated cumulative split(s): " + "; ".join(parts) + ". The proportional-odds fit still has "
                    "finite estimates (the thresholds share one slope), but the Brant test's binary fit of that "
                    "split does not exist; check the levels involved (merge sparse levels)")
    return _row("separation", check, None, thr, "fail",
                "perfectly predicted: " + "; ".join(parts) + ". The maximum-likelihood estimate does not exist "
                "(infinite coefficients); merge levels, drop or coarsen the predictor involved")
