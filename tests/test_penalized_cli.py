"""``statlogit fit ... --penalty``: numbers against glmnet, reports, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import statlogit as sl
from statlogit.cli import main

DATA = Path(__file__).parent / "data"
FORMULA = "low ~ age + lwt + race + smoke + ptl + ht + ui + ftv"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_penalized_fit_json_matches_glmnet(capsys, tmp_path):
    ref = json.loads((DATA / "penalized" / "birthwt.json").read_text())["penalized"]
    f = ref["fits"]["alpha=0.5,standardize=FALSE"]
    js, html = tmp_path / "b.json", tmp_path / "b.html"
    code, out, err = run(capsys, "fit", str(DATA / "birthwt.csv"), FORMULA, "--penalty", "elasticnet",
                         "--l1-ratio", "0.5", "--lam", repr(f["lambda"][5]), "--no-standardize",
                         "--json", str(js), "--report", str(html))
    assert code == 0, err
    assert "Penalized logistic regression" in out and "would be wrong and are not given" in out
    got = {c["term"]: c["coef"] for c in json.loads(js.read_text())["coefficients"]}
    names = {"(Intercept)": "Intercept", "raceother": "race[T.other]", "racewhite": "race[T.white]"}
    for name, want in zip(ref["coef_names"], f["coef_polished"][5]):
        assert abs(got[names.get(name, name)] - want) <= 1e-6 * max(abs(want), 1e-2)
    assert html.read_text().startswith("<!DOCTYPE html>")


def test_penalized_lambda_by_cv(capsys):
    code, out, err = run(capsys, "fit", str(DATA / "birthwt.csv"), FORMULA, "--penalty", "l1", "--lam", "cv")
    assert code == 0, err
    assert "lambda chosen by 10-fold cross-validation" in err and "lambda_1se" in err


@pytest.mark.parametrize(("extra", "message"), [
    (["--penalty", "l1"], "--penalty needs --lam"),
    (["--lam", "0.1"], "--lam applies only with --penalty"),
    (["--penalty", "l2", "--lam", "0.1", "--l1-ratio", "0.3"], "--l1-ratio applies only to --penalty elasticnet"),
    (["--penalty", "elasticnet", "--lam", "0.1"], "--penalty elasticnet needs --l1-ratio"),
    (["--penalty", "l1", "--lam", "-1"], "lam=-1.0 is not valid"),
    (["--penalty", "l1", "--lam", "0.1", "--method", "firth"], "do not apply to a penalized fit"),
])
def test_penalized_bad_input_one_line(capsys, extra, message):
    code, out, err = run(capsys, "fit", str(DATA / "birthwt.csv"), "low ~ age + lwt", *extra)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_calibration_plot_with_an_event_free_bin():
    """A bin with no events has its lower Wilson limit at 0: the plot must not fail on rounding."""
    x = np.linspace(-6, 6, 60)
    y = (x > 0).astype(int)
    y[[20, 25, 40]] = 1 - y[[20, 25, 40]]  # not separated
    df = pd.DataFrame({"y": y, "x": x})
    for res in (sl.logit("y ~ x", df), sl.logit("y ~ x", df, penalty="l2", lam=0.001)):
        cal = res.calibration()
        assert ((cal["observed_rate"] == 0) & (cal["n"] == 6)).any()  # 6 rows: rounding crosses 0
        res.plot_calibration()


def test_penalized_units_in_report_and_cov_refused(capsys, tmp_path):
    js = tmp_path / "u.json"
    code, out, err = run(capsys, "fit", str(DATA / "birthwt.csv"), "low ~ age + lwt + race", "--penalty", "l2",
                         "--lam", "0.01", "--units", "lwt=10", "--json", str(js))
    assert code == 0, err
    lwt = next(c for c in json.loads(js.read_text())["coefficients"] if c["term"] == "lwt")
    np.testing.assert_allclose(lwt["or_per_units"], np.exp(10 * lwt["coef"]), rtol=1e-14)
    code, out, err = run(capsys, "fit", str(DATA / "birthwt.csv"), "low ~ age", "--penalty", "l2", "--lam",
                         "0.01", "--cov", "HC1")
    assert code == 2 and "do not apply to a penalized fit" in err
