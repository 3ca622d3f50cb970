"""Classification and discrimination: confusion counts, AUC, Brier score, ROC, Youden's J.

* A row is predicted an event when its fitted probability is ``>= threshold``.
* AUC (the concordance C) is the Mann-Whitney statistic: the probability that a random
  event has a higher fitted probability than a random non-event, ties counting 1/2.
* Brier score: ``mean((p - y)^2)``.
* ROC: for every distinct fitted probability ``t`` (descending), ``tpr = P(p >= t | y=1)`` and
  ``fpr = P(p >= t | y=0)``, starting at (0, 0) with threshold ``inf``.
* Youden's J = sensitivity + specificity - 1, maximised over the ROC thresholds.

References: Hanley JA, McNeil BJ (1982) Radiology 143:29-36; Brier GW (1950) Mon Weather Rev
78:1-3; Youden WJ (1950) Cancer 3:32-35.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import OptionError


def _data(res):
    return np.asarray(res._fitted, dtype=float), res.design.y


def auc(p: np.ndarray, y: np.ndarray) -> float:
    """Mann-Whitney AUC with midranks for ties."""
    from scipy.stats import rankdata

    pos = y == 1
    n1 = int(pos.sum())
    n0 = y.shape[0] - n1
    if n1 == 0 or n0 == 0:
        raise OptionError("AUC needs both outcomes among the rows")
    r = rankdata(p)
    return float((r[pos].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def classification(res, threshold: float = 0.5) -> pd.Series:
    """tn, fp, fn, tp, accuracy, precision, recall, specificity, f1, auc, brier."""
    if not (isinstance(threshold, int | float) and 0 < threshold < 1):
        raise OptionError(f"threshold={threshold!r} is not valid; it must be between 0 and 1")
    p, y = _data(res)
    pred = p >= threshold
    pos = y == 1
    tp = int(np.count_nonzero(pred & pos))
    fp = int(np.count_nonzero(pred & ~pos))
    fn = int(np.count_nonzero(~pred & pos))
    tn = int(np.count_nonzero(~pred & ~pos))
    n = tp + fp + fn + tn

    def ratio(a, b):
        return a / b if b else 0.0

    precision = ratio(tp, tp + fp)
    recall = ratio(tp, tp + fn)
    return pd.Series({
        "tn": tn, "fp": fp, "fn": fn, "tp": tp,
        "accuracy": (tp + tn) / n, "precision": precision, "recall": recall,
        "specificity": ratio(tn, tn + fp),
        "f1": ratio(2 * precision * recall, precision + recall),
        "auc": auc(p, y), "brier": float(np.mean((p - y) ** 2)),
    }, dtype=object, name=f"threshold {threshold:g}")


def roc(res) -> pd.DataFrame:
    """ROC curve: columns ``threshold``, ``fpr``, ``tpr`` (one row per distinct probability)."""
    p, y = _data(res)
    order = np.argsort(-p, kind="mergesort")
    ps, ys = p[order], y[order]
    last = np.r_[ps[1:] != ps[:-1], True]  # last row of each tied group
    tp = np.cumsum(ys)[last]
    fp = np.cumsum(1.0 - ys)[last]
    n1, n0 = ys.sum(), ys.shape[0] - ys.sum()
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
