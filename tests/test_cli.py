"""The ``statlogit`` command and the example reports in reports/.

Numbers are checked against R (tests/data/pima_flagship.json); error cases check the
one-line message, the exit status and that no traceback is printed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from statlogit.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def ref(load_case):
    return load_case("pima_flagship")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_no_arguments_fits_pima_and_prints_summary_and_assumptions(capsys, ref):
    code, out, err = run(capsys)
    assert code == 0
    assert "Formula:          diabetes ~ glucose + mass + age" in out
    assert "Assumption checks" in out and "linearity of the logit" in out
    m = re.search(r"^glucose\s+(\S+)\s+(\S+)", out, flags=re.M)
    np.testing.assert_allclose(float(m.group(1)), ref.ref["coef"][1], rtol=6e-4)


def test_python_dash_m_runs_without_arguments():
    proc = subprocess.run([sys.executable, "-m", "statlogit"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Logistic regression" in proc.stdout and "Assumption checks" in proc.stdout


def test_fit_writes_report_and_json(capsys, tmp_path, ref):
    html, js = tmp_path / "out.html", tmp_path / "out.json"
    code, out, err = run(capsys, "fit", str(DATA / "birthwt.csv"), "low ~ age + lwt + race + smoke",
                         "--report", str(html), "--json", str(js), "--units", "lwt=10")
    assert code == 0, err
    assert "race: white (vs black)" in out and "Assumption checks" in out
    assert html.read_text().startswith("<!DOCTYPE html>")
    d = json.loads(js.read_text())
    assert d["model"]["n_obs"] == 189
    lwt = next(c for c in d["coefficients"] if c["term"] == "lwt")
    assert lwt["units"] == 10
    np.testing.assert_allclose(lwt["or_per_units"], np.exp(10 * lwt["coef"]), rtol=1e-12)


def test_fit_event_and_json_match_r(capsys, tmp_path, ref):
    csv = tmp_path / "pima.csv"
    from statlogit.datasets import load_pima

    load_pima().to_csv(csv, index=False)
    js = tmp_path / "pima.json"
    code, out, err = run(capsys, "fit", str(csv), "diabetes ~ glucose + mass + age", "--event", "pos",
                         "--json", str(js))
    assert code == 0, err
    d = json.loads(js.read_text())
    np.testing.assert_allclose([c["coef"] for c in d["coefficients"]], ref.ref["coef"], rtol=1e-9)
    np.testing.assert_allclose(d["classification"]["auc"], ref.ref["auc"], rtol=1e-9)
    # flip the event: the coefficients change sign
    code, out, err = run(capsys, "fit", str(csv), "diabetes ~ glucose + mass + age", "--event", "neg",
                         "--json", str(js))
    assert code == 0, err
    np.testing.assert_allclose([c["coef"] for c in json.loads(js.read_text())["coefficients"]],
                               -np.asarray(ref.ref["coef"]), rtol=1e-9)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fit", "no/such/file.csv", "y ~ x"], "data file 'no/such/file.csv' does not exist"),
        (["fit", str(DATA / "birthwt.csv"), "low ~ age + bogus"], "names 'bogus', which is not a column"),
        (["fit", str(DATA / "birthwt.csv"), "low ~ age", "--method", "magic"], "method='magic' is not valid"),
        (["fit", str(DATA / "birthwt.csv"), "low ~ age", "--event", "7"], "event=7 is not a level"),
        (["fit", str(DATA / "birthwt.csv"), "low ~ age", "--report", "out.pdf"], "use a name ending in .html"),
        (["fit", str(DATA / "birthwt.csv"), "low ~ age", "--units", "age"], "is not NAME=K"),
        (["fit", str(DATA / "birthwt.csv"), "race ~ age"], "'race' has 3 distinct values"),
    ],
)
def test_bad_input_gives_one_line_and_nonzero_exit(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code != 0
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("statlogit: error: ")


def test_unreadable_files(capsys, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    code, _, err = run(capsys, "fit", str(empty), "y ~ x")
    assert code != 0 and "cannot read CSV file" in err
    binary = tmp_path / "data.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 50)
    code, _, err = run(capsys, "fit", str(binary), "y ~ x")
    assert code != 0 and err.startswith("statlogit: error: ") and "Traceback" not in err


def test_parquet_needs_pyarrow(capsys, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    path = tmp_path / "d.parquet"
    path.write_bytes(b"PAR1")
    code, _, err = run(capsys, "fit", str(path), "y ~ x")
    assert code != 0 and "needs pyarrow" in err and "statlogit[parquet]" in err


def test_parquet_is_read_when_pyarrow_is_installed(capsys, tmp_path, ref):
    pytest.importorskip("pyarrow")
    from statlogit.datasets import load_pima

    path = tmp_path / "pima.parquet"
    load_pima().to_parquet(path)
    js = tmp_path / "p.json"
    code, _, err = run(capsys, "fit", str(path), "diabetes ~ glucose + mass + age", "--json", str(js))
    assert code == 0, err
    np.testing.assert_allclose([c["coef"] for c in json.loads(js.read_text())["coefficients"]],
                               ref.ref["coef"], rtol=1e-9)


def test_demo_writes_the_pima_reports(capsys, tmp_path, ref):
    code, out, err = run(capsys, "demo", "--out", str(tmp_path))
    assert code == 0, err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["pima_report.html", "pima_report.json", "pima_report.md", "pima_report.txt",
                     "pima_report_figures"]
    _check_pima_markdown((tmp_path / "pima_report.md").read_text(), ref)
    committed = ROOT / "reports" / "pima_report.md"
    assert (tmp_path / "pima_report.md").read_text() == committed.read_text(), (
        "reports/ is out of date: regenerate it with `python -m statlogit demo --out reports`")


def _check_pima_markdown(md: str, ref) -> None:
    """The committed example's numbers are R's (glucose per 10 units, as the demo asks)."""
    r = ref.ref
    exact = r["odds_ratio_ci_profile_exact"]
    for i, name in enumerate(["glucose", "mass", "age"], start=1):
        per = 10 if name == "glucose" else 1
        line = next(x for x in md.splitlines() if x.startswith(f"| {name} | {per} |"))
        orr, lo, hi = (float(v) for v in line.strip("|").split(" | ")[2:5])
        np.testing.assert_allclose([orr, lo, hi], [r["odds_ratio"][i] ** per, exact["lower"][i] ** per,
                                                   exact["upper"][i] ** per], rtol=6e-4)
    auc = float(re.search(r"\*\*AUC \(C statistic\):\*\* ([\d.]+)", md).group(1))
    np.testing.assert_allclose(auc, r["auc"], atol=5e-5)
    assert "![Predicted probability" in md


def test_committed_reports_match_r(ref):
    md = (ROOT / "reports" / "pima_report.md").read_text()
    _check_pima_markdown(md, ref)
    d = json.loads((ROOT / "reports" / "pima_report.json").read_text())
    np.testing.assert_allclose([c["or_ci_upper"] for c in d["coefficients"]],
                               ref.ref["odds_ratio_ci_profile_exact"]["upper"], rtol=1e-7)
    for name in ("forest", "effect", "roc", "calibration", "linearity", "influence"):
        assert (ROOT / "reports" / "pima_report_figures" / f"{name}.png").stat().st_size > 1000
    page = (ROOT / "reports" / "pima_report.html").read_text()
    assert page.count('src="data:image/png;base64,') == 6 and "<script" not in page
