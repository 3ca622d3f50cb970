"""multiclass_classification / rarest_level_epv / split_separation against scikit-learn (1.x):
confusion_matrix, accuracy_score, precision_recall_fscore_support(zero_division=0),
roc_auc_score(multi_class="ovo", average="macro") (= Hand & Till 2001) and the multiclass
Brier score; frequency weights must equal repeated rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from multiclass_helpers import womenlf
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support, roc_auc_score

from statlogit.diagnostics.multiclass import (
    MulticlassClassification,
    multiclass_classification,
    rarest_level_epv,
    split_separation,
)
from statlogit.exceptions import DiagnosticError

LEVELS = ["a", "b", "c", "d"]


def _random(seed, n=400, K=4):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, K, n)
    logits = rng.normal(size=(n, K)) + 1.5 * (y[:, None] == np.arange(K))
    prob = np.exp(logits)
    prob /= prob.sum(axis=1, keepdims=True)
    return y, prob


def _sklearn(y, prob, K):
    pred = prob.argmax(axis=1)
    prec, rec, f1, sup = precision_recall_fscore_support(y, pred, labels=range(K), zero_division=0)
    onehot = np.eye(K)[y]
    return {
        "confusion": confusion_matrix(y, pred, labels=range(K)),
        "accuracy": accuracy_score(y, pred),
        "precision": prec, "recall": rec, "f1": f1, "support": sup,
        "auc": roc_auc_score(y, prob, multi_class="ovo", average="macro", labels=range(K)),
        "brier": np.mean(((prob - onehot) ** 2).sum(axis=1)),
    }


def _check(ours: MulticlassClassification, ref):
    np.testing.assert_array_equal(ours.confusion.to_numpy(), ref["confusion"])
    assert ours.accuracy == pytest.approx(ref["accuracy"], rel=1e-14)
    np.testing.assert_allclose(ours.per_class["precision"], ref["precision"], rtol=1e-14)
    np.testing.assert_allclose(ours.per_class["recall"], ref["recall"], rtol=1e-14)
    np.testing.assert_allclose(ours.per_class["f1"], ref["f1"], rtol=1e-14)
    np.testing.assert_array_equal(ours.per_class["support"], ref["support"])
    assert ours.macro["precision"] == pytest.approx(np.mean(ref["precision"]), rel=1e-14)
    assert ours.macro["recall"] == pytest.approx(np.mean(ref["recall"]), rel=1e-14)
    assert ours.macro["f1"] == pytest.approx(np.mean(ref["f1"]), rel=1e-14)
    assert ours.auc == pytest.approx(ref["auc"], rel=1e-12)
    assert ours.brier == pytest.approx(ref["brier"], rel=1e-13)


@pytest.mark.parametrize("seed", [0, 1])
def test_agrees_with_scikit_learn(seed):
    y, prob = _random(seed)
    ours = multiclass_classification(y, prob, LEVELS)
    _check(ours, _sklearn(y, prob, 4))
    assert list(ours.confusion.index) == LEVELS and list(ours.confusion.columns) == LEVELS
    text = str(ours)
    assert "observed a" in text and "predicted d" in text and "Hand-Till" in text and "macro" in text


def test_frequency_weights_are_repeated_rows():
    y, prob = _random(2, n=150)
    counts = np.random.default_rng(2).integers(0, 4, len(y))  # zero weight drops a row
    ours = multiclass_classification(y, prob, LEVELS, weights=counts.astype(float))
    _check(ours, _sklearn(np.repeat(y, counts), np.repeat(prob, counts, axis=0), 4))


def test_ties_in_probability_and_a_level_never_predicted():
    y = np.array([0, 0, 1, 1, 2, 2, 2])
    prob = np.array([[.5, .3, .2], [.4, .4, .2], [.3, .3, .4], [.2, .6, .2],
                     [.5, .3, .2], [.5, .3, .2], [.4, .4, .2]])
    ours = multiclass_classification(y, prob, ["x", "y", "z"])
    _check(ours, _sklearn(y, prob, 3))
    assert ours.per_class.loc["z", "precision"] == 0.0


def test_womenlf_fitted_probabilities_from_r():
    X, y, names, ref = womenlf()
    prob = np.array(ref["fitted_probs"])
    ours = multiclass_classification(y, prob, ref["response_levels"])
    _check(ours, _sklearn(y, prob, 3))


def test_bad_shapes_are_refused():
    y, prob = _random(3, n=20)
    with pytest.raises(DiagnosticError, match="one column per level"):
        multiclass_classification(y, prob[:, :3], LEVELS)


def test_rarest_level_epv():
    X, y, names, ref = womenlf()
    out = rarest_level_epv(y, ref["response_levels"], n_predictors=6)
    assert out == {"level": "parttime", "events": 42, "epv": 7.0}
    w = np.where(y == 2, 0.5, 1.0)
    out = rarest_level_epv(y, ref["response_levels"], 6, weights=w)
    assert out["level"] == "fulltime" and out["events"] == 33 and out["epv"] == pytest.approx(5.5)


def test_split_separation_names_the_split_and_columns():
    rng = np.random.default_rng(4)
    n = 90
    y = np.repeat([0, 1, 2], 30)
    x = rng.normal(size=n)
    flag = (y == 2).astype(float)
    X = np.column_stack([np.ones(n), x, flag])
    names = ["Intercept", "x", "flag"]
    splits = {"mid vs low": (y == 1).astype(float), "high vs low": (y == 2).astype(float)}
    table = split_separation(X, splits, names, intercept_index=0,
                             weights=None)
    assert list(table.columns) == ["label", "status", "predictors", "message"]
    assert table.set_index("label").loc["high vs low", "status"] == "complete"
    assert table.set_index("label").loc["high vs low", "predictors"] == ["flag"]
    # comparing level 1 with level 0 only (level 2 rows weighted out): no separation
    w = (y != 2).astype(float)
    only = split_separation(X, {"mid vs low": (y == 1).astype(float)}, names, 0, weights=w)
    assert only.loc[0, "status"] == "none" and only.loc[0, "predictors"] == []
    assert isinstance(table, pd.DataFrame)
