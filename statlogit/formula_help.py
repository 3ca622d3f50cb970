"""Messages about a formula's text: columns that must be quoted, columns with no values.

patsy evaluates every term as Python, so a column named like a keyword (``class``) or with
spaces (``cell size``) must be written ``Q("class")``; these helpers say so with the user's own
formula rewritten, instead of Python's "invalid syntax".
"""

from __future__ import annotations

import keyword
import re

import pandas as pd

from .exceptions import DataError

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def all_missing_error(columns: list[str], data: pd.DataFrame) -> DataError | None:
    """A DataError naming those of the formula's ``columns`` with no value in any row (else None)."""
    empty = [c for c in columns if not data[c].notna().any()]
    if not empty:
        return None
    which = ", ".join(repr(c) for c in empty)
    what = f"column {which} has" if len(empty) == 1 else f"columns {which} have"
    return DataError(
        f"{what} no values in any row (all {len(data)} are missing); remove "
        f"{'it' if len(empty) == 1 else 'them'} from the formula or fill in the values"
    )


def quote_hint(text: str, data: pd.DataFrame) -> str:
    """How to write a column whose name is not a Python identifier (``class``, ``my var``).

    patsy evaluates each term as Python, so such a name must be quoted: ``Q("class")``.
    Names the columns of ``data`` that ``text`` uses unquoted; a general hint otherwise.
    """
    unquoted = re.sub(r"""Q\(\s*(?:'[^']*'|"[^"]*")\s*\)""", " ", text)
    bad = []
    for c in map(str, data.columns):
        if _IDENT.match(c) and not keyword.iskeyword(c):
            continue
        if re.search(rf"(?<![\w.'\"]){re.escape(c)}(?![\w'\"])", unquoted):
            bad.append(c)
    if bad:
        kw = all(keyword.iskeyword(c) for c in bad)
        if len(bad) == 1:
            what = f"column {bad[0]!r} is {'a Python keyword' if kw else 'not a Python name'}, so the formula must quote it"
        else:
            what = (f"columns {', '.join(map(repr, bad))} are {'Python keywords' if kw else 'not Python names'}, "
                    "so the formula must quote them")
        example = f'Q("{bad[0]}")' if len(bad) == 1 else 'Q("name")'
        return f"; {what} as {example}: write '{_quoted_example(text, bad)}'"
    return ("; a column whose name is a Python keyword (class, if, lambda) or contains spaces or "
            "symbols must be quoted in the formula as Q(\"name\")")


def _quoted_example(text: str, bad: list[str]) -> str:
    """``text`` with the unquoted names in ``bad`` wrapped in Q("...")."""
    parts = re.split(r"""(Q\(\s*(?:'[^']*'|"[^"]*")\s*\))""", text)
    for k in range(0, len(parts), 2):  # even parts lie outside existing Q(...)
        for c in sorted(bad, key=len, reverse=True):
            parts[k] = re.sub(rf"(?<![\w.'\"]){re.escape(c)}(?![\w'\"])", f'Q("{c}")', parts[k])
    return "".join(parts)
