"""Number formatting and table rendering: the only place numbers are rounded.

A table is a DataFrame of raw numbers plus a column->format map; it renders to aligned
plain text, GitHub Markdown or escaped HTML.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

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
