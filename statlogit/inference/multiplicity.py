"""Adjusted p-values for multiple tests (a few lines of numpy; no statsmodels import)."""

from __future__ import annotations

import numpy as np


def holm(pvalues) -> np.ndarray:
    """Holm's step-down adjusted p-values, in the input order.

    With the m p-values sorted ascending, ``p_(1) <= ... <= p_(m)``, the adjusted value of
    ``p_(i)`` is ``min(1, max_{j <= i} (m - j + 1) p_(j))``; rejecting where it is below
    alpha controls the family-wise error rate at alpha. The same numbers as R's
    ``p.adjust(p, "holm")`` and statsmodels' ``multipletests(p, method="holm")``.

    Reference: Holm S (1979). A simple sequentially rejective multiple test procedure.
    *Scandinavian Journal of Statistics* 6(2):65-70.
    """
    p = np.asarray(pvalues, dtype=float).reshape(-1)
    m = p.size
    order = np.argsort(p, kind="stable")
    adjusted = np.maximum.accumulate(p[order] * np.arange(m, 0, -1))
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out
