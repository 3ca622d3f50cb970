"""The model summary: one header record and two tables, viewed as text, Markdown or HTML."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from .tables import coefficient_labels, fmt_num, fmt_p, per_text, to_html, to_markdown, to_text

COEF_FORMATS = {"coef": fmt_num, "se": fmt_num, "z": lambda v: f"{float(v):.3f}", "p": fmt_p,
                "lower": fmt_num, "upper": fmt_num}
OR_FORMATS = {"odds_ratio": fmt_num, "lower": fmt_num, "upper": fmt_num, "per": str}


def count_text(value) -> str:
    """A count of subjects (a sum of frequency weights): digits when whole, never 1e+06."""
    v = float(value)
    return f"{v:.0f}" if v.is_integer() else f"{v:.2f}"


def _array_formula(res) -> str:
    """R's reading of a model fitted on arrays: ``low ~ age + lwt`` (``low ~ 0 + age`` without intercept)."""
    d = res.design
    icpt = getattr(d, "intercept_index", None)
    names = [n for j, n in enumerate(res.names) if j != icpt]
    no_intercept = icpt is None and not getattr(res.model, "family", "")  # ordinal: thresholds replace it
    return f"{d.response_name} ~ {'0 + ' if no_intercept else ''}{' + '.join(names)}"


def model_facts(res) -> dict[str, str]:
    """The formula, rows used/dropped and how the fit went, worded once for every view."""
    used = f"{res.nobs} used"
    if res.n_dropped:
        used += f", {res.n_dropped} dropped for missing values"
    weights = getattr(res.model, "weights", None)
    if weights is not None:  # rows are aggregated: say how many subjects they stand for
        used += f" (frequency weights, total {count_text(weights.sum())})"
    status = "converged" if res.converged else "NOT converged"
    return {
        "formula": res.formula or _array_formula(res),
        "observations": used,
        "method": f"{res.method}, {res.n_iter} iteration{'' if res.n_iter == 1 else 's'}{_start_note(res)}, {status}",
    }


def _start_note(res) -> str:
    """Dask fits start Newton from a fit on a random sample of rows; say so beside the count."""
    import re

    found = re.search(r"started from a fit on a random sample of (\d+) complete rows",
                      getattr(getattr(res, "fit_info", None), "message", "") or "")
    return f" (from a start fitted on a random sample of {found.group(1)} rows)" if found else ""


