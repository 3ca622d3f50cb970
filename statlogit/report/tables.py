"""Number formatting and table rendering: the only place numbers are rounded.

A table is a DataFrame of raw numbers plus a column->format map; it renders to aligned
plain text, GitHub Markdown or escaped HTML.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable

import numpy as np
import pandas as pd


def fmt_num(x, digits: int = 4) -> str:
    """Significant-digit formatting that keeps small and large numbers readable."""
    if x is None:
        return ""
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(xf):
        return "NA"
    if math.isinf(xf):
        return "Inf" if xf > 0 else "-Inf"
    if xf == 0:
        return "0"
    a = abs(xf)
    if a >= 1e6 or a < 1e-4:
        return f"{xf:.{max(digits - 1, 1)}e}"
    decimals = max(digits - 1 - int(math.floor(math.log10(a))), 0)
    return f"{xf:.{decimals}f}"


def fmt_fixed(x, decimals: int = 4) -> str:
    xf = float(x)
    if math.isnan(xf):
        return "NA"
    if math.isinf(xf):
        return "Inf" if xf > 0 else "-Inf"
    if xf != 0 and (abs(xf) >= 1e7 or abs(xf) < 10 ** (-decimals)):
        return f"{xf:.{max(decimals - 1, 2)}e}"
    return f"{xf:.{decimals}f}"


def fmt_p(p) -> str:
    """p-values as R prints them: 3 significant digits, ``< 1e-16`` below machine precision."""
    pf = float(p)
    if math.isnan(pf):
        return "NA"
    if pf < 1e-16:
        return "<1e-16"
    if pf < 1e-4:
        return f"{pf:.2e}"
    return f"{pf:.3g}" if pf < 0.001 else f"{pf:.3f}"


def fmt_int(x) -> str:
    return f"{int(x):d}"


Formatter = Callable[[object], str]


def render_cells(df: pd.DataFrame, formats: dict[str, Formatter]) -> list[list[str]]:
    rows = []
    for _, row in df.iterrows():
        rows.append([formats.get(c, fmt_num)(row[c]) if c in formats or _is_number(row[c]) else str(row[c])
                     for c in df.columns])
    return rows


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def to_text(df: pd.DataFrame, formats: dict[str, Formatter], labels: dict[str, str] | None = None,
            index: bool = True) -> str:
    labels = labels or {}
    header = [labels.get(c, c) for c in df.columns]
    cells = render_cells(df, formats)
    idx = [str(i) for i in df.index] if index else None
    cols = list(zip(*([header] + cells))) if cells else [(h,) for h in header]
    widths = [max(len(s) for s in col) for col in cols]
    iw = max([len(s) for s in idx] + [0]) if idx else 0
    lines = []
    head = (" " * iw + "  " if idx else "") + "  ".join(h.rjust(w) for h, w in zip(header, widths))
    lines.append(head.rstrip())
    for k, r in enumerate(cells):
        left = idx[k].ljust(iw) + "  " if idx else ""
        lines.append(left + "  ".join(c.rjust(w) for c, w in zip(r, widths)))
    return "\n".join(lines)


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(df: pd.DataFrame, formats: dict[str, Formatter], labels: dict[str, str] | None = None,
                index: bool = True, index_label: str = "") -> str:
    labels = labels or {}
    header = ([index_label] if index else []) + [labels.get(c, c) for c in df.columns]
    align = ([":--"] if index else []) + ["--:"] * len(df.columns)
    lines = ["| " + " | ".join(_md_escape(h) for h in header) + " |", "|" + "|".join(align) + "|"]
    for i, r in zip(df.index, render_cells(df, formats)):
        cells = ([_md_escape(str(i))] if index else []) + [_md_escape(c) for c in r]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def to_html(df: pd.DataFrame, formats: dict[str, Formatter], labels: dict[str, str] | None = None,
            index: bool = True, caption: str | None = None, css_class: str = "sl-table") -> str:
    labels = labels or {}
    out = [f'<table class="{css_class}">']
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    head = ("<th></th>" if index else "") + "".join(
        f'<th scope="col">{html.escape(labels.get(c, str(c)))}</th>' for c in df.columns
    )
    out.append(f"<thead><tr>{head}</tr></thead><tbody>")
    for i, r in zip(df.index, render_cells(df, formats)):
        left = f'<th scope="row">{html.escape(str(i))}</th>' if index else ""
        out.append("<tr>" + left + "".join(f'<td class="num">{html.escape(c)}</td>' for c in r) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


# ----------------------------------------------------------------------------- display labels
# Machine names (patsy's, in ``res.params``) stay as they are; these are what a reader sees in
# the summary, the report and the plots: ``C(year)[T.1998]`` -> ``year: 1998 (vs 1997)``.

_CALL = re.compile(r"""^(?:C|Q)\(\s*(?P<inner>.+?)\s*(?:,.*)?\)$""", re.S)
_QUOTED = re.compile(r"""^(['"])(?P<name>.*)\1$""", re.S)
INTERACTION_SIGN = " × "


def variable_label(code: str) -> str:
    """The variable a factor code names: ``C(year)`` and ``C(year, Treatment(2000))`` -> ``year``,
    ``Q("class")`` -> ``class``; any other code (``np.log(mass)``) is shown as written."""
    code = code.strip()
    while True:
        m = _CALL.match(code)
        if not m or "(" in m.group("inner") and not m.group("inner").startswith(("Q(", "C(")):
            break
        inner = m.group("inner")
        q = _QUOTED.match(inner)
        code = q.group("name") if q else inner
        if q:
            break
    return code


def _factor_levels(info, term) -> dict[tuple[str, str], tuple[str, str | None]]:
    """``{(factor code, column suffix): (level, reference level or None)}`` for one term."""
    out = {}
    for sub in info.term_codings[term]:
        for factor, cm in sub.contrast_matrices.items():
            levels = list(info.factor_infos[factor].categories)
            zero = [lv for lv, row in zip(levels, cm.matrix) if not np.any(row)]
            ref = str(zero[0]) if len(zero) == 1 else None
            for k, suffix in enumerate(cm.column_suffixes):
                hit = [lv for lv, row in zip(levels, cm.matrix) if row[k] == 1 and np.count_nonzero(cm.matrix[:, k]) == 1]
                if suffix.startswith("[") and len(hit) == 1:
                    out[(factor.code, suffix)] = (str(hit[0]), ref if suffix.startswith("[T.") else None)
    return out


def coefficient_labels(design) -> dict[str, str]:
    """``{column name: display label}`` for every design column.

    A treatment-coded level reads ``colour: White (vs Black)``; a level of a full-rank coding
    ``colour: Black``; a numeric column its variable (``Q("cell size")`` -> ``cell size``);
    interactions join their parts with ``×``. Anything else keeps its name.
    """
    names = list(design.column_names)
    out = dict(zip(names, names))
    info = design.design_info
    if info is None:
        return out
    for term, sl in info.term_slices.items():
        if not term.factors:
            continue
        levels = _factor_levels(info, term)
        codes = sorted((f.code for f in term.factors), key=len, reverse=True)
        for name in names[sl]:
            parts, refs = [], []
            for part in name.split(":") if len(term.factors) > 1 else [name]:
                code = next((c for c in codes if part.startswith(c)), None)
                if code is None:
                    parts = None
                    break
                suffix = part[len(code):]
                if (code, suffix) in levels:
                    level, ref = levels[(code, suffix)]
                    parts.append(f"{variable_label(code)}: {level}")
                    if ref is not None:
                        refs.append(ref)
                else:
                    parts.append(variable_label(code) + suffix)
            if parts is None or len(parts) != len(term.factors):
                continue
            out[name] = INTERACTION_SIGN.join(parts) + (f" (vs {', '.join(refs)})" if refs else "")
    return out


def term_labels(design) -> dict[str, str]:
    """``{term name: display label}``: ``C(year)`` -> ``year``, ``a:b`` -> ``a × b``."""
    out = {}
    info = design.design_info
    for t in design.terms:
        if info is None:
            out[t.name] = t.name
            continue
        term = next((k for k in info.term_codings if k.name() == t.name), None)
        factors = [] if term is None else [f.code for f in term.factors]
        out[t.name] = INTERACTION_SIGN.join(variable_label(c) for c in factors) if factors else t.name
    return out


def level_contrasts(design) -> dict[str, tuple[str, str]]:
    """``{column name: (level, reference level)}`` for the treatment-coded columns of factor
    main effects: what the odds ratio of that column compares."""
    out: dict[str, tuple[str, str]] = {}
    info = design.design_info
    if info is None:
        return out
    for term, sl in info.term_slices.items():
        if len(term.factors) != 1:
            continue
        levels = _factor_levels(info, term)
        code = term.factors[0].code
        for name in info.column_names[sl]:
            hit = levels.get((code, name[len(code):]))
            if hit is not None and hit[1] is not None:
                out[name] = hit
    return out


def per_text(design, multipliers: dict[str, float]) -> dict[str, str]:
    """The "per" cell of an odds-ratio table: the increment (``10``) for a numeric column,
    ``White vs Black`` for a factor level, empty for the intercept."""
    contrasts = level_contrasts(design)
    icpt = design.intercept_index
    out = {}
    for j, name in enumerate(design.column_names):
        if j == icpt:
            out[name] = ""
        elif name in contrasts:
            out[name] = f"{contrasts[name][0]} vs {contrasts[name][1]}"
        else:
            out[name] = f"{multipliers.get(name, 1.0):g}"
    return out
