"""Fixtures shared by the report and plot tests: the flagship Pima fit and its R reference."""

from __future__ import annotations

import pytest

import statlogit as sl


@pytest.fixture(scope="module")
def ref(load_case):
    return load_case("pima_flagship")


@pytest.fixture(scope="module")
def res():
    return sl.logit("diabetes ~ glucose + mass + age", data=sl.datasets.load_pima())
