"""The summary's method line: singular/plural iteration count, and the Dask fit's sample start named."""

import numpy as np
import pandas as pd
import pytest

import statlogit as sl
from statlogit.report.summary import model_facts


def test_iteration_count_is_worded_in_the_plural_and_singular():
    res = sl.logit("diabetes ~ glucose + mass", data=sl.datasets.load_pima())
    assert res.n_iter > 1
    assert f"newton, {res.n_iter} iterations, converged" == model_facts(res)["method"]


def test_dask_fit_says_newton_started_from_a_sample_fit():
    dd = pytest.importorskip("dask.dataframe")
    rng = np.random.default_rng(3)
    x = rng.normal(size=2000)
    df = pd.DataFrame({"x": x, "y": (rng.random(2000) < 1 / (1 + np.exp(-0.5 - x))).astype(int)})
    res = sl.logit("y ~ x", data=dd.from_pandas(df, npartitions=2))
    method = model_facts(res)["method"]
    assert "from a start fitted on a random sample of 2000 rows" in method
    assert method.startswith(f"newton, {res.n_iter} iteration")
    assert ("1 iterations" not in method) and method.endswith("converged")
