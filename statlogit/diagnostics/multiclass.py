"""Diagnostics for outcomes with K >= 3 levels: classification, events per variable, separation.

* **Classification**: each row is predicted the level with the largest fitted probability (the
  first such level on a tie). ``confusion`` counts rows by observed (rows) and predicted
  (columns) level; precision, recall and F1 per level and their unweighted (macro) means, as
  scikit-learn's ``precision_recall_fscore_support`` with ``zero_division=0``.
* **Multiclass AUC** of Hand & Till (2001): for every pair of levels (i, j), ``A(i|j)`` is the
  probability that a random row of level i has a larger ``p_i`` than a random row of level j
  (ties 1/2), ``A(i, j) = (A(i|j) + A(j|i)) / 2``, and ``M`` is the mean over the K(K-1)/2 pairs
  (equal to scikit-learn ``roc_auc_score(multi_class="ovo", average="macro")``).
* **Brier score** (Brier 1950, multiclass form): the mean over rows of ``sum_k (p_k - 1{y = k})^2``
  (0 perfect, 2 the worst).
* **Events per variable** on the rarest level: its row count divided by the number of predictors.
* **Separation per binary split**: each split of the outcome (one level against the reference,
  or ``Y <= j`` against ``Y > j``) through the exact linear-programming check.

Frequency weights count as repeated rows everywhere (weighted counts, weighted means).

References: Hand DJ, Till RJ (2001), *Machine Learning* 45:171-186; Brier GW (1950), *Monthly
Weather Review* 78:1-3; Peduzzi P et al. (1996), *J Clin Epidemiol* 49:1373-1379 (events per
variable).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import DiagnosticError
from .classification import auc as _binary_auc


@dataclass(frozen=True)
class MulticlassClassification:
    """Classification summary for K levels (see the module docstring for definitions)."""

    confusion: pd.DataFrame
    accuracy: float
    per_class: pd.DataFrame
    macro: pd.Series
    auc: float
    brier: float

    def __str__(self) -> str:
        conf = self.confusion.copy()
        conf.index = [f"observed {v}" for v in conf.index]
        conf.columns = [f"predicted {v}" for v in conf.columns]
        per = self.per_class.copy()
        per.loc["macro"] = [*self.macro[["precision", "recall", "f1"]], per["support"].sum()]
        lines = [
            "Classification (predicted level = largest fitted probability)",
            conf.to_string(float_format=lambda v: f"{v:g}"),
            "",
            per.to_string(float_format=lambda v: f"{v:.3f}"),
            "",
            f"accuracy {self.accuracy:.4f}   multiclass AUC (Hand-Till) {self.auc:.4f}   Brier {self.brier:.4f}",
        ]
        return "\n".join(lines)


def _prepare(y, prob, levels, weights):
    y = np.asarray(y)
    prob = np.asarray(prob, dtype=float)
    K = len(levels)
    if prob.ndim != 2 or prob.shape != (y.shape[0], K):
        raise DiagnosticError(f"prob has shape {prob.shape}; expected ({y.shape[0]}, {K}): one column per level")
    if y.size and (y.min() < 0 or y.max() >= K):
        raise DiagnosticError(f"response codes must lie in 0..{K - 1} (one per level of {list(levels)})")
    w = np.ones(y.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    keep = w > 0
    return y[keep], prob[keep], w[keep], K


def _count(v: float):
    return int(round(v)) if float(v).is_integer() else float(v)


def hand_till_auc(y: np.ndarray, prob: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Hand & Till (2001) multiclass AUC (mean over pairs of levels present)."""
    w = np.ones(y.shape[0]) if weights is None else weights
    present = [k for k in range(prob.shape[1]) if np.any(y == k)]
    if len(present) < 2:
        raise DiagnosticError("the multiclass AUC needs at least two observed levels")
    vals = []
    for a_i, i in enumerate(present):
        for j in present[a_i + 1:]:
            rows = (y == i) | (y == j)
            yi = (y[rows] == i).astype(float)
            a_ij = _binary_auc(prob[rows, i], yi, w[rows])
            a_ji = _binary_auc(prob[rows, j], 1.0 - yi, w[rows])
            vals.append(0.5 * (a_ij + a_ji))
    return float(np.mean(vals))


