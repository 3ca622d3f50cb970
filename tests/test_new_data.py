"""Regression tests for the defects an analyst found on new real data (issue 8).

Data (copies in tests/data, origin in tests/data/README.md): ``biopsy.csv`` (MASS::biopsy; the
response column is named ``class``, a Python keyword), ``cowles.csv`` (carData::Cowles, the
``sex + extraversion * neuroticism`` model), ``arrests.csv`` (carData::Arrests).
Numbers are checked against statsmodels (GLM binomial, same data) with stated tolerances.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import statlogit as sl
from statlogit.exceptions import DataError, FormulaError, OptionError, RankDeficiencyError

BIOPSY_FORMULA = 'Q("class") ~ V1+V2+V3+V4+V5+V6+V7+V8+V9'
COWLES_FORMULA = "volunteer ~ sex + extraversion * neuroticism"
ARRESTS_FORMULA = "released ~ colour + C(year) + age + sex + employed + citizen + checks"
DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def biopsy():
    return pd.read_csv(DATA_DIR / "biopsy.csv")


@pytest.fixture(scope="module")
def cowles():
    return pd.read_csv(DATA_DIR / "cowles.csv")


@pytest.fixture(scope="module")
def arrests():
    return pd.read_csv(DATA_DIR / "arrests.csv")


@pytest.fixture(scope="module")
def biopsy_fit(biopsy):
    return sl.logit(BIOPSY_FORMULA, data=biopsy)


@pytest.fixture(scope="module")
def cowles_fit(cowles):
    return sl.logit(COWLES_FORMULA, data=cowles)


@pytest.fixture(scope="module")
def arrests_fit(arrests):
    return sl.logit(ARRESTS_FORMULA, data=arrests)


def _statsmodels_fit(formula, data):
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    return smf.glm(formula, data=data, family=sm.families.Binomial()).fit(tol=1e-13)


# ---------------------------------------------------------------- defect 3: rank deficiency
@pytest.mark.parametrize("method", ["newton", "firth", "gd"])
def test_spline_basis_collinear_with_intercept_is_rank_deficiency(arrests, method):
    with pytest.raises(RankDeficiencyError, match=r"cr\(age, df=4\).*add up to a constant.*constraints='center'"):
        sl.logit("released ~ cr(age, df=4)", data=arrests, method=method)


def test_rank_checked_up_front_with_an_offset(arrests):
    with pytest.raises(RankDeficiencyError, match=r"Intercept, cr\(age, df=4\)\[0\]"):
        sl.logit("released ~ cr(age, df=4)", data=arrests, offset=np.full(len(arrests), 0.1))


def test_rank_checked_on_the_subsample_at_large_n(arrests):
    big = pd.concat([arrests] * 40, ignore_index=True)  # 209,040 rows: the subsample path
    big["age2"] = 2.0 * big["age"]
    with pytest.raises(RankDeficiencyError, match="age and age2 are proportional"):
        sl.logit("released ~ age + age2 + checks", data=big)


def test_centred_spline_fits(arrests):
    res = sl.logit("released ~ cr(age, df=4, constraints='center')", data=arrests)
    ref = _statsmodels_fit("released ~ cr(age, df=4, constraints='center')",
                           arrests.assign(released=(arrests["released"] == "Yes").astype(float)))
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), rtol=1e-7, atol=1e-9)
    assert res.separation.status == "none"


# ---------------------------------------------------------------- defect 9: R's term order
def test_coefficients_in_formula_order(arrests_fit, arrests):
    assert arrests_fit.names == [
        "Intercept", "colour[T.White]", "C(year)[T.1998]", "C(year)[T.1999]", "C(year)[T.2000]",
        "C(year)[T.2001]", "C(year)[T.2002]", "age", "sex[T.Male]", "employed[T.Yes]", "citizen[T.Yes]",
        "checks"]
    ref = _statsmodels_fit(ARRESTS_FORMULA, arrests.assign(released=(arrests["released"] == "Yes").astype(float)))
    # statsmodels keeps patsy's order; aligned by name the numbers are the same (rtol 1e-7).
    np.testing.assert_allclose(arrests_fit.params[ref.params.index], ref.params, rtol=1e-7)
    np.testing.assert_allclose(arrests_fit.bse[ref.params.index], ref.bse, rtol=1e-6)
    # predict(newdata) replays the reordered design
    np.testing.assert_allclose(arrests_fit.predict(arrests.head(50)), arrests_fit.fittedvalues.head(50), rtol=1e-12)


def test_interactions_after_main_effects(cowles_fit, arrests):
    assert cowles_fit.names == ["Intercept", "sex[T.male]", "extraversion", "neuroticism",
                                "extraversion:neuroticism"]
    res = sl.logit("released ~ age * colour + checks", data=arrests)
    assert res.names == ["Intercept", "age", "colour[T.White]", "checks", "age:colour[T.White]"]
    assert [t.name for t in res.design.terms] == ["Intercept", "age", "colour", "checks", "age:colour"]
    report = res.report(plots=False, ci_method="wald")
    assert [c["term"] for c in report.to_dict()["coefficients"]] == res.names


# ---------------------------------------------------------------- defects 5 and 6: messages
@pytest.mark.parametrize("dtype", [object, float])
def test_all_missing_column_is_named(biopsy, dtype):
    data = biopsy.assign(allna=pd.Series(np.nan, index=biopsy.index, dtype=dtype))
    for formula in ('Q("class") ~ V1 + allna', 'Q("class") ~ V1 + C(allna)'):
        with pytest.raises(DataError, match=r"^column 'allna' has no values in any row \(all 699 are missing\)"):
            sl.logit(formula, data=data)


def test_keyword_response_says_how_to_quote(biopsy):
    with pytest.raises(FormulaError, match=r"""column 'class' is a Python keyword.*write 'Q\("class"\) ~ V1 \+ V2'"""):
        sl.logit("class ~ V1 + V2", data=biopsy)


def test_keyword_and_odd_predictor_names_say_how_to_quote(biopsy):
    data = biopsy.assign(y=(biopsy["class"] == "malignant").astype(float), **{"lambda": biopsy.V1, "cell size": biopsy.V2})
    with pytest.raises(FormulaError, match=r"""column 'lambda' is a Python keyword.*'y ~ Q\("lambda"\) \+ V3'"""):
        sl.logit("y ~ lambda + V3", data=data)
    with pytest.raises(FormulaError, match=r"""column 'cell size' is not a Python name.*'y ~ Q\("cell size"\)'"""):
        sl.logit("y ~ cell size", data=data)


def test_other_syntax_errors_mention_quoting_on_the_first_line(biopsy):
    with pytest.raises(FormulaError) as info:
        sl.logit('Q("class") ~ V1 +', data=biopsy)
    assert 'quoted in the formula as Q("name")' in str(info.value).splitlines()[0]


def test_keyword_response_quoted_fits_as_statsmodels(biopsy_fit, biopsy):
    ref = _statsmodels_fit(BIOPSY_FORMULA, biopsy.dropna().assign(**{"class": (biopsy["class"] == "malignant").astype(float)}))
    np.testing.assert_allclose(biopsy_fit.params[ref.params.index], ref.params, rtol=1e-7)
    assert biopsy_fit.nobs == 683 and biopsy_fit.n_dropped == 16


# ---------------------------------------------------------------- defect 1: figures, report, CLI
def test_calibration_plot_with_an_empty_bin(biopsy_fit):
    table = biopsy_fit.calibration()
    assert (table["observed_rate"] == 0).any()  # the bin whose Wilson lower error was -3.5e-18
    fig = biopsy_fit.plot_calibration()
    (line,) = [c for c in fig.axes[0].containers]
    assert len(line.lines[0].get_xdata()) == len(table)


def test_biopsy_report_in_every_format(biopsy_fit, biopsy, tmp_path):
    report = biopsy_fit.report(data=biopsy, ci_method="wald")
    for suffix in (".html", ".md", ".txt", ".json"):
        report.save(tmp_path / f"b{suffix}")
    html = (tmp_path / "b.html").read_text()
    assert "not drawn" not in html and html.count("<img") == 6
    assert not any("not drawn" in n for n in report.to_dict()["notes"])


def test_a_failing_figure_is_a_note_not_a_crash(biopsy_fit, monkeypatch, tmp_path):
    import statlogit.report.plots as plots

    def broken(*args, **kwargs):
        raise ValueError("'yerr' must not contain negative values")

    monkeypatch.setattr(plots, "calibration", broken)
    report = biopsy_fit.report(ci_method="wald")
    html = report.to_html()
    note = ("Figure 'calibration' not drawn: internal error (ValueError: 'yerr' must not contain negative "
            "values); please report it")
    assert any(n.startswith(note) for n in report.to_dict()["notes"])
    assert html.count("<img") == 5 and "Figure &#x27;calibration&#x27; not drawn" in html
    md = report.to_markdown(figure_dir=tmp_path / "fig")
    assert md.count(note.replace("_", "\\_").replace("'", "'")[:30]) >= 1


def test_a_failing_diagnostic_is_a_note_not_a_crash(biopsy_fit, monkeypatch):
    import statlogit.diagnostics.calibration as cal

    monkeypatch.setattr(cal, "hosmer_lemeshow", lambda *a, **k: 1 / 0)
    report = biopsy_fit.report(ci_method="wald", plots=False)
    assert any(n.startswith("Hosmer-Lemeshow test not computed: internal error (ZeroDivisionError")
               for n in report.to_dict()["notes"])


def test_cli_report_on_biopsy(capsys, tmp_path):
    from statlogit.cli import main

    out = tmp_path / "b.html"
    code = main(["fit", str(DATA_DIR / "biopsy.csv"), BIOPSY_FORMULA, "--wald", "--report", str(out)])
    _, err = capsys.readouterr()
    assert code == 0 and out.exists() and "Traceback" not in err


def test_cli_internal_error_is_one_line(capsys, monkeypatch):
    import statlogit.cli as cli

    monkeypatch.setattr(cli, "_print_summary", lambda *a, **k: [][1])
    code = cli.main(["fit", str(DATA_DIR / "biopsy.csv"), BIOPSY_FORMULA])
    _, err = capsys.readouterr()
    assert code == cli.EXIT_INTERNAL == 1
    assert err.strip().splitlines() == [
        "statlogit: internal error: IndexError: list index out of range; please report it to the statlogit "
        "developers with the command and a sample of the data"]


def test_cli_bad_formula_is_one_line_status_2(capsys):
    from statlogit.cli import main

    code = main(["fit", str(DATA_DIR / "biopsy.csv"), "class ~ V1"])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert """write 'Q("class") ~ V1'""" in err


# ---------------------------------------------------------------- defect 2: Q("...") response
def test_effect_plot_with_quoted_response(biopsy_fit, biopsy):
    fig = biopsy_fit.plot_effect()
    label = fig.axes[0].get_xlabel()
    assert "class" not in label and "V1 = 4" in label
    assert biopsy_fit.plot_effect("V3", data=biopsy) is not None
    with pytest.raises(OptionError, match=r"""'class' is the response \(Q\("class"\)\)"""):
        biopsy_fit.plot_effect("class", data=biopsy)


# ---------------------------------------------------------------- defect 4: raw warnings
def test_linearity_plot_leaks_no_library_warning(biopsy_fit):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = biopsy_fit.plot_linearity()
    assert len([a for a in fig.axes if a.get_visible()]) == 9


# ---------------------------------------------------------------- defect 7: interactions
def test_conditional_odds_ratios_on_cowles_match_statsmodels(cowles_fit, cowles):
    from statlogit.inference.conditional import conditional_odds_ratios

    ref = _statsmodels_fit(COWLES_FORMULA, cowles.assign(volunteer=(cowles["volunteer"] == "yes").astype(float)))
    b, V = ref.params, ref.cov_params()
    table = conditional_odds_ratios(cowles_fit, units={"extraversion": 10})
    ext = table[table["coefficient"] == "extraversion"]
    qs = np.quantile(cowles["neuroticism"], [0.25, 0.5, 0.75])
    assert list(ext["at"]) == [f"neuroticism = {q:g}" for q in qs]
    for (_, row), q in zip(ext.iterrows(), qs):
        L = pd.Series(0.0, index=b.index)
        L["extraversion"], L["extraversion:neuroticism"] = 1.0, q
        est, se = float(L @ b), float(np.sqrt(L @ V @ L))
        # statsmodels GLM, tol 1e-13: estimates agree to 1e-7 relative, Wald limits likewise
        np.testing.assert_allclose([row["odds_ratio"], row["lower"], row["upper"]],
                                   np.exp(10 * np.array([est, est - 1.959963984540054 * se,
                                                         est + 1.959963984540054 * se])), rtol=1e-6)


def test_cowles_sentences_are_conditional(cowles_fit):
    sentences = cowles_fit.report(units={"extraversion": 10}, ci_method="wald", plots=False).to_dict()["sentences"]
    ext = next(s for s in sentences if s.startswith("Each 10-unit increase in extraversion"))
    assert "by 5.302" in ext and "when neuroticism = 0." in ext
    assert "Its odds ratio depends on neuroticism: neuroticism = 8: 2.675 (1.867 to 3.833)" in ext
    inter = next(s for s in sentences if s.startswith("Interaction of extraversion and neuroticism"))
    assert ("for each 1-unit increase in neuroticism, the odds ratio of a 1-unit increase in extraversion is "
            "multiplied by 0.9915") in inter
    assert not any("multiplies the odds ratio of its components" in s for s in sentences)


def test_factor_by_numeric_interaction_sentences(arrests):
    res = sl.logit("released ~ age * colour + checks", data=arrests)
    sentences = res.report(ci_method="wald", plots=False).to_dict()["sentences"]
    assert any(s.startswith("Each 1-unit increase in age") and "when colour = Black." in s
               and "colour = White: " in s for s in sentences)
    assert any(s.startswith("Interaction of age and colour = White: the odds ratio of a 1-unit increase in age is")
               and "when colour = White as when colour = Black" in s for s in sentences)


def test_cowles_collinearity_verdict_rests_on_main_effects(cowles_fit, cowles):
    import statsmodels.api as sm
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    row = cowles_fit.check_assumptions().table.set_index("assumption").loc["multicollinearity"]
    assert row["verdict"] == "pass"
    X = sm.add_constant(pd.DataFrame({"sex": (cowles["sex"] == "male").astype(float),
                                      "extraversion": cowles["extraversion"], "neuroticism": cowles["neuroticism"]}))
    ref = [variance_inflation_factor(X.to_numpy(), j) for j in range(1, 4)]
    np.testing.assert_allclose(row["statistic"], max(ref), rtol=1e-10)
    assert "sex 1.04, extraversion 1.01, neuroticism 1.05" in row["advice"]
    assert "extraversion × neuroticism 14.6; that collinearity is structural" in row["advice"]
    assert "Centre the variables" in row["advice"]


def test_power_terms_are_structural(arrests):
    from statlogit.diagnostics.collinearity import structural_terms

    res = sl.logit("released ~ age + I(age**2) + checks", data=arrests)
    assert structural_terms(res.design) == ["I(age ** 2)"]
    row = res.check_assumptions().table.set_index("assumption").loc["multicollinearity"]
    assert "without the interaction and power terms (I(age ** 2))" in row["check"]


# ---------------------------------------------------------------- defect 8: units everywhere
def test_odds_ratios_and_summary_take_units(arrests_fit):
    plain = arrests_fit.odds_ratios()
    per10 = arrests_fit.odds_ratios(units={"age": 10})
    np.testing.assert_allclose(per10.loc["age", ["odds_ratio", "lower", "upper"]],
                               plain.loc["age", ["odds_ratio", "lower", "upper"]] ** 10, rtol=1e-12)
    np.testing.assert_allclose(per10.loc["age", "se"], np.exp(10 * arrests_fit.params["age"]) * 10
                               * arrests_fit.bse["age"], rtol=1e-12)
    assert per10.loc["age", "per"] == 10 and per10.loc["checks", "per"] == 1
    pd.testing.assert_frame_equal(per10.drop(index="age").drop(columns="per"), plain.drop(index="age"))
    text = str(arrests_fit.summary(units={"age": 10}))
    line = next(x for x in text.splitlines() if x.startswith("age ") and " 10 " in x)
    assert line.split()[1:3] == ["10", f"{plain.loc['age', 'odds_ratio'] ** 10:.3f}"]
    assert "White vs Black" in text and "1998 vs 1997" in text


def test_report_units_reach_the_forest_plot(arrests_fit, arrests):
    fig = arrests_fit.plot_forest(method="wald", units={"age": 10})
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "age (per 10)" in ticks and "year: 1998 (vs 1997)" in ticks
    report = arrests_fit.report(units={"age": 10}, ci_method="wald", data=arrests)
    assert report.figure_png("forest") is not None and not report.to_dict()["notes"]
    md = report.to_markdown()
    assert "| colour: White (vs Black) | White vs Black |" in md and "| age | 10 |" in md


# ---------------------------------------------------------------- defect 10: display labels
def test_display_labels_in_summary_and_report_machine_names_in_params(arrests_fit):
    assert "C(year)[T.1998]" in arrests_fit.params.index
    summary = arrests_fit.summary()
    assert "year: 1998 (vs 1997)" in str(summary) and "C(year)[T.1998]" not in str(summary)
    assert "colour: White (vs Black)" in summary.to_html()
    assert list(summary.coefficients.index) == arrests_fit.names  # the data keep machine names
    d = arrests_fit.report(ci_method="wald", plots=False).to_dict()
    assert {c["term"]: c["label"] for c in d["coefficients"]}["C(year)[T.2002]"] == "year: 2002 (vs 1997)"


def test_box_tidwell_power_only_where_beta_is_clearly_nonzero(arrests_fit):
    bt = arrests_fit.box_tidwell(shift="auto")
    assert not bt.power_meaningful()["age"]  # z of age is 0.49: lambda = -18 means nothing
    assert bt.power_meaningful()["checks"] and np.isfinite(bt.table.loc["age", "lambda"])
    text = arrests_fit.report(ci_method="wald", plots=False).to_text()
    age_line = next(x for x in text.splitlines() if x.startswith("age ") and x.rstrip().endswith("—"))
    assert "-18" not in age_line


def test_effect_caption_wrapped_and_influence_labels_apart(arrests_fit, arrests):
    fig = arrests_fit.plot_effect(data=arrests)
    label = fig.axes[0].get_xlabel()
    assert label.startswith("checks\n(others at colour = White") and all(len(x) <= 80 for x in label.splitlines())
    fig = arrests_fit.plot_influence(label=8)
    texts = fig.axes[0].texts
    assert 1 <= len(texts) <= 8
    pts = np.array([t.xy for t in texts])
    h, r = arrests_fit.influence().table["hat"], arrests_fit.influence().table["rstudent"]
    for i in range(len(pts)):
        for j in range(i):
            assert (abs(pts[i, 0] - pts[j, 0]) > 0.03 * np.ptp(h)) or (abs(pts[i, 1] - pts[j, 1]) > 0.03 * np.ptp(r))


# ---------------------------------------------------------------- found nearby
def test_effect_plot_holds_a_numeric_factor_at_its_mode_not_its_median(arrests):
    # year enters as C(year): with data= its typical value is a level (the most frequent one),
    # never the median (1999.5 here, which is no level, so the prediction used to fail).
    sub = pd.concat([arrests[arrests["year"] == 1997].head(250), arrests[arrests["year"] == 2001].head(250)])
    res = sl.logit("released ~ C(year) + age + checks", data=sub)
    fig = res.plot_effect("checks", data=sub)
    assert "year = 1997" in fig.axes[0].get_xlabel()
