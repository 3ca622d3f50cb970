"""The full report (``res.report()``): numbers checked against R by parsing what it renders.

References: tests/data/pima_flagship.json (R 4.2.2; exact profile limits, ResourceSelection
hoslem.test, pROC-style AUC, confusion at 0.5, car/design VIF, Box-Tidwell). Rendered numbers
are rounded to 4 significant digits, so Markdown is compared with rtol 6e-4 (half a unit in
the 4th digit is at most 5e-4 relative); JSON carries full precision and is compared tightly.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import statlogit as sl
from statlogit.exceptions import OptionError

FORMULA = "diabetes ~ glucose + mass + age"
RENDER_RTOL = 6e-4


@pytest.fixture(scope="module")
def report(res):
    return res.report()


@pytest.fixture(scope="module")
def report10(res):
    return res.report(units={"glucose": 10})


def md_table(markdown: str, caption_start: str) -> pd.DataFrame:
    """The Markdown table under the bold caption that starts with ``caption_start``."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"**{caption_start}"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split(" | ")])
    header, body = rows[0], rows[2:]
    return pd.DataFrame([r[1:] for r in body], index=[r[0] for r in body], columns=header[1:])


def md_fact(markdown: str, label: str) -> str:
    m = re.search(rf"^- \*\*{re.escape(label)}:\*\* (.*)$", markdown, flags=re.M)
    assert m, f"fact {label!r} not in the Markdown report"
    return m.group(1)


def num(text: str) -> float:
    return float(text.replace("&lt;", "").replace("<", ""))


def test_odds_ratio_table_matches_r_profile_limits(report, ref):
    table = md_table(report.to_markdown(), "Odds ratios")
    exact = ref.ref["odds_ratio_ci_profile_exact"]
    for i, name in enumerate(ref.names):
        row = table.loc[name]
        np.testing.assert_allclose(num(row["odds ratio"]), ref.ref["odds_ratio"][i], rtol=RENDER_RTOL)
        np.testing.assert_allclose(num(row["2.5%"]), exact["lower"][i], rtol=RENDER_RTOL)
        np.testing.assert_allclose(num(row["97.5%"]), exact["upper"][i], rtol=RENDER_RTOL)


def test_coefficient_table_matches_r(report, ref):
    table = md_table(report.to_markdown(), "Coefficients")
    for i, name in enumerate(ref.names):
        row = table.loc[name]
        np.testing.assert_allclose(num(row["log-odds"]), ref.ref["coef"][i], rtol=RENDER_RTOL)
        np.testing.assert_allclose(num(row["SE"]), ref.ref["se"][i], rtol=RENDER_RTOL)
        np.testing.assert_allclose(num(row["z"]), ref.ref["z"][i], atol=5e-4)
        np.testing.assert_allclose(num(row["2.5%"]), ref.ref["ci_profile_exact"]["lower"][i], rtol=RENDER_RTOL)
        np.testing.assert_allclose(num(row["97.5%"]), ref.ref["ci_profile_exact"]["upper"][i], rtol=RENDER_RTOL)
    # p below 1e-16 is printed as such (R: 5.8e-37 and 1.8e-24); age's p to 3 digits
    assert table.loc["Intercept", "p"] == "&lt;1e-16"
    np.testing.assert_allclose(num(table.loc["age", "p"]), ref.ref["p"][3], rtol=2e-3)


def test_fit_statistics_match_r(report, ref):
    md = report.to_markdown()
    r = ref.ref
    np.testing.assert_allclose(float(md_fact(md, "AUC (C statistic)")), r["auc"], atol=5e-5)
    np.testing.assert_allclose(float(md_fact(md, "Brier score")), r["brier"], atol=5e-5)
    hl = re.match(r"chi2 = ([\d.]+) on (\d+) df, p = ([\d.]+)", md_fact(md, "Hosmer-Lemeshow"))
    np.testing.assert_allclose(float(hl.group(1)), r["hosmer_lemeshow"]["stat"], atol=5e-4)
    assert int(hl.group(2)) == r["hosmer_lemeshow"]["df"]
    np.testing.assert_allclose(float(hl.group(3)), r["hosmer_lemeshow"]["p"], atol=5e-4)
    lr = re.match(r"chi2 = ([\d.]+) on (\d+) df", md_fact(md, "LR test vs null"))
    np.testing.assert_allclose(float(lr.group(1)), r["lr_test"]["stat"], atol=5e-4)
    aic, bic = (float(v) for v in md_fact(md, "AIC / BIC").split(" / "))
    np.testing.assert_allclose([aic, bic], [r["aic"], r["bic"]], atol=5e-4)
    r2 = dict(re.findall(r"(McFadden|Nagelkerke|Cox-Snell|Tjur) ([\d.]+)", md_fact(md, "Pseudo-R2")))
    for ours, theirs in (("McFadden", "mcfadden"), ("Nagelkerke", "nagelkerke"), ("Cox-Snell", "cox_snell"),
                         ("Tjur", "tjur")):
        np.testing.assert_allclose(float(r2[ours]), r["pseudo_r2"][theirs], atol=5e-5)
    assert md_fact(md, "Observations") == f"{r['n']} used, {r['n_dropped']} dropped for missing values"


