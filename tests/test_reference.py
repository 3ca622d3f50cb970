"""Every reference model (tests/data/cases.tsv) against R 4.2.2.

R ran ``glm(formula, family = binomial, na.action = na.omit,
control = glm.control(epsilon = 1e-13, maxit = 100))``, ``confint.default`` (Wald),
``MASS``'s ``confint`` (profile, spline-interpolated) and exact profile limits by root
finding (``<id>.profile_exact.json``). Tolerances are those of issue 2: coefficients 1e-6
relative, SEs 1e-5, p-values 1e-7, Wald CIs 1e-6, profile CIs 1e-5 of the exact values,
everything else 1e-6. Coefficients are matched by name (``conftest.r_to_ours``).

``case_id`` is parametrized in conftest over every case except ``separation_complete``
(no finite MLE).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq
from scipy.special import expit, ndtri

import statlogit as sl

RTOL_COEF = 1e-6
RTOL_SE = 1e-5
ATOL_P = 1e-7
RTOL_P = 1e-7
RTOL_WALD = 1e-6
RTOL_PROFILE = 1e-5
RTOL_PROFILE_SPLINE = 1e-3  # R's spline interpolation is within ~5e-4 of the exact limits
RTOL_FIT = 1e-6


def test_converged(fitted):
    assert fitted.case.ref["converged"] is True
    assert fitted.res.converged is True


def test_names_match_r(fitted):
    assert sorted(fitted.res.names) == sorted(fitted.case.names)


def test_coefficients(fitted, helpers):
    helpers.assert_series_close(fitted.res.params, fitted.case.series("coef"), rtol=RTOL_COEF, what="coef")


@pytest.mark.parametrize("field", ["se_at_mle", "se"])
def test_standard_errors(fitted, helpers, field):
    # se_at_mle: weights at the final fitted probabilities (exactly what we compute);
    # se: R's weights of its last IRLS step (< 3e-7 relative away).
    helpers.assert_series_close(fitted.res.bse, fitted.case.series(field), rtol=RTOL_SE, what=field)


def test_covariance_matrix(fitted):
    ref = fitted.case.matrix("vcov_at_mle")
    ours = fitted.res.cov_params().loc[ref.index, ref.columns]
    sd = np.sqrt(np.diag(ref.to_numpy()))
    # compare on the correlation scale (entries near 0 have no meaningful relative error)
    np.testing.assert_allclose(ours.to_numpy() / np.outer(sd, sd), ref.to_numpy() / np.outer(sd, sd),
                               rtol=0, atol=RTOL_SE)


def test_z_values(fitted, helpers):
    helpers.assert_series_close(fitted.res.zvalues, fitted.case.series("z"), rtol=RTOL_SE, what="z")


def test_p_values_against_r(fitted, helpers):
    helpers.assert_series_close(fitted.res.pvalues, fitted.case.series("p"), rtol=0, atol=ATOL_P, what="p")


def test_p_values_relative(fitted, helpers):
    # 2 Phi(-|b / se|) from R's own coefficients and SEs at the MLE: relative accuracy
    # far into the tail (p-values here go down to ~1e-37).
    case = fitted.case
    expected = pd.Series(helpers.two_sided_p(case.series("coef") / case.series("se_at_mle")), index=case.names)
    helpers.assert_series_close(fitted.res.pvalues, expected, rtol=RTOL_P, what="p vs 2*Phi(-|z|)")


def test_wald_intervals(fitted, helpers):
    ci = fitted.res.conf_int()
    assert list(ci.columns) == ["lower", "upper"]
    ref = fitted.case.interval("ci_wald")
    for side in ("lower", "upper"):
        helpers.assert_series_close(ci[side], ref[side], rtol=RTOL_WALD, what=f"ci_wald {side}")


def test_profile_intervals_exact(fitted, helpers):
    ci = fitted.profile_ci
    exact = fitted.case.exact_profile()
    for side in ("lower", "upper"):
        helpers.assert_series_close(ci[side], exact[side], rtol=RTOL_PROFILE, what=f"ci_profile_exact {side}")
    # the JSON's own copy of the exact limits agrees too
    inline = fitted.case.interval("ci_profile_exact")
    for side in ("lower", "upper"):
        helpers.assert_series_close(ci[side], inline[side], rtol=RTOL_PROFILE, what=f"ci_profile_exact (json) {side}")


def test_profile_intervals_near_r_spline(fitted, helpers):
    ci = fitted.profile_ci
    spline = fitted.case.interval("ci_profile")
    for side in ("lower", "upper"):
        helpers.assert_series_close(ci[side], spline[side], rtol=RTOL_PROFILE_SPLINE, what=f"ci_profile (spline) {side}")


def test_profile_brackets_estimate(fitted):
    ci = fitted.profile_ci
    b = fitted.res.params
    assert ((ci["lower"] < b) & (b < ci["upper"])).all()


def test_odds_ratios_wald(fitted, helpers):
    orr = fitted.res.odds_ratios()
    assert list(orr.columns) == ["odds_ratio", "se", "lower", "upper"]
    case = fitted.case
    helpers.assert_series_close(orr["odds_ratio"], case.series("odds_ratio"), rtol=RTOL_COEF, what="odds_ratio")
    # R's odds_ratio_se is exp(b) * se with R's last-IRLS-step se (< 3e-7 from se_at_mle)
    helpers.assert_series_close(orr["se"], case.series("odds_ratio_se"), rtol=RTOL_COEF, what="odds_ratio_se")
    ref = case.interval("odds_ratio_ci_wald")
    for side in ("lower", "upper"):
        helpers.assert_series_close(orr[side], ref[side], rtol=RTOL_WALD, what=f"odds_ratio_ci_wald {side}")


def test_odds_ratios_profile(fitted, helpers):
    orr = fitted.profile_or
    helpers.assert_series_close(orr["odds_ratio"], fitted.case.series("odds_ratio"), rtol=RTOL_COEF, what="odds_ratio")
    ref = fitted.case.interval("odds_ratio_ci_profile_exact")
    for side in ("lower", "upper"):
        helpers.assert_series_close(orr[side], ref[side], rtol=RTOL_PROFILE, what=f"odds_ratio_ci_profile_exact {side}")


def test_coef_table_matches_pieces(fitted, helpers):
    tab = fitted.res.coef_table()
    case = fitted.case
    helpers.assert_series_close(tab["coef"], case.series("coef"), rtol=RTOL_COEF, what="coef_table coef")
    helpers.assert_series_close(tab["se"], case.series("se_at_mle"), rtol=RTOL_SE, what="coef_table se")
    helpers.assert_series_close(tab["p"], case.series("p"), rtol=0, atol=ATOL_P, what="coef_table p")


@pytest.mark.parametrize(
    "ours, field",
    [
        ("llf", "loglik"),
        ("deviance", "deviance"),
        ("null_deviance", "null_deviance"),
        ("aic", "aic"),
        ("bic", "bic"),
    ],
)
def test_likelihood_summaries(fitted, ours, field):
    np.testing.assert_allclose(getattr(fitted.res, ours), fitted.case.ref[field], rtol=RTOL_FIT)


def test_null_loglik(fitted):
    np.testing.assert_allclose(fitted.res.llnull, -fitted.case.ref["null_deviance"] / 2, rtol=RTOL_FIT)


def test_degrees_of_freedom(fitted):
    ref = fitted.case.ref
    assert fitted.res.df_resid == ref["df_residual"]
    assert fitted.res.nobs - 1 == ref["df_null"]
    assert fitted.res.df_model == ref["df_null"] - ref["df_residual"]


def test_lr_test(fitted):
    lr = fitted.res.lr_test()
    ref = fitted.case.ref["lr_test"]
    np.testing.assert_allclose(lr["stat"], ref["stat"], rtol=RTOL_FIT)
    assert lr["df"] == ref["df"]
    np.testing.assert_allclose(lr["p"], ref["p"], rtol=RTOL_FIT)


@pytest.mark.parametrize("which", ["mcfadden", "cox_snell", "nagelkerke", "tjur"])
def test_pseudo_r2(fitted, which):
    np.testing.assert_allclose(fitted.res.pseudo_r2()[which], fitted.case.ref["pseudo_r2"][which], rtol=RTOL_FIT)


def test_counts_and_event(fitted):
    ref = fitted.case.ref
    res = fitted.res
    assert res.nobs == ref["n"]
    assert res.n_dropped == ref["n_dropped"]
    if ref["event"] is None:  # numeric 0/1 response: 1 is the event
        assert res.event == 1
    else:
        assert res.event == ref["event"]


def test_used_and_dropped_rows(fitted):
    # R's rows are 1-based positions; every dataset here has a RangeIndex, so label + 1.
    ref = fitted.case.ref
    assert isinstance(fitted.case.data.index, pd.RangeIndex)
    np.testing.assert_array_equal(np.asarray(fitted.res.design.row_labels) + 1, ref["used_rows"])
    np.testing.assert_array_equal(np.asarray(fitted.res.dropped_rows, dtype=int) + 1,
                                  np.asarray(ref["dropped_rows"], dtype=int))


def test_fitted_values_and_linear_predictor(fitted):
    ref = fitted.case.ref
    fv = fitted.res.fittedvalues
    np.testing.assert_array_equal(np.asarray(fv.index) + 1, ref["used_rows"])
    np.testing.assert_allclose(fv.to_numpy(), ref["fitted"], rtol=RTOL_FIT)
    np.testing.assert_allclose(fitted.res._linear_predictor, ref["linear_predictor"], rtol=RTOL_FIT)


# ----------------------------------------------------------------- profile beyond R's cases


def _restricted_loglik(X, y, j, b, eta_hat):
    """max of l(beta) with beta_j fixed at b: Newton with step-halving on the other columns,
    started (as MASS's profile.glm does with etastart) from the linear predictor at the MLE."""
    xj = X[:, j]
    Xr = np.delete(X, j, axis=1)
    off = b * xj
    beta = np.linalg.lstsq(Xr, eta_hat - off, rcond=None)[0]

    def loglik(beta):
        eta = Xr @ beta + off
        return float(np.sum(y * eta - np.logaddexp(0.0, eta)))

    cur = loglik(beta)
    for _ in range(200):
        p = expit(Xr @ beta + off)
        g = Xr.T @ (y - p)
        d = np.linalg.solve(Xr.T @ (Xr * (p * (1 - p))[:, None]), g)
        if g @ d < 1e-20:
            return cur
        t = 1.0
        while (new := loglik(beta + t * d)) < cur - 1e-12 * abs(cur):
            t /= 2
            assert t > 1e-12, "line search failed in the test's own profile refit"
        beta, cur = beta + t * d, new
    raise AssertionError("the test's own profile refit did not converge")


def _independent_profile_limits(res, j, z):
    X, y, eta = res.design.X, res.design.y, res._linear_predictor
    bh, se = float(res.params.iloc[j]), float(res.bse.iloc[j])

    def r(b):
        return np.sign(b - bh) * np.sqrt(max(2.0 * (res.llf - _restricted_loglik(X, y, j, b, eta)), 0.0))

    lo = brentq(lambda b: r(b) + z, bh - 10 * z * se, bh, xtol=1e-13, rtol=1e-14)
    hi = brentq(lambda b: r(b) - z, bh, bh + 10 * z * se, xtol=1e-13, rtol=1e-14)
    return lo, hi


def test_profile_on_nearly_collinear_design(load_case):
    """lwt and log(lwt) together (correlation ~0.99): profile refits far from the MLE must
    still converge. Reference: the roots of the signed LR statistic computed in this test."""
    case = load_case("birthwt")
    res = sl.logit("low ~ age + lwt + C(race) + smoke + np.log(lwt)", case.data)
    ci = res.conf_int(method="profile")
    z = float(ndtri(0.975))
    for name in ["lwt", "np.log(lwt)", "Intercept"]:
        j = res.names.index(name)
        lo, hi = _independent_profile_limits(res, j, z)
        np.testing.assert_allclose(ci.loc[name, ["lower", "upper"]].to_numpy(dtype=float), [lo, hi],
                                   rtol=RTOL_PROFILE, err_msg=name)
