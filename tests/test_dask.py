"""Dask backend: the same fit and inference on partitions (LocalCluster on loopback).

Every number is compared with the in-memory fit of the same rows (itself tested against R
in test_reference.py) to 1e-8 relative, and, where R references exist (Pima, tests/data),
with R directly. Faults and bad input are checked for errors that name the file/partition.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import statlogit as sl  # noqa: E402
from statlogit.exceptions import (  # noqa: E402
    DataError,
    DistributedError,
    FormulaError,
    OptionError,
)

DATA = Path(__file__).parent / "data"
RTOL = 1e-8
FORMULA = "low ~ age + lwt + race + smoke + ht + ui"


def assert_rel(a, b, rtol=RTOL, atol=0.0):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=atol)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster, set_as_default=False) as c:
        yield c


@pytest.fixture(scope="module")
def birth() -> pd.DataFrame:
    """birthwt with a text factor (race) and missing values in a numeric and the text column."""
    df = pd.read_csv(DATA / "birthwt.csv")
    df.loc[[3, 50, 140], "lwt"] = np.nan
    df.loc[[7, 120], "race"] = None
    return df


@pytest.fixture(scope="module")
def birth_mem(birth):
    return sl.logit(FORMULA, birth)


@pytest.fixture(scope="module")
def files(birth, tmp_path_factory):
    d = tmp_path_factory.mktemp("birth")
    for i, chunk in enumerate([birth.iloc[:60], birth.iloc[60:130], birth.iloc[130:]]):
        chunk.to_parquet(d / f"part{i}.parquet")
        chunk.to_csv(d / f"part{i}.csv", index=False)
    return d


@pytest.fixture(scope="module")
def pima():
    return sl.datasets.load_pima()


@pytest.fixture(scope="module")
def pima_pair(pima):
    f = "diabetes ~ glucose + mass + age"
    return sl.logit(f, pima), sl.logit(f, dd.from_pandas(pima, npartitions=3))


def assert_same_fit(r, m):
    assert r.names == m.names
    assert_rel(r.params, m.params)
    assert_rel(r.bse, m.bse)
    assert_rel(r.llf, m.llf)
    assert (r.nobs, r.n_dropped) == (m.nobs, m.n_dropped)
    assert r.converged


def test_dask_frame_matches_in_memory(birth, birth_mem):
    r = sl.logit(FORMULA, dd.from_pandas(birth, npartitions=4))
    m = birth_mem
    assert_same_fit(r, m)
    assert r.n_dropped == 5
    assert_rel(r.llnull, m.llnull)
    assert_rel(r.lr_test(), m.lr_test())
    assert_rel(r.pseudo_r2(), m.pseudo_r2())
    assert_rel(r.odds_ratios(), m.odds_ratios())
    assert_rel([r.aic, r.bic, r.deviance], [m.aic, m.bic, m.deviance])
    drop_method = lambda s: "\n".join(x for x in str(s).splitlines() if not x.startswith("Method"))  # noqa: E731
    assert drop_method(r.summary()) == drop_method(m.summary())


def test_pima_matches_r(pima_pair):
    ref = json.loads((DATA / "pima_flagship.json").read_text())
    _, r = pima_pair
    assert r.nobs == ref["n"] and r.n_dropped == ref["n_dropped"]
    assert_rel(r.params.to_numpy(), ref["coef"], rtol=1e-7)
    assert_rel(r.bse.to_numpy(), ref["se"], rtol=1e-6)
    assert_rel(r.llf, ref["loglik"], rtol=1e-10)


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_glob_on_local_cluster_matches_in_memory(files, birth_mem, client, kind):
    r = sl.logit(FORMULA, str(files / f"*.{kind}"), client=client)
    assert_same_fit(r, birth_mem)
    assert r.design.frame.npartitions == 3


def test_processes_true_starts_and_closes_a_local_cluster(files, birth_mem):
    r = sl.logit(FORMULA, str(files / "*.parquet"), processes=True)
    assert_same_fit(r, birth_mem)
    with pytest.raises(ValueError):
        distributed.Client.current()  # nothing left running as the default client


def test_predict_returns_dask_series(birth, birth_mem):
    r = sl.logit(FORMULA, dd.from_pandas(birth, npartitions=3))
    complete = birth.dropna()
    p = r.predict(dd.from_pandas(complete, npartitions=2))
    assert isinstance(p, dd.Series)
    assert_rel(p.compute(), birth_mem.predict(complete), rtol=1e-12)
    fitted = r.predict().compute()
    pd.testing.assert_index_equal(fitted.index, birth_mem.fittedvalues.index)
    assert_rel(fitted, birth_mem.fittedvalues, rtol=1e-12)
    ci = r.predict(dd.from_pandas(complete, npartitions=2), interval=True).compute()
    assert_rel(ci, birth_mem.predict(complete, interval=True), rtol=1e-10)
    cls = r.predict(dd.from_pandas(complete, npartitions=2), kind="class").compute()
    assert (cls.to_numpy() == birth_mem.predict(complete, kind="class").to_numpy()).all()


def test_profile_intervals_by_refits(pima_pair, capsys):
    ref = json.loads((DATA / "pima_flagship.profile_exact.json").read_text())
    m, r = pima_pair
    ci = r.conf_int(method="profile", progress=True)
    assert_rel(ci, m.conf_int(method="profile"), rtol=1e-7)
    assert_rel(ci["lower"], ref["lower"], rtol=1e-6)
    assert_rel(ci["upper"], ref["upper"], rtol=1e-6)
    assert_rel(r.odds_ratios(method="profile")["lower"], np.exp(ci["lower"]), rtol=1e-14)


def test_vif_and_box_tidwell(birth, birth_mem):
    r = sl.logit(FORMULA, dd.from_pandas(birth, npartitions=3))
    assert_rel(r.vif(), birth_mem.vif(), rtol=1e-10)
    assert_rel(r.vif(basis="vcov"), birth_mem.vif(basis="vcov"), rtol=1e-7)
    bt, bm = r.box_tidwell(), birth_mem.box_tidwell()
    assert list(bt.table.index) == ["age", "lwt"] and bt.skipped == bm.skipped
    assert_rel(bt.table, bm.table, rtol=1e-6)
    assert_rel(bt.lr_stat, bm.lr_stat, rtol=1e-6)


def test_hosmer_lemeshow_classification_roc(pima_pair):
    ref = json.loads((DATA / "pima_flagship.json").read_text())
    m, r = pima_pair
    hl = r.hosmer_lemeshow()
    assert hl.exact and 0 < hl.rows_at_cuts < 100
    assert_rel(hl.table["n"], ref["hosmer_lemeshow"]["group_n"])
    assert_rel(hl.table["observed_events"], ref["hosmer_lemeshow"]["observed_1"])
    assert_rel(hl.table["expected_events"], ref["hosmer_lemeshow"]["expected_1"], rtol=1e-7)
    assert_rel(hl.table[["lower", "upper"]].stack(), m.hosmer_lemeshow().table[["lower", "upper"]].stack(), rtol=1e-10)
    assert_rel(hl.statistic, ref["hosmer_lemeshow"]["stat"], rtol=1e-7)
    for g in (5, 7, 12):
        assert_rel(r.hosmer_lemeshow(g).table, m.hosmer_lemeshow(g).table, rtol=1e-9)
    assert_rel(r.calibration(), m.calibration(), rtol=1e-9)
    c, cm = r.classification(), m.classification()
    for k in ("tn", "fp", "fn", "tp"):
        assert c[k] == cm[k]
    assert_rel(c["brier"], cm["brier"], rtol=1e-10)
    assert abs(c["auc"] - ref["auc"]) <= c["auc_error_bound"] + 1e-12
    assert c["auc_error_bound"] < 1e-3
    roc = r.roc()
    assert roc["fpr"].is_monotonic_increasing and roc["tpr"].iloc[-1] == 1.0
    assert_rel(r.pseudo_r2()["tjur"], m.pseudo_r2()["tjur"], rtol=1e-10)


def test_hosmer_lemeshow_binned_fallback(pima_pair, monkeypatch):
    """When the bins holding the cut points hold too many rows, the cuts move to bin edges."""
    from statlogit.backends import dask_risk

    m, r = pima_pair
    monkeypatch.setattr(dask_risk, "MAX_CUT_ROWS", 0)
    hl = r.hosmer_lemeshow()
    assert not hl.exact and "approximate groups" in hl.note
    exact = m.hosmer_lemeshow().table
    # only rows sharing a bin with a cut can change group
    assert np.abs(hl.table["n"].to_numpy() - exact["n"].to_numpy()).sum() <= 2 * hl.rows_at_cuts
    assert hl.table["n"].sum() == m.nobs and hl.table["observed_events"].sum() == exact["observed_events"].sum()


def test_influence_top_k_streams(birth, birth_mem):
    r = sl.logit(FORMULA, dd.from_pandas(birth, npartitions=4))
    top = r.influence().top(5)
    exp = birth_mem.influence().top(5)
    assert list(top["row"]) == list(exp.index)
    for col in ("hat", "cooks", "resid_pearson", "rstandard_deviance", "rstudent"):
        assert_rel(top[col], exp[col], rtol=1e-7)
    counts = r.influence().counts
    t = birth_mem.influence().table
    assert counts["cooks_gt_4n"] == int((t["cooks"] > 4 / birth_mem.nobs).sum())
    assert counts["rstandard_gt_3"] == int((t["rstandard_deviance"].abs() > 3).sum())
    assert_rel(counts["max_cooks"], t["cooks"].max(), rtol=1e-7)


def test_influence_rows_named_by_stored_index(files, birth, birth_mem):
    """part1.parquet holds birthwt rows 60..129 with their pandas index: a row is named "index 100",
    never "row 100" (which would read as the 101st row of the file)."""
    r = sl.logit(FORMULA, str(files / "part*.parquet"))
    top = r.influence().top(3)
    exp = birth_mem.influence().top(3)
    assert list(top["row"]) == list(exp.index)
    t = r.influence().table
    want = [f"part{0 if i < 60 else 1 if i < 130 else 2}.parquet" for i in exp.index]
    assert [Path(p).name for p in top["partition"]] == want
    assert list(t.index[:3]) == [f"{p}: index {i}" for p, i in zip(top["partition"], exp.index)]
    a = r.check_assumptions().table
    note = a.loc[a["assumption"] == "influential observations and outliers", "advice"].iloc[0]
    for p, i in zip(top["partition"], exp.index):
        assert f"{p} index {i} (D = " in note
    assert " row " not in note.split("largest:")[1]


def test_check_assumptions_and_report(pima_pair):
    m, r = pima_pair
    a, am = r.check_assumptions().table, m.check_assumptions().table
    assert list(a["verdict"]) == list(am["verdict"])
    rep = r.report(ci_method="wald")
    text = str(rep)
    assert "264 of 752" in text and "Hosmer-Lemeshow" in text
    with pytest.raises(OptionError, match="plots"):
        r.report(plots=True)


def test_a_level_seen_only_in_a_late_partition(birth, client):
    df = birth.sample(frac=1.0, random_state=7)  # birthwt is sorted by the outcome
    df.loc[df.index[-30:], "race"] = "yellow"  # only in the last partition
    r = sl.logit(FORMULA, dd.from_pandas(df, npartitions=4), client=client)
    m = sl.logit(FORMULA, df)
    assert "race[T.yellow]" in r.names
    assert_same_fit(r, m)


# ------------------------------------------------------------------------------ faults


def test_empty_glob_names_the_pattern(tmp_path, client):
    with pytest.raises(DataError, match=r"no files match .*nothing\*\.parquet"):
        sl.logit(FORMULA, str(tmp_path / "nothing*.parquet"), client=client)


def test_differing_parquet_schemas_name_the_file(birth, tmp_path, client):
    birth.iloc[:90].to_parquet(tmp_path / "a.parquet")
    bad = birth.iloc[90:].assign(age=birth["age"].iloc[90:].astype(str))
    bad.to_parquet(tmp_path / "b.parquet")
    with pytest.raises(DataError, match=r"b\.parquet.*column 'age' has type (large_)?string, but int64 in .*a\.parquet"):
        sl.logit(FORMULA, str(tmp_path / "*.parquet"), client=client)


def test_formula_column_missing_from_a_file(birth, tmp_path, client):
    birth.iloc[:90].to_parquet(tmp_path / "a.parquet")
    birth.iloc[90:].drop(columns="smoke").to_parquet(tmp_path / "b.parquet")
    with pytest.raises(DataError, match=r"b\.parquet.* lacks the formula column 'smoke'"):
        sl.logit(FORMULA, str(tmp_path / "*.parquet"), client=client)
    birth.iloc[:90].to_csv(tmp_path / "a.csv", index=False)
    birth.iloc[90:].drop(columns="smoke").to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(DataError, match=r"b\.csv.* lacks the formula column"):
        sl.logit(FORMULA, str(tmp_path / "*.csv"), client=client)


def test_csv_files_with_differing_types_name_the_file(birth, tmp_path, client):
    birth.iloc[:90].to_csv(tmp_path / "a.csv", index=False)
    birth.iloc[90:].assign(lwt="heavy").to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(DataError, match=r"b\.csv: column 'lwt' has type (object|string|str), but float64 in .*a\.csv"):
        sl.logit(FORMULA, str(tmp_path / "*.csv"), client=client)


def _flaky_partition(i, frame, counter_dir, fail_at):
    """Partition ``i`` of ``frame``; partition 2 fails on its ``fail_at``-th read."""
    path = os.path.join(counter_dir, f"calls{i}")
    calls = int(open(path).read()) + 1 if os.path.exists(path) else 1
    with open(path, "w") as fh:
        fh.write(str(calls))
    if i == 2 and calls == fail_at:
        raise OSError("the disk holding partition 2 went away")
    bounds = np.linspace(0, len(frame), 5).astype(int)
    return frame.iloc[bounds[i]:bounds[i + 1]]


@pytest.mark.parametrize("on_cluster", [False, True])
def test_partition_failing_mid_fit_raises_and_returns_nothing(birth, tmp_path, client, on_cluster):
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ddf = dd.from_map(_flaky_partition, range(4), args=(birth, str(tmp_path), 3), meta=birth.iloc[:0],
                      enforce_metadata=False)
    # Read 1 is the first pass, read 2 the first Newton pass: read 3 fails mid-fit.
    try:
        with pytest.raises(DistributedError, match=r"Newton pass failed.*OSError: the disk holding partition 2"):
            sl.logit(FORMULA, ddf, client=client if on_cluster else None)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def _dying_partition(i, frame):
    if i == 1:
        os._exit(1)  # the worker process dies
    return frame


def test_worker_dying_mid_fit_raises(birth):
    import cloudpickle
    import dask

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ddf = dd.from_map(_dying_partition, range(2), args=(birth,), meta=birth.iloc[:0], enforce_metadata=False)
    try:
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                          dashboard_address=":0") as cluster, \
                    distributed.Client(cluster, set_as_default=False) as c:
                with pytest.raises(DistributedError, match="no result was formed"):
                    sl.logit(FORMULA, ddf, client=c)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def test_options_not_available_on_dask(birth):
    ddf = dd.from_pandas(birth, npartitions=2)
    with pytest.raises(OptionError, match="weights="):
        sl.logit(FORMULA, ddf, weights=np.ones(len(birth)))
    with pytest.raises(OptionError, match="method='gd' is not available on Dask"):
        sl.logit(FORMULA, ddf, method="gd")
    with pytest.raises(FormulaError, match="learns from the data"):
        sl.logit("low ~ center(age) + lwt", ddf)
    with pytest.raises(DataError, match="stay in the partitions"):
        sl.logit(FORMULA, ddf).fittedvalues.compute() if False else sl.logit(FORMULA, ddf)._fitted  # noqa: B018


def test_inference_not_streamed_is_a_clear_error(birth, birth_mem):
    ddf = dd.from_pandas(birth, npartitions=2)
    with pytest.raises(OptionError, match="cov_type='HC1' is not available on Dask"):
        sl.logit(FORMULA, ddf, cov_type="HC1")
    r = sl.logit(FORMULA, ddf)
    with pytest.raises(OptionError, match="not available for a Dask fit"):
        r.with_cov("HC0")
    with pytest.raises(OptionError, match="use anova\\(test='wald'\\)"):
        r.anova()
    assert_rel(r.anova(test="wald"), birth_mem.anova(test="wald"), rtol=1e-7)
    with pytest.raises(OptionError, match="marginal effects"):
        r.marginal_effects()


def test_transforms_and_caller_functions_on_workers(birth, client):
    def kg(pounds):
        return pounds * 0.4536

    f = "low ~ np.log(age) + kg(lwt) + C(race, Treatment('white')) + smoke:ht"
    r = sl.logit(f, dd.from_pandas(birth, npartitions=3), client=client)
    m = sl.logit(f, birth)
    assert_same_fit(r, m)


# ------------------------------------------------------------------------------ GPU


def test_device_block_function_equals_the_kernel_on_numpy(birth_mem):
    """The CuPy path's block function, run with numpy, gives the CPU kernel's numbers."""
    from statlogit.backends.cupy import loglik_score_information_xp
    from statlogit.kernel import loglik_score_information

    d = birth_mem.design
    beta = birth_mem.fit_info.params * 0.7
    w = np.linspace(0.5, 2.0, d.nobs)
    for kw in ({}, {"weights": w}, {"offset": w - 1.0}):
        got = loglik_score_information_xp(np, d.X, d.y, beta, need_hessian=True, block_rows=50, **kw)
        exp = loglik_score_information(d.X, d.y, beta, **kw)
        assert_rel(got[0], exp[0], rtol=1e-12)
        assert_rel(got[1], exp[1], rtol=1e-10, atol=1e-10)
        assert_rel(got[2], exp[2], rtol=1e-10)
    eta_huge = np.array([[1e300], [-1e300]])
    ll, _, _ = loglik_score_information_xp(np, eta_huge, np.array([1.0, 0.0]), np.array([1.0]))
    assert ll == 0.0


def test_cuda_without_a_gpu_is_a_clear_error(birth):
    from statlogit.backends.cupy import gpu_available

    if gpu_available():
        pytest.skip("a GPU is present")
    with pytest.raises(OptionError, match="device='cuda' needs CuPy and a CUDA GPU"):
        sl.Logit.from_formula(FORMULA, birth).fit(device="cuda")


def test_cuda_fit_equals_cpu(birth, birth_mem):
    from statlogit.backends.cupy import gpu_available

    if not gpu_available():
        pytest.skip("needs CuPy and a CUDA GPU")
    r = sl.Logit.from_formula(FORMULA, birth).fit(device="cuda")
    assert_same_fit(r, birth_mem)
    rd = sl.logit(FORMULA, dd.from_pandas(birth, npartitions=3), device="cuda")
    assert_same_fit(rd, birth_mem)


# ------------------------------------------------------------------------------ entry points


def test_cli_fits_a_glob_of_parquet_files(capsys, tmp_path, pima):
    from statlogit.cli import main

    ref = json.loads((DATA / "pima_flagship.json").read_text())
    for i, chunk in enumerate([pima.iloc[:300], pima.iloc[300:]]):
        chunk.to_parquet(tmp_path / f"pima{i}.parquet")
    js, md = tmp_path / "p.json", tmp_path / "p.md"
    code = main(["fit", str(tmp_path / "pima*.parquet"), "diabetes ~ glucose + mass + age", "--json", str(js),
                 "--report", str(md)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Assumption checks" in out and "752 used, 16 dropped" in out
    d = json.loads(js.read_text())
    assert_rel([c["coef"] for c in d["coefficients"]], ref["coef"], rtol=1e-7)
    assert_rel([c["ci_lower"] for c in d["coefficients"]],
               json.loads((DATA / "pima_flagship.profile_exact.json").read_text())["lower"], rtol=1e-6)
    assert d["hosmer_lemeshow"]["statistic"] == pytest.approx(ref["hosmer_lemeshow"]["stat"], rel=1e-7)
    assert md.read_text().startswith("# Logistic regression")


def test_logit_from_formula_on_dask_gives_a_reusable_model(birth, birth_mem):
    from statlogit.backends.dask_model import DaskLogit

    model = sl.Logit.from_formula(FORMULA, dd.from_pandas(birth, npartitions=3))
    assert isinstance(model, DaskLogit)
    r1, r2 = model.fit(), model.fit(tol=1e-10)
    assert_same_fit(r1, birth_mem)
    assert_rel(r2.params, birth_mem.params, rtol=1e-8)
    assert model.design.nobs == birth_mem.nobs  # fitting leaves the model as built


def test_categorical_and_boolean_columns_from_parquet(tmp_path):
    rng = np.random.default_rng(3)
    n = 3000
    df = pd.DataFrame({"x": rng.normal(size=n), "b": rng.random(n) < 0.4,
                       "g": pd.Categorical(rng.choice(["lo", "mid", "hi"], n), categories=["lo", "mid", "hi"])})
    df["y"] = rng.random(n) < 1 / (1 + np.exp(-(df.x + df.b * 0.5)))
    df.iloc[:1500].to_parquet(tmp_path / "a.parquet")
    df.iloc[1500:].to_parquet(tmp_path / "b.parquet")
    m = sl.logit("y ~ x + g + b", df)
    for data in (str(tmp_path / "*.parquet"), dd.read_parquet(tmp_path)):
        r = sl.logit("y ~ x + g + b", data)
        assert r.names == ["Intercept", "x", "g[T.mid]", "g[T.hi]", "b[T.True]"]  # category order kept
        assert_same_fit(r, m)


def test_real_data_quirks_keyword_response_interactions_text_factors(tmp_path):
    """biopsy: the response is the keyword `class` (Q("class")) and V6 has missing values;
    arrests: text factors, C(year), an interaction; both from Parquet files."""
    b = pd.read_csv(DATA / "biopsy.csv")
    for i, ix in enumerate(np.array_split(np.arange(len(b)), 3)):
        b.iloc[ix].to_parquet(tmp_path / f"biopsy{i}.parquet")
    f = 'Q("class") ~ V1 + V3 + V6 + V7'
    r, m = sl.logit(f, str(tmp_path / "biopsy*.parquet")), sl.logit(f, b)
    assert_same_fit(r, m)
    assert r.n_dropped == 16 and r.design.event_label() == m.design.event_label()
    a = pd.read_csv(DATA / "arrests.csv")
    for i, ix in enumerate(np.array_split(np.arange(len(a)), 4)):
        a.iloc[ix].to_parquet(tmp_path / f"arrests{i}.parquet")
    f = "released ~ colour * age + C(year) + sex + employed + citizen + checks"
    r, m = sl.logit(f, str(tmp_path / "arrests*.parquet")), sl.logit(f, a)
    assert_same_fit(r, m)
    assert_rel(r.hosmer_lemeshow().table, m.hosmer_lemeshow().table, rtol=1e-9)
    ca, cm = r.check_assumptions().table, m.check_assumptions().table
    assert list(ca["verdict"]) == list(cm["verdict"])
    assert_rel(ca["statistic"].dropna().astype(float), cm["statistic"].dropna().astype(float), rtol=1e-6)


def test_predict_on_new_files_names_the_file_with_a_new_level(files, birth, tmp_path):
    from statlogit.exceptions import PredictionError

    r = sl.logit(FORMULA, str(files / "*.parquet"))
    new = birth.dropna().iloc[:20].assign(race="purple")
    new.to_parquet(tmp_path / "new0.parquet")
    with pytest.raises(PredictionError, match=r"new0\.parquet: newdata has a factor level the model was not fitted"):
        r.predict(str(tmp_path / "new*.parquet")).compute()


def test_infinite_values_name_the_partition(birth):
    df = birth.copy()
    df.loc[150, "lwt"] = np.inf
    with pytest.raises(DataError, match=r"partition 3: column\(s\) lwt have infinite values"):
        sl.logit(FORMULA, dd.from_pandas(df, npartitions=4))


def test_numeric_parquet_first_pass_from_the_footers(pima, tmp_path):
    from statlogit.exceptions import ResponseError

    f = "y ~ glucose + mass + age"
    df = pima.assign(y=(pima["diabetes"] == "pos").astype(float)).drop(columns="diabetes")
    for i, chunk in enumerate([df.iloc[:300], df.iloc[300:600], df.iloc[600:]]):
        chunk.to_parquet(tmp_path / f"p{i}.parquet")
    r, m = sl.logit(f, str(tmp_path / "p*.parquet")), sl.logit(f, df)
    assert not r.design.spec.response_checked  # the footers replaced the first pass
    assert_same_fit(r, m)
    assert r.n_dropped == 16
    with pytest.raises(DataError, match="16 of 768 rows have missing values"):
        sl.logit(f, str(tmp_path / "p*.parquet"), missing="raise")
    df.iloc[600:].assign(y=np.where(np.arange(168) == 5, 0.5, df["y"].iloc[600:])).to_parquet(tmp_path / "p2.parquet")
    with pytest.raises(ResponseError, match=r"p2\.parquet: response 'y' has values other than 0 and 1 \(0\.5\)"):
        sl.logit(f, str(tmp_path / "p*.parquet"))


def test_in_memory_predict_refuses_dask_data_clearly(birth):
    with pytest.raises(DataError, match="Dask data"):
        sl.logit(FORMULA, birth.dropna()).predict(dd.from_pandas(birth.dropna(), npartitions=2))
