"""K-fold cross-validation of a regularization path, as ``cv.glmnet``.

Folds are stratified by outcome: the rows of each class (with positive weight) are shuffled
with ``seed`` and dealt to the folds in turn, so every fold has nearly the same event rate.
Each fold's training fit is the same path (the full-data lambdas, warm started) on the other
folds, run as a fit with those rows' weights set to 0 (no copy of X; standardization is
recomputed on the training rows, as glmnet does inside ``cv.glmnet``). The held-out measure per
fold is the weighted mean binomial deviance ``-2 [y log p + (1 - y) log(1 - p)]`` (exact, not
clipped at 1e-5 as glmnet does), the misclassification rate at p = 0.5, or the AUC. As
cv.glmnet (``grouped = TRUE``):

    cvm = sum_k W_k m_k / sum_k W_k,   cvsd = sqrt( sum_k W_k (m_k - cvm)^2 / sum_k W_k / (K - 1) )

``lambda_min`` is the largest lambda with the best ``cvm``; ``lambda_1se`` the largest lambda
whose ``cvm`` is within one ``cvsd`` (of the best lambda) of the best.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import OptionError
from ..kernel import BLOCK_ROWS, log_likelihood_terms

MEASURES = ("deviance", "auc", "misclassification")


@dataclass(frozen=True)
class CVResult:
    """``table`` (per lambda: ``mean``, ``se``, ``nonzero``), ``lambda_min``, ``lambda_1se``,
    ``fold_measures`` (lambda x fold), ``measure``, ``folds``, ``seed``."""

    table: pd.DataFrame
    lambda_min: float
    lambda_1se: float
    fold_measures: pd.DataFrame
    measure: str
    folds: int
    seed: int | None

    @property
    def mean(self) -> pd.Series:
        """Cross-validated measure per lambda (cv.glmnet's ``cvm``)."""
        return self.table["mean"]

    @property
    def se(self) -> pd.Series:
        """Its standard error per lambda (cv.glmnet's ``cvsd``)."""
        return self.table["se"]

    cvm = mean  # cv.glmnet's names
    cvsd = se

    @property
    def index_min(self) -> int:
        return int(np.flatnonzero(self.table.index.to_numpy() == self.lambda_min)[0])

    @property
    def index_1se(self) -> int:
        return int(np.flatnonzero(self.table.index.to_numpy() == self.lambda_1se)[0])

    def __repr__(self) -> str:
        return (f"<CVResult {self.folds}-fold {self.measure}: lambda_min={self.lambda_min:.4g}, "
                f"lambda_1se={self.lambda_1se:.4g}>")


def stratified_folds(y: np.ndarray, positive: np.ndarray, folds: int, seed, classes=(0.0, 1.0)) -> np.ndarray:
    """Fold number (0..K-1) per row, stratified by y over ``classes``; -1 for rows with zero weight."""
    rng = np.random.default_rng(seed)
    out = np.full(y.shape[0], -1)
    for cls in classes:
        rows = np.flatnonzero((y == cls) & positive)
        rows = rows[rng.permutation(rows.size)]
        out[rows] = (np.arange(rows.size) + int(rng.integers(folds))) % folds
    return out


def _auc(eta: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    """Weighted Mann-Whitney AUC (ties count 1/2)."""
    uniq, inv = np.unique(eta, return_inverse=True)
    pos = np.bincount(inv, weights=w * (y == 1), minlength=uniq.size)
    neg = np.bincount(inv, weights=w * (y == 0), minlength=uniq.size)
    below = np.cumsum(neg) - neg
    tot = pos.sum() * neg.sum()
    return float((pos @ (below + 0.5 * neg)) / tot) if tot > 0 else float("nan")


def _fold_measure(eta: np.ndarray, y: np.ndarray, w: np.ndarray, measure: str) -> np.ndarray:
    """Measure per lambda for one held-out fold; ``eta`` is (rows, lambdas)."""
    if measure == "deviance":
        dev = -2.0 * log_likelihood_terms(eta, y[:, None])
        return (w @ dev) / w.sum()
    if measure == "misclassification":
        wrong = (eta >= 0) != (y[:, None] == 1)
        return (w @ wrong) / w.sum()
    return np.array([_auc(eta[:, j], y, w) for j in range(eta.shape[1])])


def _held_out_eta(X, offset, rows_mask, B, block_rows=BLOCK_ROWS):
    """``X[rows] @ B.T (+ offset)`` in row blocks, without copying X."""
    n = X.shape[0]
    parts = []
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        m = rows_mask[start:stop]
        if not m.any():
            continue
        eta = X[start:stop][m] @ B.T
        if offset is not None:
            eta += offset[start:stop][m][:, None]
        parts.append(eta)
    return np.vstack(parts)


def cross_validate(path, folds: int = 10, seed: int | None = 0, measure: str = "deviance") -> CVResult:
    from .fit import make_problem
    from .path import run_path

    if measure not in MEASURES:
        raise OptionError(f"measure={measure!r} is not valid; choose one of {', '.join(map(repr, MEASURES))}")
    if isinstance(folds, bool) or not isinstance(folds, numbers.Integral) or folds < 2:
        raise OptionError(f"folds={folds!r} is not valid; it must be an integer >= 2 (10 is usual)")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise OptionError(f"seed={seed!r} is not valid; it must be an integer or None")
    model = path.model
    d = model.design
    w = np.ones(d.nobs) if model.weights is None else model.weights
    positive = w > 0
    n1 = int(((d.y == 1) & positive).sum())
    n0 = int(((d.y == 0) & positive).sum())
    rarer = min(n0, n1)
    if folds > rarer:
        which = "events" if n1 <= n0 else "non-events"
        raise OptionError(f"folds={folds} is larger than the rarer class ({rarer} {which}); with stratified "
                          f"folds each fold needs at least one; use folds <= {rarer}")
    fold = stratified_folds(d.y, positive, folds, seed)
    lambdas = path.lambdas
    L = lambdas.size
    m = np.full((L, folds), np.nan)
    fold_w = np.zeros(folds)
    for k in range(folds):
        train = (fold != k).astype(float)
        prob = make_problem(model, path.standardize, extra_weights=train)
        fits, _, _ = run_path(prob, path.l1_ratio, lambdas, L, None,
                              tol=1e-9, max_iter=100)
        B = np.array([f.params for f in fits])
        test = fold == k
        eta = _held_out_eta(d.X, model.offset, test, B)
        fold_w[k] = w[test].sum()
        m[: len(fits), k] = _fold_measure(eta, d.y[test], w[test], measure)
    return summarize_folds(m, fold_w, lambdas, path.nonzero.to_numpy(), measure, folds, seed)


def summarize_folds(m: np.ndarray, fold_w: np.ndarray, lambdas: np.ndarray, nonzero: np.ndarray, measure: str,
                    folds: int, seed) -> CVResult:
    """cv.glmnet's ``cvm``, ``cvsd``, ``lambda.min`` and ``lambda.1se`` from the held-out
    measure ``m`` (lambda x fold; NaN where a fold's path stopped) and the folds' weights."""
    L = lambdas.size
    complete = ~np.isnan(m).any(axis=1)
    cvm = np.full(L, np.nan)
    cvsd = np.full(L, np.nan)
    cvm[complete] = (m[complete] @ fold_w) / fold_w.sum()
    cvsd[complete] = np.sqrt(((m[complete] - cvm[complete, None]) ** 2 @ fold_w) / fold_w.sum() / (folds - 1))
    if not complete.any():
        raise OptionError("no lambda was fitted in every fold (each fold's path saturated at once); "
                          "use larger lambdas")
    sign = -1.0 if measure == "auc" else 1.0  # AUC is maximised
    score = np.where(complete, sign * cvm, np.inf)
    i_min = int(np.flatnonzero(score == score.min())[0])
    bound = score[i_min] + cvsd[i_min]
    i_1se = int(np.flatnonzero(score <= bound)[0])
    idx = pd.Index(lambdas, name="lambda")
    table = pd.DataFrame({"mean": cvm, "se": cvsd, "nonzero": nonzero}, index=idx)
    fm = pd.DataFrame(m, index=idx, columns=[f"fold{k + 1}" for k in range(folds)])
    return CVResult(table, float(lambdas[i_min]), float(lambdas[i_1se]), fm, measure, folds, seed)
