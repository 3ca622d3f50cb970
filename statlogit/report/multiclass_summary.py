"""Summary of a multinomial or ordinal fit: header facts and tables, as text, Markdown or HTML."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .summary import COEF_FORMATS, SummaryViews, model_facts
from .tables import fmt_num, fmt_p

RATIO_FORMATS = {"ratio": fmt_num, "lower": fmt_num, "upper": fmt_num}

ORDINAL_CONVENTION = ("Sign convention (as R's polr/clm): logit P(Y <= j) = zeta_j - x'beta; a positive "
                      "coefficient moves probability to higher levels; exp(beta) is the cumulative odds ratio "
                      "of a higher level (any cut-point). Thresholds zeta_j are named 'lower|upper'.")


def display_labels(res) -> dict[str, str]:
    """``{column name: display label}`` (``children: present (vs absent)``), as the binary summary."""
    from types import SimpleNamespace

    from .tables import coefficient_labels

    names = getattr(res.model, "formula_column_names", None) or list(res.design.column_names)
    return coefficient_labels(SimpleNamespace(column_names=list(names), design_info=res.design.design_info))


def _flat_label(level, term, labels=None) -> str:
    return f"[{level}] {(labels or {}).get(term, term)}"


@dataclass(frozen=True)
class MulticlassSummary(SummaryViews):
    """Header facts, a coefficient table and a ratio table (raw numbers, rounded when shown)."""

    title: str
    header: list[tuple[str, str]]
    coefficients: pd.DataFrame
    ratios: pd.DataFrame
    ratio_title: str
    ci_label: tuple[str, str]
    notes: list[str]

    @classmethod
    def from_results(cls, res, alpha: float = 0.05, ci_method: str = "wald") -> MulticlassSummary:
        table = res.coef_table(alpha, ci_method)
        coefs = table[["coef", "se", "z", "p", "lower", "upper"]].copy()
        lr = res.lr_test()
        r2 = res.pseudo_r2()
        facts = model_facts(res)
        d = res.design
        labels = display_labels(res)
        counts = res.level_counts
        counts_text = ", ".join(f"{k} {int(v) if float(v).is_integer() else fmt_num(v, 6)}" for k, v in counts.items())
        if res.kind == "multinomial":
            title = "Multinomial logistic regression"
            icpt = d.column_names[d.intercept_index] if d.intercept_index is not None else None
            rr = table.loc[[t != icpt for _, t in table.index], ["rrr", "rrr_lower", "rrr_upper"]]
            rr = rr.set_axis(["ratio", "lower", "upper"], axis=1)
            rr.index = [_flat_label(lv, t, labels) for lv, t in rr.index]
            coefs.index = [_flat_label(lv, t, labels) for lv, t in coefs.index]
            ratio_title = f"Relative-risk ratios (vs {res.level_names[0]})"
            response = f"{d.response_name}: {' / '.join(res.level_names)}; reference {res.level_names[0]}"
            notes = [f"Coefficients of each level are log relative risks against the {d.response_coding}."]
        else:
            title = "Ordinal logistic regression (proportional odds, cumulative logit)"
            orr = res.odds_ratios(alpha, ci_method)[["odds_ratio", "lower", "upper"]]
            rr = orr.set_axis(["ratio", "lower", "upper"], axis=1)
            rr.index = [labels.get(t, t) for t in rr.index]
            coefs.index = [labels.get(t, t) for t in coefs.index]
            ratio_title = "Cumulative odds ratios (higher level)"
            response = f"{d.response_name}: {' < '.join(res.level_names)}"
            notes = [ORDINAL_CONVENTION]
        header = [
            ("Formula", facts["formula"]),
            ("Response", response),
            ("Rows per level", counts_text),
            ("Observations", facts["observations"]),
            ("Method", facts["method"]),
            ("Log-likelihood", f"{res.llf:.3f}  (null {res.llnull:.3f})"),
            ("LR test vs null", f"chi2 = {lr['stat']:.3f} on {int(lr['df'])} df, p = {fmt_p(lr['p'])}"),
            ("Pseudo-R2", f"McFadden {r2['mcfadden']:.4f}, Nagelkerke {r2['nagelkerke']:.4f}, "
                          f"Cox-Snell {r2['cox_snell']:.4f}"),
            ("AIC / BIC", f"{res.aic:.3f} / {res.bic:.3f}"),
        ]
        ci_name = "Profile-likelihood" if ci_method == "profile" else "Wald"
        notes.append(f"{ci_name} {100 * (1 - alpha):g}% confidence intervals"
                     + (" (Wald for the thresholds)" if ci_method == "profile" and res.kind == "ordinal" else "")
                     + "; p-values from Wald z tests.")
        if not res.converged:
            notes.append(f"Warning: the fit did not converge ({res.fit_info.message}).")
        lo, hi = f"{100 * alpha / 2:g}%", f"{100 * (1 - alpha / 2):g}%"
        return cls(title, header, coefs, rr, ratio_title, (lo, hi), notes)

    def _labels(self) -> dict[str, str]:
        return {"coef": "coef", "se": "SE", "z": "z", "p": "p", "lower": self.ci_label[0],
                "upper": self.ci_label[1], "ratio": "ratio"}

    def _tables(self) -> list[tuple[str, pd.DataFrame, dict]]:
        return [("Coefficients (log-odds scale)", self.coefficients, COEF_FORMATS),
                (self.ratio_title, self.ratios, RATIO_FORMATS)]