def multiclass_classification(y, prob, levels, weights=None) -> MulticlassClassification:
    """Confusion matrix, accuracy, per-level and macro precision/recall/F1, Hand-Till AUC, Brier.

    Parameters
    ----------
    y : (n,) level codes 0..K-1.
    prob : (n, K) fitted probabilities, column k for level k.
    levels : the K level labels in code order.
    weights : optional frequency weights (rows with weight 0 are left out).
    """
    levels = list(levels)
    y, prob, w, K = _prepare(y, prob, levels, weights)
    pred = np.argmax(prob, axis=1)
    conf = np.zeros((K, K))
    np.add.at(conf, (y, pred), w)
    total = conf.sum()
    tp = np.diag(conf)
    support = conf.sum(axis=1)
    predicted = conf.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        recall = np.where(support > 0, tp / support, 0.0)
        denom = precision + recall
        f1 = np.where(denom > 0, 2 * precision * recall / denom, 0.0)
    idx = pd.Index(levels, name="level")
    confusion = pd.DataFrame(conf, index=pd.Index(levels, name="observed"), columns=pd.Index(levels, name="predicted"))
    if np.all(conf == np.round(conf)):
        confusion = confusion.astype(np.int64)
    per_class = pd.DataFrame({"precision": precision, "recall": recall, "f1": f1,
                              "support": [_count(s) for s in support]}, index=idx)
    macro = pd.Series({"precision": precision.mean(), "recall": recall.mean(), "f1": f1.mean()}, name="macro")
    onehot = (y[:, None] == np.arange(K)[None, :]).astype(float)
    brier = float(w @ ((prob - onehot) ** 2).sum(axis=1) / w.sum())
    return MulticlassClassification(
        confusion=confusion,
        accuracy=float(tp.sum() / total),
        per_class=per_class,
        macro=macro,
        auc=hand_till_auc(y, prob, w),
        brier=brier,
    )


def rarest_level_epv(y, levels, n_predictors: int, weights=None) -> dict:
    """Events per variable counted on the rarest level: ``{"level", "events", "epv"}``.

    ``events`` is the (weighted) number of rows of the rarest level and ``epv`` that number
    divided by ``n_predictors`` (columns of the design other than intercepts/thresholds).
    """
    levels = list(levels)
    y = np.asarray(y)
    counts = np.bincount(y, weights=weights, minlength=len(levels))[: len(levels)]
    k = int(np.argmin(counts))
    events = _count(counts[k])
    epv = float(counts[k] / n_predictors) if n_predictors > 0 else float("inf")
    return {"level": levels[k], "events": events, "epv": epv}


def split_separation(
    X: np.ndarray,
    splits: Mapping[str, np.ndarray],
    names: list[str],
    intercept_index: int | None,
    weights: np.ndarray | None = None,
) -> pd.DataFrame:
    """The exact separation check (Konis 2007) on each binary split of the outcome.

    ``splits`` maps a label (``"parttime vs not.work"``, ``"Y <= Low"``) to a 0/1 response over
    the rows of ``X``; a split that compares two levels passes the rows of the other levels with
    weight 0 (or leaves them out of X). Returns a DataFrame with columns ``label``, ``status``
    (``"none"``, ``"quasi-complete"``, ``"complete"``), ``predictors`` (the design columns, other
    than the intercept, in the separating direction; a list) and ``message``.
    """
    from .separation import detect_separation

    X = np.asarray(X, dtype=float)
    rows = []
    for label, z in splits.items():
        z = np.asarray(z, dtype=float)
        if z.shape != (X.shape[0],):
            raise DiagnosticError(f"split {label!r} has {z.shape[0] if z.ndim else 0} values for {X.shape[0]} rows")
        found = detect_separation(X, z, list(names), intercept_index=intercept_index, weights=weights)
        rows.append({"label": label, "status": found.status, "predictors": list(found.predictors),
                     "message": found.message})
    return pd.DataFrame(rows, columns=["label", "status", "predictors", "message"])
