"""Open the data of a Dask fit: a ``dask.dataframe``, or a path/glob of Parquet or CSV files.

Files become one partition each (``dask.dataframe.from_map``), reading only the columns the
formula uses, so every error can name the file it came from. Parquet schemas are checked on
the driver from the file footers before anything is read: a formula column missing from a
file, or a column whose type differs from the first file's, is an error naming the file.
CSV types are only known once read; the first pass over the data compares them (see
:mod:`statlogit.backends.dask_design`).
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass

import pandas as pd

from ..exceptions import DataError

PARQUET = (".parquet", ".pq", ".parq")
CSV = (".csv", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz", ".tsv")


def is_dask_data(data) -> bool:
    """True for a dask DataFrame or a path/glob string (the inputs the Dask backend takes)."""
    if isinstance(data, (str, os.PathLike)):
        return True
    return type(data).__module__.startswith("dask") and hasattr(data, "npartitions")


@dataclass(frozen=True)
class DaskSource:
    """The data of a Dask fit: the frame (formula columns only) and a label per partition."""

    frame: object
    labels: tuple[str, ...]
    kind: str  # "dask", "parquet" or "csv"
    footers: tuple = ()  # Parquet file metadata, one per file


def formula_columns(formula: str, columns) -> list[str]:
    """Columns named in the formula text (as :func:`statlogit.design._formula_columns`)."""
    return [c for c in map(str, columns) if re.search(rf"(?<![\w.]){re.escape(c)}(?![\w])", formula)]


def _expand(path: str) -> list[str]:
    path = os.fspath(path)
    if os.path.isdir(path):
        files = sorted(f for f in glob.glob(os.path.join(path, "*")) if f.lower().endswith(PARQUET + CSV))
    else:
        files = sorted(glob.glob(path))
    if not files:
        raise DataError(f"no files match {path!r}; check the path or the glob pattern (e.g. 'claims/*.parquet')")
    return files


def _kind(files: list[str]) -> str:
    kinds = set()
    for f in files:
        low = f.lower()
        if low.endswith(PARQUET):
            kinds.add("parquet")
        elif low.endswith(CSV):
            kinds.add("csv")
        else:
            raise DataError(f"file {f!r} is neither Parquet (.parquet) nor CSV (.csv); statlogit reads those two")
    if len(kinds) > 1:
        raise DataError(f"the files mix Parquet and CSV ({files[0]!r}, ...); point at one kind")
    return kinds.pop()


def read_parquet_file(path: str, needed: list[str]) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path, columns=needed).to_pandas()
    except Exception as exc:  # pyarrow's errors name no file when read by a worker
        raise DataError(f"could not read Parquet file {path!r}: {exc}") from exc


def read_csv_file(path: str, needed: list[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, sep="\t" if path.lower().endswith(".tsv") else ",")
    except Exception as exc:
        raise DataError(f"could not read CSV file {path!r}: {exc}") from exc
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataError(f"file {path!r} lacks the formula column(s) {', '.join(map(repr, missing))}")
    return frame[needed]


def _numeric(t) -> bool:
    import pyarrow.types as pt

    return pt.is_integer(t) or pt.is_floating(t)


def _parquet_columns(files: list[str], formula: str) -> tuple[list[str], pd.DataFrame]:
    import pyarrow.parquet as pq

    schemas, footers = [], []
    for f in files:
        try:
            footers.append(pq.read_metadata(f))
            schemas.append(footers[-1].schema.to_arrow_schema())
        except Exception as exc:
            raise DataError(f"could not read the schema of Parquet file {f!r}: {exc}") from exc
    first = schemas[0]
    cols = formula_columns(formula, first.names)
    for f, s in zip(files[1:], schemas[1:]):
        for c in cols:
            if c not in s.names:
                raise DataError(f"file {f!r} lacks the formula column {c!r} (present in {files[0]!r})")
            t0, t1 = first.field(c).type, s.field(c).type
            if t0 != t1 and not (_numeric(t0) and _numeric(t1)):  # int in one file, double in another is fine
                raise DataError(
                    f"file {f!r}: column {c!r} has type {t1}, but {t0} in {files[0]!r}; the files "
                    "must share one schema (cast the column to one type when writing them)"
                )
    meta = first.empty_table().select(cols).to_pandas() if cols else pd.DataFrame()
    return cols, meta, footers


def open_source(data, formula: str) -> DaskSource:
    """A :class:`DaskSource` for a dask DataFrame or a path/glob of Parquet/CSV files."""
    import dask.dataframe as dd

    if not isinstance(data, (str, os.PathLike)):
        cols = formula_columns(formula, data.columns)
        labels = tuple(f"partition {i}" for i in range(data.npartitions))
        return DaskSource(data[cols] if cols else data, labels, "dask")
    files = _expand(data)
    kind = _kind(files)
    if kind == "parquet":
        cols, meta, footers = _parquet_columns(files, formula)
        frame = dd.from_map(read_parquet_file, files, args=(cols,), meta=meta, label="statlogit-parquet",
                            enforce_metadata=False)
        return DaskSource(frame, tuple(files), kind, tuple(footers))
    else:
        try:
            header = pd.read_csv(files[0], nrows=200, sep="\t" if files[0].lower().endswith(".tsv") else ",")
        except Exception as exc:
            raise DataError(f"could not read CSV file {files[0]!r}: {exc}") from exc
        cols = formula_columns(formula, header.columns)
        frame = dd.from_map(read_csv_file, files, args=(cols,), meta=header[cols].iloc[:0],
                            label="statlogit-csv", enforce_metadata=False)
    return DaskSource(frame, tuple(files), kind)
