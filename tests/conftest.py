"""Shared fixtures: the R reference cases (tests/data) and one Newton fit per case.

Reference values were computed in R 4.2.2 (``glm(..., family = binomial,
control = glm.control(epsilon = 1e-13, maxit = 100))``, ``confint``, MASS, car, ...);
see tests/data/README.md for every field. R names coefficients differently from patsy
(``racewhite`` vs ``race[T.white]``) and orders them differently, so reference values are
always matched to ours by name (:func:`r_to_ours`), never by position.

Fixtures
--------
``case_id``      parametrized over every reference case except ``separation_complete``
                 (through :func:`pytest_generate_tests`).
``fits``         session-scoped lazy cache: ``fits[case_id]`` is a :class:`FittedCase`
                 (the reference case + its Newton fit); profile intervals and other
                 solvers' fits are computed at most once per case.
``fitted``       ``fits[case_id]`` for the current ``case_id``.
``load_case``    ``load_case(case_id)`` -> :class:`ReferenceCase` (a fresh copy of the data).
``pima``         a fresh copy of the bundled Pima data.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import statlogit as sl

DATA_DIR = Path(__file__).parent / "data"

#: R coefficient names that differ from patsy's; every other name is the same in both.
R_TO_PATSY = {
    "(Intercept)": "Intercept",
    "racewhite": "race[T.white]",
    "raceother": "race[T.other]",
    "log(mass)": "np.log(mass)",
    "I(age^2)": "I(age ** 2)",
    "glucose:mass": "glucose:mass",
}

#: Cases whose MLE exists; ``separation_complete`` has no finite MLE (tested elsewhere).
SEPARATED = ("separation_complete",)


def r_to_ours(name: str) -> str:
    """Our (patsy) coefficient name for R's coefficient ``name``."""
    return R_TO_PATSY.get(name, name)


