"""Classification and discrimination: confusion counts, AUC, Brier score, ROC, Youden's J.

* A row is predicted an event when its fitted probability is ``>= threshold``.
* AUC (the concordance C) is the Mann-Whitney statistic: the probability that a random
  event has a higher fitted probability than a random non-event, ties counting 1/2.
* Brier score: ``mean((p - y)^2)``.
* ROC: for every distinct fitted probability ``t`` (descending), ``tpr = P(p >= t | y=1)`` and
  ``fpr = P(p >= t | y=0)``, starting at (0, 0) with threshold ``inf``.
* Youden's J = sensitivity + specificity - 1, maximised over the ROC thresholds.

Prior weights count as frequency weights throughout (a weighted fit gives the numbers of
the expanded rows).

References: Hanley JA, McNeil BJ (1982) Radiology 143:29-36; Brier GW (1950) Mon Weather Rev
78:1-3; Youden WJ (1950) Cancer 3:32-35.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import OptionError


def _data(res):
    """Fitted probabilities, outcomes and weights of the rows that count (weight > 0)."""
    w = res.model.weights
    p = np.asarray(res._fitted, dtype=float)
    if w is None:
        return p, res.design.y, np.ones_like(p)
    keep = w > 0
    return p[keep], res.design.y[keep], w[keep]


def auc(p: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> float:
    """Mann-Whitney AUC, ties counting 1/2, with frequency weights ``w``.

    Sorting by p, each tied group g adds ``W1_g (W0_below + W0_g / 2)``; the total is
    divided by ``W1 W0`` (the weighted number of event/non-event pairs).
    """
    w = np.ones_like(p) if w is None else w
    w1 = w * (y == 1)
    w0 = w * (y != 1)
    W1, W0 = w1.sum(), w0.sum()
    if W1 == 0 or W0 == 0:
        raise OptionError("AUC needs both outcomes among the rows")
    order = np.argsort(p, kind="mergesort")
    ps = p[order]
    starts = np.flatnonzero(np.r_[True, ps[1:] != ps[:-1]])
    g1 = np.add.reduceat(w1[order], starts)
    g0 = np.add.reduceat(w0[order], starts)
    below = np.cumsum(g0) - g0
    return float(np.sum(g1 * (below + 0.5 * g0)) / (W1 * W0))


def _count(v: float):
    return int(round(v)) if float(v).is_integer() else float(v)


def classification(res, threshold: float = 0.5) -> pd.Series:
    """tn, fp, fn, tp, accuracy, precision, recall, specificity, f1, auc, brier.

    Prior weights count as frequency weights (counts are weight sums)."""
    if isinstance(threshold, bool) or not (isinstance(threshold, int | float) and 0 < threshold < 1):
        raise OptionError(f"threshold={threshold!r} is not valid; it must be between 0 and 1")
    p, y, w = _data(res)
    pred = p >= threshold
    pos = y == 1
    tp = float(w[pred & pos].sum())
    fp = float(w[pred & ~pos].sum())
    fn = float(w[~pred & pos].sum())
    tn = float(w[~pred & ~pos].sum())
    n = tp + fp + fn + tn

    def ratio(a, b):
        return a / b if b else 0.0

    precision = ratio(tp, tp + fp)
    recall = ratio(tp, tp + fn)
    return pd.Series({
        "tn": _count(tn), "fp": _count(fp), "fn": _count(fn), "tp": _count(tp),
        "accuracy": (tp + tn) / n, "precision": precision, "recall": recall,
        "specificity": ratio(tn, tn + fp),
        "f1": ratio(2 * precision * recall, precision + recall),
        "auc": auc(p, y, w), "brier": float(np.average((p - y) ** 2, weights=w)),
    }, dtype=object, name=f"threshold {threshold:g}")


def roc(res) -> pd.DataFrame:
    """ROC curve: columns ``threshold``, ``fpr``, ``tpr`` (one row per distinct probability)."""
    p, y, w = _data(res)
    order = np.argsort(-p, kind="mergesort")
    ps, ys, ws = p[order], y[order], w[order]
    last = np.r_[ps[1:] != ps[:-1], True]  # last row of each tied group
    tp = np.cumsum(ws * ys)[last]
    fp = np.cumsum(ws * (1.0 - ys))[last]
    n1, n0 = (ws * ys).sum(), (ws * (1.0 - ys)).sum()
    return pd.DataFrame({
        "threshold": np.r_[np.inf, ps[last]],
        "fpr": np.r_[0.0, fp / n0],
        "tpr": np.r_[0.0, tp / n1],
    })


def best_threshold(res) -> pd.Series:
    """The threshold maximising Youden's J = sensitivity + specificity - 1."""
    r = roc(res).iloc[1:]
    j = (r["tpr"] - r["fpr"]).to_numpy()
    i = int(np.argmax(j))
    row = r.iloc[i]
    return pd.Series({"threshold": float(row["threshold"]), "sensitivity": float(row["tpr"]),
                      "specificity": float(1.0 - row["fpr"]), "youden_j": float(j[i])})
