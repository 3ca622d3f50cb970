"""Legal but unusual inputs: each once gave a wrong answer, a NaN or a raw exception."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import statlogit as sl


def frame(n=300, seed=0):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame({"x": rng.normal(size=n), "g": rng.choice(list("abc"), n)})
    d["y"] = (rng.random(n) < 1 / (1 + np.exp(-(0.2 + d.x + (d.g == "b"))))).astype(int)
    return d


def test_duplicate_row_labels_with_missing_values_keep_x_and_y_aligned():
    d = frame()
    d.iloc[0, 0] = np.nan
    labelled = d.copy()
    labelled.index = ["a", "a"] + [f"r{i}" for i in range(len(d) - 2)]
    ours = sl.logit("y ~ x + g", labelled)
    ref = sl.logit("y ~ x + g", d.iloc[1:])
    np.testing.assert_allclose(ours.params.to_numpy(), ref.params.to_numpy(), rtol=1e-10)
    assert ours.n_dropped == 1 and list(ours.dropped_rows) == ["a"]
    assert ours.nobs == len(d) - 1


def test_pandas_y_and_X_with_different_row_order_is_an_error():
    d = frame()
    with pytest.raises(sl.DataError, match="different row labels"):
        sl.Logit(d["y"], d[["x"]].iloc[::-1])


def test_predict_new_data_needs_the_offset_the_model_was_fitted_with():
    d = frame()
    off = np.linspace(-0.5, 0.5, len(d))
    res = sl.logit("y ~ x + g", d, offset=off)
    with pytest.raises(sl.PredictionError, match="fitted with an offset; pass offset="):
        res.predict(d)
    np.testing.assert_allclose(res.predict(d, offset=off).to_numpy(), res.fittedvalues.to_numpy(), rtol=1e-12)


def test_vif_without_intercept_and_with_extreme_scales():
    d = frame()
    with pytest.warns(sl.DiagnosticWarning, match="no intercept"):
        with pytest.raises(sl.DiagnosticError, match=r"g\[a\], g\[b\], g\[c\] are exactly collinear"):
            sl.logit("y ~ g + x - 1", d).vif()
    d["z"] = np.random.default_rng(1).normal(size=len(d))
    plain = sl.logit("y ~ x + z", d).vif()
    scaled = sl.logit("y ~ big + z", d.assign(big=d.x * 1e200)).vif()
    np.testing.assert_allclose(scaled.to_numpy(), plain.to_numpy(), rtol=1e-10)


def test_pandas_nullable_dtypes():
    d = frame()
    base = sl.logit("y ~ x + g", d)
    nullable = d.assign(x=d.x.astype("Float64"), g=d.g.astype("string"), y=d.y.astype("Int64"))
    np.testing.assert_allclose(sl.logit("y ~ x + g", nullable).params.to_numpy(), base.params.to_numpy(), rtol=1e-10)
    with_na = nullable.copy()
    with_na.loc[3, "x"] = pd.NA
    with_na.loc[5, "g"] = pd.NA
    res = sl.logit("y ~ x + g", with_na)
    assert res.n_dropped == 2
    ref = sl.logit("y ~ x + g", d.drop(index=[3, 5]))
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), rtol=1e-10)
    flag = d.assign(b=(d.x > 0).astype("boolean"), k=(d.index % 3).astype("Int64"))
    assert "b[T.True]" in sl.logit("y ~ b + C(k)", flag).names


def test_model_with_its_own_constant_column_predicts():
    d = frame()
    X = d[["x"]].assign(const=1.0)[["const", "x"]]
    res = sl.Logit(d["y"], X).fit()
    assert res.names == ["const", "x"]
    np.testing.assert_allclose(res.predict(X).to_numpy(), res.fittedvalues.to_numpy(), rtol=1e-12)
    with pytest.raises(sl.PredictionError, match="needs 2"):
        res.predict(X[["x"]].to_numpy())


def test_separated_fit_gives_honest_intervals_without_warnings():
    d = pd.DataFrame({"x": np.arange(12.0), "y": (np.arange(12) > 5).astype(int)})
    with pytest.warns(sl.SeparationWarning):
        res = sl.logit("y ~ x", d)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = res.predict(d, interval=True)
        ors = res.odds_ratios()
    assert not out.isna().any().any() and not ors.isna().any().any()
    assert np.all(out["lower"] <= out["prob"]) and np.all(out["prob"] <= out["upper"])
    assert np.isinf(res.bse).all()


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"weights": np.zeros(300)}, sl.DataError, "at least one positive"),
        ({"weights": np.array(["z"] * 300)}, sl.DataError, "weights must be numeric"),
        ({"offset": [1.0, 2.0]}, sl.DataError, "offset has 2 values"),
        ({"learning_rate": 0.1}, sl.OptionError, r"learning_rate do nothing with method='newton'"),
        ({"method": "gd", "epochs": 3}, sl.OptionError, r"epochs do nothing with method='gd'"),
    ],
)
def test_bad_model_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        sl.logit("y ~ x", frame(), **kwargs)


def test_bad_prediction_arguments():
    res = sl.logit("y ~ x", frame())
    with pytest.raises(sl.OptionError, match="threshold='0.5' is not valid"):
        res.predict(kind="class", threshold="0.5")
    arr = sl.Logit(frame()["y"].to_numpy(), frame()[["x"]].to_numpy()).fit()
    with pytest.raises(sl.PredictionError, match="must be numeric"):
        arr.predict(np.array([["a"]]))


def test_lr_test_of_the_null_model():
    res = sl.logit("y ~ 1", frame())
    lr = res.lr_test()
    assert lr["df"] == 0 and lr["stat"] == 0 and lr["p"] == 1.0


@pytest.mark.parametrize("extra, match", [(["--units", "nosuch=10"], "nosuch"), (["--threshold", "0"], "threshold")])
def test_cli_checks_options_before_reporting(tmp_path, capsys, extra, match):
    from statlogit.cli import main

    path = tmp_path / "d.csv"
    frame().to_csv(path, index=False)
    assert main(["fit", str(path), "y ~ x"] + extra) == 2
    assert match in capsys.readouterr().err
