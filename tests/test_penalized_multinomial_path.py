"""Penalized multinomial path and cross-validation: glmnet's lambda_max, warm-started fits equal
to single fits, held-out multinomial deviance equal to a refit on the training rows."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss

import statlogit as sl
from statlogit.cli import main
from statlogit.models.multinomial import MNLogit
from statlogit.penalized.cv import stratified_folds
from statlogit.penalized.multinomial_path import fit_multi_path
from tests.multiclass_helpers import DATA

FORMULA = "partic ~ hincome + children + region"


@pytest.fixture(scope="module")
def womenlf():
    return pd.read_csv(DATA / "womenlf.csv")


@pytest.fixture(scope="module")
def path(womenlf):
    return fit_multi_path(MNLogit.from_formula(FORMULA, womenlf), l1_ratio=1.0, n_lambdas=15,
                          lambda_min_ratio=1e-2)


def test_lambda_max_is_where_the_first_coefficient_enters(path, womenlf):
    lmax = path.lambda_max
    assert path.nonzero.iloc[0] == 0 and path.nonzero.iloc[1] > 0
    above = sl.mlogit(FORMULA, womenlf, penalty="l1", lam=lmax * (1 + 1e-6))
    below = sl.mlogit(FORMULA, womenlf, penalty="l1", lam=lmax * 0.98)
    assert above.nonzero == 0 and below.nonzero > 0


def test_path_fits_equal_single_fits(path, womenlf):
    assert path.kkt_violation.max() < 1e-8 and path.converged.all()
    for j in (3, 9, 14):
        lam = path.lambdas[j]
        one = sl.mlogit(FORMULA, womenlf, penalty="l1", lam=lam)
        got = path.coefs.loc[lam].unstack(level="level").loc[one.params.index, one.params.columns]
        np.testing.assert_allclose(got.to_numpy(), one.params.to_numpy(), atol=1e-6)


def test_cv_held_out_deviance_and_cv_glmnet_summary(path, womenlf):
    cv = path.cv(folds=3, seed=1)
    y = pd.Categorical(womenlf["partic"]).codes.astype(np.int64)
    fold = stratified_folds(y, np.ones(len(y), bool), 3, 1, classes=range(3))
    for k in (0, 2):
        train, test = womenlf[fold != k], womenlf[fold == k]
        for j in (2, 10):
            lam = path.lambdas[j]
            fit = sl.mlogit(FORMULA, train, penalty="l1", lam=lam)
            want = 2 * log_loss(y[fold == k], fit.predict(test).to_numpy(), labels=[0, 1, 2])
            assert cv.fold_measures.iloc[j, k] == pytest.approx(want, rel=1e-5)
    n_k = np.bincount(fold)
    m = cv.fold_measures.to_numpy()
    cvm = m @ n_k / n_k.sum()
    cvsd = np.sqrt(((m - cvm[:, None]) ** 2) @ n_k / n_k.sum() / 2)
    np.testing.assert_allclose(cv.mean.to_numpy(), cvm, rtol=1e-12)
    np.testing.assert_allclose(cv.se.to_numpy(), cvsd, rtol=1e-12)
    i = int(np.argmin(cvm))
    assert cv.lambda_min == path.lambdas[i]
    assert cv.lambda_1se == path.lambdas[np.flatnonzero(cvm <= cvm[i] + cvsd[i])[0]]


def test_cv_folds_larger_than_the_rarest_level_are_refused(path):
    with pytest.raises(sl.StatlogitError, match="rarest level"):
        path.cv(folds=50)


def test_cli_lam_cv(capsys):
    code = main(["fit", str(DATA / "womenlf.csv"), FORMULA, "--model", "mlogit", "--penalty", "l1", "--lam", "cv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "lambda chosen by 10-fold cross-validation (multinomial deviance, seed 0): lambda_1se" in err
    lam = float(err.split("lambda_1se = ")[1].split()[0])
    assert f"Penalized multinomial logit (l1, lam={lam:g}" in out


@pytest.mark.parametrize("extra, named", [
    (["--threshold", "0.3"], "--threshold 0.3 does not apply"),
    (["--alpha", "0.1"], "--alpha 0.1 does not apply"),
    (["--alpha", "0.05", "--threshold", "0.5"], "--alpha 0.05 and --threshold 0.5 do not apply"),  # even the defaults
])
def test_cli_penalized_mlogit_refuses_alpha_and_threshold(capsys, extra, named):
    """A penalized mlogit has no intervals and no confusion table: --alpha / --threshold are refused
    in one line with exit status 2, not silently ignored."""
    code = main(["fit", str(DATA / "womenlf.csv"), FORMULA, "--model", "mlogit", "--penalty", "l1", "--lam",
                 "0.02", *extra])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and named in err and "penalized --model mlogit" in err


@pytest.mark.parametrize("args, named", [
    (["--model", "mlogit", "--threshold", "0.3"], "--threshold 0.3 does not apply to --model mlogit"),
    (["--model", "ologit", "--levels", "not.work,parttime,fulltime", "--threshold", "0.3"],
     "--threshold 0.3 does not apply to --model ologit"),
    (["--penalty", "l2", "--lam", "0.01", "--alpha", "0.1"], "--alpha 0.1 does not apply to a penalized fit"),
])
def test_cli_refuses_options_a_model_would_ignore(capsys, args, named):
    """--threshold has no meaning for a K-level classification table, nor --alpha for a penalized binary fit:
    refused in one line with exit 2 rather than silently ignored."""
    formula = FORMULA if "--penalty" not in args else 'I(partic != "not.work") ~ hincome + children'
    code = main(["fit", str(DATA / "womenlf.csv"), formula, *args])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1 and named in err
