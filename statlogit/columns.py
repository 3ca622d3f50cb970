"""Column checks on a numeric design, each in one pass over X in cache-sized row blocks."""

from __future__ import annotations

import numpy as np

from .exceptions import DataError


def _fold(block: np.ndarray, op) -> np.ndarray:
    """Column-wise reduction of a C-ordered block by repeated halving.

    ``block.max(axis=0)`` walks rows only p long; folding the two halves with an
    elementwise ``op`` works on long contiguous runs and is several times faster.
    NaN propagates, as with ``np.maximum``/``np.minimum``.
    """
    acc = block
    while acc.shape[0] > 1:
        m = acc.shape[0]
        h = m // 2
        nxt = op(acc[:h], acc[h : 2 * h])
        if m % 2:
            nxt[0] = op(nxt[0], acc[-1])
        acc = nxt
    return acc[0].copy()


def column_extremes(X: np.ndarray, step: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """Column max and min of X (NaN where a column has NaN), reading X once in row blocks."""
    n, p = X.shape
    cmax = np.full(p, -np.inf)
    cmin = np.full(p, np.inf)
    if not X.flags.c_contiguous:
        with np.errstate(invalid="ignore"):
            return (X.max(axis=0), X.min(axis=0)) if n else (np.zeros(p), np.zeros(p))
    if n == 0:
        return np.zeros(p), np.zeros(p)
    from .parallel import map_ranges, row_ranges

    def rows(lo: int, hi: int):
        hi_max, lo_min = cmax.copy(), cmin.copy()
        with np.errstate(invalid="ignore"):
            for s in range(lo, hi, step):
                block = X[s : min(s + step, hi)]
                np.maximum(hi_max, _fold(block, np.maximum), out=hi_max)
                np.minimum(lo_min, _fold(block, np.minimum), out=lo_min)
        return hi_max, lo_min

    # Row ranges in threads for a large X (max and min are exact in any order).
    parts = map_ranges(rows, row_ranges(n, step), single_thread_blas=False)
    with np.errstate(invalid="ignore"):
        for part_max, part_min in parts:
            np.maximum(cmax, part_max, out=cmax)
            np.minimum(cmin, part_min, out=cmin)
    return cmax, cmin


def with_intercept(X: np.ndarray, step: int = 8192) -> np.ndarray:
    """``[1, X]`` as a new C-ordered array (copied in row blocks that stay in cache)."""
    n, p = X.shape
    out = np.empty((n, p + 1))
    out[:, 0] = 1.0
    for s in range(0, n, step):
        out[s : s + step, 1:] = X[s : s + step]
    return out


def check_finite(absmax: np.ndarray, names) -> None:
    """Raise DataError naming the columns whose largest |value| is infinite."""
    bad = [str(c) for c, m in zip(names, absmax) if not np.isfinite(m)]
    if bad:
        raise DataError(
            f"column(s) {', '.join(bad)} contain infinite values; remove or cap those rows"
        )