def test_confusion_table_matches_r(report, ref):
    table = md_table(report.to_markdown(), "Confusion table")
    c = ref.ref["confusion_0.5"]
    assert table.to_numpy().astype(int).tolist() == [[c["tn"], c["fp"]], [c["fn"], c["tp"]]]
    assert list(table.index) == ["observed diabetes = neg", "observed diabetes = pos"]


def test_json_carries_full_precision(report, ref):
    d = json.loads(report.to_json())
    r = ref.ref
    coefs = {c["term"]: c for c in d["coefficients"]}
    for i, name in enumerate(ref.names):
        c = coefs[name]
        np.testing.assert_allclose(c["coef"], r["coef"][i], rtol=1e-9)
        np.testing.assert_allclose(c["se"], r["se_at_mle"][i], rtol=1e-7)
        np.testing.assert_allclose(c["or_ci_lower"], r["odds_ratio_ci_profile_exact"]["lower"][i], rtol=1e-7)
        np.testing.assert_allclose(c["or_ci_upper"], r["odds_ratio_ci_profile_exact"]["upper"][i], rtol=1e-7)
    np.testing.assert_allclose(d["classification"]["auc"], r["auc"], rtol=1e-9)
    np.testing.assert_allclose(d["classification"]["brier"], r["brier"], rtol=1e-9)
    assert {k: d["classification"][k] for k in ("tn", "fp", "fn", "tp")} == r["confusion_0.5"]
    np.testing.assert_allclose(d["hosmer_lemeshow"]["statistic"], r["hosmer_lemeshow"]["stat"], rtol=1e-7)
    np.testing.assert_allclose(d["fit"]["lr_test"]["stat"], r["lr_test"]["stat"], rtol=1e-9)
    np.testing.assert_allclose(d["fit"]["aic"], r["aic"], rtol=1e-12)
    vif = {v["term"]: v for v in d["vif"]}
    for term, gvif in zip(r["design_gvif"]["terms"], r["design_gvif"]["gvif"]):
        np.testing.assert_allclose(vif[term]["gvif"], gvif, rtol=1e-9)
    bt = {b["predictor"]: b for b in d["box_tidwell"]["table"]}
    for k, var in enumerate(r["box_tidwell"]["variables"]):
        np.testing.assert_allclose(bt[var]["gamma"], r["box_tidwell"]["gamma"][k], rtol=1e-6)
    np.testing.assert_allclose(d["box_tidwell"]["lr_stat"], r["box_tidwell"]["lr_stat"], rtol=1e-6)
    # top influential rows: R's five largest Cook's distances (used rows are 1-based in R)
    cooks = np.asarray(r["influence"]["cooks"])
    r_top = [r["used_rows"][i] - 1 for i in np.argsort(-cooks)[:5]]
    assert [int(row["row"]) for row in d["influence"]["top"]] == r_top
    np.testing.assert_allclose([row["cooks"] for row in d["influence"]["top"]], np.sort(cooks)[::-1][:5], rtol=1e-6)
    from statlogit.report.jsonschema import SCHEMA_KEYS

    assert set(d) == set(SCHEMA_KEYS)


