"""The full report: one content tree, viewed as plain text, Markdown or self-contained HTML.

A :class:`Report` is a title, a list of sections made of blocks (paragraphs, fact lists,
tables of raw numbers, bullet lists, figures) and ``data``, every number of the report as
plain Python (see :mod:`statlogit.report.jsonschema` for its structure). Rounding happens
only when a view renders (via :mod:`statlogit.report.tables`); everything that comes from
the data (names, levels, the formula) is escaped in HTML and Markdown.

The HTML is one file: CSS inline, figures as PNG data URIs, no script and no external
resource (a Content-Security-Policy meta tag forbids both), readable on a phone (tables
scroll sideways inside their box, figures shrink) and in print (no split tables or figures).
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..exceptions import OptionError, StatlogitError
from .tables import fmt_int, fmt_num, render_cells
from .tables import to_text as table_text
from .theme import CSS

FIGURE_DPI = 144
# zlib level 1: ~25% faster PNG encoding than the default 6 for ~1/3 larger files (issue 12)
PNG_COMPRESS_LEVEL = 1


@dataclass(frozen=True)
class Para:
    text: str
    kind: str = ""  # "" or "note"


@dataclass(frozen=True)
class Facts:
    items: list[tuple[str, str]]


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    formats: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    caption: str = ""
    index: bool = True
    index_label: str = ""
    text: str | None = None  # the text view's own rendering, when it has one
    cards: bool = False  # HTML: one card per row (first column the title), for long text on phones


@dataclass(frozen=True)
class FigureRef:
    name: str
    caption: str


@dataclass(frozen=True)
class Section:
    title: str
    blocks: list
    anchor: str = ""


def md_escape(s: str) -> str:
    """Escape text from the data for Markdown (inline markup, tables, raw HTML)."""
    out = str(s).replace("\\", "\\\\")
    for ch in "`*_[]|#":
        out = out.replace(ch, "\\" + ch)
    return out.replace("<", "&lt;").replace(">", "&gt;")


def _numeric_column(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)


class Report:
    """A report of one fitted model; ``str()`` is the text view.

    Views: :meth:`to_text`, :meth:`to_markdown`, :meth:`to_html`, :meth:`to_dict` /
    :meth:`to_json`; :meth:`save` picks the view from the file suffix. Figures are drawn
    on first use and kept.
    """

    def __init__(self, title: str, sections: list[Section], data: dict,
                 figures: dict[str, Callable] | None = None):
        self.title = title
        self.sections = sections
        self.data = data
        self._figure_makers = dict(figures or {})
        self._png: dict[str, bytes] = {}
        self._figure_errors: dict[str, str] = {}

    # ---------------------------------------------------------------- figures
    @property
    def figure_names(self) -> list[str]:
        return [b.name for s in self.sections for b in s.blocks
                if isinstance(b, FigureRef) and b.name in self._figure_makers]

    def figure_png(self, name: str) -> bytes | None:
        """PNG bytes of figure ``name`` (None if it could not be drawn; see the report notes)."""
        if name in self._png or name in self._figure_errors:
            return self._png.get(name)
        if name not in self._figure_makers:
            raise OptionError(f"no figure named {name!r}; figures are {', '.join(self.figure_names)}")
        try:
            fig = self._figure_makers[name]()
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=FIGURE_DPI, metadata={"Software": None},
                        pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
        except StatlogitError as exc:
            self._figure_failed(name, str(exc))
            return None
        except Exception as exc:  # a figure never takes the report down; the notes say why
            text = str(exc).strip().splitlines()
            self._figure_failed(name, f"internal error ({type(exc).__name__}: {text[0] if text else ''}); "
                                      "please report it to the statlogit developers")
            return None
        self._png[name] = buf.getvalue()
        return self._png[name]

    def _figure_failed(self, name: str, why: str) -> None:
        """Keep why figure ``name`` could not be drawn and say so in the report's notes."""
        self._figure_errors[name] = why
        note = f"Figure '{name}' not drawn: {why}"
        notes = self.data.setdefault("notes", [])
        if note in notes:
            return
        notes.append(note)
        section = next((s for s in self.sections if s.anchor == "notes"), None)
        if section is None:
            self.sections.append(Section("Notes", [Bullets(notes)], "notes"))
        else:
            bullets = next((b for b in section.blocks if isinstance(b, Bullets)), None)
            if bullets is None:
                section.blocks.append(Bullets([note]))
            elif bullets.items is not notes:
                bullets.items.append(note)

    def draw_figures(self) -> None:
        """Draw every figure now, so failures are in the notes before a view renders them."""
        for name in self.figure_names:
            self.figure_png(name)

    def _figure_problem(self, name: str) -> str | None:
        if name not in self._figure_makers:
            return "figure not requested (plots=False)"
        self.figure_png(name)
        return self._figure_errors.get(name)

    # ---------------------------------------------------------------- text
    def to_text(self) -> str:
        """Plain text (figures are left out; use HTML or Markdown for them)."""
        out = [self.title, "=" * max(len(self.title), 72)]
        for sec in self.sections:
            while out and out[-1] == "":
                out.pop()
            out += ["", "", sec.title, "-" * len(sec.title)]
            for b in sec.blocks:
                if isinstance(b, Para):
                    out += [b.text, ""]
                elif isinstance(b, Facts):
                    w = max(len(k) for k, _ in b.items) if b.items else 0
                    out += [f"{k + ':':<{w + 1}}  {v}" for k, v in b.items] + [""]
                elif isinstance(b, Bullets):
                    out += [f"- {t}" for t in b.items] + [""]
                elif isinstance(b, Table) and b.text is not None:
                    out += [b.text.rstrip(), ""]
                elif isinstance(b, Table):
                    if b.caption:
                        out.append(b.caption)
                    frame = b.frame.drop(columns=[c for c in ("advice",) if c in b.frame.columns])
                    out += [table_text(frame, _formats(b), b.labels, index=b.index), ""]
                    if "advice" in b.frame.columns:
                        out += [f"  * {a}" for a in b.frame["advice"].astype(str) if a and a != "nan"] + [""]
        return "\n".join(out).rstrip() + "\n"

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<Report {self.title!r}: {len(self.sections)} sections, {len(self._figure_makers)} figures>"

    # ---------------------------------------------------------------- Markdown
    def to_markdown(self, figure_dir: str | Path | None = None, figure_link: str | None = None) -> str:
        """GitHub-flavoured Markdown. With ``figure_dir``, figures are written there as PNG
        files and linked as ``figure_link/<name>.png`` (default: the directory's name)."""
        out = [f"# {md_escape(self.title)}", ""]
        if figure_dir is not None:
            self.draw_figures()
            figure_dir = Path(figure_dir)
            figure_dir.mkdir(parents=True, exist_ok=True)
            link = figure_link if figure_link is not None else figure_dir.name
        for sec in self.sections:
            out += [f"## {md_escape(sec.title)}", ""]
            for b in sec.blocks:
                if isinstance(b, Para):
                    out += [f"_{md_escape(b.text)}_" if b.kind == "note" else md_escape(b.text), ""]
                elif isinstance(b, Facts):
                    out += [f"- **{md_escape(k)}:** {md_escape(v)}" for k, v in b.items] + [""]
                elif isinstance(b, Bullets):
                    out += [f"- {md_escape(t)}" for t in b.items] + [""]
                elif isinstance(b, Table):
                    if b.caption:
                        out += [f"**{md_escape(b.caption)}**", ""]
                    out += [self._md_table(b), ""]
                elif isinstance(b, FigureRef) and figure_dir is not None:
                    png = self.figure_png(b.name) if b.name in self._figure_makers else None
                    if png is None:
                        problem = self._figure_problem(b.name)
                        out += [f"_{md_escape(b.caption)}: not drawn ({md_escape(problem)})_", ""]
                        continue
                    (figure_dir / f"{b.name}.png").write_bytes(png)
                    out += [f"![{md_escape(b.caption)}]({link}/{b.name}.png)", ""]
        return "\n".join(out).rstrip() + "\n"

    @staticmethod
    def _md_table(b: Table) -> str:
        frame = b.frame
        header = ([b.index_label] if b.index else []) + [b.labels.get(c, str(c)) for c in frame.columns]
        align = ([":--"] if b.index else []) + ["--:" if _numeric_column(frame[c]) else ":--" for c in frame.columns]
        lines = ["| " + " | ".join(md_escape(h) for h in header) + " |", "|" + "|".join(align) + "|"]
        for i, row in zip(frame.index, render_cells(frame, _formats(b))):
            cells = ([md_escape(i)] if b.index else []) + [md_escape(c) for c in row]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    # ---------------------------------------------------------------- HTML
    def to_html(self, figures: bool = True) -> str:
        """One self-contained HTML page (figures embedded as PNG data URIs, no scripts)."""
        e = html.escape
        if figures:
            self.draw_figures()
        body = [f"<header><h1>{e(self.title)}</h1></header>"]
        nav = "".join(f'<li><a href="#{s.anchor}">{e(s.title)}</a></li>' for s in self.sections if s.anchor)
        if nav:
            body.append(f'<nav aria-label="Contents"><ol>{nav}</ol></nav>')
        for sec in self.sections:
            anchor = f' id="{e(sec.anchor)}"' if sec.anchor else ""
            parts = [f"<section{anchor}>", f"<h2>{e(sec.title)}</h2>"]
            for b in sec.blocks:
                parts.append(self._html_block(b, figures))
            parts.append("</section>")
            body.append("\n".join(p for p in parts if p))
        csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
        return (
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(self.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body)
            + "\n</main>\n</body>\n</html>\n"
        )

    def _html_block(self, b, figures: bool) -> str:
        e = html.escape
        if isinstance(b, Para):
            cls = ' class="note"' if b.kind == "note" else ""
            return f"<p{cls}>{e(b.text)}</p>"
        if isinstance(b, Facts):
            rows = "".join(f'<tr><th scope="row">{e(k)}</th><td>{e(v)}</td></tr>' for k, v in b.items)
            return f'<div class="table-wrap"><table class="facts">{rows}</table></div>'
        if isinstance(b, Bullets):
            return "<ul>" + "".join(f"<li>{e(t)}</li>" for t in b.items) + "</ul>"
        if isinstance(b, Table):
            return self._html_cards(b) if b.cards else self._html_table(b)
        if isinstance(b, FigureRef):
            if not figures:
                return ""
            png = self.figure_png(b.name) if b.name in self._figure_makers else None
            if png is None:
                problem = self._figure_problem(b.name)
                return f'<p class="note">{e(b.caption)}: not drawn ({e(problem)})</p>'
            uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            w, h = _png_css_size(png)
            return (f'<figure><img src="{uri}" alt="{e(b.caption)}" width="{w}" height="{h}">'
                    f"<figcaption>{e(b.caption)}</figcaption></figure>")
        raise TypeError(f"unknown block {type(b).__name__}")

    @staticmethod
    def _html_table(b: Table) -> str:
        e = html.escape
        frame = b.frame
        numeric = [_numeric_column(frame[c]) for c in frame.columns]
        out = [f'<p class="caption">{e(b.caption)}</p>'] if b.caption else []
        out.append('<div class="table-wrap"><table class="data">')
        num_cls = ' class="num"'
        head = (f'<th scope="col">{e(b.index_label)}</th>' if b.index else "") + "".join(
            f'<th scope="col"{num_cls if num else ""}>{e(b.labels.get(c, str(c)))}</th>'
            for c, num in zip(frame.columns, numeric))
        out.append(f"<thead><tr>{head}</tr></thead><tbody>")
        for i, row in zip(frame.index, render_cells(frame, _formats(b))):
            left = f'<th scope="row">{e(str(i))}</th>' if b.index else ""
            cells = []
            for c, text, num in zip(frame.columns, row, numeric):
                cls = "num" if num else ("verdict v-" + _verdict_class(text) if c == "verdict" else "")
                cells.append(f'<td class="{cls}">{e(text)}</td>' if cls else f"<td>{e(text)}</td>")
            out.append("<tr>" + left + "".join(cells) + "</tr>")
        out.append("</tbody></table></div>")
        return "\n".join(out)

    @staticmethod
    def _html_cards(b: Table) -> str:
        """Rows as cards: the first column is the title, ``verdict`` a badge, the rest a list."""
        e = html.escape
        frame = b.frame
        title, rest = frame.columns[0], [c for c in frame.columns[1:] if c != "verdict"]
        out = [f'<p class="caption">{e(b.caption)}</p>'] if b.caption else []
        out.append('<div class="cards">')
        for _, row in zip(frame.index, render_cells(frame, _formats(b))):
            cells = dict(zip(frame.columns, row))
            badge = ""
            if "verdict" in cells:
                badge = f' <span class="verdict v-{_verdict_class(cells["verdict"])}">{e(cells["verdict"])}</span>'
            items = "".join(f"<dt>{e(b.labels.get(c, str(c)))}</dt><dd>{e(cells[c])}</dd>"
                            for c in rest if cells[c] not in ("", "NA"))
            out.append(f'<div class="card"><h3>{e(cells[title])}{badge}</h3><dl>{items}</dl></div>')
        out.append("</div>")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        return self.to_html()

    # ---------------------------------------------------------------- data
    def to_dict(self) -> dict:
        """Every number of the report (structure: :mod:`statlogit.report.jsonschema`)."""
        return self.data

    def to_json(self, indent: int | None = 2) -> str:
        """``to_dict()`` as strict JSON (non-finite numbers become null)."""
        return json.dumps(_jsonable(self.data), indent=indent, allow_nan=False)

    # ---------------------------------------------------------------- files
    def save(self, path: str | Path) -> Path:
        """Write the report; the suffix chooses the view: ``.html``/``.htm``, ``.md``, ``.txt``
        or ``.json``. Markdown figures go to ``<stem>_figures/`` beside the file."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm"):
            text = self.to_html()
        elif suffix in (".md", ".markdown"):
            text = self.to_markdown(figure_dir=path.with_name(path.stem + "_figures"))
        elif suffix == ".txt":
            text = self.to_text()
        elif suffix == ".json":
            text = self.to_json() + "\n"
        else:
            raise OptionError(f"cannot tell the report format from {path.name!r}; use a name ending in "
                              ".html, .md, .txt or .json")
        path.write_text(text, encoding="utf-8")
        return path


def _png_css_size(png: bytes) -> tuple[int, int]:
    """CSS pixel size of a PNG drawn at 144 dpi, shown at its physical size (96 px per inch)."""
    import struct

    w, h = struct.unpack(">II", png[16:24])
    return round(w * 96 / FIGURE_DPI), round(h * 96 / FIGURE_DPI)


def _whole_numbers(col: pd.Series) -> bool:
    """Integer columns, and float columns of counts (every value a finite whole number)."""
    if pd.api.types.is_integer_dtype(col.dtype):
        return True
    if not pd.api.types.is_float_dtype(col.dtype) or col.empty:
        return False
    import numpy as np

    v = col.to_numpy(dtype=float)
    return bool(np.all(np.isfinite(v)) and np.all(v == np.round(v)) and np.all(np.abs(v) < 1e15))


def _formats(b: Table) -> dict:
    """The table's formats, with whole-number formatting for integer columns by default."""
    auto = {c: fmt_int for c in b.frame.columns if _whole_numbers(b.frame[c])}
    return {**auto, **b.formats}


def _verdict_class(text: str) -> str:
    t = text.strip().lower()
    if t.startswith(("ok", "pass")):
        return "ok"
    if t.startswith(("fail", "violat")):
        return "fail"
    if t.startswith("warn"):
        return "warn"
    return "na"


def _jsonable(obj):
    import math

    import numpy as np

    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if math.isfinite(f) else None
    if obj is None or isinstance(obj, str):
        return obj
    if obj is pd.NA or obj is pd.NaT:
        return None
    return str(obj)


__all__ = ["Report", "Section", "Para", "Facts", "Bullets", "Table", "FigureRef", "md_escape", "fmt_num"]
