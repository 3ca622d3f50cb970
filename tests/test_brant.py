"""Brant (1990) test against the hand-computed R reference for MASS::housing (Freq weights):
tests/data/multiclass/housing_polr.json, field brant_test (R 4.2.2; formula in the JSON)."""

from __future__ import annotations

import numpy as np
import pytest
from multiclass_helpers import housing

from statlogit.diagnostics.brant import brant_test
from statlogit.exceptions import DiagnosticError

TERMS = {"Infl": slice(0, 2), "Type": slice(2, 5), "Cont": [5]}


def test_housing_matches_reference():
    X, y, w, names, ref = housing()
    ref = ref["brant_test"]
    table = brant_test(X, y, names, TERMS, weights=w)
    assert list(table.columns) == ["statistic", "df", "p", "note"]
    assert (table["note"] == "").all()
    omni = table.loc[("omnibus", "omnibus")]
    assert omni["statistic"] == pytest.approx(ref["omnibus"]["X2"], rel=1e-5)
    assert omni["df"] == ref["omnibus"]["df"]
    assert omni["p"] == pytest.approx(ref["omnibus"]["p"], rel=1e-5)
    terms = table.loc["term"]
    assert list(terms.index) == ref["per_term"]["term"]
    np.testing.assert_allclose(terms["statistic"], ref["per_term"]["X2"], rtol=1e-5)
    np.testing.assert_array_equal(terms["df"], ref["per_term"]["df"])
    np.testing.assert_allclose(terms["p"], ref["per_term"]["p"], rtol=1e-5)
    coefs = table.loc["coefficient"]
    assert list(coefs.index) == ref["per_coefficient"]["name"]
    np.testing.assert_allclose(coefs["statistic"], ref["per_coefficient"]["X2"], rtol=1e-5)
    np.testing.assert_allclose(coefs["p"], ref["per_coefficient"]["p"], rtol=1e-5)


def test_frequency_weights_equal_repeated_rows():
    X, y, w, names, _ = housing()
    counts = w.astype(int)
    a = brant_test(X, y, names, TERMS, weights=w)
    b = brant_test(np.repeat(X, counts, axis=0), np.repeat(y, counts), names, TERMS)
    np.testing.assert_allclose(a["statistic"], b["statistic"], rtol=1e-8)


def test_separated_split_is_reported_with_its_reason():
    rng = np.random.default_rng(0)
    n = 60
    x = rng.normal(size=n)
    y = rng.integers(0, 3, n)
    flag = (y == 2).astype(float)  # perfectly predicts the top level: split Y > 1 is separated
    X = np.column_stack([x, flag])
    table = brant_test(X, y, ["x", "flag"], {"x": [0], "flag": [1]}, levels=["lo", "mid", "hi"])
    assert table["statistic"].isna().all() and table["p"].isna().all()
    assert table["note"].str.contains("Y > mid is completely separated by flag").all()
    assert table["note"].str.contains("Y > lo is quasi-completely separated by flag").all()
    assert list(table["df"]) == [2, 1, 1, 1, 1]


def test_two_levels_are_refused():
    with pytest.raises(DiagnosticError, match="at least 3 levels"):
        brant_test(np.ones((4, 1)), np.array([0, 1, 0, 1]), ["x"], {"x": [0]})
