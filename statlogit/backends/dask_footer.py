"""A first pass from the Parquet footers, for formulas of numeric columns only.

When every formula column is numeric and the response is a plain 0/1 column, the first pass
has no factor levels to learn. The files' footers then give the row count and the
response's range (0 to 1 in every row group's statistics), and the random sample of complete
rows that starts Newton is drawn from a few files (``SAMPLE_FILES``) instead of all of them
(the same number of rows: a larger share of each).
What the footers cannot tell is checked on the first Newton pass, which reads every row
anyway: the rows used (complete cases) are counted there, a response value other than 0 or
1 is an error naming the file, and so is a non-finite predictor. Anything else (a text or
categorical column, a response expression, ``event=``, ``missing="raise"``, missing
statistics) takes the full first pass of :mod:`statlogit.backends.dask_design`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Files read for the starting sample when the footers replace the first pass.
SAMPLE_FILES = 8


def footer_facts(source, spec, compute, event, missing: str) -> dict | None:
    """First-pass facts from the footers (the shape of :func:`dask_design.combine_scans`), or None."""
    import dask

    from .dask_design import combine_scans, sample_limits, scan

    meta = source.frame._meta
    if source.kind != "parquet" or event is not None or missing != "drop" or spec.lhs_code not in meta.columns:
        return None
    if not all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in meta.dtypes):
        return None
    n_rows, lo, hi = 0, np.inf, -np.inf
    if len(source.footers) != len(source.labels):
        return None
    for md in source.footers:
        n_rows += md.num_rows
        names = md.schema.to_arrow_schema().names
        if spec.lhs_code not in names:
            return None
        col = names.index(spec.lhs_code)
        for g in range(md.num_row_groups):
            st = md.row_group(g).column(col).statistics
            if st is None or not st.has_min_max:
                return None
            lo, hi = min(lo, float(st.min)), max(hi, float(st.max))
    if n_rows == 0 or not (lo == 0.0 and hi == 1.0):
        return None
    nparts = source.frame.npartitions
    chosen = np.sort(np.random.default_rng(20240601).choice(nparts, size=min(SAMPLE_FILES, nparts), replace=False))
    parts = source.frame.to_delayed()
    spec_d = dask.delayed(spec, pure=True)
    per_file = sample_limits(nparts, len(meta.columns), len(chosen) / nparts)  # as many rows as from all files
    tasks = [dask.delayed(scan, pure=True)(parts[i], spec_d, source.labels[i], int(i), per_file) for i in chosen]
    sample = compute(dask.delayed(combine_scans, pure=True)(tasks), "the starting sample")
    return {"n_rows": n_rows, "n_keep": n_rows, "levels": {}, "orders": {}, "dtypes": {}, "sample": sample["sample"],
            "response": [0.0, 1.0], "response_dtype": np.dtype(float), "counted": False}