def test_sentences_state_odds_ratios_in_words(report, report10, ref):
    r = ref.ref
    lo, hi = r["odds_ratio_ci_profile_exact"]["lower"][1], r["odds_ratio_ci_profile_exact"]["upper"][1]
    pattern = re.compile(r"Each (\d+)-unit increase in glucose multiplies the odds of diabetes = pos by "
                         r"([\d.]+) \(95% CI ([\d.]+) to ([\d.]+)\)\.")
    m = next(pattern.search(s) for s in report.data["sentences"] if pattern.search(s))
    assert m.group(1) == "1"
    np.testing.assert_allclose([float(m.group(k)) for k in (2, 3, 4)], [r["odds_ratio"][1], lo, hi], rtol=RENDER_RTOL)
    m10 = next(pattern.search(s) for s in report10.data["sentences"] if pattern.search(s))
    assert m10.group(1) == "10"
    # per 10 units: exp(10 b), with the limits raised to the 10th power
    np.testing.assert_allclose([float(m10.group(k)) for k in (2, 3, 4)],
                               [r["odds_ratio"][1] ** 10, lo ** 10, hi ** 10], rtol=RENDER_RTOL)
    assert "Each 10-unit increase in glucose" in report10.to_html()
    table = md_table(report10.to_markdown(), "Odds ratios")
    assert table.loc["glucose", "per"] == "10" and table.loc["mass", "per"] == "1"


def test_units_are_validated(res):
    with pytest.raises(OptionError, match="units names 'weight'"):
        res.report(units={"weight": 10}, plots=False)
    with pytest.raises(OptionError, match=r"units\['glucose'\]=-1 is not valid"):
        res.report(units={"glucose": -1}, plots=False)


def test_report_sections_and_views(report):
    text = report.to_text()
    for heading in ("Model", "Coefficients and odds ratios", "Fit and discrimination", "Assumptions", "Details"):
        assert f"\n{heading}\n" in text
        assert f"## {heading}" in report.to_markdown()
    assert "linearity of the logit" in text  # the assumption table, with its advice
    assert "Collinearity (VIF / GVIF)" in text and "Box-Tidwell" in text and "Most influential rows" in text
    assert str(report) == text
    assert report._repr_html_() == report.to_html()


def test_html_is_self_contained(report):
    page = report.to_html()
    assert "<script" not in page.lower()
    srcs = re.findall(r'\bsrc="([^"]*)"', page)
    assert len(srcs) == 6 and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert all(h.startswith("#") for h in re.findall(r'\bhref="([^"]*)"', page))
    assert "http://" not in page and "https://" not in page
    assert "Content-Security-Policy" in page and 'name="viewport"' in page
    assert 'class="num"' in page  # numbers right-aligned in tabular figures


def test_save_by_suffix(report, tmp_path):
    for suffix in (".html", ".md", ".txt", ".json"):
        path = report.save(tmp_path / f"r{suffix}")
        assert path.stat().st_size > 0
    assert (tmp_path / "r.md").read_text().count("](r_figures/") == 6
    assert sorted(p.name for p in (tmp_path / "r_figures").iterdir()) == [
        "calibration.png", "effect.png", "forest.png", "influence.png", "linearity.png", "roc.png"]
    assert json.loads((tmp_path / "r.json").read_text())["model"]["n_obs"] == 752
    with pytest.raises(OptionError, match=r"\.html, \.md, \.txt or \.json"):
        report.save(tmp_path / "r.pdf")


def test_data_text_is_escaped(pima):
    data = pima.assign(group=np.where(pima["pregnant"] % 2 == 0, "<b>x</b>", "<i>y</i>"))
    res = sl.logit("diabetes ~ glucose + group", data=data)
    rep = res.report(plots=False, ci_method="wald")
    page = rep.to_html()
    assert "<b>x</b>" not in page and "<i>y</i>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "group: &lt;i&gt;y&lt;/i&gt; (vs &lt;b&gt;x&lt;/b&gt;)" in page
    assert "group = &lt;i&gt;y&lt;/i&gt; rather than &lt;b&gt;x&lt;/b&gt;" in page
    md = rep.to_markdown()
    assert "<b>" not in md and "<i>" not in md
    assert "<b>x</b>" in rep.to_text()  # plain text shows the level as it is


def test_wald_report_and_notes_for_separation(load_case):
    case = load_case("separation_complete")
    with pytest.warns(sl.SeparationWarning):
        res = sl.logit(case.formula, data=case.data)
    with np.errstate(over="ignore", invalid="ignore"):
        rep = res.report(plots=False)
    d = json.loads(rep.to_json())
    assert d["ci_method"] == "wald"
    assert d["model"]["separation"]["status"] == case.ref["separation"]["status"] == "complete"
    assert any("separation" in n for n in d["notes"])
    assert "## Notes" in rep.to_markdown()