def _read_cases() -> list[dict[str, str]]:
    with open(DATA_DIR / "cases.tsv", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


CASES = {row["id"]: row for row in _read_cases()}
CASE_IDS = list(CASES)
REFERENCE_CASE_IDS = [c for c in CASE_IDS if c not in SEPARATED]


@cache
def _load_json(path: Path) -> dict:
    with open(path) as fh:
        return json.load(fh)


def load_dataset(dataset: str) -> pd.DataFrame:
    """A fresh DataFrame for ``dataset`` as named in cases.tsv (Pima comes from the package)."""
    if dataset == "pima2.csv":
        return sl.datasets.load_pima()
    return pd.read_csv(DATA_DIR / dataset)


@dataclass
class ReferenceCase:
    """One R reference case: its formulas, data, and R's numbers."""

    id: str
    dataset: str
    r_formula: str
    formula: str  # patsy
    ref: dict
    profile_exact: dict | None
    data: pd.DataFrame

    @property
    def names(self) -> list[str]:
        """Coefficient names translated to ours, in R's order."""
        return [r_to_ours(n) for n in self.ref["names"]]

    def series(self, values, names=None) -> pd.Series:
        """A per-coefficient list from R (``values`` is a list or a field name) by our names."""
        if isinstance(values, str):
            values = self.ref[values]
        idx = self.names if names is None else [r_to_ours(n) for n in names]
        return pd.Series(np.asarray(values, dtype=float), index=idx)

    def interval(self, field: str) -> pd.DataFrame:
        """An R interval field (``{"lower": [...], "upper": [...]}``) as lower/upper by our names."""
        d = self.ref[field]
        return pd.DataFrame({"lower": self.series(d["lower"]), "upper": self.series(d["upper"])})

    def exact_profile(self) -> pd.DataFrame:
        """The exact profile-likelihood limits from ``<id>.profile_exact.json``."""
        pe = self.profile_exact
        assert pe is not None, f"{self.id} has no profile_exact.json"
        return pd.DataFrame(
            {"lower": self.series(pe["lower"], pe["names"]), "upper": self.series(pe["upper"], pe["names"])}
        )

    def matrix(self, field: str) -> pd.DataFrame:
        """A coefficient-by-coefficient matrix from R (e.g. ``vcov_at_mle``) by our names."""
        return pd.DataFrame(np.asarray(self.ref[field], dtype=float), index=self.names, columns=self.names)


def make_case(case_id: str) -> ReferenceCase:
    row = CASES[case_id]
    ref = _load_json(DATA_DIR / f"{case_id}.json")
    pe_path = DATA_DIR / f"{case_id}.profile_exact.json"
    profile_exact = _load_json(pe_path) if pe_path.exists() else None
    return ReferenceCase(
        id=case_id,
        dataset=row["dataset"],
        r_formula=row["r_formula"],
        formula=row["patsy_formula"],
        ref=ref,
        profile_exact=profile_exact,
        data=load_dataset(row["dataset"]),
    )


class FittedCase:
    """A reference case with its default (Newton) fit; slower extras are computed once."""

    def __init__(self, case: ReferenceCase):
        self.case = case
        self.res = sl.logit(case.formula, data=case.data)
        self._other: dict = {}

    @cached_property
    def profile_ci(self) -> pd.DataFrame:
        return self.res.conf_int(method="profile")

    @cached_property
    def profile_or(self) -> pd.DataFrame:
        self.profile_ci  # noqa: B018  (shares the cached refits)
        return self.res.odds_ratios(method="profile")

    def fit_with(self, method: str):
        """The same model fitted by ``method`` with default options (cached).

        Warnings are recorded rather than raised, and kept with the result as
        ``(res, warnings)`` so tests can check that they match ``res.converged``.
        """
        if method not in self._other:
            import warnings

            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                res = sl.logit(self.case.formula, data=self.case.data, method=method)
            self._other[method] = (res, list(caught))
        return self._other[method]


class _Fits:
    def __init__(self):
        self._cache: dict[str, FittedCase] = {}

    def __getitem__(self, case_id: str) -> FittedCase:
        if case_id not in self._cache:
            self._cache[case_id] = FittedCase(make_case(case_id))
        return self._cache[case_id]


def pytest_generate_tests(metafunc):
    if "case_id" in metafunc.fixturenames:
        metafunc.parametrize("case_id", REFERENCE_CASE_IDS)


@pytest.fixture(scope="session")
def fits() -> _Fits:
    return _Fits()


@pytest.fixture
def fitted(fits, case_id) -> FittedCase:
    return fits[case_id]


@pytest.fixture(scope="session")
def load_case():
    return make_case


@pytest.fixture
def pima() -> pd.DataFrame:
    return sl.datasets.load_pima()


def assert_series_close(ours: pd.Series, ref: pd.Series, *, rtol: float, atol: float = 0.0, what: str = ""):
    """Match by name (the index), then compare values with ``assert_allclose``."""
    assert set(ours.index) == set(ref.index), f"{what}: names differ: ours {list(ours.index)}, R {list(ref.index)}"
    a = ours.loc[ref.index].to_numpy(dtype=float)
    b = ref.to_numpy(dtype=float)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"{what} (names {list(ref.index)})")


def rel_err(a, b) -> float:
    """max |a/b - 1| (for reporting; tests use assert_allclose)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.abs(b))) if b.size else 0.0


def two_sided_p(z) -> np.ndarray:
    """``2 Phi(-|z|)`` (scipy's ``ndtr`` is accurate far into the tail)."""
    from scipy.special import ndtr

    return 2.0 * ndtr(-np.abs(np.asarray(z, dtype=float)))


@pytest.fixture(scope="session")
def helpers():
    """Small comparison helpers, as a namespace (tests do not import conftest)."""

    class H:
        assert_series_close = staticmethod(assert_series_close)
        two_sided_p = staticmethod(two_sided_p)
        r_to_ours = staticmethod(r_to_ours)

    return H