class SummaryViews:
    """Text, Markdown and HTML of a summary: ``title``, ``header`` (label, value) pairs, the tables of
    ``_tables()`` (heading, frame, number formats, with ``_labels()`` naming the columns) and ``notes``;
    one layout for every model family."""

    def __str__(self) -> str:
        w = max(len(k) for k, _ in self.header)
        lines = [self.title, "=" * 72]
        lines += [f"{k + ':':<{w + 1}}  {v}" for k, v in self.header]
        for heading, frame, formats in self._tables():
            lines += ["", heading, "-" * 72, to_text(frame, formats, self._labels())]
        lines += [""] + self.notes
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def to_markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        lines += [f"- **{k}:** {v.replace('|', chr(92) + '|').replace('<', '&lt;')}" for k, v in self.header]
        for heading, frame, formats in self._tables():
            lines += ["", f"**{heading}**", "", to_markdown(frame, formats, self._labels())]
        lines += [""] + [f"_{n}_" for n in self.notes]
        return "\n".join(lines)

    def to_html(self) -> str:
        rows = "".join(f"<tr><th scope='row'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                       for k, v in self.header)
        parts = ['<div class="sl-summary">', f"<h3>{html.escape(self.title)}</h3>",
                 f'<table class="sl-header">{rows}</table>']
        parts += [to_html(frame, formats, self._labels(), caption=heading) for heading, frame, formats in self._tables()]
        parts += [f"<p><em>{html.escape(n)}</em></p>" for n in self.notes]
        parts.append("</div>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()


@dataclass(frozen=True)
class Summary(SummaryViews):
    """Header facts plus the coefficient and odds-ratio tables (raw numbers, not rounded)."""

    title: str
    header: list[tuple[str, str]]
    coefficients: pd.DataFrame
    odds_ratios: pd.DataFrame
    ci_label: tuple[str, str]
    notes: list[str]
    #: Display label of each coefficient (``colour: White (vs Black)``); the tables keep the
    #: machine names of ``res.params`` as their index.
    row_labels: dict[str, str] = field(default_factory=dict)
    #: Text of the "per" column of the odds-ratio table (shown when units were given).
    per: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_results(cls, res, alpha: float = 0.05, ci_method: str = "wald", units: dict | None = None) -> Summary:
        ci = res.conf_int(alpha, ci_method)
        coefs = pd.DataFrame({"coef": res.params, "se": res.bse, "z": res.zvalues, "p": res.pvalues,
                              "lower": ci["lower"], "upper": ci["upper"]})
        cols = ["odds_ratio", "lower", "upper"] if units is None else ["per", "odds_ratio", "lower", "upper"]
        ors = res.odds_ratios(alpha, ci_method, units=units)[cols]
        lr = res.lr_test()
        r2 = res.pseudo_r2()
        d = res.design
        lo = f"{100 * alpha / 2:g}%"
        hi = f"{100 * (1 - alpha / 2):g}%"
        facts = model_facts(res)
        header = [
            ("Formula", facts["formula"]),
            ("Event (coded 1)", f"{d.event_label()}  (vs {d.non_event}; {d.response_coding})"),
            ("Observations", facts["observations"]),
            ("Method", facts["method"]),
            ("Covariance", res.cov_label),
            ("Log-likelihood", f"{res.llf:.3f}  (null {res.llnull:.3f})"),
            ("LR test vs null", f"chi2 = {lr['stat']:.3f} on {int(lr['df'])} df, p = {fmt_p(lr['p'])}"),
            ("Pseudo-R2", f"McFadden {r2['mcfadden']:.4f}, Nagelkerke {r2['nagelkerke']:.4f}, "
                          f"Cox-Snell {r2['cox_snell']:.4f}, Tjur {r2['tjur']:.4f}"),
            ("AIC / BIC", f"{res.aic:.3f} / {res.bic:.3f}"),
        ]
        notes = [f"{'Profile-likelihood' if ci_method == 'profile' else 'Wald'} {100 * (1 - alpha):g}% "
                 "confidence intervals; p-values from Wald z tests."]
        if res.cov_type != "nonrobust":
            notes.append(f"Standard errors, z, p and Wald intervals use the {res.cov_label}.")
        if not res.converged:
            notes.append(f"Warning: the fit did not converge ({res.fit_info.message}).")
        sep = res.fit_info.separation
        if sep is not None and sep.status != "none" and res.method != "firth":
            notes.append(f"Warning: {sep.status} separation: the maximum-likelihood estimate does not "
                         "exist, so standard errors are infinite; use method='firth' (see res.separation).")
        per = {}
        if units is not None:
            per = per_text(d, dict(zip(res.names, ors["per"])))
            notes.append("Odds ratios per the increment in the 'per' column (factor levels against their "
                         "reference level).")
        return cls("Logistic regression", header, coefs, ors, (lo, hi), notes, coefficient_labels(d), per)

    def _labels(self) -> dict[str, str]:
        return {"coef": "coef", "se": "SE", "z": "z", "p": "p", "lower": self.ci_label[0],
                "upper": self.ci_label[1], "odds_ratio": "OR", "per": "per"}

    def _shown(self, table: pd.DataFrame) -> pd.DataFrame:
        """``table`` as displayed: rows by their labels, the "per" column as text."""
        out = table.rename(index=self.row_labels)
        if "per" in out.columns:
            out = out.assign(per=[self.per.get(n, f"{v:g}") for n, v in zip(table.index, table["per"])])
        return out

    def _tables(self) -> list[tuple[str, pd.DataFrame, dict]]:
        return [("Coefficients (log-odds scale)", self._shown(self.coefficients), COEF_FORMATS),
                ("Odds ratios", self._shown(self.odds_ratios), OR_FORMATS)]
