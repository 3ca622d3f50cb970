"""Diagnostics of the multinomial and ordinal models: proportional odds (LR as ordinal::nominal_test,
Brant as the brant package formula; R references in tests/data/multiclass, tolerance 1e-5), the
Hausman-McFadden IIA test (against the same formula on statsmodels MNLogit fits), check_assumptions,
classification, separation by level, the report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import statlogit as sl

DATA = Path(__file__).parent / "data" / "multiclass"


@pytest.fixture(scope="module")
def po():
    h = sl.datasets.load_housing()
    return json.loads((DATA / "housing_polr.json").read_text()), sl.ologit("Sat ~ Infl + Type + Cont", h,
                                                                         weights=h["Freq"])


@pytest.fixture(scope="module")
def mn():
    return sl.mlogit("partic ~ hincome + children + region", sl.datasets.load_womenlf())


def test_proportional_odds_lr_equals_nominal_test(po):
    ref, res = po
    t = res.proportional_odds(method="lr")
    tight = ref["nominal_test_tight"]
    assert list(t.index) == tight["term"]
    np.testing.assert_allclose(t["statistic"], tight["LRT"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(t["p"], tight["p"], rtol=0, atol=1e-5)
    assert list(t["df"]) == tight["Df"] and (t["note"] == "").all()


def test_iia_matches_the_formula_on_statsmodels_fits(mn):
    import statsmodels.api as sm

    t = mn.iia()
    assert list(t.index) == ["parttime", "fulltime"]
    X = mn.design.X
    y = mn.design.y.astype(int)
    full = sm.MNLogit(y, X).fit(method="newton", disp=0, tol=1e-12)
    p = X.shape[1]
    for k, level in ((1, "parttime"), (2, "fulltime")):
        keep = y != k
        yr = np.where(y[keep] == 0, 0, 1)
        other = 3 - k  # the remaining non-reference level
        restricted = sm.Logit(yr, X[keep]).fit(method="newton", disp=0, tol=1e-12)
        b_f = full.params[:, other - 1]
        V_f = full.cov_params().to_numpy()[(other - 1) * p:other * p, (other - 1) * p:other * p] \
            if hasattr(full.cov_params(), "to_numpy") else full.cov_params()[(other - 1) * p:other * p,
                                                                             (other - 1) * p:other * p]
        d = restricted.params - b_f
        dV = restricted.cov_params() - V_f
        H = float(d @ np.linalg.pinv(dV) @ d)
        assert abs(t.loc[level, "statistic"] - H) < 1e-6 * max(1.0, abs(H))
        assert t.loc[level, "df"] == np.linalg.matrix_rank(dV)


def test_iia_needs_three_levels():
    df = pd.DataFrame({"y": list("ab") * 30, "x": np.arange(60.0) % 7})
    from statlogit.exceptions import DiagnosticError

    with pytest.raises(DiagnosticError, match="at least two others"):
        sl.mlogit("y ~ x", df).iia()


def test_brant_equals_the_reference(po):
    ref, res = po
    t = res.proportional_odds()  # brant by default
    b = ref["brant_test"]
    assert list(t.index) == b["per_term"]["term"] + ["omnibus"]
    np.testing.assert_allclose(t["statistic"].iloc[:-1], b["per_term"]["X2"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(t["p"].iloc[:-1], b["per_term"]["p"], rtol=0, atol=1e-5)
    assert list(t["df"].iloc[:-1]) == b["per_term"]["df"]
    assert abs(t.loc["omnibus", "statistic"] - b["omnibus"]["X2"]) < 1e-5 and t.loc["omnibus", "df"] == 6
    from statlogit.exceptions import OptionError

    with pytest.raises(OptionError, match="method='wald' is not valid; choose one of 'brant', 'lr'"):
        res.proportional_odds("wald")


def test_check_assumptions_family_rows(po, mn):
    ref, res = po
    t = res.check_assumptions().table.set_index("assumption")
    assert t.loc["proportional odds", "verdict"] == "pass"
    assert "Brant omnibus chi2 = 8.53 on 6 df" in t.loc["proportional odds", "advice"]
    assert t.loc["sample size", "verdict"] == "pass" and "rarest level Medium (446 rows)" in t.loc["sample size", "advice"]
    m = mn.check_assumptions().table.set_index("assumption")
    assert "Cheng & Long 2007" in m.loc["independence of irrelevant alternatives", "advice"]
    assert m.loc["sample size", "verdict"] == "fail"  # 42 parttime rows for 6 columns: EPV 7
    assert m.loc["separation", "verdict"] == "pass"


def test_classification_and_epv(mn):
    from sklearn.metrics import roc_auc_score

    c = mn.classification()
    y = mn.design.y.astype(int)
    prob = mn.predict().to_numpy()
    assert abs(c.auc - roc_auc_score(y, prob, multi_class="ovo", average="macro")) < 1e-12
    assert abs(c.accuracy - np.mean(prob.argmax(1) == y)) < 1e-12
    assert abs(c.brier - np.mean(((prob - np.eye(3)[y]) ** 2).sum(1))) < 1e-12
    e = mn.events_per_variable()
    assert e["level"] == "parttime" and e["events"] == 42 and abs(e["epv"] - 7.0) < 1e-12 and e["verdict"] == "low"


def separated_data():
    rng = np.random.default_rng(0)
    x, z = rng.normal(size=90), rng.normal(size=90)
    y = np.where(x > 1, "c", np.where(rng.random(90) < 0.5, "a", "b"))
    return pd.DataFrame({"y": y, "x": x, "z": z})


def test_perfectly_predicted_level_is_named():
    from statlogit.exceptions import SeparationWarning

    with pytest.warns(SeparationWarning, match=r"perfectly predicted by the predictors: c vs a \(complete\)"):
        res = sl.mlogit("y ~ x + z", separated_data())
    assert not res.converged and np.isinf(res.bse.to_numpy()).all()
    assert res.check_assumptions().verdicts["separation"] == "fail"
    o = sl.ologit("y ~ x + z", separated_data(), levels=["a", "b", "c"])  # PO estimates still exist
    sep = o.separation().set_index("label")
    assert sep.loc["Y <= b", "status"] == "complete" and sep.loc["Y <= a", "status"] == "none"
    assert o.check_assumptions().verdicts["separation"] == "warn"
    assert "completely separated" in o.proportional_odds("brant")["note"].iloc[0]


def test_report_views_and_cli(tmp_path, po, mn):
    from statlogit.cli import main

    ref, res = po
    rep = res.report(ci_method="wald")
    text = str(rep)
    assert "Proportional odds" in text and "logit P(Y <= j) = zeta_j - x'beta" in text
    data = rep.to_dict()
    assert data["fit"]["aic"] == pytest.approx(ref["aic"], abs=1e-7)
    assert data["proportional_odds"]["lr"][0]["term"] == "Infl"
    html = mn.report().to_html()
    assert "data:image/png" in html and "Hausman-McFadden" in html
    md = mn.report(ci_method="wald").to_markdown(figure_dir=tmp_path / "fig")
    assert (tmp_path / "fig" / "prob_hincome.png").exists() and "Relative-risk ratios" in md
    out = tmp_path / "h.html"
    assert main(["fit", str(DATA / "housing.csv"), "Sat ~ Infl + Type + Cont", "--model", "ologit", "--levels",
                 "Low,Medium,High", "--weights", "Freq", "--report", str(out), "--json", str(tmp_path / "h.json")]) == 0
    assert out.stat().st_size > 5000 and json.loads((tmp_path / "h.json").read_text())["model_kind"] == "ordinal"


def test_ordinal_complete_separation_is_named():
    from statlogit.exceptions import SeparationWarning

    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    df = pd.DataFrame({"y": np.searchsorted([-0.5, 0.5], x), "x": x, "z": rng.normal(size=60)})
    for method, opts in (("newton", {}), ("gd", {"max_iter": 500})):
        with pytest.warns(SeparationWarning, match=r"Y <= 0 \(complete\), Y <= 1 \(complete\)"):
            res = sl.ologit("y ~ x + z", df, method=method, **opts)
        assert not res.converged and np.isinf(res.bse).all()


def test_plot_probabilities(mn):
    from statlogit.exceptions import OptionError

    ax = mn.plot_probabilities()
    assert ax.get_xlabel() == "hincome"
    with pytest.raises(OptionError, match="predictor='children' is not valid; choose one of 'hincome'"):
        mn.plot_probabilities("children")


def test_probability_plot_skips_a_variable_that_also_enters_a_transform(tmp_path):
    """birthwt (race ~ lwt + I(lwt**2) + age): moving lwt with I(lwt**2) held at its median would plot
    predictions for no possible row, so lwt gets no plot and a note saying why; age is still plotted."""
    b = pd.read_csv(Path(__file__).parent / "data" / "birthwt.csv")
    res = sl.mlogit("race ~ lwt + I(lwt**2) + age", b)
    rep = res.report(ci_method="wald")
    rep.to_markdown(figure_dir=tmp_path / "fig")
    assert sorted(p.name for p in (tmp_path / "fig").glob("prob_*.png")) == ["prob_age.png"]
    notes = rep.to_dict()["notes"]
    assert any(n.startswith("No probability plot across lwt: it also enters through I(lwt ** 2)") for n in notes)
    assert not any("across age" in n for n in notes)
