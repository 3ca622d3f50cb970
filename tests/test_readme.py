"""The README's Python example runs as written, and its numbers are R's."""

from __future__ import annotations

import doctest
import json
import pathlib
import re

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples save report files
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python example"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    res = namespace["res"]
    ref = json.loads((ROOT / "tests" / "data" / "pima_flagship.json").read_text())
    np.testing.assert_allclose(res.params.to_numpy(), ref["coef"], rtol=1e-6)
    assert res.nobs == ref["n"] and res.n_dropped == ref["n_dropped"]
    assert (tmp_path / "pima.html").stat().st_size > 10_000


def test_docstring_examples():
    import statlogit.model

    failures, tried = doctest.testmod(statlogit.model, verbose=False)
    assert tried > 0 and failures == 0
