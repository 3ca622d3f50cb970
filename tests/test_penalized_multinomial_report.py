"""Penalized multinomial logit: report (text, Markdown, HTML, JSON) and the command line."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, roc_auc_score

import statlogit as sl
from statlogit.cli import main
from statlogit.exceptions import OptionError
from statlogit.penalized.multinomial_report import NO_INFERENCE_MULTI
from tests.multiclass_helpers import DATA

FORMULA = "partic ~ hincome + children + region"
CSV = str(DATA / "womenlf.csv")


@pytest.fixture(scope="module")
def womenlf():
    return pd.read_csv(DATA / "womenlf.csv")


@pytest.fixture(scope="module")
def res(womenlf):
    return sl.mlogit(FORMULA, womenlf, penalty="l1", lam=0.02)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_classification_matches_sklearn_metrics(res, womenlf):
    cls = res.classification()
    prob = res.predict().to_numpy()
    y = pd.Categorical(womenlf["partic"], categories=res.level_names).codes
    assert cls.accuracy == pytest.approx(accuracy_score(y, prob.argmax(axis=1)), abs=1e-12)
    np.testing.assert_array_equal(cls.confusion.to_numpy(), confusion_matrix(y, prob.argmax(axis=1), labels=[0, 1, 2]))
    # Hand and Till (2001) M = scikit-learn's one-vs-one macro AUC
    assert cls.auc == pytest.approx(roc_auc_score(y, prob, multi_class="ovo"), abs=1e-10)
    onehot = np.eye(3)[y]
    assert cls.brier == pytest.approx(np.mean(((prob - onehot) ** 2).sum(axis=1)), abs=1e-12)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_report_renders_with_the_penalty_and_no_inference_line(res, fmt):
    rep = res.report(plots=(fmt == "html"))
    text = {"text": rep.to_text, "markdown": rep.to_markdown, "html": rep.to_html}[fmt]()
    if fmt == "html":
        import html

        text = html.unescape(text)
        assert "<img" in text  # the stacked probability plot of hincome
    assert "lasso (L1), lambda = 0.02" in text
    assert NO_INFERENCE_MULTI in text
    assert "Hand-Till AUC" in text and "Confusion matrix" in text
    for level in ("fulltime", "not.work", "parttime"):
        assert level in text
    assert "Std. Error" not in text and "p-value" not in text.lower().replace("p-values", "")


def test_report_json_and_refusals(res, tmp_path):
    rep = res.report(plots=False)
    path = tmp_path / "r.json"
    rep.save(path)
    data = json.loads(path.read_text())
    assert data["model_kind"] == "multinomial_penalized" and data["model"]["lam"] == 0.02
    got = {(c["term"], c["level"]): c["coef"] for c in data["coefficients"]}
    for (term, level), v in res.params.stack().items():
        assert got[(term, level)] == v
    assert data["classification"]["accuracy"] == pytest.approx(res.classification().accuracy)
    with pytest.raises(OptionError, match="not available for a penalized fit"):
        res.report(ci_method="profile")


def test_report_without_a_numeric_predictor_says_so(womenlf):
    rep = sl.mlogit("partic ~ children + region", womenlf, penalty="l2", lam=0.05).report()
    assert "No probability plot" in rep.to_text()


def test_report_counts_rows_dropped_for_missing_values(womenlf):
    df = womenlf.copy()
    df.loc[[3, 10], "hincome"] = np.nan
    rep = sl.mlogit(FORMULA, df, penalty="l1", lam=0.02).report(plots=False)
    assert f"{len(df) - 2}, 2 dropped for missing values" in rep.to_text()
    assert rep.data["model"]["n_dropped"] == 2 and df["hincome"].isna().sum() == 2


def test_cli_penalized_mlogit(capsys, tmp_path, res):
    html, js, md = tmp_path / "w.html", tmp_path / "w.json", tmp_path / "w.md"
    code, out, err = run(capsys, "fit", CSV, FORMULA, "--model", "mlogit", "--penalty", "l1", "--lam", "0.02",
                         "--report", str(html), "--json", str(js))
    assert code == 0, err
    assert "Penalized multinomial logit (l1, lam=0.02" in out and "no standard errors" in out
    got = {(c["term"], c["level"]): c["coef"] for c in json.loads(js.read_text())["coefficients"]}
    assert got[("hincome", "fulltime")] == pytest.approx(res.params.at["hincome", "fulltime"], rel=1e-12)
    assert html.read_text().startswith("<!DOCTYPE html>")
    code, out, err = run(capsys, "fit", CSV, FORMULA, "--model", "mlogit", "--penalty", "elasticnet",
                         "--l1-ratio", "0.5", "--lam", "0.03", "--no-standardize", "--report", str(md))
    assert code == 0, err
    want = sl.mlogit(FORMULA, pd.read_csv(CSV), penalty="elasticnet", l1_ratio=0.5, lam=0.03, standardize=False)
    assert "lambda = 0.03, columns on their own scale" in md.read_text().replace("\\_", "_")
    assert f"{want.params.at['hincome', 'parttime']:.6g}" in out


def test_cli_penalized_mlogit_weights(capsys, womenlf, tmp_path):
    w = np.tile([1, 2, 3], len(womenlf) // 3 + 1)[: len(womenlf)]
    path = tmp_path / "wl.csv"
    womenlf.assign(w=w).to_csv(path, index=False)
    code, out, err = run(capsys, "fit", str(path), FORMULA, "--model", "mlogit", "--penalty", "l2", "--lam", "0.05",
                         "--weights", "w")
    assert code == 0, err
    want = sl.mlogit(FORMULA, womenlf.loc[womenlf.index.repeat(w)], penalty="l2", lam=0.05)
    assert f"{want.params.at['hincome', 'fulltime']:.6g}" in out


@pytest.mark.parametrize("extra, message", [
    (["--penalty", "l1", "--lam", "0.02", "--reference", "fulltime"], "no reference level"),
    (["--penalty", "l1", "--lam", "0.02", "--wald"], "do not apply to a penalized fit"),
    (["--penalty", "l1", "--lam", "0.02", "--units", "hincome=10"], "--units applies to the binary logit"),
    (["--penalty", "l1"], "--penalty needs --lam"),
    (["--lam", "0.1"], "--lam applies only with --penalty"),
    (["--penalty", "l2", "--lam", "0"], "lam=0 is not valid"),
    (["--penalty", "elasticnet", "--lam", "0.1"], "needs --l1-ratio"),
    (["--penalty", "l1", "--lam", "0.1", "--weights", "nope"], "'nope' is not a column"),
])
def test_cli_penalized_mlogit_errors(capsys, extra, message):
    code, out, err = run(capsys, "fit", CSV, FORMULA, "--model", "mlogit", *extra)
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_cli_penalized_ologit_is_refused(capsys):
    code, out, err = run(capsys, "fit", str(DATA / "housing.csv"), "Sat ~ Infl", "--model", "ologit",
                         "--penalty", "l1", "--lam", "0.1")
    assert code == 2 and "--model ologit fits are not implemented" in err
