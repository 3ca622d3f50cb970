"""Engines beyond one in-memory array: Dask (data larger than memory) and CuPy (a GPU).

Each backend produces the same :class:`~statlogit.solvers.base.Fit` from the same block
function (:mod:`statlogit.kernel`); inference and reports do not know which one ran.
"""
