"""The numpy fast path for plain-column formulas builds exactly what patsy builds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import statlogit.design as design_module
from statlogit.design import design_from_formula


@st.composite
def frames(draw):
    n = draw(st.integers(15, 80))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    df = pd.DataFrame({
        "y": rng.integers(0, 2, n).astype(float),
        "x": rng.normal(size=n),
        "k": rng.integers(0, 5, n),
        "g": rng.choice(["b", "a", "c"], n),
        "h": pd.Categorical(rng.choice(["lo", "mid", "hi"], n), categories=["lo", "mid", "hi", "unused"]),
        "flag": rng.random(n) < 0.5,
    })
    for col in draw(st.lists(st.sampled_from(["y", "x", "g", "h"]), max_size=3, unique=True)):
        df.loc[rng.random(n) < 0.15, col] = np.nan
    df.index = [f"r{i}" for i in rng.permutation(n)]
    terms = draw(st.lists(st.sampled_from(["x", "k", "g", "h", "flag"]), min_size=1, max_size=4, unique=True))
    rhs = " + ".join(terms) + draw(st.sampled_from(["", "", " - 1"]))
    return df, "y ~ " + rhs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(frames())
def test_fast_path_equals_patsy(case, ):
    df, formula = case
    try:
        fast = design_from_formula(formula, df)
    except Exception as exc:  # the same error must come from the patsy path
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(design_module, "_plain_numeric_design", lambda *a, **k: None)
            with pytest.raises(type(exc)):
                design_from_formula(formula, df)
        return
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(design_module, "_plain_numeric_design", lambda *a, **k: None)
        slow = design_from_formula(formula, df)
    assert fast.column_names == slow.column_names
    np.testing.assert_array_equal(fast.X, slow.X)
    np.testing.assert_array_equal(fast.y, slow.y)
    assert list(fast.row_labels) == list(slow.row_labels)
    assert list(fast.dropped_labels) == list(slow.dropped_labels)
    assert [(t.name, t.columns, t.kind) for t in fast.terms] == [(t.name, t.columns, t.kind) for t in slow.terms]
    np.testing.assert_allclose(fast.column_absmax, slow.column_absmax)
    # predict replays the fast path's DesignInfo on new data exactly as patsy's
    new = df.dropna().head(5)
    if len(new):
        a, _ = design_module.new_design_matrix(fast, new)
        b, _ = design_module.new_design_matrix(slow, new)
        np.testing.assert_array_equal(a, b)


def test_fast_path_is_used_for_factors():
    df = pd.DataFrame({"y": [0, 1, 0, 1, 1, 0.0], "g": list("abcabc"), "x": np.arange(6.0)})
    called = []
    original = design_module._plain_numeric_design

    def spy(*args, **kwargs):
        out = original(*args, **kwargs)
        called.append(out is not None)
        return out

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(design_module, "_plain_numeric_design", spy)
        d = design_from_formula("y ~ x + g", df)
    assert called == [True]
    assert d.column_names == ["Intercept", "x", "g[T.b]", "g[T.c]"]  # R's order: as written
